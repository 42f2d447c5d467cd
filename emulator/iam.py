"""IAM enforcement: every AWS call is checked against the caller's identity-based policies.

Off by default. On with the start flag --iam, or at run time with
POST /ackless/config {"iamEnforce": true}; POST /ackless/reset puts it back to
the start value.

Who calls: the access key id of the SigV4 signature. A key issued by IAM
(CreateAccessKey) is that IAM user; the emulator's documented key id
"testing" is the account's root (everything allowed, as on AWS); any other key
is refused as AWS refuses an unknown one (InvalidClientTokenId, EC2:
AuthFailure). Signatures are not verified.

Why not moto's own access control (INITIAL_NO_AUTH_ACTION_COUNT,
moto/iam/access_control.py): moto 5.2.1 checks every action against
Resource "*" only, turns any Condition on an identity policy into an explicit
deny (it only knows trust-policy conditions), does not know that one API call
can need several IAM actions (CreateDistributionWithTags: cloudfront:CreateDistribution
and cloudfront:TagResource), and never sees the operations the emulator adds
(CloudFront Functions, KeyValueStores and their data plane, whose actions are
cloudfront-keyvaluestore:<operation> on the store's ARN). Here the check runs
in the WSGI front (control.py), before any handler, so it covers every
operation, moto's and ours, the same way.
It reuses moto's IAM backend for users, keys and policies.

What is evaluated, as AWS does for identity-based policies: explicit Deny wins,
then any Allow, else denied; Action/NotAction and Resource/NotResource with * and
? wildcards; Condition operators StringEquals, StringNotEquals, StringLike,
StringNotLike (and their IfExists forms), Null, and the ForAllValues: /
ForAnyValue: set forms, on the keys aws:ResourceTag/<key>, aws:RequestTag/<key>,
aws:TagKeys and ec2:CreateAction, supplied only for the actions that support them
(docs/iam.md). An operator or key the emulator does not know makes the
statement not match (stricter than AWS, never more forgiving).
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, unquote
from xml.etree import ElementTree

from . import state

ROOT_ACCESS_KEY_ID = "testing"

# The value --iam set at start: what /ackless/reset returns to.
start_enforce = False

Json = dict[str, Any]


_installed = False


def install() -> None:
    """Lets the front enforce IAM (ACKLESS_EMULATOR_DISABLE=iam: the switch is accepted, nothing is checked)."""
    global _installed
    _installed = True


def enforcing() -> bool:
    return _installed and bool(state.config.get("iamEnforce", False))


def reset() -> None:
    state.config["iamEnforce"] = start_enforce


# ------------------------------------------------------------- the request


@dataclass
class Check:
    """One IAM action an API call needs, on one resource, with the context AWS supplies for it."""

    action: str
    resource: str
    context: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Request:
    service: str
    operation: str
    region: str
    account: str
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def form(self) -> dict[str, list[str]]:
        if not hasattr(self, "_form"):
            self._form = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)  # type: ignore[attr-defined]
        return self._form  # type: ignore[attr-defined]

    def form_param(self, name: str) -> str | None:
        values = self.form().get(name) or self.query.get(name)
        return values[0] if values else None

    def form_list(self, prefix: str) -> list[str]:
        """Values of prefix.1, prefix.2, ... (EC2 query lists)."""
        form = self.form()
        out, n = [], 1
        while f"{prefix}.{n}" in form:
            out.append(form[f"{prefix}.{n}"][0])
            n += 1
        return out

    def xml(self) -> ElementTree.Element | None:
        if not self.body.strip():
            return None
        try:
            return ElementTree.fromstring(self.body)
        except ElementTree.ParseError:
            return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_tags(root: ElementTree.Element | None) -> dict[str, str]:
    """Every <Tag><Key/><Value/></Tag> of a CloudFront request body."""
    out: dict[str, str] = {}
    if root is None:
        return out
    for el in root.iter():
        if _local(el.tag) == "Tag":
            key = value = None
            for child in el:
                if _local(child.tag) == "Key":
                    key = child.text or ""
                elif _local(child.tag) == "Value":
                    value = child.text or ""
            if key is not None:
                out[key] = value or ""
    return out


def _xml_keys(root: ElementTree.Element | None) -> list[str]:
    """The <TagKeys><Items><Key/>... of an UntagResource body."""
    if root is None:
        return []
    return [el.text or "" for el in root.iter() if _local(el.tag) == "Key"]


def _ec2_tags(req: Request, prefix: str) -> dict[str, str]:
    form = req.form()
    out, n = {}, 1
    while f"{prefix}.{n}.Key" in form:
        out[form[f"{prefix}.{n}.Key"][0]] = (form.get(f"{prefix}.{n}.Value") or [""])[0]
        n += 1
    return out


def _tag_context(request_tags: dict[str, str] | None = None, keys: list[str] | None = None, resource_tags: dict[str, str] | None = None) -> dict[str, list[str]]:
    ctx: dict[str, list[str]] = {}
    if request_tags is not None:
        for k, v in request_tags.items():
            ctx[f"aws:RequestTag/{k}"] = [v]
        ctx["aws:TagKeys"] = list(request_tags)
    if keys is not None:
        ctx["aws:TagKeys"] = list(keys)
    if resource_tags is not None:
        for k, v in resource_tags.items():
            ctx[f"aws:ResourceTag/{k}"] = [v]
    return ctx


# ------------------------------------------------------------- resources


def _cf_tags(account: str, arn: str) -> dict[str, str]:
    from moto.cloudfront.models import cloudfront_backends

    try:
        tags = cloudfront_backends[account]["aws"].tagger.list_tags_for_resource(arn)["Tags"]
    except Exception:
        return {}
    return {t["Key"]: t.get("Value", "") for t in tags}


def _ec2_resource_tags(req: Request, resource_id: str) -> dict[str, str]:
    from moto.ec2.models import ec2_backends

    try:
        return dict(ec2_backends[req.account][req.region].tags.get(resource_id, {}))
    except Exception:
        return {}


def _cf_arn(req: Request, kind: str, name: str) -> str:
    return f"arn:aws:cloudfront::{req.account}:{kind}/{name}"


_EC2_TYPES = {"nat-": "natgateway", "subnet-": "subnet", "eipalloc-": "elastic-ip", "vpc-": "vpc"}


def _ec2_arn(req: Request, resource_id: str) -> str:
    kind = next((t for p, t in _EC2_TYPES.items() if resource_id.startswith(p)), "resource")
    return f"arn:aws:ec2:{req.region}:{req.account}:{kind}/{resource_id}"


def _cf_path_id(req: Request) -> str:
    """The {Id} or {Name} segment of /2020-05-31/<kind>/<id>[/...]."""
    parts = [p for p in req.path.split("/") if p]
    return unquote(parts[2]) if len(parts) > 2 else "*"


def _stack_arn(req: Request, name: str | None) -> str:
    if not name:
        return "*"
    if name.startswith("arn:"):
        if ":changeSet/" in name:
            return _change_set_stack(req, name)
        return name
    from moto.cloudformation.models import cloudformation_backends

    try:
        for stack in cloudformation_backends[req.account][req.region].stacks.values():
            if stack.name == name and stack.status != "DELETE_COMPLETE":
                return str(stack.stack_id)
    except Exception:
        pass
    return f"arn:aws:cloudformation:{req.region}:{req.account}:stack/{name}/*"


def _change_set_stack(req: Request, change_set: str) -> str:
    from moto.cloudformation.models import cloudformation_backends

    try:
        backend = cloudformation_backends[req.account][req.region]
        for cs in backend.change_sets.values():
            if cs.change_set_id == change_set or cs.name == change_set:
                return str(cs.stack_id)
    except Exception:
        pass
    return "*"


# ------------------------------------------------------------- operation -> actions

def _cloudfront(req: Request) -> list[Check]:
    op = req.operation
    act = f"cloudfront:{op}"
    if op == "CreateDistributionWithTags":
        tags = _xml_tags(req.xml())
        new = _cf_arn(req, "distribution", "*")
        return [Check("cloudfront:CreateDistribution", new, _tag_context(tags)), Check("cloudfront:TagResource", new, _tag_context(tags))]
    if op == "CreateDistribution":
        return [Check(act, _cf_arn(req, "distribution", "*"))]
    if op == "CreateFunction":
        name = ""
        root = req.xml()
        if root is not None:
            name = next((el.text or "" for el in root if _local(el.tag) == "Name"), "")
        tags = _xml_tags(root)
        checks = [Check(act, _cf_arn(req, "function", name or "*"), _tag_context(tags) if tags else {})]
        if tags:
            checks.append(Check("cloudfront:TagResource", _cf_arn(req, "function", name or "*"), _tag_context(tags)))
        return checks
    if op in ("TagResource", "UntagResource", "ListTagsForResource"):
        arn = req.param("Resource") or "*"
        resource_tags = _cf_tags(req.account, arn)
        if op == "TagResource":
            return [Check(act, arn, _tag_context(_xml_tags(req.xml()), resource_tags=resource_tags))]
        if op == "UntagResource":
            return [Check(act, arn, _tag_context(keys=_xml_keys(req.xml()), resource_tags=resource_tags))]
        return [Check(act, arn, _tag_context(resource_tags=resource_tags))]
    if op.startswith("List"):
        return [Check(act, "*")]
    if "KeyValueStore" in op:
        # The IAM resource of a store is its ARN, by the store's id, though the control plane names it by Name.
        name = _cf_path_id(req) if op != "CreateKeyValueStore" else "*"
        arn = _kvs_arn(req, name)
        if op == "CreateKeyValueStore":
            tags = _xml_tags(req.xml())
            checks = [Check(act, arn, _tag_context(tags) if tags else {})]
            if tags:
                checks.append(Check("cloudfront:TagResource", arn, _tag_context(tags)))
            return checks
        return [Check(act, arn, _tag_context(resource_tags=_cf_tags(req.account, arn)))]
    if "Distribution" in op:
        arn = _cf_arn(req, "distribution", _cf_path_id(req))
        return [Check(act, arn, _tag_context(resource_tags=_cf_tags(req.account, arn)))]
    if "Function" in op:
        arn = _cf_arn(req, "function", _cf_path_id(req))
        return [Check(act, arn, _tag_context(resource_tags=_cf_tags(req.account, arn)))]
    return [Check(act, "*")]


def _kvs_arn(req: Request, name: str) -> str:
    """The ARN of the store named `name` (key-value-store/<id>); key-value-store/* when there is none by that name."""
    if name != "*":
        from moto.cloudfront.models import cloudfront_backends

        from .cloudfront_kvs import stores

        try:
            kvs = stores(cloudfront_backends[req.account]["aws"]).get(name)
        except Exception:
            kvs = None
        if kvs is not None:
            return str(kvs.arn)
    return _cf_arn(req, "key-value-store", "*")


def _kvs_data(req: Request, environ: Json) -> list[Check]:
    """The data plane (cloudfront-keyvaluestore): one action per operation, on the KvsARN of the path."""
    from .cloudfront_kvs_data import route

    _, arn, _ = route(environ)
    return [Check(f"cloudfront-keyvaluestore:{req.operation}", arn or "*")]


def _ec2(req: Request) -> list[Check]:
    op = req.operation
    act = f"ec2:{op}"
    if op == "CreateNatGateway":
        tags: dict[str, str] = {}
        n = 1
        form = req.form()
        while f"TagSpecification.{n}.ResourceType" in form:
            tags.update(_ec2_tags(req, f"TagSpecification.{n}.Tag"))
            n += 1
        new = f"arn:aws:ec2:{req.region}:{req.account}:natgateway/*"
        checks = [Check(act, new, _tag_context(tags) if tags else {})]
        subnet = req.form_param("SubnetId")
        if subnet:
            checks.append(Check(act, _ec2_arn(req, subnet)))
        allocation = req.form_param("AllocationId")
        if allocation:
            checks.append(Check(act, _ec2_arn(req, allocation)))
        if tags:
            # Tag on create: AWS authorizes ec2:CreateTags too, with ec2:CreateAction set.
            ctx = _tag_context(tags)
            ctx["ec2:CreateAction"] = [op]
            checks.append(Check("ec2:CreateTags", new, ctx))
        return checks
    if op in ("CreateTags", "DeleteTags"):
        ids = req.form_list("ResourceId")
        tags = _ec2_tags(req, "Tag")
        out = []
        for rid in ids or ["*"]:
            resource_tags = _ec2_resource_tags(req, rid)
            ctx = _tag_context(tags, resource_tags=resource_tags) if op == "CreateTags" else _tag_context(keys=list(tags), resource_tags=resource_tags)
            out.append(Check(act, _ec2_arn(req, rid), ctx))
        return out
    if op == "DeleteNatGateway":
        rid = req.form_param("NatGatewayId") or "*"
        return [Check(act, _ec2_arn(req, rid), _tag_context(resource_tags=_ec2_resource_tags(req, rid)))]
    # Describe* and the rest: no resource-level permissions in this emulator.
    return [Check(act, "*")]


def _cloudformation(req: Request) -> list[Check]:
    op = req.operation
    act = f"cloudformation:{op}"
    if op in ("DescribeStacks", "ListStacks") and not req.form_param("StackName"):
        return [Check(act, "*")]
    if op in ("DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet"):
        name = req.form_param("StackName") or req.form_param("ChangeSetName")
    else:
        name = req.form_param("StackName")
    return [Check(act, _stack_arn(req, name))]


def checks_for(req: Request, environ: Json | None = None) -> list[Check]:
    if req.service == "cloudfront-keyvaluestore":
        return _kvs_data(req, environ or {"PATH_INFO": req.path, "REQUEST_METHOD": req.method})
    if req.service == "cloudfront":
        return _cloudfront(req)
    if req.service == "ec2":
        return _ec2(req)
    if req.service == "cloudformation":
        return _cloudformation(req)
    return [Check(f"{req.service}:{req.operation}", "*")]


# ------------------------------------------------------------- policies


@dataclass
class Policy:
    name: str
    document: Json


def _iam_backend(account: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account]["aws"]


def _default_document(policy: Any) -> str:
    version = next(v for v in policy.versions if v.is_default)
    return str(version.document)


def find_user(account: str, access_key_id: str) -> Any:
    for user in _iam_backend(account).users.values():
        for key in user.access_keys:
            if key.access_key_id == access_key_id:
                return user
    return None


def user_policies(account: str, user: Any) -> list[Policy]:
    """Inline and attached policies of the user and of its groups, by name."""
    backend = _iam_backend(account)
    out = [Policy(name, json.loads(doc)) for name, doc in user.policies.items()]
    out += [Policy(p.name, json.loads(_default_document(p))) for p in user.managed_policies.values()]
    for group in backend.get_groups_for_user(user.name):
        out += [Policy(name, json.loads(doc)) for name, doc in group.policies.items()]
        out += [Policy(p.name, json.loads(_default_document(p))) for p in group.managed_policies.values()]
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, case: bool = True) -> bool:
    regex = "^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"
    return re.match(regex, value, 0 if case else re.IGNORECASE) is not None


_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda actual, expected: actual == expected,
    "StringLike": lambda actual, expected: _glob(expected, actual),
    "StringEqualsIgnoreCase": lambda actual, expected: actual.lower() == expected.lower(),
}
_NEGATED = {"StringNotEquals": "StringEquals", "StringNotLike": "StringLike", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase"}
_KNOWN_KEYS = re.compile(r"^(aws:ResourceTag/.+|aws:RequestTag/.+|aws:TagKeys|ec2:CreateAction)$", re.IGNORECASE)


def _context_values(ctx: dict[str, list[str]], key: str) -> list[str] | None:
    # Condition keys are case-insensitive; tag keys inside them are matched as given (case-sensitive),
    # the stricter reading.
    prefix, _, rest = key.partition("/")
    for k, v in ctx.items():
        kp, _, kr = k.partition("/")
        if kp.lower() == prefix.lower() and kr == rest:
            return v
    return None


def _condition_holds(operator: str, key: str, expected: Any, ctx: dict[str, list[str]]) -> bool:
    if not _KNOWN_KEYS.match(key):
        return False
    actual = _context_values(ctx, key)
    expected_values = [str(e).lower() if isinstance(e, bool) else str(e) for e in _as_list(expected)]
    if operator == "Null":
        want_absent = expected_values[0].lower() == "true"
        return (actual is None or actual == []) == want_absent
    set_op = None
    if operator.startswith("ForAllValues:") or operator.startswith("ForAnyValue:"):
        set_op, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[: -len("IfExists")]
    negate = operator in _NEGATED
    base = _NEGATED.get(operator, operator)
    test = _OPERATORS.get(base)
    if test is None:
        return False

    def one(value: str) -> bool:
        hit = any(test(value, e) for e in expected_values)
        return not hit if negate else hit

    if set_op == "ForAllValues":
        return all(one(v) for v in (actual or []))
    if set_op == "ForAnyValue":
        return any(one(v) for v in (actual or []))
    if actual is None or actual == []:
        return if_exists or negate
    return all(one(v) for v in actual) if negate else any(one(v) for v in actual)


def _conditions_hold(statement: Json, ctx: dict[str, list[str]]) -> bool:
    for operator, block in (statement.get("Condition") or {}).items():
        if not isinstance(block, dict):
            return False
        for key, expected in block.items():
            if not _condition_holds(operator, key, expected, ctx):
                return False
    return True


def _matches(statement: Json, check: Check) -> bool:
    if "Action" in statement:
        if not any(_glob(a, check.action, case=False) for a in _as_list(statement["Action"])):
            return False
    elif "NotAction" in statement:
        if any(_glob(a, check.action, case=False) for a in _as_list(statement["NotAction"])):
            return False
    else:
        return False
    if "Resource" in statement:
        if not any(_glob(r, check.resource) for r in _as_list(statement["Resource"])):
            return False
    elif "NotResource" in statement:
        if any(_glob(r, check.resource) for r in _as_list(statement["NotResource"])):
            return False
    else:
        return False
    return _conditions_hold(statement, check.context)


def decide(policies: list[Policy], check: Check) -> tuple[bool, list[str]]:
    """(allowed, the statements that allowed it, as "<policy>/<Sid or index>"); an explicit Deny wins
    (then the list names the denying statement)."""
    allowed_by: list[str] = []
    for policy in policies:
        for i, statement in enumerate(_as_list(policy.document.get("Statement", []))):
            if not isinstance(statement, dict) or not _matches(statement, check):
                continue
            label = f"{policy.name}/{statement.get('Sid') or i}"
            if statement.get("Effect") == "Deny":
                return False, [label]
            if statement.get("Effect") == "Allow":
                allowed_by.append(label)
    return bool(allowed_by), allowed_by


# ------------------------------------------------------------- the errors


def _denied(service: str, principal_arn: str, check: Check, explicit: bool) -> tuple[int, list[tuple[str, str]], bytes]:
    from .faults import service_error

    why = "with an explicit deny in an identity-based policy" if explicit else f"because no identity-based policy allows the {check.action} action"
    detail = f"User: {principal_arn} is not authorized to perform: {check.action} on resource: {check.resource} {why}"
    if service == "ec2":
        # EC2: 403 UnauthorizedOperation; the encoded part is opaque (sts:DecodeAuthorizationMessage on AWS).
        encoded = uuid.uuid4().hex
        return service_error(service, 403, "UnauthorizedOperation", f"You are not authorized to perform this operation. {detail}. Encoded authorization failure message: {encoded}")
    # The KeyValueStore data plane (rest-json) names it AccessDeniedException (its model's error shape).
    code = "AccessDeniedException" if service == "cloudfront-keyvaluestore" else "AccessDenied"
    return service_error(service, 403, code, detail)


def _invalid_key(service: str) -> tuple[int, list[tuple[str, str]], bytes]:
    from .faults import service_error

    if service == "ec2":
        return service_error(service, 401, "AuthFailure", "AWS was not able to validate the provided access credentials")
    return service_error(service, 403, "InvalidClientTokenId", "The security token included in the request is invalid.")


# ------------------------------------------------------------- the front


def authorize(environ: Json, service: str, operation: str, entry: Json) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """None when the call may go on; else the error response. Records what it checked in the call-log entry."""
    if not enforcing():
        return None
    from .control import _read_body

    auth = environ.get("HTTP_AUTHORIZATION") or ""
    m = re.search(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/", auth)
    if not m:
        return _invalid_key(service)
    key, region = m.group(1), m.group(2)
    account = state.account_id()
    if key == ROOT_ACCESS_KEY_ID:
        entry["principal"] = "root"
        return None
    if service == "sts" and operation == "GetCallerIdentity":
        return None  # always allowed, even under an explicit deny (as on AWS)
    with state.lock:
        user = find_user(account, key)
        if user is None:
            return _invalid_key(service)
        policies = user_policies(account, user)
        req = Request(
            service=service,
            operation=operation,
            region=region,
            account=account,
            method=environ.get("REQUEST_METHOD", "GET"),
            path=environ.get("PATH_INFO", "/"),
            query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            body=_read_body(environ),
        )
        checks = checks_for(req, environ)
    entry["principal"] = user.name
    entry["iam"] = []
    for check in checks:
        allowed, by = decide(policies, check)
        entry["iam"].append({"action": check.action, "resource": check.resource, "allowedBy": by if allowed else []})
        if not allowed:
            entry["denied"] = check.action
            return _denied(service, user.arn, check, bool(by))
    return None


def status() -> Json:
    return {"enforce": enforcing(), "rootAccessKeyId": ROOT_ACCESS_KEY_ID}
