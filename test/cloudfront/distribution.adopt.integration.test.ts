/**
 * cloudfront.Distribution adoption against the emulator (provider methods
 * called directly): a distribution made outside Pulumi, carrying `aws:` tags,
 * is adopted and reconciled without touching its system tags; a missing id
 * fails (mode adopt) or is created (adopt-or-create).
 */
import {
    CreateDistributionCommand,
    CreateOriginAccessControlCommand,
    GetDistributionConfigCommand,
    ListTagsForResourceCommand,
    TagResourceCommand,
    UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { provider } from "../../provider/cloudfront/distribution/adapter";
import { fromKeyValueList } from "../../provider/common/tags";
import { useEmulator } from "../helpers/emulator";
import { clients, createDistribution, createPublishedFunction, waitDeployed } from "../emulator/fixtures";
import { setProviderEnv } from "../helpers/env";

const SYSTEM = { "aws:cloudformation:stack-name": "legacy", "aws:cloudformation:logical-id": "Cdn", "AWS:createdBy": "console" };

/** The config the program declares: the fixture's, with another comment. */
const declared = (extra: Record<string, unknown> = {}) => ({
    Comment: "managed by pulumi",
    Origins: {
        Items: [
            { Id: "origin", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } },
        ],
    },
    DefaultCacheBehavior: {
        TargetOriginId: "origin",
        ViewerProtocolPolicy: "redirect-to-https",
        CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    ...extra,
});

/** Captures progress messages (ACKLESS_DEBUG writes them to stderr outside the engine). */
async function captureLog<T>(fn: () => Promise<T>): Promise<{ result: T; log: string }> {
    const write = process.stderr.write.bind(process.stderr);
    let log = "";
    (process.stderr as any).write = (chunk: any, ...rest: any[]) => {
        log += String(chunk);
        return write(chunk, ...rest);
    };
    try {
        return { result: await fn(), log };
    } finally {
        (process.stderr as any).write = write;
    }
}

describe("cloudfront.Distribution adopt (integration, emulator)", function () {
    const emu = useEmulator();
    const cf = () => clients(emu()).cf;
    let restoreEnv: () => void = () => undefined;

    beforeEach(() => {
        const env = { ...emu().env(), ACKLESS_POLL_MIN_MS: "20", ACKLESS_POLL_MAX_MS: "50", ACKLESS_DEBUG: "1" };
        restoreEnv = setProviderEnv(env);
    });
    afterEach(() => {
        restoreEnv();
    });

    const ops = async () => (await emu().calls()).filter((c) => c.service === "cloudfront").map((c) => c.operation);
    /** The distribution's tags, ackless's own bookkeeping tags (lifecycle.ts) left out. */
    const liveTags = async (arn: string) =>
        Object.fromEntries(
            Object.entries(fromKeyValueList((await cf().send(new ListTagsForResourceCommand({ Resource: arn }))).Tags?.Items)).filter(
                ([k]) => !k.startsWith("ackless:"),
            ),
        );

    /** A distribution made outside Pulumi: user tags team/keep, and aws: tags seeded. */
    async function outsider() {
        const d = await createDistribution(cf());
        await waitDeployed(cf(), d.id);
        await cf().send(
            new TagResourceCommand({
                Resource: d.arn,
                Tags: {
                    Items: [
                        { Key: "team", Value: "old" },
                        { Key: "keep", Value: "x" },
                    ],
                },
            }),
        );
        await emu().seedTags({ arn: d.arn }, SYSTEM);
        const live = await cf().send(new GetDistributionConfigCommand({ Id: d.id }));
        return { ...d, callerReference: live.DistributionConfig!.CallerReference! };
    }

    it("adopt of a missing id fails at check and in create, creating nothing", async () => {
        const news = { distributionConfig: declared(), adopt: { id: "E0000000MISSING" } };
        const checked = await provider.check({}, news);
        expect(checked.failures!.map((f) => f.property)).to.deep.equal(["adopt"]);
        expect(checked.failures![0].reason).to.include("CloudFront distribution E0000000MISSING does not exist").and.include("nothing was created");
        let error: Error | undefined;
        try {
            await provider.create(checked.inputs);
        } catch (err) {
            error = err as Error;
        }
        expect(error?.message).to.match(/adopt: CloudFront distribution E0000000MISSING does not exist/);
        expect((await ops()).filter((o) => o.startsWith("CreateDistribution"))).to.deep.equal([]);
    });

    it("adopt-or-create of a missing id creates a distribution (with a generated CallerReference)", async () => {
        const { result: checked, log } = await captureLog(() =>
            provider.check({}, { distributionConfig: declared(), tags: { team: "web" }, adopt: { id: "E0000000MISSING", mode: "adopt-or-create" } }),
        );
        expect(checked.failures).to.deep.equal([]);
        expect(log).to.include("E0000000MISSING does not exist; adopt-or-create will create it");
        const { id, outs } = await provider.create(checked.inputs);
        expect(id).to.not.equal("E0000000MISSING");
        expect((await ops()).filter((o) => o.startsWith("CreateDistribution"))).to.have.length(1);
        const live = await cf().send(new GetDistributionConfigCommand({ Id: id }));
        expect(live.DistributionConfig!.CallerReference).to.match(/^ackless-/);
        expect(outs.tags).to.deep.equal({ team: "web" });
    });

    it("keeps the live fields the program never declared; resets a field the program stops declaring", async () => {
        const d = await outsider();
        // Someone set a top-level field the program will not declare.
        const before = await cf().send(new GetDistributionConfigCommand({ Id: d.id }));
        await cf().send(
            new UpdateDistributionCommand({
                Id: d.id,
                IfMatch: before.ETag,
                DistributionConfig: { ...before.DistributionConfig!, DefaultRootObject: "index.html" },
            }),
        );
        await waitDeployed(cf(), d.id);

        const checked = await provider.check({}, { distributionConfig: declared(), adopt: { id: d.id } });
        const adopted = await provider.create(checked.inputs);
        let live = (await cf().send(new GetDistributionConfigCommand({ Id: d.id }))).DistributionConfig!;
        expect(live.Comment).to.equal("managed by pulumi");
        expect(live.DefaultRootObject).to.equal("index.html");

        // Declared, then no longer declared: CloudFront's default comes back.
        const news2 = (await provider.check(adopted.outs, { distributionConfig: declared({ DefaultRootObject: "home.html" }) })).inputs;
        const updated = await provider.update(d.id, adopted.outs, news2);
        live = (await cf().send(new GetDistributionConfigCommand({ Id: d.id }))).DistributionConfig!;
        expect(live.DefaultRootObject).to.equal("home.html");
        const news3 = (await provider.check(news2, { distributionConfig: declared() })).inputs;
        await provider.update(d.id, updated.outs, news3);
        live = (await cf().send(new GetDistributionConfigCommand({ Id: d.id }))).DistributionConfig!;
        expect(live.DefaultRootObject ?? "").to.equal("");
    });

    it("field ownership: adopting a distribution with an S3 origin with OAC, function associations, trusted key groups and a response-headers policy keeps them all through sibling changes; drift only in owned fields", async () => {
        const fnArn = (await createPublishedFunction(cf())).arn;
        const other = (await createPublishedFunction(cf())).arn;
        const oac = await cf().send(
            new CreateOriginAccessControlCommand({
                OriginAccessControlConfig: {
                    Name: `oac-${Date.now()}`,
                    SigningProtocol: "sigv4",
                    SigningBehavior: "always",
                    OriginAccessControlOriginType: "s3",
                },
            }),
        );
        const oacId = oac.OriginAccessControl!.Id!;
        const s3 = { Id: "s3", DomainName: "bucket.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } };
        const made = await cf().send(
            new CreateDistributionCommand({
                DistributionConfig: {
                    CallerReference: `outside-${Date.now()}`,
                    Comment: "made in the console",
                    Enabled: true,
                    Origins: {
                        Quantity: 2,
                        Items: [
                            {
                                Id: "origin",
                                DomainName: "example.com",
                                CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
                            },
                            { ...s3, OriginAccessControlId: oacId },
                        ],
                    },
                    DefaultCacheBehavior: {
                        TargetOriginId: "origin",
                        ViewerProtocolPolicy: "allow-all",
                        CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                        TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: ["KG1"] },
                        ResponseHeadersPolicyId: "RHP1",
                        FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: fnArn }] },
                    },
                },
            }),
        );
        const id = made.Distribution!.Id!;
        await waitDeployed(cf(), id);
        const live = async () => (await cf().send(new GetDistributionConfigCommand({ Id: id }))).DistributionConfig!;
        const undeclaredSurvived = async () => {
            const b = (await live()).DefaultCacheBehavior!;
            expect(b.TrustedKeyGroups?.Items).to.deep.equal(["KG1"]);
            expect(b.ResponseHeadersPolicyId).to.equal("RHP1");
            expect(b.FunctionAssociations?.Items?.map((a) => a.FunctionARN)).to.deep.equal([fnArn]);
            // The S3 origin is declared without its origin access control: it keeps it.
            const origin = (await live()).Origins!.Items!.find((o) => o.Id === "s3")!;
            expect(origin.OriginAccessControlId).to.equal(oacId);
            expect(origin.S3OriginConfig).to.not.equal(undefined);
            return b;
        };
        // The program declares both origins (the S3 one without OriginAccessControlId) and
        // DefaultCacheBehavior with another ViewerProtocolPolicy only.
        const program = (viewer: string) =>
            declared({
                Origins: { Items: [...declared().Origins.Items, s3] },
                DefaultCacheBehavior: { ...declared().DefaultCacheBehavior, ViewerProtocolPolicy: viewer },
            });
        const { result: checked, log } = await captureLog(() =>
            provider.check({}, { distributionConfig: program("redirect-to-https"), adopt: { id } }),
        );
        expect(checked.failures).to.deep.equal([]);
        expect(log).to.include("UpdateDistribution of distributionConfig.Comment, distributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy");
        const adopted = await provider.create(checked.inputs);
        expect((await undeclaredSurvived()).ViewerProtocolPolicy).to.equal("redirect-to-https");
        expect(adopted.outs.__owned)
            .to.include("DefaultCacheBehavior.ViewerProtocolPolicy")
            .and.not.include("DefaultCacheBehavior.ResponseHeadersPolicyId");
        let read = await provider.read(id, adopted.outs);
        expect((await provider.diff(id, read.props!, checked.inputs)).changes).to.equal(false);

        // A sibling change: still nothing undeclared lost; the next diff is clean.
        const news = (await provider.check(checked.inputs, { distributionConfig: program("https-only") })).inputs;
        const d = (await provider.diff(id, read.props!, news)) as any;
        expect(d.changed).to.deep.equal(["distributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy"]);
        const updated = await provider.update(id, read.props!, news);
        expect((await undeclaredSurvived()).ViewerProtocolPolicy).to.equal("https-only");
        read = await provider.read(id, updated.outs);
        expect((await provider.diff(id, read.props!, news)).changes).to.equal(false);

        // Declaring a field with the value it already has: owned from now on, and no UpdateDistribution.
        const same = (await provider.check(news, { distributionConfig: declared({ ...program("https-only"), DefaultRootObject: "" }) })).inputs;
        await emu().resetCalls();
        const owning = await provider.update(id, read.props!, same);
        expect(await ops()).to.not.include("UpdateDistribution");
        expect(owning.outs!.__owned).to.include("DefaultRootObject");
        read = await provider.read(id, owning.outs);
        expect((await provider.diff(id, read.props!, same)).changes).to.equal(false);

        // Out of band: a change to a never-declared field is no drift; to an owned nested one it is.
        const cur = await cf().send(new GetDistributionConfigCommand({ Id: id }));
        const cfg = cur.DistributionConfig!;
        const b = cfg.DefaultCacheBehavior!;
        b.FunctionAssociations = { Quantity: 2, Items: [...b.FunctionAssociations!.Items!, { EventType: "viewer-response", FunctionARN: other }] };
        await cf().send(new UpdateDistributionCommand({ Id: id, IfMatch: cur.ETag, DistributionConfig: cfg }));
        read = await provider.read(id, read.props!);
        expect((await provider.diff(id, read.props!, same)).changes).to.equal(false);
        const cur2 = await cf().send(new GetDistributionConfigCommand({ Id: id }));
        await cf().send(
            new UpdateDistributionCommand({
                Id: id,
                IfMatch: cur2.ETag,
                DistributionConfig: {
                    ...cur2.DistributionConfig!,
                    DefaultCacheBehavior: { ...cur2.DistributionConfig!.DefaultCacheBehavior!, ViewerProtocolPolicy: "allow-all" },
                },
            }),
        );
        read = await provider.read(id, read.props!);
        expect(((await provider.diff(id, read.props!, same)) as any).changed).to.deep.equal([
            "distributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy",
        ]);
        // Restoring it keeps both associations (the second was never declared).
        await provider.update(id, read.props!, same);
        expect((await live()).DefaultCacheBehavior!.FunctionAssociations!.Items!.map((a) => a.EventType).sort()).to.deep.equal([
            "viewer-request",
            "viewer-response",
        ]);
    });

    it("adopts a distribution made outside Pulumi: config and user tags reconciled, aws: tags untouched; then managed like any other", async () => {
        const d = await outsider();
        await emu().resetCalls();
        const news = { distributionConfig: declared(), tags: { team: "web", owner: "me" }, adopt: { id: d.id } };

        // Preview: a read-only look, logged.
        const { result: checked, log } = await captureLog(() => provider.check({}, news));
        expect(checked.failures).to.deep.equal([]);
        expect(log).to.include(`CloudFront distribution: will adopt ${d.id}: changes: UpdateDistribution of distributionConfig.Comment`);
        expect(log).to.include("tags: ~team=web, +owner=me, -keep");
        expect(checked.inputs.distributionConfig).to.not.have.property("CallerReference");
        expect((await ops()).filter((o) => ["UpdateDistribution", "TagResource", "UntagResource"].includes(o))).to.deep.equal([]);

        // Up: adopt in create.
        const { id, outs } = await provider.create(checked.inputs);
        expect(id).to.equal(d.id);
        const calls = await ops();
        expect(calls.filter((o) => o.startsWith("CreateDistribution"))).to.deep.equal([]);
        expect(calls.filter((o) => o === "UpdateDistribution")).to.have.length(1);
        const live = await cf().send(new GetDistributionConfigCommand({ Id: d.id }));
        expect(live.DistributionConfig!.Comment).to.equal("managed by pulumi");
        expect(live.DistributionConfig!.CallerReference).to.equal(d.callerReference);
        expect(await liveTags(d.arn)).to.deep.equal({ ...SYSTEM, team: "web", owner: "me" });
        expect(outs.tags).to.deep.equal({ team: "web", owner: "me" });
        expect(outs.systemTags).to.deep.equal(SYSTEM);
        expect(outs.status).to.equal("Deployed");

        // Next run: check with olds drops adopt and generates no CallerReference; no diff.
        const again = await provider.check(checked.inputs, news);
        expect(again.failures).to.deep.equal([]);
        expect(again.inputs).to.not.have.property("adopt");
        expect(again.inputs.distributionConfig).to.not.have.property("CallerReference");
        expect((await provider.diff(id, outs, again.inputs)).changes).to.equal(false);
        // Removing or changing adopt: no diff either.
        const removed = await provider.check(checked.inputs, { ...news, adopt: undefined });
        expect((await provider.diff(id, outs, removed.inputs)).changes).to.equal(false);
        const changed = await provider.check(checked.inputs, { ...news, adopt: { id: "EOTHER", mode: "adopt-or-create" } });
        expect((await provider.diff(id, outs, changed.inputs)).changes).to.equal(false);

        // Change one user tag: only that tag changes, aws: tags stay.
        const news2 = await provider.check(checked.inputs, { ...news, tags: { team: "platform", owner: "me" } });
        const diff = await provider.diff(id, outs, news2.inputs);
        expect(diff).to.include({ changes: true });
        expect(diff.replaces).to.deep.equal([]);
        await emu().resetCalls();
        const updated = await provider.update(id, outs, news2.inputs);
        expect(await ops()).to.not.include("UpdateDistribution");
        expect(await liveTags(d.arn)).to.deep.equal({ ...SYSTEM, team: "platform", owner: "me" });
        expect(updated.outs!.systemTags).to.deep.equal(SYSTEM);
        const read = await provider.read(id, updated.outs);
        expect(read.props!.systemTags).to.deep.equal(SYSTEM);
        expect((await provider.diff(id, read.props!, news2.inputs)).changes).to.equal(false);
    });

    it("adopting a distribution that already matches sends no UpdateDistribution and no tag call", async () => {
        const d = await outsider();
        const live = await cf().send(new GetDistributionConfigCommand({ Id: d.id }));
        const news = {
            distributionConfig: declared({ Comment: live.DistributionConfig!.Comment }),
            tags: { team: "old", keep: "x" },
            adopt: { id: d.id },
        };
        const { result: checked, log } = await captureLog(() => provider.check({}, news));
        expect(log).to.include(`will adopt ${d.id}: no changes`);
        await emu().resetCalls();
        const { outs } = await provider.create(checked.inputs);
        // Only the adoption's incarnation tag is written (lifecycle R2): no configuration or user-tag change.
        // Only the adoption's incarnation tag is written (lifecycle R2): no configuration or user-tag change.
        expect((await ops()).filter((o) => ["UpdateDistribution", "TagResource", "UntagResource"].includes(o))).to.deep.equal(["TagResource"]);
        const tagged = (await emu().calls()).filter((c) => c.operation === "TagResource");
        expect(tagged).to.have.length(1);
        expect(outs.systemTags).to.deep.equal(SYSTEM);
    });

    it("a declared CallerReference other than the live one, a bad adopt, or an aws: tag fail at check naming the field", async () => {
        const d = await outsider();
        const r = await provider.check({}, { distributionConfig: declared({ CallerReference: "mine" }), adopt: { id: d.id } });
        expect(r.failures!.map((f) => f.property)).to.deep.equal(["distributionConfig"]);
        expect(r.failures![0].reason).to.include("distributionConfig.CallerReference").and.include(d.callerReference);
        const bad = await provider.check({}, { distributionConfig: declared(), adopt: { mode: "adopt" } });
        expect(bad.failures!.map((f) => f.reason)).to.deep.equal([
            "adopt.id is required: a CloudFront distribution id (E...) of the existing resource to take over",
        ]);
        const tag = await provider.check({}, { distributionConfig: declared(), tags: { "aws:cloudformation:stack-name": "x" }, adopt: { id: d.id } });
        expect(tag.failures!.map((f) => f.property)).to.deep.equal(["tags"]);
        expect(tag.failures![0].reason).to.include('"aws:cloudformation:stack-name"');
    });
});
