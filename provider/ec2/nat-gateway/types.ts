/** ec2.NatGateway: the checked inputs and the outputs, as stored in state. */
import type { Tags } from "../../common/tags";

export const KIND = "ec2:NatGateway";

export type ConnectivityType = "public" | "private";

/** The checked inputs, as stored in state. */
export interface NatGatewayInputs {
    subnetId: string;
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
    /** Base idempotency token, derived in check(). */
    __clientToken?: string;
}

/** What create/read/update return (the resource's outputs). */
export interface NatGatewayOutputs {
    subnetId: string;
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
    /** `assigning | unassigning | associating | disassociating | succeeded | failed`. */
    status?: string;
    failureMessage?: string;
}

/** A NAT gateway as DescribeNatGateways shows it. */
export type { NatGateway as ObservedNatGateway } from "@aws-sdk/client-ec2";
