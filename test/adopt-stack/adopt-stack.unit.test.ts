/**
 * adopt-stack, unit level: stack states, missing stacks and permissions
 * (aws-sdk-client-mock), the DeletionPolicy rewrite of JSON and YAML
 * templates, retiring that never deletes a stack still deleting something,
 * and the generated program for each managed kind.
 */
import {
    CloudFormationClient,
    DeleteStackCommand,
    DescribeStackResourcesCommand,
    DescribeStacksCommand,
    GetTemplateCommand,
    Stack,
    UpdateStackCommand,
} from "@aws-sdk/client-cloudformation";
import {
    CloudFrontClient,
    DescribeFunctionCommand,
    GetDistributionConfigCommand,
    GetFunctionCommand,
    ListTagsForResourceCommand,
} from "@aws-sdk/client-cloudfront";
import { DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import * as vm from "vm";
import { run } from "../../provider/adopt-stack/cli";
import { NOT_MANAGED, planHandOver } from "../../provider/adopt-stack/handover";
import { variableNames } from "../../provider/adopt-stack/program";
import { retireStack, settledStack } from "../../provider/adopt-stack/stack";
import { retainEverything } from "../../provider/adopt-stack/template";
import { resetClients } from "../../provider/common/clients";

const STACK_ID = "arn:aws:cloudformation:us-east-1:111122223333:stack/net/0a1b2c3d";

function awsError(name: string, message = `${name} message`, status = 400): Error {
    return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

function stack(status: string, extra: Partial<Stack> = {}): Stack {
    return { StackName: "net", StackId: STACK_ID, StackStatus: status as Stack["StackStatus"], CreationTime: new Date(), ...extra };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected a rejection");
}

/** Runs the command in-process, capturing stdout and stderr. */
async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const o = process.stdout.write;
    const e = process.stderr.write;
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
        const code = await run(argv, { AWS_REGION: "us-east-1" });
        return { code, out, err };
    } finally {
        process.stdout.write = o;
        process.stderr.write = e;
    }
}

describe("adopt-stack (unit)", () => {
    // Created in before(), not at describe time: mockClient stubs the class for
    // every instance, and mocha loads all spec files before running any.
    let cfn: AwsStub<any, any, any>;
    let ec2: AwsStub<any, any, any>;
    let cf: AwsStub<any, any, any>;
    before(() => {
        cfn = mockClient(CloudFormationClient);
        ec2 = mockClient(EC2Client);
        cf = mockClient(CloudFrontClient);
    });
    after(() => {
        cfn.restore();
        ec2.restore();
        cf.restore();
        resetClients();
    });

    beforeEach(() => {
        cfn.reset();
        ec2.reset();
        cf.reset();
        resetClients();
        process.env.ACKLESS_POLL_MIN_MS = "1";
        process.env.ACKLESS_POLL_MAX_MS = "2";
    });

    describe("stack states", () => {
        it("a missing stack is a plain error naming the stack and region, exit 1", async () => {
            cfn.on(DescribeStacksCommand).rejects(awsError("ValidationError", "Stack with id nope does not exist"));
            const r = await runCli(["nope"]);
            expect(r.code).to.equal(1);
            expect(r.err).to.contain('stack "nope" does not exist in region us-east-1');
        });

        it("ROLLBACK_COMPLETE is refused: nothing to hand over", async () => {
            cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack("ROLLBACK_COMPLETE")] });
            const e = await rejection(settledStack("net", "us-east-1"));
            expect(e.message).to.contain("ROLLBACK_COMPLETE").and.contain("creation failed");
            expect(cfn.commandCalls(DescribeStackResourcesCommand)).to.have.length(0);
        });

        for (const status of ["UPDATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS"]) {
            it(`${status} is refused: wait for it to finish`, async () => {
                cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(status)] });
                const e = await rejection(settledStack("net", "us-east-1"));
                expect(e.message).to.contain(status).and.contain("wait until it finishes");
            });
        }

        for (const status of ["UPDATE_ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_FAILED", "ROLLBACK_FAILED"]) {
            it(`${status} is refused as a failed state, with the reason`, async () => {
                cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(status, { StackStatusReason: "boom" })] });
                const e = await rejection(settledStack("net", "us-east-1"));
                expect(e.message).to.contain(`failed state ${status}`).and.contain("boom");
            });
        }

        for (const status of ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"]) {
            it(`${status} can be handed over`, async () => {
                cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(status)] });
                expect((await settledStack("net", "us-east-1")).StackStatus).to.equal(status);
            });
        }
    });

    describe("permissions", () => {
        it("AccessDenied on DescribeStacks names cloudformation:DescribeStacks", async () => {
            cfn.on(DescribeStacksCommand).rejects(awsError("AccessDenied", "User is not authorized", 403));
            const r = await runCli(["net"]);
            expect(r.code).to.equal(1);
            expect(r.err).to.contain("missing permission cloudformation:DescribeStacks").and.contain("AWS AccessDenied (HTTP 403)");
        });

        it("AccessDenied on DescribeStackResources names that action", async () => {
            cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack("CREATE_COMPLETE")] });
            cfn.on(DescribeStackResourcesCommand).rejects(awsError("AccessDenied", "not authorized", 403));
            const e = await rejection(planHandOver(stack("CREATE_COMPLETE"), "us-east-1"));
            expect(e.message).to.match(/^missing permission cloudformation:DescribeStackResources/);
        });

        it("UnauthorizedOperation reading a NAT gateway names ec2:DescribeNatGateways", async () => {
            cfn.on(DescribeStackResourcesCommand).resolves({
                StackResources: [{ LogicalResourceId: "Nat", ResourceType: "AWS::EC2::NatGateway", PhysicalResourceId: "nat-1", ResourceStatus: "CREATE_COMPLETE", Timestamp: new Date() }],
            });
            ec2.on(DescribeNatGatewaysCommand).rejects(awsError("UnauthorizedOperation", "You are not authorized", 403));
            const e = await rejection(planHandOver(stack("CREATE_COMPLETE"), "us-east-1"));
            expect(e.message).to.match(/^missing permission ec2:DescribeNatGateways/);
        });

        it("AccessDenied on UpdateStack names it, and nothing is deleted", async () => {
            cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: { Vpc: { Type: "AWS::EC2::VPC" } } }) });
            cfn.on(UpdateStackCommand).rejects(awsError("AccessDenied", "not authorized", 403));
            const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
            expect(e.message).to.match(/^missing permission cloudformation:UpdateStack/);
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(0);
        });
    });

    describe("templates and retiring", () => {
        it("adds DeletionPolicy: Retain to every resource of a YAML template with short-form intrinsics", () => {
            const yamlBody = [
                "Resources:",
                "  Vpc:",
                "    Type: AWS::EC2::VPC",
                "    Properties: { CidrBlock: 10.0.0.0/16 }",
                "  Sub:",
                "    Type: AWS::EC2::Subnet",
                "    DeletionPolicy: Delete",
                "    Properties:",
                "      VpcId: !Ref Vpc",
                "      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]",
                "  Kept:",
                "    Type: AWS::EC2::EIP",
                "    DeletionPolicy: Retain",
            ].join("\n");
            const { body, retained } = retainEverything(yamlBody);
            expect(retained).to.deep.equal(["Vpc", "Sub"]);
            const t = JSON.parse(body);
            expect(Object.values(t.Resources).map((r: any) => r.DeletionPolicy)).to.deep.equal(["Retain", "Retain", "Retain"]);
            expect(t.Resources.Sub.Properties.VpcId).to.deep.equal({ Ref: "Vpc" });
            expect(t.Resources.Sub.Properties.CidrBlock).to.deep.equal({
                "Fn::Select": [0, { "Fn::Cidr": [{ "Fn::GetAtt": ["Vpc", "CidrBlock"] }, 2, 8] }],
            });
        });

        it("retires: UpdateStack with the retained template and previous parameters, waits, then deletes", async () => {
            const template = { Resources: { Vpc: { Type: "AWS::EC2::VPC" }, Nat: { Type: "AWS::EC2::NatGateway" } } };
            const retainedBody = retainEverything(JSON.stringify(template)).body;
            cfn.on(GetTemplateCommand, { TemplateStage: "Original" }).resolves({ TemplateBody: JSON.stringify(template) });
            cfn.on(GetTemplateCommand, { TemplateStage: "Processed" }).resolves({ TemplateBody: retainedBody });
            cfn.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
            cfn.on(DescribeStacksCommand)
                .resolvesOnce({ Stacks: [stack("UPDATE_IN_PROGRESS")] })
                .resolvesOnce({ Stacks: [stack("UPDATE_COMPLETE")] })
                .resolvesOnce({ Stacks: [stack("DELETE_IN_PROGRESS")] })
                .resolves({ Stacks: [stack("DELETE_COMPLETE")] });
            const r = await retireStack(stack("CREATE_COMPLETE", { Parameters: [{ ParameterKey: "Cidr", ParameterValue: "10.0.0.0/16" }] }), { timeoutMs: 10_000 });
            expect(r.retained).to.deep.equal(["Vpc", "Nat"]);
            const update = cfn.commandCalls(UpdateStackCommand)[0].args[0].input;
            expect(JSON.parse(update.TemplateBody!).Resources.Nat.DeletionPolicy).to.equal("Retain");
            expect(update.Parameters).to.deep.equal([{ ParameterKey: "Cidr", UsePreviousValue: true }]);
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(1);
        });

        it("does not delete the stack when the update rolls back", async () => {
            cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: { Vpc: { Type: "AWS::EC2::VPC" } } }) });
            cfn.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
            cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack("UPDATE_ROLLBACK_COMPLETE", { StackStatusReason: "denied" })] });
            const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
            expect(e.message).to.contain("did not take DeletionPolicy: Retain").and.contain("UPDATE_ROLLBACK_COMPLETE").and.contain("nothing was deleted");
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(0);
        });

        it("does not delete the stack when the processed template still deletes a resource (macros)", async () => {
            cfn.on(GetTemplateCommand, { TemplateStage: "Original" }).resolves({ TemplateBody: JSON.stringify({ Resources: { Vpc: { Type: "AWS::EC2::VPC", DeletionPolicy: "Retain" } } }) });
            cfn.on(GetTemplateCommand, { TemplateStage: "Processed" }).resolves({
                TemplateBody: JSON.stringify({ Resources: { Vpc: { Type: "AWS::EC2::VPC", DeletionPolicy: "Retain" }, Generated: { Type: "AWS::Lambda::Function" } } }),
            });
            const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
            expect(e.message).to.contain("Generated").and.contain("not deleted");
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(0);
            expect(cfn.commandCalls(UpdateStackCommand)).to.have.length(0);
        });
    });

    describe("generated program", () => {
        const distConfig = {
            CallerReference: "cfn-ref-1",
            Comment: "site",
            Enabled: true,
            Aliases: { Quantity: 0 },
            Origins: { Quantity: 1, Items: [{ Id: "o1", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
            DefaultCacheBehavior: { TargetOriginId: "o1", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        };

        beforeEach(() => {
            cfn.on(DescribeStackResourcesCommand).resolves({
                StackResources: [
                    { LogicalResourceId: "Site", ResourceType: "AWS::CloudFront::Distribution", PhysicalResourceId: "E123", ResourceStatus: "CREATE_COMPLETE", Timestamp: new Date() },
                    { LogicalResourceId: "Function", ResourceType: "AWS::CloudFront::Function", PhysicalResourceId: "arn:aws:cloudfront::111122223333:function/rewrite", ResourceStatus: "CREATE_COMPLETE", Timestamp: new Date() },
                    { LogicalResourceId: "Nat", ResourceType: "AWS::EC2::NatGateway", PhysicalResourceId: "nat-gone", ResourceStatus: "CREATE_COMPLETE", Timestamp: new Date() },
                    { LogicalResourceId: "Bucket", ResourceType: "AWS::S3::Bucket", PhysicalResourceId: "my-bucket", ResourceStatus: "CREATE_COMPLETE", Timestamp: new Date() },
                ],
            });
            cf.on(GetDistributionConfigCommand).resolves({ DistributionConfig: distConfig as any, ETag: "E1" });
            cf.on(ListTagsForResourceCommand, { Resource: "arn:aws:cloudfront::111122223333:distribution/E123" }).resolves({
                Tags: { Items: [{ Key: "env", Value: "prod" }, { Key: "aws:cloudformation:stack-name", Value: "net" }] },
            });
            cf.on(ListTagsForResourceCommand, { Resource: "arn:aws:cloudfront::111122223333:function/rewrite" }).resolves({ Tags: { Items: [] } });
            cf.on(DescribeFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({
                FunctionSummary: {
                    Name: "rewrite",
                    FunctionConfig: { Comment: "c", Runtime: "cloudfront-js-2.0" },
                    FunctionMetadata: { FunctionARN: "arn:aws:cloudfront::111122223333:function/rewrite", LastModifiedTime: new Date() },
                },
            });
            cf.on(GetFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({ FunctionCode: Buffer.from("function handler(e) { return e.request; }") as any });
            cf.on(DescribeFunctionCommand, { Stage: "LIVE" }).rejects(awsError("NoSuchFunctionExists", "no LIVE", 404));
            ec2.on(DescribeNatGatewaysCommand).rejects(awsError("NatGatewayNotFound", "The Nat Gateway nat-gone was not found"));
        });

        it("declares a distribution and a function with adopt, current config and user tags only; lists the rest with the reason", async () => {
            const plan = await planHandOver(stack("CREATE_COMPLETE"), "us-east-1");
            expect(plan.adopted.map((a) => a.logicalId)).to.deep.equal(["Site", "Function"]);
            expect(plan.leftOut.map((l) => [l.logicalId, l.reason])).to.deep.equal([
                ["Nat", "NAT gateway nat-gone does not exist any more"],
                ["Bucket", NOT_MANAGED],
            ]);
            // Run the generated program against a fake ackless to see what it declares.
            const declared: any[] = [];
            const fake = (cls: string) =>
                class {
                    id = `${cls}-id`;
                    constructor(name: string, args: any, opts: any) {
                        declared.push({ cls, name, args, opts });
                    }
                };
            const exportsObj: Record<string, unknown> = {};
            const requireFake = (m: string) =>
                m === "ackless"
                    ? { cloudfront: { Distribution: fake("Distribution"), Function: fake("Function") }, ec2: { NatGateway: fake("NatGateway") } }
                    : { Config: class { get() { return undefined; } } };
            vm.runInNewContext(plan.files["index.js"], { require: requireFake, exports: exportsObj });
            const [dist, fn] = declared;
            expect(dist).to.deep.include({ cls: "Distribution", name: "Site", opts: { retainOnDelete: true } });
            expect(dist.args.adopt).to.deep.equal({ id: "E123" });
            expect(dist.args.tags).to.deep.equal({ env: "prod" });
            expect(JSON.stringify(dist.args.distributionConfig)).not.to.contain("Quantity");
            expect(dist.args.distributionConfig.CallerReference).to.equal("cfn-ref-1");
            expect(dist.args.distributionConfig.Origins.Items[0].DomainName).to.equal("example.com");
            expect(fn.cls).to.equal("Function");
            expect(fn.args).to.deep.include({ adopt: { id: "rewrite" }, name: "rewrite", runtime: "cloudfront-js-2.0", comment: "c", publish: false, tags: {} });
            expect(fn.args.code).to.equal("function handler(e) { return e.request; }");
            expect(Object.keys(exportsObj)).to.deep.equal(["siteId", "functionResourceId"]);
            expect(JSON.parse(plan.files["package.json"]).dependencies).to.have.property("ackless");
            expect(plan.files["Pulumi.yaml"]).to.match(/^name: net\n/).and.contain("main: index.js");
        });
    });

    it("variable names avoid reserved words and collisions", () => {
        const names = variableNames(["Function", "Config", "config", "Nat", "nat"]);
        expect([...names.values()]).to.deep.equal(["functionResource", "configResource", "configResource2", "nat", "nat2"]);
    });
});
