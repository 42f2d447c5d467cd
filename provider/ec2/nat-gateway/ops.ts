/**
 * ec2.NatGateway: the steps of update, delete and adoption, on top of the
 * AWS calls (sdk.ts) and waits (wait.ts). The rules around them (when to
 * delete, what to take over) are the lifecycle driver's.
 */
import { NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import { AcklessError, goneOnUpdate } from "../../common/errors";
import { progress } from "../../common/log";
import { describeTagChanges, fromKeyValueList, userTags } from "../../common/tags";
import { Deadline } from "../../common/wait";
import { INCARNATION_TAG } from "../../lifecycle/rules";
import { addressSteps, adoptMismatches, outputsOf } from "./delta";
import { ownerTag } from "./keys";
import { applyTags, changeAddresses, createTimeoutS, deleteNatGatewayCall, deleteTimeoutS, findNatGateway } from "./sdk";
import type { NatGatewayInputs, NatGatewayOutputs } from "./types";
import { waitAddresses, waitNatGatewayDeleted } from "./wait";

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
    const tagged = await applyTags(id, observed, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation, ...ownerTag(inputs) });
    // The declared addresses (secondary ones, a regional gateway's zone addresses) are brought in place too.
    const steps = addressSteps(nat, {}, inputs);
    if (steps.length) {
        await updateAddresses(id, nat, {}, inputs);
    }
    return tagged || steps.length ? ((await findNatGateway(id)) ?? nat) : nat;
}

/** Update in place: tags, secondary addresses and a regional gateway's zone addresses (every other field replaces). */
export async function update(id: string, olds: Record<string, any>, news: NatGatewayInputs): Promise<NatGatewayOutputs> {
    const live = await findNatGateway(id);
    if (!live) {
        throw goneOnUpdate(`NAT gateway ${id}`, "NatGatewayNotFound");
    }
    await applyTags(id, fromKeyValueList(live.Tags), news.tags);
    await updateAddresses(id, live, olds, news);
    const after = (await findNatGateway(id)) ?? live;
    // The secondary-address inputs are the new ones, even when removed (absent from news).
    const { secondaryAllocationIds, secondaryPrivateIpAddresses, secondaryPrivateIpAddressCount, availabilityZoneAddresses } = news;
    return outputsOf(after, {
        ...olds,
        ...news,
        secondaryAllocationIds,
        secondaryPrivateIpAddresses,
        secondaryPrivateIpAddressCount,
        availabilityZoneAddresses,
    });
}

/**
 * The addresses to `news`, in place (delta.ts `addressSteps`: removals first), each step waited for until every address
 * it changed is `succeeded` or gone; a `failed` one stops the update with its FailureMessage.
 */
async function updateAddresses(id: string, live: AwsNatGateway, olds: Record<string, any>, news: NatGatewayInputs): Promise<void> {
    const steps = addressSteps(live, olds, news);
    const deadline = new Deadline(createTimeoutS() * 1000);
    for (const step of steps) {
        const before = new Set((live.NatGatewayAddresses ?? []).map((a) => a.PrivateIp));
        progress(`NAT gateway ${id}: asking for ${step.what}`);
        await changeAddresses(id, step.change);
        const keyOf = (a: { AllocationId?: string; PrivateIp?: string }) => (step.by === "allocation" ? a.AllocationId : a.PrivateIp);
        // The addresses this step changed: the listed ones, or (a counted assign) the ones that were not there before.
        const mine = (n: AwsNatGateway) =>
            (n.NatGatewayAddresses ?? []).filter((a) =>
                step.keys.length ? step.keys.includes(keyOf(a) ?? "") : !a.IsPrimary && !before.has(a.PrivateIp),
            );
        const after = await waitAddresses(
            id,
            step.what,
            (n) => {
                const m = mine(n);
                if (m.some((a) => a.Status === "failed")) {
                    return true;
                }
                return step.adding
                    ? m.length >= (step.keys.length || (step.change as { count?: number }).count || 0) && m.every((a) => a.Status === "succeeded")
                    : m.length === 0;
            },
            deadline,
        );
        if (!after) {
            throw goneOnUpdate(`NAT gateway ${id}`, "NatGatewayNotFound");
        }
        const failed = mine(after).filter((a) => a.Status === "failed");
        if (failed.length) {
            throw new AcklessError(
                `NAT gateway ${id}: ${failed.map((a) => `${keyOf(a) ?? "address"} failed: ${a.FailureMessage ?? "no FailureMessage"}`).join("; ")}`,
                "NatGatewayAddressFailed",
            );
        }
        live = after;
    }
}
