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
