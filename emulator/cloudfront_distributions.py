"""CloudFront distribution behaviours moto lacks.

* FunctionAssociations (and LambdaFunctionAssociations) are kept on cache behaviours.
* IfMatch is checked against the current ETag (400 missing, 412 stale).
* Every successful update issues a new ETag and returns the distribution to InProgress.
* Status is computed from the time of the last change (no background thread).
* DeleteDistribution requires Enabled=false and Status=Deployed (409 otherwise).
* A CallerReference is used once: CreateDistribution(WithTags) with one already
  sent (its distribution live or deleted) is 409 DistributionAlreadyExists,
  the message ending with the id of the distribution it made.
"""

from typing import Any

from moto.cloudfront import models as cf_models
from moto.cloudfront.exceptions import (
    CloudFrontException,
    DistributionAlreadyExists,
    InvalidIfMatchVersion,
    NoSuchDistribution,
)
from moto.cloudfront.models import CloudFrontBackend, DefaultCacheBehaviour, Distribution, random_id

from . import state


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


def _associations(config: dict[str, Any], key: str) -> dict[str, Any]:
    value = config.get(key) or {}
    items = value.get("Items") or []
    if items:
        return {"Quantity": len(items), "Items": items}
    return {"Quantity": 0}


def function_arns(dist: Distribution) -> set[str]:
    """All function ARNs a distribution associates (default and ordered behaviours)."""
    cfg = dist.distribution_config
    behaviours = [cfg.DefaultCacheBehavior]
    cache_behaviours = getattr(cfg, "CacheBehaviors", {}) or {}
    behaviours.extend(cache_behaviours.get("Items") or [])
    arns: set[str] = set()
    for b in behaviours:
        fa = getattr(b, "function_associations", None) or {}
        for item in fa.get("Items") or []:
            arn = item.get("FunctionARN")
            if arn:
                arns.add(arn)
    return arns


def install() -> None:
    orig_behaviour_init = DefaultCacheBehaviour.__init__

    def behaviour_init(self: DefaultCacheBehaviour, config: dict[str, Any]) -> None:
        orig_behaviour_init(self, config)
        self.function_associations = _associations(config, "FunctionAssociations")
        self.lambda_function_associations = _associations(config, "LambdaFunctionAssociations")

    DefaultCacheBehaviour.__init__ = behaviour_init

    orig_dist_init = Distribution.__init__

    def dist_init(self: Distribution, *args: Any, **kwargs: Any) -> None:
        orig_dist_init(self, *args, **kwargs)
        # moto omits the empty region field: AWS ARNs are arn:aws:cloudfront::ACCOUNT:distribution/ID
        self.arn = self.arn.replace(":cloudfront:", ":cloudfront::", 1).replace(":::", "::", 1)
        mark_changed(self, new_etag=False)

    Distribution.__init__ = dist_init
    Distribution.status = property(_status, _set_status)
    # ListDistributions' DistributionSummary carries the cache behaviours (AWS does; moto omitted them).
    Distribution.DefaultCacheBehavior = property(lambda self: self.distribution_config.DefaultCacheBehavior)
    Distribution.CacheBehaviors = property(lambda self: self.distribution_config.CacheBehaviors)

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
            dist.distribution_config = cf_models.DistributionConfig(dist_config)
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
            dist, location, etag = orig_create_with_tags(self, distribution_config, tags)
            used[dist.distribution_config.caller_reference] = dist.distribution_id
            return dist, location, etag

    CloudFrontBackend.create_distribution_with_tags = create_distribution_with_tags
    CloudFrontBackend.update_distribution = update_distribution
    CloudFrontBackend.delete_distribution = delete_distribution
