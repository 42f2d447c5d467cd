// The emulator's internal API: call log, reset, config.
import { CreateFunctionCommand, ListFunctionsCommand, GetDistributionCommand, GetDistributionConfigCommand, UpdateDistributionCommand, TagResourceCommand, UntagResourceCommand, ListTagsForResourceCommand, DeleteDistributionCommand } from "@aws-sdk/client-cloudfront";
import { CreateNatGatewayCommand, CreateTagsCommand, DeleteNatGatewayCommand, DeleteTagsCommand, DescribeNatGatewaysCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { CANONICAL_SET_ORDER_DEFAULT, FUNCTION_TIME_LIMIT_MS_DEFAULT, startEmulator, useEmulator } from "../helpers/emulator";
import { clients, code, createDistribution, createSubnet, expectAwsError, waitDeployed } from "./fixtures";

describe("emulator internal API", function () {
  const emu = useEmulator();

  it("records every AWS operation served, in order, with service and operation names", async () => {
    const { cf, ec2 } = clients(emu());
    const d = await createDistribution(cf, { enabled: false });
    await waitDeployed(cf, d.id);
    const cfg = await cf.send(new GetDistributionConfigCommand({ Id: d.id }));
    const upd = await cf.send(new UpdateDistributionCommand({ Id: d.id, IfMatch: cfg.ETag, DistributionConfig: cfg.DistributionConfig }));
    await cf.send(new TagResourceCommand({ Resource: d.arn, Tags: { Items: [{ Key: "a", Value: "b" }] } }));
    await cf.send(new UntagResourceCommand({ Resource: d.arn, TagKeys: { Items: ["a"] } }));
    await cf.send(new ListTagsForResourceCommand({ Resource: d.arn }));
    await waitDeployed(cf, d.id);
    await cf.send(new DeleteDistributionCommand({ Id: d.id, IfMatch: upd.ETag }));
    const { subnetId, vpcId } = await createSubnet(ec2);
    const nat = await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private" }));
    await ec2.send(new DescribeNatGatewaysCommand({}));
    await ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: "k", Value: "v" }] }));
    await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: "k" }] }));
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: nat.NatGateway!.NatGatewayId }));

    const ops = (await emu().calls()).map((c) => `${c.service}:${c.operation}`).filter((op, i, all) => !(op === "cloudfront:GetDistribution" && all[i - 1] === op));
    expect(ops).to.deep.equal([
      "cloudfront:CreateDistribution",
      "cloudfront:GetDistribution",
      "cloudfront:GetDistributionConfig",
      "cloudfront:UpdateDistribution",
      "cloudfront:TagResource",
      "cloudfront:UntagResource",
      "cloudfront:ListTagsForResource",
      "cloudfront:GetDistribution",
      "cloudfront:DeleteDistribution",
      "ec2:CreateVpc",
      "ec2:CreateSubnet",
      "ec2:CreateNatGateway",
      "ec2:DescribeNatGateways",
      "ec2:CreateTags",
      "ec2:DeleteTags",
      "ec2:DeleteNatGateway",
    ]);
  });

  it("names every CloudFront Functions operation and the tagged create in the call log", async () => {
    const { cf } = clients(emu());
    await cf.send(new CreateFunctionCommand({ Name: "f", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("//") }));
    await cf.send(new ListFunctionsCommand({ Stage: "DEVELOPMENT" }));
    const calls = await emu().calls();
    // Each entry also names the access key id and region of the call's SigV4 signature.
    expect(calls).to.deep.equal([
      { service: "cloudfront", operation: "CreateFunction", status: 201, accessKeyId: "testing", region: "us-east-1" },
      { service: "cloudfront", operation: "ListFunctions", status: 200, accessKeyId: "testing", region: "us-east-1" },
    ]);
    await emu().resetCalls();
    expect(await emu().calls()).to.deep.equal([]);
  });

  it("reset clears all state (moto's, the functions store and the call log) but keeps transition times", async () => {
    const { cf, ec2 } = clients(emu());
    await emu().setConfig({ deploySeconds: 7, natSeconds: 3, notDisabledSeconds: 2, notFoundAfterCreateSeconds: 5 });
    await cf.send(new CreateFunctionCommand({ Name: "f", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("//") }));
    const d = await createDistribution(cf);
    await createSubnet(ec2);
    await emu().reset();
    expect(await emu().calls()).to.deep.equal([]);
    expect(await emu().getConfig()).to.deep.equal({ deploySeconds: 7, natSeconds: 3, natEipQuota: 2, notDisabledSeconds: 2, notFoundAfterCreateSeconds: 5, canonicalSetOrder: CANONICAL_SET_ORDER_DEFAULT, natRequireInternetGateway: false, kvsSeconds: 0, functionTimeLimitMs: FUNCTION_TIME_LIMIT_MS_DEFAULT, iamEnforce: false, functionTagsOnCreate: true });
    const fns = await cf.send(new ListFunctionsCommand({}));
    expect(fns.FunctionList!.Quantity).to.equal(0);
    let err: any;
    await cf.send(new GetDistributionCommand({ Id: d.id })).catch((e) => (err = e));
    expect(err?.name).to.equal("NoSuchDistribution");
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "cidr", Values: ["10.0.0.0/16"] }] }));
    expect(vpcs.Vpcs ?? []).to.have.length(0);
    // The same function name can be created again.
    await cf.send(new CreateFunctionCommand({ Name: "f", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("//") }));
  });

  it("a full reset (settings: true) also puts every runtime setting (config, faults) back to the start values", async () => {
    const start = { config: await emu().getConfig(), faults: await emu().getFaults() };
    // Every key the emulator reports, changed: a setting added later is covered without editing this test.
    const changed = Object.fromEntries(Object.entries(start.config).map(([k, v]) => [k, typeof v === "boolean" ? !v : Number(v) + 7]));
    expect(await emu().setConfig(changed)).to.deep.equal(changed);
    await emu().setFaults({ seed: 3, throttle: 0.5, latency: { ListFunctions: 0.1 }, operations: ["ListFunctions"], maxFaults: 2 });
    await emu().reset();
    expect(await emu().getConfig(), "a plain reset keeps the settings").to.deep.equal(changed);
    expect((await emu().getFaults()).throttle).to.equal(0.5);
    await emu().resetAll();
    expect(await emu().getConfig()).to.deep.equal(start.config);
    expect(await emu().getFaults()).to.deep.equal(start.faults);
    expect(await emu().calls()).to.deep.equal([]);
  });

  it("transition times can be set at start (flags) and read back; env() points SDKs at the emulator", async () => {
    const other = await startEmulator({ deploySeconds: 12, natSeconds: 4, notFoundAfterCreateSeconds: 30, kvsSeconds: 2 });
    try {
      expect(await other.getConfig()).to.deep.equal({ deploySeconds: 12, natSeconds: 4, natEipQuota: 2, notDisabledSeconds: 0, notFoundAfterCreateSeconds: 30, canonicalSetOrder: CANONICAL_SET_ORDER_DEFAULT, natRequireInternetGateway: false, kvsSeconds: 2, functionTimeLimitMs: FUNCTION_TIME_LIMIT_MS_DEFAULT, iamEnforce: false, functionTagsOnCreate: true });
      expect(other.env()).to.deep.equal({
        AWS_ENDPOINT_URL: other.endpoint,
        AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: `http://localhost:${other.port}`,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_REGION: "us-east-1",
      });
      const { cf } = clients(other);
      const d = await createDistribution(cf);
      expect(d.distribution.Status).to.equal("InProgress");
      // --not-found-after-create-seconds is in effect: the new distribution does not read yet.
      await expectAwsError(cf.send(new GetDistributionCommand({ Id: d.id })), "NoSuchDistribution", 404);
      // A full reset goes back to the flags the emulator started with.
      await other.setConfig({ deploySeconds: 1, natSeconds: 1, notFoundAfterCreateSeconds: 0 });
      await other.resetAll();
      expect(await other.getConfig()).to.deep.include({ deploySeconds: 12, natSeconds: 4, notFoundAfterCreateSeconds: 30 });
    } finally {
      await other.stop();
    }
  });
});
