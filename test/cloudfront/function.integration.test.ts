// cloudfront.Function provider against the emulator: every stage transition
// (create/publish, update/publish, drift, publish toggles, delete in use).
import {
    DeleteDistributionCommand,
    DeleteFunctionCommand,
    DescribeFunctionCommand,
    GetDistributionConfigCommand,
    GetFunctionCommand,
    ListFunctionsCommand,
    ListTagsForResourceCommand,
    PublishFunctionCommand,
    UpdateDistributionCommand,
    UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { provider } from "../../provider/cloudfront/function/adapter";
import type { FunctionOutputs } from "../../provider/cloudfront/function/types";
import type { FieldDiff } from "../../provider/common/diff";
import { useEmulator } from "../helpers/emulator";
import { clients, code, createDistribution, expectAwsError, text, unique, waitDeployed } from "../emulator/fixtures";
import { setProviderEnv } from "../helpers/env";
import { forgetClaims } from "../../provider/lifecycle/rules";

const V1 = "function handler(event) { return event.request; }";
const V2 = "function handler(event) { var r = event.request; r.uri = '/v2'; return r; }";
const V3 = "function handler(event) { return { statusCode: 302 }; }";

describe("cloudfront.Function provider against the emulator", function () {
    const emu = useEmulator();
    const cf = () => clients(emu()).cf;
    let restoreEnv: () => void = () => undefined;

    beforeEach(() => {
        const env = { ...emu().env(), ACKLESS_POLL_MIN_MS: "20", ACKLESS_POLL_MAX_MS: "50", ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS: "1500" };
        restoreEnv = setProviderEnv(env);
    });
    afterEach(() => {
        restoreEnv();
    });

    async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
        const r = await provider.check(olds, news);
        expect(r.failures).to.deep.equal([]);
        return r.inputs as any;
    }
    async function createFn(extra: Record<string, unknown> = {}) {
        const inputs = await checked({ name: unique("fn"), code: V1, comment: "c1", ...extra });
        const created = await provider.create(inputs);
        return { inputs, id: created.id, outs: created.outs as FunctionOutputs };
    }
    const stage = async (name: string, Stage: "DEVELOPMENT" | "LIVE") => {
        const d = await cf().send(new DescribeFunctionCommand({ Name: name, Stage }));
        const g = await cf().send(new GetFunctionCommand({ Name: name, Stage }));
        return { etag: d.ETag!, code: text(g.FunctionCode), comment: d.FunctionSummary!.FunctionConfig!.Comment, status: d.FunctionSummary!.Status };
    };
    /** diff with its `changed` list (the provider's DiffResult type does not declare it). */
    const diffOf = async (id: string, olds: any, news: any) => (await provider.diff(id, olds, news)) as FieldDiff;
    const ops = async () => (await emu().calls()).filter((c) => c.service === "cloudfront").map((c) => c.operation);

    it("create publishes at once: DEVELOPMENT and LIVE hold the code, outputs carry both ETags and the user tags", async () => {
        const { id, outs } = await createFn({ tags: { team: "edge" } });
        const dev = await stage(id, "DEVELOPMENT");
        const live = await stage(id, "LIVE");
        expect(live.code).to.equal(V1);
        expect(dev.code).to.equal(V1);
        expect(outs).to.include({ name: id, etag: dev.etag, liveEtag: live.etag, published: true, status: "UNASSOCIATED", code: V1 });
        expect(outs.arn).to.equal(`arn:aws:cloudfront::123456789012:function/${id}`);
        const tags = await cf().send(new ListTagsForResourceCommand({ Resource: outs.arn }));
        // The user's tags, and this incarnation (lifecycle R2: functions take tags since 2026).
        expect(tags.Tags!.Items).to.deep.equal([
            { Key: "team", Value: "edge" },
            { Key: "ackless:incarnation", Value: outs.incarnation },
        ]);
        const read = await provider.read(id, outs);
        expect(read.id).to.equal(id);
        expect(read.props).to.deep.include({ etag: dev.etag, liveEtag: live.etag, published: true, tags: { team: "edge" }, systemTags: {} });
        expect((await diffOf(id, read.props, outs)).changes).to.equal(false);
    });

    it("create with publish=false leaves LIVE absent; turning publish on publishes", async () => {
        const { id, inputs, outs } = await createFn({ publish: false });
        expect(outs).to.include({ published: false, liveEtag: "", status: "UNPUBLISHED" });
        await expectAwsError(cf().send(new DescribeFunctionCommand({ Name: id, Stage: "LIVE" })), "NoSuchFunctionExists", 404);
        const read = await provider.read(id, outs);
        expect(read.props).to.include({ published: false, liveEtag: "" });
        const news = await checked({ ...inputs, publish: true }, inputs);
        const d = await diffOf(id, read.props, news);
        expect(d.changes).to.equal(true);
        const upd = await provider.update(id, read.props, news);
        expect((await stage(id, "LIVE")).code).to.equal(V1);
        expect(upd.outs).to.include({ published: true, liveEtag: (await stage(id, "LIVE")).etag, etag: (await stage(id, "DEVELOPMENT")).etag });
    });

    it("a code update changes DEVELOPMENT and publishes it; outputs match both stages", async () => {
        const { id, inputs, outs } = await createFn();
        const news = await checked({ ...inputs, code: V2, comment: "c2" }, inputs);
        const d = await diffOf(id, outs, news);
        expect(d).to.deep.include({ changes: true, replaces: [] });
        expect(d.changed).to.have.members(["code", "comment"]);
        const upd = await provider.update(id, outs, news);
        const dev = await stage(id, "DEVELOPMENT");
        const live = await stage(id, "LIVE");
        expect(dev).to.include({ code: V2, comment: "c2" });
        expect(live).to.include({ code: V2, comment: "c2" });
        expect(upd.outs).to.include({ etag: dev.etag, liveEtag: live.etag, published: true, code: V2 });
        const read = await provider.read(id, upd.outs);
        expect((await diffOf(id, read.props, news)).changes).to.equal(false);
    });

    it("a code update works when DEVELOPMENT's ETag moved since the last read (fresh ETag, no 412)", async () => {
        const { id, inputs, outs } = await createFn();
        // Someone touches DEVELOPMENT out of band: the ETag in state is stale.
        await cf().send(
            new UpdateFunctionCommand({
                Name: id,
                IfMatch: outs.etag,
                FunctionConfig: { Comment: "c1", Runtime: "cloudfront-js-2.0" },
                FunctionCode: code(V1),
            }),
        );
        const news = await checked({ ...inputs, code: V2 }, inputs);
        await provider.update(id, outs, news);
        expect((await stage(id, "LIVE")).code).to.equal(V2);
    });

    it("a name already taken fails with FunctionAlreadyExists, leaves the existing function alone, and points at adopt", async () => {
        const { inputs } = await createFn();
        const before = await stage(inputs.name, "DEVELOPMENT");
        let error: Error | undefined;
        try {
            await provider.create(await checked({ name: inputs.name, code: V2 }));
        } catch (err) {
            error = err as Error;
        }
        expect(error?.message).to.include("already exists").and.include(`adopt: { id: "${inputs.name}" }`);
        expect((error as any).awsCode).to.equal("FunctionAlreadyExists");
        expect(await stage(inputs.name, "DEVELOPMENT")).to.deep.equal(before);
    });

    it("creates a tagged function while CloudFront refuses CreateFunction with tags (409): the tags go through TagResource", async () => {
        await emu().setConfig({ functionTagsOnCreate: false });
        const { outs } = await createFn({ tags: { team: "edge" } });
        const calls = await emu().calls();
        const create = calls.find((c) => c.operation === "CreateFunction");
        expect(create?.status ?? 200, "CreateFunction is never refused: it carries no tags").to.be.below(400);
        const tags = await cf().send(new ListTagsForResourceCommand({ Resource: outs.arn }));
        expect(tags.Tags!.Items!).to.deep.include({ Key: "team", Value: "edge" });
        expect(outs.published).to.equal(true);
    });

    it("a tags-only update calls neither UpdateFunction nor PublishFunction", async () => {
        const { id, inputs, outs } = await createFn({ tags: { a: "1", b: "2" } });
        const news = await checked({ ...inputs, tags: { a: "1", c: "3" } }, inputs);
        await emu().resetCalls();
        expect((await diffOf(id, outs, news)).changed).to.deep.equal(["tags"]);
        const upd = await provider.update(id, outs, news);
        const calls = await ops();
        expect(calls).to.not.include("UpdateFunction");
        expect(calls).to.not.include("PublishFunction");
        expect(calls).to.deep.equal(["ListTagsForResource", "UntagResource", "TagResource"]);
        const tags = await cf().send(new ListTagsForResourceCommand({ Resource: outs.arn }));
        expect(tags.Tags!.Items!.filter((t) => !t.Key!.startsWith("ackless:"))).to.have.deep.members([
            { Key: "a", Value: "1" },
            { Key: "c", Value: "3" },
        ]);
        expect(upd.outs).to.include({ published: true, etag: outs.etag });
    });

    it("a tags-only update of a function deleted outside Pulumi says it no longer exists and to refresh, not AWS's 404 of TagResource", async () => {
        const { id, inputs, outs } = await createFn({ tags: { a: "1" } });
        await provider.delete(id, outs);
        const news = await checked({ ...inputs, tags: { a: "2" } }, inputs);
        await emu().resetCalls();
        const err = await provider.update(id, outs, news).then(
            () => undefined,
            (e) => e,
        );
        expect(err?.message).to.equal(
            `updating CloudFront function "${id}": it no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) to recreate it`,
        );
        expect(err.awsCode).to.equal("NoSuchFunctionExists");
        expect(await ops()).to.not.include("TagResource");
    });

    it("a generated name whose create answer was lost while reads do not show the new function yet: that function is taken over, no second one", async () => {
        // The soak's orphan (final seed s1, op 375): CreateFunction is carried out but its answer is lost; the SDK's
        // retry answers 409; DescribeFunction does not show the function yet (eventual consistency after create).
        await emu().setConfig({ notFoundAfterCreateSeconds: 2 });
        await emu().setFaults({ drop: 1, operations: ["CreateFunction"], maxFaults: 1 });
        const inputs = await checked({ code: V1, autoNamePrefix: "lost", __identity: `itest/dev//${unique("fn")}` });
        expect(inputs.__nameGenerated).to.equal(true);
        const created = await provider.create(inputs);
        expect(created.id).to.equal(inputs.name);
        const names = (await cf().send(new ListFunctionsCommand({}))).FunctionList!.Items!.map((f) => f.Name);
        // ListFunctions lists each stage of a function: one name, whatever the stages.
        expect([...new Set(names.filter((n) => n!.startsWith(inputs.name)))]).to.deep.equal([inputs.name]);
        const creates = (await emu().calls()).filter((c) => c.operation === "CreateFunction").map((c) => [c.status, c.fault]);
        expect(creates[0]).to.deep.equal([201, "drop"]);
        expect(creates.slice(1).every(([status]) => status === 409)).to.equal(true);
        expect((await stage(created.id, "LIVE")).code).to.equal(V1);
        expect(created.outs).to.include({ published: true });
    });

    it("a function deleted outside Pulumi and re-made at its name by a run that failed before the engine recorded it: read says gone, the next create takes it over", async () => {
        // The soak's seed u6, op 196: a vanished function (its program declares adopt) was replaced at the same declared
        // name by an `up --refresh` that failed before the engine recorded the new one; the retry's refresh read the old
        // entry at that id, so its create took the new function for one the state holds and refused the name.
        const name = unique("fn");
        const identity = `itest/dev//${name}`;
        const first = await provider.create(await checked({ name, code: V1, __identity: identity, __run: "run-1" }));
        await provider.confirm(first.id, first.outs);
        const live = await cf().send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
        await cf().send(new DeleteFunctionCommand({ Name: name, IfMatch: live.ETag }));

        forgetClaims(); // the failed run: a new provider process
        const remade = await provider.create(await checked({ name, code: V1, __identity: identity, __run: "run-2" }));
        expect(remade.outs).to.include({ unrecorded: "run-2" });

        forgetClaims(); // the retry
        const read = await provider.read(first.id, first.outs);
        expect(read.id, "the old entry's function is gone").to.equal("");
        const again = await provider.create(await checked({ name, code: V2, __identity: identity, __run: "run-3" }));
        expect(again.id).to.equal(name);
        expect(again.outs.incarnation).to.be.a("string").and.not.equal(remade.outs.incarnation);
        const names = (await cf().send(new ListFunctionsCommand({}))).FunctionList!.Items!.map((f) => f.Name);
        expect([...new Set(names.filter((n) => n === name))]).to.have.length(1);
        expect((await stage(name, "LIVE")).code).to.equal(V2);
    });

    it("an out-of-band update without publish reads as drift; update restores DEVELOPMENT and LIVE equals it", async () => {
        const { id, inputs, outs } = await createFn();
        await cf().send(
            new UpdateFunctionCommand({
                Name: id,
                IfMatch: outs.etag,
                FunctionConfig: { Comment: "oob", Runtime: "cloudfront-js-2.0" },
                FunctionCode: code(V3),
            }),
        );
        const read = await provider.read(id, outs);
        expect(read.props).to.include({ code: V3, comment: "oob", published: false });
        const d = await diffOf(id, read.props, inputs);
        expect(d.changes).to.equal(true);
        expect(d.changed).to.include.members(["code", "comment"]);
        const upd = await provider.update(id, read.props, inputs);
        const dev = await stage(id, "DEVELOPMENT");
        const live = await stage(id, "LIVE");
        expect(dev.code).to.equal(V1);
        expect(live.code).to.equal(V1);
        expect(upd.outs).to.include({ published: true, etag: dev.etag, liveEtag: live.etag });
    });

    it("LIVE serving something else (published out of band) is drift even when DEVELOPMENT matches; update publishes", async () => {
        const { id, inputs, outs } = await createFn();
        const other = await cf().send(
            new UpdateFunctionCommand({
                Name: id,
                IfMatch: outs.etag,
                FunctionConfig: { Comment: "c1", Runtime: "cloudfront-js-2.0" },
                FunctionCode: code(V3),
            }),
        );
        await cf().send(new PublishFunctionCommand({ Name: id, IfMatch: other.ETag }));
        await cf().send(
            new UpdateFunctionCommand({
                Name: id,
                IfMatch: other.ETag,
                FunctionConfig: { Comment: "c1", Runtime: "cloudfront-js-2.0" },
                FunctionCode: code(V1),
            }),
        );
        const read = await provider.read(id, outs);
        expect(read.props).to.include({ code: V1, published: false });
        const d = await diffOf(id, read.props, inputs);
        expect(d).to.deep.include({ changes: true, changed: ["published"] });
        await emu().resetCalls();
        const upd = await provider.update(id, read.props, inputs);
        expect(await ops()).to.not.include("UpdateFunction");
        expect(await ops()).to.include("PublishFunction");
        expect((await stage(id, "LIVE")).code).to.equal(V1);
        expect(upd.outs).to.include({ published: true });
        // publish=false: the same drift is not a change.
        expect((await diffOf(id, read.props, { ...inputs, publish: false })).changed).to.deep.equal(["publish"]);
    });

    it("reverting to the code LIVE already serves does not publish (no 412)", async () => {
        const { id, inputs, outs } = await createFn();
        // DEVELOPMENT moves to V2 without publishing (state knows it: publish=false run).
        const v2 = await checked({ ...inputs, code: V2, publish: false }, inputs);
        const mid = await provider.update(id, outs, v2);
        expect(mid.outs).to.include({ published: false });
        expect((await stage(id, "LIVE")).code).to.equal(V1);
        await emu().resetCalls();
        const back = await checked({ ...inputs }, v2);
        const upd = await provider.update(id, mid.outs, back);
        expect(await ops())
            .to.include("UpdateFunction")
            .and.not.include("PublishFunction");
        expect(upd.outs).to.include({ published: true });
        expect((await stage(id, "DEVELOPMENT")).code).to.equal(V1);
    });

    it("a name change replaces", async () => {
        const { id, inputs, outs } = await createFn();
        const d = await diffOf(id, outs, { ...inputs, name: "other-name" });
        expect(d.replaces).to.deep.equal(["name"]);
    });

    it("read of a deleted function returns an empty id (gone)", async () => {
        const { id, outs } = await createFn();
        await provider.delete(id, outs);
        await expectAwsError(cf().send(new DescribeFunctionCommand({ Name: id, Stage: "DEVELOPMENT" })), "NoSuchFunctionExists", 404);
        expect((await provider.read(id, outs)).id).to.equal("");
        await provider.delete(id, outs); // gone means done
    });

    it("delete fails after the bounded FunctionInUse retry naming the distribution, and succeeds once it is dropped", async () => {
        const { id, outs } = await createFn();
        const dist = await createDistribution(cf(), { functionArn: outs.arn });
        expect((await stage(id, "LIVE")).status).to.equal("ASSOCIATED");
        let error: any;
        try {
            await provider.delete(id, outs);
        } catch (e) {
            error = e;
        }
        expect(error, "delete should fail while the distribution associates the function").to.not.equal(undefined);
        expect(error.message).to.contain("FunctionInUse").and.contain(dist.id);
        expect(error.awsCode).to.equal("FunctionInUse");
        // The distribution drops the association while delete is retrying: delete then succeeds.
        process.env.ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS = "20000";
        const deleting = provider.delete(id, outs);
        await waitDeployed(cf(), dist.id);
        const current = await cf().send(new GetDistributionConfigCommand({ Id: dist.id }));
        const config = current.DistributionConfig!;
        config.DefaultCacheBehavior!.FunctionAssociations = { Quantity: 0 };
        config.Enabled = false;
        const upd = await cf().send(new UpdateDistributionCommand({ Id: dist.id, IfMatch: current.ETag, DistributionConfig: config }));
        await deleting;
        await expectAwsError(cf().send(new DescribeFunctionCommand({ Name: id, Stage: "DEVELOPMENT" })), "NoSuchFunctionExists", 404);
        await waitDeployed(cf(), dist.id);
        await cf().send(new DeleteDistributionCommand({ Id: dist.id, IfMatch: upd.ETag }));
    });
});
