/** ec2.NatGateway: what differs (diff rules, replacements) and the outputs read from AWS. */
import { NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import { compact, deepEqual, diffFields, FieldRule, known, present, UNKNOWN } from "../../common/diff";
import { warn } from "../../common/log";
import { fromKeyValueList, sameTags, splitTags, Tags } from "../../common/tags";
import type { AddressStep, AvailabilityMode, ConnectivityType, NatGatewayInputs, NatGatewayOutputs, ZoneAddressInput } from "./types";

// ---------------------------------------------------------------- outputs

export function outputsOf(nat: AwsNatGateway, base: Partial<NatGatewayOutputs & NatGatewayInputs>, token?: string): NatGatewayOutputs {
    const addresses = nat.NatGatewayAddresses ?? [];
    const primary = addresses.find((a) => a.IsPrimary) ?? addresses[0];
    // splitTags leaves ackless's own tags (pending-create, incarnation) out of both.
    const { tags, systemTags } = splitTags(fromKeyValueList(nat.Tags));
    const connectivityType = (nat.ConnectivityType as ConnectivityType | undefined) ?? base.connectivityType ?? "public";
    const availabilityMode = modeOf(nat, base.availabilityMode);
    return compact({
        availabilityMode,
        subnetId: nat.SubnetId ?? base.subnetId,
        // What AWS holds in manual mode, in the declared shape (zones named as declared), so a refresh shows drift.
        availabilityZoneAddresses: liveZones(nat, base.availabilityZoneAddresses),
        routeTableId: nat.RouteTableId,
        autoProvisionZones: nat.AutoProvisionZones,
        autoScalingIps: nat.AutoScalingIps,
        // A regional gateway's primary Elastic IP may be one AWS allocated (automatic mode): its allocationId is the input as given.
        allocationId:
            connectivityType !== "public"
                ? undefined
                : availabilityMode === "regional"
                  ? base.allocationId
                  : (primary?.AllocationId ?? base.allocationId),
        connectivityType,
        // The input as given: AWS picks one when it is omitted, which is no drift.
        privateIpAddress: base.privateIpAddress,
        // The inputs as given (AWS picks the addresses of a count); what AWS holds is in `addresses`.
        secondaryAllocationIds: base.secondaryAllocationIds,
        secondaryPrivateIpAddresses: base.secondaryPrivateIpAddresses,
        secondaryPrivateIpAddressCount: base.secondaryPrivateIpAddressCount,
        addresses: addresses.map((a) =>
            compact({
                isPrimary: a.IsPrimary === true,
                allocationId: a.AllocationId,
                associationId: a.AssociationId,
                publicIp: a.PublicIp,
                privateIp: a.PrivateIp,
                networkInterfaceId: a.NetworkInterfaceId,
                availabilityZone: a.AvailabilityZone,
                availabilityZoneId: a.AvailabilityZoneId,
                status: a.Status,
                failureMessage: a.FailureMessage,
            }),
        ),
        tags,
        systemTags,
        state: String(nat.State),
        publicIp: primary?.PublicIp,
        privateIp: primary?.PrivateIp,
        networkInterfaceId: primary?.NetworkInterfaceId,
        vpcId: nat.VpcId ?? base.vpcId,
        failureCode: nat.FailureCode,
        failureMessage: nat.FailureMessage,
        clientToken: token ?? base.clientToken,
        region: base.region,
    });
}

/**
 * A regional gateway's zone addresses as AWS holds them (every address not being disassociated), in the shape the
 * program declared them: each declared zone (by name or id, as declared) with its live Elastic IPs, declared ones in
 * their order first; a declared zone with none left is dropped; a live zone not declared is added by name. Anything
 * else (automatic mode, nothing declared) is the declared value as is.
 */
export function liveZones(nat: AwsNatGateway, declared: ZoneAddressInput[] | undefined): ZoneAddressInput[] | undefined {
    if (!Array.isArray(declared) || nat.AutoProvisionZones !== "disabled" || modeOf(nat) !== "regional") {
        return declared;
    }
    const live = (nat.NatGatewayAddresses ?? []).filter((a) => a.AllocationId && a.Status !== "disassociating");
    const used = new Set<string>();
    const out: ZoneAddressInput[] = [];
    for (const z of declared) {
        const mine = live.filter((a) =>
            z.availabilityZone ? a.AvailabilityZone === z.availabilityZone : a.AvailabilityZoneId === z.availabilityZoneId,
        );
        const ids = mine.map((a) => a.AllocationId!);
        mine.forEach((a) => used.add(a.AllocationId!));
        const ordered = [...(z.allocationIds ?? []).filter((x) => ids.includes(x)), ...ids.filter((x) => !(z.allocationIds ?? []).includes(x))];
        if (ordered.length) {
            out.push(compact({ availabilityZone: z.availabilityZone, availabilityZoneId: z.availabilityZoneId, allocationIds: ordered }));
        }
    }
    const extra = new Map<string, string[]>();
    for (const a of live.filter((x) => !used.has(x.AllocationId!))) {
        const zone = a.AvailabilityZone ?? a.AvailabilityZoneId ?? "";
        extra.set(zone, [...(extra.get(zone) ?? []), a.AllocationId!]);
    }
    for (const [zone, allocationIds] of extra) {
        out.push({ availabilityZone: zone, allocationIds });
    }
    return out;
}

// ------------------------------------------------------------------- diff

/** The gateway's mode as read; a gateway that shows none (made before regional gateways) is zonal. */
export function modeOf(nat: AwsNatGateway, declared?: AvailabilityMode): AvailabilityMode {
    return (nat.AvailabilityMode as AvailabilityMode | undefined) ?? declared ?? "zonal";
}

const modeOfInputs = (o: Record<string, any>): AvailabilityMode => o.availabilityMode ?? "zonal";

/** Manual mode: zone addresses declared (a value not known yet counts as declared). */
const manual = (o: Record<string, any>) => o.availabilityZoneAddresses !== undefined && o.availabilityZoneAddresses !== null;

const creationFields = ["subnetId", "allocationId", "connectivityType", "privateIpAddress"] as const;

const rules: FieldRule[] = [
    ...creationFields.map((name) => ({ name, replaces: true })),
    // State written before regional gateways has no mode: zonal.
    { name: "availabilityMode", replaces: true, equal: (a, b) => (a ?? "zonal") === (b ?? "zonal") },
    // A gateway lives in one region: another region is another gateway. State
    // written before the region was stored has none: no change.
    { name: "region", replaces: true, equal: (a, b) => !a || a === b },
    { name: "tags", equal: (a, b) => sameTags(a as Tags, b as Tags) },
    // Secondary addresses change in place (Associate/Disassociate, Assign/Unassign); their order does not matter.
    { name: "secondaryAllocationIds", equal: sameSet },
    { name: "secondaryPrivateIpAddresses", equal: sameSet },
    { name: "secondaryPrivateIpAddressCount", equal: (a, b) => (a ?? 0) === (b ?? 0) },
    // A regional gateway's zone addresses change in place (Associate/Disassociate per zone); order does not matter.
    { name: "availabilityZoneAddresses", equal: sameZones },
];

/** A regional gateway's VPC: its creation field (a zonal gateway's vpcId is an output, its subnet's VPC). */
const regionalRules: FieldRule[] = [{ name: "vpcId", replaces: true }];

function sameSet(a: unknown, b: unknown): boolean {
    if (!known(a) || !known(b)) {
        return false;
    }
    const x = Array.isArray(a) ? [...a].sort() : [];
    const y = Array.isArray(b) ? [...b].sort() : [];
    return deepEqual(x, y);
}

/** Zone addresses as a set of `zone -> set of allocation ids`, the zone named as declared. */
function zoneKey(z: Partial<ZoneAddressInput>): string {
    return z.availabilityZone ? `name:${z.availabilityZone}` : `id:${z.availabilityZoneId ?? ""}`;
}

function sameZones(a: unknown, b: unknown): boolean {
    if (!known(a) || !known(b)) {
        return false;
    }
    const norm = (v: unknown) =>
        (Array.isArray(v) ? v : [])
            .map((z: Partial<ZoneAddressInput>) => [zoneKey(z), known(z.allocationIds) ? [...(z.allocationIds ?? [])].sort() : z.allocationIds])
            .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    return deepEqual(norm(a), norm(b));
}

/** Every Elastic IP a gateway from these inputs is declared to hold: the primary and, in manual mode, each zone's. */
export function declaredAllocations(o: Record<string, any>): string[] {
    const zones: Partial<ZoneAddressInput>[] = Array.isArray(o.availabilityZoneAddresses) ? o.availabilityZoneAddresses : [];
    return [o.allocationId, ...zones.flatMap((z) => (Array.isArray(z?.allocationIds) ? z.allocationIds : []))].filter(
        (x): x is string => present(x) && known(x),
    );
}

export function natDiff(id: string, olds: Record<string, any>, news: Record<string, any>) {
    const regional = modeOfInputs(news) === "regional";
    const d = diffFields(
        olds,
        { ...news, connectivityType: news.connectivityType ?? "public" },
        regional && modeOfInputs(olds) === "regional" ? [...rules, ...regionalRules] : rules,
    );
    const replaces = [...(d.replaces ?? [])];
    // Automatic and manual mode are set at create (AutoProvisionZones): switching between them replaces.
    if (regional && manual(olds) !== manual(news) && !replaces.includes("availabilityZoneAddresses")) {
        replaces.push("availabilityZoneAddresses");
    }
    const failed = olds.state === "failed";
    if (failed) {
        replaces.push("state");
        warn(`NAT gateway ${id} is failed (FailureCode ${olds.failureCode ?? "unknown"}: ${olds.failureMessage ?? ""}); it will be replaced`);
    }
    // Delete first when the new gateway needs what the old one holds: the same
    // Elastic IP (it serves one gateway at a time: the primary or any zone's), the same private IP, or the
    // same ClientToken (no creation field changed: a forced replacement).
    const held = declaredAllocations(olds);
    const sameEip = declaredAllocations(news).some((x) => held.includes(x));
    const sameIp = present(news.privateIpAddress) && olds.privateIpAddress === news.privateIpAddress;
    const sameToken =
        creationFields.every((f) => deepEqual(olds[f], f === "connectivityType" ? (news[f] ?? "public") : news[f])) &&
        modeOfInputs(olds) === modeOfInputs(news) &&
        (!regional || olds.vpcId === news.vpcId);
    return {
        changes: d.changes || failed || replaces.length > 0,
        replaces,
        changed: failed ? [...d.changed, "state"] : d.changed,
        deleteBeforeReplace: sameEip || sameIp || sameToken || failed,
    };
}

// ------------------------------------------------------- exclusive holds

/**
 * What `original` (a completed gateway of this resource's own ClientTokens) holds that a gateway from `inputs`
 * needs: the Elastic IP (it serves one gateway at a time: the new one would go `failed` with
 * Resource.AlreadyAssociated) or the declared private IP. Undefined when both can exist at once.
 */
export function heldByOriginal(inputs: NatGatewayInputs, original: AwsNatGateway): string | undefined {
    const addresses = original.NatGatewayAddresses ?? [];
    const allocs = inputs.connectivityType === "public" ? declaredAllocations(inputs) : [];
    const alloc = allocs.find((x) => addresses.some((a) => a.AllocationId === x));
    if (alloc) {
        return `Elastic IP ${alloc} (an Elastic IP serves one NAT gateway at a time)`;
    }
    const ip = inputs.privateIpAddress;
    if (ip && addresses.some((a) => a.PrivateIp === ip)) {
        return `private IP ${ip} (an address serves one network interface at a time)`;
    }
    return undefined;
}

// ------------------------------------------------------------------ adopt

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
    const liveMode = modeOf(nat);
    const declaredMode = inputs.availabilityMode ?? "zonal";
    const out: { field: string; reason: string }[] = [];
    const mismatch = (field: string, live: unknown, declared: unknown) =>
        out.push({
            field,
            reason:
                `adopt: NAT gateway ${nat.NatGatewayId} has ${field} ${JSON.stringify(live ?? null)}, but the program declares ${JSON.stringify(declared ?? null)}; ` +
                `${field} cannot change in place: declare ${JSON.stringify(live ?? null)} to adopt it (or remove adopt to create a new gateway)`,
        });
    if (known(declaredMode) && liveMode !== declaredMode) {
        mismatch("availabilityMode", liveMode, declaredMode);
        return out;
    }
    if (liveMode === "regional") {
        if (known(inputs.vpcId) && nat.VpcId !== inputs.vpcId) {
            mismatch("vpcId", nat.VpcId, inputs.vpcId);
        }
        // Automatic or manual mode is chosen at create (AutoProvisionZones); the zones' Elastic IPs change in place.
        const liveManual = nat.AutoProvisionZones === "disabled";
        if (liveManual !== manual(inputs)) {
            out.push({
                field: "availabilityZoneAddresses",
                reason:
                    `adopt: NAT gateway ${nat.NatGatewayId} is a regional gateway in ${liveManual ? "manual" : "automatic"} mode, but the program ` +
                    `${manual(inputs) ? "lists availabilityZoneAddresses (manual mode)" : "lists no availabilityZoneAddresses (automatic mode)"}; the mode cannot change in place: ` +
                    `${liveManual ? "list its zones and Elastic IPs in availabilityZoneAddresses" : "remove availabilityZoneAddresses"} to adopt it (or remove adopt to create a new gateway)`,
            });
        }
        return out;
    }
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

// -------------------------------------------------------- address steps

const declaredField = (olds: Record<string, any>, news: NatGatewayInputs, field: keyof NatGatewayInputs) =>
    news[field] !== undefined || olds[field] !== undefined;

/**
 * The in-place address changes from `live` to `news`, in order: removals first (AWS allows no association while a
 * disassociation drains), then additions. Only what the program declares (now or before) is managed: a zonal
 * gateway's secondary Elastic IPs or private IPs, a regional gateway's zone addresses in manual mode (a zone named by
 * name or id matches the live address's either).
 */
export function addressSteps(live: AwsNatGateway, olds: Record<string, any>, news: NatGatewayInputs): AddressStep[] {
    const fields = ["secondaryAllocationIds", "secondaryPrivateIpAddresses", "secondaryPrivateIpAddressCount", "availabilityZoneAddresses"] as const;
    if (fields.some((f) => !known(news[f]) || (Array.isArray(news[f]) && JSON.stringify(news[f]).includes(UNKNOWN)))) {
        return []; // not known yet (a preview): nothing to plan
    }
    if ((news.availabilityMode ?? "zonal") === "regional") {
        return zoneSteps(live, news);
    }
    const secondary = (live.NatGatewayAddresses ?? []).filter((a) => !a.IsPrimary);
    const steps: AddressStep[] = [];
    if (news.connectivityType === "public" && declaredField(olds, news, "secondaryAllocationIds")) {
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
        (declaredField(olds, news, "secondaryPrivateIpAddresses") || declaredField(olds, news, "secondaryPrivateIpAddressCount"))
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
    return steps;
}

/** A regional gateway in manual mode: each zone's Elastic IPs to the declared ones (one disassociation, then one association per zone). */
function zoneSteps(live: AwsNatGateway, news: NatGatewayInputs): AddressStep[] {
    const zones = news.availabilityZoneAddresses;
    if (!zones?.length) {
        return [];
    }
    const inZone = (a: { AvailabilityZone?: string; AvailabilityZoneId?: string }, z: ZoneAddressInput) =>
        z.availabilityZone ? a.AvailabilityZone === z.availabilityZone : a.AvailabilityZoneId === z.availabilityZoneId;
    const addresses = (live.NatGatewayAddresses ?? []).filter((a) => a.AllocationId && a.Status !== "disassociating");
    const drop = addresses.filter((a) => !zones.some((z) => inZone(a, z) && z.allocationIds.includes(a.AllocationId!)));
    const steps: AddressStep[] = [];
    if (drop.length) {
        steps.push({
            change: { op: "disassociate", associationIds: drop.map((a) => a.AssociationId!) },
            what: `Elastic IPs ${drop.map((a) => `${a.AllocationId} (${a.AvailabilityZone ?? a.AvailabilityZoneId ?? "?"})`).join(", ")} to be disassociated`,
            keys: drop.map((a) => a.AllocationId!),
            by: "allocation",
            adding: false,
        });
    }
    for (const z of zones) {
        const add = z.allocationIds.filter((x) => !addresses.some((a) => a.AllocationId === x && inZone(a, z)));
        if (add.length) {
            const zone = z.availabilityZone ?? z.availabilityZoneId;
            steps.push({
                change: { op: "associate", allocationIds: add, availabilityZone: z.availabilityZone, availabilityZoneId: z.availabilityZoneId },
                what: `Elastic IPs ${add.join(", ")} to be associated in ${zone}`,
                keys: add,
                by: "allocation",
                adding: true,
            });
        }
    }
    return steps;
}

/** The address steps in words, for the preview of an adoption. */
export function describeSteps(steps: AddressStep[]): string | undefined {
    return steps.length ? `addresses: ${steps.map((s) => s.what).join("; ")}` : undefined;
}

// ------------------------------------------------------------------ inputs

/**
 * The program inputs that declare `nat` as it is (adoption and the hand-overs): mode, subnet or VPC, Elastic IPs,
 * zone addresses of a regional gateway in manual mode, secondary addresses, user tags. AWS picks a private IP when none
 * is asked for, so the primary private IP is not declared.
 */
export function inputsOf(nat: AwsNatGateway): Record<string, unknown> {
    const mode = modeOf(nat);
    const all = nat.NatGatewayAddresses ?? [];
    const tags = splitTags(fromKeyValueList(nat.Tags)).tags;
    const withTags = (o: Record<string, unknown>) => compact({ ...o, tags: Object.keys(tags).length ? tags : undefined });
    if (mode === "regional") {
        const manualMode = nat.AutoProvisionZones === "disabled";
        const zones = new Map<string, { availabilityZone: string; allocationIds: string[] }>();
        for (const a of all) {
            const zone = a.AvailabilityZone ?? a.AvailabilityZoneId;
            if (!zone || !a.AllocationId || a.Status === "disassociating" || a.Status === "failed") {
                continue;
            }
            const entry = zones.get(zone) ?? { availabilityZone: zone, allocationIds: [] };
            entry.allocationIds.push(a.AllocationId);
            zones.set(zone, entry);
        }
        return withTags({
            availabilityMode: "regional",
            vpcId: nat.VpcId,
            availabilityZoneAddresses: manualMode
                ? [...zones.values()].sort((x, y) => x.availabilityZone.localeCompare(y.availabilityZone))
                : undefined,
        });
    }
    const primary = all.find((a) => a.IsPrimary) ?? all[0];
    const secondary = all.filter((a) => a !== primary && a.Status !== "disassociating" && a.Status !== "unassigning" && a.Status !== "failed");
    const isPublic = (nat.ConnectivityType ?? "public") === "public";
    return withTags({
        subnetId: nat.SubnetId,
        connectivityType: isPublic ? undefined : "private",
        allocationId: isPublic ? primary?.AllocationId : undefined,
        secondaryAllocationIds: isPublic && secondary.length ? secondary.map((a) => a.AllocationId!).filter(Boolean) : undefined,
        secondaryPrivateIpAddresses: !isPublic && secondary.length ? secondary.map((a) => a.PrivateIp!).filter(Boolean) : undefined,
    });
}
