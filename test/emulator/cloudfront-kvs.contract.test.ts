// Contract: CloudFront KeyValueStores, the control plane, and what CreateFunction / UpdateFunction accept
// (docs/aws-contract.md, "CloudFront KeyValueStores" and "Function code size").
import {
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DeleteFunctionCommand,
  DeleteKeyValueStoreCommand,
  DescribeFunctionCommand,
  DescribeKeyValueStoreCommand,
  FunctionConfig,
  ListKeyValueStoresCommand,
  ListTagsForResourceCommand,
  PublishFunctionCommand,
  TagResourceCommand,
  UpdateFunctionCommand,
  UpdateKeyValueStoreCommand,
} from "@aws-sdk/client-cloudfront";
import { CreateStackCommand, DeleteStackCommand, DescribeStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, code, expectAwsError, pollUntil, unique } from "./fixtures";

const KVS_ARN = /^arn:aws:cloudfront::123456789012:key-value-store\/[0-9a-f-]{36}$/;

describe("emulator contract: CloudFront KeyValueStores (control plane)", function () {
  this.timeout(60_000);
  const emu = useEmulator();
  const cf = () => clients(emu()).cf;

  async function createStore(name = unique("kvs"), extra: { Comment?: string; Tags?: { Items: { Key: string; Value: string }[] } } = {}) {
    const out = await cf().send(new CreateKeyValueStoreCommand({ Name: name, ...extra }));
    return { name, out, arn: out.KeyValueStore!.ARN!, etag: out.ETag! };
  }

  function config(arns: string[], runtime: "cloudfront-js-1.0" | "cloudfront-js-2.0" = "cloudfront-js-2.0"): FunctionConfig {
    return {
      Comment: "",
      Runtime: runtime,
      KeyValueStoreAssociations: { Quantity: arns.length, Items: arns.map((KeyValueStoreARN) => ({ KeyValueStoreARN })) },
    };
  }

  it("CreateKeyValueStore answers 201-style: the store PROVISIONING, an ETag and a Location; the store then reads READY", async () => {
    await emu().setConfig({ kvsSeconds: 0.3 });
    const { name, out } = await createStore(undefined, { Comment: "routes" });
    const s = out.KeyValueStore!;
    expect(s).to.include({ Name: name, Comment: "routes", Status: "PROVISIONING" });
    expect(s.ARN).to.match(KVS_ARN);
    expect(s.ARN!.endsWith(`/${s.Id}`)).to.equal(true);
    expect(s.LastModifiedTime).to.be.instanceOf(Date);
    expect(out.ETag).to.be.a("string").that.is.not.empty;
    expect(out.Location).to.contain(`/key-value-store/${name}`);
    const ready = await pollUntil(
      () => cf().send(new DescribeKeyValueStoreCommand({ Name: name })),
      (d) => d.KeyValueStore?.Status === "READY",
    );
    expect(ready.ETag).to.equal(out.ETag);
    expect(ready.KeyValueStore!.ARN).to.equal(s.ARN);
  });

  it("a taken name: 409 EntityAlreadyExists; ImportSource: 400 UnsupportedOperation (emulator); an unknown name: 404 EntityNotFound on describe, update and delete", async () => {
    const { name } = await createStore();
    await expectAwsError(createStore(name), "EntityAlreadyExists", 409);
    await expectAwsError(
      cf().send(new CreateKeyValueStoreCommand({ Name: unique("kvs"), ImportSource: { SourceType: "S3", SourceARN: "arn:aws:s3:::bucket/kvs.json" } })),
      "UnsupportedOperation",
      400,
    );
    const Name = unique("missing");
    await expectAwsError(cf().send(new DescribeKeyValueStoreCommand({ Name })), "EntityNotFound", 404);
    await expectAwsError(cf().send(new UpdateKeyValueStoreCommand({ Name, Comment: "x", IfMatch: "X" })), "EntityNotFound", 404);
    await expectAwsError(cf().send(new DeleteKeyValueStoreCommand({ Name, IfMatch: "X" })), "EntityNotFound", 404);
  });

  it("UpdateKeyValueStore changes the comment with a new ETag; IfMatch missing 400, stale 412", async () => {
    const { name, etag } = await createStore(undefined, { Comment: "one" });
    const upd = await cf().send(new UpdateKeyValueStoreCommand({ Name: name, Comment: "two", IfMatch: etag }));
    expect(upd.KeyValueStore!.Comment).to.equal("two");
    expect(upd.ETag).to.be.a("string").and.not.equal(etag);
    await expectAwsError(cf().send(new UpdateKeyValueStoreCommand({ Name: name, Comment: "three", IfMatch: etag })), "PreconditionFailed", 412);
    await expectAwsError(
      cf().send(new UpdateKeyValueStoreCommand({ Name: name, Comment: "three", IfMatch: undefined as unknown as string })),
      "InvalidIfMatchVersion",
      400,
    );
    const d = await cf().send(new DescribeKeyValueStoreCommand({ Name: name }));
    expect(d.KeyValueStore!.Comment).to.equal("two");
    expect(d.ETag).to.equal(upd.ETag);
  });

  it("DeleteKeyValueStore: stale IfMatch 412; 409 CannotDeleteEntityWhileInUse while a function associates it; then gone", async () => {
    const store = await createStore();
    const fnName = unique("fn");
    const fn = await cf().send(
      new CreateFunctionCommand({ Name: fnName, FunctionConfig: config([store.arn]), FunctionCode: code("function handler(e) { return e.request; }") }),
    );
    await expectAwsError(cf().send(new DeleteKeyValueStoreCommand({ Name: store.name, IfMatch: "stale" })), "PreconditionFailed", 412);
    const inUse = await expectAwsError(cf().send(new DeleteKeyValueStoreCommand({ Name: store.name, IfMatch: store.etag })), "CannotDeleteEntityWhileInUse", 409);
    expect(inUse.message).to.contain(fnName);

    // LIVE keeps the association after DEVELOPMENT drops it: still in use.
    await cf().send(new PublishFunctionCommand({ Name: fnName, IfMatch: fn.ETag }));
    const upd = await cf().send(
      new UpdateFunctionCommand({ Name: fnName, IfMatch: fn.ETag, FunctionConfig: config([]), FunctionCode: code("function handler(e) { return e.request; }") }),
    );
    await expectAwsError(cf().send(new DeleteKeyValueStoreCommand({ Name: store.name, IfMatch: store.etag })), "CannotDeleteEntityWhileInUse", 409);

    const dev = await cf().send(new DescribeFunctionCommand({ Name: fnName, Stage: "DEVELOPMENT" }));
    await cf().send(new DeleteFunctionCommand({ Name: fnName, IfMatch: dev.ETag ?? upd.ETag }));
    await cf().send(new DeleteKeyValueStoreCommand({ Name: store.name, IfMatch: store.etag }));
    await expectAwsError(cf().send(new DescribeKeyValueStoreCommand({ Name: store.name })), "EntityNotFound", 404);
  });

  it("ListKeyValueStores pages with MaxItems and NextMarker, and filters by Status", async () => {
    const names = [unique("ka"), unique("kb"), unique("kc")];
    for (const n of names) await createStore(n);
    const first = await cf().send(new ListKeyValueStoresCommand({ MaxItems: 2 }));
    const list = first.KeyValueStoreList!;
    expect(list.Quantity).to.equal(2);
    expect(list.MaxItems).to.equal(2);
    expect(list.NextMarker).to.be.a("string").that.is.not.empty;
    const rest = await cf().send(new ListKeyValueStoresCommand({ MaxItems: 2, Marker: list.NextMarker }));
    const seen = [...(list.Items ?? []), ...(rest.KeyValueStoreList!.Items ?? [])].map((s) => s.Name).sort();
    expect(seen).to.deep.equal([...names].sort());
    expect(rest.KeyValueStoreList!.NextMarker).to.equal(undefined);

    await emu().setConfig({ kvsSeconds: 3600 });
    const slow = await createStore();
    const provisioning = await cf().send(new ListKeyValueStoresCommand({ Status: "PROVISIONING" }));
    expect((provisioning.KeyValueStoreList!.Items ?? []).map((s) => s.Name)).to.deep.equal([slow.name]);
    const ready = await cf().send(new ListKeyValueStoresCommand({ Status: "READY" }));
    expect((ready.KeyValueStoreList!.Items ?? []).map((s) => s.Name).sort()).to.deep.equal([...names].sort());
  });

  it("stores take tags: at create and with TagResource on the store ARN; aws: keys are refused", async () => {
    const store = await createStore(undefined, { Tags: { Items: [{ Key: "team", Value: "edge" }] } });
    await cf().send(new TagResourceCommand({ Resource: store.arn, Tags: { Items: [{ Key: "env", Value: "prod" }] } }));
    const tags = await cf().send(new ListTagsForResourceCommand({ Resource: store.arn }));
    expect(Object.fromEntries((tags.Tags!.Items ?? []).map((t) => [t.Key, t.Value]))).to.deep.equal({ team: "edge", env: "prod" });
    await expectAwsError(createStore(undefined, { Tags: { Items: [{ Key: "aws:x", Value: "y" }] } }), "InvalidArgument", 400);
    const gone = store.arn.replace(/[0-9a-f]{12}$/, "000000000000");
    await expectAwsError(cf().send(new ListTagsForResourceCommand({ Resource: gone })), "NoSuchResource", 404);
  });

  it("CloudFormation AWS::CloudFront::KeyValueStore makes a store (physical id: its name), a function can associate it, the stack's delete removes it", async () => {
    const { cfn } = clients(emu());
    const storeName = unique("cfnkvs");
    const fnName = unique("cfnfn");
    const template = {
      Resources: {
        Store: { Type: "AWS::CloudFront::KeyValueStore", Properties: { Name: storeName, Comment: "from a stack" } },
        Fn: {
          Type: "AWS::CloudFront::Function",
          Properties: {
            Name: fnName,
            FunctionCode: "function handler(event) { return event.request; }",
            FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0", KeyValueStoreAssociations: [{ KeyValueStoreARN: { "Fn::GetAtt": ["Store", "Arn"] } }] },
          },
        },
      },
    };
    const StackName = unique("stack");
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: JSON.stringify(template) }));
    const res = await cfn.send(new DescribeStackResourcesCommand({ StackName }));
    const store = res.StackResources!.find((r) => r.LogicalResourceId === "Store")!;
    expect(store.ResourceType).to.equal("AWS::CloudFront::KeyValueStore");
    expect(store.PhysicalResourceId).to.equal(storeName);
    const d = await cf().send(new DescribeKeyValueStoreCommand({ Name: storeName }));
    expect(d.KeyValueStore!.Comment).to.equal("from a stack");
    const fn = await cf().send(new DescribeFunctionCommand({ Name: fnName, Stage: "DEVELOPMENT" }));
    expect(fn.FunctionSummary!.FunctionConfig!.KeyValueStoreAssociations!.Items!.map((i) => i.KeyValueStoreARN)).to.deep.equal([d.KeyValueStore!.ARN]);
    await expectAwsError(cf().send(new DeleteKeyValueStoreCommand({ Name: storeName, IfMatch: d.ETag })), "CannotDeleteEntityWhileInUse", 409);
    await cfn.send(new DeleteStackCommand({ StackName }));
    await expectAwsError(cf().send(new DescribeKeyValueStoreCommand({ Name: storeName })), "EntityNotFound", 404);
  });

  describe("what CreateFunction and UpdateFunction accept", () => {
    const handler = "function handler(e) { return e.request; }";

    it("code over 10 KB (10240 bytes): 413 FunctionSizeLimitExceeded on create and update; exactly 10240 bytes is accepted", async () => {
      const big = "/*" + "x".repeat(10240 - 4) + "*/";
      expect(big.length).to.equal(10240);
      const Name = unique("fn");
      const out = await cf().send(new CreateFunctionCommand({ Name, FunctionConfig: config([]), FunctionCode: code(big) }));
      await expectAwsError(
        cf().send(new CreateFunctionCommand({ Name: unique("fn"), FunctionConfig: config([]), FunctionCode: code(big + " ") })),
        "FunctionSizeLimitExceeded",
        413,
      );
      await expectAwsError(
        cf().send(new UpdateFunctionCommand({ Name, IfMatch: out.ETag, FunctionConfig: config([]), FunctionCode: code(big + " ") })),
        "FunctionSizeLimitExceeded",
        413,
      );
    });

    it("a key value store that does not exist, or is still PROVISIONING: 400 InvalidArgument on create and update", async () => {
      const missing = "arn:aws:cloudfront::123456789012:key-value-store/00000000-1111-2222-3333-444444444444";
      const err = await expectAwsError(
        cf().send(new CreateFunctionCommand({ Name: unique("fn"), FunctionConfig: config([missing]), FunctionCode: code(handler) })),
        "InvalidArgument",
        400,
      );
      expect(err.message).to.contain(missing);
      const Name = unique("fn");
      const out = await cf().send(new CreateFunctionCommand({ Name, FunctionConfig: config([]), FunctionCode: code(handler) }));
      await expectAwsError(
        cf().send(new UpdateFunctionCommand({ Name, IfMatch: out.ETag, FunctionConfig: config([missing]), FunctionCode: code(handler) })),
        "InvalidArgument",
        400,
      );

      await emu().setConfig({ kvsSeconds: 3600 });
      const provisioning = await createStore();
      const early = await expectAwsError(
        cf().send(new CreateFunctionCommand({ Name: unique("fn"), FunctionConfig: config([provisioning.arn]), FunctionCode: code(handler) })),
        "InvalidArgument",
        400,
      );
      expect(early.message).to.contain("cannot be associated before the resource is provisioned");
    });

    it("a READY store is accepted and read back; two stores, or a store on cloudfront-js-1.0: 400 InvalidArgument", async () => {
      const a = await createStore();
      const b = await createStore();
      const Name = unique("fn");
      await cf().send(new CreateFunctionCommand({ Name, FunctionConfig: config([a.arn]), FunctionCode: code(handler) }));
      const d = await cf().send(new DescribeFunctionCommand({ Name, Stage: "DEVELOPMENT" }));
      expect(d.FunctionSummary!.FunctionConfig!.KeyValueStoreAssociations!.Items!.map((i) => i.KeyValueStoreARN)).to.deep.equal([a.arn]);
      await expectAwsError(
        cf().send(new CreateFunctionCommand({ Name: unique("fn"), FunctionConfig: config([a.arn, b.arn]), FunctionCode: code(handler) })),
        "InvalidArgument",
        400,
      );
      await expectAwsError(
        cf().send(new CreateFunctionCommand({ Name: unique("fn"), FunctionConfig: config([a.arn], "cloudfront-js-1.0"), FunctionCode: code(handler) })),
        "InvalidArgument",
        400,
      );
    });
  });
});
