"""EC2 NAT gateway behaviours moto lacks.

* pending -> available and deleting -> deleted, timed from the last change.
* failed with FailureCode / FailureMessage (forced through the internal API).
* NatGatewayNotFound for unknown ids (describe by id, delete).
* ClientToken idempotency on CreateNatGateway.
* tag:<key>, tag-key and tag-value filters on DescribeNatGateways.
"""

from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import iso_8601_datetime_with_milliseconds, utcnow
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend
from moto.ec2.responses.nat_gateways import NatGateways

from . import state


class NatGatewayNotFound(EC2ClientError):
    def __init__(self, nat_id: str) -> None:
        super().__init__("NatGatewayNotFound", f"The Nat Gateway {nat_id} was not found")


class IdempotentParameterMismatch(EC2ClientError):
    def __init__(self) -> None:
        super().__init__(
            "IdempotentParameterMismatch",
            "The client token you have provided is associated with a resource that is already "
            "created with different parameters.",
        )


def _get_state(self: NatGateway) -> str:
    phase = getattr(self, "_ackless_phase", "available")
    changed = getattr(self, "_ackless_changed", 0.0)
    elapsed = state.now() - changed
    if phase == "creating":
        return "available" if elapsed >= state.nat_seconds() else "pending"
    if phase == "deleting":
        if elapsed < state.nat_seconds():
            return "deleting"
        # AWS frees the gateway's Elastic IP once it is deleted (moto never does).
        eni = getattr(self, "_eni", None)
        for eip in getattr(self.ec2_backend, "addresses", []):
            if eni is not None and eip.eni is eni:
                eip.eni = None
                eip.instance = None
                eip.association_id = None
        return "deleted"
    return phase


def _set_state(self: NatGateway, value: str) -> None:
    current = getattr(self, "_ackless_phase", None)
    if value == "available" and current is None:
        # moto's constructor: a new gateway starts pending.
        self._ackless_phase = "creating"
    elif value == "deleted":
        if current in ("deleting", "deleted"):
            return
        self._ackless_phase = "deleting"
        self.delete_time = iso_8601_datetime_with_milliseconds(utcnow())
    else:
        self._ackless_phase = value
    self._ackless_changed = state.now()


def fail(nat: NatGateway, code: str, message: str) -> None:
    nat.state = "failed"
    nat.failure_code = code
    nat.failure_message = message


def _tag_filter_match(nat: NatGateway, name: str, values: list[str]) -> bool:
    got = nat.get_filter_value(name)
    if isinstance(got, list):
        return any(v in values for v in got)
    return got is not None and got in values


def install() -> None:
    NatGateway.state = property(_get_state, _set_state)

    orig_describe = NatGatewayBackend.describe_nat_gateways

    def describe_nat_gateways(self: Any, filters: Any, nat_gateway_ids: list[str] | None) -> list[NatGateway]:
        for nat_id in nat_gateway_ids or []:
            if nat_id not in self.nat_gateways:
                raise NatGatewayNotFound(nat_id)
        result = orig_describe(self, filters, nat_gateway_ids)
        for name, values in (filters or {}).items():
            if name.startswith("tag:") or name in ("tag-key", "tag-value"):
                result = [n for n in result if _tag_filter_match(n, name, list(values or []))]
        return result

    def delete_nat_gateway(self: Any, nat_gateway_id: str) -> NatGateway:
        nat = self.nat_gateways.get(nat_gateway_id)
        if nat is None:
            raise NatGatewayNotFound(nat_gateway_id)
        nat.state = "deleted"
        return nat

    NatGatewayBackend.describe_nat_gateways = describe_nat_gateways
    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway

    orig_create = NatGateways.create_nat_gateway

    def create_nat_gateway(self: NatGateways) -> ActionResult:
        token = self._get_param("ClientToken")
        if not token:
            return orig_create(self)
        backend = self.ec2_backend
        with state.lock:
            tokens = backend.__dict__.setdefault("ackless_nat_tokens", {})
            existing = tokens.get(token)
            if existing is not None and existing in backend.nat_gateways:
                nat = backend.nat_gateways[existing]
                if nat.subnet_id != self._get_param("SubnetId"):
                    raise IdempotentParameterMismatch()
                return ActionResult({"NatGateway": nat, "ClientToken": token})
            result = orig_create(self)
            nat = result.result["NatGateway"]  # type: ignore[index]
            tokens[token] = nat.id
            return ActionResult({"NatGateway": nat, "ClientToken": token})

    NatGateways.create_nat_gateway = create_nat_gateway
