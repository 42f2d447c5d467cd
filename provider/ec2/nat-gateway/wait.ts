/**
 * ec2.NatGateway: waits for a status. Every waiting gateway of a region is
 * served by one shared poller (common/batch.ts): one DescribeNatGateways per
 * tick, whatever the number of gateways waiting.
 */
import { NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import { progress } from "../../common/log";
import { Deadline } from "../../common/wait";
import { natPoller, stateOf } from "./sdk";

const gone = (nat: AwsNatGateway | undefined) => nat === undefined || nat.State === "deleted";

/** Waits while the gateway is `pending`; returns it `available` or `failed`, or undefined if it went away. */
export async function waitNatGatewaySettled(id: string, deadline: Deadline): Promise<AwsNatGateway | undefined> {
    const nat = await natPoller().wait({
        id,
        step: `NAT gateway ${id}: waiting for available`,
        done: (n) => gone(n) || n!.State !== "pending",
        describe: stateOf,
        deadline,
        progress,
    });
    return gone(nat) ? undefined : nat;
}

/**
 * Waits until `settled(nat)` holds for the gateway's addresses (each changed address `succeeded`, `failed` or gone):
 * returns the gateway as last read, undefined when the gateway is gone. Progress lines show each address's status.
 */
export async function waitAddresses(
    id: string,
    what: string,
    settled: (nat: AwsNatGateway) => boolean,
    deadline: Deadline,
): Promise<AwsNatGateway | undefined> {
    const describe = (n: AwsNatGateway | undefined) =>
        n
            ? (n.NatGatewayAddresses ?? []).map((a) => `${a.AllocationId ?? a.PrivateIp ?? "?"} ${a.Status ?? "?"}`).join(", ") || "no addresses"
            : "deleted";
    const nat = await natPoller().wait({
        id,
        step: `NAT gateway ${id}: waiting for ${what}`,
        done: (n) => gone(n) || settled(n!),
        describe,
        deadline,
        progress,
    });
    return gone(nat) ? undefined : nat;
}

/** Waits until the gateway is gone (`deleted` or not found). */
export async function waitNatGatewayDeleted(id: string, deadline: Deadline): Promise<void> {
    await natPoller().wait({ id, step: `NAT gateway ${id}: waiting for deleted`, done: gone, describe: stateOf, deadline, progress });
}
