// Contract: IAM enforcement (emulator/iam.py) as in aws-contract.md, "IAM".
import "@aws-sdk/signature-v4a"; // the KeyValueStore data plane is signed with SigV4A
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import {
  CloudFrontClient,
  CreateDistributionWithTagsCommand,
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DescribeKeyValueStoreCommand,
  GetDistributionCommand,
  ListDistributionsCommand,
  ListFunctionsCommand,
  PublishFunctionCommand,
  UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { CreateNatGatewayCommand, CreateTagsCommand, DeleteNatGatewayCommand, DescribeNatGatewaysCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  CloudFrontKeyValueStoreClient,
  DescribeKeyValueStoreCommand as DescribeDataCommand,
  ListKeysCommand,
  PutKeyCommand,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { expect } from "chai";
import { Emulator, startEmulator, useEmulator } from "../helpers/emulator";
import { callsOf, createIamUser, enforceIam, IamCall, IamUser, PolicyDocument } from "../helpers/iam";
import { clients, code, createDistribution, createSubnet, distributionConfig, expectAwsError, localhostAgent, pollUntil, unique } from "./fixtures";

const userClients = (emu: Emulator, user: IamUser) => {
  const common = { endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }, maxAttempts: 1 };
  return { cf: new CloudFrontClient(common), ec2: new EC2Client(common), cfn: new CloudFormationClient(common) };
};

const policy = (...statements: PolicyDocument["Statement"]): { name: string; document: PolicyDocument } => ({
  name: unique("p"),
  document: { Version: "2012-10-17", Statement: statements },
});

const DENIED_MESSAGE = (user: IamUser, action: string, resource: string) =>
  `User: ${user.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;

describe("emulator contract: IAM enforcement", function () {
  const emu = useEmulator();

  it("is off by default: any key may call anything", async () => {
    const cf = new CloudFrontClient({ endpoint: emu().endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIAANYTHING00000000", secretAccessKey: "x" }, maxAttempts: 1 });
    await cf.send(new ListDistributionsCommand({}));
    expect((await emu().getConfig()).iamEnforce).to.equal(false);
  });

  it("CloudFront: a call outside the policy is 403 AccessDenied naming user, action and resource; inside succeeds", async () => {
    const { cf: root } = clients(emu());
    const d = await createDistribution(root);
    const user = await createIamUser(emu(), [policy({ Effect: "Allow", Action: ["cloudfront:ListDistributions"], Resource: "*" })]);
    await enforceIam(emu());
    const { cf } = userClients(emu(), user);
    expect((await cf.send(new ListDistributionsCommand({}))).DistributionList!.Quantity).to.equal(1);
    const err = await expectAwsError(cf.send(new GetDistributionCommand({ Id: d.id })), "AccessDenied", 403);
    expect(err.message).to.equal(DENIED_MESSAGE(user, "cloudfront:GetDistribution", d.arn));
    // An operation the emulator adds itself (CloudFront Functions) is checked the same way.
    const fnErr = await expectAwsError(cf.send(new ListFunctionsCommand({})), "AccessDenied", 403);
    expect(fnErr.message).to.equal(DENIED_MESSAGE(user, "cloudfront:ListFunctions", "*"));
  });

  it("EC2: a call outside the policy is 403 UnauthorizedOperation in EC2's wording; inside succeeds", async () => {
    const user = await createIamUser(emu(), [policy({ Effect: "Allow", Action: "ec2:DescribeNatGateways", Resource: "*" })]);
    await enforceIam(emu());
    const { ec2 } = userClients(emu(), user);
    await ec2.send(new DescribeNatGatewaysCommand({}));
    const err = await expectAwsError(ec2.send(new DescribeVpcsCommand({})), "UnauthorizedOperation", 403);
    expect(err.message).to.match(
      new RegExp(
        `^You are not authorized to perform this operation\\. ${DENIED_MESSAGE(user, "ec2:DescribeVpcs", "*").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\. Encoded authorization failure message: \\S+$`,
      ),
    );
  });

  it("CloudFormation: AccessDenied 403 too", async () => {
    const user = await createIamUser(emu(), [policy({ Effect: "Allow", Action: "ec2:DescribeNatGateways", Resource: "*" })]);
    await enforceIam(emu());
    const err = await expectAwsError(userClients(emu(), user).cfn.send(new DescribeStacksCommand({})), "AccessDenied", 403);
    expect(err.message).to.contain("is not authorized to perform: cloudformation:DescribeStacks");
  });

  it("an unknown key is refused (InvalidClientTokenId; EC2: 401 AuthFailure); the root key 'testing' may do anything", async () => {
    await enforceIam(emu());
    const stranger = { endpoint: emu().endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" }, maxAttempts: 1 };
    await expectAwsError(new CloudFrontClient(stranger).send(new ListDistributionsCommand({})), "InvalidClientTokenId", 403);
    await expectAwsError(new EC2Client(stranger).send(new DescribeVpcsCommand({})), "AuthFailure", 401);
    const { cf, ec2 } = clients(emu());
    await cf.send(new ListDistributionsCommand({}));
    await ec2.send(new DescribeVpcsCommand({}));
  });

  it("CreateDistributionWithTags needs cloudfront:CreateDistribution and cloudfront:TagResource; nothing is made without both", async () => {
    const createOnly = await createIamUser(emu(), [policy({ Effect: "Allow", Action: "cloudfront:CreateDistribution", Resource: "*" })]);
    const both = await createIamUser(emu(), [policy({ Effect: "Allow", Action: ["cloudfront:CreateDistribution", "cloudfront:TagResource"], Resource: "*" })]);
    await enforceIam(emu());
    const input = { DistributionConfigWithTags: { DistributionConfig: distributionConfig(), Tags: { Items: [{ Key: "team", Value: "web" }] } } };
    const err = await expectAwsError(userClients(emu(), createOnly).cf.send(new CreateDistributionWithTagsCommand(input)), "AccessDenied", 403);
    expect(err.message).to.contain("cloudfront:TagResource on resource: arn:aws:cloudfront::123456789012:distribution/*");
    expect((await clients(emu()).cf.send(new ListDistributionsCommand({}))).DistributionList!.Quantity).to.equal(0);
    await userClients(emu(), both).cf.send(new CreateDistributionWithTagsCommand(input));
    expect((await clients(emu()).cf.send(new ListDistributionsCommand({}))).DistributionList!.Quantity).to.equal(1);
  });

  it("CreateNatGateway with tags needs ec2:CreateTags, which ec2:CreateAction can limit to that create", async () => {
    const { ec2: root } = clients(emu());
    const { subnetId } = await createSubnet(root);
    const user = await createIamUser(emu(), [
      policy(
        { Effect: "Allow", Action: "ec2:CreateNatGateway", Resource: "*" },
        { Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: { StringEquals: { "ec2:CreateAction": "CreateNatGateway" } } },
      ),
    ]);
    const noTags = await createIamUser(emu(), [policy({ Effect: "Allow", Action: "ec2:CreateNatGateway", Resource: "*" })]);
    await enforceIam(emu());
    const tagged = { SubnetId: subnetId, ConnectivityType: "private" as const, TagSpecifications: [{ ResourceType: "natgateway" as const, Tags: [{ Key: "team", Value: "net" }] }] };
    await expectAwsError(userClients(emu(), noTags).ec2.send(new CreateNatGatewayCommand(tagged)), "UnauthorizedOperation", 403);
    expect((await root.send(new DescribeNatGatewaysCommand({}))).NatGateways).to.deep.equal([]);
    const made = await userClients(emu(), user).ec2.send(new CreateNatGatewayCommand(tagged));
    // The same user may not tag it afterwards: the condition held only inside CreateNatGateway.
    await expectAwsError(
      userClients(emu(), user).ec2.send(new CreateTagsCommand({ Resources: [made.NatGateway!.NatGatewayId!], Tags: [{ Key: "x", Value: "y" }] })),
      "UnauthorizedOperation",
      403,
    );
  });

  it("aws:ResourceTag and aws:RequestTag conditions: the tags on the resource and in the request decide", async () => {
    const { ec2: root, cf: rootCf } = clients(emu());
    const { subnetId } = await createSubnet(root);
    const mine = await root.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private", TagSpecifications: [{ ResourceType: "natgateway", Tags: [{ Key: "owner", Value: "me" }] }] }));
    const theirs = await root.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private" }));
    const user = await createIamUser(emu(), [
      policy(
        { Sid: "OwnOnly", Effect: "Allow", Action: "ec2:DeleteNatGateway", Resource: "arn:aws:ec2:*:*:natgateway/*", Condition: { StringEquals: { "aws:ResourceTag/owner": "me" } } },
        { Sid: "StampedCreate", Effect: "Allow", Action: ["cloudfront:CreateDistribution", "cloudfront:TagResource"], Resource: "*", Condition: { Null: { "aws:RequestTag/owner": "false" } } },
      ),
    ]);
    await enforceIam(emu());
    const { ec2, cf } = userClients(emu(), user);
    const err = await expectAwsError(ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: theirs.NatGateway!.NatGatewayId! })), "UnauthorizedOperation", 403);
    expect(err.message).to.contain(`ec2:DeleteNatGateway on resource: arn:aws:ec2:us-east-1:123456789012:natgateway/${theirs.NatGateway!.NatGatewayId}`);
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: mine.NatGateway!.NatGatewayId! }));
    const withTags = (tags: { Key: string; Value: string }[]) =>
      new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: distributionConfig(), Tags: { Items: tags } } });
    await expectAwsError(cf.send(withTags([{ Key: "team", Value: "web" }])), "AccessDenied", 403);
    await cf.send(withTags([{ Key: "owner", Value: "me" }]));
    expect((await rootCf.send(new ListDistributionsCommand({}))).DistributionList!.Quantity).to.equal(1);
    // The call log says which statement allowed each action.
    const calls: IamCall[] = await callsOf(emu(), user);
    const created = calls.find((c) => c.operation === "CreateDistributionWithTags" && c.status === 201)!;
    expect(created.iam!.map((i) => i.action)).to.deep.equal(["cloudfront:CreateDistribution", "cloudfront:TagResource"]);
    expect(created.iam!.every((i) => i.allowedBy.length === 1 && i.allowedBy[0].endsWith("/StampedCreate"))).to.equal(true);
  });

  it("an explicit Deny wins over an Allow", async () => {
    const user = await createIamUser(emu(), [
      policy({ Effect: "Allow", Action: "cloudfront:*", Resource: "*" }, { Effect: "Deny", Action: "cloudfront:CreateFunction", Resource: "*" }),
    ]);
    await enforceIam(emu());
    const { cf } = userClients(emu(), user);
    await cf.send(new ListFunctionsCommand({}));
    const err = await expectAwsError(
      cf.send(new CreateFunctionCommand({ Name: unique("f"), FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("function handler(e) { return e.request; }") })),
      "AccessDenied",
      403,
    );
    expect(err.message).to.contain("cloudfront:CreateFunction").and.contain("with an explicit deny");
  });

  it("a condition key or operator the emulator does not know never allows (stricter than AWS, never more forgiving)", async () => {
    const user = await createIamUser(emu(), [
      policy({ Effect: "Allow", Action: "cloudfront:ListDistributions", Resource: "*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2000-01-01T00:00:00Z" } } }),
    ]);
    await enforceIam(emu());
    await expectAwsError(userClients(emu(), user).cf.send(new ListDistributionsCommand({})), "AccessDenied", 403);
  });

  it("PublishFunction on a function name: the resource is the function's ARN", async () => {
    const name = unique("fn");
    const { cf: root } = clients(emu());
    const created = await root.send(new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("function handler(e) { return e.request; }") }));
    const user = await createIamUser(emu(), [policy({ Effect: "Allow", Action: "cloudfront:PublishFunction", Resource: `arn:aws:cloudfront::*:function/${name}` })]);
    const other = await createIamUser(emu(), [policy({ Effect: "Allow", Action: "cloudfront:PublishFunction", Resource: "arn:aws:cloudfront::*:function/other-*" })]);
    await enforceIam(emu());
    await expectAwsError(userClients(emu(), other).cf.send(new PublishFunctionCommand({ Name: name, IfMatch: created.ETag })), "AccessDenied", 403);
    await userClients(emu(), user).cf.send(new PublishFunctionCommand({ Name: name, IfMatch: created.ETag }));
  });

  it("UpdateDistribution is checked against the distribution's tags at the time of the call", async () => {
    const { cf: root } = clients(emu());
    const d = await createDistribution(root);
    const user = await createIamUser(emu(), [
      policy({ Effect: "Allow", Action: "cloudfront:UpdateDistribution", Resource: "*", Condition: { Null: { "aws:ResourceTag/ackless:incarnation": "false" } } }),
    ]);
    await enforceIam(emu());
    const update = () => userClients(emu(), user).cf.send(new UpdateDistributionCommand({ Id: d.id, IfMatch: d.etag, DistributionConfig: d.distribution.DistributionConfig }));
    await expectAwsError(update(), "AccessDenied", 403);
    await emu().seedTags({ arn: d.arn }, { "ackless:incarnation": "x" });
    await update();
  });

  it("KeyValueStores: the control plane's resource is the store's ARN (by id, though calls name the store); the data plane needs cloudfront-keyvaluestore:<operation> on the KvsARN", async () => {
    const { cf: root } = clients(emu());
    const [name, otherName] = [unique("kvs"), unique("kvs")];
    const arn = (await root.send(new CreateKeyValueStoreCommand({ Name: name }))).KeyValueStore!.ARN!;
    const otherArn = (await root.send(new CreateKeyValueStoreCommand({ Name: otherName }))).KeyValueStore!.ARN!;
    expect(arn).to.match(/^arn:aws:cloudfront::\d{12}:key-value-store\/[0-9a-f-]{36}$/);
    await pollUntil(() => root.send(new DescribeKeyValueStoreCommand({ Name: name })), (o) => o.KeyValueStore?.Status === "READY");
    const user = await createIamUser(emu(), [
      policy(
        { Effect: "Allow", Action: "cloudfront:DescribeKeyValueStore", Resource: arn },
        { Effect: "Allow", Action: ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:ListKeys"], Resource: arn },
      ),
    ]);
    await enforceIam(emu());
    const { cf } = userClients(emu(), user);
    await cf.send(new DescribeKeyValueStoreCommand({ Name: name }));
    const err = await expectAwsError(cf.send(new DescribeKeyValueStoreCommand({ Name: otherName })), "AccessDenied", 403);
    expect(err.message).to.equal(DENIED_MESSAGE(user, "cloudfront:DescribeKeyValueStore", otherArn));
    const kvs = new CloudFrontKeyValueStoreClient({
      endpoint: emu().env().AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE,
      region: "us-east-1",
      credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
      maxAttempts: 1,
      requestHandler: { httpAgent: localhostAgent() },
    });
    const etag = (await kvs.send(new DescribeDataCommand({ KvsARN: arn }))).ETag!;
    expect((await kvs.send(new ListKeysCommand({ KvsARN: arn }))).Items ?? []).to.deep.equal([]);
    const put = await expectAwsError(kvs.send(new PutKeyCommand({ KvsARN: arn, Key: "k", Value: "v", IfMatch: etag })), "AccessDeniedException", 403);
    expect(put.message).to.equal(DENIED_MESSAGE(user, "cloudfront-keyvaluestore:PutKey", arn));
    await expectAwsError(kvs.send(new ListKeysCommand({ KvsARN: otherArn })), "AccessDeniedException", 403);
  });

  it("a full reset turns enforcement back off, a plain reset keeps it (it is a setting); --iam starts with it on, and a full reset keeps it on", async () => {
    await enforceIam(emu());
    expect((await emu().getConfig()).iamEnforce).to.equal(true);
    await emu().reset();
    expect((await emu().getConfig()).iamEnforce).to.equal(true);
    await emu().resetAll();
    expect((await emu().getConfig()).iamEnforce).to.equal(false);
    const started = await startEmulator({ iam: true });
    try {
      const stranger = { endpoint: started.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" }, maxAttempts: 1 };
      await expectAwsError(new EC2Client(stranger).send(new DescribeVpcsCommand({})), "AuthFailure", 401);
      await started.resetAll();
      expect((await started.getConfig()).iamEnforce).to.equal(true);
    } finally {
      await started.stop();
    }
  });
});
