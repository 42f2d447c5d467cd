"""Eventual consistency after create (config notFoundAfterCreateSeconds, 0: off).

For N seconds after the create call that made it, a NAT gateway, distribution
or CloudFront function does not exist yet for reads, as an eventually
consistent AWS API can answer (docs/aws-contract.md, "Eventual consistency
after create"):

* DescribeNatGateways naming it in NatGatewayIds: NatGatewayNotFound, as for an
  unknown id; a describe without ids (or by filter) leaves it out.
* GetDistribution / GetDistributionConfig: 404 NoSuchDistribution;
  ListDistributions leaves it out.
* DescribeFunction / GetFunction: 404 NoSuchFunctionExists; ListFunctions
  leaves it out.
* ListTagsForResource on its ARN: 404 NoSuchResource, as for an unknown ARN.

N is taken when the resource is created (changing the config later does not
hide or reveal existing resources). Writes (updates, deletes, tagging, a
repeated create with the same ClientToken / CallerReference / name) behave as
without this module; a repeated create does not restart the window.
"""

from typing import Any, Callable

from moto.cloudfront.exceptions import NoSuchDistribution
from moto.cloudfront.models import CloudFrontBackend
from moto.cloudfront.responses import CloudFrontResponse
from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend
from moto.ec2.responses.nat_gateways import NatGateways

from . import cloudfront_functions, state
from .cloudfront_functions import NoSuchFunctionExists, functions
from .ec2_nat import NatGatewayNotFound
from .tags import _CF_ARN, NoSuchResource

_VISIBLE_AT = "_ackless_visible_at"

Handler = Callable[..., Any]


def hidden(resource: Any) -> bool:
    """True while a resource created by an API call is not yet visible to reads."""
    return state.now() < getattr(resource, _VISIBLE_AT, 0.0)


def _mark_created(resource: Any) -> None:
    # A repeated (idempotent) create answers with a resource already marked.
    if resource is not None and not hasattr(resource, _VISIBLE_AT):
        setattr(resource, _VISIBLE_AT, state.now() + state.not_found_after_create_seconds())


def _marking_create(orig: Handler, created: Callable[[Any, Any], Any]) -> Handler:
    """Wraps a create handler; created(response, result) is the resource it made or returned."""

    def handler(self: Any) -> Any:
        with state.lock:
            result = orig(self)
            _mark_created(created(self, result))
            return result

    return handler


def _hiding_read(orig: Handler, lookup: Callable[[Any], Any], not_found: Callable[[Any], Exception]) -> Handler:
    """Wraps a read handler: not_found(response) is raised while lookup(response) is hidden."""

    def handler(self: Any) -> Any:
        if hidden(lookup(self)):
            raise not_found(self)
        return orig(self)

    return handler


def _function(response: CloudFrontResponse) -> Any:
    return functions(response.backend).get(response._get_param("Name"))


def _distribution(response: CloudFrontResponse) -> Any:
    return response.backend.distributions.get(response._get_param("Id"))


def _tagged_resource(response: CloudFrontResponse) -> Any:
    m = _CF_ARN.match(response._get_param("Resource") or "")
    if not m:
        return None
    if m.group(1) == "distribution":
        return response.backend.distributions.get(m.group(2))
    return functions(response.backend).get(m.group(2))


def _install_nat() -> None:
    orig_create = NatGateways.create_nat_gateway
    NatGateways.create_nat_gateway = _marking_create(orig_create, lambda _, result: result.result["NatGateway"])

    orig_describe = NatGatewayBackend.describe_nat_gateways

    def describe_nat_gateways(self: Any, filters: Any, nat_gateway_ids: list[str] | None) -> list[NatGateway]:
        for nat_id in nat_gateway_ids or []:
            nat = self.nat_gateways.get(nat_id)
            if nat is None:
                break  # an unknown id answers as it always does
            if hidden(nat):
                raise NatGatewayNotFound(nat_id)
        return [nat for nat in orig_describe(self, filters, nat_gateway_ids) if not hidden(nat)]

    NatGatewayBackend.describe_nat_gateways = describe_nat_gateways


def _install_distributions() -> None:
    for name in ("create_distribution", "create_distribution_with_tags"):
        orig = getattr(CloudFrontResponse, name)
        setattr(CloudFrontResponse, name, _marking_create(orig, lambda _, result: result.result["Distribution"]))
    for name in ("get_distribution", "get_distribution_config"):
        setattr(CloudFrontResponse, name, _hiding_read(getattr(CloudFrontResponse, name), _distribution, lambda _: NoSuchDistribution()))

    orig_list = CloudFrontBackend.list_distributions

    def list_distributions(self: CloudFrontBackend) -> list[Any]:
        with state.lock:
            return [dist for dist in orig_list(self) if not hidden(dist)]

    CloudFrontBackend.list_distributions = list_distributions


def _install_functions() -> None:
    if not hasattr(CloudFrontResponse, "create_function"):
        return  # the functions extension is off: moto has no CloudFront Functions
    CloudFrontResponse.create_function = _marking_create(CloudFrontResponse.create_function, lambda response, _: _function(response))
    for name in ("describe_function", "get_function"):
        orig = getattr(CloudFrontResponse, name)
        setattr(CloudFrontResponse, name, _hiding_read(orig, _function, lambda r: NoSuchFunctionExists(r._get_param("Name"))))

    # ListFunctions leaves hidden functions out before it pages.
    cloudfront_functions.listed = lambda fn: not hidden(fn)


def install() -> None:
    # Runs after the other extensions: it wraps the handlers they installed.
    _install_nat()
    _install_distributions()
    _install_functions()
    CloudFrontResponse.list_tags_for_resource = _hiding_read(
        CloudFrontResponse.list_tags_for_resource,
        _tagged_resource,
        lambda r: NoSuchResource(r._get_param("Resource")),
    )
