/**
 * ec2.NatGateway: the provider (check, diff, create, read, update, delete).
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
    CreateTagsCommand,
    DeleteNatGatewayCommand,
    DeleteTagsCommand,
    DescribeNatGatewaysCommand,
    NatGateway as AwsNatGateway,
} from "@aws-sdk/client-ec2";
import type * as pulumi from "@pulumi/pulumi";
import { ec2, sdkDefaultRegion, withRegion } from "../common/clients";
import { identityToken, nthToken } from "../common/identity";
import { deepEqual, diffFields, FieldRule, UNKNOWN } from "../common/diff";
import { AcklessError, describeAwsError, isAwsError } from "../common/errors";
import { progress, warn } from "../common/log";
import {
    adoptionOf,
    adoptMissing,
    findForAdoption,
    checkAdopt,
    logAdoptionPlan,
    logWillCreate,
} from "../common/adopt";
import {
    describeTagChanges,
    fromKeyValueList,
    sameTags,
    splitTags,
    tagChanges,
    Tags,
    toKeyValueList,
    userTags,
    validateTags,
} from "../common/tags";
import { Deadline, DeadlineExceeded, waitFor } from "../common/wait";
import {
    adoptedOutputs,
    adoptionAllowed,
    claim,
    goneRead,
    guardedDelete,
    INCARNATION_TAG,
    newIncarnation,
    ownedByNewerIncarnation,
    PENDING_CREATE_TAG,
    waitVisible,
    withVanished,
} from "../common/lifecycle";

const KIND = "ec2:NatGateway";


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

const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const ALLOCATION_ID = /^eipalloc-[0-9a-f]{8,17}$/;
const NAT_ID = /^nat-[0-9a-f]{8,17}$/;
/** How many tokens create walks before giving up (each used-up token is one old gateway). */
const MAX_TOKENS = 20;

function seconds(name: string, dflt: number): number {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v > 0 ? v : dflt;
}
/** Create waits up to ACKLESS_NAT_CREATE_TIMEOUT_S (default 10 min) for `available`. */
const createDeadline = () => new Deadline(seconds("ACKLESS_NAT_CREATE_TIMEOUT_S", 600) * 1000);
/** Delete (and read of a `deleting` gateway) waits up to ACKLESS_NAT_DELETE_TIMEOUT_S (default 30 min). */
const deleteDeadline = () => new Deadline(seconds("ACKLESS_NAT_DELETE_TIMEOUT_S", 1800) * 1000);

const known = (v: unknown) => v !== UNKNOWN;

function isIpv4(s: string): boolean {
    const parts = s.split(".");
    return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** Drops undefined values (Pulumi's property structs cannot hold them). */
function compact<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

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
async function lookupNatGateway(id: string): Promise<AwsNatGateway | undefined> {
    let out;
    try {
        out = await ec2().send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }));
    } catch (err) {
        if (isAwsError(err, "NatGatewayNotFound", "InvalidNatGatewayID.NotFound")) {
            return undefined;
        }
        throw describeAwsError(`reading NAT gateway ${id}`, err);
    }
    return (out.NatGateways ?? []).find((n) => n.NatGatewayId === id);
}

const stateOf = (nat: AwsNatGateway | undefined) => (nat ? String(nat.State) : "deleted");

// ------------------------------------------------------------------- wait

/** Waits while the gateway is `pending`; returns it `available` or `failed`, or undefined if it went away. */
export async function waitNatGatewaySettled(id: string, deadline: Deadline): Promise<AwsNatGateway | undefined> {
    return waitFor(
        `NAT gateway ${id}: waiting for available`,
        () => findNatGateway(id),
        (nat) => nat === undefined || nat.State !== "pending",
        stateOf,
        deadline,
        { progress },
    );
}

/** Waits until the gateway is gone (`deleted` or not found). */
export async function waitNatGatewayDeleted(id: string, deadline: Deadline): Promise<void> {
    await waitFor(
        `NAT gateway ${id}: waiting for deleted`,
        () => findNatGateway(id),
        (nat) => nat === undefined,
        stateOf,
        deadline,
        { progress },
    );
}

/**
 * DeleteNatGateway unless it is already going or gone, then waits for
 * `deleted`. With the state entry's outputs (`props`), a gateway that a newer
 * incarnation owns is left alone (lifecycle R2).
 */
async function deleteAndWait(id: string, deadline: Deadline, props?: Record<string, any>): Promise<void> {
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

// ---------------------------------------------------------------- outputs

function outputsOf(nat: AwsNatGateway, known: Partial<NatGatewayOutputs & NatGatewayInputs>, token?: string): NatGatewayOutputs {
    const addresses = nat.NatGatewayAddresses ?? [];
    const primary = addresses.find((a) => a.IsPrimary) ?? addresses[0];
    // splitTags leaves ackless's own tags (pending-create, incarnation) out of both.
    const { tags, systemTags } = splitTags(fromKeyValueList(nat.Tags));
    const connectivityType = (nat.ConnectivityType as ConnectivityType | undefined) ?? known.connectivityType ?? "public";
    return compact({
        subnetId: nat.SubnetId ?? (known.subnetId as string),
        allocationId: connectivityType === "public" ? primary?.AllocationId ?? known.allocationId : undefined,
        connectivityType,
        // The input as given: AWS picks one when it is omitted, which is no drift.
        privateIpAddress: known.privateIpAddress,
        tags,
        systemTags,
        state: String(nat.State),
        publicIp: primary?.PublicIp,
        privateIp: primary?.PrivateIp,
        networkInterfaceId: primary?.NetworkInterfaceId,
        vpcId: nat.VpcId,
        failureCode: nat.FailureCode,
        failureMessage: nat.FailureMessage,
        clientToken: token ?? known.clientToken,
        adopted: known.adopted === true ? true : undefined,
        incarnation: known.incarnation,
        region: known.region,
    });
}

const markerOf = (nat: AwsNatGateway) => fromKeyValueList(nat.Tags)[PENDING_CREATE_TAG];

function failureText(nat: AwsNatGateway): string {
    return `${nat.FailureCode ?? "unknown FailureCode"}: ${nat.FailureMessage ?? "no FailureMessage"}`;
}

// ------------------------------------------------------------------ check

function checkInputs(news: Record<string, any>): { inputs: NatGatewayInputs; failures: pulumi.dynamic.CheckFailure[] } {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: NatGatewayInputs = { ...news, connectivityType: news.connectivityType ?? "public" } as NatGatewayInputs;
    const type = inputs.connectivityType;

    if (type !== "public" && type !== "private" && known(type)) {
        fail("connectivityType", `connectivityType must be "public" or "private", not ${JSON.stringify(type)}`);
    }
    if (inputs.subnetId === undefined || inputs.subnetId === null || inputs.subnetId === "") {
        fail("subnetId", "subnetId is required: the id of the subnet the NAT gateway lives in (subnet-...)");
    } else if (known(inputs.subnetId) && (typeof inputs.subnetId !== "string" || !SUBNET_ID.test(inputs.subnetId))) {
        fail("subnetId", `subnetId ${JSON.stringify(inputs.subnetId)} is not a subnet id (subnet- followed by 8 to 17 hex digits)`);
    }
    const alloc = inputs.allocationId;
    if (type === "public" && (alloc === undefined || alloc === null || alloc === "")) {
        fail("allocationId", "allocationId is required for a public NAT gateway: the Elastic IP allocation id (eipalloc-...); or set connectivityType: \"private\"");
    }
    if (type === "private" && alloc !== undefined && alloc !== null && alloc !== "") {
        fail("allocationId", "allocationId must not be set on a private NAT gateway (it has no Elastic IP); remove it or set connectivityType: \"public\"");
    }
    if (alloc !== undefined && alloc !== null && alloc !== "" && known(alloc) && (typeof alloc !== "string" || !ALLOCATION_ID.test(alloc))) {
        fail("allocationId", `allocationId ${JSON.stringify(alloc)} is not an Elastic IP allocation id (eipalloc- followed by 8 to 17 hex digits)`);
    }
    const ip = inputs.privateIpAddress;
    if (ip !== undefined && ip !== null && known(ip) && (typeof ip !== "string" || !isIpv4(ip))) {
        fail("privateIpAddress", `privateIpAddress ${JSON.stringify(ip)} is not an IPv4 address (like 10.0.1.10)`);
    }
    if (known(inputs.tags)) {
        for (const reason of validateTags("tags", inputs.tags)) {
            fail("tags", reason);
        }
    }
    failures.push(...checkAdopt(inputs.adopt, "a NAT gateway id (nat-...)", NAT_ID).failures);
    if (failures.length === 0) {
        const token = clientToken(inputs);
        if (token) {
            inputs.__clientToken = token;
        } else {
            delete inputs.__clientToken;
        }
    }
    return { inputs: compact(inputs), failures };
}

// ------------------------------------------------------------------- diff

const creationFields = ["subnetId", "allocationId", "connectivityType", "privateIpAddress"] as const;

const rules: FieldRule[] = [
    ...creationFields.map((name) => ({ name, replaces: true })),
    // A gateway lives in one region: another region is another gateway. State
    // written before the region was stored has none: no change.
    { name: "region", replaces: true, equal: (a, b) => !a || a === b },
    { name: "tags", equal: (a, b) => sameTags(a as Tags, b as Tags) },
];

const present = (v: unknown) => v !== undefined && v !== null && v !== "";

function natDiff(id: string, olds: Record<string, any>, news: Record<string, any>) {
    const d = diffFields(olds, { ...news, connectivityType: news.connectivityType ?? "public" }, rules);
    const replaces = [...(d.replaces ?? [])];
    const failed = olds.state === "failed";
    if (failed) {
        replaces.push("state");
        warn(`NAT gateway ${id} is failed (FailureCode ${olds.failureCode ?? "unknown"}: ${olds.failureMessage ?? ""}); it will be replaced`);
    }
    // Delete first when the new gateway needs what the old one holds: the same
    // Elastic IP (it serves one gateway at a time), the same private IP, or the
    // same ClientToken (no creation field changed: a forced replacement).
    const sameEip = present(news.allocationId) && olds.allocationId === news.allocationId;
    const sameIp = present(news.privateIpAddress) && olds.privateIpAddress === news.privateIpAddress;
    const sameToken = creationFields.every((f) => deepEqual(olds[f], f === "connectivityType" ? news[f] ?? "public" : news[f]));
    return {
        changes: d.changes || failed,
        replaces,
        changed: failed ? [...d.changed, "state"] : d.changed,
        deleteBeforeReplace: sameEip || sameIp || sameToken || failed,
    };
}

// ----------------------------------------------------------------- create

async function createNatGateway(inputs: NatGatewayInputs): Promise<{ id: string; outs: NatGatewayOutputs }> {
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
        const seen = await waitVisible(`NAT gateway ${id}`, () => lookupNatGateway(id), deadline);
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

/** R1: the create is done; without the marker no later create takes this gateway over. */
async function clearMarker(id: string): Promise<void> {
    try {
        await ec2().send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: PENDING_CREATE_TAG }] }));
    } catch (err) {
        warn(`NAT gateway ${id}: could not remove the ${PENDING_CREATE_TAG} tag (${describeAwsError("DeleteTags", err).message}); remove it by hand`);
    }
}

// ------------------------------------------------------------------ tags

/** CreateTags / DeleteTags for the user's tags only; `aws:` keys are never sent. */
async function applyTags(id: string, observed: Tags, desired: Tags | undefined): Promise<void> {
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
}

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
async function previewAdoption(inputs: NatGatewayInputs, failures: pulumi.dynamic.CheckFailure[]): Promise<void> {
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
async function adoptNatGateway(id: string, inputs: NatGatewayInputs): Promise<{ id: string; outs: NatGatewayOutputs } | undefined> {
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

// ------------------------------------------------------------------ provider

export const provider = {
    async check(olds: any, news: any): Promise<pulumi.dynamic.CheckResult> {
        const result = checkInputs(news ?? {});
        await checkRegion(result.inputs, result.failures);
        if (!adoptionAllowed(olds, news?.__identity)) {
            // R3: only a first create adopts: on an existing resource, or its
            // replacement, adopt is dropped (a replacement never adopts).
            delete result.inputs.adopt;
        } else if (result.failures.length === 0) {
            await withRegion(result.inputs.region, () => previewAdoption(result.inputs, result.failures));
        }
        return result;
    },

    async diff(id: string, olds: any, news: any) {
        return withVanished(olds, natDiff(id, olds ?? {}, news ?? {}), "subnetId");
    },

    // Each call runs in the gateway's stored region: the registry wraps this object (common/clients awsScoped).
    create,
    read,
    update,
    delete: remove,
};

/**
 * The region: declared (the class fills in `aws:region`), else the AWS SDK's
 * own resolution, stored in the inputs either way. None at all fails the check
 * naming the ways to set one.
 */
async function checkRegion(inputs: NatGatewayInputs, failures: pulumi.dynamic.CheckFailure[]): Promise<void> {
    if (inputs.region === UNKNOWN) {
        return;
    }
    if (inputs.region === undefined || inputs.region === null || inputs.region === "") {
        const resolved = await sdkDefaultRegion();
        if (!resolved) {
            failures.push({
                property: "region",
                reason:
                    "no AWS region for this NAT gateway: set one with `pulumi config set aws:region <region>`, " +
                    "the AWS_REGION environment variable, or a `region` in your AWS profile (or this resource's region input)",
            });
            return;
        }
        inputs.region = resolved;
    }
    if (typeof inputs.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(inputs.region)) {
        failures.push({ property: "region", reason: `region ${JSON.stringify(inputs.region)} is not an AWS region name (such as us-west-2)` });
    }
}

async function create(inputs: any): Promise<pulumi.dynamic.CreateResult> {
    const adoption = adoptionOf(inputs);
    if (adoption) {
        const adopted = await adoptNatGateway(adoption.id, inputs as NatGatewayInputs);
        if (adopted) {
            return adopted;
        }
        if (adoption.mode === "adopt") {
            throw adoptMissing("NAT gateway", adoption.id);
        }
        logWillCreate("NAT gateway", adoption.id);
    }
    return createNatGateway(inputs as NatGatewayInputs);
}

async function read(id: string, props: any): Promise<pulumi.dynamic.ReadResult> {
    let nat = await findNatGateway(id);
    if (nat?.State === "deleting") {
        progress(`NAT gateway ${id} is deleting; waiting until it is deleted`);
        await waitNatGatewayDeleted(id, deleteDeadline());
        nat = undefined;
    }
    if (!nat) {
        return goneRead("NAT gateway", id, props);
    }
    return { id, props: outputsOf(nat, props ?? {}) };
}

async function update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult> {
    const live = await findNatGateway(id);
    if (!live) {
        throw new AcklessError(`NAT gateway ${id} no longer exists; run pulumi up --refresh to create a new one`);
    }
    await applyTags(id, fromKeyValueList(live.Tags), news.tags);
    const after = (await findNatGateway(id)) ?? live;
    return { outs: outputsOf(after, { ...olds, ...news }) };
}

async function remove(id: string, props: any): Promise<void> {
    await guardedDelete(KIND, "NAT gateway", id, props, () => deleteAndWait(id, deleteDeadline(), props));
}
