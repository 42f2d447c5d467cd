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
import { AddressChange, applyTags, changeAddresses, createTimeoutS, deleteNatGatewayCall, deleteTimeoutS, findNatGateway } from "./sdk";
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
    const tagged = await applyTags(id, observed, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation });
    return tagged ? ((await findNatGateway(id)) ?? nat) : nat;
}

/** Update in place: tags and secondary addresses (every other field replaces). */
export async function update(id: string, olds: Record<string, any>, news: NatGatewayInputs): Promise<NatGatewayOutputs> {
    const live = await findNatGateway(id);
    if (!live) {
        throw new AcklessError(`NAT gateway ${id} no longer exists; run pulumi up --refresh to create a new one`, "NatGatewayNotFound");
    }
    await applyTags(id, fromKeyValueList(live.Tags), news.tags);
    await updateAddresses(id, live, olds, news);
    const after = (await findNatGateway(id)) ?? live;
    // The secondary-address inputs are the new ones, even when removed (absent from news).
    const { secondaryAllocationIds, secondaryPrivateIpAddresses, secondaryPrivateIpAddressCount } = news;
    return outputsOf(after, { ...olds, ...news, secondaryAllocationIds, secondaryPrivateIpAddresses, secondaryPrivateIpAddressCount });
}

const declared = (olds: Record<string, any>, news: NatGatewayInputs, field: keyof NatGatewayInputs) =>
    news[field] !== undefined || olds[field] !== undefined;

/**
 * The secondary addresses to `news`, in place: removals first (AWS allows no association while a disassociation
 * drains), each step waited for until every address it changed is `succeeded` or gone; a `failed` one stops the
 * update with its FailureMessage. Only the fields the program declares (now or before) are managed.
 */
async function updateAddresses(id: string, live: AwsNatGateway, olds: Record<string, any>, news: NatGatewayInputs): Promise<void> {
    const secondary = (live.NatGatewayAddresses ?? []).filter((a) => !a.IsPrimary);
    const steps: { change: AddressChange; what: string; keys: string[]; by: "allocation" | "ip"; adding: boolean }[] = [];
    if (news.connectivityType === "public" && declared(olds, news, "secondaryAllocationIds")) {
        const want = news.secondaryAllocationIds ?? [];
        const drop = secondary.filter((a) => a.AllocationId && !want.includes(a.AllocationId));
        const have = secondary.map((a) => a.AllocationId);
        const add = want.filter((x) => !have.includes(x));
        if (drop.length) {
            steps.push({
                change: { op: "disassociate", associationIds: drop.map((a) => a.AssociationId!) },
                what: `Elastic IPs ${drop.map((a) => a.AllocationId).join(", ")} to be disassociated`,
                keys: drop.map((a) => a.AllocationId!),
                by: "allocation",
                adding: false,
            });
        }
        if (add.length) {
            const ips = news.secondaryPrivateIpAddresses?.length ? add.map((x) => news.secondaryPrivateIpAddresses![want.indexOf(x)]) : undefined;
            steps.push({
                change: { op: "associate", allocationIds: add, privateIps: ips },
                what: `Elastic IPs ${add.join(", ")} to be associated`,
                keys: add,
                by: "allocation",
                adding: true,
            });
        }
    }
    if (
        news.connectivityType === "private" &&
        (declared(olds, news, "secondaryPrivateIpAddresses") || declared(olds, news, "secondaryPrivateIpAddressCount"))
    ) {
        const have = secondary.map((a) => a.PrivateIp!).filter(Boolean);
        let drop: string[] = [];
        let add: string[] = [];
        let count = 0;
        if (news.secondaryPrivateIpAddresses !== undefined) {
            drop = have.filter((ip) => !news.secondaryPrivateIpAddresses!.includes(ip));
            add = news.secondaryPrivateIpAddresses.filter((ip) => !have.includes(ip));
        } else {
            const n = news.secondaryPrivateIpAddressCount ?? 0;
            drop = n < have.length ? have.slice(n) : [];
            count = Math.max(0, n - have.length);
        }
        if (drop.length) {
            steps.push({
                change: { op: "unassign", privateIps: drop },
                what: `private IPs ${drop.join(", ")} to be unassigned`,
                keys: drop,
                by: "ip",
                adding: false,
            });
        }
        if (add.length || count) {
            steps.push({
                change: add.length ? { op: "assign", privateIps: add } : { op: "assign", count },
                what: add.length ? `private IPs ${add.join(", ")} to be assigned` : `${count} more private IPs to be assigned`,
                keys: add,
                by: "ip",
                adding: true,
            });
        }
    }
    const deadline = new Deadline(createTimeoutS() * 1000);
    for (const step of steps) {
        const before = new Set((live.NatGatewayAddresses ?? []).map((a) => a.PrivateIp));
        progress(`NAT gateway ${id}: asking for ${step.what}`);
        await changeAddresses(id, step.change);
        const keyOf = (a: { AllocationId?: string; PrivateIp?: string }) => (step.by === "allocation" ? a.AllocationId : a.PrivateIp);
        // The addresses this step changed: the listed ones, or (a counted assign) the ones that were not there before.
        const mine = (n: AwsNatGateway) =>
            (n.NatGatewayAddresses ?? []).filter(
                (a) => !a.IsPrimary && (step.keys.length ? step.keys.includes(keyOf(a) ?? "") : !before.has(a.PrivateIp)),
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
            throw new AcklessError(`NAT gateway ${id} no longer exists; run pulumi up --refresh to create a new one`, "NatGatewayNotFound");
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
