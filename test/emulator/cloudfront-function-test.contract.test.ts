// Contract: TestFunction runs a stage's code against an event object (docs/aws-contract.md, "Testing CloudFront functions").
import {
  CreateFunctionCommand,
  DescribeFunctionCommand,
  PublishFunctionCommand,
  TestFunctionCommand,
  TestResult,
  UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { startEmulator, useEmulator } from "../helpers/emulator";
import { clients, code, expectAwsError, unique, viewerRequest } from "./fixtures";

const event = (e: unknown) => new TextEncoder().encode(JSON.stringify(e));

describe("emulator contract: CloudFront TestFunction", function () {
  this.timeout(60_000);
  const emu = useEmulator();
  const cf = () => clients(emu()).cf;

  async function create(body: string, runtime: "cloudfront-js-1.0" | "cloudfront-js-2.0" = "cloudfront-js-2.0") {
    const name = unique("tf");
    const out = await cf().send(
      new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "t", Runtime: runtime }, FunctionCode: code(body) }),
    );
    return { name, etag: out.ETag! };
  }

  async function test(name: string, etag: string, e: unknown = viewerRequest(), Stage?: "DEVELOPMENT" | "LIVE"): Promise<TestResult> {
    const out = await cf().send(new TestFunctionCommand({ Name: name, IfMatch: etag, Stage, EventObject: event(e) }));
    return out.TestResult!;
  }

  it("runs DEVELOPMENT against the event: FunctionOutput is what the handler returned, as {request}, with its logs", async () => {
    const fn = await create(
      'function handler(event) { var r = event.request; console.log("uri", r.uri); r.uri = r.uri + ".v2"; r.headers["x-seen"] = { value: event.viewer.ip }; return r; }',
    );
    const result = await test(fn.name, fn.etag);
    expect(result.FunctionErrorMessage).to.equal("");
    expect(result.FunctionExecutionLogs).to.deep.equal(["uri /index.html"]);
    const output = JSON.parse(result.FunctionOutput!);
    expect(Object.keys(output)).to.deep.equal(["request"]);
    expect(output.request.uri).to.equal("/index.html.v2");
    expect(output.request.headers["x-seen"]).to.deep.equal({ value: "198.51.100.7" });
    expect(result.ComputeUtilization).to.match(/^\d+$/);
    expect(Number(result.ComputeUtilization)).to.be.within(0, 100);
    expect(result.FunctionSummary!.Name).to.equal(fn.name);
    expect(result.FunctionSummary!.FunctionMetadata!.Stage).to.equal("DEVELOPMENT");
  });

  it("a response object (statusCode) from a viewer request, or anything from a viewer response, is FunctionOutput {response}", async () => {
    const redirect = await create(
      'function handler(event) { return { statusCode: 302, statusDescription: "Found", headers: { location: { value: "https://example.com/" } } }; }',
    );
    const out = JSON.parse((await test(redirect.name, redirect.etag)).FunctionOutput!);
    expect(out).to.deep.equal({ response: { statusCode: 302, statusDescription: "Found", headers: { location: { value: "https://example.com/" } } } });

    const headers = await create('function handler(event) { var r = event.response; r.headers["x-frame-options"] = { value: "DENY" }; return r; }');
    const viewerResponse = { ...viewerRequest(), context: { eventType: "viewer-response" }, response: { statusCode: 200, statusDescription: "OK", headers: {}, cookies: {} } };
    const res = JSON.parse((await test(headers.name, headers.etag, viewerResponse)).FunctionOutput!);
    expect(res.response.headers["x-frame-options"]).to.deep.equal({ value: "DENY" });
    expect(res.response.statusCode).to.equal(200);
  });

  it("a handler that throws: FunctionErrorMessage names the error, FunctionOutput is empty, earlier log lines stay", async () => {
    const fn = await create('function handler(event) { console.log("before"); return event.request.headers.missing.value; }');
    const result = await test(fn.name, fn.etag);
    expect(result.FunctionErrorMessage).to.contain("TypeError").and.contain("value");
    expect(result.FunctionErrorMessage).to.match(/^The CloudFront function associated with the CloudFront distribution is invalid or could not run\. /);
    expect(result.FunctionOutput).to.equal("");
    expect(result.FunctionExecutionLogs).to.deep.equal(["before"]);
  });

  it("code that does not compile, an export statement, or no handler: FunctionErrorMessage says so", async () => {
    const broken = await create("function handler(event) { return event.request; ");
    expect((await test(broken.name, broken.etag)).FunctionErrorMessage).to.contain("SyntaxError");
    const exported = await create("function handler(event) { return event.request; }\nexport { handler };");
    expect((await test(exported.name, exported.etag)).FunctionErrorMessage).to.contain("SyntaxError: Illegal export statement");
    const nameless = await create("function main(event) { return event.request; }");
    expect((await test(nameless.name, nameless.etag)).FunctionErrorMessage).to.contain("handler is not defined");
    const nothing = await create("function handler(event) { }");
    expect((await test(nothing.name, nothing.etag)).FunctionErrorMessage).to.contain("must return the request or a response");
  });

  it("function logs are truncated at 10 KB", async () => {
    const fn = await create('function handler(event) { for (var i = 0; i < 40; i++) { console.log(i + ":" + "x".repeat(1000)); } return event.request; }');
    const result = await test(fn.name, fn.etag);
    const bytes = result.FunctionExecutionLogs!.reduce((n, line) => n + Buffer.byteLength(line), 0);
    expect(bytes).to.equal(10240);
    expect(result.FunctionExecutionLogs![0].startsWith("0:x")).to.equal(true);
    expect(result.FunctionErrorMessage).to.equal("");
  });

  it("a handler still running at the compute limit fails with ComputeUtilization 100", async () => {
    await emu().setConfig({ functionTimeLimitMs: 50 });
    const fn = await create("function handler(event) { while (true) {} }");
    const result = await test(fn.name, fn.etag);
    expect(result.FunctionErrorMessage).to.contain("exceeded the maximum allowed compute time");
    expect(result.ComputeUtilization).to.equal("100");
    expect(result.FunctionOutput).to.equal("");
  });

  it("cloudfront-js-2.0 awaits an async handler; cloudfront-js-1.0 refuses async and import", async () => {
    const v2 = await create('async function handler(event) { const r = await Promise.resolve(event.request); r.uri = "/async"; return r; }');
    expect(JSON.parse((await test(v2.name, v2.etag)).FunctionOutput!).request.uri).to.equal("/async");
    const v1 = await create("async function handler(event) { return event.request; }", "cloudfront-js-1.0");
    expect((await test(v1.name, v1.etag)).FunctionErrorMessage).to.contain("async functions are not supported by cloudfront-js-1.0");
    const imp = await create("import cf from 'cloudfront';\nfunction handler(event) { return event.request; }", "cloudfront-js-1.0");
    expect((await test(imp.name, imp.etag)).FunctionErrorMessage).to.contain("SyntaxError");
  });

  it("IfMatch is the tested stage's ETag: missing 400 InvalidIfMatchVersion, stale 412 PreconditionFailed; LIVE runs LIVE's code", async () => {
    const fn = await create('function handler(event) { event.request.uri = "/v1"; return event.request; }');
    await expectAwsError(
      cf().send(new TestFunctionCommand({ Name: fn.name, IfMatch: undefined as unknown as string, EventObject: event(viewerRequest()) })),
      "InvalidIfMatchVersion",
      400,
    );
    await expectAwsError(
      cf().send(new TestFunctionCommand({ Name: fn.name, IfMatch: fn.etag, Stage: "LIVE", EventObject: event(viewerRequest()) })),
      "NoSuchFunctionExists",
      404,
    );
    await cf().send(new PublishFunctionCommand({ Name: fn.name, IfMatch: fn.etag }));
    const upd = await cf().send(
      new UpdateFunctionCommand({
        Name: fn.name,
        IfMatch: fn.etag,
        FunctionConfig: { Comment: "t", Runtime: "cloudfront-js-2.0" },
        FunctionCode: code('function handler(event) { event.request.uri = "/v2"; return event.request; }'),
      }),
    );
    await expectAwsError(
      cf().send(new TestFunctionCommand({ Name: fn.name, IfMatch: fn.etag, Stage: "DEVELOPMENT", EventObject: event(viewerRequest()) })),
      "PreconditionFailed",
      412,
    );
    expect(JSON.parse((await test(fn.name, upd.ETag!, viewerRequest(), "DEVELOPMENT")).FunctionOutput!).request.uri).to.equal("/v2");
    const live = await cf().send(new DescribeFunctionCommand({ Name: fn.name, Stage: "LIVE" }));
    const liveResult = await test(fn.name, live.ETag!, viewerRequest(), "LIVE");
    expect(JSON.parse(liveResult.FunctionOutput!).request.uri).to.equal("/v1");
    expect(liveResult.FunctionSummary!.FunctionMetadata!.Stage).to.equal("LIVE");
  });

  it("no Node.js to run the function: 500 TestFunctionFailed", async () => {
    const saved = process.env.ACKLESS_EMULATOR_NODE;
    process.env.ACKLESS_EMULATOR_NODE = "/nonexistent/node";
    const other = await startEmulator().finally(() => {
      if (saved === undefined) delete process.env.ACKLESS_EMULATOR_NODE;
      else process.env.ACKLESS_EMULATOR_NODE = saved;
    });
    try {
      const client = clients(other).cf;
      const Name = unique("tf");
      const out = await client.send(
        new CreateFunctionCommand({ Name, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("function handler(e) { return e.request; }") }),
      );
      const err = await expectAwsError(
        client.send(new TestFunctionCommand({ Name, IfMatch: out.ETag, EventObject: event(viewerRequest()) })),
        "TestFunctionFailed",
        500,
      );
      expect(err.message).to.contain("Node.js");
    } finally {
      await other.stop();
    }
  });

  it("an event object that is not a JSON object, or over 40960 bytes: 400 InvalidArgument; an unknown function: 404 NoSuchFunctionExists", async () => {
    const fn = await create("function handler(event) { return event.request; }");
    await expectAwsError(
      cf().send(new TestFunctionCommand({ Name: fn.name, IfMatch: fn.etag, EventObject: new TextEncoder().encode("{not json") })),
      "InvalidArgument",
      400,
    );
    const big = { ...viewerRequest(), padding: "x".repeat(40960) };
    await expectAwsError(cf().send(new TestFunctionCommand({ Name: fn.name, IfMatch: fn.etag, EventObject: event(big) })), "InvalidArgument", 400);
    await expectAwsError(
      cf().send(new TestFunctionCommand({ Name: unique("missing"), IfMatch: "X", EventObject: event(viewerRequest()) })),
      "NoSuchFunctionExists",
      404,
    );
  });
});
