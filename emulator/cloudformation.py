"""CloudFormation, where moto 5.2.1 differs from AWS (each behaviour and its
source is in docs/aws-contract.md, "CloudFormation change sets and template
format version"):

1. A resource whose template entry changes only in its DeletionPolicy /
   UpdateReplacePolicy is not updated (these attributes are stack metadata,
   not resource properties). moto treats such a change as a property update:
   it calls the resource class's update hook, and for classes without one
   (EIP, NAT gateway...) stores None in place of the resource, so the next
   Fn::GetAtt fails and the update is rejected. With this patch the stack
   takes the new template (so DeleteStack honours the new
   `DeletionPolicy: Retain`, which moto's delete already checks) and the
   resources stay as they are.
2. Change sets describe their changes as AWS does: `Type: Resource`, and per
   resource Action (Add / Modify / Remove), PhysicalResourceId, Replacement
   (True / False / Conditional), Scope (the attributes that change: Properties,
   Metadata, DeletionPolicy, UpdateReplacePolicy...), Details (one per changed
   property or attribute, with RequiresRecreation) and PolicyAction for
   removals and replacements. SSM parameter types are read again from
   Parameter Store, as AWS does on every update, and a changed value shows as
   a Modify of the resources that use it. moto lists Action, LogicalResourceId
   and ResourceType only.
3. ExecuteChangeSet refuses a change set that is not AVAILABLE
   (InvalidChangeSetStatus) and deletes the stack's other change sets;
   DescribeChangeSet / ExecuteChangeSet / DeleteChangeSet find a change set by
   ARN, or by name within the given stack, and answer ChangeSetNotFound when
   there is none (moto looks a name up across all stacks and fails with a 500
   on DeleteChangeSet). CreateChangeSet takes the stack's id as well as its
   name (moto only the name).
4. CreateStack, UpdateStack, CreateChangeSet and ValidateTemplate reject an
   AWSTemplateFormatVersion other than 2010-09-09 (ValidationError, "Template
   format error: ..."); a YAML template may write it unquoted.
"""

import datetime
import json
from typing import Any

import yaml
from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend
from moto.cloudformation.parsing import ResourceMap
from moto.cloudformation.responses import CloudFormationResponse
from moto.cloudformation.utils import yaml_tag_constructor
from moto.core.responses import ActionResult, EmptyResult

POLICY_ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy")
# Compared for a Modify, in the order Scope lists them.
ATTRIBUTES = ("Properties", "Metadata", "CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy")
RETAINING = ("Retain", "RetainExceptOnCreate")

# Properties whose update requires replacement ("Update requires: Replacement"
# in the resource type's reference), for the types ackless's tests use. For any
# other type the emulator cannot know and answers Conditionally.
REPLACED_BY = {
    "AWS::EC2::NatGateway": {"SubnetId", "AllocationId", "ConnectivityType"},
}
KNOWN_TYPES_UPDATABLE = {"AWS::EC2::NatGateway"}

FORMAT_VERSION = "2010-09-09"
NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set."


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFound"


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


# ------------------------------------------------------------------ 1. policy-only updates


def _without_policies(resource_json: Any) -> Any:
    if not isinstance(resource_json, dict):
        return resource_json
    return {k: v for k, v in resource_json.items() if k not in POLICY_ATTRIBUTES}


def _install_policy_only_updates() -> None:
    orig = ResourceMap.build_resource_diff

    def build_resource_diff(self: ResourceMap, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        result = orig(self, other_template, parameters)
        old = self._resource_json_map
        new = other_template["Resources"]
        result["Modify"] = [
            name
            for name in result["Modify"]
            if _without_policies(old.get(name)) != _without_policies(new.get(name))
            # a parameter-driven change still updates the resource
            or name not in old
            or old.get(name) == new.get(name)
        ]
        return result

    ResourceMap.build_resource_diff = build_resource_diff


# ------------------------------------------------------------------ 2. change set contents


def _references(value: Any) -> set[str]:
    """Names used by Ref and by ${Name} in Fn::Sub anywhere in `value`."""
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "Ref" and isinstance(v, str):
                found.add(v)
            elif k == "Fn::Sub":
                text = v[0] if isinstance(v, list) and v else v
                if isinstance(text, str):
                    found.update(part.split("}", 1)[0] for part in text.split("${")[1:])
            found |= _references(v)
    elif isinstance(value, list):
        for v in value:
            found |= _references(v)
    return found


def _changed_ssm_parameters(change_set: ChangeSet) -> set[str]:
    """Parameters of an SSM type whose Parameter Store value differs from the one the stack last used."""
    from moto.ssm import ssm_backends

    stack = change_set.stack
    declared = (change_set.template_dict or {}).get("Parameters") or {}
    used = stack.resource_map.resolved_parameters
    ssm = ssm_backends[stack.account_id][stack.region_name]
    changed = set()
    for name, spec in declared.items():
        kind = str((spec or {}).get("Type", ""))
        key = change_set.parameters.get(name, (spec or {}).get("Default"))
        if not kind.startswith("AWS::SSM::Parameter::Value") or not key or name not in used:
            continue
        parameter = ssm.get_parameter(key)
        if parameter is not None and parameter.value != used[name]:
            changed.add(name)
    return changed


def _recreation(resource_type: str, prop: str) -> str:
    if prop in REPLACED_BY.get(resource_type, set()):
        return "Always"
    if prop == "Tags" or resource_type in KNOWN_TYPES_UPDATABLE:
        return "Never"
    return "Conditionally"


def _detail(attribute: str, requires: str, name: str | None = None) -> dict[str, Any]:
    target: dict[str, Any] = {"Attribute": attribute, "RequiresRecreation": requires}
    if name is not None:
        target["Name"] = name
    return {"Target": target, "Evaluation": "Static", "ChangeSource": "DirectModification"}


def _modify(name: str, old: dict[str, Any], new: dict[str, Any], changed_parameters: set[str]) -> list[dict[str, Any]]:
    """The Details of a resource present before and after (empty: unchanged)."""
    resource_type = str(new.get("Type", ""))
    details = []
    for attribute in ATTRIBUTES:
        before, after = old.get(attribute), new.get(attribute)
        if attribute != "Properties":
            if before != after:
                details.append(_detail(attribute, "Never"))
            continue
        before, after = before or {}, after or {}
        for prop in list(after) + [p for p in before if p not in after]:
            if before.get(prop) != after.get(prop) or _references(after.get(prop)) & changed_parameters:
                details.append(_detail("Properties", _recreation(resource_type, prop), prop))
    return details


def _replacement(details: list[dict[str, Any]]) -> str:
    requires = {d["Target"]["RequiresRecreation"] for d in details}
    return "True" if "Always" in requires else "Conditional" if "Conditionally" in requires else "False"


def _physical_id(stack: Any, name: str) -> str | None:
    resource = stack.resource_map._parsed_resources.get(name)
    return getattr(resource, "physical_resource_id", None)


def _changes(change_set: ChangeSet) -> list[dict[str, Any]]:
    stack = change_set.stack
    new = (change_set.template_dict or {}).get("Resources") or {}
    creating = change_set.change_set_type == "CREATE" or stack.status == "REVIEW_IN_PROGRESS"
    old = {} if creating else stack.resource_map._resource_json_map
    changed_parameters = set() if creating else _changed_ssm_parameters(change_set)
    changes = []
    for name, resource in new.items():
        entry: dict[str, Any] = {"LogicalResourceId": name, "ResourceType": resource.get("Type")}
        if name not in old:
            entry.update(Action="Add", Scope=[], Details=[])
        else:
            details = _modify(name, old[name], resource, changed_parameters)
            if not details:
                continue
            entry.update(
                Action="Modify",
                PhysicalResourceId=_physical_id(stack, name),
                Replacement=_replacement(details),
                Scope=[a for a in ATTRIBUTES if any(d["Target"]["Attribute"] == a for d in details)],
                Details=details,
            )
            if entry["Replacement"] == "True":
                entry["PolicyAction"] = "ReplaceAndRetain" if resource.get("UpdateReplacePolicy") in RETAINING else "ReplaceAndDelete"
        changes.append(entry)
    for name, resource in old.items():
        if name not in new:
            changes.append(
                {
                    "Action": "Remove",
                    "LogicalResourceId": name,
                    "PhysicalResourceId": _physical_id(stack, name),
                    "ResourceType": resource.get("Type"),
                    "PolicyAction": "Retain" if resource.get("DeletionPolicy") in RETAINING else "Delete",
                    "Scope": [],
                    "Details": [],
                }
            )
    return changes


def _install_change_set_contents() -> None:
    def diff(self: ChangeSet) -> list[dict[str, Any]]:
        return _changes(self)

    ChangeSet.diff = diff

    orig_create = CloudFormationBackend.create_change_set

    def create_change_set(self: CloudFormationBackend, stack_name: str, change_set_name: str, template: str, parameters: dict[str, str], *args: Any, **kwargs: Any) -> tuple[str, str]:
        stack = next((s for s in self.stacks.values() if stack_name in (s.name, s.stack_id)), None)
        if stack is not None:
            stack_name = stack.name  # AWS takes the stack's name or id; moto only the name
        if stack is not None and stack.status != "REVIEW_IN_PROGRESS":
            # UsePreviousValue: moto passes the value the stack resolved (for an
            # SSM type, the Parameter Store value); AWS keeps the parameter as
            # given (the SSM key) and reads Parameter Store again.
            resolved = stack.resource_map.resolved_parameters
            previous = {k: v for k, v in parameters.items() if k in resolved and v == resolved[k]}
            parameters = {k: v for k, v in parameters.items() if k not in previous}
            # (one that took the template's Default keeps taking it)
            parameters.update({k: stack.parameters[k] for k in previous if k in stack.parameters})
        change_set_id, stack_id = orig_create(self, stack_name, change_set_name, template, parameters, *args, **kwargs)
        change_set = self.change_sets[change_set_id]
        unchanged = not change_set.changes and change_set.stack.has_template(template) and change_set.stack.has_parameters(parameters)
        if change_set.change_set_type == "UPDATE" and not unchanged:
            change_set.status, change_set.execution_status, change_set.status_reason = "CREATE_COMPLETE", "AVAILABLE", None
        elif change_set.change_set_type == "UPDATE":
            change_set.status, change_set.execution_status, change_set.status_reason = "FAILED", "UNAVAILABLE", NO_CHANGES
        return change_set_id, stack_id

    CloudFormationBackend.create_change_set = create_change_set


# ------------------------------------------------------------------ 3. lookup, execute, delete


def _find_change_set(backend: CloudFormationBackend, name: str, stack_name: str | None) -> ChangeSet:
    if name in backend.change_sets:
        return backend.change_sets[name]
    for change_set in backend.change_sets.values():
        if change_set.change_set_name == name and (not stack_name or stack_name in (change_set.stack_name, change_set.stack_id)):
            return change_set
    raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")


def _install_change_set_lookup() -> None:
    orig_execute = CloudFormationBackend.execute_change_set

    def describe_change_set(self: CloudFormationResponse) -> Any:
        return ActionResult(_find_change_set(self.cloudformation_backend, self._get_param("ChangeSetName"), self._get_param("StackName")))

    def execute_change_set(self: CloudFormationResponse) -> Any:
        backend = self.cloudformation_backend
        change_set = _find_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
        if change_set.execution_status != "AVAILABLE":
            raise InvalidChangeSetStatus(
                f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current status of [{change_set.status}] and execution status of [{change_set.execution_status}]"
            )
        orig_execute(backend, change_set.change_set_id, change_set.stack_id)
        for other in [c for c in backend.change_sets.values() if c.stack_id == change_set.stack_id and c is not change_set]:
            del backend.change_sets[other.change_set_id]
        return EmptyResult()

    def delete_change_set(self: CloudFormationResponse) -> Any:
        backend = self.cloudformation_backend
        change_set = _find_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
        del backend.change_sets[change_set.change_set_id]
        return EmptyResult()

    CloudFormationResponse.describe_change_set = describe_change_set
    CloudFormationResponse.execute_change_set = execute_change_set
    CloudFormationResponse.delete_change_set = delete_change_set


# ------------------------------------------------------------------ 4. AWSTemplateFormatVersion


def _format_version_error(body: str | None) -> str | None:
    if not body:
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        yaml.add_multi_constructor("", yaml_tag_constructor)
        try:
            parsed = yaml.load(body, Loader=yaml.Loader)
        except yaml.YAMLError:
            return None  # moto reports unreadable templates itself
    if not isinstance(parsed, dict) or "AWSTemplateFormatVersion" not in parsed:
        return None
    version = parsed["AWSTemplateFormatVersion"]
    # An unquoted YAML 2010-09-09 reads as a date; AWS documents it as valid.
    if version == FORMAT_VERSION or type(version) is datetime.date and version == datetime.date(2010, 9, 9):
        return None
    return f"Template format error: '{version}' is not a supported AWSTemplateFormatVersion; {FORMAT_VERSION} is the only valid value"


def _install_format_version_check() -> None:
    for operation in ("create_stack", "update_stack", "create_change_set", "validate_template"):
        orig = getattr(CloudFormationResponse, operation)

        def checked(self: CloudFormationResponse, _orig: Any = orig) -> Any:
            error = _format_version_error(self._get_param("TemplateBody"))
            if error:
                raise ValidationError(message=error)
            return _orig(self)

        setattr(CloudFormationResponse, operation, checked)


def install() -> None:
    _install_policy_only_updates()
    _install_change_set_contents()
    _install_change_set_lookup()
    _install_format_version_check()
