"""EC2 NAT gateway behaviours moto lacks (aws-contract.md, "EC2 NAT gateways").

* pending -> available and deleting -> deleted, timed from the last change (natSeconds).
* Creation failures are asynchronous: the call is accepted, the gateway reads pending, then failed with the documented
  FailureCode / FailureMessage (an Elastic IP missing or already associated, a subnet without enough free addresses).
  The control API can also force failed.
* Regional gateways (AvailabilityMode regional, VpcId): automatic mode or manual mode (AvailabilityZoneAddresses),
  with AutoProvisionZones, AutoScalingIps, RouteTableId and one address per Availability Zone.
* Secondary addresses at create and through the four address operations, each address with its own status
  (ec2_nat_addresses.py); the documented errors for invalid combinations, at the call.
* NatGatewayNotFound for unknown ids (describe by id, delete); ClientToken idempotency on CreateNatGateway.
* tag:<key>, tag-key and tag-value filters on DescribeNatGateways.
"""

from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import iso_8601_datetime_with_milliseconds, utcnow
from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend
from moto.ec2.responses.nat_gateways import NatGateways
from moto.ec2.utils import random_nat_gateway_id

from . import state
from .ec2_nat_addresses import (
    Address,
    Ec2Error,
    addresses,
    assign,
    associate,
    bind_eip,
    check_count,
    check_ips,
    check_private_limit,
    disassociate,
    eip_failure,
    eip_quota,
    free_ip_count,
    live,
    release_all,
    take_ip,
    unassign,
    zone_of,
)


class NatGatewayNotFound(Ec2Error):
    def __init__(self, nat_id: str) -> None:
        super().__init__("NatGatewayNotFound", f"The Nat Gateway {nat_id} was not found")


class IdempotentParameterMismatch(Ec2Error):
    def __init__(self) -> None:
        super().__init__(
            "IdempotentParameterMismatch",
            "The client token you have provided is associated with a resource that is already "
            "created with different parameters.",
        )


# ------------------------------------------------------------------ gateway state


def _teardown(nat: NatGateway) -> None:
    """A deleted or failed gateway holds nothing: its addresses, network interface and route table are freed."""
    if nat.__dict__.get("_ackless_torn_down"):
        return
    nat._ackless_torn_down = True
    release_all(nat)
    backend = nat.ec2_backend
    eni = nat.__dict__.get("_eni")
    if eni is not None:
        backend.enis.pop(eni.id, None)
    route_table_id = nat.__dict__.get("route_table_id")
    if route_table_id:
        backend.route_tables.pop(route_table_id, None)


def _get_state(self: NatGateway) -> str:
    with state.lock:
        phase = self.__dict__.get("_ackless_phase", "available")
        elapsed = state.now() - self.__dict__.get("_ackless_changed", 0.0)
        if phase == "creating":
            if elapsed < state.nat_seconds():
                return "pending"
            failure = self.__dict__.get("_ackless_pending_failure")
            if failure is None:
                self._ackless_phase = "available"
                return "available"
            _fail_now(self, *failure)
            return "failed"
        if phase == "deleting":
            if elapsed < state.nat_seconds():
                return "deleting"
            # AWS frees the gateway's Elastic IPs once it is deleted (moto never does).
            _teardown(self)
            return "deleted"
        return phase


def _set_state(self: NatGateway, value: str) -> None:
    current = self.__dict__.get("_ackless_phase")
    if value == "available" and current is None:
        # a new gateway starts pending
        self._ackless_phase = "creating"
    elif value == "deleted":
        if current in ("deleting", "deleted"):
            return
        self._ackless_phase = "deleting"
        self.delete_time = iso_8601_datetime_with_milliseconds(utcnow())
    else:
        self._ackless_phase = value
    self._ackless_changed = state.now()


def _failure_field(name: str) -> property:
    def get(self: NatGateway) -> str | None:
        return self.__dict__.get(name) if self.state == "failed" else None

    def put(self: NatGateway, value: str | None) -> None:
        self.__dict__[name] = value

    return property(get, put)


def _fail_now(nat: NatGateway, code: str, message: str) -> None:
    nat._ackless_phase = "failed"
    nat._ackless_changed = state.now()
    nat.failure_code = code
    nat.failure_message = message
    for address in addresses(nat):
        if address.association_id is None and address.allocation_id and address.failure is None:
            address.failure = message
    _teardown(nat)


def fail(nat: NatGateway, code: str, message: str) -> None:
    """Forces a gateway to failed (control API)."""
    with state.lock:
        _fail_now(nat, code, message)


def settle_all(backend: Any) -> None:
    """Brings every gateway of the backend up to date, so that what deleted or failed gateways held is free
    before anything else reads or claims it (Elastic IPs, route tables, subnet addresses)."""
    with state.lock:
        for nat in list(getattr(backend, "nat_gateways", {}).values()):
            _ = nat.state
            live(nat)


def _addresses_property(self: NatGateway) -> list[dict[str, Any]]:
    _ = self.state  # settles the gateway first: a failed or deleted one has released its addresses
    return [a.as_dict() for a in live(self)]


# ------------------------------------------------------------------ create


class _Request:
    """The CreateNatGateway parameters, read once."""

    def __init__(self, get: Any) -> None:
        self.mode = get("AvailabilityMode") or "zonal"
        self.connectivity = get("ConnectivityType") or "public"
        self.subnet_id = get("SubnetId")
        self.vpc_id = get("VpcId")
        self.allocation_id = get("AllocationId")
        self.zone_addresses = get("AvailabilityZoneAddresses") or []
        self.private_ip = get("PrivateIpAddress")
        self.secondary_allocation_ids = list(get("SecondaryAllocationIds") or [])
        self.secondary_ips = list(get("SecondaryPrivateIpAddresses") or [])
        count = get("SecondaryPrivateIpAddressCount")
        self.secondary_count = None if count in (None, "") else int(count)
        self.tags = get("TagSpecifications") or []


def _bad(message: str) -> Ec2Error:
    return Ec2Error("InvalidParameterCombination", message)


def _validate(backend: Any, r: _Request) -> None:
    """The errors CreateNatGateway answers at the call (HTTP 400), before anything is created."""
    if r.mode not in ("zonal", "regional"):
        raise Ec2Error("InvalidParameterValue", f"Value ({r.mode}) for parameter AvailabilityMode is invalid. Use zonal or regional.")
    if r.connectivity not in ("public", "private"):
        raise Ec2Error("InvalidParameterValue", f"Value ({r.connectivity}) for parameter ConnectivityType is invalid. Use public or private.")
    secondary = r.secondary_allocation_ids or r.secondary_ips or r.secondary_count is not None
    if r.mode == "zonal":
        if r.vpc_id:
            raise _bad("VpcId is for regional NAT gateways (AvailabilityMode regional); a zonal NAT gateway takes SubnetId.")
        if r.zone_addresses:
            raise _bad("AvailabilityZoneAddresses is for regional NAT gateways (AvailabilityMode regional) only.")
        if not r.subnet_id:
            raise Ec2Error("MissingParameter", "The request must contain the parameter SubnetId")
        backend.get_subnet(r.subnet_id)  # InvalidSubnetID.NotFound
    else:
        if r.subnet_id:
            raise _bad("SubnetId is for zonal NAT gateways; a regional NAT gateway (AvailabilityMode regional) takes VpcId.")
        if not r.vpc_id:
            raise Ec2Error("MissingParameter", "The request must contain the parameter VpcId")
        if r.connectivity == "private":
            raise _bad("Regional NAT gateways support public connectivity only; use a zonal NAT gateway for private connectivity.")
        if secondary or r.private_ip:
            raise _bad(
                "SecondaryAllocationIds, SecondaryPrivateIpAddresses, SecondaryPrivateIpAddressCount and PrivateIpAddress are "
                "for zonal NAT gateways; a regional NAT gateway takes its Elastic IPs per Availability Zone "
                "(AvailabilityZoneAddresses).",
            )
        if r.allocation_id and r.zone_addresses:
            raise _bad("AllocationId and AvailabilityZoneAddresses cannot be combined: in manual mode each zone names its Elastic IPs.")
        backend.get_vpc(r.vpc_id)  # InvalidVpcID.NotFound
    if r.connectivity == "private":
        if r.allocation_id or r.secondary_allocation_ids:
            raise _bad("You cannot specify an Elastic IP address (AllocationId, SecondaryAllocationIds) with a private NAT gateway.")
    else:
        if r.mode == "zonal" and not r.allocation_id:
            raise Ec2Error("MissingParameter", "The request must contain the parameter AllocationId (a public NAT gateway needs an Elastic IP address)")
        if r.secondary_count is not None:
            raise _bad("SecondaryPrivateIpAddressCount is for private NAT gateways only; a public one pairs SecondaryPrivateIpAddresses with SecondaryAllocationIds.")
        if r.secondary_ips and len(r.secondary_ips) != len(r.secondary_allocation_ids):
            raise _bad("SecondaryPrivateIpAddresses must pair one to one with SecondaryAllocationIds on a public NAT gateway.")
        if r.mode == "zonal" and 1 + len(r.secondary_allocation_ids) > eip_quota():
            raise Ec2Error(
                "AddressLimitExceeded",
                f"A public NAT gateway can have at most {eip_quota()} Elastic IP addresses (the quota 'Elastic IP addresses per "
                "public NAT gateway'; request an increase to use more).",
            )
    if r.secondary_ips and r.secondary_count is not None:
        raise _bad("SecondaryPrivateIpAddresses and SecondaryPrivateIpAddressCount cannot be combined.")
    check_count("SecondaryPrivateIpAddressCount", r.secondary_count)
    if r.mode == "zonal":
        check_private_limit(1 + len(r.secondary_ips or r.secondary_allocation_ids) + (r.secondary_count or 0))
        check_ips(backend.get_subnet(r.subnet_id), ([r.private_ip] if r.private_ip else []) + r.secondary_ips)


def _new_gateway(backend: Any, r: _Request) -> NatGateway:
    from moto.ec2.utils import add_tag_specification

    nat = NatGateway.__new__(NatGateway)
    nat.id = random_nat_gateway_id()
    nat.ec2_backend = backend
    nat.address_set = []
    nat._created_at = utcnow()
    nat.connectivity_type = r.connectivity
    nat.availability_mode = r.mode
    nat.subnet_id = r.subnet_id if r.mode == "zonal" else None
    nat.vpc_id = backend.get_subnet(r.subnet_id).vpc_id if r.mode == "zonal" else r.vpc_id
    nat.auto_provision_zones = None
    nat.auto_scaling_ips = None
    nat.route_table_id = None
    nat._eni = None
    nat._ackless_addresses = []
    nat.state = "available"  # starts pending (_set_state)
    nat.add_tags(add_tag_specification(r.tags) if isinstance(r.tags, list) else (r.tags or {}))
    return nat


def _first_failure(backend: Any, allocation_ids: list[str]) -> tuple[str, str] | None:
    for allocation_id in allocation_ids:
        failure = eip_failure(backend, allocation_id)
        if failure is not None:
            return failure
    return None


def _gateway_not_attached(backend: Any, vpc_id: str) -> tuple[str, str] | None:
    """Gateway.NotAttached for a public gateway whose VPC has no internet gateway (config natRequireInternetGateway)."""
    if not state.config.get("natRequireInternetGateway"):
        return None
    for igw in getattr(backend, "internet_gateways", {}).values():
        if igw.vpc is not None and igw.vpc.id == vpc_id:
            return None
    return "Gateway.NotAttached", f"Network {vpc_id} has no Internet gateway attached"


def _build_zonal(backend: Any, nat: NatGateway, r: _Request) -> None:
    subnet = backend.get_subnet(r.subnet_id)
    public = r.connectivity == "public"
    eips = [r.allocation_id, *r.secondary_allocation_ids] if public else []
    secondary_ips = r.secondary_ips or [None] * (len(r.secondary_allocation_ids) if public else (r.secondary_count or 0))
    op = "associating" if public else "assigning"
    failure = _first_failure(backend, eips) or (_gateway_not_attached(backend, subnet.vpc_id) if public else None)
    if failure is None and free_ip_count(subnet) < 1 + len(secondary_ips):
        failure = ("InsufficientFreeAddressesInSubnet", "Subnet has insufficient free addresses to create this NAT gateway")
    if failure is not None:
        # accepted, then failed once the create has run (EC2 API reference, NatGateway FailureCode)
        nat._ackless_pending_failure = failure
        addresses(nat).append(Address(allocation_id=r.allocation_id, primary=True, op=op))
        return
    primary_ip = take_ip(subnet, nat, r.private_ip)
    nat._eni = backend.create_network_interface(subnet, primary_ip, description=f"Interface for NAT Gateway {nat.id}")
    nat._eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": primary_ip}]
    primary = Address(allocation_id=r.allocation_id if public else None, private_ip=primary_ip, primary=True, eni_id=nat._eni.id, op=op)
    addresses(nat).append(primary)
    for i, wanted in enumerate(secondary_ips):
        address = Address(private_ip=take_ip(subnet, nat, wanted), eni_id=nat._eni.id, op=op)
        if public:
            address.allocation_id = r.secondary_allocation_ids[i]
        addresses(nat).append(address)
    if public:
        for address in addresses(nat):
            bind_eip(backend, nat, address)


def _build_regional(backend: Any, nat: NatGateway, r: _Request) -> None:
    manual = bool(r.zone_addresses)
    nat.auto_provision_zones = "disabled" if manual else "enabled"
    nat.auto_scaling_ips = "disabled" if manual else "enabled"
    plan: list[tuple[Any, str | None]] = []  # (zone, allocation id or None: the emulator allocates one)
    if manual:
        seen = set()
        for entry in r.zone_addresses:
            zone = zone_of(backend, entry.get("AvailabilityZone"), entry.get("AvailabilityZoneId"))
            if not (entry.get("AvailabilityZone") or entry.get("AvailabilityZoneId")):
                raise Ec2Error("MissingParameter", "Each AvailabilityZoneAddress must contain AvailabilityZone or AvailabilityZoneId")
            if zone.name in seen:
                raise Ec2Error("InvalidParameterValue", f"Availability Zone {zone.name} appears more than once in AvailabilityZoneAddresses.")
            seen.add(zone.name)
            ids = list(entry.get("AllocationIds") or [])
            if not ids:
                raise Ec2Error("MissingParameter", f"The AvailabilityZoneAddress for {zone.name} must contain AllocationIds")
            if len(ids) > eip_quota():
                raise Ec2Error(
                    "AddressLimitExceeded",
                    f"Availability Zone {zone.name} names {len(ids)} Elastic IP addresses; the quota is {eip_quota()} per zone.",
                )
            plan.extend((zone, allocation_id) for allocation_id in ids)
    else:
        # automatic mode: one address in each zone where the VPC has a subnet
        zones = {s.availability_zone for per_zone in backend.subnets.values() for s in per_zone.values() if s.vpc_id == r.vpc_id}
        for i, name in enumerate(sorted(zones)):
            plan.append((zone_of(backend, name, None), r.allocation_id if i == 0 and r.allocation_id else None))
    failure = _first_failure(backend, [a for _, a in plan if a]) or _gateway_not_attached(backend, r.vpc_id)
    seen_zones: set[str] = set()
    for zone, allocation_id in plan:
        address = Address(allocation_id=allocation_id, primary=zone.name not in seen_zones, az=zone.name, az_id=zone.zone_id, op="associating")
        seen_zones.add(zone.name)
        if failure is None and allocation_id is None:
            eip = backend.allocate_address(domain="vpc")
            address.allocation_id = eip.allocation_id
            address.owned_eip = True
        addresses(nat).append(address)
    if failure is not None:
        nat._ackless_pending_failure = failure
        return
    for address in addresses(nat):
        bind_eip(backend, nat, address)
    # AWS creates a route table for a regional gateway (VPC user guide, regional NAT gateways)
    nat.route_table_id = backend.create_route_table(r.vpc_id).id


def build(backend: Any, r: _Request) -> NatGateway:
    _validate(backend, r)
    nat = _new_gateway(backend, r)
    if r.mode == "zonal":
        _build_zonal(backend, nat, r)
    else:
        _build_regional(backend, nat, r)
    backend.nat_gateways[nat.id] = nat
    return nat


# ------------------------------------------------------------------ install


def _tag_filter_match(nat: NatGateway, name: str, values: list[str]) -> bool:
    got = nat.get_filter_value(name)
    if isinstance(got, list):
        return any(v in values for v in got)
    return got is not None and got in values


def _nat(backend: Any, nat_id: str | None) -> NatGateway:
    if not nat_id:
        raise Ec2Error("MissingParameter", "The request must contain the parameter NatGatewayId")
    nat = backend.nat_gateways.get(nat_id)
    if nat is None:
        raise NatGatewayNotFound(nat_id)
    return nat


def _addresses_result(nat: NatGateway, changed: list[Address]) -> ActionResult:
    return ActionResult({"NatGatewayId": nat.id, "NatGatewayAddresses": [a.as_dict() for a in changed]})


def install() -> None:
    NatGateway.state = property(_get_state, _set_state)
    NatGateway.failure_code = _failure_field("_ackless_failure_code")
    NatGateway.failure_message = _failure_field("_ackless_failure_message")
    NatGateway.nat_gateway_addresses = property(_addresses_property)

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
        nat = _nat(self, nat_gateway_id)
        nat.state = "deleted"
        return nat

    def create_nat_gateway_backend(
        self: Any, subnet_id: str, allocation_id: str, tags: dict[str, str] | None = None, connectivity_type: str = "public"
    ) -> NatGateway:
        # CloudFormation's AWS::EC2::NatGateway comes this way
        params = {"SubnetId": subnet_id, "AllocationId": allocation_id, "ConnectivityType": connectivity_type, "TagSpecifications": tags or {}}
        with state.lock:
            return build(self, _Request(params.get))

    # reads and claims of what a gateway holds see it settled
    from moto.ec2.models import EC2Backend

    for name in ("describe_addresses", "describe_route_tables", "associate_address", "describe_network_interfaces"):
        def settled(self: Any, *args: Any, _orig: Any = getattr(EC2Backend, name), **kwargs: Any) -> Any:
            settle_all(self)
            return _orig(self, *args, **kwargs)

        setattr(EC2Backend, name, settled)

    NatGatewayBackend.describe_nat_gateways = describe_nat_gateways
    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway
    NatGatewayBackend.create_nat_gateway = create_nat_gateway_backend

    def create_nat_gateway(self: NatGateways) -> ActionResult:
        token = self._get_param("ClientToken")
        backend = self.ec2_backend
        request = _Request(self._get_param)
        with state.lock:
            tokens = backend.__dict__.setdefault("ackless_nat_tokens", {})
            existing = tokens.get(token) if token else None
            if existing is not None and existing in backend.nat_gateways:
                nat = backend.nat_gateways[existing]
                if (nat.subnet_id, nat.availability_mode) != (request.subnet_id, request.mode) or (
                    request.mode == "regional" and nat.vpc_id != request.vpc_id
                ):
                    raise IdempotentParameterMismatch()
                return ActionResult({"NatGateway": nat, "ClientToken": token})
            settle_all(backend)
            nat = build(backend, request)
            if token:
                tokens[token] = nat.id
        return ActionResult({"NatGateway": nat, "ClientToken": token} if token else {"NatGateway": nat})

    def associate_nat_gateway_address(self: NatGateways) -> ActionResult:
        nat = _nat(self.ec2_backend, self._get_param("NatGatewayId"))
        settle_all(self.ec2_backend)
        changed = associate(
            nat,
            list(self._get_param("AllocationIds") or []),
            list(self._get_param("PrivateIpAddresses") or []),
            self._get_param("AvailabilityZone"),
            self._get_param("AvailabilityZoneId"),
        )
        return _addresses_result(nat, changed)

    def disassociate_nat_gateway_address(self: NatGateways) -> ActionResult:
        nat = _nat(self.ec2_backend, self._get_param("NatGatewayId"))
        return _addresses_result(nat, disassociate(nat, list(self._get_param("AssociationIds") or [])))

    def assign_private_nat_gateway_address(self: NatGateways) -> ActionResult:
        nat = _nat(self.ec2_backend, self._get_param("NatGatewayId"))
        count = self._get_param("PrivateIpAddressCount")
        changed = assign(nat, list(self._get_param("PrivateIpAddresses") or []), None if count in (None, "") else int(count))
        return _addresses_result(nat, changed)

    def unassign_private_nat_gateway_address(self: NatGateways) -> ActionResult:
        nat = _nat(self.ec2_backend, self._get_param("NatGatewayId"))
        return _addresses_result(nat, unassign(nat, list(self._get_param("PrivateIpAddresses") or [])))

    NatGateways.create_nat_gateway = create_nat_gateway
    NatGateways.associate_nat_gateway_address = associate_nat_gateway_address
    NatGateways.disassociate_nat_gateway_address = disassociate_nat_gateway_address
    NatGateways.assign_private_nat_gateway_address = assign_private_nat_gateway_address
    NatGateways.unassign_private_nat_gateway_address = unassign_private_nat_gateway_address
