/**
 * ec2.NatGateway: every AWS call. Reads answer "does it exist and what is
 * it" with one not-found notion (NatGatewayNotFound, an empty result, an id
 * mismatch and state `deleted` all mean gone); reads of many gateways are
 * coalesced into one DescribeNatGateways (common/batch.ts). Writes: create
 * with a ClientToken, delete, tags.
 */
import {
    AssignPrivateNatGatewayAddressCommand,
    AssociateNatGatewayAddressCommand,
    AvailabilityZoneAddress,
    CreateNatGatewayCommand,
    CreateTagsCommand,
    DeleteNatGatewayCommand,
    DeleteTagsCommand,
    DescribeNatGatewaysCommand,
    DisassociateNatGatewayAddressCommand,
    NatGateway as AwsNatGateway,
    UnassignPrivateNatGatewayAddressCommand,
} from "@aws-sdk/client-ec2";
import { Coalescer, Poller, shared } from "../../common/batch";
import { awsScopeKey, currentAwsScope, ec2, withAws } from "../../common/clients";
import { envNumber } from "../../common/env";
import { AcklessError, describeAwsError, isAwsError } from "../../common/errors";
import { warn } from "../../common/log";
import { tagChanges, Tags, toKeyValueList } from "../../common/tags";
import { OWNER_TAG, PENDING_CREATE_TAG } from "../../lifecycle/rules";
import type { AddressChange, NatGatewayInputs } from "./types";

// ------------------------------------------------------------------- find

/**
 * The gateway, or undefined when it is gone: NatGatewayNotFound, an empty
 * result, another id, or state `deleted` (AWS keeps deleted gateways visible
 * for about an hour).
 */
export async function findNatGateway(id: string): Promise<AwsNatGateway | undefined> {
    const nat = await lookupNatGateway(id);
    return nat && nat.State !== "deleted" ? nat : undefined;
}

/**
 * The pending or available gateways whose owner tag (OWNER_TAG) is one of `owners`: DescribeNatGateways with a
 * `tag:` filter (every page).
 */
export async function natGatewaysOwnedBy(owners: string[]): Promise<AwsNatGateway[]> {
    const out: AwsNatGateway[] = [];
    let NextToken: string | undefined;
    try {
        do {
            const page = await ec2().send(
                new DescribeNatGatewaysCommand({
                    Filter: [
                        { Name: `tag:${OWNER_TAG}`, Values: owners },
                        { Name: "state", Values: ["pending", "available"] },
                    ],
                    MaxResults: 1000,
                    NextToken,
                }),
            );
            out.push(...(page.NatGateways ?? []));
            NextToken = page.NextToken;
        } while (NextToken);
    } catch (err) {
        throw describeAwsError("finding the NAT gateways made for this resource (DescribeNatGateways by its owner tag)", err);
    }
    return out;
}

/** The gateway as AWS shows it, `deleted` included; undefined only when AWS does not know the id (yet). */
export function lookupNatGateway(id: string): Promise<AwsNatGateway | undefined> {
    return natReader().get(id);
}

/**
 * DescribeNatGateways for many ids at once. One id is asked by NatGatewayIds
 * (an unknown id answers NatGatewayNotFound: gone). Several are asked by the
 * `nat-gateway-id` filter, which answers only the gateways it knows and never
 * fails for an unknown one (docs/aws-contract.md, "DescribeNatGateways"), so
 * a gateway not yet visible after its create cannot fail the others' reads.
 */
export async function describeNatGateways(ids: string[]): Promise<Map<string, AwsNatGateway>> {
    const found = new Map<string, AwsNatGateway>();
    let NextToken: string | undefined;
    try {
        do {
            const out = await ec2().send(
                new DescribeNatGatewaysCommand(
                    ids.length === 1 ? { NatGatewayIds: ids } : { Filter: [{ Name: "nat-gateway-id", Values: ids }], MaxResults: 1000, NextToken },
                ),
            );
            for (const nat of out.NatGateways ?? []) {
                if (nat.NatGatewayId && ids.includes(nat.NatGatewayId)) {
                    found.set(nat.NatGatewayId, nat);
                }
            }
            NextToken = ids.length === 1 ? undefined : out.NextToken;
        } while (NextToken);
    } catch (err) {
        if (isAwsError(err, "NatGatewayNotFound", "InvalidNatGatewayID.NotFound")) {
            return found;
        }
        throw describeAwsError(`reading NAT gateway${ids.length === 1 ? "" : "s"} ${ids.join(", ")}`, err);
    }
    return found;
}

/** Ids per DescribeNatGateways call (the rest go in further calls of the same batch). */
const MAX_IDS_PER_CALL = 100;

/**
 * The shared reader of the current region and credentials: reads that
 * arrive together, from any resource of the stack, become one call.
 */
export function natReader(): Coalescer<AwsNatGateway> {
    const scope = currentAwsScope();
    return shared(
        `${awsScopeKey("ec2")}|natgateway|reader`,
        () =>
            new Coalescer<AwsNatGateway>({
                maxBatch: MAX_IDS_PER_CALL,
                fetch: (ids) => withAws(scope, () => describeNatGateways(ids)),
                // A malformed id fails the whole call: read each id alone to find it.
                isolate: (err) => isAwsError(err, "InvalidParameterValue", "InvalidNatGatewayID.Malformed", "NatGatewayMalformed"),
            }),
    );
}

/** The shared poller of the current region and credentials: one DescribeNatGateways per tick for every waiting gateway. */
export function natPoller(): Poller<AwsNatGateway> {
    return shared(`${awsScopeKey("ec2")}|natgateway|poller`, () => new Poller(natReader()));
}

export const stateOf = (nat: AwsNatGateway | undefined) => (nat ? String(nat.State) : "deleted");

export function failureText(nat: AwsNatGateway): string {
    return `${nat.FailureCode ?? "unknown FailureCode"}: ${nat.FailureMessage ?? "no FailureMessage"}`;
}

// ------------------------------------------------------------------ writes

/**
 * CreateNatGateway with `token`, tagged with `tags` (the user's and the
 * lifecycle's). AWS answers a token it has seen with that token's gateway, in
 * whatever state it is now; IdempotentParameterMismatch (the token made a
 * gateway from other parameters) is answered as "used up": undefined.
 */
export async function createNatGatewayCall(inputs: NatGatewayInputs, token: string, tags: Tags): Promise<AwsNatGateway | undefined> {
    const regional = inputs.availabilityMode === "regional";
    const where = regional ? `VPC ${inputs.vpcId} (regional)` : inputs.subnetId;
    try {
        const out = await ec2().send(
            new CreateNatGatewayCommand({
                AvailabilityMode: regional ? "regional" : undefined,
                SubnetId: regional ? undefined : inputs.subnetId,
                VpcId: regional ? inputs.vpcId : undefined,
                AvailabilityZoneAddresses: regional ? zoneAddressesParam(inputs) : undefined,
                AllocationId: inputs.connectivityType === "public" ? inputs.allocationId : undefined,
                ConnectivityType: inputs.connectivityType,
                PrivateIpAddress: inputs.privateIpAddress,
                SecondaryAllocationIds:
                    inputs.connectivityType === "public" && inputs.secondaryAllocationIds?.length ? inputs.secondaryAllocationIds : undefined,
                SecondaryPrivateIpAddresses: inputs.secondaryPrivateIpAddresses?.length ? inputs.secondaryPrivateIpAddresses : undefined,
                SecondaryPrivateIpAddressCount: inputs.secondaryPrivateIpAddressCount ? inputs.secondaryPrivateIpAddressCount : undefined,
                ClientToken: token,
                TagSpecifications: [{ ResourceType: "natgateway", Tags: toKeyValueList(tags) }],
            }),
        );
        if (!out.NatGateway?.NatGatewayId) {
            throw new AcklessError(`creating NAT gateway in ${where}: AWS returned no NatGatewayId`);
        }
        return out.NatGateway;
    } catch (err) {
        if (isAwsError(err, "IdempotentParameterMismatch")) {
            return undefined;
        }
        throw err instanceof AcklessError ? err : describeAwsError(`creating NAT gateway in ${where}`, err);
    }
}

/** Manual mode's AvailabilityZoneAddresses, as the program lists them; undefined in automatic mode. */
function zoneAddressesParam(inputs: NatGatewayInputs): AvailabilityZoneAddress[] | undefined {
    const zones = inputs.availabilityZoneAddresses;
    return zones?.length
        ? zones.map((z) => ({ AvailabilityZone: z.availabilityZone, AvailabilityZoneId: z.availabilityZoneId, AllocationIds: z.allocationIds }))
        : undefined;
}

/** DeleteNatGateway; false when AWS no longer knows the gateway. */
export async function deleteNatGatewayCall(id: string): Promise<boolean> {
    try {
        await ec2().send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
        return true;
    } catch (err) {
        if (isAwsError(err, "NatGatewayNotFound", "InvalidNatGatewayID.NotFound")) {
            return false;
        }
        throw describeAwsError(`deleting NAT gateway ${id}`, err);
    }
}

/** One address change (types.ts); AWS errors are described with their code. */
export async function changeAddresses(id: string, change: AddressChange): Promise<void> {
    const NatGatewayId = id;
    try {
        switch (change.op) {
            case "associate":
                await ec2().send(
                    new AssociateNatGatewayAddressCommand({
                        NatGatewayId,
                        AllocationIds: change.allocationIds,
                        PrivateIpAddresses: change.privateIps,
                        AvailabilityZone: change.availabilityZone,
                        AvailabilityZoneId: change.availabilityZoneId,
                    }),
                );
                break;
            case "disassociate":
                await ec2().send(new DisassociateNatGatewayAddressCommand({ NatGatewayId, AssociationIds: change.associationIds }));
                break;
            case "assign":
                await ec2().send(
                    new AssignPrivateNatGatewayAddressCommand({
                        NatGatewayId,
                        PrivateIpAddresses: change.privateIps,
                        PrivateIpAddressCount: change.count,
                    }),
                );
                break;
            case "unassign":
                await ec2().send(new UnassignPrivateNatGatewayAddressCommand({ NatGatewayId, PrivateIpAddresses: change.privateIps }));
                break;
        }
    } catch (err) {
        throw describeAwsError(`NAT gateway ${id}: ${change.op} of addresses`, err);
    }
}

/** CreateTags / DeleteTags for the user's tags only; `aws:` keys are never sent. True when it changed any. */
export async function applyTags(id: string, observed: Tags, desired: Tags | undefined): Promise<boolean> {
    const { set, remove } = tagChanges(observed, desired);
    try {
        if (Object.keys(set).length) {
            await ec2().send(new CreateTagsCommand({ Resources: [id], Tags: toKeyValueList(set) }));
        }
        if (remove.length) {
            await ec2().send(new DeleteTagsCommand({ Resources: [id], Tags: remove.map((Key) => ({ Key })) }));
        }
    } catch (err) {
        throw describeAwsError(`tagging NAT gateway ${id}`, err);
    }
    return Object.keys(set).length > 0 || remove.length > 0;
}

/** R1: the create is done; without the marker no later create takes this gateway over. Warns, never throws. */
export async function clearMarker(id: string): Promise<void> {
    try {
        await ec2().send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: PENDING_CREATE_TAG }] }));
    } catch (err) {
        warn(`NAT gateway ${id}: could not remove the ${PENDING_CREATE_TAG} tag (${describeAwsError("DeleteTags", err).message}); remove it by hand`);
    }
}

/** Create waits up to ACKLESS_NAT_CREATE_TIMEOUT_S (default 10 min) for `available`. */
export const createTimeoutS = () => envNumber("ACKLESS_NAT_CREATE_TIMEOUT_S", 600);
/** Delete (and read of a `deleting` gateway) waits up to ACKLESS_NAT_DELETE_TIMEOUT_S (default 30 min). */
export const deleteTimeoutS = () => envNumber("ACKLESS_NAT_DELETE_TIMEOUT_S", 1800);
