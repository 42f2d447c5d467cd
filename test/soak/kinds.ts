/**
 * The resource kinds the soak knows, one entry each: how the soak program
 * declares one from a spec entry, and how the outside world lists, makes,
 * deletes and edits one through the AWS SDK. A new kind is one more entry.
 */
import {
    CloudFrontClient,
    CreateDistributionCommand,
    CreateFunctionCommand,
    CreateKeyValueStoreCommand,
    DeleteDistributionCommand,
    DeleteFunctionCommand,
    DeleteKeyValueStoreCommand,
    DescribeFunctionCommand,
    DescribeKeyValueStoreCommand,
    GetDistributionCommand,
    GetDistributionConfigCommand,
    ListDistributionsCommand,
    ListFunctionsCommand,
    ListKeyValueStoresCommand,
    PublishFunctionCommand,
    TagResourceCommand,
    UpdateDistributionCommand,
    UpdateFunctionCommand,
    UpdateKeyValueStoreCommand,
} from "@aws-sdk/client-cloudfront";
import { CreateNatGatewayCommand, CreateTagsCommand, DeleteNatGatewayCommand, DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";

/** What the outside world acts with. */
export interface World {
    ec2: EC2Client;
    cf: CloudFrontClient;
    /** Two subnets of one VPC: a NAT gateway moving between them is replaced. */
    subnets: string[];
}

export interface SoakKind {
    /** Short name used in operations and `--kinds`. */
    key: string;
    /** The type token's last part: pulumi-nodejs:dynamic/ackless:<typeName>. */
    typeName: string;
    /**
     * JavaScript source of `(e, opts, ctx) => resource`, run by the soak program:
     * `e` is a spec entry (with `adoptId` resolved), `opts` its resource options,
     * `ctx` { subnets, token }; `ec2` and `cloudfront` are in scope.
     */
    declare: string;
    /**
     * The entry declares its AWS identity (a function name, a CallerReference): a
     * second one cannot exist beside it, so `up --replace` (create before delete)
     * and re-creating it after a retained copy left the state are the user's
     * mistake, which ackless refuses with the fix, not a soak operation.
     */
    fixedIdentity(e: { r: number; aliases?: readonly string[]; pub?: boolean }): boolean;
    /** Ids of the live resources of this kind. */
    live(w: World): Promise<string[]>;
    /** Makes one outside Pulumi (as a console user would), ready to adopt; returns its id. */
    create(w: World, handle: string): Promise<string>;
    remove(w: World, id: string): Promise<void>;
    /** Changes a field Pulumi manages, outside Pulumi. */
    editField(w: World, id: string): Promise<void>;
    /** Changes and adds user tags outside Pulumi. */
    editTags(w: World, id: string): Promise<void>;
    /**
     * The replacement generation (`r`) an entry adopting `id` declares so that its fields that cannot change match the
     * resource (a NAT gateway's subnet); none when generation 0 always matches.
     */
    adoptGeneration?(w: World, id: string): Promise<number>;
}

const CODE = "function handler(event) { return event.request; }";
const enc = (s: string) => new TextEncoder().encode(s);

/** Retries `fn` while AWS may not show a new resource yet (the emulator's eventual-consistency switch). */
export async function settled<T>(fn: () => Promise<T>, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
        try {
            return await fn();
        } catch (err) {
            if (Date.now() > deadline || !/NotFound|NoSuch/i.test(String((err as any)?.name ?? err))) throw err;
            await new Promise((r) => setTimeout(r, 100));
        }
    }
}

/** The tags a console user changes and adds on a CloudFront resource (a function, a distribution, a key value store). */
async function tagOutside(w: World, arn: string): Promise<void> {
    const Items = [
        { Key: "soak", Value: "oob" },
        { Key: "oob", Value: "1" },
    ];
    await w.cf.send(new TagResourceCommand({ Resource: arn, Tags: { Items } }));
}

async function waitDeployed(cf: CloudFrontClient, id: string): Promise<string> {
    const deadline = Date.now() + 60_000;
    for (;;) {
        const d = await settled(() => cf.send(new GetDistributionCommand({ Id: id })));
        if (d.Distribution?.Status === "Deployed") return d.ETag!;
        if (Date.now() > deadline) throw new Error(`distribution ${id} never Deployed`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

const nat: SoakKind = {
    key: "nat",
    typeName: "NatGateway",
    // Every gateway's identity is derived: a targeted replace of a public one, renamed or not, finds its original
    // (test/soak/repros/taint-renamed-public-nat.json).
    fixedIdentity: () => false,
    // A private gateway's secondary private addresses change in place with the entry's version (0, 1 or 2 of them);
    // a public one (Entry.pub) has the Elastic IP the runner gave it (`e.eip`), so its replacement deletes first.
    declare: `(e, opts, ctx) => new ec2.NatGateway(e.name, {
        subnetId: ctx.subnets[e.r % 2], tags: { soak: "t" + e.tag },
        ...(e.eip ? { connectivityType: "public", allocationId: e.eip }
                  : { connectivityType: "private", secondaryPrivateIpAddressCount: e.v % 3 }),
        ...(e.adoptId ? { adopt: { id: e.adoptId } } : {}) }, opts)`,
    async live(w) {
        const out = await w.ec2.send(new DescribeNatGatewaysCommand({}));
        return (out.NatGateways ?? []).filter((g) => g.State !== "deleted" && g.State !== "deleting").map((g) => g.NatGatewayId!);
    },
    async create(w) {
        const made = await w.ec2.send(new CreateNatGatewayCommand({ SubnetId: w.subnets[0], ConnectivityType: "private" }));
        return made.NatGateway!.NatGatewayId!;
    },
    async remove(w, id) {
        await w.ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
    },
    async adoptGeneration(w, id) {
        const out = await settled(() => w.ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })));
        const at = w.subnets.indexOf(out.NatGateways?.[0]?.SubnetId ?? "");
        if (at < 0) throw new Error(`NAT gateway ${id} is in none of the soak's subnets`);
        return at;
    },
    async editField(w, id) {
        // A NAT gateway has no field that changes in place: its tags are what a console user edits.
        await this.editTags(w, id);
    },
    async editTags(w, id) {
        await w.ec2.send(
            new CreateTagsCommand({
                Resources: [id],
                Tags: [
                    { Key: "soak", Value: "oob" },
                    { Key: "oob", Value: "1" },
                ],
            }),
        );
    },
};

const fn: SoakKind = {
    key: "fn",
    typeName: "Function",
    fixedIdentity: (e) => e.r > 0,
    declare: `(e, opts, ctx) => new cloudfront.Function(e.name, {
        ...(e.r > 0 ? { name: ctx.token + "-" + e.key + "-" + e.r } : {}),
        code: "function handler(event) { /* v" + e.v + " */ return event.request; }",
        comment: "v" + e.v, tags: { soak: "t" + e.tag },
        ...(e.adoptId ? { adopt: { id: e.adoptId } } : {}) }, opts)`,
    async live(w) {
        const out = await w.cf.send(new ListFunctionsCommand({ Stage: "DEVELOPMENT", MaxItems: 1000 }));
        return (out.FunctionList?.Items ?? []).map((f) => f.Name!);
    },
    async create(w, handle) {
        const name = `oob-${handle}`;
        const made = await w.cf.send(
            new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "v1", Runtime: "cloudfront-js-2.0" }, FunctionCode: enc(CODE) }),
        );
        await settled(() => w.cf.send(new PublishFunctionCommand({ Name: name, IfMatch: made.ETag })));
        return name;
    },
    async remove(w, id) {
        const d = await settled(() => w.cf.send(new DescribeFunctionCommand({ Name: id })));
        await w.cf.send(new DeleteFunctionCommand({ Name: id, IfMatch: d.ETag }));
    },
    async editField(w, id) {
        // Changed in DEVELOPMENT and never published: LIVE now differs (drift the next refresh sees).
        const d = await settled(() => w.cf.send(new DescribeFunctionCommand({ Name: id, Stage: "DEVELOPMENT" })));
        await w.cf.send(
            new UpdateFunctionCommand({
                Name: id,
                IfMatch: d.ETag,
                FunctionConfig: { Comment: "edited outside", Runtime: d.FunctionSummary?.FunctionConfig?.Runtime ?? "cloudfront-js-2.0" },
                FunctionCode: enc("function handler(event) { /* outside */ return event.request; }"),
            }),
        );
    },
    async editTags(w, id) {
        const d = await settled(() => w.cf.send(new DescribeFunctionCommand({ Name: id })));
        const arn = d.FunctionSummary!.FunctionMetadata!.FunctionARN!;
        await tagOutside(w, arn);
    },
};

const dist: SoakKind = {
    key: "dist",
    typeName: "Distribution",
    fixedIdentity: (e) => e.r > 0,
    declare: `(e, opts, ctx) => new cloudfront.Distribution(e.name, {
        distributionConfig: {
            ...(e.r > 0 ? { CallerReference: ctx.token + "-" + e.key + "-" + e.r } : {}),
            Comment: "v" + e.v,
            Origins: { Items: [{ Id: "o", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
            DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        },
        tags: { soak: "t" + e.tag },
        ...(e.adoptId ? { adopt: { id: e.adoptId } } : {}) }, opts)`,
    async live(w) {
        const out = await w.cf.send(new ListDistributionsCommand({ MaxItems: 1000 }));
        return (out.DistributionList?.Items ?? []).map((d) => d.Id!);
    },
    async create(w, handle) {
        const made = await w.cf.send(
            new CreateDistributionCommand({
                DistributionConfig: {
                    CallerReference: `oob-${handle}`,
                    Comment: "made outside",
                    Enabled: true,
                    Origins: {
                        Quantity: 1,
                        Items: [
                            {
                                Id: "o",
                                DomainName: "example.com",
                                CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
                            },
                        ],
                    },
                    DefaultCacheBehavior: {
                        TargetOriginId: "o",
                        ViewerProtocolPolicy: "redirect-to-https",
                        CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                    },
                },
            }),
        );
        const id = made.Distribution!.Id!;
        await waitDeployed(w.cf, id);
        return id;
    },
    async remove(w, id) {
        const cfg = await settled(() => w.cf.send(new GetDistributionConfigCommand({ Id: id })));
        let etag = cfg.ETag;
        if (cfg.DistributionConfig!.Enabled) {
            const off = await w.cf.send(
                new UpdateDistributionCommand({ Id: id, IfMatch: cfg.ETag, DistributionConfig: { ...cfg.DistributionConfig!, Enabled: false } }),
            );
            etag = off.ETag;
        }
        await waitDeployed(w.cf, id);
        await w.cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: etag }));
    },
    async editField(w, id) {
        const cfg = await settled(() => w.cf.send(new GetDistributionConfigCommand({ Id: id })));
        await w.cf.send(
            new UpdateDistributionCommand({
                Id: id,
                IfMatch: cfg.ETag,
                DistributionConfig: { ...cfg.DistributionConfig!, Comment: "edited outside" },
            }),
        );
    },
    async editTags(w, id) {
        const d = await settled(() => w.cf.send(new GetDistributionCommand({ Id: id })));
        await tagOutside(w, d.Distribution!.ARN!);
    },
};

const kvs: SoakKind = {
    key: "kvs",
    typeName: "KeyValueStore",
    fixedIdentity: (e) => e.r > 0,
    declare: `(e, opts, ctx) => new cloudfront.KeyValueStore(e.name, {
        ...(e.r > 0 ? { name: ctx.token + "-" + e.key + "-" + e.r } : {}),
        comment: "v" + e.v, items: { k: "v" + e.v }, tags: { soak: "t" + e.tag },
        ...(e.adoptId ? { adopt: { id: e.adoptId } } : {}) }, opts)`,
    async live(w) {
        const out = await w.cf.send(new ListKeyValueStoresCommand({ MaxItems: 100 }));
        return (out.KeyValueStoreList?.Items ?? []).map((k) => k.Name!);
    },
    async create(w, handle) {
        const name = `oob-${handle}`;
        await w.cf.send(new CreateKeyValueStoreCommand({ Name: name, Comment: "made outside" }));
        return name;
    },
    async remove(w, id) {
        const d = await settled(() => w.cf.send(new DescribeKeyValueStoreCommand({ Name: id })));
        await w.cf.send(new DeleteKeyValueStoreCommand({ Name: id, IfMatch: d.ETag }));
    },
    async editField(w, id) {
        const d = await settled(() => w.cf.send(new DescribeKeyValueStoreCommand({ Name: id })));
        await w.cf.send(new UpdateKeyValueStoreCommand({ Name: id, Comment: "edited outside", IfMatch: d.ETag }));
    },
    async editTags(w, id) {
        const d = await settled(() => w.cf.send(new DescribeKeyValueStoreCommand({ Name: id })));
        await tagOutside(w, d.KeyValueStore!.ARN!);
    },
};

/** Every kind, in `--kinds` order. */
export const KINDS: readonly SoakKind[] = [nat, fn, dist, kvs];

export function kindByKey(key: string): SoakKind {
    const k = KINDS.find((x) => x.key === key);
    if (!k) throw new Error(`unknown kind "${key}": one of ${KINDS.map((x) => x.key).join(", ")}`);
    return k;
}

export function kindByType(type: string): SoakKind | undefined {
    return KINDS.find((k) => type === `pulumi-nodejs:dynamic/ackless:${k.typeName}` || type.endsWith(`:${k.typeName}`));
}

/** The soak program (JavaScript), declaring every entry of config `spec` with the kinds given. */
export function soakProgram(kinds: readonly SoakKind[]): string {
    return `
const pulumi = require("@pulumi/pulumi");
const { cloudfront, ec2 } = require("ackless");
const c = new pulumi.Config();
const ctx = { subnets: JSON.parse(c.require("subnets")), token: c.require("token") };
const declare = {
${kinds.map((k) => `    ${k.key}: ${k.declare},`).join("\n")}
};
const out = {};
for (const e of JSON.parse(c.get("spec") || "[]")) {
    const opts = { protect: e.protect, retainOnDelete: e.retain, aliases: e.aliases.map((name) => ({ name })) };
    out[e.name] = declare[e.kind](e, opts, ctx).id;
}
module.exports = out;
`;
}
