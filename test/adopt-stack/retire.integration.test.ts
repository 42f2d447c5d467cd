/**
 * `retireStack` against the emulator (no Pulumi engine): a YAML stack written
 * as people write them (unquoted 2010-09-09, short-form tags, 1.10) is retired
 * through a policy-only change set and nothing is deleted; a stack whose SSM
 * parameter changed since its last update is refused, listing the change,
 * and left exactly as it was (no change set left behind).
 *
 * The plan of a stack with an EIP, a route, a key value store and a
 * distribution: the EIP by its allocation id (DescribeAddresses), the route
 * from the processed template's properties, the store and the distribution
 * read for the program.
 *
 * IAM enforced: the command runs as a user bound only to
 * docs/iam/read-only.json and handover-cloudformation.json; between them the
 * tests need every action of handover-cloudformation.json (the refused
 * one needs DeleteChangeSet, the plan the reads of ReadForHandOver).
 */
import {
    CloudFormationClient,
    CreateStackCommand,
    DescribeStacksCommand,
    GetTemplateCommand,
    ListChangeSetsCommand,
} from "@aws-sdk/client-cloudformation";
import { DescribeAddressesCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { planHandOver } from "../../provider/adopt-stack/handover";
import { findStack, retireStack } from "../../provider/adopt-stack/stack";
import { useEmulator } from "../helpers/emulator";
import { setProviderEnv } from "../helpers/env";
import { callsOf, denials, IamCall, IamUser, underPolicies, unneededActions } from "../helpers/iam";

const YAML_TEMPLATE = `AWSTemplateFormatVersion: 2010-09-09
Description: network 1.10 # as written
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      Tags:
        - { Key: version, Value: 1.10 }
        - { Key: mode, Value: 0755 }
  Sub:
    Type: AWS::EC2::Subnet
    DeletionPolicy: Delete
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, [10.0.0.0/24, 10.0.1.0/24]]
      Tags:
        - { Key: vpc-cidr, Value: !GetAtt Vpc.CidrBlock }
`;

describe("adopt-stack --retire-stack against the emulator", function () {
    const emu = useEmulator();
    let restore: () => void;
    let cfn: CloudFormationClient;
    let ec2: EC2Client;

    let user: IamUser;
    const users: IamUser[] = [];
    const calls: IamCall[] = [];

    beforeEach(async () => {
        user = await underPolicies(emu(), ["read-only", "handover-cloudformation"]);
        users.push(user);
        restore = setProviderEnv({ ...user.env(), ACKLESS_POLL_MIN_MS: "20", ACKLESS_POLL_MAX_MS: "50" });
        const opts = { endpoint: emu().endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
        cfn = new CloudFormationClient(opts);
        ec2 = new EC2Client(opts);
    });
    afterEach(async () => {
        restore();
        calls.push(...(await callsOf(emu(), user)));
    });
    after(() => {
        expect(denials(calls)).to.deep.equal([]);
        expect(unneededActions(calls, users, ["handover-cloudformation"]), "handover-cloudformation.json actions no call needed").to.deep.equal([]);
    });

    it("a YAML stack (unquoted 2010-09-09, short-form tags): the emulator accepts the change set, it is executed, the stack deleted, VPC and subnet kept", async () => {
        const created = await cfn.send(new CreateStackCommand({ StackName: "yaml-net", TemplateBody: YAML_TEMPLATE }));
        const stack = (await findStack("yaml-net"))!;
        const vpcsBefore = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length;
        const progress: string[] = [];
        const r = await retireStack(stack, { timeoutMs: 30_000, progress: (m) => progress.push(m) });
        expect(r.retained).to.deep.equal(["Vpc", "Sub"]);
        expect(progress.join("\n")).to.contain("policy-only change(s)");
        expect(await findStack(created.StackId!)).to.equal(undefined);
        expect((await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length).to.equal(vpcsBefore);
        const calls = (await emu().calls()).filter((c) => c.service === "cloudformation").map((c) => c.operation);
        expect(calls).to.include.members(["CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DeleteStack"]);
        expect(calls).not.to.include("UpdateStack");
        const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!;
        expect(subnets.some((s) => s.CidrBlock === "10.0.0.0/24")).to.equal(true);
    });

    it("the plan, as that user: EIP by allocation id, route by <table>_<destination>, key value store and distribution read for the program", async () => {
        const template = {
            Resources: {
                Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.5.0.0/16" } },
                Table: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: { Ref: "Vpc" } } },
                Gw: { Type: "AWS::EC2::InternetGateway" },
                Attach: { Type: "AWS::EC2::VPCGatewayAttachment", Properties: { VpcId: { Ref: "Vpc" }, InternetGatewayId: { Ref: "Gw" } } },
                Default: {
                    Type: "AWS::EC2::Route",
                    DependsOn: "Attach",
                    Properties: { RouteTableId: { Ref: "Table" }, DestinationCidrBlock: "0.0.0.0/0", GatewayId: { Ref: "Gw" } },
                },
                Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
                Store: { Type: "AWS::CloudFront::KeyValueStore", Properties: { Name: "plan-store", Comment: "c" } },
                Site: {
                    Type: "AWS::CloudFront::Distribution",
                    Properties: {
                        DistributionConfig: {
                            Enabled: true,
                            Origins: [{ Id: "o", DomainName: "example.com", CustomOriginConfig: { OriginProtocolPolicy: "https-only" } }],
                            DefaultCacheBehavior: {
                                TargetOriginId: "o",
                                ViewerProtocolPolicy: "allow-all",
                                CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                            },
                        },
                    },
                },
            },
        };
        await cfn.send(new CreateStackCommand({ StackName: "plan-net", TemplateBody: JSON.stringify(template) }));
        const plan = await planHandOver((await findStack("plan-net"))!, "us-east-1");
        const address = (await ec2.send(new DescribeAddressesCommand({}))).Addresses!.find((a) =>
            plan.resources.some((r) => r.PhysicalResourceId === a.PublicIp),
        )!;
        const table = plan.resources.find((r) => r.LogicalResourceId === "Table")!.PhysicalResourceId!;
        const gw = plan.resources.find((r) => r.LogicalResourceId === "Gw")!.PhysicalResourceId!;
        const vpc = plan.resources.find((r) => r.LogicalResourceId === "Vpc")!.PhysicalResourceId!;
        expect(Object.fromEntries(plan.imported.map((i) => [i.name, `${i.type} ${i.id}`]))).to.deep.equal({
            Vpc: `aws:ec2/vpc:Vpc ${vpc}`,
            Table: `aws:ec2/routeTable:RouteTable ${table}`,
            Gw: `aws:ec2/internetGateway:InternetGateway ${gw}`,
            Attach: `aws:ec2/internetGatewayAttachment:InternetGatewayAttachment ${gw}:${vpc}`,
            Default: `aws:ec2/route:Route ${table}_0.0.0.0/0`,
            Eip: `aws:ec2/eip:Eip ${address.AllocationId}`,
        });
        expect(plan.adopted.map((a) => `${a.logicalId} ${a.read.kind}`).sort()).to.deep.equal([
            "Site AWS::CloudFront::Distribution",
            "Store AWS::CloudFront::KeyValueStore",
        ]);
        expect(plan.leftOut).to.deep.equal([]);
    });

    it("an SSM parameter changed since the last update: refused with the change listed, the stack and its template untouched, no change set left", async () => {
        const key = "/net/cidr";
        const put = (value: string) =>
            fetch(emu().endpoint, {
                method: "POST",
                headers: {
                    "content-type": "application/x-amz-json-1.1",
                    "x-amz-target": "AmazonSSM.PutParameter",
                    authorization: "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=0",
                },
                body: JSON.stringify({ Name: key, Value: value, Type: "String", Overwrite: true }),
            });
        expect((await put("10.9.0.0/16")).status).to.equal(200);
        const template = `Parameters:\n  Cidr:\n    Type: AWS::SSM::Parameter::Value<String>\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Ref Cidr\n`;
        await cfn.send(
            new CreateStackCommand({ StackName: "ssm-net", TemplateBody: template, Parameters: [{ ParameterKey: "Cidr", ParameterValue: key }] }),
        );
        expect((await put("10.8.0.0/16")).status).to.equal(200);
        const stack = (await findStack("ssm-net"))!;
        let error: Error | undefined;
        await retireStack(stack, { timeoutMs: 30_000 }).catch((e) => (error = e));
        expect(error?.message)
            .to.contain("would also change 1 resource(s)")
            .and.contain("Modify Vpc (AWS::EC2::VPC)")
            .and.contain("Properties.CidrBlock");
        const after = (await cfn.send(new DescribeStacksCommand({ StackName: "ssm-net" }))).Stacks![0];
        expect(after.StackStatus).to.equal("CREATE_COMPLETE");
        expect((await cfn.send(new GetTemplateCommand({ StackName: "ssm-net" }))).TemplateBody).to.equal(template);
        expect((await cfn.send(new ListChangeSetsCommand({ StackName: "ssm-net" }))).Summaries ?? []).to.deep.equal([]);
    });
});
