// Contract: CloudFront distributions (ETag/IfMatch, InProgress/Deployed, delete rules) as in aws-contract.md.
import {
  CreateDistributionCommand,
  CreateDistributionWithTagsCommand,
  DeleteDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  PublishFunctionCommand,
  UpdateDistributionCommand,
  UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import {
  clients,
  code,
  createDistribution,
  createPublishedFunction,
  distributionConfig,
  expectAwsError,
  pollUntil,
  waitDeployed,
} from "./fixtures";

describe("emulator contract: CloudFront distributions", function () {
  const emu = useEmulator();
  const cf = () => clients(emu()).cf;

  it("CreateDistribution and CreateDistributionWithTags start InProgress, then Deployed after the deploy time", async () => {
    await emu().setConfig({ deploySeconds: 1 });
    const a = await createDistribution(cf());
    expect(a.distribution.Status).to.equal("InProgress");
    expect(a.etag).to.be.a("string").that.is.not.empty;
    const b = await cf().send(
      new CreateDistributionWithTagsCommand({
        DistributionConfigWithTags: { DistributionConfig: distributionConfig(), Tags: { Items: [{ Key: "team", Value: "web" }] } },
      }),
    );
    expect(b.Distribution!.Status).to.equal("InProgress");
    expect((await cf().send(new GetDistributionCommand({ Id: a.id }))).Distribution!.Status).to.equal("InProgress");
    await waitDeployed(cf(), a.id);
    await waitDeployed(cf(), b.Distribution!.Id!);
  });

  it("a CallerReference already sent: 409 DistributionAlreadyExists naming the distribution, while it lives and after it is deleted", async () => {
    const config = { ...distributionConfig(), Enabled: false };
    const first = await cf().send(new CreateDistributionCommand({ DistributionConfig: config }));
    const id = first.Distribution!.Id!;
    const count = async () => (await cf().send(new ListDistributionsCommand({}))).DistributionList!.Quantity ?? 0;
    const before = await count();
    // GetDistributionConfig carries the reference (ListDistributions summaries do not).
    expect((await cf().send(new GetDistributionConfigCommand({ Id: id }))).DistributionConfig!.CallerReference).to.equal(config.CallerReference);
    const again = await expectAwsError(cf().send(new CreateDistributionCommand({ DistributionConfig: config })), "DistributionAlreadyExists", 409);
    expect(again.message).to.match(new RegExp(`Already exists: ${id}$`));
    // Another configuration under the same reference is refused too, with tags as well.
    const other = { ...config, Comment: "another configuration" };
    await expectAwsError(
      cf().send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: other, Tags: { Items: [] } } })),
      "DistributionAlreadyExists",
      409,
    );
    expect(await count()).to.equal(before);
    // Deleting the distribution does not free its reference.
    await waitDeployed(cf(), id);
    await cf().send(new DeleteDistributionCommand({ Id: id, IfMatch: first.ETag }));
    const afterDelete = await expectAwsError(cf().send(new CreateDistributionCommand({ DistributionConfig: config })), "DistributionAlreadyExists", 409);
    expect(afterDelete.message).to.include(id);
    expect(await count()).to.equal(before - 1);
    // A new reference creates.
    const fresh = await cf().send(new CreateDistributionCommand({ DistributionConfig: { ...config, CallerReference: `${config.CallerReference}.1` } }));
    expect(fresh.Distribution!.Id).to.not.equal(id);
  });

  it("distribution ARNs have the AWS shape arn:aws:cloudfront::ACCOUNT:distribution/ID", async () => {
    const d = await createDistribution(cf());
    expect(d.arn).to.equal(`arn:aws:cloudfront::123456789012:distribution/${d.id}`);
  });

  it("FunctionAssociations are kept in Create, Get, GetConfig and Update responses (default and ordered behaviours)", async () => {
    const client = cf();
    const fn = await createPublishedFunction(client);
    const d = await createDistribution(client, { functionArn: fn.arn, cacheBehaviorFunctionArn: fn.arn });
    const expected = { Quantity: 1, Items: [{ FunctionARN: fn.arn, EventType: "viewer-request" }] };
    expect(d.distribution.DistributionConfig!.DefaultCacheBehavior!.FunctionAssociations).to.deep.equal(expected);
    const got = await client.send(new GetDistributionCommand({ Id: d.id }));
    expect(got.Distribution!.DistributionConfig!.DefaultCacheBehavior!.FunctionAssociations).to.deep.equal(expected);
    const cfg = await client.send(new GetDistributionConfigCommand({ Id: d.id }));
    expect(cfg.DistributionConfig!.DefaultCacheBehavior!.FunctionAssociations).to.deep.equal(expected);
    expect(cfg.DistributionConfig!.CacheBehaviors!.Items![0].FunctionAssociations).to.deep.equal(expected);
    const config = cfg.DistributionConfig!;
    config.Comment = "updated";
    const upd = await client.send(new UpdateDistributionCommand({ Id: d.id, IfMatch: cfg.ETag, DistributionConfig: config }));
    expect(upd.Distribution!.DistributionConfig!.DefaultCacheBehavior!.FunctionAssociations).to.deep.equal(expected);
    expect(upd.Distribution!.DistributionConfig!.CacheBehaviors!.Items![0].FunctionAssociations).to.deep.equal(expected);
  });

  it("GetDistribution and GetDistributionConfig return the current ETag", async () => {
    const d = await createDistribution(cf());
    const got = await cf().send(new GetDistributionCommand({ Id: d.id }));
    const cfg = await cf().send(new GetDistributionConfigCommand({ Id: d.id }));
    expect(got.ETag).to.equal(d.etag);
    expect(cfg.ETag).to.equal(d.etag);
    const upd = await cf().send(new UpdateDistributionCommand({ Id: d.id, IfMatch: cfg.ETag, DistributionConfig: cfg.DistributionConfig }));
    expect(upd.ETag).to.not.equal(d.etag);
    expect((await cf().send(new GetDistributionCommand({ Id: d.id }))).ETag).to.equal(upd.ETag);
    expect((await cf().send(new GetDistributionConfigCommand({ Id: d.id }))).ETag).to.equal(upd.ETag);
  });

  it("every successful UpdateDistribution issues a new ETag and returns to InProgress, then Deployed", async () => {
    const d = await createDistribution(cf());
    await waitDeployed(cf(), d.id);
    await emu().setConfig({ deploySeconds: 1 });
    const seen = new Set([d.etag]);
    let etag = d.etag;
    for (const comment of ["one", "two"]) {
      const cfg = await cf().send(new GetDistributionConfigCommand({ Id: d.id }));
      expect(cfg.ETag).to.equal(etag);
      const config = { ...cfg.DistributionConfig!, Comment: comment };
      const upd = await cf().send(new UpdateDistributionCommand({ Id: d.id, IfMatch: etag, DistributionConfig: config }));
      expect(seen.has(upd.ETag!), "ETag must be new").to.equal(false);
      seen.add(upd.ETag!);
      etag = upd.ETag!;
      expect(upd.Distribution!.Status).to.equal("InProgress");
      const got = await cf().send(new GetDistributionCommand({ Id: d.id }));
      expect(got.ETag).to.equal(etag);
      expect(got.Distribution!.Status).to.equal("InProgress");
      expect(got.Distribution!.DistributionConfig!.Comment).to.equal(comment);
    }
    await waitDeployed(cf(), d.id);
  });

  it("stale IfMatch: 412 PreconditionFailed on UpdateDistribution and DeleteDistribution", async () => {
    const d = await createDistribution(cf(), { enabled: false });
    const cfg = await cf().send(new GetDistributionConfigCommand({ Id: d.id }));
    const upd = await cf().send(new UpdateDistributionCommand({ Id: d.id, IfMatch: cfg.ETag, DistributionConfig: cfg.DistributionConfig }));
    await waitDeployed(cf(), d.id);
    await expectAwsError(
      cf().send(new UpdateDistributionCommand({ Id: d.id, IfMatch: d.etag, DistributionConfig: cfg.DistributionConfig })),
      "PreconditionFailed",
      412,
    );
    await expectAwsError(cf().send(new DeleteDistributionCommand({ Id: d.id, IfMatch: d.etag })), "PreconditionFailed", 412);
    await cf().send(new DeleteDistributionCommand({ Id: d.id, IfMatch: upd.ETag }));
  });

  it("missing IfMatch: 400 InvalidIfMatchVersion on UpdateDistribution and DeleteDistribution", async () => {
    const d = await createDistribution(cf(), { enabled: false });
    const cfg = await cf().send(new GetDistributionConfigCommand({ Id: d.id }));
    await expectAwsError(
      cf().send(new UpdateDistributionCommand({ Id: d.id, IfMatch: undefined, DistributionConfig: cfg.DistributionConfig })),
      "InvalidIfMatchVersion",
      400,
    );
    await expectAwsError(cf().send(new DeleteDistributionCommand({ Id: d.id })), "InvalidIfMatchVersion", 400);
  });

  it("DeleteDistribution of an Enabled (Deployed) distribution: 409 DistributionNotDisabled", async () => {
    const d = await createDistribution(cf(), { enabled: true });
    await waitDeployed(cf(), d.id);
    await expectAwsError(cf().send(new DeleteDistributionCommand({ Id: d.id, IfMatch: d.etag })), "DistributionNotDisabled", 409);
    expect((await cf().send(new GetDistributionCommand({ Id: d.id }))).Distribution!.Id).to.equal(d.id);
  });

  it("DeleteDistribution of a disabled distribution still InProgress: 409 DistributionNotDisabled", async () => {
    await emu().setConfig({ deploySeconds: 600 });
    const d = await createDistribution(cf(), { enabled: false });
    await expectAwsError(cf().send(new DeleteDistributionCommand({ Id: d.id, IfMatch: d.etag })), "DistributionNotDisabled", 409);
    // Disabling through an update also goes through InProgress first.
    await emu().setConfig({ deploySeconds: 0 });
    const e = await createDistribution(cf(), { enabled: true });
    await waitDeployed(cf(), e.id);
    await emu().setConfig({ deploySeconds: 600 });
    const cfg = await cf().send(new GetDistributionConfigCommand({ Id: e.id }));
    const upd = await cf().send(
      new UpdateDistributionCommand({ Id: e.id, IfMatch: cfg.ETag, DistributionConfig: { ...cfg.DistributionConfig!, Enabled: false } }),
    );
    await expectAwsError(cf().send(new DeleteDistributionCommand({ Id: e.id, IfMatch: upd.ETag })), "DistributionNotDisabled", 409);
  });

  it("DeleteDistribution of a disabled, Deployed distribution succeeds; then it is gone", async () => {
    const d = await createDistribution(cf(), { enabled: false });
    await waitDeployed(cf(), d.id);
    await cf().send(new DeleteDistributionCommand({ Id: d.id, IfMatch: d.etag }));
    await expectAwsError(cf().send(new GetDistributionCommand({ Id: d.id })), "NoSuchDistribution", 404);
    const list = await cf().send(new ListDistributionsCommand({}));
    expect((list.DistributionList!.Items ?? []).map((x) => x.Id)).to.not.include(d.id);
  });

  it("just after it reads Deployed, a disabled distribution can still answer 409 DistributionNotDisabled (notDisabledSeconds)", async () => {
    await emu().setConfig({ notDisabledSeconds: 1 });
    const d = await createDistribution(cf(), { enabled: false });
    await waitDeployed(cf(), d.id);
    await expectAwsError(cf().send(new DeleteDistributionCommand({ Id: d.id, IfMatch: d.etag })), "DistributionNotDisabled", 409);
    // Once the window has passed, the same call succeeds.
    await pollUntil(
      () => cf().send(new DeleteDistributionCommand({ Id: d.id, IfMatch: d.etag })).then(() => true, () => false),
      (ok) => ok,
    );
    await expectAwsError(cf().send(new GetDistributionCommand({ Id: d.id })), "NoSuchDistribution", 404);
  });

  it("unknown id: 404 NoSuchDistribution on Get, GetConfig, Update and Delete", async () => {
    const Id = "E0000000000000";
    await expectAwsError(cf().send(new GetDistributionCommand({ Id })), "NoSuchDistribution", 404);
    await expectAwsError(cf().send(new GetDistributionConfigCommand({ Id })), "NoSuchDistribution", 404);
    await expectAwsError(
      cf().send(new UpdateDistributionCommand({ Id, IfMatch: "X", DistributionConfig: distributionConfig() })),
      "NoSuchDistribution",
      404,
    );
    await expectAwsError(cf().send(new DeleteDistributionCommand({ Id, IfMatch: "X" })), "NoSuchDistribution", 404);
  });

  it("set-distribution forces InProgress (held) and Deployed", async () => {
    const d = await createDistribution(cf(), { enabled: false });
    await waitDeployed(cf(), d.id);
    await emu().setDistributionStatus(d.id, "InProgress");
    expect((await cf().send(new GetDistributionCommand({ Id: d.id }))).Distribution!.Status).to.equal("InProgress");
    await expectAwsError(cf().send(new DeleteDistributionCommand({ Id: d.id, IfMatch: d.etag })), "DistributionNotDisabled", 409);
    await emu().setDistributionStatus(d.id, "InProgress", 0.3);
    await waitDeployed(cf(), d.id);
    await emu().setConfig({ deploySeconds: 600 });
    const e = await createDistribution(cf(), { enabled: false });
    await emu().setDistributionStatus(e.id, "Deployed");
    await cf().send(new DeleteDistributionCommand({ Id: e.id, IfMatch: e.etag }));
  });

  it("publishing a function a distribution uses changes the distribution's ETag and redeploys it", async () => {
    const client = cf();
    const fn = await createPublishedFunction(client);
    const d = await createDistribution(client, { functionArn: fn.arn });
    await waitDeployed(client, d.id);
    await emu().setConfig({ deploySeconds: 600 });
    const upd = await client.send(
      new UpdateFunctionCommand({ Name: fn.name, IfMatch: fn.etag, FunctionConfig: { Comment: "v2", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("/* v2 */") }),
    );
    await client.send(new PublishFunctionCommand({ Name: fn.name, IfMatch: upd.ETag }));
    const got = await pollUntil(() => client.send(new GetDistributionCommand({ Id: d.id })), () => true);
    expect(got.ETag).to.not.equal(d.etag);
    expect(got.Distribution!.Status).to.equal("InProgress");
  });
});
