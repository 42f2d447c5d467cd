"""CloudFront distribution behaviours moto lacks.

* IfMatch is checked against the current ETag (400 missing, 412 stale).
* Every successful update issues a new ETag and returns the distribution to InProgress.
* Status is computed from the time of the last change (no background thread).
* DeleteDistribution requires Enabled=false and Status=Deployed (409 otherwise).
* A CallerReference is used once: CreateDistribution(WithTags) with one already
  sent (its distribution live or deleted) is 409 DistributionAlreadyExists,
  the message ending with the id of the distribution it made.
* The config is stored and answered as CloudFront does (cloudfront_config.py):
  the defaults AWS fills in, origins with their S3OriginConfig and
  OriginAccessControlId, and so on. moto's own DistributionConfig object is kept
  for moto's checks only; every response serializes the normalized config.
* An origin naming an origin access control that does not exist: 400
  InvalidOriginAccessControl (create and update).
* A list whose Quantity is not the number of its Items: 400
  InconsistentQuantities (create and update).
* An origin with none of S3OriginConfig, CustomOriginConfig, VpcOriginConfig:
  400 InvalidOrigin; with both an OAC and a non-empty OriginAccessIdentity: 400
  IllegalOriginAccessConfiguration (create and update).
* ListDistributions pages with MaxItems and Marker (NextMarker: the id of the
  page's last distribution).
"""

import copy
from typing import Any

from moto.cloudfront import models as cf_models
from moto.cloudfront.exceptions import (
    CloudFrontException,
    DistributionAlreadyExists,
    InvalidIfMatchVersion,
    NoSuchDistribution,
)
from moto.cloudfront.models import CloudFrontBackend, Distribution, random_id
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult

from . import state
from .cloudfront_config import function_arns as config_function_arns
from .cloudfront_config import normalize


class InvalidOriginAccessControl(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "InvalidOriginAccessControl",
            "The specified origin access control does not exist or is not valid.",
        )


class InconsistentQuantities(CloudFrontException):
    def __init__(self, name: str, quantity: Any, supplied: int) -> None:
        super().__init__(
            "InconsistentQuantities",
            f"The specified quantity of {name} ({quantity}) does not match the actual quantity supplied ({supplied}).",
        )


def check_quantities(value: Any, name: str = "DistributionConfig") -> None:
    """Every {Quantity, Items} list wrapper of a request: Quantity must be the number of Items."""
    if isinstance(value, dict):
        quantity = value.get("Quantity")
        if quantity is not None:
            supplied = len(value.get("Items") or [])
            if int(quantity) != supplied:
                raise InconsistentQuantities(name, quantity, supplied)
        for key, item in value.items():
            check_quantities(item, key)
    elif isinstance(value, list):
        for item in value:
            check_quantities(item, name)


class InvalidArgument(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidArgument", message)


class PreconditionFailed(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "PreconditionFailed",
            "The precondition given in one or more of the request-header fields evaluated to false.",
        )


class DistributionNotDisabled(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "DistributionNotDisabled",
            "The distribution you are trying to delete has not been disabled.",
        )


def _iso_now() -> str:
    return state.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def mark_changed(dist: Distribution, new_etag: bool = True) -> None:
    """A change to the distribution: new ETag, back to InProgress."""
    if new_etag:
        dist.etag = random_id()
    dist._ackless_deploy_at = state.now() + state.deploy_seconds()
    dist.last_modified_time = _iso_now()


def force_status(dist: Distribution, status: str, hold_seconds: float | None) -> None:
    if status == "Deployed":
        dist._ackless_deploy_at = state.now()
    elif status == "InProgress":
        dist._ackless_deploy_at = (
            float("inf") if hold_seconds is None else state.now() + float(hold_seconds)
        )
    else:
        raise ValueError(f"unknown status {status!r}")


def _status(self: Distribution) -> str:
    deploy_at = getattr(self, "_ackless_deploy_at", 0.0)
    return "Deployed" if state.now() >= deploy_at else "InProgress"


def _set_status(self: Distribution, value: str) -> None:
    force_status(self, value, None)


def function_arns(dist: Distribution) -> set[str]:
    """All function ARNs a distribution associates (default and ordered behaviours)."""
    return config_function_arns(stored_config(dist))


def stored_config(dist: Distribution) -> dict[str, Any]:
    """The distribution's config as CloudFront answers it."""
    return dist.__dict__.get("_ackless_config") or {}


class InvalidOrigin(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("InvalidOrigin", "The origin server does not exist or is not valid.")


class IllegalOriginAccessConfiguration(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "IllegalOriginAccessConfiguration",
            "An origin cannot contain both an origin access control (OAC) and an origin access identity (OAI).",
        )


def _check_origins(backend: CloudFrontBackend, request: dict[str, Any]) -> None:
    """Each origin has one kind of origin config, and at most one of OAC and OAI; its OAC exists."""
    for origin in ((request or {}).get("Origins") or {}).get("Items") or []:
        if not any(origin.get(k) is not None for k in ("S3OriginConfig", "CustomOriginConfig", "VpcOriginConfig")):
            raise InvalidOrigin()
        oac = origin.get("OriginAccessControlId")
        if oac and ((origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity") or ""):
            raise IllegalOriginAccessConfiguration()
        if oac and oac not in backend.origin_access_controls:
            raise InvalidOriginAccessControl()


# DistributionSummary members ListDistributions answers from the config.
SUMMARY_FIELDS = (
    "Aliases", "Origins", "OriginGroups", "DefaultCacheBehavior", "CacheBehaviors", "CustomErrorResponses",
    "Comment", "PriceClass", "Enabled", "ViewerCertificate", "Restrictions", "WebACLId", "HttpVersion",
    "IsIPV6Enabled", "Staging",
)


def list_page(items: list[Any], marker: Any, max_items: Any, key: Any) -> dict[str, Any]:
    """One page of a CloudFront list: the items after the one whose key is marker, at most MaxItems
    (default 100); NextMarker (the last item's key) and IsTruncated when more remain."""
    try:
        limit = 100 if max_items in (None, "") else int(max_items)
    except (TypeError, ValueError):
        raise InvalidArgument(f"MaxItems must be an integer, got {max_items!r}") from None
    if limit < 0:
        raise InvalidArgument("MaxItems must not be negative")
    rest = items
    if marker:
        keys = [key(i) for i in items]
        rest = items[keys.index(marker) + 1 :] if marker in keys else []
    chunk = rest[:limit]
    listing: dict[str, Any] = {
        "Marker": marker or "",
        "MaxItems": limit,
        "IsTruncated": len(rest) > len(chunk),
        "Quantity": len(chunk),
        "Items": chunk or None,
    }
    if len(rest) > len(chunk) and chunk:
        listing["NextMarker"] = key(chunk[-1])
    return listing


def install() -> None:
    orig_dist_init = Distribution.__init__

    def dist_init(self: Distribution, account_id: str, region_name: str, config: dict[str, Any]) -> None:
        request = copy.deepcopy(config)  # moto's DistributionConfig rewrites the dict it is given
        orig_dist_init(self, account_id, region_name, config)
        self._ackless_config = normalize(request)
        # moto omits the empty region field: AWS ARNs are arn:aws:cloudfront::ACCOUNT:distribution/ID
        self.arn = self.arn.replace(":cloudfront:", ":cloudfront::", 1).replace(":::", "::", 1)
        mark_changed(self, new_etag=False)

    Distribution.__init__ = dist_init
    Distribution.status = property(_status, _set_status)
    # Responses serialize the stored config (the serializer looks for the
    # model's member names first); ListDistributions' summaries carry its fields.
    Distribution.DistributionConfig = property(stored_config)
    Distribution.ETag = property(lambda self: self.etag)
    for field in SUMMARY_FIELDS:
        setattr(Distribution, field, property(lambda self, _f=field: stored_config(self).get(_f)))

    def update_distribution(
        self: CloudFrontBackend, dist_config: dict[str, Any], _id: str, if_match: Any
    ) -> tuple[Distribution, str, str]:
        with state.lock:
            if _id is None or _id not in self.distributions:
                raise NoSuchDistribution
            if not if_match:
                raise InvalidIfMatchVersion
            dist = self.distributions[_id]
            if if_match != dist.etag:
                raise PreconditionFailed
            if not dist_config:
                raise InvalidIfMatchVersion
            check_quantities(dist_config)
            _check_origins(self, dist_config)
            request = copy.deepcopy(dist_config)
            dist.distribution_config = cf_models.DistributionConfig(dist_config)
            dist._ackless_config = normalize(request)
            mark_changed(dist)
            return dist, dist.location, dist.etag

    def delete_distribution(self: CloudFrontBackend, distribution_id: str, if_match: Any) -> None:
        with state.lock:
            if distribution_id not in self.distributions:
                raise NoSuchDistribution
            if not if_match:
                raise InvalidIfMatchVersion
            dist = self.distributions[distribution_id]
            if if_match != dist.etag:
                raise PreconditionFailed
            if getattr(dist.distribution_config, "Enabled", False) or dist.status != "Deployed":
                raise DistributionNotDisabled
            deployed_at = getattr(dist, "_ackless_deploy_at", 0.0)
            if state.now() < deployed_at + state.not_disabled_seconds():
                # Deployed, but AWS has not caught up yet: retry briefly.
                raise DistributionNotDisabled
            del self.distributions[distribution_id]
            self.invalidations.pop(distribution_id, None)
            self.tagger.delete_all_tags_for_resource(dist.arn)

    orig_create_with_tags = CloudFrontBackend.create_distribution_with_tags

    def create_distribution_with_tags(
        self: CloudFrontBackend, distribution_config: dict[str, Any], tags: list[dict[str, str]]
    ) -> tuple[Distribution, str, str]:
        # CloudFront never forgets a CallerReference (moto frees it on delete);
        # CreateDistribution goes through here too.
        with state.lock:
            used: dict[str, str] = self.__dict__.setdefault("_ackless_caller_references", {})
            reference = (distribution_config or {}).get("CallerReference")
            if reference in used:
                raise DistributionAlreadyExists(used[reference])
            check_quantities(distribution_config)
            _check_origins(self, distribution_config)
            dist, location, etag = orig_create_with_tags(self, distribution_config, tags)
            used[dist.distribution_config.caller_reference] = dist.distribution_id
            return dist, location, etag

    def get_distribution_config(self: CloudFrontResponse) -> ActionResult:
        dist, etag = self.backend.get_distribution(self._get_param("Id"))
        return ActionResult({"DistributionConfig": stored_config(dist), "ETag": etag})

    def list_distributions(self: CloudFrontResponse) -> ActionResult:
        with state.lock:
            distributions = self.backend.list_distributions()
            listing = list_page(distributions, self._get_param("Marker"), self._get_param("MaxItems"), lambda d: d.distribution_id)
            return ActionResult({"DistributionList": listing})

    CloudFrontResponse.get_distribution_config = get_distribution_config
    CloudFrontResponse.list_distributions = list_distributions
    CloudFrontBackend.create_distribution_with_tags = create_distribution_with_tags
    CloudFrontBackend.update_distribution = update_distribution
    CloudFrontBackend.delete_distribution = delete_distribution
