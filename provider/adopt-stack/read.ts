/**
 * What each kind ackless manages looks like now, read with the AWS APIs, as
 * the inputs of its ackless resource: config plus user tags (never `aws:` ones).
 */
import {
    DescribeFunctionCommand,
    DescribeKeyValueStoreCommand,
    DistributionConfig,
    GetDistributionConfigCommand,
    GetFunctionCommand,
    ListTagsForResourceCommand,
} from "@aws-sdk/client-cloudfront";
import { DescribeAddressesCommand, DescribeNatGatewaysCommand } from "@aws-sdk/client-ec2";
import { cloudfront, ec2 } from "../common/clients";
import { AcklessError, isAwsError } from "../common/errors";
import { fromKeyValueList, Tags, userTags } from "../common/tags";
import { inputsOf as natInputsOf } from "../ec2/nat-gateway/delta";
import { call } from "./aws";
import { KINDS } from "../kinds";

/** The CloudFormation types ackless takes over, and the ackless class of each. */
export const MANAGED_TYPES: Record<string, { module: "ec2" | "cloudfront"; cls: string }> = Object.fromEntries(
    KINDS.filter((k) => k.cloudFormationType).map((k) => [k.cloudFormationType, { module: k.module, cls: k.cls }]),
);

export interface NatGatewayRead {
    kind: "AWS::EC2::NatGateway";
    id: string;
    /** `regional`: a VPC-wide gateway (no subnet), its Elastic IPs per zone in manual mode. */
    availabilityMode: "zonal" | "regional";
    subnetId?: string;
    vpcId?: string;
    /** A regional gateway in manual mode: each zone's Elastic IPs (ec2/nat-gateway/delta.ts `inputsOf`). */
    availabilityZoneAddresses?: { availabilityZone?: string; availabilityZoneId?: string; allocationIds: string[] }[];
    allocationId?: string;
    connectivityType: "public" | "private";
    privateIp?: string;
    publicIp?: string;
    tags: Tags;
    systemTagKeys: string[];
}

export interface DistributionRead {
    kind: "AWS::CloudFront::Distribution";
    id: string;
    /** The config in the ackless input shape: no `Quantity` (ackless computes them). */
    distributionConfig: Record<string, unknown>;
    tags: Tags;
    systemTagKeys: string[];
}

export interface FunctionRead {
    kind: "AWS::CloudFront::Function";
    /** The function's name (its adoption id). */
    id: string;
    runtime: string;
    code: string;
    comment: string;
    keyValueStoreAssociations: string[];
    /** False when LIVE is missing or serves something other than DEVELOPMENT (adoption must not publish it). */
    publish: boolean;
    tags: Tags;
    systemTagKeys: string[];
}

export interface KeyValueStoreRead {
    kind: "AWS::CloudFront::KeyValueStore";
    /** The store's name (its adoption id). */
    id: string;
    comment: string;
    tags: Tags;
    systemTagKeys: string[];
}

export type Read = NatGatewayRead | DistributionRead | FunctionRead | KeyValueStoreRead;

/** Why a resource of a managed kind cannot be taken over (gone, failed...). */
export class CannotAdopt extends Error {}

function systemKeys(all: Tags): string[] {
    return Object.keys(all).filter((k) => !(k in userTags(all)));
}

export async function readNatGateway(id: string): Promise<NatGatewayRead> {
    let out;
    try {
        out = await call("ec2:DescribeNatGateways", `reading NAT gateway ${id}`, () =>
            ec2().send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })),
        );
    } catch (e) {
        if (isAwsError((e as AcklessError).cause ?? e, "NatGatewayNotFound", "InvalidNatGatewayID.NotFound")) {
            throw new CannotAdopt(`NAT gateway ${id} does not exist any more`);
        }
        throw e;
    }
    const nat = out.NatGateways?.[0];
    if (!nat || nat.State === "deleted" || nat.State === "deleting") {
        throw new CannotAdopt(`NAT gateway ${id} is ${nat?.State ?? "gone"}`);
    }
    if (nat.State === "failed") {
        throw new CannotAdopt(
            `NAT gateway ${id} is failed (${nat.FailureCode ?? ""}: ${nat.FailureMessage ?? ""}); recreate it rather than adopting it`,
        );
    }
    const primary = (nat.NatGatewayAddresses ?? []).find((a) => a.IsPrimary) ?? nat.NatGatewayAddresses?.[0];
    const all = fromKeyValueList(nat.Tags);
    const connectivityType = nat.ConnectivityType === "private" ? "private" : "public";
    const declared = natInputsOf(nat);
    const regional = declared.availabilityMode === "regional";
    return {
        kind: "AWS::EC2::NatGateway",
        id,
        availabilityMode: regional ? "regional" : "zonal",
        subnetId: nat.SubnetId,
        vpcId: nat.VpcId,
        availabilityZoneAddresses: declared.availabilityZoneAddresses as NatGatewayRead["availabilityZoneAddresses"],
        // A regional gateway's primary Elastic IP may be AWS's own (automatic mode): never declared.
        allocationId: connectivityType === "public" && !regional ? primary?.AllocationId : undefined,
        connectivityType,
        privateIp: primary?.PrivateIp,
        publicIp: primary?.PublicIp,
        tags: userTags(all),
        systemTagKeys: systemKeys(all),
    };
}

/** Drops every `Quantity` (ackless computes them from `Items`), recursively. */
export function withoutQuantities(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(withoutQuantities);
    }
    if (value && typeof value === "object" && !(value instanceof Date) && !(value instanceof Uint8Array)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            if (k !== "Quantity" && v !== undefined) {
                out[k] = withoutQuantities(v);
            }
        }
        return out;
    }
    return value;
}

async function cloudfrontTags(arn: string, what: string): Promise<Tags> {
    const out = await call("cloudfront:ListTagsForResource", `reading the tags of ${what}`, () =>
        cloudfront().send(new ListTagsForResourceCommand({ Resource: arn })),
    );
    return fromKeyValueList(out.Tags?.Items);
}

export async function readDistribution(id: string, account: string | undefined): Promise<DistributionRead> {
    let out;
    try {
        out = await call("cloudfront:GetDistributionConfig", `reading distribution ${id}`, () =>
            cloudfront().send(new GetDistributionConfigCommand({ Id: id })),
        );
    } catch (e) {
        if (isAwsError((e as AcklessError).cause ?? e, "NoSuchDistribution")) {
            throw new CannotAdopt(`distribution ${id} does not exist any more`);
        }
        throw e;
    }
    const config = out.DistributionConfig as DistributionConfig;
    const all = account ? await cloudfrontTags(`arn:aws:cloudfront::${account}:distribution/${id}`, `distribution ${id}`) : {};
    return {
        kind: "AWS::CloudFront::Distribution",
        id,
        distributionConfig: withoutQuantities(config) as Record<string, unknown>,
        tags: userTags(all),
        systemTagKeys: systemKeys(all),
    };
}

/** A function's name from its CloudFormation physical id (the function ARN, or the name). */
export function functionName(physicalId: string): string {
    const m = /:function\/(.+)$/.exec(physicalId);
    return m ? m[1] : physicalId;
}

async function functionStage(name: string, stage: "DEVELOPMENT" | "LIVE") {
    try {
        const described = await call("cloudfront:DescribeFunction", `describing function ${name} (${stage})`, () =>
            cloudfront().send(new DescribeFunctionCommand({ Name: name, Stage: stage })),
        );
        const got = await call("cloudfront:GetFunction", `reading the code of function ${name} (${stage})`, () =>
            cloudfront().send(new GetFunctionCommand({ Name: name, Stage: stage })),
        );
        return { summary: described.FunctionSummary!, code: Buffer.from(got.FunctionCode ?? new Uint8Array()).toString("utf8") };
    } catch (e) {
        if (isAwsError((e as AcklessError).cause ?? e, "NoSuchFunctionExists")) {
            return undefined;
        }
        throw e;
    }
}

export async function readFunction(physicalId: string): Promise<FunctionRead> {
    const name = functionName(physicalId);
    const dev = await functionStage(name, "DEVELOPMENT");
    if (!dev) {
        throw new CannotAdopt(`function ${name} does not exist any more`);
    }
    const live = await functionStage(name, "LIVE");
    const config = dev.summary.FunctionConfig;
    const kvs = (config?.KeyValueStoreAssociations?.Items ?? []).map((a) => a.KeyValueStoreARN!).filter(Boolean);
    const liveConfig = live?.summary.FunctionConfig;
    const sameLive =
        live !== undefined &&
        live.code === dev.code &&
        liveConfig?.Runtime === config?.Runtime &&
        (liveConfig?.Comment ?? "") === (config?.Comment ?? "") &&
        JSON.stringify((liveConfig?.KeyValueStoreAssociations?.Items ?? []).map((a) => a.KeyValueStoreARN)) === JSON.stringify(kvs);
    const arn = dev.summary.FunctionMetadata?.FunctionARN;
    const all = arn ? await cloudfrontTags(arn, `function ${name}`) : {};
    return {
        kind: "AWS::CloudFront::Function",
        id: name,
        runtime: config?.Runtime ?? "cloudfront-js-2.0",
        code: dev.code,
        comment: config?.Comment ?? "",
        keyValueStoreAssociations: kvs,
        publish: sameLive,
        tags: userTags(all),
        systemTagKeys: systemKeys(all),
    };
}

/** A key value store by its CloudFormation physical id (its name: Ref of AWS::CloudFront::KeyValueStore). */
export async function readKeyValueStore(name: string): Promise<KeyValueStoreRead> {
    let out;
    try {
        out = await call("cloudfront:DescribeKeyValueStore", `reading key value store ${name}`, () =>
            cloudfront().send(new DescribeKeyValueStoreCommand({ Name: name })),
        );
    } catch (e) {
        if (isAwsError((e as AcklessError).cause ?? e, "EntityNotFound")) {
            throw new CannotAdopt(`key value store ${name} does not exist any more`);
        }
        throw e;
    }
    const store = out.KeyValueStore;
    if (store?.Status === "PROVISIONING_FAILED") {
        throw new CannotAdopt(`key value store ${name} is PROVISIONING_FAILED; recreate it rather than adopting it`);
    }
    const all = store?.ARN ? await cloudfrontTags(store.ARN, `key value store ${name}`) : {};
    return { kind: "AWS::CloudFront::KeyValueStore", id: name, comment: store?.Comment ?? "", tags: userTags(all), systemTagKeys: systemKeys(all) };
}

/** Public IP -> allocation id, for the Elastic IPs given (EC2 DescribeAddresses); an address not found is absent. */
export async function allocationIds(publicIps: string[]): Promise<Map<string, string>> {
    const out = await call("ec2:DescribeAddresses", `reading Elastic IPs ${publicIps.join(", ")}`, () =>
        ec2().send(new DescribeAddressesCommand({ Filters: [{ Name: "public-ip", Values: publicIps }] })),
    );
    return new Map((out?.Addresses ?? []).filter((a) => a.PublicIp && a.AllocationId).map((a) => [a.PublicIp!, a.AllocationId!]));
}
