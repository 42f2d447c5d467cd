/** ec2.NatGateway: the checked inputs and the outputs, as stored in state. */
import type { Tags } from "../../common/tags";

export const KIND = "ec2:NatGateway";

export type ConnectivityType = "public" | "private";

/** `zonal` (one subnet, the default) or `regional` (one gateway for a VPC, spanning its Availability Zones). */
export type AvailabilityMode = "zonal" | "regional";

/** Manual mode of a regional gateway: the Elastic IPs of one Availability Zone, named by zone name or zone id. */
export interface ZoneAddressInput {
    availabilityZone?: string;
    availabilityZoneId?: string;
    allocationIds: string[];
}

/** The checked inputs, as stored in state. */
export interface NatGatewayInputs {
    /** `zonal` (default; check() fills it in; absent in state written before regional gateways) or `regional`. Changing it replaces the gateway. */
    availabilityMode?: AvailabilityMode;
    /** A zonal gateway's subnet (required there, forbidden on a regional one). */
    subnetId?: string;
    /** A regional gateway's VPC (required there, forbidden on a zonal one). */
    vpcId?: string;
    /** A regional gateway in manual mode: the Elastic IPs per zone (in place); absent: automatic mode. */
    availabilityZoneAddresses?: ZoneAddressInput[];
    allocationId?: string;
    connectivityType: ConnectivityType;
    privateIpAddress?: string;
    /** Secondary Elastic IPs of a public gateway (in place). */
    secondaryAllocationIds?: string[];
    /** Secondary private IPs: a private gateway's own, or a public one's paired with secondaryAllocationIds (in place). */
    secondaryPrivateIpAddresses?: string[];
    /** How many secondary private IPs a private gateway has, AWS picking them (in place). */
    secondaryPrivateIpAddressCount?: number;
    tags?: Tags;
    adopt?: unknown;
    /** The AWS region (the class fills in aws:region; check() the SDK's default). */
    region?: string;
    /** Resource identity from the public class (project/stack/parent/name). */
    __identity?: string;
    /** The identities of the resource's `aliases` (its earlier names), when it has any: they own its gateways too (OWNER_TAG). */
    __aliasIdentities?: string[];
    /** Base idempotency token, derived in check(). */
    __clientToken?: string;
}

/** What create/read/update return (the resource's outputs). */
export interface NatGatewayOutputs {
    availabilityMode: AvailabilityMode;
    subnetId?: string;
    availabilityZoneAddresses?: ZoneAddressInput[];
    /** Regional gateways: the route table AWS made for the gateway. */
    routeTableId?: string;
    /** Regional gateways: `enabled` in automatic mode (AWS manages the zones), `disabled` in manual mode. */
    autoProvisionZones?: string;
    /** Regional gateways: whether AWS adds Elastic IPs in a zone as connections grow. */
    autoScalingIps?: string;
    allocationId?: string;
    connectivityType: ConnectivityType;
    privateIpAddress?: string;
    secondaryAllocationIds?: string[];
    secondaryPrivateIpAddresses?: string[];
    secondaryPrivateIpAddressCount?: number;
    /** Every address of the gateway, primary first, with its status as last read. */
    addresses?: NatAddressOutput[];
    tags: Tags;
    systemTags: Tags;
    state: string;
    publicIp?: string;
    privateIp?: string;
    networkInterfaceId?: string;
    vpcId?: string;
    failureCode?: string;
    failureMessage?: string;
    /** Made by adoption (lifecycle R4). */
    adopted?: boolean;
    /** This incarnation's name (lifecycle R2). */
    incarnation?: string;
    clientToken?: string;
}

/** One address of a gateway, as read. */
export interface NatAddressOutput {
    isPrimary: boolean;
    allocationId?: string;
    associationId?: string;
    publicIp?: string;
    privateIp?: string;
    networkInterfaceId?: string;
    /** Regional gateways: the zone this address serves. */
    availabilityZone?: string;
    availabilityZoneId?: string;
    /** `assigning | unassigning | associating | disassociating | succeeded | failed`. */
    status?: string;
    failureMessage?: string;
}

/**
 * One change to a gateway's addresses: AssociateNatGatewayAddress / DisassociateNatGatewayAddress (Elastic IPs of a
 * public gateway, by allocation / association id; a regional gateway's per zone) or AssignPrivateNatGatewayAddress /
 * UnassignPrivateNatGatewayAddress (private IPs, listed or counted).
 */
export type AddressChange =
    | { op: "associate"; allocationIds: string[]; privateIps?: string[]; availabilityZone?: string; availabilityZoneId?: string }
    | { op: "disassociate"; associationIds: string[] }
    | { op: "assign"; privateIps?: string[]; count?: number }
    | { op: "unassign"; privateIps: string[] };

/** One step of an in-place address update: the call, its words, and how to tell its addresses settled. */
export interface AddressStep {
    change: AddressChange;
    what: string;
    /** The addresses it changes, by allocation id or private IP (empty for a counted assign). */
    keys: string[];
    by: "allocation" | "ip";
    adding: boolean;
}

/** A NAT gateway as DescribeNatGateways shows it. */
export type { NatGateway as ObservedNatGateway } from "@aws-sdk/client-ec2";
