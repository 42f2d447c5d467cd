// Contract: the CloudFront KeyValueStore data plane (cloudfront-keyvaluestore), signed with SigV4A by the JS SDK, and
// cf.kvs() in TestFunction (docs/aws-contract.md, "CloudFront KeyValueStores").
//
// The SDK sends every call to {account}.{endpoint host}: with AWS_ENDPOINT_URL=http://localhost:PORT that is
// 123456789012.localhost, a name under localhost, which resolves to the loopback (RFC 6761) once the client's agent
// says so; Node's resolver does not by itself.
import "@aws-sdk/signature-v4a"; // registers the JS SigV4A signer the client needs (no CRT)
import { CreateFunctionCommand, CreateKeyValueStoreCommand, TestFunctionCommand } from "@aws-sdk/client-cloudfront";
import {
  CloudFrontKeyValueStoreClient,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  UpdateKeysCommand,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, code, expectAwsError, localhostAgent, unique, viewerRequest } from "./fixtures";

const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

interface Sent {
  hostname: string;
  authorization: string;
  regionSet: string;
}

function kvsClient(endpoint: string | undefined, sent: Sent[] = []): CloudFrontKeyValueStoreClient {
  const client = new CloudFrontKeyValueStoreClient({
    ...(endpoint ? { endpoint } : {}),
    region: "us-east-1",
    credentials,
    maxAttempts: 1,
    requestHandler: { httpAgent: localhostAgent() },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { hostname: string; headers: Record<string, string> };
      sent.push({ hostname: req.hostname, authorization: req.headers["authorization"] ?? "", regionSet: req.headers["x-amz-region-set"] ?? "" });
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: "recordSent" },
  );
  return client;
}

describe("emulator contract: CloudFront KeyValueStore data plane", function () {
  this.timeout(60_000);
  const emu = useEmulator();
  const cf = () => clients(emu()).cf;
  const localEndpoint = () => emu().env().AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE;
  const kvs = (sent?: Sent[]) => kvsClient(localEndpoint(), sent);

  async function createStore(name = unique("kvs")) {
    const out = await cf().send(new CreateKeyValueStoreCommand({ Name: name }));
    return { name, arn: out.KeyValueStore!.ARN!, id: out.KeyValueStore!.Id! };
  }

  async function etagOf(KvsARN: string): Promise<string> {
    return (await kvs().send(new DescribeKeyValueStoreCommand({ KvsARN }))).ETag!;
  }

  it("the JS SDK signs with SigV4A and calls {account}.{endpoint host}; the emulator answers DescribeKeyValueStore", async () => {
    const store = await createStore();
    const sent: Sent[] = [];
    const out = await kvs(sent).send(new DescribeKeyValueStoreCommand({ KvsARN: store.arn }));
    expect(out.KvsARN).to.equal(store.arn);
    expect(out.ItemCount).to.equal(0);
    expect(out.TotalSizeInBytes).to.equal(0);
    expect(out.Status).to.equal("READY");
    expect(out.Created).to.be.instanceOf(Date);
    expect(out.ETag).to.be.a("string").that.is.not.empty;
    expect(sent).to.have.length(1);
    expect(sent[0].hostname).to.equal("123456789012.localhost");
    expect(sent[0].authorization).to.match(/^AWS4-ECDSA-P256-SHA256 Credential=testing\/\d{8}\/cloudfront-keyvaluestore\/aws4_request, /);
    expect(sent[0].regionSet).to.equal("*");
    const calls = (await emu().calls()).filter((c) => c.service === "cloudfront-keyvaluestore");
    expect(calls.map((c) => [c.operation, c.status, c.accessKeyId, c.region])).to.deep.equal([["DescribeKeyValueStore", 200, "testing", "*"]]);
  });

  it("AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE, or AWS_ENDPOINT_URL, points a client with no endpoint at the emulator", async () => {
    const store = await createStore();
    for (const variable of ["AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE", "AWS_ENDPOINT_URL"]) {
      const saved = { specific: process.env.AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE, general: process.env.AWS_ENDPOINT_URL };
      delete process.env.AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE;
      delete process.env.AWS_ENDPOINT_URL;
      process.env[variable] = localEndpoint();
      try {
        const sent: Sent[] = [];
        const out = await kvsClient(undefined, sent).send(new DescribeKeyValueStoreCommand({ KvsARN: store.arn }));
        expect(out.KvsARN, variable).to.equal(store.arn);
        expect(sent[0].hostname, variable).to.equal("123456789012.localhost");
      } finally {
        for (const [k, v] of [["AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE", saved.specific], ["AWS_ENDPOINT_URL", saved.general]] as const) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    }
  });

  it("a request not signed with SigV4A: 403 AccessDeniedException; one for another account's host: 400 ValidationException", async () => {
    const store = await createStore();
    const res = await fetch(`http://127.0.0.1:${emu().port}/key-value-stores/${encodeURIComponent(store.arn)}`, {
      headers: {
        host: `123456789012.localhost:${emu().port}`,
        authorization: "AWS4-HMAC-SHA256 Credential=testing/20261204/us-east-1/cloudfront-keyvaluestore/aws4_request, SignedHeaders=host, Signature=00",
      },
    });
    expect(res.status).to.equal(403);
    expect(res.headers.get("x-amzn-errortype")).to.equal("AccessDeniedException");

    // SigV4A-shaped, but sent to another account's host: the store's account is the endpoint's first label.
    const other = await fetch(`http://127.0.0.1:${emu().port}/key-value-stores/${encodeURIComponent(store.arn)}`, {
      headers: {
        host: `999999999999.localhost:${emu().port}`,
        authorization: "AWS4-ECDSA-P256-SHA256 Credential=testing/20261204/cloudfront-keyvaluestore/aws4_request, SignedHeaders=host, Signature=00",
        "x-amz-region-set": "*",
      },
    });
    expect(other.status).to.equal(400);
    expect(other.headers.get("x-amzn-errortype")).to.equal("ValidationException");
  });

  it("PutKey, GetKey, DeleteKey: every write needs the current ETag and answers a new one; stale 400 ValidationException", async () => {
    const { arn } = await createStore();
    const e0 = await etagOf(arn);
    const put = await kvs().send(new PutKeyCommand({ KvsARN: arn, Key: "a/b", Value: "one", IfMatch: e0 }));
    expect(put.ETag).to.be.a("string").and.not.equal(e0);
    expect(put.ItemCount).to.equal(1);
    expect(put.TotalSizeInBytes).to.equal("a/b".length + "one".length);
    const got = await kvs().send(new GetKeyCommand({ KvsARN: arn, Key: "a/b" }));
    expect(got).to.include({ Key: "a/b", Value: "one", ItemCount: 1 });

    const stale = await expectAwsError(kvs().send(new PutKeyCommand({ KvsARN: arn, Key: "a/b", Value: "two", IfMatch: e0 })), "ValidationException", 400);
    expect(stale.message).to.contain("Pre-Condition failed");
    expect((await kvs().send(new GetKeyCommand({ KvsARN: arn, Key: "a/b" }))).Value).to.equal("one");

    const same = await kvs().send(new DeleteKeyCommand({ KvsARN: arn, Key: "absent", IfMatch: put.ETag }));
    expect(same.ETag).to.equal(put.ETag);
    expect(same.ItemCount).to.equal(1);
    const del = await kvs().send(new DeleteKeyCommand({ KvsARN: arn, Key: "a/b", IfMatch: put.ETag }));
    expect(del.ETag).to.not.equal(put.ETag);
    expect(del.ItemCount).to.equal(0);
    await expectAwsError(kvs().send(new GetKeyCommand({ KvsARN: arn, Key: "a/b" })), "ResourceNotFoundException", 404);
    expect(await etagOf(arn)).to.equal(del.ETag);
  });

  it("UpdateKeys puts and deletes all or nothing; ListKeys pages in key order", async () => {
    const { arn } = await createStore();
    const e0 = await etagOf(arn);
    const keys = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    const up = await kvs().send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: e0, Puts: keys.map((Key) => ({ Key, Value: `v-${Key}` })) }));
    expect(up.ItemCount).to.equal(12);
    await expectAwsError(
      kvs().send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: up.ETag, Puts: [{ Key: "new", Value: "x" }], Deletes: [{ Key: "k00" }, { Key: "new" }] })),
      "ValidationException",
      400,
    );
    expect(await etagOf(arn)).to.equal(up.ETag);
    const up2 = await kvs().send(
      new UpdateKeysCommand({ KvsARN: arn, IfMatch: up.ETag, Puts: [{ Key: "k00", Value: "changed" }], Deletes: [{ Key: "k11" }] }),
    );
    expect(up2.ItemCount).to.equal(11);

    const first = await kvs().send(new ListKeysCommand({ KvsARN: arn, MaxResults: 5 }));
    expect(first.Items!.map((i) => i.Key)).to.deep.equal(keys.slice(0, 5));
    expect(first.Items![0].Value).to.equal("changed");
    const all = [...first.Items!];
    let token = first.NextToken;
    while (token) {
      const page = await kvs().send(new ListKeysCommand({ KvsARN: arn, MaxResults: 5, NextToken: token }));
      all.push(...page.Items!);
      token = page.NextToken;
    }
    expect(all.map((i) => i.Key)).to.deep.equal(keys.slice(0, 11));
  });

  it("UpdateKeys takes at most 50 keys, Puts and Deletes together: 51 is 400 ValidationException and changes nothing", async () => {
    const { arn } = await createStore();
    const e0 = await etagOf(arn);
    const puts = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    await expectAwsError(kvs().send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: e0, Puts: puts, Deletes: [{ Key: "other" }] })), "ValidationException", 400);
    expect(await etagOf(arn)).to.equal(e0);
    const up = await kvs().send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: e0, Puts: puts }));
    expect(up.ItemCount).to.equal(50);
  });

  it("quotas: a key over 512 bytes, or a key and value over 1 KB, is 400 ValidationException", async () => {
    const { arn } = await createStore();
    const e0 = await etagOf(arn);
    await expectAwsError(kvs().send(new PutKeyCommand({ KvsARN: arn, Key: "k".repeat(513), Value: "v", IfMatch: e0 })), "ValidationException", 400);
    await expectAwsError(kvs().send(new PutKeyCommand({ KvsARN: arn, Key: "k", Value: "v".repeat(1024), IfMatch: e0 })), "ValidationException", 400);
    await kvs().send(new PutKeyCommand({ KvsARN: arn, Key: "k", Value: "v".repeat(1023), IfMatch: e0 }));
  });

  it("a store holds at most 5 MB (5242880 bytes of keys and values): a key more is 402 ServiceQuotaExceededException", async () => {
    const { arn } = await createStore();
    let etag = await etagOf(arn);
    // 5120 items of 1024 bytes (a 5-byte key and a 1019-byte value), in batches of 50 (the UpdateKeys quota).
    const items = Array.from({ length: 5120 }, (_, i) => ({ Key: `k${String(i).padStart(4, "0")}`, Value: "v".repeat(1019) }));
    for (let i = 0; i < items.length; i += 50) {
      etag = (await kvs().send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: etag, Puts: items.slice(i, i + 50) }))).ETag!;
    }
    const full = await kvs().send(new DescribeKeyValueStoreCommand({ KvsARN: arn }));
    expect(full.TotalSizeInBytes).to.equal(5 * 1024 * 1024);
    await expectAwsError(kvs().send(new PutKeyCommand({ KvsARN: arn, Key: "k", Value: "", IfMatch: etag })), "ServiceQuotaExceededException", 402);
    expect(await etagOf(arn)).to.equal(etag);
  });

  it("an unknown store: 404 ResourceNotFoundException; a store still PROVISIONING: 409 ConflictException", async () => {
    const unknown = "arn:aws:cloudfront::123456789012:key-value-store/00000000-1111-2222-3333-444444444444";
    await expectAwsError(kvs().send(new DescribeKeyValueStoreCommand({ KvsARN: unknown })), "ResourceNotFoundException", 404);
    await emu().setConfig({ kvsSeconds: 3600 });
    const { arn } = await createStore();
    await expectAwsError(kvs().send(new DescribeKeyValueStoreCommand({ KvsARN: arn })), "ConflictException", 409);
  });

  it("fault injection reaches the data plane: a throttled PutKey is 400 ThrottlingException, in the call log, and changes nothing", async () => {
    const { arn } = await createStore();
    const e0 = await etagOf(arn);
    await emu().setFaults({ throttle: 1, operations: ["cloudfront-keyvaluestore:PutKey"] });
    await expectAwsError(kvs().send(new PutKeyCommand({ KvsARN: arn, Key: "k", Value: "v", IfMatch: e0 })), "ThrottlingException", 400);
    await emu().clearFaults();
    expect(await etagOf(arn)).to.equal(e0);
    const put = (await emu().calls()).filter((c) => c.operation === "PutKey");
    expect(put.map((c) => [c.service, c.fault, c.status])).to.deep.equal([["cloudfront-keyvaluestore", "throttle", 400]]);
  });

  it("TestFunction: cf.kvs() of cloudfront-js-2.0 reads the associated store's items", async () => {
    const store = await createStore();
    await kvs().send(
      new UpdateKeysCommand({
        KvsARN: store.arn,
        IfMatch: await etagOf(store.arn),
        Puts: [
          { Key: "/old", Value: "/new" },
          { Key: "cfg", Value: '{"flag":true}' },
        ],
      }),
    );
    const body = [
      "import cf from 'cloudfront';",
      "const kvs = cf.kvs();",
      "async function handler(event) {",
      "  const r = event.request;",
      "  if (await kvs.exists(r.uri)) { r.uri = await kvs.get(r.uri); }",
      "  const cfg = await kvs.get('cfg', { format: 'json' });",
      "  r.headers['x-flag'] = { value: String(cfg.flag) };",
      "  const meta = await kvs.meta();",
      "  console.log('keys', meta.keyCount);",
      "  if (r.uri === '/boom') { await kvs.get('absent'); }",
      "  return r;",
      "}",
    ].join("\n");
    const Name = unique("fn");
    const created = await cf().send(
      new CreateFunctionCommand({
        Name,
        FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0", KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: store.arn }] } },
        FunctionCode: code(body),
      }),
    );
    const run = async (uri: string) =>
      (await cf().send(new TestFunctionCommand({ Name, IfMatch: created.ETag, EventObject: new TextEncoder().encode(JSON.stringify(viewerRequest(uri))) })))
        .TestResult!;
    const hit = await run("/old");
    expect(hit.FunctionErrorMessage).to.equal("");
    const out = JSON.parse(hit.FunctionOutput!);
    expect(out.request.uri).to.equal("/new");
    expect(out.request.headers["x-flag"]).to.deep.equal({ value: "true" });
    expect(hit.FunctionExecutionLogs).to.deep.equal(["keys 2"]);
    expect(JSON.parse((await run("/other")).FunctionOutput!).request.uri).to.equal("/other");
    const miss = await run("/boom");
    expect(miss.FunctionErrorMessage).to.contain("absent");
    expect(miss.FunctionOutput).to.equal("");
  });
});
