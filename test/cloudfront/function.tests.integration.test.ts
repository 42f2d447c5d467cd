// cloudfront.Function against the emulator: `tests` run with TestFunction
// before every publish (create, update, adoption; at check when DEVELOPMENT
// already holds the code), and the optional fields owned only when declared
// (an omitted keyValueStoreAssociations keeps the live store).
import {
    CreateFunctionCommand,
    CreateKeyValueStoreCommand,
    DescribeFunctionCommand,
    GetFunctionCommand,
    PublishFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { provider } from "../../provider/cloudfront/function/adapter";
import type { FunctionOutputs } from "../../provider/cloudfront/function/types";
import { useEmulator } from "../helpers/emulator";
import { clients, code, pollUntil, text, unique, viewerRequest } from "../emulator/fixtures";
import { setProviderEnv } from "../helpers/env";

const GOOD = "function handler(event) { var r = event.request; if (r.uri.endsWith('/')) { r.uri += 'index.html'; } return r; }";
const BROKEN = "function handler(event) { console.log('rewriting ' + event.request.uri); return event.request.nope.uri; }";
const WRONG = "function handler(event) { return event.request; }";
const INDEX_TEST = { name: "directory gets index.html", event: viewerRequest("/docs/"), expect: { request: { uri: "/docs/index.html" } } };

describe("cloudfront.Function tests before publish, and field ownership (emulator)", function () {
    const emu = useEmulator();
    const cf = () => clients(emu()).cf;
    let restoreEnv: () => void = () => undefined;

    beforeEach(() => {
        // A generous compute limit: the emulator's utilization is wall time, and this machine is shared.
        restoreEnv = setProviderEnv({ ...emu().env(), ACKLESS_POLL_MIN_MS: "20", ACKLESS_POLL_MAX_MS: "50" });
    });
    afterEach(() => restoreEnv());

    const ops = async () => (await emu().calls()).filter((c) => c.service === "cloudfront").map((c) => c.operation);
    const stageCode = async (name: string, Stage: "DEVELOPMENT" | "LIVE") =>
        text((await cf().send(new GetFunctionCommand({ Name: name, Stage }))).FunctionCode);
    const stageKvs = async (name: string, Stage: "DEVELOPMENT" | "LIVE") =>
        (
            (await cf().send(new DescribeFunctionCommand({ Name: name, Stage }))).FunctionSummary!.FunctionConfig!.KeyValueStoreAssociations?.Items ??
            []
        ).map((i) => i.KeyValueStoreARN);
    async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
        const r = await provider.check(olds, news);
        expect(r.failures).to.deep.equal([]);
        return r.inputs as any;
    }
    async function failureOf(p: Promise<unknown>): Promise<Error & { awsCode?: string }> {
        try {
            await p;
        } catch (err) {
            return err as Error;
        }
        throw new Error("expected a failure");
    }
    async function kvsArn(): Promise<string> {
        const out = await cf().send(new CreateKeyValueStoreCommand({ Name: unique("kvs") }));
        return out.KeyValueStore!.ARN!;
    }

    it("update: a failing test publishes nothing; LIVE keeps the last good code; the error names the test, the difference, the error and the logs", async () => {
        const inputs = await checked({ name: unique("fn"), code: GOOD, tests: [INDEX_TEST] });
        const { id, outs } = await provider.create(inputs);
        expect(outs).to.include({ published: true });
        expect((await ops()).filter((o) => ["CreateFunction", "TagResource", "TestFunction", "PublishFunction"].includes(o))).to.deep.equal([
            "CreateFunction",
            "TagResource",
            "TestFunction",
            "PublishFunction",
        ]);

        // A function that throws.
        const broken = await checked({ ...inputs, code: BROKEN }, inputs);
        await emu().resetCalls();
        const err = await failureOf(provider.update(id, outs, broken));
        expect(err.awsCode).to.equal("FunctionTestFailed");
        expect(err.message).to.include('test "directory gets index.html" failed');
        expect(err.message).to.include("function error:");
        expect(err.message).to.include("TypeError");
        expect(err.message).to.include("rewriting /docs/");
        expect(err.message).to.include("LIVE keeps serving the code it had");
        expect(await ops())
            .to.include("TestFunction")
            .and.not.include("PublishFunction");
        expect(await stageCode(id, "LIVE")).to.equal(GOOD);
        expect(await stageCode(id, "DEVELOPMENT")).to.equal(BROKEN);
        // A read shows DEVELOPMENT unpublished.
        const read = await provider.read(id, outs);
        expect(read.props).to.include({ code: BROKEN, published: false });

        // A function that runs but returns the wrong thing: the difference as a path.
        const wrong = await checked({ ...inputs, code: WRONG }, inputs);
        const err2 = await failureOf(provider.update(id, read.props!, wrong));
        expect(err2.message).to.include('request.uri: expected "/docs/index.html", got "/docs/"');
        expect(await stageCode(id, "LIVE")).to.equal(GOOD);

        // Fixed: tested and published.
        const fixed = await checked({ ...inputs, code: GOOD + " // v2" }, inputs);
        const up = await provider.update(id, read.props!, fixed);
        expect(up.outs).to.include({ published: true });
        expect(await stageCode(id, "LIVE")).to.equal(fixed.code);
    });

    it("create: a failing test leaves the new function unpublished, and the next create (fixed) takes it over and publishes", async () => {
        const name = unique("fn");
        const bad = await checked({ name, code: BROKEN, tests: [INDEX_TEST] });
        const err = await failureOf(provider.create(bad));
        expect(err.message).to.include('test "directory gets index.html" failed');
        expect(await stageCode(name, "DEVELOPMENT")).to.equal(BROKEN);
        await failureOf(stageCode(name, "LIVE")); // never published
        const good = await checked({ name, code: GOOD, tests: [INDEX_TEST] });
        const { outs } = await provider.create(good);
        expect(outs).to.include({ published: true, code: GOOD });
        expect(await stageCode(name, "LIVE")).to.equal(GOOD);
    });

    it("expectError and maxComputeUtilization", async () => {
        const name = unique("fn");
        const tests = [
            { name: "missing header fails", event: viewerRequest("/"), expectError: "TypeError" },
            { name: "cheap enough", event: viewerRequest("/"), maxComputeUtilization: 0 },
        ];
        const err = await failureOf(provider.create(await checked({ name, code: BROKEN, tests })));
        expect(err.message).to.include("1 of 2 tests failed");
        expect(err.message).to.not.include('test "missing header fails"');
        expect(err.message).to.match(
            /test "cheap enough" failed:\n {4}the function failed\n {4}compute utilization \d+ is over maxComputeUtilization 0/,
        );
        const ok = await checked({ name, code: BROKEN, tests: [tests[0], { ...tests[1], maxComputeUtilization: 100, expectError: true }] });
        const { outs } = await provider.create(ok);
        expect(outs).to.include({ published: true });
    });

    it("check runs the tests when DEVELOPMENT already holds the code, naming tests[i]; with other code it leaves them to up", async () => {
        const inputs = await checked({ name: unique("fn"), code: GOOD });
        const { id, outs } = await provider.create(inputs);
        await emu().resetCalls();
        const failing = { ...INDEX_TEST, name: "expects a redirect", expect: { response: { statusCode: 302 } } };
        const r = await provider.check(inputs, { name: id, code: GOOD, tests: [INDEX_TEST, failing] });
        expect(r.failures!.map((f) => f.property)).to.deep.equal(["tests[1]"]);
        expect(r.failures![0].reason).to.include('test "expects a redirect" failed').and.include("response: expected an object, got nothing");
        expect((await ops()).filter((o) => o === "TestFunction")).to.have.length(2);

        await emu().resetCalls();
        const other = await provider.check(inputs, { name: id, code: BROKEN, tests: [INDEX_TEST] });
        expect(other.failures).to.deep.equal([]);
        expect(await ops()).to.not.include("TestFunction");
        // A bad shape is rejected at check whatever the function holds.
        const shape = await provider.check(inputs, {
            name: id,
            code: GOOD,
            tests: [
                { name: "x", event: { ...viewerRequest(), version: "2.0" } },
                { name: "y", event: {} },
            ],
        });
        expect(shape.failures!.map((f) => f.property)).to.deep.equal([
            "tests[0].event.version",
            "tests[1].event.version",
            "tests[1].event.context.eventType",
            "tests[1].event.request",
        ]);
        void outs;
    });

    it("adoption runs the tests before it publishes; a failure leaves LIVE as it was", async () => {
        const name = unique("fn");
        const created = await cf().send(
            new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "outside", Runtime: "cloudfront-js-2.0" }, FunctionCode: code(GOOD) }),
        );
        await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: created.ETag }));
        const r = await provider.check({}, { code: BROKEN, tests: [INDEX_TEST], adopt: { id: name } });
        expect(r.failures).to.deep.equal([]);
        const err = await failureOf(provider.create(r.inputs as any));
        expect(err.message).to.include('test "directory gets index.html" failed');
        expect(await stageCode(name, "LIVE")).to.equal(GOOD);
    });

    it("an omitted keyValueStoreAssociations is not owned: adoption and updates keep the store in both stages", async () => {
        const arn = await kvsArn();
        const name = unique("fn");
        const created = await cf().send(
            new CreateFunctionCommand({
                Name: name,
                FunctionConfig: {
                    Comment: "outside",
                    Runtime: "cloudfront-js-2.0",
                    KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] },
                },
                FunctionCode: code(WRONG),
            }),
        );
        await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: created.ETag }));
        const r = await provider.check({}, { code: GOOD, adopt: { id: name } });
        expect(r.failures).to.deep.equal([]);
        const { id, outs } = await provider.create(r.inputs as any);
        expect(await stageKvs(name, "DEVELOPMENT")).to.deep.equal([arn]);
        expect(await stageKvs(name, "LIVE")).to.deep.equal([arn]);
        expect(await stageCode(name, "LIVE")).to.equal(GOOD);
        expect(outs).to.deep.include({ keyValueStoreAssociations: [arn], comment: "outside", published: true });

        // An update of the code keeps it too; so does the comment, never declared.
        const v2 = await checked({ code: GOOD + " // v2" }, r.inputs);
        expect((await provider.diff(id, outs, v2)).changes).to.equal(true);
        const up = await provider.update(id, outs, v2);
        expect(await stageKvs(name, "LIVE")).to.deep.equal([arn]);
        expect(up.outs).to.deep.include({ keyValueStoreAssociations: [arn], comment: "outside" });
        expect((await provider.diff(id, up.outs, await checked({ code: GOOD + " // v2" }, v2))).changes).to.equal(false);
    });

    it("a keyValueStoreAssociations declared and then removed is removed (once), and then no longer owned", async () => {
        const arn = await kvsArn();
        const first = await checked({ name: unique("fn"), code: GOOD, keyValueStoreAssociations: [arn] });
        const { id, outs } = await provider.create(first);
        expect(await stageKvs(id, "LIVE")).to.deep.equal([arn]);
        const removed = await checked({ name: id, code: GOOD }, first);
        expect(removed.keyValueStoreAssociations).to.deep.equal([]);
        expect((await provider.diff(id, outs, removed)).changes).to.equal(true);
        const up = await provider.update(id, outs, removed);
        expect(await stageKvs(id, "DEVELOPMENT")).to.deep.equal([]);
        expect(
            await pollUntil(
                () => stageKvs(id, "LIVE"),
                (v) => v.length === 0,
            ),
        ).to.deep.equal([]);
        const after = await checked({ name: id, code: GOOD }, removed);
        expect(after).to.not.have.property("keyValueStoreAssociations");
        expect((await provider.diff(id, up.outs as FunctionOutputs, after)).changes).to.equal(false);
    });
});
