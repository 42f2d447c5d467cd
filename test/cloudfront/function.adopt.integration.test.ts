/**
 * cloudfront.Function adoption against the emulator (provider methods called
 * directly): a function made outside Pulumi with aws: tags is adopted by name,
 * updated and published, its system tags untouched.
 */
import { DescribeFunctionCommand, GetFunctionCommand, ListTagsForResourceCommand, TagResourceCommand } from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { fromKeyValueList } from "../../provider/common/tags";
import { provider } from "../../provider/cloudfront/function/adapter";
import { useEmulator } from "../helpers/emulator";
import { clients, createPublishedFunction, text, unique } from "../emulator/fixtures";
import { setProviderEnv } from "../helpers/env";

const SYSTEM = { "aws:cloudformation:stack-name": "legacy", "AWS:createdBy": "console" };
const V2 = "function handler(event) { var r = event.request; r.uri = '/v2'; return r; }";

describe("cloudfront.Function adopt (integration, emulator)", function () {
    const emu = useEmulator();
    const cf = () => clients(emu()).cf;
    let restoreEnv: () => void = () => undefined;

    beforeEach(() => {
        const env = { ...emu().env(), ACKLESS_POLL_MIN_MS: "20", ACKLESS_POLL_MAX_MS: "50" };
        restoreEnv = setProviderEnv(env);
    });
    afterEach(() => {
        restoreEnv();
    });

    const ops = async () => (await emu().calls()).filter((c) => c.service === "cloudfront").map((c) => c.operation);
    /** The function's tags, ackless's own bookkeeping tags (lifecycle.ts) left out. */
    const liveTags = async (arn: string) =>
        Object.fromEntries(
            Object.entries(fromKeyValueList((await cf().send(new ListTagsForResourceCommand({ Resource: arn }))).Tags?.Items)).filter(
                ([k]) => !k.startsWith("ackless:"),
            ),
        );
    async function outsider() {
        const fn = await createPublishedFunction(cf());
        await cf().send(new TagResourceCommand({ Resource: fn.arn, Tags: { Items: [{ Key: "team", Value: "old" }] } }));
        await emu().seedTags({ arn: fn.arn }, SYSTEM);
        return fn;
    }

    it("adopt of a missing name fails at check and in create, creating nothing", async () => {
        const r = await provider.check({}, { code: V2, adopt: { id: "missing-fn" } });
        expect(r.failures!.map((f) => f.property)).to.deep.equal(["adopt"]);
        expect(r.failures![0].reason).to.include("CloudFront function missing-fn does not exist");
        let error: Error | undefined;
        try {
            await provider.create(r.inputs as any);
        } catch (err) {
            error = err as Error;
        }
        expect(error?.message).to.match(/adopt: CloudFront function missing-fn does not exist/);
        expect(await ops()).to.not.include("CreateFunction");
    });

    it("adopt-or-create of a missing name creates it under that name", async () => {
        const name = unique("fn");
        const r = await provider.check({}, { code: V2, autoNamePrefix: "x", adopt: { id: name, mode: "adopt-or-create" } });
        expect(r.failures).to.deep.equal([]);
        expect(r.inputs.name).to.equal(name);
        const { id } = await provider.create(r.inputs as any);
        expect(id).to.equal(name);
        expect(await ops()).to.include("CreateFunction");
    });

    it("name must equal adopt.id or be omitted", async () => {
        const fn = await outsider();
        const r = await provider.check({}, { name: "other", code: V2, adopt: { id: fn.name } });
        expect(r.failures!.map((f) => f.property)).to.deep.equal(["name"]);
        expect(r.failures![0].reason).to.include(`differs from adopt.id "${fn.name}"`);
    });

    it("adopts by name: UpdateFunction + publish, user tags reconciled, aws: tags untouched; then managed like any other", async () => {
        const fn = await outsider();
        await emu().resetCalls();
        const news = { code: V2, comment: "managed", tags: { team: "web" }, adopt: { id: fn.name } };
        const r = await provider.check({}, news);
        expect(r.failures).to.deep.equal([]);
        expect(r.inputs).to.include({ name: fn.name, arn: fn.arn });
        const { id, outs } = await provider.create(r.inputs as any);
        expect(id).to.equal(fn.name);
        const calls = await ops();
        expect(calls).to.not.include("CreateFunction");
        expect(calls).to.include.members(["UpdateFunction", "PublishFunction"]);
        const live = await cf().send(new GetFunctionCommand({ Name: fn.name, Stage: "LIVE" }));
        expect(text(live.FunctionCode)).to.equal(V2);
        const dev = await cf().send(new DescribeFunctionCommand({ Name: fn.name, Stage: "DEVELOPMENT" }));
        expect(dev.FunctionSummary!.FunctionConfig!.Comment).to.equal("managed");
        expect(await liveTags(fn.arn)).to.deep.equal({ ...SYSTEM, team: "web" });
        expect(outs).to.deep.include({ tags: { team: "web" }, systemTags: SYSTEM, published: true });

        const again = await provider.check(r.inputs, news);
        expect(again.inputs).to.not.have.property("adopt");
        expect((await provider.diff(id, outs, again.inputs)).changes).to.equal(false);
        const removed = await provider.check(r.inputs, { ...news, adopt: undefined });
        expect(removed.inputs.name).to.equal(fn.name);
        expect((await provider.diff(id, outs, removed.inputs)).changes).to.equal(false);

        const news2 = (await provider.check(r.inputs, { ...news, tags: { team: "platform" } })).inputs;
        expect((await provider.diff(id, outs, news2)).changes).to.equal(true);
        await emu().resetCalls();
        const updated = await provider.update(id, outs, news2);
        expect((await ops()).filter((o) => ["UpdateFunction", "PublishFunction"].includes(o))).to.deep.equal([]);
        expect(await liveTags(fn.arn)).to.deep.equal({ ...SYSTEM, team: "platform" });
        const read = await provider.read(id, updated.outs);
        expect(read.props!.systemTags).to.deep.equal(SYSTEM);
        expect((await provider.diff(id, read.props!, news2)).changes).to.equal(false);
    });
});
