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

/** A NAT gateway as DescribeNatGateways shows it. */
export type { NatGateway as ObservedNatGateway } from "@aws-sdk/client-ec2";
