/** ec2.NatGateway: check() of the inputs, at preview: each failure names its field and the fix. */
import type * as pulumi from "@pulumi/pulumi";
import { sdkDefaultRegion } from "../../common/clients";
import { compact, known, Obj, UNKNOWN } from "../../common/diff";
import { validateTags } from "../../common/tags";
import type { CheckContext } from "../../lifecycle/adapter";
import { clientToken } from "./keys";
import type { NatGatewayInputs } from "./types";

const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const ALLOCATION_ID = /^eipalloc-[0-9a-f]{8,17}$/;
export const NAT_ID = /^nat-[0-9a-f]{8,17}$/;

const given = (v: unknown) => v !== undefined && v !== null;

function isIpv4(s: string): boolean {
    const parts = s.split(".");
    return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

// ------------------------------------------------------------------ check

/** All of check(): the inputs with defaults and the derived ClientToken, the region, and a failure per problem. */
export async function validate(
    news: Obj,
    _olds: Obj | undefined,
    _ctx: CheckContext,
): Promise<{ inputs: NatGatewayInputs; failures: pulumi.dynamic.CheckFailure[] }> {
    const result = checkInputs(news);
    await checkRegion(result.inputs, result.failures);
    return result;
}

export function checkInputs(news: Record<string, any>): { inputs: NatGatewayInputs; failures: pulumi.dynamic.CheckFailure[] } {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: NatGatewayInputs = {
        ...news,
        availabilityMode: news.availabilityMode ?? "zonal",
        connectivityType: news.connectivityType ?? "public",
    } as NatGatewayInputs;
    const type = inputs.connectivityType;
    const mode = inputs.availabilityMode;
    const regional = mode === "regional";
    const zonal = mode === "zonal";

    if (!zonal && !regional && known(mode)) {
        fail(
            "availabilityMode",
            `availabilityMode must be "zonal" (one subnet, the default) or "regional" (one gateway for a VPC), not ${JSON.stringify(mode)}`,
        );
    }
    if (type !== "public" && type !== "private" && known(type)) {
        fail("connectivityType", `connectivityType must be "public" or "private", not ${JSON.stringify(type)}`);
    }
    if (zonal) {
        if (!given(inputs.subnetId) || inputs.subnetId === "") {
            fail(
                "subnetId",
                'subnetId is required for a zonal NAT gateway: the id of the subnet it lives in (subnet-...); or set availabilityMode: "regional" with a vpcId',
            );
        }
        if (given(inputs.vpcId)) {
            fail(
                "vpcId",
                'vpcId is for regional NAT gateways only (a zonal one is in its subnet\'s VPC): remove vpcId, or set availabilityMode: "regional" and remove subnetId',
            );
        }
        if (given(inputs.availabilityZoneAddresses)) {
            fail(
                "availabilityZoneAddresses",
                'availabilityZoneAddresses is for regional NAT gateways only: remove it, or set availabilityMode: "regional" with a vpcId',
            );
        }
    }
    if (regional) {
        checkRegional(inputs, fail);
    }
    if (
        given(inputs.subnetId) &&
        inputs.subnetId !== "" &&
        known(inputs.subnetId) &&
        (typeof inputs.subnetId !== "string" || !SUBNET_ID.test(inputs.subnetId))
    ) {
        fail("subnetId", `subnetId ${JSON.stringify(inputs.subnetId)} is not a subnet id (subnet- followed by 8 to 17 hex digits)`);
    }
    const alloc = inputs.allocationId;
    if (type === "public" && !regional && (alloc === undefined || alloc === null || alloc === "")) {
        fail(
            "allocationId",
            'allocationId is required for a public NAT gateway: the Elastic IP allocation id (eipalloc-...); or set connectivityType: "private"',
        );
    }
    if (type === "private" && alloc !== undefined && alloc !== null && alloc !== "") {
        fail(
            "allocationId",
            'allocationId must not be set on a private NAT gateway (it has no Elastic IP); remove it or set connectivityType: "public"',
        );
    }
    if (alloc !== undefined && alloc !== null && alloc !== "" && known(alloc) && (typeof alloc !== "string" || !ALLOCATION_ID.test(alloc))) {
        fail("allocationId", `allocationId ${JSON.stringify(alloc)} is not an Elastic IP allocation id (eipalloc- followed by 8 to 17 hex digits)`);
    }
    const ip = inputs.privateIpAddress;
    if (ip !== undefined && ip !== null && known(ip) && (typeof ip !== "string" || !isIpv4(ip))) {
        fail("privateIpAddress", `privateIpAddress ${JSON.stringify(ip)} is not an IPv4 address (like 10.0.1.10)`);
    }
    if (!regional) {
        checkSecondaries(inputs, fail);
    }
    if (known(inputs.tags)) {
        for (const reason of validateTags("tags", inputs.tags)) {
            fail("tags", reason);
        }
    }
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

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
/** An Availability Zone name (us-east-1a) and an Availability Zone id (use1-az1). */
const ZONE_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}[a-z]$/;
const ZONE_ID = /^[a-z]{2,5}\d{0,2}-az\d{1,2}$/;

/**
 * A regional gateway: a VPC instead of a subnet, public only (VPC user guide, regional NAT gateways), its Elastic IPs
 * per zone (manual mode) or AWS's (automatic mode, optionally starting from allocationId); no private IP and no
 * secondary addresses of a zonal gateway (EC2 reference, CreateNatGateway; docs/aws-contract.md).
 */
function checkRegional(inputs: NatGatewayInputs, fail: (p: string, r: string) => void): void {
    const vpc = inputs.vpcId;
    if (!given(vpc) || vpc === "") {
        fail("vpcId", "vpcId is required for a regional NAT gateway: the id of the VPC it serves (vpc-...)");
    } else if (known(vpc) && (typeof vpc !== "string" || !VPC_ID.test(vpc))) {
        fail("vpcId", `vpcId ${JSON.stringify(vpc)} is not a VPC id (vpc- followed by 8 to 17 hex digits)`);
    }
    if (given(inputs.subnetId)) {
        fail(
            "subnetId",
            'subnetId is for zonal NAT gateways only (a regional one spans the VPC\'s zones): remove subnetId, or remove availabilityMode: "regional" and vpcId',
        );
    }
    if (inputs.connectivityType === "private") {
        fail(
            "connectivityType",
            'a regional NAT gateway is public only (VPC user guide): remove connectivityType: "private", or make a zonal private gateway (availabilityMode: "zonal" with a subnetId)',
        );
    }
    const zonalOnly = ["privateIpAddress", "secondaryAllocationIds", "secondaryPrivateIpAddresses", "secondaryPrivateIpAddressCount"] as const;
    for (const field of zonalOnly) {
        if (given(inputs[field])) {
            fail(
                field,
                `${field} is for zonal NAT gateways only; a regional gateway takes its Elastic IPs per zone: remove ${field} and list them in availabilityZoneAddresses`,
            );
        }
    }
    const zones = inputs.availabilityZoneAddresses;
    if (!given(zones) || !known(zones)) {
        return;
    }
    if (given(inputs.allocationId)) {
        fail(
            "allocationId",
            "allocationId cannot be combined with availabilityZoneAddresses (manual mode names each zone's Elastic IPs): remove allocationId and list it under its zone",
        );
    }
    if (!Array.isArray(zones) || zones.length === 0) {
        fail(
            "availabilityZoneAddresses",
            "availabilityZoneAddresses must be a non-empty list of { availabilityZone or availabilityZoneId, allocationIds }; omit it for automatic mode (AWS picks the zones and Elastic IPs)",
        );
        return;
    }
    const seenZones = new Map<string, number>();
    const seenAllocs = new Map<string, string>();
    zones.forEach((z, i) => {
        const at = `availabilityZoneAddresses[${i}]`;
        if (!known(z)) {
            return;
        }
        if (typeof z !== "object" || z === null || Array.isArray(z)) {
            fail(at, `${at} must be { availabilityZone or availabilityZoneId, allocationIds }, not ${JSON.stringify(z)}`);
            return;
        }
        const byName = given(z.availabilityZone);
        const byId = given(z.availabilityZoneId);
        if (byName === byId) {
            fail(at, `${at} must name its zone by exactly one of availabilityZone (like us-east-1a) or availabilityZoneId (like use1-az1)`);
        } else if (byName && known(z.availabilityZone) && (typeof z.availabilityZone !== "string" || !ZONE_NAME.test(z.availabilityZone))) {
            fail(
                `${at}.availabilityZone`,
                `${at}.availabilityZone ${JSON.stringify(z.availabilityZone)} is not an Availability Zone name (like us-east-1a)`,
            );
        } else if (byId && known(z.availabilityZoneId) && (typeof z.availabilityZoneId !== "string" || !ZONE_ID.test(z.availabilityZoneId))) {
            fail(
                `${at}.availabilityZoneId`,
                `${at}.availabilityZoneId ${JSON.stringify(z.availabilityZoneId)} is not an Availability Zone id (like use1-az1)`,
            );
        }
        const zone = byName ? z.availabilityZone : z.availabilityZoneId;
        if (typeof zone === "string" && known(zone)) {
            const first = seenZones.get(zone);
            if (first !== undefined) {
                fail(
                    at,
                    `${at} names zone ${zone} again (also availabilityZoneAddresses[${first}]): list each zone once, with all its allocationIds`,
                );
            } else {
                seenZones.set(zone, i);
            }
        }
        const ids = z.allocationIds;
        if (!given(ids) || (Array.isArray(ids) && ids.length === 0)) {
            fail(`${at}.allocationIds`, `${at}.allocationIds is required: at least one Elastic IP allocation id (eipalloc-...) for the zone`);
            return;
        }
        const listed = stringList(`${at}.allocationIds`, ids, (s) => ALLOCATION_ID.test(s), "an Elastic IP allocation id (eipalloc-...)", fail) ?? [];
        for (const id of listed) {
            const other = seenAllocs.get(id);
            if (other !== undefined && other !== at) {
                fail(
                    `${at}.allocationIds`,
                    `${at}.allocationIds lists ${id}, already listed by ${other}; an Elastic IP serves one address: list it once`,
                );
            }
            seenAllocs.set(id, at);
        }
    });
}

/** A private NAT gateway has at most 8 private IPs, the primary included (VPC user guide, not adjustable). */
export const MAX_PRIVATE_IPS = 8;

/** A list input: an array of strings, each known one matching `ok`; returns the known entries, or undefined when not a list. */
function stringList(field: string, v: unknown, ok: (s: string) => boolean, what: string, fail: (p: string, r: string) => void): string[] | undefined {
    if (!known(v)) {
        return undefined;
    }
    if (!Array.isArray(v)) {
        fail(field, `${field} must be a list of ${what}, not ${JSON.stringify(v)}`);
        return undefined;
    }
    v.forEach((s, i) => {
        if (known(s) && (typeof s !== "string" || !ok(s))) {
            fail(`${field}[${i}]`, `${field}[${i}] ${JSON.stringify(s)} is not ${what}`);
        }
    });
    const seen = v.filter((s) => known(s));
    const dup = seen.find((s, i) => seen.indexOf(s) !== i);
    if (dup !== undefined) {
        fail(field, `${field} lists ${JSON.stringify(dup)} twice; list each once`);
    }
    return seen as string[];
}

/** secondaryAllocationIds, secondaryPrivateIpAddresses, secondaryPrivateIpAddressCount: which type takes which, and the documented limits. */
function checkSecondaries(inputs: NatGatewayInputs, fail: (p: string, r: string) => void): void {
    const type = inputs.connectivityType;
    const allocs = given(inputs.secondaryAllocationIds)
        ? stringList(
              "secondaryAllocationIds",
              inputs.secondaryAllocationIds,
              (s) => ALLOCATION_ID.test(s),
              "an Elastic IP allocation id (eipalloc-...)",
              fail,
          )
        : undefined;
    const ips = given(inputs.secondaryPrivateIpAddresses)
        ? stringList("secondaryPrivateIpAddresses", inputs.secondaryPrivateIpAddresses, isIpv4, "an IPv4 address (like 10.0.1.10)", fail)
        : undefined;
    const count = inputs.secondaryPrivateIpAddressCount;
    if (
        type === "private" &&
        given(inputs.secondaryAllocationIds) &&
        (!Array.isArray(inputs.secondaryAllocationIds) || inputs.secondaryAllocationIds.length > 0)
    ) {
        fail(
            "secondaryAllocationIds",
            'secondaryAllocationIds must not be set on a private NAT gateway (it has no Elastic IPs); remove it or set connectivityType: "public"',
        );
    }
    if (allocs && known(inputs.allocationId) && allocs.includes(inputs.allocationId as string)) {
        fail(
            "secondaryAllocationIds",
            `secondaryAllocationIds lists the primary allocationId ${inputs.allocationId}; an Elastic IP serves one address: remove it from the list`,
        );
    }
    if (given(count)) {
        if (type === "public" && known(type)) {
            fail(
                "secondaryPrivateIpAddressCount",
                "secondaryPrivateIpAddressCount is for private NAT gateways only; on a public one list secondaryAllocationIds (and optionally their secondaryPrivateIpAddresses)",
            );
        } else if (known(count) && (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > MAX_PRIVATE_IPS - 1)) {
            fail(
                "secondaryPrivateIpAddressCount",
                `secondaryPrivateIpAddressCount must be a whole number from 0 to ${MAX_PRIVATE_IPS - 1} (a private NAT gateway has at most ${MAX_PRIVATE_IPS} private IPs, the primary included), not ${JSON.stringify(count)}`,
            );
        }
        if (given(inputs.secondaryPrivateIpAddresses)) {
            fail(
                "secondaryPrivateIpAddressCount",
                "set secondaryPrivateIpAddressCount or secondaryPrivateIpAddresses, not both: AWS picks the addresses for a count, or takes the ones you list",
            );
        }
    }
    if (ips && type === "private" && ips.length > MAX_PRIVATE_IPS - 1) {
        fail(
            "secondaryPrivateIpAddresses",
            `secondaryPrivateIpAddresses lists ${ips.length} addresses; a private NAT gateway has at most ${MAX_PRIVATE_IPS} private IPs, the primary included: list at most ${MAX_PRIVATE_IPS - 1}`,
        );
    }
    if (ips && type === "public" && known(inputs.secondaryAllocationIds) && ips.length > 0 && ips.length !== (allocs ?? []).length) {
        fail(
            "secondaryPrivateIpAddresses",
            `on a public NAT gateway secondaryPrivateIpAddresses pairs one to one with secondaryAllocationIds (${(allocs ?? []).length} listed, ${ips.length} addresses): list one address per Elastic IP, or none`,
        );
    }
    if (ips && known(inputs.privateIpAddress) && ips.includes(inputs.privateIpAddress as string)) {
        fail(
            "secondaryPrivateIpAddresses",
            `secondaryPrivateIpAddresses lists the primary privateIpAddress ${inputs.privateIpAddress}; remove it from the list`,
        );
    }
}

/**
 * The region: declared (the class fills in `aws:region`), else the AWS SDK's
 * own resolution, stored in the inputs either way. None at all fails the check
 * naming the ways to set one.
 */
export async function checkRegion(inputs: NatGatewayInputs, failures: pulumi.dynamic.CheckFailure[]): Promise<void> {
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
