// Contract: CloudFront Functions (two stages, ETags, IfMatch, FunctionInUse) as in aws-contract.md.
import {
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DeleteFunctionCommand,
  DescribeFunctionCommand,
  GetDistributionConfigCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  PublishFunctionCommand,
  UpdateDistributionCommand,
  UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, code, createDistribution, createPublishedFunction, expectAwsError, text, unique, waitDeployed } from "./fixtures";

describe("emulator contract: CloudFront Functions", function () {
  const emu = useEmulator();
  const cf = () => clients(emu()).cf;

  async function create(name = unique("fn"), body = "function handler(e) { return e.request; }") {
    const out = await cf().send(
      new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "c1", Runtime: "cloudfront-js-2.0" }, FunctionCode: code(body) }),
    );
    return { name, out };
  }

  it("UpdateFunction replaces the whole FunctionConfig: one sent without KeyValueStoreAssociations leaves the function without its store", async () => {
    const store = await cf().send(new CreateKeyValueStoreCommand({ Name: unique("kvs") }));
    const arn = store.KeyValueStore!.ARN!;
    const name = unique("fn");
    const made = await cf().send(
      new CreateFunctionCommand({
        Name: name,
        FunctionConfig: { Comment: "c1", Runtime: "cloudfront-js-2.0", KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] } },
        FunctionCode: code("function handler(e) { return e.request; }"),
      }),
    );
    const kvsOf = async () =>
      ((await cf().send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }))).FunctionSummary!.FunctionConfig!.KeyValueStoreAssociations?.Items ?? []).map(
        (i) => i.KeyValueStoreARN,
      );
    expect(await kvsOf()).to.deep.equal([arn]);
    await cf().send(
      new UpdateFunctionCommand({
        Name: name,
        IfMatch: made.ETag,
        FunctionConfig: { Comment: "c2", Runtime: "cloudfront-js-2.0" },
        FunctionCode: code("function handler(e) { return e.request; } // v2"),
      }),
    );
    expect(await kvsOf()).to.deep.equal([]);
  });

  it("CreateFunction puts the code in DEVELOPMENT, UNPUBLISHED, with an ETag and the function ARN", async () => {
    const { name, out } = await create();
    expect(out.ETag).to.be.a("string").that.is.not.empty;
    expect(out.Location).to.contain(`/function/${name}`);
    const s = out.FunctionSummary!;
    expect(s.Name).to.equal(name);
    expect(s.Status).to.equal("UNPUBLISHED");
    expect(s.FunctionConfig).to.include({ Comment: "c1", Runtime: "cloudfront-js-2.0" });
    expect(s.FunctionMetadata!.FunctionARN).to.equal(`arn:aws:cloudfront::123456789012:function/${name}`);
    expect(s.FunctionMetadata!.Stage).to.equal("DEVELOPMENT");
    expect(s.FunctionMetadata!.CreatedTime).to.be.instanceOf(Date);
    expect(s.FunctionMetadata!.LastModifiedTime).to.be.instanceOf(Date);
  });

  it("DescribeFunction reads one stage: DEVELOPMENT after create, LIVE after publish", async () => {
    const { name, out } = await create();
    const dev = await cf().send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
    expect(dev.ETag).to.equal(out.ETag);
    expect(dev.FunctionSummary!.FunctionMetadata!.Stage).to.equal("DEVELOPMENT");
    await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: out.ETag }));
    const live = await cf().send(new DescribeFunctionCommand({ Name: name, Stage: "LIVE" }));
    expect(live.FunctionSummary!.FunctionMetadata!.Stage).to.equal("LIVE");
    expect(live.FunctionSummary!.Status).to.equal("UNASSOCIATED");
  });

  it("GetFunction returns each stage's raw code with its ETag and a content type", async () => {
    const { name, out } = await create(undefined, "/* v1 */");
    const got = await cf().send(new GetFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
    expect(text(got.FunctionCode)).to.equal("/* v1 */");
    expect(got.ETag).to.equal(out.ETag);
    expect(got.ContentType).to.be.a("string").that.is.not.empty;
    await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: out.ETag }));
    const live = await cf().send(new GetFunctionCommand({ Name: name, Stage: "LIVE" }));
    expect(text(live.FunctionCode)).to.equal("/* v1 */");
  });

  it("UpdateFunction changes DEVELOPMENT only; LIVE keeps serving the old code", async () => {
    const { name, out } = await create(undefined, "/* v1 */");
    await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: out.ETag }));
    const upd = await cf().send(
      new UpdateFunctionCommand({ Name: name, IfMatch: out.ETag, FunctionConfig: { Comment: "c2", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("/* v2 */") }),
    );
    expect(upd.ETag).to.not.equal(out.ETag);
    const dev = await cf().send(new GetFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
    const live = await cf().send(new GetFunctionCommand({ Name: name, Stage: "LIVE" }));
    expect(text(dev.FunctionCode)).to.equal("/* v2 */");
    expect(text(live.FunctionCode)).to.equal("/* v1 */");
    const liveDesc = await cf().send(new DescribeFunctionCommand({ Name: name, Stage: "LIVE" }));
    expect(liveDesc.FunctionSummary!.FunctionConfig!.Comment).to.equal("c1");
  });

  it("PublishFunction copies DEVELOPMENT to LIVE", async () => {
    const { name, out } = await create(undefined, "/* v1 */");
    await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: out.ETag }));
    const upd = await cf().send(
      new UpdateFunctionCommand({ Name: name, IfMatch: out.ETag, FunctionConfig: { Comment: "c2", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("/* v2 */") }),
    );
    const pub = await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: upd.ETag }));
    expect(pub.FunctionSummary!.FunctionMetadata!.Stage).to.equal("LIVE");
    const live = await cf().send(new GetFunctionCommand({ Name: name, Stage: "LIVE" }));
    expect(text(live.FunctionCode)).to.equal("/* v2 */");
    const liveDesc = await cf().send(new DescribeFunctionCommand({ Name: name, Stage: "LIVE" }));
    expect(liveDesc.FunctionSummary!.FunctionConfig!.Comment).to.equal("c2");
  });

  it("DEVELOPMENT and LIVE have their own ETags", async () => {
    const { name, out } = await create();
    await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: out.ETag }));
    const dev = await cf().send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
    const live = await cf().send(new DescribeFunctionCommand({ Name: name, Stage: "LIVE" }));
    expect(dev.ETag).to.be.a("string").that.is.not.empty;
    expect(live.ETag).to.be.a("string").that.is.not.empty;
    expect(live.ETag).to.not.equal(dev.ETag);
    const liveGet = await cf().send(new GetFunctionCommand({ Name: name, Stage: "LIVE" }));
    expect(liveGet.ETag).to.equal(live.ETag);
  });

  it("with functionTagsOnCreate off, CreateFunction carrying Tags is 409 and makes nothing; without Tags it succeeds (#2508)", async () => {
    await emu().setConfig({ functionTagsOnCreate: false });
    const name = unique("fn");
    const send = (tags: boolean) =>
      cf().send(
        new CreateFunctionCommand({
          Name: name,
          FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" },
          FunctionCode: code("function handler(e) { return e.request; }"),
          ...(tags ? { Tags: { Items: [{ Key: "team", Value: "edge" }] } } : {}),
        }),
      );
    const err = await expectAwsError(send(true), "ResourceInUse", 409);
    expect(err.message).to.contain("Unable to create function with tags at this time");
    await expectAwsError(cf().send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" })), "NoSuchFunctionExists", 404);
    await send(false);
  });

  it("CreateFunction with a taken name: 409 FunctionAlreadyExists", async () => {
    const { name } = await create();
    await expectAwsError(create(name), "FunctionAlreadyExists", 409);
  });

  it("unknown function: 404 NoSuchFunctionExists on describe, get, update, publish and delete", async () => {
    const Name = unique("missing");
    await expectAwsError(cf().send(new DescribeFunctionCommand({ Name, Stage: "DEVELOPMENT" })), "NoSuchFunctionExists", 404);
    await expectAwsError(cf().send(new GetFunctionCommand({ Name, Stage: "DEVELOPMENT" })), "NoSuchFunctionExists", 404);
    await expectAwsError(
      cf().send(new UpdateFunctionCommand({ Name, IfMatch: "X", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("") })),
      "NoSuchFunctionExists",
      404,
    );
    await expectAwsError(cf().send(new PublishFunctionCommand({ Name, IfMatch: "X" })), "NoSuchFunctionExists", 404);
    await expectAwsError(cf().send(new DeleteFunctionCommand({ Name, IfMatch: "X" })), "NoSuchFunctionExists", 404);
  });

  it("LIVE stage before the first publish: 404 NoSuchFunctionExists on DescribeFunction and GetFunction", async () => {
    const { name } = await create();
    await expectAwsError(cf().send(new DescribeFunctionCommand({ Name: name, Stage: "LIVE" })), "NoSuchFunctionExists", 404);
    await expectAwsError(cf().send(new GetFunctionCommand({ Name: name, Stage: "LIVE" })), "NoSuchFunctionExists", 404);
  });

  it("stale IfMatch: 412 PreconditionFailed on update, publish and delete; missing IfMatch: 400", async () => {
    const { name, out } = await create();
    const upd = await cf().send(
      new UpdateFunctionCommand({ Name: name, IfMatch: out.ETag, FunctionConfig: { Comment: "x", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("/* 2 */") }),
    );
    expect(upd.ETag).to.not.equal(out.ETag);
    const stale = out.ETag!;
    await expectAwsError(
      cf().send(new UpdateFunctionCommand({ Name: name, IfMatch: stale, FunctionConfig: { Comment: "y", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("/* 3 */") })),
      "PreconditionFailed",
      412,
    );
    await expectAwsError(cf().send(new PublishFunctionCommand({ Name: name, IfMatch: stale })), "PreconditionFailed", 412);
    await expectAwsError(cf().send(new DeleteFunctionCommand({ Name: name, IfMatch: stale })), "PreconditionFailed", 412);
    await expectAwsError(cf().send(new DeleteFunctionCommand({ Name: name, IfMatch: undefined as unknown as string })), "InvalidIfMatchVersion", 400);
    await cf().send(new DeleteFunctionCommand({ Name: name, IfMatch: upd.ETag }));
    await expectAwsError(cf().send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" })), "NoSuchFunctionExists", 404);
  });

  it("publishing when DEVELOPMENT already equals LIVE: 412 PreconditionFailed", async () => {
    const { name, out } = await create();
    await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: out.ETag }));
    await expectAwsError(cf().send(new PublishFunctionCommand({ Name: name, IfMatch: out.ETag })), "PreconditionFailed", 412);
  });

  it("DeleteFunction: 409 FunctionInUse while a distribution associates it; OK once the association is removed", async () => {
    const client = cf();
    const fn = await createPublishedFunction(client);
    const dist = await createDistribution(client, { functionArn: fn.arn });
    const live = await client.send(new DescribeFunctionCommand({ Name: fn.name, Stage: "LIVE" }));
    expect(live.FunctionSummary!.Status).to.equal("ASSOCIATED");
    await expectAwsError(client.send(new DeleteFunctionCommand({ Name: fn.name, IfMatch: fn.etag })), "FunctionInUse", 409);

    await waitDeployed(client, dist.id);
    const current = await client.send(new GetDistributionConfigCommand({ Id: dist.id }));
    const config = current.DistributionConfig!;
    config.DefaultCacheBehavior!.FunctionAssociations = { Quantity: 0 };
    await client.send(new UpdateDistributionCommand({ Id: dist.id, IfMatch: current.ETag, DistributionConfig: config }));
    const after = await client.send(new DescribeFunctionCommand({ Name: fn.name, Stage: "LIVE" }));
    expect(after.FunctionSummary!.Status).to.equal("UNASSOCIATED");
    await client.send(new DeleteFunctionCommand({ Name: fn.name, IfMatch: fn.etag }));
  });

  it("DeleteFunction: 409 FunctionInUse when only an ordered cache behaviour associates it", async () => {
    const client = cf();
    const fn = await createPublishedFunction(client);
    await createDistribution(client, { cacheBehaviorFunctionArn: fn.arn });
    await expectAwsError(client.send(new DeleteFunctionCommand({ Name: fn.name, IfMatch: fn.etag })), "FunctionInUse", 409);
  });

  it("ListFunctions lists both stages, and filters by Stage", async () => {
    const a = await create(unique("fa"));
    const b = await create(unique("fb"));
    await cf().send(new PublishFunctionCommand({ Name: a.name, IfMatch: a.out.ETag }));
    const all = await cf().send(new ListFunctionsCommand({}));
    const pairs = (all.FunctionList!.Items ?? []).map((s) => `${s.Name}:${s.FunctionMetadata!.Stage}`).sort();
    expect(pairs).to.deep.equal([`${a.name}:DEVELOPMENT`, `${a.name}:LIVE`, `${b.name}:DEVELOPMENT`].sort());
    expect(all.FunctionList!.Quantity).to.equal(3);
    const live = await cf().send(new ListFunctionsCommand({ Stage: "LIVE" }));
    expect((live.FunctionList!.Items ?? []).map((s) => s.Name)).to.deep.equal([a.name]);
    const dev = await cf().send(new ListFunctionsCommand({ Stage: "DEVELOPMENT" }));
    expect((dev.FunctionList!.Items ?? []).map((s) => s.Name).sort()).to.deep.equal([a.name, b.name].sort());
  });
});
