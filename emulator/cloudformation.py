"""CloudFormation: a resource whose template entry changes only in its
DeletionPolicy / UpdateReplacePolicy is not updated (as on AWS, where these
attributes are stack metadata, not resource properties).

moto 5.2.1 treats such a change as a property update: it calls the resource
class's update hook, and for classes without one (EIP, NAT gateway...) stores
None in place of the resource, so the next Fn::GetAtt fails and the update is
rejected. With this patch the stack takes the new template (so DeleteStack
honours the new `DeletionPolicy: Retain`, which moto's delete already checks)
and the resources stay as they are.
"""

from typing import Any

from moto.cloudformation.parsing import ResourceMap

POLICY_ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy")


def _without_policies(resource_json: Any) -> Any:
    if not isinstance(resource_json, dict):
        return resource_json
    return {k: v for k, v in resource_json.items() if k not in POLICY_ATTRIBUTES}


def install() -> None:
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
