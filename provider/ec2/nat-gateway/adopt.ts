/** ec2.NatGateway: adoption of an existing gateway (preview and create). */
import { NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import type * as pulumi from "@pulumi/pulumi";
import { adoptionOf, findForAdoption, logAdoptionPlan } from "../../common/adopt";
import { AcklessError } from "../../common/errors";
import { progress } from "../../common/log";
import { adoptedOutputs, claim, INCARNATION_TAG, newIncarnation } from "../../common/lifecycle";
import { describeTagChanges, fromKeyValueList, userTags } from "../../common/tags";
import { known, outputsOf, present } from "./delta";
import { createDeadline, failureText, findNatGateway } from "./sdk";
import { applyTags } from "./tags";
import { KIND, NatGatewayInputs, NatGatewayOutputs } from "./types";
import { waitNatGatewaySettled } from "./wait";

// ----------------------------------------------------------------- adopt

/**
 * The creation fields of an existing gateway that differ from the declared
 * inputs: they cannot change in place, so adopting it would be a lie.
 * Each entry names the field, the live value and the declared one.
 */
export function adoptMismatches(nat: AwsNatGateway, inputs: NatGatewayInputs): { field: string; reason: string }[] {
    const addresses = nat.NatGatewayAddresses ?? [];
    const primary = addresses.find((a) => a.IsPrimary) ?? addresses[0];
    const liveType = (nat.ConnectivityType as string | undefined) ?? "public";
    const declaredType = inputs.connectivityType ?? "public";
    const out: { field: string; reason: string }[] = [];
    const mismatch = (field: string, live: unknown, declared: unknown) =>
        out.push({
            field,
            reason:
                `adopt: NAT gateway ${nat.NatGatewayId} has ${field} ${JSON.stringify(live ?? null)}, but the program declares ${JSON.stringify(declared ?? null)}; ` +
                `${field} cannot change in place: declare ${JSON.stringify(live ?? null)} to adopt it (or remove adopt to create a new gateway)`,
        });
    if (known(inputs.subnetId) && nat.SubnetId !== inputs.subnetId) {
        mismatch("subnetId", nat.SubnetId, inputs.subnetId);
    }
    if (known(declaredType) && liveType !== declaredType) {
        mismatch("connectivityType", liveType, declaredType);
    } else if (liveType === "public" && known(inputs.allocationId) && (primary?.AllocationId ?? undefined) !== (inputs.allocationId || undefined)) {
        mismatch("allocationId", primary?.AllocationId, inputs.allocationId);
    }
    if (present(inputs.privateIpAddress) && known(inputs.privateIpAddress) && primary?.PrivateIp !== inputs.privateIpAddress) {
        mismatch("privateIpAddress", primary?.PrivateIp, inputs.privateIpAddress);
    }
    return out;
}

/** A gateway that can be adopted: the live one, or undefined when it is gone (or going). Throws when it cannot be adopted. */
async function adoptable(id: string): Promise<AwsNatGateway | undefined> {
    const nat = await findNatGateway(id);
    if (!nat || nat.State === "deleting") {
        return undefined;
    }
    if (nat.State === "failed") {
        throw new AcklessError(
            `adopt: NAT gateway ${id} is failed (${failureText(nat)}); a failed gateway cannot be adopted: delete it, or remove adopt to create a new one`,
            "NatGatewayFailed",
        );
    }
    return nat;
}

/**
 * Preview: read the gateway named by adopt.id (read-only) and say what
 * adopting it will change, or fail the check naming the field that cannot
 * change in place / the missing gateway (mode "adopt").
 */
export async function previewAdoption(inputs: NatGatewayInputs, failures: pulumi.dynamic.CheckFailure[]): Promise<void> {
    const adoption = adoptionOf(inputs);
    if (!adoption) {
        return;
    }
    const nat = await findForAdoption(
        "NAT gateway",
        adoption.id,
        adoption.mode,
        failures,
        () => adoptable(adoption.id),
        (err) => err instanceof AcklessError && err.awsCode === "NatGatewayFailed",
    );
    if (!nat) {
        return;
    }
    const mismatches = adoptMismatches(nat, inputs);
    for (const m of mismatches) {
        failures.push({ property: m.field, reason: m.reason });
    }
    if (mismatches.length === 0) {
        const tags = known(inputs.tags) ? describeTagChanges(fromKeyValueList(nat.Tags), inputs.tags) : "tags: (known at deployment)";
        logAdoptionPlan("NAT gateway", adoption.id, tags ? [tags] : []);
    }
}

/**
 * Adoption in create: the gateway named by adopt.id, checked against the
 * declared creation fields, waited for if pending, user tags reconciled
 * (system tags untouched). Undefined when it does not exist.
 */
export async function adoptNatGateway(id: string, inputs: NatGatewayInputs): Promise<{ id: string; outs: NatGatewayOutputs } | undefined> {
    let nat = await adoptable(id);
    if (!nat) {
        return undefined;
    }
    const mismatches = adoptMismatches(nat, inputs);
    if (mismatches.length > 0) {
        throw new AcklessError(mismatches.map((m) => m.reason).join("; "), "AdoptMismatch");
    }
    if (nat.State === "pending") {
        nat = await waitNatGatewaySettled(id, createDeadline());
        if (!nat) {
            return undefined;
        }
    }
    const observed = fromKeyValueList(nat.Tags);
    const changes = describeTagChanges(observed, inputs.tags);
    progress(`NAT gateway ${id}: adopting${changes ? ` (${changes})` : ""}`);
    const incarnation = newIncarnation();
    await applyTags(id, observed, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation });
    const after = (await findNatGateway(id)) ?? nat;
    progress(`NAT gateway ${id}: adopted`);
    claim(KIND, id, "adopted", incarnation);
    return { id, outs: adoptedOutputs({ ...outputsOf(after, inputs), incarnation }) };
}
