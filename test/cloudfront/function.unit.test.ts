// cloudfront.Function provider, fault paths with a mocked CloudFront client:
// 412 races, FunctionInUse, half-done creates; and check()'s validation.
import {
    CloudFrontClient,
    CreateFunctionCommand,
    DeleteFunctionCommand,
    DescribeFunctionCommand,
    GetFunctionCommand,
    ListDistributionsCommand,
    PublishFunctionCommand,
    ListTagsForResourceCommand,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { resetClients } from "../../provider/common/clients";
import { provider } from "../../provider/cloudfront/function/adapter";
import { syntaxError } from "../../provider/cloudfront/function/validate";
import { useFakeTime } from "../helpers/fake-clock";

const ARN = "arn:aws:cloudfront::123456789012:function/fn";
const CODE = "function handler(event) { return event.request; }";
const CODE2 = "function handler(event) { return { statusCode: 404 }; }";

function awsError(name: string, status: number): Error {
    const e = new Error(`${name} from the mock`) as any;
    e.name = name;
    e.$metadata = { httpStatusCode: status };
    return e;
}
const summary = (stage: string, status = "UNASSOCIATED") => ({
    Name: "fn",
    Status: status,
    FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" as const },
    FunctionMetadata: { FunctionARN: ARN, Stage: stage as any, LastModifiedTime: new Date(0) },
});
const enc = (s: string): any => new TextEncoder().encode(s);

describe("cloudfront.Function provider (mocked AWS)", function () {
    useFakeTime();
    // Created in before(), not at describe time: mockClient stubs the class for
    // every instance, and mocha loads all spec files before running any.
    let cf: AwsStub<any, any, any>;
    const saved = { ...process.env };

    before(() => {
        cf = mockClient(CloudFrontClient);
    });
    beforeEach(() => {
        cf.reset();
        resetClients();
        process.env.AWS_REGION = "us-east-1";
        process.env.AWS_ACCESS_KEY_ID = "x";
        process.env.AWS_SECRET_ACCESS_KEY = "x";
        process.env.ACKLESS_POLL_MIN_MS = "1";
        process.env.ACKLESS_POLL_MAX_MS = "5";
        process.env.ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS = "200";
        delete process.env.AWS_ENDPOINT_URL;
    });
    after(() => {
        process.env = saved;
        cf.restore();
        resetClients();
    });

    const olds = {
        name: "fn",
        code: CODE,
        comment: "",
        runtime: "cloudfront-js-2.0",
        keyValueStoreAssociations: [],
        publish: true,
        tags: {},
        arn: ARN,
        etag: "E1",
        liveEtag: "L1",
        published: true,
        status: "UNASSOCIATED",
        systemTags: {},
    };

    describe("update", () => {
        it("a 412 on UpdateFunction re-reads the DEVELOPMENT ETag and retries with it", async () => {
            cf.on(DescribeFunctionCommand, { Stage: "DEVELOPMENT" })
                .resolvesOnce({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT") })
                .resolves({ ETag: "E2", FunctionSummary: summary("DEVELOPMENT") });
            cf.on(DescribeFunctionCommand, { Stage: "LIVE" }).resolves({ ETag: "L2", FunctionSummary: summary("LIVE") });
            cf.on(UpdateFunctionCommand, { IfMatch: "E1" }).rejects(awsError("PreconditionFailed", 412));
            cf.on(UpdateFunctionCommand, { IfMatch: "E2" }).resolves({ ETag: "E3", FunctionSummary: summary("DEVELOPMENT") });
            cf.on(PublishFunctionCommand).resolves({ FunctionSummary: summary("LIVE") });

            const res = await provider.update("fn", olds, { ...olds, code: CODE2 });
            expect(cf.commandCalls(UpdateFunctionCommand).map((c) => c.args[0].input.IfMatch)).to.deep.equal(["E1", "E2"]);
            expect(cf.commandCalls(PublishFunctionCommand).map((c) => c.args[0].input.IfMatch)).to.deep.equal(["E3"]);
            expect(res.outs).to.include({ etag: "E3", liveEtag: "L2", published: true });
        });

        it("a 412 that keeps coming fails after a bounded number of attempts, naming the stale ETag", async () => {
            cf.on(DescribeFunctionCommand).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT") });
            cf.on(UpdateFunctionCommand).rejects(awsError("PreconditionFailed", 412));
            let error: any;
            try {
                await provider.update("fn", olds, { ...olds, code: CODE2 });
            } catch (e) {
                error = e;
            }
            expect(error?.message).to.contain("PreconditionFailed").and.contain("stale ETag");
            expect(cf.commandCalls(UpdateFunctionCommand).length).to.equal(5);
            expect(cf.commandCalls(PublishFunctionCommand).length).to.equal(0);
        });

        it("a 412 on PublishFunction when LIVE already equals DEVELOPMENT is success (no error, no loop)", async () => {
            cf.on(DescribeFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT") });
            cf.on(DescribeFunctionCommand, { Stage: "LIVE" }).resolves({ ETag: "L1", FunctionSummary: summary("LIVE") });
            cf.on(GetFunctionCommand).resolves({ FunctionCode: enc(CODE2), ETag: "x" });
            cf.on(UpdateFunctionCommand).resolves({ ETag: "E2", FunctionSummary: summary("DEVELOPMENT") });
            cf.on(PublishFunctionCommand).rejects(awsError("PreconditionFailed", 412));
            const res = await provider.update("fn", olds, { ...olds, code: CODE2 });
            expect(cf.commandCalls(PublishFunctionCommand).length).to.equal(1);
            expect(res.outs).to.include({ published: true });
        });

        it("a 412 on PublishFunction because DEVELOPMENT moved retries with the fresh ETag", async () => {
            cf.on(DescribeFunctionCommand, { Stage: "DEVELOPMENT" })
                .resolvesOnce({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT") })
                .resolves({ ETag: "E9", FunctionSummary: summary("DEVELOPMENT") });
            cf.on(DescribeFunctionCommand, { Stage: "LIVE" }).resolves({ ETag: "L1", FunctionSummary: summary("LIVE") });
            cf.on(GetFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({ FunctionCode: enc(CODE2) });
            cf.on(GetFunctionCommand, { Stage: "LIVE" }).resolves({ FunctionCode: enc(CODE) });
            cf.on(UpdateFunctionCommand).resolves({ ETag: "E2", FunctionSummary: summary("DEVELOPMENT") });
            cf.on(PublishFunctionCommand, { IfMatch: "E2" }).rejects(awsError("PreconditionFailed", 412));
            cf.on(PublishFunctionCommand, { IfMatch: "E9" }).resolves({ FunctionSummary: summary("LIVE") });
            const res = await provider.update("fn", olds, { ...olds, code: CODE2 });
            expect(cf.commandCalls(PublishFunctionCommand).map((c) => c.args[0].input.IfMatch)).to.deep.equal(["E2", "E9"]);
            expect(res.outs).to.include({ etag: "E9", published: true });
        });

        it("a tags-only change calls neither UpdateFunction nor PublishFunction, and diffs against the live tags", async () => {
            cf.on(TagResourceCommand).resolves({});
            cf.on(UntagResourceCommand).resolves({});
            // Live: a user tag added outside Pulumi and a system tag.
            cf.on(ListTagsForResourceCommand).resolves({
                Tags: {
                    Items: [
                        { Key: "stray", Value: "x" },
                        { Key: "aws:cloudformation:stack-name", Value: "s" },
                    ],
                },
            });
            const res = await provider.update("fn", olds, { ...olds, tags: { team: "edge" } });
            expect(cf.calls().map((c) => c.args[0].constructor.name)).to.deep.equal([
                "ListTagsForResourceCommand",
                "UntagResourceCommand",
                "TagResourceCommand",
            ]);
            expect(cf.commandCalls(UntagResourceCommand)[0].args[0].input.TagKeys).to.deep.equal({ Items: ["stray"] });
            expect(res.outs).to.include({ etag: "E1", liveEtag: "L1", published: true });
        });
    });

    describe("create", () => {
        it("creates without tags, tags at once, and publishes with the ETag CreateFunction returned once the function shows in reads (R5)", async () => {
            cf.on(CreateFunctionCommand).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED") });
            cf.on(TagResourceCommand).resolves({});
            cf.on(UntagResourceCommand).resolves({});
            cf.on(DescribeFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED") });
            cf.on(PublishFunctionCommand).resolves({ FunctionSummary: summary("LIVE") });
            cf.on(DescribeFunctionCommand, { Stage: "LIVE" }).resolves({ ETag: "L1" });
            const inputs = (await provider.check({}, { name: "fn", code: CODE, tags: { team: "edge" } })).inputs as any;
            const res = await provider.create(inputs);
            const names = cf.calls().map((c) => c.args[0].constructor.name);
            // CloudFront has answered CreateFunction with tags with 409 (issue 23): the tags follow in TagResource.
            expect(names.slice(0, 4)).to.deep.equal([
                "CreateFunctionCommand",
                "TagResourceCommand",
                "DescribeFunctionCommand",
                "PublishFunctionCommand",
            ]);
            expect(cf.commandCalls(CreateFunctionCommand)[0].args[0].input).to.not.have.property("Tags");
            const tagged = cf.commandCalls(TagResourceCommand)[0].args[0].input.Tags!.Items!;
            expect(Object.fromEntries(tagged.map((t) => [t.Key, t.Value]))).to.deep.equal({
                team: "edge",
                "ackless:pending-create": "fn",
                "ackless:incarnation": res.outs.incarnation,
            });
            expect(cf.commandCalls(DescribeFunctionCommand)[0].args[0].input.Stage).to.equal("DEVELOPMENT");
            expect(cf.commandCalls(PublishFunctionCommand)[0].args[0].input.IfMatch).to.equal("E1");
            expect(names).to.not.include("UpdateFunctionCommand");
            // Done: the pending-create marker comes off last.
            expect(names[names.length - 1]).to.equal("UntagResourceCommand");
            expect(cf.commandCalls(UntagResourceCommand)[0].args[0].input.TagKeys).to.deep.equal({ Items: ["ackless:pending-create"] });
            expect(res.outs).to.include({ etag: "E1", liveEtag: "L1", published: true, arn: ARN });
        });

        it("a failed publish leaves the function marked as an unfinished create (not deleted), and the next create takes it over", async () => {
            cf.on(CreateFunctionCommand).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED") });
            cf.on(TagResourceCommand).resolves({});
            cf.on(PublishFunctionCommand).rejects(awsError("InvalidArgument", 400));
            cf.on(DescribeFunctionCommand).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED") });
            cf.on(DeleteFunctionCommand).resolves({});
            const inputs = (await provider.check({}, { name: "fn", code: CODE })).inputs as any;
            let error: any;
            try {
                await provider.create(inputs);
            } catch (e) {
                error = e;
            }
            expect(error?.message)
                .to.contain("publishing CloudFront function")
                .and.contain("InvalidArgument")
                .and.contain("the next pulumi up takes it over");
            expect(cf.commandCalls(DeleteFunctionCommand)).to.have.length(0);
            const marker = cf.commandCalls(TagResourceCommand)[0].args[0].input.Tags!.Items!.find((t) => t.Key === "ackless:pending-create");
            expect(marker?.Value).to.equal("fn");
            const incarnation = cf.commandCalls(TagResourceCommand)[0].args[0].input.Tags!.Items!.find((t) => t.Key === "ackless:incarnation")!.Value;

            // The next up: the name is taken by the marked function, which is taken over (as a new incarnation) and published.
            cf.reset();
            let published = false;
            cf.on(CreateFunctionCommand).rejects(awsError("FunctionAlreadyExists", 409));
            cf.on(DescribeFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED") });
            cf.on(GetFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({ FunctionCode: enc(CODE) });
            cf.on(DescribeFunctionCommand, { Stage: "LIVE" }).callsFake(() => {
                if (!published) {
                    throw awsError("NoSuchFunctionExists", 404);
                }
                return { ETag: "L1", FunctionSummary: summary("LIVE") };
            });
            cf.on(GetFunctionCommand, { Stage: "LIVE" }).rejects(awsError("NoSuchFunctionExists", 404));
            cf.on(ListTagsForResourceCommand).resolves({
                Tags: {
                    Items: [
                        { Key: "ackless:pending-create", Value: "fn" },
                        { Key: "ackless:incarnation", Value: incarnation },
                    ],
                },
            });
            cf.on(PublishFunctionCommand).callsFake(() => {
                published = true;
                return { FunctionSummary: summary("LIVE") };
            });
            const r = await provider.create(inputs);
            expect(r.id).to.equal("fn");
            expect(r.outs).to.include({ published: true, liveEtag: "L1" });
            expect(r.outs.incarnation).to.be.a("string").and.not.equal(incarnation);
            expect(cf.commandCalls(PublishFunctionCommand).map((c) => c.args[0].input.IfMatch)).to.deep.equal(["E1"]);
            expect(cf.commandCalls(TagResourceCommand).map((c) => c.args[0].input.Tags!.Items)).to.deep.equal([
                [{ Key: "ackless:incarnation", Value: r.outs.incarnation }],
            ]);
            expect(cf.commandCalls(UntagResourceCommand).map((c) => c.args[0].input.TagKeys)).to.deep.equal([{ Items: ["ackless:pending-create"] }]);
        });
        it("R5: a LIVE stage that never shows after the publish fails the create naming the retry; the function stays marked", async () => {
            process.env.ACKLESS_PROPAGATION_TIMEOUT_S = "0.2";
            cf.on(CreateFunctionCommand).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED") });
            cf.on(TagResourceCommand).resolves({});
            cf.on(DescribeFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED") });
            cf.on(DescribeFunctionCommand, { Stage: "LIVE" }).rejects(awsError("NoSuchFunctionExists", 404));
            cf.on(PublishFunctionCommand).resolves({ FunctionSummary: summary("LIVE") });
            const inputs = (await provider.check({}, { name: "fn", code: CODE })).inputs as any;
            let error: any;
            await provider.create(inputs).catch((e) => (error = e));
            delete process.env.ACKLESS_PROPAGATION_TIMEOUT_S;
            expect(error?.awsCode).to.equal("LiveNotVisible");
            expect(error?.message).to.contain("reading its LIVE stage still does not show it").and.contain("the next pulumi up takes it over");
            expect(cf.commandCalls(DeleteFunctionCommand)).to.have.length(0);
            expect(cf.commandCalls(UntagResourceCommand)).to.have.length(0);
        });

        it("TagResource failing right after CreateFunction: left for the next up to take over (never published), or deleted with publish: false", async () => {
            cf.on(CreateFunctionCommand).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED") });
            cf.on(TagResourceCommand).rejects(awsError("AccessDenied", 403));
            cf.on(DeleteFunctionCommand).resolves({});
            const inputs = (await provider.check({}, { name: "fn", code: CODE })).inputs as any;
            let error: any;
            await provider.create(inputs).catch((e) => (error = e));
            expect(error?.message)
                .to.contain("AWS AccessDenied")
                .and.contain("was created but not tagged")
                .and.contain("it was never published, so the next pulumi up takes it over");
            expect(cf.commandCalls(DeleteFunctionCommand)).to.have.length(0);
            expect(cf.commandCalls(PublishFunctionCommand)).to.have.length(0);

            // publish: false: nothing would tell it from a completed function, so it is removed again.
            error = undefined;
            const unpublished = (await provider.check({}, { name: "fn", code: CODE, publish: false })).inputs as any;
            await provider.create(unpublished).catch((e) => (error = e));
            expect(error?.message).to.contain("AWS AccessDenied").and.contain("it was deleted again");
            expect(cf.commandCalls(DeleteFunctionCommand).map((c) => c.args[0].input)).to.deep.equal([{ Name: "fn", IfMatch: "E1" }]);
        });
    });

    describe("lifecycle rules (lifecycle/rules.ts)", () => {
        const ID_A = "proj/stack//edge-fn";
        /** The function `name` exists: DEVELOPMENT holds `code`; LIVE only when `published`. */
        const existing = (name: string, code: string, published: boolean) => {
            for (const stage of ["DEVELOPMENT", "LIVE"]) {
                const present = stage === "DEVELOPMENT" || published;
                const describe = cf.on(DescribeFunctionCommand, { Name: name, Stage: stage as any });
                const get = cf.on(GetFunctionCommand, { Name: name, Stage: stage as any });
                if (present) {
                    describe.resolves({ ETag: `${stage[0]}-${name}`, FunctionSummary: { ...summary(stage), Name: name } });
                    get.resolves({ FunctionCode: enc(code) });
                } else {
                    describe.rejects(awsError("NoSuchFunctionExists", 404));
                    get.rejects(awsError("NoSuchFunctionExists", 404));
                }
            }
            cf.on(CreateFunctionCommand, { Name: name }).rejects(awsError("FunctionAlreadyExists", 409));
            cf.on(ListTagsForResourceCommand).resolves({ Tags: { Items: [] } });
        };

        it("a generated name is derived from the resource identity: the same on every check, another for another resource", async () => {
            const a = (await provider.check({}, { __identity: ID_A, autoNamePrefix: "edge-fn", code: CODE })).inputs as any;
            const again = (await provider.check({}, { __identity: ID_A, autoNamePrefix: "edge-fn", code: CODE })).inputs as any;
            const other = (await provider.check({}, { __identity: "proj/stack//other", autoNamePrefix: "edge-fn", code: CODE })).inputs as any;
            expect(a.name).to.match(/^edge-fn-[0-9a-f]{7}$/);
            expect(again.name).to.equal(a.name);
            expect(other.name).to.not.equal(a.name);
            expect(a.__nameGenerated).to.equal(true);
        });

        it("R1: a retried create takes over its unpublished first attempt instead of failing or making a second function", async () => {
            const inputs = (await provider.check({}, { __identity: ID_A, autoNamePrefix: "edge-fn", code: CODE })).inputs as any;
            existing(inputs.name, CODE, false);
            cf.on(PublishFunctionCommand).callsFake(() => {
                // Published: LIVE shows from now on.
                cf.on(DescribeFunctionCommand, { Name: inputs.name, Stage: "LIVE" }).resolves({ ETag: "L1", FunctionSummary: summary("LIVE") });
                return { FunctionSummary: summary("LIVE") };
            });
            let tags: { Key: string; Value: string }[] = [];
            cf.on(TagResourceCommand).callsFake((input) => {
                tags = [...tags, ...input.Tags.Items];
                return {};
            });
            cf.on(ListTagsForResourceCommand).callsFake(() => ({ Tags: { Items: tags } }));
            const r = await provider.create(inputs);
            expect(r.id).to.equal(inputs.name);
            expect(cf.commandCalls(CreateFunctionCommand)).to.have.length(1);
            expect(cf.commandCalls(PublishFunctionCommand)).to.have.length(1);
            expect(cf.commandCalls(DeleteFunctionCommand)).to.have.length(0);
            // Untagged (killed before TagResource): marked now, so it stays recognisable if this run fails too; unmarked when done.
            const tagged = Object.fromEntries(cf.commandCalls(TagResourceCommand)[0].args[0].input.Tags!.Items!.map((t) => [t.Key, t.Value]));
            expect(tagged).to.deep.equal({ "ackless:pending-create": inputs.name, "ackless:incarnation": r.outs.incarnation });
            expect(cf.commandCalls(UntagResourceCommand).map((c) => c.args[0].input.TagKeys)).to.deep.equal([{ Items: ["ackless:pending-create"] }]);
        });

        it("R1: a published function under the generated name (the original of a replacement) is never taken over: the next name", async () => {
            const inputs = (await provider.check({}, { __identity: ID_A, autoNamePrefix: "edge-fn", code: CODE })).inputs as any;
            existing(inputs.name, CODE, true);
            cf.on(CreateFunctionCommand, { Name: `${inputs.name}_1` }).resolves({
                ETag: "E9",
                FunctionSummary: { ...summary("DEVELOPMENT", "UNPUBLISHED"), Name: `${inputs.name}_1` },
            });
            cf.on(DescribeFunctionCommand, { Name: `${inputs.name}_1`, Stage: "DEVELOPMENT" }).resolves({
                ETag: "E9",
                FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED"),
            });
            cf.on(PublishFunctionCommand).resolves({ FunctionSummary: summary("LIVE") });
            cf.on(DescribeFunctionCommand, { Name: `${inputs.name}_1`, Stage: "LIVE" }).resolves({ ETag: "L9" });
            const r = await provider.create(inputs);
            expect(r.id).to.equal(`${inputs.name}_1`);
            expect(cf.commandCalls(PublishFunctionCommand).map((c) => c.args[0].input.Name)).to.deep.equal([`${inputs.name}_1`]);
            // The walked name is no change for diff (the inputs keep the base).
            const d = await provider.diff(r.id, r.outs, inputs);
            expect(d.replaces).to.deep.equal([]);
        });

        it("R1: an unpublished function that carries an incarnation but no pending-create tag is a completed one: the next name", async () => {
            const inputs = (await provider.check({}, { __identity: ID_A, autoNamePrefix: "edge-fn", code: CODE })).inputs as any;
            existing(inputs.name, CODE, false);
            cf.on(ListTagsForResourceCommand).resolves({ Tags: { Items: [{ Key: "ackless:incarnation", Value: "an-older-one" }] } });
            cf.on(CreateFunctionCommand, { Name: `${inputs.name}_1` }).resolves({
                ETag: "E9",
                FunctionSummary: { ...summary("DEVELOPMENT", "UNPUBLISHED"), Name: `${inputs.name}_1` },
            });
            cf.on(DescribeFunctionCommand, { Name: `${inputs.name}_1`, Stage: "DEVELOPMENT" }).resolves({
                ETag: "E9",
                FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED"),
            });
            cf.on(DescribeFunctionCommand, { Name: `${inputs.name}_1`, Stage: "LIVE" }).resolves({ ETag: "L9" });
            cf.on(PublishFunctionCommand).resolves({ FunctionSummary: summary("LIVE") });
            const r = await provider.create(inputs);
            expect(r.id).to.equal(`${inputs.name}_1`);
            expect(cf.commandCalls(PublishFunctionCommand).map((c) => c.args[0].input.Name)).to.deep.equal([`${inputs.name}_1`]);
        });

        it("R1: a declared name held by a published function fails, naming adopt and deleteBeforeReplace", async () => {
            const inputs = (await provider.check({}, { __identity: ID_A, name: "fn", code: CODE })).inputs as any;
            existing("fn", CODE, true);
            let err: any;
            await provider.create(inputs).catch((e) => (err = e));
            expect(err?.message).to.match(/already exists.*not an unfinished create.*adopt: \{ id: "fn" \}.*deleteBeforeReplace/);
            expect(cf.commandCalls(PublishFunctionCommand)).to.have.length(0);
        });

        it("R4: an adopted function found gone stays marked vanished and is replaced, deleting first; R3: its replacement does not adopt", async () => {
            cf.on(DescribeFunctionCommand).rejects(awsError("NoSuchFunctionExists", 404));
            const r = await provider.read("fn", { ...olds, adopted: true, adopt: { id: "fn" } });
            expect(r.id).to.equal("fn");
            expect(r.props).to.include({ vanished: true });
            const news = { __identity: "proj/stack//adopted-fn", code: CODE, adopt: { id: "fn" } };
            const checked = (await provider.check({ ...olds, adopt: { id: "fn" } }, news)).inputs as any;
            expect(checked.adopt).to.equal(undefined);
            const d = await provider.diff("fn", r.props, checked);
            expect(d.replaces).to.include("name");
            expect(d.deleteBeforeReplace).to.equal(true);
            // The engine's re-check for the replacement: no old inputs; still no adoption.
            expect(((await provider.check({}, news)).inputs as any).adopt).to.equal(undefined);
        });
    });

    describe("delete", () => {
        it("retries FunctionInUse with a fresh ETag and succeeds once the distribution lets go", async () => {
            cf.on(DescribeFunctionCommand).resolvesOnce({ ETag: "E1" }).resolvesOnce({ ETag: "E1" }).resolves({ ETag: "E2" });
            cf.on(DeleteFunctionCommand).rejectsOnce(awsError("FunctionInUse", 409)).rejectsOnce(awsError("FunctionInUse", 409)).resolves({});
            await provider.delete("fn", olds);
            expect(cf.commandCalls(DeleteFunctionCommand).map((c) => c.args[0].input.IfMatch)).to.deep.equal(["E1", "E1", "E2"]);
            expect(cf.commandCalls(DescribeFunctionCommand).every((c) => c.args[0].input.Stage === "DEVELOPMENT")).to.equal(true);
        });

        it("gives up on FunctionInUse after the bounded time, naming the distributions that still use it", async () => {
            cf.on(DescribeFunctionCommand).resolves({ ETag: "E1" });
            cf.on(DeleteFunctionCommand).rejects(awsError("FunctionInUse", 409));
            const assoc = (arn: string) => ({ Quantity: 1, Items: [{ FunctionARN: arn, EventType: "viewer-request" as const }] });
            cf.on(ListDistributionsCommand)
                .resolvesOnce({
                    DistributionList: {
                        IsTruncated: true,
                        NextMarker: "m2",
                        Items: [
                            { Id: "EDIST1", DefaultCacheBehavior: { FunctionAssociations: assoc(ARN) } },
                            { Id: "EOTHER", DefaultCacheBehavior: { FunctionAssociations: assoc(ARN + "x") } },
                        ] as any,
                    } as any,
                })
                .resolvesOnce({
                    DistributionList: {
                        IsTruncated: false,
                        Items: [
                            {
                                Id: "EDIST2",
                                DefaultCacheBehavior: {},
                                CacheBehaviors: { Quantity: 1, Items: [{ FunctionAssociations: assoc(ARN) }] },
                            },
                        ] as any,
                    } as any,
                });
            let error: any;
            try {
                await provider.delete("fn", olds);
            } catch (e) {
                error = e;
            }
            expect(error?.message).to.contain("FunctionInUse").and.contain("EDIST1, EDIST2").and.not.contain("EOTHER");
            expect(error.awsCode).to.equal("FunctionInUse");
            expect(cf.commandCalls(DeleteFunctionCommand).length).to.be.greaterThan(1);
            expect(cf.commandCalls(ListDistributionsCommand).map((c) => c.args[0].input.Marker)).to.deep.equal([undefined, "m2"]);
        });

        it("a function already gone (on describe or on delete) is done", async () => {
            cf.on(DescribeFunctionCommand).rejects(awsError("NoSuchFunctionExists", 404));
            await provider.delete("fn", olds);
            expect(cf.commandCalls(DeleteFunctionCommand).length).to.equal(0);
            cf.reset();
            cf.on(DescribeFunctionCommand).resolves({ ETag: "E1" });
            cf.on(DeleteFunctionCommand).rejects(awsError("NoSuchFunctionExists", 404));
            await provider.delete("fn", olds);
        });

        it("a 412 on delete re-reads the ETag and retries", async () => {
            cf.on(DescribeFunctionCommand).resolvesOnce({ ETag: "E1" }).resolves({ ETag: "E2" });
            cf.on(DeleteFunctionCommand, { IfMatch: "E1" }).rejects(awsError("PreconditionFailed", 412));
            cf.on(DeleteFunctionCommand, { IfMatch: "E2" }).resolves({});
            await provider.delete("fn", olds);
            expect(cf.commandCalls(DeleteFunctionCommand).length).to.equal(2);
        });
    });

    describe("read", () => {
        it("reads both stages with an explicit Stage; NoSuchFunctionExists on LIVE means unpublished", async () => {
            cf.on(DescribeFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT", "UNPUBLISHED") });
            cf.on(GetFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({ FunctionCode: enc(CODE) });
            cf.on(DescribeFunctionCommand, { Stage: "LIVE" }).rejects(awsError("NoSuchFunctionExists", 404));
            cf.on(GetFunctionCommand, { Stage: "LIVE" }).rejects(awsError("NoSuchFunctionExists", 404));
            cf.onAnyCommand({ Resource: ARN }).resolves({
                Tags: {
                    Items: [
                        { Key: "aws:cloudformation:stack-name", Value: "s" },
                        { Key: "k", Value: "v" },
                    ],
                },
            });
            const res = await provider.read("fn", olds);
            expect(res.id).to.equal("fn");
            expect(res.props).to.include({ published: false, liveEtag: "", etag: "E1", status: "UNPUBLISHED" });
            expect(res.props.tags).to.deep.equal({ k: "v" });
            expect(res.props.systemTags).to.deep.equal({ "aws:cloudformation:stack-name": "s" });
            for (const c of [...cf.commandCalls(DescribeFunctionCommand), ...cf.commandCalls(GetFunctionCommand)]) {
                expect(c.args[0].input.Stage).to.be.oneOf(["DEVELOPMENT", "LIVE"]);
            }
            // Drift: publish is on and LIVE does not serve DEVELOPMENT.
            const d = await provider.diff("fn", res.props, { ...olds, tags: { k: "v" } });
            expect(d).to.deep.include({ changes: true, changed: ["published"] });
        });

        it("NoSuchFunctionExists on DEVELOPMENT means gone", async () => {
            cf.on(DescribeFunctionCommand).rejects(awsError("NoSuchFunctionExists", 404));
            expect((await provider.read("fn", olds)).id).to.equal("");
        });

        it("other errors surface with their AWS code", async () => {
            cf.on(DescribeFunctionCommand).rejects(awsError("AccessDenied", 403));
            let error: any;
            try {
                await provider.read("fn", olds);
            } catch (e) {
                error = e;
            }
            expect(error?.message).to.contain("AWS AccessDenied (HTTP 403)");
        });
    });

    describe("check", () => {
        const failures = async (news: any) => (await provider.check({}, { code: CODE, autoNamePrefix: "edge", ...news })).failures ?? [];

        it("fills defaults and auto-names from the resource name, stable across updates", async () => {
            const first = (await provider.check({}, { code: CODE, autoNamePrefix: "edge" })).inputs;
            expect(first.name).to.match(/^edge-[0-9a-f]{7}$/);
            expect(first).to.include({ publish: true });
            // Optional fields left out are not owned: no value in the inputs, none declared (delta.ts OPTIONAL_DEFAULTS).
            expect(first).to.not.have.any.keys("runtime", "comment", "keyValueStoreAssociations");
            expect(first.__declared).to.deep.equal([]);
            const declared = (await provider.check({}, { code: CODE, comment: "c", keyValueStoreAssociations: [] })).inputs;
            expect(declared.__declared).to.deep.equal(["comment", "keyValueStoreAssociations"]);
            // Declared before and now left out: reset to the default, once, and no longer owned.
            const reset = (await provider.check(declared, { code: CODE })).inputs;
            expect(reset).to.include({ comment: "" });
            expect(reset.keyValueStoreAssociations).to.deep.equal([]);
            expect(reset.__declared).to.deep.equal([]);
            expect((await provider.check(reset, { code: CODE })).inputs).to.not.have.any.keys("comment", "keyValueStoreAssociations");
            const again = (await provider.check(first, { code: CODE2, autoNamePrefix: "edge" })).inputs;
            expect(again.name).to.equal(first.name);
            const other = (await provider.check({}, { code: CODE, autoNamePrefix: "edge" })).inputs;
            expect(other.name).to.not.equal(first.name);
            const long = (await provider.check({}, { code: CODE, autoNamePrefix: "x".repeat(80) + ".y" })).inputs;
            expect(long.name).to.match(/^[A-Za-z0-9_-]{1,64}$/);
        });

        it("rejects a bad name, an unknown runtime, oversized code and aws: tag keys, naming the field", async () => {
            const f = await failures({ name: "bad name!", runtime: "nodejs20.x", tags: { "AWS:owner": "me" } });
            expect(f.map((x) => x.property)).to.have.members(["name", "runtime", "tags"]);
            expect(f.find((x) => x.property === "name")!.reason).to.contain("[A-Za-z0-9_-]{1,64}");
            expect(f.find((x) => x.property === "tags")!.reason).to.contain("AWS:owner");
            const big = "// " + "x".repeat(10240) + "\n" + CODE;
            const g = await failures({ code: big });
            expect(g).to.have.length(1);
            expect(g[0].property).to.equal("code");
            expect(g[0].reason).to.contain("10240 bytes");
            expect(await failures({ name: "a".repeat(65) })).to.have.length(1);
            expect(await failures({ name: "ok_Name-1", code: "x".repeat(10240) })).to.deep.equal([]);
        });

        it("reports a JavaScript syntax error with line and column", async () => {
            const f = await failures({ code: "function handler(event) {\n  var x = ;\n  return event.request;\n}" });
            expect(f).to.have.length(1);
            expect(f[0].property).to.equal("code");
            expect(f[0].reason).to.contain("line 2, column 11").and.contain("SyntaxError");
            expect(syntaxError("async function handler(e) {\n  const v = e?.a ?? 1;\n  return v;\n}")).to.equal(undefined);
            expect(syntaxError("import cf from 'cloudfront';\nconst kvs = cf.kvs('id');\nasync function handler(e) { return e.request; }")).to.equal(
                undefined,
            );
        });

        it("keeps the ARN among the inputs of an existing function (known in previews), never for a new name", async () => {
            const kept = (await provider.check({ name: "fn", arn: ARN }, { name: "fn", code: CODE2 })).inputs;
            expect(kept.arn).to.equal(ARN);
            expect(cf.calls()).to.have.length(0);
            cf.on(DescribeFunctionCommand, { Name: "fn", Stage: "DEVELOPMENT" }).resolves({ ETag: "E1", FunctionSummary: summary("DEVELOPMENT") });
            const looked = (await provider.check({ name: "fn" }, { name: "fn", code: CODE2 })).inputs;
            expect(looked.arn).to.equal(ARN);
            const renamed = (await provider.check({ name: "fn", arn: ARN }, { name: "fn2", code: CODE2, arn: ARN })).inputs;
            expect(renamed).to.not.have.property("arn");
        });

        it("accepts unknown (computed) values at preview and rejects a bad adopt mode", async () => {
            const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            expect(await failures({ code: unknown, name: unknown, tags: unknown })).to.deep.equal([]);
            const f = await failures({ adopt: { id: "fn", mode: "take" } });
            expect(f.map((x) => x.property)).to.deep.equal(["adopt"]);
        });
    });
});
