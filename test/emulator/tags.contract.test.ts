// Contract: aws: tag keys are reserved (CloudFront and EC2), yet CloudFormation still stamps them.
import { CreateStackCommand, DeleteStackCommand, DescribeStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import {
  CreateDistributionWithTagsCommand,
  CreateFunctionCommand,
  DescribeFunctionCommand,
  GetDistributionCommand,
  ListDistributionsCommand,
  ListFunctionsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-cloudfront";
import {
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  DescribeNatGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, code, createDistribution, distributionConfig, expectAwsError, unique } from "./fixtures";

const RESERVED = "Tag keys starting with 'aws:' are reserved for internal use";

describe("emulator contract: reserved aws: tag keys", function () {
  const emu = useEmulator();

  it("CloudFront TagResource with an aws: or AWS: key: 400 InvalidArgument, nothing tagged", async () => {
    const { cf } = clients(emu());
    const d = await createDistribution(cf);
    for (const Key of ["aws:owner", "AWS:Owner"]) {
      await expectAwsError(cf.send(new TagResourceCommand({ Resource: d.arn, Tags: { Items: [{ Key, Value: "x" }, { Key: "ok", Value: "y" }] } })), "InvalidArgument", 400);
    }
    const tags = await cf.send(new ListTagsForResourceCommand({ Resource: d.arn }));
    expect(tags.Tags!.Items ?? []).to.deep.equal([]);
    await cf.send(new TagResourceCommand({ Resource: d.arn, Tags: { Items: [{ Key: "team", Value: "web" }] } }));
    expect((await cf.send(new ListTagsForResourceCommand({ Resource: d.arn }))).Tags!.Items).to.deep.equal([{ Key: "team", Value: "web" }]);
  });

  it("CloudFront UntagResource of an aws: key: 400 InvalidArgument, the system tag stays", async () => {
    const { cf } = clients(emu());
    const d = await createDistribution(cf);
    await emu().seedTags({ arn: d.arn }, { "aws:cloudformation:stack-name": "legacy" });
    await expectAwsError(cf.send(new UntagResourceCommand({ Resource: d.arn, TagKeys: { Items: ["aws:cloudformation:stack-name"] } })), "InvalidArgument", 400);
    await expectAwsError(cf.send(new UntagResourceCommand({ Resource: d.arn, TagKeys: { Items: ["AWS:cloudformation:stack-name"] } })), "InvalidArgument", 400);
    const tags = await cf.send(new ListTagsForResourceCommand({ Resource: d.arn }));
    expect(tags.Tags!.Items).to.deep.equal([{ Key: "aws:cloudformation:stack-name", Value: "legacy" }]);
  });

  it("CreateDistributionWithTags with an aws: key: 400 InvalidArgument, no distribution created", async () => {
    const { cf } = clients(emu());
    await expectAwsError(
      cf.send(
        new CreateDistributionWithTagsCommand({
          DistributionConfigWithTags: { DistributionConfig: distributionConfig(), Tags: { Items: [{ Key: "aws:x", Value: "1" }] } },
        }),
      ),
      "InvalidArgument",
      400,
    );
    const calls = await emu().calls();
    expect(calls.map((c) => c.operation)).to.deep.equal(["CreateDistributionWithTags"]);
  });

  it("tags on CloudFront function ARNs: Tag/Untag/List work, aws: keys rejected, seeded system tags visible", async () => {
    const { cf } = clients(emu());
    const name = unique("fn");
    const out = await cf.send(new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("//") }));
    const arn = out.FunctionSummary!.FunctionMetadata!.FunctionARN!;
    await cf.send(new TagResourceCommand({ Resource: arn, Tags: { Items: [{ Key: "team", Value: "edge" }] } }));
    await expectAwsError(cf.send(new TagResourceCommand({ Resource: arn, Tags: { Items: [{ Key: "aws:x", Value: "1" }] } })), "InvalidArgument", 400);
    await emu().seedTags({ arn }, { "aws:cloudformation:logical-id": "Fn" });
    const tags = await cf.send(new ListTagsForResourceCommand({ Resource: arn }));
    expect(tags.Tags!.Items).to.deep.equal([
      { Key: "team", Value: "edge" },
      { Key: "aws:cloudformation:logical-id", Value: "Fn" },
    ]);
    await cf.send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: ["team"] } }));
    expect((await cf.send(new ListTagsForResourceCommand({ Resource: arn }))).Tags!.Items).to.deep.equal([{ Key: "aws:cloudformation:logical-id", Value: "Fn" }]);
  });

  it("tag operations on a CloudFront ARN that does not exist: 404 NoSuchResource", async () => {
    const { cf } = clients(emu());
    const arn = "arn:aws:cloudfront::123456789012:distribution/E0000000000000";
    await expectAwsError(cf.send(new ListTagsForResourceCommand({ Resource: arn })), "NoSuchResource", 404);
    await expectAwsError(cf.send(new TagResourceCommand({ Resource: arn, Tags: { Items: [{ Key: "a", Value: "b" }] } })), "NoSuchResource", 404);
  });

  it("EC2 CreateTags / DeleteTags with aws: or AWS: keys: 400 InvalidParameterValue", async () => {
    const { ec2 } = clients(emu());
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
    await emu().seedTags({ resourceId: vpc }, { "aws:cloudformation:stack-name": "s" });
    for (const Key of ["aws:owner", "AWS:owner", "Aws:Owner"]) {
      const e = await expectAwsError(ec2.send(new CreateTagsCommand({ Resources: [vpc], Tags: [{ Key, Value: "x" }] })), "InvalidParameterValue", 400);
      expect(e.message).to.contain(RESERVED);
    }
    const d = await expectAwsError(
      ec2.send(new DeleteTagsCommand({ Resources: [vpc], Tags: [{ Key: "aws:cloudformation:stack-name" }] })),
      "InvalidParameterValue",
      400,
    );
    expect(d.message).to.contain(RESERVED);
    await expectAwsError(ec2.send(new DeleteTagsCommand({ Resources: [vpc], Tags: [{ Key: "AWS:cloudformation:stack-name" }] })), "InvalidParameterValue", 400);
    await ec2.send(new CreateTagsCommand({ Resources: [vpc], Tags: [{ Key: "Name", Value: "ok" }] }));
    const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [vpc] }] }));
    expect((tags.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort()).to.deep.equal(["Name=ok", "aws:cloudformation:stack-name=s"]);
  });

  it("EC2 TagSpecifications with aws: or AWS: keys: 400 InvalidParameterValue, nothing created", async () => {
    const { ec2 } = clients(emu());
    for (const Key of ["aws:owner", "AWS:OWNER"]) {
      const e = await expectAwsError(
        ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16", TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key, Value: "x" }] }] })),
        "InvalidParameterValue",
        400,
      );
      expect(e.message).to.contain(RESERVED);
    }
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "cidr", Values: ["10.9.0.0/16"] }] }));
    expect(vpcs.Vpcs ?? []).to.have.length(0);
  });

  it("CloudFormation still stamps aws:cloudformation:* tags on the VPC, subnet and NAT gateway it creates", async () => {
    const { ec2, cfn } = clients(emu());
    const template = {
      Resources: {
        Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.7.0.0/16" } },
        Subnet: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.7.1.0/24" } },
        Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
        Nat: { Type: "AWS::EC2::NatGateway", Properties: { SubnetId: { Ref: "Subnet" }, AllocationId: { "Fn::GetAtt": ["Eip", "AllocationId"] } } },
      },
    };
    const stackName = unique("stack");
    await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }));
    const res = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    const id = (logical: string) => res.StackResources!.find((r) => r.LogicalResourceId === logical)!.PhysicalResourceId!;
    const tagMap = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

    const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id("Nat")] }))).NatGateways![0];
    expect(tagMap(nat.Tags)).to.include({ "aws:cloudformation:stack-name": stackName, "aws:cloudformation:logical-id": "Nat" });
    expect(tagMap(nat.Tags)["aws:cloudformation:stack-id"]).to.match(/^arn:aws:cloudformation:us-east-1:123456789012:stack\//);
    const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id("Vpc")] }))).Vpcs![0];
    expect(tagMap(vpc.Tags)).to.include({ "aws:cloudformation:stack-name": stackName, "aws:cloudformation:logical-id": "Vpc" });
    const subnet = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id("Subnet")] }))).Subnets![0];
    expect(tagMap(subnet.Tags)).to.include({ "aws:cloudformation:stack-name": stackName, "aws:cloudformation:logical-id": "Subnet" });
  });

  it("CloudFormation-created NAT gateways, distributions and functions carry the template's Tags, the stack's Tags and aws:cloudformation:*", async () => {
    const { ec2, cfn, cf } = clients(emu());
    const template = {
      Resources: {
        Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.6.0.0/16" } },
        Subnet: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.6.1.0/24" } },
        Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
        Nat: {
          Type: "AWS::EC2::NatGateway",
          Properties: { SubnetId: { Ref: "Subnet" }, AllocationId: { "Fn::GetAtt": ["Eip", "AllocationId"] }, Tags: [{ Key: "team", Value: "net" }] },
        },
        Fn: {
          Type: "AWS::CloudFront::Function",
          Properties: {
            Name: unique("cfnfn"),
            AutoPublish: true,
            FunctionCode: "function handler(event) { return event.request; }",
            FunctionConfig: { Comment: "from a stack", Runtime: "cloudfront-js-2.0" },
            Tags: [{ Key: "team", Value: "edge" }],
          },
        },
        Site: {
          Type: "AWS::CloudFront::Distribution",
          Properties: {
            Tags: [{ Key: "team", Value: "web" }],
            DistributionConfig: {
              Enabled: true,
              Comment: "from a stack",
              Aliases: ["www.example.com"],
              IPV6Enabled: false,
              Origins: [
                {
                  Id: "web",
                  DomainName: "example.com",
                  CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only", OriginSSLProtocols: ["TLSv1.2"] },
                  OriginCustomHeaders: [{ HeaderName: "x-from", HeaderValue: "cdn" }],
                },
              ],
              DefaultCacheBehavior: {
                TargetOriginId: "web",
                ViewerProtocolPolicy: "redirect-to-https",
                CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                FunctionAssociations: [{ EventType: "viewer-request", FunctionARN: { "Fn::GetAtt": ["Fn", "FunctionARN"] } }],
              },
            },
          },
        },
      },
    };
    const stackName = unique("stack");
    await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template), Tags: [{ Key: "env", Value: "prod" }] }));
    const res = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    const id = (logical: string) => res.StackResources!.find((r) => r.LogicalResourceId === logical)!.PhysicalResourceId!;
    const tagMap = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));
    const stackId = (await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }))).StackResources![0].StackId!;
    const expected = (team: string, logical: string) => ({
      team,
      env: "prod",
      "aws:cloudformation:stack-name": stackName,
      "aws:cloudformation:stack-id": stackId,
      "aws:cloudformation:logical-id": logical,
    });

    const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id("Nat")] }))).NatGateways![0];
    expect(tagMap(nat.Tags)).to.deep.equal(expected("net", "Nat"));

    // The function: Ref is its ARN; published (AutoPublish), tagged.
    const fnArn = id("Fn");
    const fnName = fnArn.split("/").pop()!;
    expect(fnArn).to.equal(`arn:aws:cloudfront::123456789012:function/${fnName}`);
    const live = await cf.send(new DescribeFunctionCommand({ Name: fnName, Stage: "LIVE" }));
    expect(live.FunctionSummary!.FunctionConfig).to.deep.equal({ Comment: "from a stack", Runtime: "cloudfront-js-2.0" });
    expect(tagMap((await cf.send(new ListTagsForResourceCommand({ Resource: fnArn }))).Tags!.Items)).to.deep.equal(expected("edge", "Fn"));

    // The distribution: Ref is its id; its config in the API's shape; tagged.
    const dist = (await cf.send(new GetDistributionCommand({ Id: id("Site") }))).Distribution!;
    const cfg = dist.DistributionConfig!;
    expect([cfg.Comment, cfg.Aliases, cfg.IsIPV6Enabled]).to.deep.equal(["from a stack", { Quantity: 1, Items: ["www.example.com"] }, false]);
    expect(cfg.Origins!.Items![0].CustomHeaders).to.deep.equal({ Quantity: 1, Items: [{ HeaderName: "x-from", HeaderValue: "cdn" }] });
    expect(cfg.Origins!.Items![0].CustomOriginConfig!.OriginSslProtocols).to.deep.equal({ Quantity: 1, Items: ["TLSv1.2"] });
    expect(cfg.DefaultCacheBehavior!.FunctionAssociations).to.deep.equal({ Quantity: 1, Items: [{ FunctionARN: fnArn, EventType: "viewer-request" }] });
    expect(tagMap((await cf.send(new ListTagsForResourceCommand({ Resource: dist.ARN! }))).Tags!.Items)).to.deep.equal(expected("web", "Site"));

    // Deleted with the stack.
    await cfn.send(new DeleteStackCommand({ StackName: stackName }));
    expect((await cf.send(new ListDistributionsCommand({}))).DistributionList!.Quantity).to.equal(0);
    expect((await cf.send(new ListFunctionsCommand({}))).FunctionList!.Quantity).to.equal(0);
  });
});
