"""A DistributionConfig as CloudFront stores and returns it (docs/aws-contract.md,
"CloudFront distribution configs as AWS returns them").

normalize() takes the request's DistributionConfig (as moto's parser gives it:
plain dicts and lists, typed scalars) and returns what GetDistributionConfig,
GetDistribution, Create/UpdateDistribution and ListDistributions answer:

* the defaults AWS fills in for omitted fields (DEFAULTS below, each from the
  sources in aws-contract.md);
* every Quantity equal to the number of Items, and an empty Items left out;
* set-valued lists in a canonical order that is not the request's (methods in
  the order CloudFront answers them, other sets sorted), while lists whose
  order means something (Origins, CacheBehaviors, origin group members) keep
  the request's order. The ordering can be switched off with the emulator
  config key canonicalSetOrder (POST /ackless/config).
"""

import copy
from typing import Any, Callable

from . import state

# CloudFront answers ["HEAD","GET"] for ["GET","HEAD"], and the seven methods as
# HEAD, DELETE, POST, GET, OPTIONS, PUT, PATCH.
METHOD_ORDER = ["HEAD", "DELETE", "POST", "GET", "OPTIONS", "PUT", "PATCH"]

def _method_rank(method: Any) -> tuple[int, str]:
    text = str(method)
    return (METHOD_ORDER.index(text) if text in METHOD_ORDER else len(METHOD_ORDER), text)


def _wrapper(value: Any, default_items: list[Any] | None = None, order: Callable[[list[Any]], list[Any]] | None = None) -> dict[str, Any]:
    """A {Quantity, Items} list wrapper: Quantity counted, empty Items left out, items optionally reordered."""
    out = dict(value) if isinstance(value, dict) else {}
    items = out.get("Items")
    if items is None and default_items is not None and not isinstance(value, dict):
        items = list(default_items)
    items = list(items or [])
    if order is not None and items and ordering_on():
        items = order(items)
    out["Quantity"] = len(items)
    if items:
        out["Items"] = items
    else:
        out.pop("Items", None)
    return out


def ordering_on() -> bool:
    return bool(state.config["canonicalSetOrder"])


def _sorted(items: list[Any]) -> list[Any]:
    return sorted(items, key=lambda x: str(x))


def _by(key: str) -> Callable[[list[Any]], list[Any]]:
    return lambda items: sorted(items, key=lambda x: str((x or {}).get(key, "")) if isinstance(x, dict) else str(x))


def _methods(items: list[Any]) -> list[Any]:
    return sorted(items, key=_method_rank)


def _default(out: dict[str, Any], key: str, value: Any) -> None:
    if out.get(key) is None:
        out[key] = copy.deepcopy(value)


def _origin(origin: dict[str, Any]) -> dict[str, Any]:
    out = dict(origin)
    _default(out, "OriginPath", "")
    out["CustomHeaders"] = _wrapper(out.get("CustomHeaders"), [], _by("HeaderName"))
    if isinstance(out.get("S3OriginConfig"), dict):
        s3 = dict(out["S3OriginConfig"])
        _default(s3, "OriginAccessIdentity", "")
        _default(s3, "OriginReadTimeout", 30)
        out["S3OriginConfig"] = s3
    if isinstance(out.get("CustomOriginConfig"), dict):
        custom = dict(out["CustomOriginConfig"])
        _default(custom, "OriginReadTimeout", 30)
        _default(custom, "OriginKeepaliveTimeout", 5)
        if custom.get("OriginSslProtocols") is not None:
            custom["OriginSslProtocols"] = _wrapper(custom["OriginSslProtocols"], None, _sorted)
        out["CustomOriginConfig"] = custom
    _default(out, "ConnectionAttempts", 3)
    _default(out, "ConnectionTimeout", 10)
    _default(out, "OriginShield", {"Enabled": False})
    _default(out, "OriginAccessControlId", "")
    return out


def _signers(value: Any) -> dict[str, Any]:
    # An ordered list (terraform-provider-aws: trusted_signers, trusted_key_groups are TypeList).
    out = _wrapper(value, [])
    _default(out, "Enabled", out["Quantity"] > 0)
    return out


def _behaviour(behaviour: dict[str, Any]) -> dict[str, Any]:
    out = dict(behaviour)
    out["TrustedSigners"] = _signers(out.get("TrustedSigners"))
    out["TrustedKeyGroups"] = _signers(out.get("TrustedKeyGroups"))
    allowed = out.get("AllowedMethods")
    allowed = _wrapper(allowed, ["HEAD", "GET"], _methods)
    allowed["CachedMethods"] = _wrapper(allowed.get("CachedMethods"), ["HEAD", "GET"], _methods)
    out["AllowedMethods"] = allowed
    _default(out, "SmoothStreaming", False)
    _default(out, "Compress", False)
    out["LambdaFunctionAssociations"] = _wrapper(out.get("LambdaFunctionAssociations"), [], _by("EventType"))
    for item in out["LambdaFunctionAssociations"].get("Items", []):
        _default(item, "IncludeBody", False)
    out["FunctionAssociations"] = _wrapper(out.get("FunctionAssociations"), [], _by("EventType"))
    _default(out, "FieldLevelEncryptionId", "")
    _default(out, "GrpcConfig", {"Enabled": False})
    if not out.get("CachePolicyId") and isinstance(out.get("ForwardedValues"), dict):
        # The legacy cache settings: CloudFront fills the lists and TTLs.
        fv = dict(out["ForwardedValues"])
        cookies = dict(fv.get("Cookies") or {"Forward": "none"})
        if cookies.get("WhitelistedNames") is not None:
            cookies["WhitelistedNames"] = _wrapper(cookies["WhitelistedNames"], None, _sorted)
        fv["Cookies"] = cookies
        fv["Headers"] = _wrapper(fv.get("Headers"), [], _sorted)
        # an ordered list (terraform-provider-aws: query_string_cache_keys is a TypeList)
        fv["QueryStringCacheKeys"] = _wrapper(fv.get("QueryStringCacheKeys"), [])
        out["ForwardedValues"] = fv
        _default(out, "MinTTL", 0)
        _default(out, "DefaultTTL", 86400)
        _default(out, "MaxTTL", 31536000)
    return out


def _origin_group(group: dict[str, Any]) -> dict[str, Any]:
    out = dict(group)
    criteria = dict(out.get("FailoverCriteria") or {})
    criteria["StatusCodes"] = _wrapper(criteria.get("StatusCodes"), [], _sorted)
    out["FailoverCriteria"] = criteria
    # Members keep their order: the first is the primary origin.
    out["Members"] = _wrapper(out.get("Members"), [])
    return out


def _viewer_certificate(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or (not value.get("ACMCertificateArn") and not value.get("IAMCertificateId")):
        # The CloudFront domain name: CloudFront sets the policy to TLSv1 itself.
        return {"CloudFrontDefaultCertificate": True, "MinimumProtocolVersion": "TLSv1", "CertificateSource": "cloudfront"}
    out = {k: v for k, v in value.items() if k not in ("Certificate", "CertificateSource")}
    out["CloudFrontDefaultCertificate"] = False
    if out.get("ACMCertificateArn"):
        out["Certificate"], out["CertificateSource"] = out["ACMCertificateArn"], "acm"
    else:
        out["Certificate"], out["CertificateSource"] = out["IAMCertificateId"], "iam"
    return out


def _restrictions(value: Any) -> dict[str, Any]:
    geo = dict(((value or {}).get("GeoRestriction")) or {})
    _default(geo, "RestrictionType", "none")
    return {"GeoRestriction": _wrapper(geo, [], _sorted)}


def normalize(request: dict[str, Any]) -> dict[str, Any]:
    """The stored and returned form of a DistributionConfig request (the request itself is not changed)."""
    out = copy.deepcopy(request or {})
    out["Aliases"] = _wrapper(out.get("Aliases"), [], _sorted)
    _default(out, "DefaultRootObject", "")
    origins = out.get("Origins") or {}
    out["Origins"] = _wrapper({**origins, "Items": [_origin(o) for o in origins.get("Items") or []]})
    groups = out.get("OriginGroups") or {}
    out["OriginGroups"] = _wrapper({**groups, "Items": [_origin_group(g) for g in groups.get("Items") or []]})
    out["DefaultCacheBehavior"] = _behaviour(out.get("DefaultCacheBehavior") or {})
    behaviours = out.get("CacheBehaviors") or {}
    # CacheBehaviors keep their order: it is their precedence.
    out["CacheBehaviors"] = _wrapper({**behaviours, "Items": [_behaviour(b) for b in behaviours.get("Items") or []]})
    errors = out.get("CustomErrorResponses") or {}
    out["CustomErrorResponses"] = _wrapper(
        errors,
        None,
        lambda items: sorted(items, key=lambda e: int(e.get("ErrorCode") or 0)),
    )
    _default(out, "Comment", "")
    logging = dict(out.get("Logging") or {})
    for key, value in (("Enabled", False), ("IncludeCookies", False), ("Bucket", ""), ("Prefix", "")):
        _default(logging, key, value)
    out["Logging"] = logging
    _default(out, "PriceClass", "PriceClass_All")
    out["ViewerCertificate"] = _viewer_certificate(out.get("ViewerCertificate"))
    out["Restrictions"] = _restrictions(out.get("Restrictions"))
    _default(out, "WebACLId", "")
    _default(out, "HttpVersion", "http2")
    _default(out, "IsIPV6Enabled", True)
    _default(out, "ContinuousDeploymentPolicyId", "")
    _default(out, "Staging", False)
    return out


def function_arns(config: dict[str, Any]) -> set[str]:
    """Every CloudFront Function ARN a normalized config associates (default and ordered behaviours)."""
    behaviours = [config.get("DefaultCacheBehavior") or {}] + list((config.get("CacheBehaviors") or {}).get("Items") or [])
    return {
        item["FunctionARN"]
        for b in behaviours
        for item in (b.get("FunctionAssociations") or {}).get("Items") or []
        if item.get("FunctionARN")
    }


def origin_access_control_ids(config: dict[str, Any]) -> set[str]:
    return {o["OriginAccessControlId"] for o in (config.get("Origins") or {}).get("Items") or [] if o.get("OriginAccessControlId")}
