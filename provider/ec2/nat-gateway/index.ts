/**
 * ec2.NatGateway: an EC2 NAT gateway whose read knows that a deleted gateway
 * is gone, so one deleted outside Pulumi is recreated by `pulumi up --refresh`.
 * The implementation is in adapter.ts (loaded by the installed
 * package, never captured into state).
 */
import * as pulumi from "@pulumi/pulumi";
import type { AdoptArgs } from "../../lifecycle/adopt";
import { confirmWhenRecorded, delegatingProvider } from "../../delegate";
import { awsProfile, aliasIdentities, resourceIdentity, runNonce } from "../../common/identity";

export interface NatGatewayArgs {
    /**
     * `zonal` (default): a gateway in one subnet (`subnetId`). `regional`: one public gateway for a whole VPC
     * (`vpcId`), spanning its Availability Zones, in automatic mode (AWS picks the zones and Elastic IPs) or, with
     * `availabilityZoneAddresses`, manual mode. Changing it replaces the gateway.
     */
    availabilityMode?: pulumi.Input<"zonal" | "regional">;
    /** Zonal gateways (required there): the subnet the NAT gateway lives in (`subnet-...`). Changing it replaces the gateway. */
    subnetId?: pulumi.Input<string>;
    /** Regional gateways (required there): the VPC the gateway serves (`vpc-...`). Changing it replaces the gateway. */
    vpcId?: pulumi.Input<string>;
    /**
     * Regional gateways in manual mode: each zone (by `availabilityZone`, like `us-east-1a`, or `availabilityZoneId`, like
     * `use1-az1`) with its Elastic IPs. The Elastic IPs of a zone, and the zones, change in place
     * (AssociateNatGatewayAddress / DisassociateNatGatewayAddress); adding or removing the whole list switches between
     * manual and automatic mode, which replaces the gateway. Not with `allocationId`.
     */
    availabilityZoneAddresses?: pulumi.Input<
        pulumi.Input<{
            availabilityZone?: pulumi.Input<string>;
            availabilityZoneId?: pulumi.Input<string>;
            allocationIds: pulumi.Input<pulumi.Input<string>[]>;
        }>[]
    >;
    /**
     * The Elastic IP allocation (`eipalloc-...`) of a public NAT gateway. Required when `connectivityType` is
     * `public` on a zonal gateway (optional on a regional one in automatic mode: its first zone's Elastic IP), forbidden when it is `private`. Changing it replaces the gateway; a replacement that keeps the same
     * allocation deletes the old gateway before creating the new one (an Elastic IP serves one gateway at a time).
     */
    allocationId?: pulumi.Input<string>;
    /** `public` (default: internet access through the Elastic IP) or `private` (to other VPCs and on-premises networks). Changing it replaces the gateway. */
    connectivityType?: pulumi.Input<"public" | "private">;
    /** The private IPv4 address to give the gateway in its subnet; AWS picks one when omitted. Changing it replaces the gateway. */
    privateIpAddress?: pulumi.Input<string>;
    /**
     * Secondary Elastic IPs (`eipalloc-...`) of a public gateway, beyond `allocationId` (by default AWS allows 2 Elastic
     * IPs per gateway, a quota). Changed in place: AssociateNatGatewayAddress / DisassociateNatGatewayAddress, waiting
     * for each address to be `succeeded` or gone.
     */
    secondaryAllocationIds?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Secondary private IPv4 addresses: a private gateway's own (at most 7: 8 private IPs with the primary), or on a
     * public gateway one per `secondaryAllocationIds` entry, paired in order. Changed in place
     * (AssignPrivateNatGatewayAddress / UnassignPrivateNatGatewayAddress, or with the Elastic IPs).
     */
    secondaryPrivateIpAddresses?: pulumi.Input<pulumi.Input<string>[]>;
    /** Private gateways only: how many secondary private IPs AWS picks (0 to 7; not with `secondaryPrivateIpAddresses`). Changed in place. */
    secondaryPrivateIpAddressCount?: pulumi.Input<number>;
    /** Your tags. Keys starting with `aws:` are reserved for AWS and rejected; AWS's own tags show in `systemTags`. Updated in place. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Take over an existing NAT gateway instead of creating one: `{ id: "nat-...", mode?: "adopt" | "adopt-or-create" }`.
     * With mode `adopt` (default) a missing gateway is an error at preview and nothing is created; with
     * `adopt-or-create` a missing gateway is created from these inputs. Its mode, subnet (zonal) or VPC and
     * automatic/manual mode (regional), allocation, connectivity type (and private IP, when declared) must equal the
     * declared inputs (they cannot change in place); its declared secondary or zone addresses and its user tags are
     * brought in place, its `aws:` tags are left alone. Changing or removing `adopt` later changes nothing.
     */
    adopt?: pulumi.Input<AdoptArgs>;
    /**
     * The AWS region of the gateway. Default: the `aws:region` stack config,
     * then the AWS SDK's own resolution (AWS_REGION, the profile's region).
     * Stored in state: read, refresh and delete always use it; changing it
     * replaces the gateway.
     */
    region?: pulumi.Input<string>;
}

export class NatGateway extends pulumi.dynamic.Resource {
    /** `zonal` or `regional`. */
    declare readonly availabilityMode: pulumi.Output<"zonal" | "regional">;
    /** The subnet a zonal gateway lives in. */
    declare readonly subnetId: pulumi.Output<string | undefined>;
    /** A regional gateway's zone addresses as declared (manual mode); each zone's live addresses are in `addresses`. */
    declare readonly availabilityZoneAddresses: pulumi.Output<
        { availabilityZone?: string; availabilityZoneId?: string; allocationIds: string[] }[] | undefined
    >;
    /** Regional gateways: the route table AWS made for the gateway. */
    declare readonly routeTableId: pulumi.Output<string | undefined>;
    /** Regional gateways: `enabled` in automatic mode, `disabled` in manual mode. */
    declare readonly autoProvisionZones: pulumi.Output<string | undefined>;
    /** Regional gateways: whether AWS adds Elastic IPs in a zone as connections grow. */
    declare readonly autoScalingIps: pulumi.Output<string | undefined>;
    /** The Elastic IP allocation of a public gateway. */
    declare readonly allocationId: pulumi.Output<string | undefined>;
    /** `public` or `private`. */
    declare readonly connectivityType: pulumi.Output<"public" | "private">;
    /** The private IP address asked for, if any (the one in use is `privateIp`). */
    declare readonly privateIpAddress: pulumi.Output<string | undefined>;
    /** Every address of the gateway (primary and secondary; a regional gateway's with their zone) with its `status` (`succeeded`, `associating`, `failed`...). */
    declare readonly addresses: pulumi.Output<
        {
            isPrimary: boolean;
            allocationId?: string;
            associationId?: string;
            publicIp?: string;
            privateIp?: string;
            networkInterfaceId?: string;
            availabilityZone?: string;
            availabilityZoneId?: string;
            status?: string;
            failureMessage?: string;
        }[]
    >;
    /** `pending`, `available` or `failed` as last read (a deleted gateway leaves the stack on refresh). */
    declare readonly state: pulumi.Output<string>;
    /** The gateway's public IP address (public gateways). */
    declare readonly publicIp: pulumi.Output<string | undefined>;
    /** The gateway's private IP address in its subnet. */
    declare readonly privateIp: pulumi.Output<string | undefined>;
    /** The gateway's network interface. */
    declare readonly networkInterfaceId: pulumi.Output<string | undefined>;
    /** The VPC: a regional gateway's, or a zonal one's subnet's. */
    declare readonly vpcId: pulumi.Output<string>;
    /** Your tags as read from AWS (no `aws:` keys). */
    declare readonly tags: pulumi.Output<Record<string, string>>;
    /** Tags AWS manages (`aws:` keys, e.g. CloudFormation's), read-only. */
    declare readonly systemTags: pulumi.Output<Record<string, string>>;
    /** AWS's FailureCode when the gateway is `failed`. */
    declare readonly failureCode: pulumi.Output<string | undefined>;
    /** AWS's FailureMessage when the gateway is `failed`. */
    declare readonly failureMessage: pulumi.Output<string | undefined>;
    /** The CreateNatGateway ClientToken that made this gateway. */
    declare readonly clientToken: pulumi.Output<string>;
    /** The region the gateway lives in. */
    declare readonly region: pulumi.Output<string>;
    /** Set by the create that made it until the program has confirmed the engine recorded it (lifecycle R1). */
    declare readonly unrecorded: pulumi.Output<string | undefined>;

    /** The resource's id is the NAT gateway id (`nat-...`). */
    constructor(name: string, args: NatGatewayArgs, opts?: pulumi.CustomResourceOptions) {
        // Identity for the ClientToken (see keys.ts): stable for
        // this resource across runs, different for another resource.
        const identity = resourceIdentity(name, opts);
        const run = runNonce();
        super(
            delegatingProvider("ackless:ec2:NatGateway"),
            name,
            {
                availabilityMode: args.availabilityMode,
                subnetId: args.subnetId,
                vpcId: args.vpcId,
                availabilityZoneAddresses: args.availabilityZoneAddresses,
                allocationId: args.allocationId,
                connectivityType: args.connectivityType,
                privateIpAddress: args.privateIpAddress,
                secondaryAllocationIds: args.secondaryAllocationIds,
                secondaryPrivateIpAddresses: args.secondaryPrivateIpAddresses,
                secondaryPrivateIpAddressCount: args.secondaryPrivateIpAddressCount,
                tags: args.tags,
                adopt: args.adopt,
                // aws:region, as every @pulumi/aws program sets it; else check() asks the SDK.
                region: args.region ?? new pulumi.Config("aws").get("region"),
                __identity: identity,
                // Its earlier names own its gateways too: a targeted replace after a rename finds its original (adapter.ts).
                __aliasIdentities: aliasIdentities(name, opts).apply((ids) => (ids.length ? ids : undefined)),
                __profile: awsProfile(),
                __run: run,
                unrecorded: undefined,
                state: undefined,
                addresses: undefined,
                publicIp: undefined,
                privateIp: undefined,
                networkInterfaceId: undefined,
                routeTableId: undefined,
                autoProvisionZones: undefined,
                autoScalingIps: undefined,
                systemTags: undefined,
                failureCode: undefined,
                failureMessage: undefined,
                clientToken: undefined,
            },
            opts,
            "ackless",
            "NatGateway",
        );
        confirmWhenRecorded(this, "ackless:ec2:NatGateway", run, {
            // The region the gateway lives in, as check resolved it (aws:region, else the SDK's chain: AWS_REGION, the profile's).
            region: this.region,
            __profile: awsProfile(),
        });
    }
}
