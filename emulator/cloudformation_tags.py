"""CloudFormation-created resources carry their template's Tags (docs/aws-contract.md,
"Tags on resources CloudFormation creates").

moto 5.2.1 stamps the stack-level tags (the stack's own Tags and
aws:cloudformation:stack-name / stack-id / logical-id) on the EC2 resources it
creates, but drops a NAT gateway's `Tags` property, and has no
AWS::CloudFront::Distribution or AWS::CloudFront::Function at all (a template
with them creates nothing for them). Here:

* AWS::EC2::NatGateway: its `Tags` are put on the gateway.
* AWS::CloudFront::Distribution: created from `DistributionConfig` (the
  CloudFormation shape: plain lists, OriginCustomHeaders, IPV6Enabled...) as
  CreateDistribution would, tagged with its `Tags` and the stack-level tags.
  Ref: the distribution id; GetAtt DomainName, Id. Deleted with the stack.
* AWS::CloudFront::Function: created from Name, FunctionCode, FunctionConfig,
  published when AutoPublish is true, tagged likewise. Ref: the function ARN;
  GetAtt FunctionARN, FunctionMetadata.FunctionARN, Stage. Deleted with the stack.
* AWS::CloudFront::KeyValueStore: created from Name and Comment as
  CreateKeyValueStore would (ImportSource is not supported; the type has no
  Tags, so none are stamped). Ref: the store's name (its Cloud Control primary
  identifier); GetAtt Arn, Id, Status. Deleted with the stack.
Updates of these resources are not modelled.
"""

import uuid
from typing import Any

from moto.cloudformation.parsing import ResourceMap
from moto.cloudfront.models import cloudfront_backends
from moto.core.common_models import CloudFormationModel
from moto.ec2.models.nat_gateways import NatGateway

from . import state

# CloudFormation list properties that the API wraps as {Quantity, Items}.
_WRAPPED = {
    "Aliases", "CacheBehaviors", "CustomErrorResponses", "Origins", "FunctionAssociations", "LambdaFunctionAssociations",
    "Headers", "QueryStringCacheKeys", "WhitelistedNames", "OriginSslProtocols", "CustomHeaders",
}
_RENAMED = {
    "OriginCustomHeaders": "CustomHeaders",
    "OriginSSLProtocols": "OriginSslProtocols",
    "IPV6Enabled": "IsIPV6Enabled",
    "AcmCertificateArn": "ACMCertificateArn",
    "IamCertificateId": "IAMCertificateId",
    "SslSupportMethod": "SSLSupportMethod",
}


def _tag_list(properties: dict[str, Any]) -> list[dict[str, str]]:
    return [{"Key": str(t["Key"]), "Value": str(t.get("Value", ""))} for t in properties.get("Tags") or []]


def api_config(cfn: Any) -> Any:
    """A CloudFormation DistributionConfig (or part of one) in the API's shape."""
    if isinstance(cfn, list):
        return [api_config(v) for v in cfn]
    if not isinstance(cfn, dict):
        return cfn
    out: dict[str, Any] = {}
    for key, value in cfn.items():
        key = _RENAMED.get(key, key)
        if key in ("AllowedMethods", "CachedMethods") and isinstance(value, list):
            out.setdefault("AllowedMethods", {})
            target = out["AllowedMethods"] if key == "AllowedMethods" else out["AllowedMethods"].setdefault("CachedMethods", {})
            target.update({"Quantity": len(value), "Items": value})
        elif key in ("TrustedSigners", "TrustedKeyGroups") and isinstance(value, list):
            out[key] = {"Enabled": bool(value), "Quantity": len(value), "Items": value}
        elif key == "GeoRestriction" and isinstance(value, dict):
            locations = value.get("Locations") or []
            out[key] = {"RestrictionType": value.get("RestrictionType", "none"), "Quantity": len(locations), "Items": locations}
        elif key in _WRAPPED and isinstance(value, list):
            items = api_config(value)
            out[key] = {"Quantity": len(items), "Items": items}
        elif key == "Logging" and isinstance(value, dict):
            out[key] = {"Enabled": True, "IncludeCookies": False, "Prefix": "", **value}
        else:
            out[key] = api_config(value)
    return out


class CfnDistribution(CloudFormationModel):
    def __init__(self, dist: Any, account_id: str) -> None:
        self.dist = dist
        self.account_id = account_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudFront::Distribution"

    @property
    def physical_resource_id(self) -> str:
        return self.dist.distribution_id

    @property
    def arn(self) -> str:
        return self.dist.arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("DomainName", "Id")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.dist.domain_name if attribute_name == "DomainName" else self.dist.distribution_id

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnDistribution":
        properties = cloudformation_json.get("Properties") or {}
        config = api_config(properties.get("DistributionConfig") or {})
        config.setdefault("CallerReference", str(uuid.uuid4()))
        config.setdefault("Comment", "")
        backend = cloudfront_backends[account_id]["aws"]
        dist, _, _ = backend.create_distribution_with_tags(config, _tag_list(properties))
        return cls(dist, account_id)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = cloudfront_backends[account_id]["aws"]
        backend.distributions.pop(self.dist.distribution_id, None)
        backend.tagger.delete_all_tags_for_resource(self.dist.arn)


class CfnFunction(CloudFormationModel):
    def __init__(self, name: str, arn: str, stage: str) -> None:
        self.name = name
        self.function_arn = arn
        self.stage = stage

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudFront::Function"

    @property
    def physical_resource_id(self) -> str:
        return self.function_arn

    @property
    def arn(self) -> str:
        return self.function_arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("FunctionARN", "FunctionMetadata.FunctionARN", "Stage")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.stage if attribute_name == "Stage" else self.function_arn

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnFunction":
        from .cloudfront_functions import LIVE, CloudFrontFunction, FunctionAlreadyExists, functions

        properties = cloudformation_json.get("Properties") or {}
        backend = cloudfront_backends[account_id]["aws"]
        config = dict(properties.get("FunctionConfig") or {})
        kvs = config.get("KeyValueStoreAssociations")
        if isinstance(kvs, list):
            config["KeyValueStoreAssociations"] = {"Quantity": len(kvs), "Items": [{"KeyValueStoreARN": a.get("KeyValueStoreARN")} for a in kvs]}
        with state.lock:
            store = functions(backend)
            if resource_name in store:
                raise FunctionAlreadyExists(resource_name)
            fn = CloudFrontFunction(account_id, resource_name, str(properties.get("FunctionCode") or "").encode("utf-8"), config)
            store[resource_name] = fn
            if str(properties.get("AutoPublish")).lower() == "true":
                fn.stages[LIVE] = fn.stages["DEVELOPMENT"].copy()
            tags = _tag_list(properties)
            if tags:
                backend.tagger.tag_resource(fn.arn, tags)
            return cls(resource_name, fn.arn, LIVE if LIVE in fn.stages else "DEVELOPMENT")

    def delete(self, account_id: str, region_name: str) -> None:
        from .cloudfront_functions import functions

        backend = cloudfront_backends[account_id]["aws"]
        with state.lock:
            functions(backend).pop(self.name, None)
            backend.tagger.delete_all_tags_for_resource(self.function_arn)


class CfnKeyValueStore(CloudFormationModel):
    def __init__(self, kvs: Any) -> None:
        self.kvs = kvs

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudFront::KeyValueStore"

    @property
    def physical_resource_id(self) -> str:
        return self.kvs.name

    @property
    def arn(self) -> str:
        return self.kvs.arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Arn", "Id", "Status")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return {"Arn": self.kvs.arn, "Id": self.kvs.id}.get(attribute_name) or self.kvs.status()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnKeyValueStore":
        from .cloudfront_kvs import EntityAlreadyExists, KeyValueStore, stores

        properties = cloudformation_json.get("Properties") or {}
        backend = cloudfront_backends[account_id]["aws"]
        with state.lock:
            if resource_name in stores(backend):
                raise EntityAlreadyExists(resource_name)
            kvs = KeyValueStore(account_id, resource_name, str(properties.get("Comment") or ""))
            stores(backend)[resource_name] = kvs
            return cls(kvs)

    def delete(self, account_id: str, region_name: str) -> None:
        from .cloudfront_kvs import stores

        backend = cloudfront_backends[account_id]["aws"]
        with state.lock:
            stores(backend).pop(self.kvs.name, None)
            backend.tagger.delete_all_tags_for_resource(self.kvs.arn)


def install() -> None:
    from moto.cloudformation import parsing

    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()

    orig_nat = NatGateway.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def nat_from_cloudformation(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        nat = orig_nat(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        tags = _tag_list(cloudformation_json.get("Properties") or {})
        if tags:
            nat.ec2_backend.create_tags([nat.id], {t["Key"]: t["Value"] for t in tags})
        return nat

    NatGateway.create_from_cloudformation_json = classmethod(nat_from_cloudformation)  # type: ignore[method-assign, assignment]

    orig_create = ResourceMap.create

    def create(self: ResourceMap, template: dict[str, Any]) -> bool:
        ready = orig_create(self, template)
        # The stack-level tags (moto stamps them on EC2 resources only).
        for logical_id, resource in self._parsed_resources.items():
            if isinstance(resource, (CfnDistribution, CfnFunction)):
                tags = {**self.tags, "aws:cloudformation:logical-id": logical_id}
                backend = cloudfront_backends[resource_account(self)]["aws"]
                backend.tagger.tag_resource(resource.arn, [{"Key": k, "Value": str(v)} for k, v in tags.items()])
        return ready

    ResourceMap.create = create


def resource_account(resource_map: ResourceMap) -> str:
    return resource_map._account_id
