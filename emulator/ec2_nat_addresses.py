"""The addresses of an EC2 NAT gateway, each with its own status (aws-contract.md, "NAT gateway addresses").

An address is an Elastic IP (public gateways) and/or a private IPv4 address. Each one moves through its own
status on the emulator's NAT transition time (natSeconds), counted from the call that started the change:

* associating -> succeeded (an Elastic IP; AssociateNatGatewayAddress, or the gateway's create)
* assigning -> succeeded (a private IP; AssignPrivateNatGatewayAddress, or the gateway's create)
* disassociating -> gone, the Elastic IP and its private IP freed (DisassociateNatGatewayAddress)
* unassigning -> gone, the private IP freed (UnassignPrivateNatGatewayAddress)
* failed, with FailureMessage (an Elastic IP that could not be associated)

Statuses are settled when read (settle), as the gateway's own state is.
"""

import ipaddress
from typing import Any, Iterable

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.utils import random_eip_association_id

from . import state

# Status of an address whose change is still under way, by the change.
IN_PROGRESS = ("associating", "assigning", "disassociating", "unassigning")
# Private IPv4 addresses a NAT gateway can have, primary included; not adjustable (VPC user guide,
# "Work with NAT gateways", Related quotas).
MAX_PRIVATE_IPS = 8


class Ec2Error(EC2ClientError):
    """An EC2 client error (HTTP 400) with its AWS code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


class Address:
    """One address of a NAT gateway."""

    def __init__(
        self,
        *,
        allocation_id: str | None = None,
        private_ip: str | None = None,
        primary: bool = False,
        eni_id: str | None = None,
        az: str | None = None,
        az_id: str | None = None,
        op: str | None = None,
    ) -> None:
        self.allocation_id = allocation_id
        self.association_id: str | None = None
        self.public_ip: str | None = None
        self.private_ip = private_ip
        self.primary = primary
        self.eni_id = eni_id
        self.az = az
        self.az_id = az_id
        self.op = op
        self.changed = state.now()
        self.failure: str | None = None
        # set when the emulator allocated the Elastic IP itself (regional automatic mode): released with the address
        self.owned_eip = False

    def status(self) -> str:
        if self.failure is not None:
            return "failed"
        return self.op or "succeeded"

    def as_dict(self) -> dict[str, Any]:
        out = {
            "AllocationId": self.allocation_id,
            "NetworkInterfaceId": self.eni_id,
            "PrivateIp": self.private_ip,
            "PublicIp": self.public_ip,
            "AssociationId": self.association_id,
            "IsPrimary": self.primary,
            "FailureMessage": self.failure,
            "Status": self.status(),
            "AvailabilityZone": self.az,
            "AvailabilityZoneId": self.az_id,
        }
        return {k: v for k, v in out.items() if v is not None}


def addresses(nat: Any) -> list[Address]:
    return nat.__dict__.setdefault("_ackless_addresses", [])


# ------------------------------------------------------------------ Elastic IPs


def find_eip(backend: Any, allocation_id: str) -> Any:
    for eip in getattr(backend, "addresses", []):
        if eip.allocation_id == allocation_id:
            return eip
    return None


def eip_in_use(eip: Any) -> bool:
    """An Elastic IP serves one resource at a time: a NAT gateway, an instance or a network interface."""
    return bool(eip.eni or eip.instance or eip.__dict__.get("_ackless_nat"))


def eip_failure(backend: Any, allocation_id: str) -> tuple[str, str] | None:
    """(FailureCode, FailureMessage) if this Elastic IP cannot be associated (EC2 API reference, NatGateway)."""
    eip = find_eip(backend, allocation_id)
    if eip is None:
        return (
            "InvalidAllocationID.NotFound",
            f"Elastic IP address {allocation_id} could not be associated with this NAT gateway",
        )
    if eip_in_use(eip):
        return "Resource.AlreadyAssociated", f"Elastic IP address {allocation_id} is already associated"
    return None


def bind_eip(backend: Any, nat: Any, address: Address) -> None:
    """Associates the address's Elastic IP with the gateway (the check is eip_failure, done before)."""
    eip = find_eip(backend, address.allocation_id or "")
    eip._ackless_nat = nat.id
    eni = getattr(nat, "_eni", None)
    if eni is not None:
        eip.eni = eni
    eip.association_id = random_eip_association_id()
    address.association_id = eip.association_id
    address.public_ip = eip.public_ip


def free_eip(backend: Any, address: Address) -> None:
    eip = find_eip(backend, address.allocation_id or "") if address.allocation_id else None
    if eip is None or address.association_id is None or eip.association_id != address.association_id:
        return
    eip.eni = None
    eip.instance = None
    eip.association_id = None
    eip.__dict__.pop("_ackless_nat", None)
    if address.owned_eip:
        backend.addresses.remove(eip)


# ------------------------------------------------------------------ private IPs in the gateway's subnet


def _subnet(nat: Any) -> Any:
    subnet_id = getattr(nat, "subnet_id", None)
    return nat.ec2_backend.get_subnet(subnet_id) if subnet_id else None


def free_ip_count(subnet: Any) -> int:
    """Free addresses of a subnet: AWS reserves 5 in each (the first four and the last)."""
    return max(0, subnet.cidr.num_addresses - 5 - len(subnet._subnet_ips))


def take_ip(subnet: Any, owner: Any, wanted: str | None = None) -> str:
    """Takes an address of the subnet for owner: wanted if given (checked by the caller), else the lowest free."""
    if wanted is None:
        hosts = list(subnet.cidr.hosts())
        # .1 .2 .3 are reserved (the network and broadcast addresses are not hosts)
        for host in hosts[3:]:
            if str(host) not in subnet._subnet_ips:
                wanted = str(host)
                break
    if wanted is None:
        raise Ec2Error("InsufficientFreeAddressesInSubnet", f"There are not enough free addresses in subnet '{subnet.id}'.")
    subnet._subnet_ips[wanted] = owner
    return wanted


def check_ips(subnet: Any, ips: Iterable[str]) -> None:
    """Requested private IPv4 addresses must lie in the subnet, outside AWS's reserved ones, and be free."""
    hosts = list(subnet.cidr.hosts())
    usable = {str(h) for h in hosts[3:]}
    seen: set[str] = set()
    for ip in ips:
        try:
            ipaddress.IPv4Address(ip)
        except ValueError:
            raise Ec2Error("InvalidParameterValue", f"Value ({ip}) for parameter privateIpAddress is invalid. Not a valid IPv4 address.")
        if ip not in usable:
            raise Ec2Error("InvalidParameterValue", f"Address {ip} does not fall within the subnet's address range ({subnet.cidr_block}).")
        if ip in subnet._subnet_ips or ip in seen:
            raise Ec2Error("InvalidIPAddress.InUse", f"The specified address {ip} is already in use.")
        seen.add(ip)


def free_ip(nat: Any, ip: str | None) -> None:
    subnet = _subnet(nat)
    if subnet is not None and ip and subnet._subnet_ips.get(ip) is nat:
        subnet.del_subnet_ip(ip)


# ------------------------------------------------------------------ settling statuses


def release(nat: Any, address: Address) -> None:
    free_eip(nat.ec2_backend, address)
    free_ip(nat, address.private_ip)


def settle(nat: Any) -> None:
    """Moves every address whose change has had the NAT transition time to its next status."""
    with state.lock:
        kept = []
        for address in addresses(nat):
            done = address.op is not None and state.now() - address.changed >= state.nat_seconds()
            if done and address.op in ("disassociating", "unassigning"):
                release(nat, address)
                continue
            if done:
                address.op = None
            kept.append(address)
        nat._ackless_addresses = kept


def live(nat: Any) -> list[Address]:
    """Addresses after settling, failed ones included."""
    settle(nat)
    return addresses(nat)


def release_all(nat: Any) -> None:
    """Frees every Elastic IP and private IP of a gateway that is deleted or failed (the records stay readable)."""
    with state.lock:
        for address in addresses(nat):
            release(nat, address)
            address.op = None


# ------------------------------------------------------------------ the four operations


def _require_available(nat: Any) -> None:
    if nat.state != "available":
        raise Ec2Error("IncorrectState", f"The NAT gateway {nat.id} is in state {nat.state}; it must be available.")


def _in_progress(nat: Any, ops: tuple[str, ...], noun: str) -> None:
    busy = [a for a in live(nat) if a.op in ops]
    if busy:
        op = busy[0].op or ""
        ids = ", ".join((a.allocation_id if noun == "EIPs" else a.private_ip) or "" for a in busy if a.op == op)
        raise Ec2Error("OperationInProgress", f"Service is currently {op.upper()} the following {noun}: [{ids}].")


def eip_quota() -> int:
    return int(state.config.get("natEipQuota", 2))


def associate(nat: Any, allocation_ids: list[str], private_ips: list[str], az: str | None, az_id: str | None) -> list[Address]:
    """AssociateNatGatewayAddress: Elastic IPs join a public gateway, each associating then succeeded (or failed).
    The caller settles every gateway first, so that Elastic IPs deleted gateways held are free."""
    backend = nat.ec2_backend
    if nat.connectivity_type == "private":
        raise Ec2Error("InvalidParameterValue", "You cannot associate an Elastic IP address with a private NAT gateway.")
    if not allocation_ids:
        raise Ec2Error("MissingParameter", "The request must contain the parameter AllocationIds")
    regional = nat.availability_mode == "regional"
    if not regional and (az or az_id):
        raise Ec2Error("InvalidParameterCombination", "AvailabilityZone and AvailabilityZoneId are for regional NAT gateways only.")
    if regional and not (az or az_id):
        raise Ec2Error("MissingParameter", "The request must contain the parameter AvailabilityZone or AvailabilityZoneId")
    if regional and nat.auto_provision_zones == "enabled":
        raise Ec2Error(
            "InvalidParameterCombination",
            "This regional NAT gateway is in automatic mode (AutoProvisionZones enabled): AWS manages its Elastic IPs.",
        )
    if private_ips and (regional or len(private_ips) != len(allocation_ids)):
        raise Ec2Error("InvalidParameterCombination", "PrivateIpAddresses must pair one to one with AllocationIds (zonal gateways only).")
    _require_available(nat)
    _in_progress(nat, ("associating", "disassociating"), "EIPs")
    with state.lock:
        current = [a for a in addresses(nat) if a.allocation_id and a.failure is None]
        if len(current) + len(allocation_ids) > eip_quota():
            raise Ec2Error(
                "AddressLimitExceeded",
                f"A public NAT gateway can have at most {eip_quota()} Elastic IP addresses (the quota 'Elastic IP addresses per "
                "public NAT gateway'; request an increase to use more).",
            )
        for allocation_id in allocation_ids:
            if find_eip(backend, allocation_id) is None:
                raise Ec2Error("InvalidAllocationID.NotFound", f"The allocation ID '{allocation_id}' does not exist")
        zone = zone_of(backend, az, az_id) if regional else None
        subnet = _subnet(nat)
        if subnet is not None:
            check_ips(subnet, private_ips)
            if free_ip_count(subnet) < len(allocation_ids):
                raise Ec2Error("InsufficientFreeAddressesInSubnet", f"There are not enough free addresses in subnet '{subnet.id}'.")
        added = []
        for i, allocation_id in enumerate(allocation_ids):
            address = Address(
                allocation_id=allocation_id,
                eni_id=getattr(getattr(nat, "_eni", None), "id", None),
                az=zone.name if zone else None,
                az_id=zone.zone_id if zone else None,
                op="associating",
            )
            if subnet is not None:
                address.private_ip = take_ip(subnet, nat, private_ips[i] if private_ips else None)
            failure = eip_failure(backend, allocation_id)
            if failure is None:
                bind_eip(backend, nat, address)
            else:
                address.failure = failure[1]
                address.op = None
                free_ip(nat, address.private_ip)
                address.private_ip = None
            addresses(nat).append(address)
            added.append(address)
        return added


def disassociate(nat: Any, association_ids: list[str]) -> list[Address]:
    """DisassociateNatGatewayAddress: secondary Elastic IPs leave, disassociating then gone."""
    if not association_ids:
        raise Ec2Error("MissingParameter", "The request must contain the parameter AssociationIds")
    _require_available(nat)
    _in_progress(nat, ("associating", "disassociating"), "EIPs")
    with state.lock:
        by_id = {a.association_id: a for a in addresses(nat) if a.association_id}
        chosen = []
        for association_id in association_ids:
            address = by_id.get(association_id)
            if address is None:
                raise Ec2Error("InvalidAssociationID.NotFound", f"The association ID '{association_id}' does not exist")
            if address.primary and nat.availability_mode != "regional":
                raise Ec2Error(
                    "InvalidParameterValue",
                    f"The association {association_id} is the NAT gateway's primary Elastic IP address, which cannot be disassociated.",
                )
            chosen.append(address)
        for address in chosen:
            address.op = "disassociating"
            address.changed = state.now()
        return chosen


def assign(nat: Any, private_ips: list[str], count: int | None) -> list[Address]:
    """AssignPrivateNatGatewayAddress: private IPv4 addresses join a private gateway, assigning then succeeded."""
    if nat.connectivity_type != "private":
        raise Ec2Error("InvalidParameterValue", "AssignPrivateNatGatewayAddress is for private NAT gateways only.")
    if private_ips and count is not None:
        raise Ec2Error("InvalidParameterCombination", "You can't specify PrivateIpAddressCount when also specifying PrivateIpAddresses.")
    if not private_ips and count is None:
        raise Ec2Error("MissingParameter", "The request must contain the parameter PrivateIpAddresses or PrivateIpAddressCount")
    check_count("PrivateIpAddressCount", count)
    _require_available(nat)
    _in_progress(nat, ("assigning", "unassigning"), "IPs")
    with state.lock:
        wanted = len(private_ips) if private_ips else int(count or 0)
        check_private_limit(len([a for a in addresses(nat) if a.private_ip]) + wanted)
        subnet = _subnet(nat)
        check_ips(subnet, private_ips)
        if free_ip_count(subnet) < wanted:
            raise Ec2Error("InsufficientFreeAddressesInSubnet", f"There are not enough free addresses in subnet '{subnet.id}'.")
        eni_id = getattr(getattr(nat, "_eni", None), "id", None)
        added = []
        for i in range(wanted):
            ip = take_ip(subnet, nat, private_ips[i] if private_ips else None)
            address = Address(private_ip=ip, eni_id=eni_id, op="assigning")
            addresses(nat).append(address)
            added.append(address)
        return added


def unassign(nat: Any, private_ips: list[str]) -> list[Address]:
    """UnassignPrivateNatGatewayAddress: secondary private IPv4 addresses leave, unassigning then gone."""
    if nat.connectivity_type != "private":
        raise Ec2Error("InvalidParameterValue", "UnassignPrivateNatGatewayAddress is for private NAT gateways only.")
    if not private_ips:
        raise Ec2Error("MissingParameter", "The request must contain the parameter PrivateIpAddresses")
    _require_available(nat)
    _in_progress(nat, ("assigning", "unassigning"), "IPs")
    with state.lock:
        by_ip = {a.private_ip: a for a in addresses(nat) if a.private_ip}
        chosen = []
        for ip in private_ips:
            address = by_ip.get(ip)
            if address is None:
                raise Ec2Error("InvalidParameterValue", f"The private IP address {ip} is not assigned to the NAT gateway {nat.id}.")
            if address.primary:
                raise Ec2Error("InvalidParameterValue", f"The private IP address {ip} is the NAT gateway's primary address, which cannot be unassigned.")
            chosen.append(address)
        for address in chosen:
            address.op = "unassigning"
            address.changed = state.now()
        return chosen


# ------------------------------------------------------------------ shared checks


def check_count(name: str, count: int | None) -> None:
    """The SDK model's range for PrivateIpAddressCount / SecondaryPrivateIpAddressCount: 1 to 31."""
    if count is not None and not 1 <= int(count) <= 31:
        raise Ec2Error("InvalidParameterValue", f"Value ({count}) for parameter {name} is invalid. It must be between 1 and 31.")


def check_private_limit(total: int) -> None:
    if total > MAX_PRIVATE_IPS:
        raise Ec2Error(
            "PrivateIpAddressLimitExceeded",
            f"A NAT gateway can have at most {MAX_PRIVATE_IPS} private IPv4 addresses, the primary included (asked for {total}).",
        )


def zone_of(backend: Any, az: str | None, az_id: str | None) -> Any:
    """The region's Availability Zone named by name and/or id (both must agree)."""
    for zone in backend.describe_availability_zones():
        if (az is None or zone.name == az) and (az_id is None or zone.zone_id == az_id):
            return zone
    raise Ec2Error(
        "InvalidParameterValue",
        f"Invalid Availability Zone: {az or ''}{' / ' if az and az_id else ''}{az_id or ''} is not an Availability Zone of this region.",
    )
