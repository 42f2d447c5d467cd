/**
 * ec2.NatGateway: its special behaviour, the ClientToken walk of create and the delete that waits for `deleted`.
 *
 * Layout, the same for every ackless resource:
 * - findNatGateway(): "does it exist and what is it", one not-found notion
 *   (NatGatewayNotFound, an empty result, an id mismatch and state `deleted`
 *   all mean gone);
 * - waitNatGateway...(): polls through common/wait with progress messages;
 * - clientToken(): the idempotency token of CreateNatGateway (see below);
 * - the provider object at the end.
 *
 * The ClientToken. A retried create must find the gateway an earlier,
 * interrupted attempt made instead of making a second one. The attempt that
 * needs it is usually in another process: a `pulumi up` killed while create
 * waited for `available` leaves a pending create, and a create that hit its
 * deadline leaves nothing in state; in both cases the next `pulumi up` calls
 * check() with no old inputs. So the token is not random: check() derives it
 * from the resource's identity (project, stack, parent URN, name, passed by
 * the public class as `__identity`) and the fields a gateway is created from
 * (subnet, allocation, connectivity type, private IP), and stores it in the
 * inputs as `__clientToken`. The same resource with the same inputs always
 * gets the same token; a replacement that changes any of those fields gets a
 * new one.
 * A replacement that changes none of them (`pulumi up --replace`, a `failed`
 * gateway) reuses the token, which AWS answers with the old gateway. The
 * shared lifecycle rules (../common/lifecycle.ts) make that safe: create tags
 * the gateway `ackless:pending-create=<token>` until it is available, and
 * takes over an existing gateway only while it carries that tag (R1). A
 * completed gateway, or one deleted, deleting or failed, uses the token up,
 * and create walks to `<base>.1`, `<base>.2`... The walk is deterministic, so
 * a crashed retry walks the same sequence and stops at the gateway its first
 * attempt made, and a replacement makes a new gateway.
 */
import {
    CreateNatGatewayCommand,
    DeleteNatGatewayCommand,
    NatGateway as AwsNatGateway,
} from "@aws-sdk/client-ec2";
import { ec2 } from "../../common/clients";
import { identityToken, nthToken } from "../../common/identity";
import { AcklessError, describeAwsError, isAwsError } from "../../common/errors";
import { progress } from "../../common/log";
import { fromKeyValueList, toKeyValueList, userTags } from "../../common/tags";
import { Deadline, DeadlineExceeded } from "../../common/wait";
import { claim, INCARNATION_TAG, newIncarnation, ownedByNewerIncarnation, PENDING_CREATE_TAG } from "../../common/lifecycle";
import { outputsOf } from "./delta";
import { createDeadline, failureText, findNatGateway, MAX_TOKENS, seconds } from "./sdk";
import { clearMarker, markerOf } from "./tags";
import { KIND, NatGatewayInputs, NatGatewayOutputs } from "./types";
import { waitNatGatewayDeleted, waitNatGatewaySettled, waitNatGatewayVisible } from "./wait";

// ------------------------------------------------------------------ token

/** The base token of a resource with these inputs; undefined while any part is unknown. */
export function clientToken(inputs: Partial<NatGatewayInputs>): string | undefined {
    return identityToken([
        inputs.__identity ?? "",
        inputs.subnetId ?? "",
        inputs.allocationId ?? "",
        inputs.connectivityType ?? "public",
        inputs.privateIpAddress ?? "",
    ]);
}

/** The n-th token of the walk (n = 0 is the base). At most 64 characters. */
export { nthToken };

/**
 * DeleteNatGateway unless it is already going or gone, then waits for
 * `deleted`. With the state entry's outputs (`props`), a gateway that a newer
 * incarnation owns is left alone (lifecycle R2).
 */
export async function deleteAndWait(id: string, deadline: Deadline, props?: Record<string, any>): Promise<void> {
    const nat = await findNatGateway(id);
    if (!nat || (props && ownedByNewerIncarnation("NAT gateway", id, props, fromKeyValueList(nat.Tags)))) {
        return;
    }
    if (nat.State !== "deleting") {
        try {
            await ec2().send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
        } catch (err) {
            if (isAwsError(err, "NatGatewayNotFound", "InvalidNatGatewayID.NotFound")) {
                return;
            }
            throw describeAwsError(`deleting NAT gateway ${id}`, err);
        }
        progress(`NAT gateway ${id}: deleting`);
    } else {
        progress(`NAT gateway ${id}: already deleting, waiting for deleted`);
    }
    await waitNatGatewayDeleted(id, deadline);
}

// ----------------------------------------------------------------- create

export async function createNatGateway(inputs: NatGatewayInputs): Promise<{ id: string; outs: NatGatewayOutputs }> {
    const deadline = createDeadline();
    const base = inputs.__clientToken ?? clientToken(inputs)!;
    const tags = userTags(inputs.tags);
    const incarnation = newIncarnation();
    for (let n = 0; n < MAX_TOKENS; n++) {
        const token = nthToken(base, n);
        let created;
        try {
            created = await ec2().send(
                new CreateNatGatewayCommand({
                    SubnetId: inputs.subnetId,
                    AllocationId: inputs.connectivityType === "public" ? inputs.allocationId : undefined,
                    ConnectivityType: inputs.connectivityType,
                    PrivateIpAddress: inputs.privateIpAddress,
                    ClientToken: token,
                    // R1: marked as an unfinished create until it is available.
                    TagSpecifications: [
                        { ResourceType: "natgateway", Tags: toKeyValueList({ ...tags, [PENDING_CREATE_TAG]: token, [INCARNATION_TAG]: incarnation }) },
                    ],
                }),
            );
        } catch (err) {
            if (isAwsError(err, "IdempotentParameterMismatch")) {
                // This token made a gateway from other parameters: used up.
                continue;
            }
            throw describeAwsError(`creating NAT gateway in ${inputs.subnetId}`, err);
        }
        const id = created.NatGateway?.NatGatewayId;
        if (!id) {
            throw new AcklessError(`creating NAT gateway in ${inputs.subnetId}: AWS returned no NatGatewayId`);
        }
        // R5: right after a create, DescribeNatGateways may not know the id yet.
        const seen = await waitNatGatewayVisible(id, deadline);
        if (!seen) {
            throw new AcklessError(
                `NAT gateway ${id} was created (ClientToken ${token}) but DescribeNatGateways still does not show it; ` +
                    `run pulumi up again: the same ClientToken finds this gateway, no second one is made`,
                "NatGatewayNotFound",
            );
        }
        // Decide on the state CreateNatGateway answered with: a gateway this
        // call made is `pending`; a token that names an older gateway answers
        // with that gateway's current state. (A describe here could already
        // see this attempt's own gateway `failed`, and mistake it for an old one.)
        const answered = created.NatGateway?.State ?? seen.State ?? "deleted";
        const ours = markerOf(seen) === token;
        if (answered === "deleted" || answered === "deleting" || seen.State === "deleted" || seen.State === "deleting") {
            // The token belongs to a gateway already deleted: an earlier instance of this resource.
            progress(`NAT gateway ${id} (token ${token}) is ${seen.State}; trying the next token`);
            continue;
        }
        if (answered === "failed") {
            // An earlier attempt that failed: clean up our own leftover, use the next token.
            progress(`NAT gateway ${id} (token ${token}) had failed (${failureText(seen)}); ${ours ? "deleting it and " : ""}trying the next token`);
            if (ours) {
                await deleteAndWait(id, deadline);
            }
            continue;
        }
        if (!ours) {
            // R1: a completed gateway (the one this resource replaces, or one
            // a previous incarnation made) is never taken over.
            progress(`NAT gateway ${id} (token ${token}) is a completed gateway, not an unfinished create; trying the next token`);
            continue;
        }
        if (answered === "pending") {
            progress(`NAT gateway ${id}: pending, waiting for available`);
        }
        let settled: AwsNatGateway | undefined = seen;
        try {
            if (seen.State === "pending") {
                settled = await waitNatGatewaySettled(id, deadline);
            }
        } catch (err) {
            if (err instanceof DeadlineExceeded) {
                throw new AcklessError(
                    `NAT gateway ${id} is still pending after ${seconds("ACKLESS_NAT_CREATE_TIMEOUT_S", 600)} s; ` +
                        `run pulumi up again to keep waiting (the same ClientToken finds this gateway, no second one is made)`,
                    "DeadlineExceeded",
                    err,
                );
            }
            throw err;
        }
        if (!settled) {
            // It was visible, then gone or deleted: someone deleted it. The
            // token is used up; the next one makes a new gateway.
            progress(`NAT gateway ${id} (token ${token}) is gone or deleted; trying the next token`);
            continue;
        }
        if (settled.State === "failed") {
            progress(`NAT gateway ${id} failed (${failureText(settled)}); deleting it`);
            const cleanup = new Deadline(Math.max(deadline.remainingMs(), 5 * 60_000));
            let cleaned = "it was deleted so the next pulumi up can retry";
            try {
                await deleteAndWait(id, cleanup);
            } catch (err) {
                cleaned = `deleting it failed too (${(err as Error).message}); the next pulumi up deletes it and retries`;
            }
            throw new AcklessError(
                `NAT gateway ${id} failed: ${failureText(settled)}; ${cleaned}`,
                settled.FailureCode ?? "NatGatewayFailed",
            );
        }
        // A takeover keeps the incarnation its first attempt tagged.
        const named = claim(KIND, id, "created", fromKeyValueList(seen.Tags)[INCARNATION_TAG] ?? incarnation);
        await clearMarker(id);
        progress(`NAT gateway ${id}: available`);
        return { id, outs: { ...outputsOf(settled, inputs, token), incarnation: named } };
    }
    throw new AcklessError(
        `creating NAT gateway in ${inputs.subnetId}: the ${MAX_TOKENS} ClientTokens of this resource (${base}...) all name other gateways ` +
            `(completed, deleted or failed); rename the resource or wait an hour for AWS to forget the deleted ones`,
    );
}
