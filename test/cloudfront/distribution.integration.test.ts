/**
 * cloudfront.Distribution provider against the local emulator (moto extended
 * with the CloudFront contract): create/read/diff/update, and delete from
 * every starting state.
 */
import {
    CloudFrontClient,
    GetDistributionCommand,
    GetDistributionConfigCommand,
    ListDistributionsCommand,
    ListTagsForResourceCommand,
    TagResourceCommand,
    UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { provider } from "../../provider/cloudfront/distribution/adapter";
import { PENDING_CREATE_TAG } from "../../provider/lifecycle/rules";
import { useEmulator } from "../helpers/emulator";
import { setProviderEnv } from "../helpers/env";

const userConfig = (extra: Record<string, unknown> = {}) => ({
    Origins: {
        Items: [{ Id: "web", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }],
    },
    DefaultCacheBehavior: {
        TargetOriginId: "web",
        ViewerProtocolPolicy: "redirect-to-https",
        CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    ...extra,
});

describe("cloudfront.Distribution provider against the emulator", function () {
    const emu = useEmulator();
    let restoreEnv: () => void = () => undefined;
    let cf: CloudFrontClient;

    before(() => {
        const env = { ...emu().env(), ACKLESS_POLL_MIN_MS: "50", ACKLESS_POLL_MAX_MS: "200" };
        restoreEnv = setProviderEnv(env);
        cf = new CloudFrontClient({
            endpoint: emu().endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
    });
    after(() => {
        restoreEnv();
    });

    async function inputs(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
        const checked = await provider.check(olds, news);
        expect(checked.failures).to.deep.equal([]);
        return checked.inputs as Record<string, any>;
    }
    async function create(news: Record<string, unknown> = { distributionConfig: userConfig(), tags: { team: "web" } }) {
        const ins = await inputs(news);
        const created = await provider.create(ins);
        return { ins, id: created.id, outs: created.outs as Record<string, any> };
    }
    const ops = async () => (await emu().calls()).filter((c) => c.service === "cloudfront").map((c) => c.operation);
    const exists = async (id: string) => {
        try {
            await cf.send(new GetDistributionCommand({ Id: id }));
            return true;
        } catch (err: any) {
            if (err.name === "NoSuchDistribution") return false;
            throw err;
        }
    };

    it("create: CreateDistributionWithTags with the user's tags, waits for Deployed, returns every output", async () => {
        await emu().setConfig({ deploySeconds: 0.5 });
        const { id, outs, ins } = await create();
        expect(await ops()).to.include.members(["CreateDistributionWithTags", "GetDistribution"]);
        expect(outs.status).to.equal("Deployed");
        expect(outs.enabled).to.equal(true);
        expect(outs.arn).to.equal(`arn:aws:cloudfront::123456789012:distribution/${id}`);
        expect(outs.domainName).to.match(/\.cloudfront\.net$/);
        expect(outs.etag).to.be.a("string").and.not.equal("");
        expect(outs.lastModifiedTime).to.match(/^\d{4}-\d\d-\d\dT/);
        expect(outs.tags).to.deep.equal({ team: "web" });
        expect(outs.systemTags).to.deep.equal({});
        expect(outs.distributionConfig).to.deep.equal(ins.distributionConfig);
        expect(ins.distributionConfig.CallerReference).to.match(/^ackless-/);
        expect(ins.distributionConfig.Origins.Quantity).to.equal(1);
        // What a migrating user needs: the alias zone for Route 53, and the CallerReference it was made with.
        expect(outs.hostedZoneId).to.equal("Z2FDTNDATAQYW2");
        const live = await cf.send(new GetDistributionConfigCommand({ Id: id }));
        expect(outs.callerReference).to.equal(live.DistributionConfig!.CallerReference);
    });

    it("set-valued lists declared out of CloudFront's order (which it answers in its own order) show no drift and no update", async () => {
        const config = userConfig({
            DefaultCacheBehavior: {
                TargetOriginId: "web",
                ViewerProtocolPolicy: "redirect-to-https",
                CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                AllowedMethods: { Items: ["OPTIONS", "GET", "HEAD"], CachedMethods: { Items: ["GET", "HEAD"] } },
            },
            CustomErrorResponses: { Items: [{ ErrorCode: 504 }, { ErrorCode: 404, ResponsePagePath: "/404.html", ResponseCode: "404" }] },
        });
        const { id, outs, ins } = await create({ distributionConfig: config });
        // The emulator answers these in a canonical order, not the request's (docs/aws-contract.md).
        const live = await cf.send(new GetDistributionConfigCommand({ Id: id }));
        expect(live.DistributionConfig!.DefaultCacheBehavior!.AllowedMethods!.Items).to.not.deep.equal(["OPTIONS", "GET", "HEAD"]);
        const read = await provider.read(id, outs);
        const d = await provider.diff(id, read.props, ins);
        expect(d.changes, JSON.stringify(d)).to.equal(false);
    });

    it("read after create shows no drift; an out-of-band change shows in diff (in place), a deleted distribution reads as gone", async () => {
        const { id, outs, ins } = await create();
        const read1 = await provider.read(id, outs);
        expect(read1.id).to.equal(id);
        expect(read1.props!.distributionConfig).to.deep.equal(outs.distributionConfig);
        expect((await provider.diff(id, read1.props, ins)).changes).to.equal(false);

        const live = await cf.send(new GetDistributionConfigCommand({ Id: id }));
        await cf.send(
            new UpdateDistributionCommand({
                Id: id,
                IfMatch: live.ETag,
                DistributionConfig: { ...live.DistributionConfig!, Comment: "edited by hand" },
            }),
        );
        const read2 = await provider.read(id, read1.props);
        expect(read2.props!.distributionConfig.Comment).to.equal("edited by hand");
        const d = (await provider.diff(id, read2.props, ins)) as any;
        expect(d.changes).to.equal(true);
        expect(d.changed).to.deep.equal(["distributionConfig.Comment"]);
        expect(d.replaces).to.deep.equal([]);

        await provider.delete(id, outs);
        expect((await provider.read(id, outs)).id).to.equal("");
    });

    it("system tags are read back separately and never sent; a tags-only update never calls UpdateDistribution", async () => {
        const { id, outs, ins } = await create();
        await emu().seedTags({ arn: outs.arn }, { "aws:cloudformation:stack-name": "legacy" });
        const read = await provider.read(id, outs);
        expect(read.props!.tags).to.deep.equal({ team: "web" });
        expect(read.props!.systemTags).to.deep.equal({ "aws:cloudformation:stack-name": "legacy" });

        const news = await inputs({ distributionConfig: userConfig(), tags: { owner: "ops" } }, ins);
        const d = (await provider.diff(id, read.props, news)) as any;
        expect(d.changed).to.deep.equal(["tags"]);
        await emu().resetCalls();
        const updated = await provider.update(id, read.props, news);
        const calls = await ops();
        expect(calls).to.not.include("UpdateDistribution");
        expect(calls).to.include.members(["TagResource", "UntagResource"]);
        expect(updated.outs!.tags).to.deep.equal({ owner: "ops" });
        expect(updated.outs!.systemTags).to.deep.equal({ "aws:cloudformation:stack-name": "legacy" });
        const again = await provider.read(id, updated.outs);
        expect(again.props!.tags).to.deep.equal({ owner: "ops" });
        expect(again.props!.systemTags).to.deep.equal({ "aws:cloudformation:stack-name": "legacy" });
    });

    it("update: a config change goes through GetDistributionConfig + UpdateDistribution(IfMatch), keeps CallerReference, waits for Deployed", async () => {
        await emu().setConfig({ deploySeconds: 0.5 });
        const { id, outs, ins } = await create();
        const news = await inputs({ distributionConfig: userConfig({ Comment: "v2", Aliases: { Items: [] } }), tags: { team: "web" } }, ins);
        expect(news.distributionConfig.CallerReference).to.equal(ins.distributionConfig.CallerReference);
        const d = (await provider.diff(id, outs, news)) as any;
        // Aliases: {Items: []} newly declared equals the live (empty) aliases: owned now, no change.
        expect(d.changed).to.deep.equal(["distributionConfig.Comment"]);
        expect(d.replaces).to.deep.equal([]);
        await emu().resetCalls();
        const updated = await provider.update(id, outs, news);
        const calls = await ops();
        expect(calls.slice(0, 2)).to.deep.equal(["GetDistributionConfig", "UpdateDistribution"]);
        expect(updated.outs!.status).to.equal("Deployed");
        expect(updated.outs!.etag).to.not.equal(outs.etag);
        expect(updated.outs!.distributionConfig.Comment).to.equal("v2");
        const read = await provider.read(id, updated.outs);
        expect((await provider.diff(id, read.props, news)).changes).to.equal(false);
        const live = await cf.send(new GetDistributionConfigCommand({ Id: id }));
        expect(live.DistributionConfig!.CallerReference).to.equal(ins.distributionConfig.CallerReference);
    });

    describe("a create retried after an interrupted one (derived CallerReference)", () => {
        const program = { __identity: "itest/dev//site", distributionConfig: userConfig(), tags: { team: "web" } };
        const liveTags = async (id: string) => {
            const arn = (await cf.send(new GetDistributionCommand({ Id: id }))).Distribution!.ARN!;
            return Object.fromEntries(
                ((await cf.send(new ListTagsForResourceCommand({ Resource: arn }))).Tags?.Items ?? [])
                    .filter((t) => t.Key !== "ackless:incarnation") // lifecycle R2's tag, tested apart
                    .map((t) => [t.Key!, t.Value!]),
            );
        };
        const listed = async () => ((await cf.send(new ListDistributionsCommand({}))).DistributionList!.Items ?? []).map((d) => d.Id);

        it("create again with the same inputs (the retry after a crash) takes over the first distribution: same id, one distribution", async () => {
            await emu().setConfig({ deploySeconds: 0.5 });
            const first = await create(program);
            // The first attempt was killed while the distribution was still deploying: it never
            // got to remove its unfinished-create marker.
            expect(await liveTags(first.id)).to.not.have.property(PENDING_CREATE_TAG);
            await cf.send(
                new TagResourceCommand({
                    Resource: (first.outs as any).arn,
                    Tags: { Items: [{ Key: PENDING_CREATE_TAG, Value: first.ins.distributionConfig.CallerReference }] },
                }),
            );
            await emu().setDistributionStatus(first.id, "InProgress", 0.5);
            // The retry: Pulumi stored nothing, so check runs again without old inputs.
            const again = await inputs(program);
            expect(again.distributionConfig.CallerReference).to.equal(first.ins.distributionConfig.CallerReference);
            await emu().resetCalls();
            const second = await provider.create(again);
            expect(second.id).to.equal(first.id);
            expect(await listed()).to.deep.equal([first.id]);
            const calls = await ops();
            expect(calls.filter((o) => o === "CreateDistributionWithTags").length).to.equal(1); // refused with 409
            expect(calls).to.not.include("UpdateDistribution"); // same configuration: nothing to reconcile
            expect(await liveTags(first.id)).to.deep.equal({ team: "web" }); // the marker is gone
            expect((second.outs as Record<string, any>).status).to.equal("Deployed"); // waited as create does
            expect(calls.filter((o) => o === "GetDistribution").length).to.be.greaterThan(1);
            expect((second.outs as Record<string, any>).tags).to.deep.equal({ team: "web" });
            // Pulumi then manages it as usual: no drift.
            const read = await provider.read(second.id, second.outs);
            expect((await provider.diff(second.id, read.props, again)).changes).to.equal(false);
        });

        it("a finished distribution with the same derived reference (a replacement's original, or another stack's) is never taken over: a new one is made", async () => {
            const first = await create(program);
            await emu().resetCalls();
            const second = await provider.create(await inputs(program));
            expect(second.id).to.not.equal(first.id);
            expect((await listed()).sort()).to.deep.equal([first.id, second.id].sort());
            const live = await cf.send(new GetDistributionConfigCommand({ Id: second.id }));
            expect(live.DistributionConfig!.CallerReference).to.match(/\.1$/);
            // Nothing touched the first one.
            const firstConfig = await cf.send(new GetDistributionConfigCommand({ Id: first.id }));
            expect(firstConfig.ETag).to.equal(first.outs.etag);
        });

        it("the reference's distribution was deleted: the next create walks to <ref>.1; diff and update leave it alone", async () => {
            const first = await create(program);
            await provider.delete(first.id, first.outs);
            const ins = await inputs(program);
            const second = await provider.create(ins);
            const outs = second.outs as Record<string, any>;
            expect(second.id).to.not.equal(first.id);
            expect(await listed()).to.deep.equal([second.id]);
            const live = await cf.send(new GetDistributionConfigCommand({ Id: second.id }));
            expect(live.DistributionConfig!.CallerReference).to.equal(`${ins.distributionConfig.CallerReference}.1`);
            expect(outs.distributionConfig.CallerReference).to.equal(live.DistributionConfig!.CallerReference);
            const next = await inputs({ ...program, distributionConfig: userConfig({ Comment: "v2" }) }, ins);
            const d = (await provider.diff(second.id, outs, next)) as any;
            expect(d.changed).to.deep.equal(["distributionConfig.Comment"]);
            expect(d.replaces).to.deep.equal([]);
            const updated = await provider.update(second.id, outs, next);
            expect(updated.outs!.distributionConfig.Comment).to.equal("v2");
            expect((await cf.send(new GetDistributionConfigCommand({ Id: second.id }))).DistributionConfig!.CallerReference).to.equal(
                live.DistributionConfig!.CallerReference,
            );
        });
    });

    describe("delete from each starting state", () => {
        // The delete's own sequence; its one ListTagsForResource (the incarnation check, lifecycle R2) is tested apart.
        const delOps = async () => (await ops()).filter((o) => o !== "ListTagsForResource");
        const deleteOps = async () => (await delOps()).filter((o) => o !== "GetDistribution");

        it("enabled and Deployed: disable on the live config, wait, delete", async () => {
            const { id, outs } = await create();
            await emu().setConfig({ deploySeconds: 1 });
            await emu().resetCalls();
            await provider.delete(id, outs);
            expect(await deleteOps()).to.deep.equal(["GetDistributionConfig", "UpdateDistribution", "DeleteDistribution"]);
            expect(await exists(id)).to.equal(false);
        });

        it("enabled and InProgress: wait for Deployed first, then disable, wait, delete", async () => {
            const { id, outs } = await create();
            await emu().setDistributionStatus(id, "InProgress", 1);
            await emu().resetCalls();
            await provider.delete(id, outs);
            const calls = await delOps();
            expect(calls[0]).to.equal("GetDistribution");
            expect(calls[1]).to.equal("GetDistribution"); // still waiting before the disable
            expect(calls.filter((o) => o !== "GetDistribution")).to.deep.equal(["GetDistributionConfig", "UpdateDistribution", "DeleteDistribution"]);
            expect(await exists(id)).to.equal(false);
        });

        it("disabled and InProgress (a destroy interrupted after the disable): waits, then deletes without another update", async () => {
            const { id, outs, ins } = await create({ distributionConfig: userConfig({ Enabled: false }) });
            expect(ins.distributionConfig.Enabled).to.equal(false);
            await emu().setDistributionStatus(id, "InProgress", 1);
            await emu().resetCalls();
            await provider.delete(id, outs);
            const calls = await delOps();
            expect(calls.filter((o) => o === "GetDistribution").length).to.be.greaterThan(1);
            expect(await deleteOps()).to.deep.equal(["DeleteDistribution"]);
            expect(await exists(id)).to.equal(false);
        });

        it("disabled and Deployed: deletes at once", async () => {
            const { id, outs } = await create({ distributionConfig: userConfig({ Enabled: false }) });
            await emu().resetCalls();
            await provider.delete(id, outs);
            expect(await delOps()).to.deep.equal(["GetDistribution", "DeleteDistribution"]);
            expect(await exists(id)).to.equal(false);
        });

        it("409 DistributionNotDisabled just after Deployed (as AWS answers) is retried briefly; the delete then succeeds", async () => {
            const { id, outs } = await create();
            await emu().setConfig({ deploySeconds: 0.5, notDisabledSeconds: 1 });
            await emu().resetCalls();
            await provider.delete(id, outs);
            const deletes = (await emu().calls()).filter((c) => c.operation === "DeleteDistribution").map((c) => c.status);
            expect(deletes.length).to.be.greaterThan(1);
            expect(deletes.slice(0, -1).every((status) => status === 409)).to.equal(true);
            expect(deletes[deletes.length - 1]).to.be.within(200, 299);
            expect(await exists(id)).to.equal(false);
        });

        it("already gone: done after one read", async () => {
            const { id, outs } = await create({ distributionConfig: userConfig({ Enabled: false }) });
            await provider.delete(id, outs);
            await emu().resetCalls();
            await provider.delete(id, outs);
            // The lifecycle driver's delete guard (R2) reads the tags first: gone there, nothing else is asked.
            expect(await ops()).to.deep.equal(["ListTagsForResource"]);
        });

        it("a deadline that passes after the disable says where it stopped; the next delete resumes and finishes", async () => {
            const { id, outs } = await create({ distributionConfig: userConfig({ Comment: "keep me", PriceClass: "PriceClass_100" }) });
            const before = await cf.send(new GetDistributionConfigCommand({ Id: id }));
            await emu().setConfig({ deploySeconds: 3600 });
            let error: any;
            try {
                await provider.delete(id, { ...outs, deleteTimeoutMinutes: 0.01 });
            } catch (e) {
                error = e;
            }
            expect(error, "delete should have hit its deadline").to.not.equal(undefined);
            expect(error.message).to.include("deadline (deleteTimeoutMinutes)");
            expect(error.message).to.include("waiting for the disabled distribution to finish deploying");
            expect(error.message).to.include("pulumi destroy");
            // The disable flipped Enabled on the live config and kept everything else.
            const after = await cf.send(new GetDistributionConfigCommand({ Id: id }));
            expect({ ...after.DistributionConfig, Enabled: true }).to.deep.equal(before.DistributionConfig);
            expect(after.DistributionConfig!.Enabled).to.equal(false);

            await emu().setDistributionStatus(id, "InProgress", 1);
            await emu().resetCalls();
            await provider.delete(id, outs);
            expect(await deleteOps()).to.deep.equal(["DeleteDistribution"]);
            expect(await exists(id)).to.equal(false);
        });
    });
});
