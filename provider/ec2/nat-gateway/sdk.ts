/**
 * ec2.NatGateway: the AWS calls that answer "does it exist and what is it",
 * with one not-found notion (NatGatewayNotFound, an empty result, an id
 * mismatch and state `deleted` all mean gone). Reads of many gateways are
 * coalesced into one DescribeNatGateways (common/batch.ts).
 */
import { DescribeNatGatewaysCommand, NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import { Coalescer, Poller, shared } from "../../common/batch";
import { awsScopeKey, currentAwsScope, ec2, withAws } from "../../common/clients";
import { describeAwsError, isAwsError } from "../../common/errors";
import { Deadline } from "../../common/wait";

export const MAX_TOKENS = 20;

export function seconds(name: string, dflt: number): number {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v > 0 ? v : dflt;
}
/** Create waits up to ACKLESS_NAT_CREATE_TIMEOUT_S (default 10 min) for `available`. */
export const createDeadline = () => new Deadline(seconds("ACKLESS_NAT_CREATE_TIMEOUT_S", 600) * 1000);
/** Delete (and read of a `deleting` gateway) waits up to ACKLESS_NAT_DELETE_TIMEOUT_S (default 30 min). */
export const deleteDeadline = () => new Deadline(seconds("ACKLESS_NAT_DELETE_TIMEOUT_S", 1800) * 1000);


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
                    ids.length === 1
                        ? { NatGatewayIds: ids }
                        : { Filter: [{ Name: "nat-gateway-id", Values: ids }], MaxResults: 1000, NextToken },
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
    return shared(`${awsScopeKey("ec2")}|natgateway|reader`, () =>
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
