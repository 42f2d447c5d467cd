/**
 * ec2.NatGateway: the steps of update, delete and adoption, on top of the
 * AWS calls (sdk.ts) and waits (wait.ts). The rules around them (when to
 * delete, what to take over) are the lifecycle driver's.
 */
import { NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import { AcklessError } from "../../common/errors";
import { progress } from "../../common/log";
import { describeTagChanges, fromKeyValueList, userTags } from "../../common/tags";
import { Deadline } from "../../common/wait";
import { INCARNATION_TAG } from "../../lifecycle/rules";
import { adoptMismatches, outputsOf } from "./delta";
import { applyTags, deleteNatGatewayCall, deleteTimeoutS, findNatGateway } from "./sdk";
import type { NatGatewayInputs, NatGatewayOutputs } from "./types";
import { waitNatGatewayDeleted } from "./wait";

/** DeleteNatGateway unless it is already going (`observed`: a read just made, if any), then waits for `deleted`. */
export async function deleteAndWait(id: string, observed?: AwsNatGateway): Promise<void> {
    const deadline = new Deadline(deleteTimeoutS() * 1000);
    const nat = observed ?? (await findNatGateway(id));
    if (!nat) {
        return;
    }
    if (nat.State === "deleting") {
        progress(`NAT gateway ${id}: already deleting, waiting for deleted`);
    } else {
        if (!(await deleteNatGatewayCall(id))) {
            return;
        }
        progress(`NAT gateway ${id}: deleting`);
    }
    await waitNatGatewayDeleted(id, deadline);
}

/**
 * Adoption and takeover: the creation fields must match (they cannot change
 * in place); user tags reconciled (system tags untouched) and the
 * incarnation tagged. Returns the gateway as now observed.
 */
export async function reconcile(inputs: NatGatewayInputs, nat: AwsNatGateway, how: string, incarnation: string): Promise<AwsNatGateway> {
    const id = nat.NatGatewayId!;
    const mismatches = adoptMismatches(nat, inputs);
    if (mismatches.length > 0) {
        throw new AcklessError(mismatches.map((m) => m.reason).join("; "), "AdoptMismatch");
    }
    const observed = fromKeyValueList(nat.Tags);
    const changes = describeTagChanges(observed, inputs.tags);
    progress(`NAT gateway ${id}: ${how}${changes ? ` (${changes})` : ""}`);
    const tagged = await applyTags(id, observed, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation });
    return tagged ? ((await findNatGateway(id)) ?? nat) : nat;
}

/** Update in place: only tags can change (every other field replaces). */
export async function update(id: string, olds: Record<string, any>, news: NatGatewayInputs): Promise<NatGatewayOutputs> {
    const live = await findNatGateway(id);
    if (!live) {
        throw new AcklessError(`NAT gateway ${id} no longer exists; run pulumi up --refresh to create a new one`, "NatGatewayNotFound");
    }
    await applyTags(id, fromKeyValueList(live.Tags), news.tags);
    const after = (await findNatGateway(id)) ?? live;
    return outputsOf(after, { ...olds, ...news });
}
