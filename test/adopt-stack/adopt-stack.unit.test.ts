/**
 * adopt-stack, unit level: stack states (REVIEW_IN_PROGRESS included),
 * missing stacks and permissions (aws-sdk-client-mock), resource listing over
 * every page, retiring through a change set that is refused when it changes
 * anything but the Retain policies, nested stacks refused, retiring that never
 * deletes a stack still deleting something, and the generated program for
 * each managed kind.
 */
import {
    Change,
    CloudFormationClient,
    CreateChangeSetCommand,
    DeleteChangeSetCommand,
    DeleteStackCommand,
    DescribeChangeSetCommand,
    DescribeStackResourcesCommand,
    DescribeStacksCommand,
    ExecuteChangeSetCommand,
    GetTemplateCommand,
    ListStackResourcesCommand,
    Stack,
    StackResourceSummary,
    UpdateStackCommand,
} from "@aws-sdk/client-cloudformation";
import {
    CloudFrontClient,
    DescribeFunctionCommand,
    DescribeKeyValueStoreCommand,
    GetDistributionConfigCommand,
    GetFunctionCommand,
    ListTagsForResourceCommand,
} from "@aws-sdk/client-cloudfront";
import { DescribeAddressesCommand, DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import * as ts from "typescript";
import * as vm from "vm";
import { run } from "../../provider/adopt-stack/cli";
import { planHandOver, summaryText } from "../../provider/adopt-stack/handover";
import { unmapped } from "../../provider/handover/cloudformation";
import { variableNames } from "../../provider/adopt-stack/program";
import { retireStack, settledStack } from "../../provider/adopt-stack/stack";
import { retainEverything } from "../../provider/adopt-stack/template";
import { resetClients } from "../../provider/common/clients";
import { withCheckedProject } from "../helpers/tsc";
import { rejection } from "./helpers";

const STACK_ID = "arn:aws:cloudformation:us-east-1:111122223333:stack/net/0a1b2c3d";
const CHANGE_SET_ID = "arn:aws:cloudformation:us-east-1:111122223333:changeSet/ackless-retire-1/5e6f";

function resource(logicalId: string, type: string, physicalId = `${logicalId.toLowerCase()}-1`): StackResourceSummary {
    return {
        LogicalResourceId: logicalId,
        ResourceType: type,
        PhysicalResourceId: physicalId,
        ResourceStatus: "CREATE_COMPLETE",
        LastUpdatedTimestamp: new Date(),
    };
}

/** A policy-only change, as AWS reports one (Modify, no replacement, scope DeletionPolicy/UpdateReplacePolicy). */
function policyChange(logicalId: string): Change {
    return {
        Type: "Resource",
        ResourceChange: {
            Action: "Modify",
            LogicalResourceId: logicalId,
            PhysicalResourceId: `${logicalId.toLowerCase()}-1`,
            ResourceType: "AWS::EC2::VPC",
            Replacement: "False",
            Scope: ["DeletionPolicy", "UpdateReplacePolicy"],
            Details: [
                { Target: { Attribute: "DeletionPolicy", RequiresRecreation: "Never" }, Evaluation: "Static", ChangeSource: "DirectModification" },
                {
                    Target: { Attribute: "UpdateReplacePolicy", RequiresRecreation: "Never" },
                    Evaluation: "Static",
                    ChangeSource: "DirectModification",
                },
            ],
        },
    };
}

function awsError(name: string, message = `${name} message`, status = 400): Error {
    return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

function stack(status: string, extra: Partial<Stack> = {}): Stack {
    return { StackName: "net", StackId: STACK_ID, StackStatus: status as Stack["StackStatus"], CreationTime: new Date(), ...extra };
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

/** Runs a generated program against a fake ackless (and a config with nothing set): what it declares and exports. */
function runProgram(indexTs: string): { declared: { cls: string; name: string; args: any; opts: any }[]; exportsObj: Record<string, unknown> } {
    const declared: { cls: string; name: string; args: any; opts: any }[] = [];
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
            : {
                  Config: class {
                      get() {
                          return undefined;
                      }
                  },
              };
    const js = ts.transpileModule(indexTs, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    vm.runInNewContext(js, { require: requireFake, exports: exportsObj });
    return { declared, exportsObj };
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
            expect(cfn.commandCalls(ListStackResourcesCommand)).to.have.length(0);
        });

        it("REVIEW_IN_PROGRESS has its own message: a change set never executed, nothing to wait for", async () => {
            cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack("REVIEW_IN_PROGRESS")] });
            const e = await rejection(settledStack("net", "us-east-1"));
            expect(e.message).to.contain("REVIEW_IN_PROGRESS").and.contain("never executed").and.contain("execute-change-set");
            expect(e.message).not.to.contain("wait until it finishes");
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

        it("AccessDenied on ListStackResources names that action", async () => {
            cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack("CREATE_COMPLETE")] });
            cfn.on(ListStackResourcesCommand).rejects(awsError("AccessDenied", "not authorized", 403));
            const e = await rejection(planHandOver(stack("CREATE_COMPLETE"), "us-east-1"));
            expect(e.message).to.match(/^missing permission cloudformation:ListStackResources/);
        });

        it("UnauthorizedOperation reading a NAT gateway names ec2:DescribeNatGateways", async () => {
            cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [resource("Nat", "AWS::EC2::NatGateway", "nat-1")] });
            ec2.on(DescribeNatGatewaysCommand).rejects(awsError("UnauthorizedOperation", "You are not authorized", 403));
            const e = await rejection(planHandOver(stack("CREATE_COMPLETE"), "us-east-1"));
            expect(e.message).to.match(/^missing permission ec2:DescribeNatGateways/);
        });

        it("AccessDenied on CreateChangeSet names it, and nothing is deleted", async () => {
            cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [resource("Vpc", "AWS::EC2::VPC")] });
            cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: { Vpc: { Type: "AWS::EC2::VPC" } } }) });
            cfn.on(CreateChangeSetCommand).rejects(awsError("AccessDenied", "not authorized", 403));
            const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
            expect(e.message).to.match(/^missing permission cloudformation:CreateChangeSet/);
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(0);
        });
    });

    describe("listing resources", () => {
        it("follows NextToken over every page: 250 resources, not the first 100", async () => {
            const all = Array.from({ length: 250 }, (_, i) => resource(`Bucket${i}`, "AWS::S3::Bucket"));
            cfn.on(ListStackResourcesCommand, { NextToken: undefined }).resolves({ StackResourceSummaries: all.slice(0, 100), NextToken: "t1" });
            cfn.on(ListStackResourcesCommand, { NextToken: "t1" }).resolves({ StackResourceSummaries: all.slice(100, 200), NextToken: "t2" });
            cfn.on(ListStackResourcesCommand, { NextToken: "t2" }).resolves({ StackResourceSummaries: all.slice(200) });
            const plan = await planHandOver(stack("CREATE_COMPLETE"), "us-east-1");
            expect(plan.leftOut.map((l) => l.logicalId)).to.deep.equal(all.map((r) => r.LogicalResourceId));
            expect(cfn.commandCalls(ListStackResourcesCommand).map((c) => c.args[0].input.NextToken)).to.deep.equal([undefined, "t1", "t2"]);
            expect(cfn.commandCalls(DescribeStackResourcesCommand)).to.have.length(0);
        });

        it("a nested stack is left out saying which adopt-stack to run", async () => {
            cfn.on(ListStackResourcesCommand).resolves({
                StackResourceSummaries: [
                    resource("Child", "AWS::CloudFormation::Stack", "arn:aws:cloudformation:us-east-1:111122223333:stack/net-Child-1ABC/9f8e"),
                ],
            });
            const plan = await planHandOver(stack("CREATE_COMPLETE"), "us-east-1");
            expect(plan.leftOut[0].reason).to.contain("nested stack").and.contain("ackless adopt-stack net-Child-1ABC");
        });
    });

    describe("retiring", () => {
        const template = { Resources: { Vpc: { Type: "AWS::EC2::VPC" }, Nat: { Type: "AWS::EC2::NatGateway" } } };
        const retained = retainEverything(JSON.stringify(template)).body;

        /** A stack that retires cleanly unless a test overrides a step. */
        function happyPath(changes: Change[] = [policyChange("Vpc"), policyChange("Nat")]) {
            cfn.on(ListStackResourcesCommand).resolves({
                StackResourceSummaries: [resource("Vpc", "AWS::EC2::VPC"), resource("Nat", "AWS::EC2::NatGateway")],
            });
            cfn.on(GetTemplateCommand, { TemplateStage: "Original" }).resolves({ TemplateBody: JSON.stringify(template) });
            cfn.on(GetTemplateCommand, { TemplateStage: "Processed" }).resolves({ TemplateBody: retained });
            cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
            cfn.on(DescribeChangeSetCommand)
                .resolvesOnce({ Status: "CREATE_PENDING", ExecutionStatus: "UNAVAILABLE" })
                .resolvesOnce({ Status: "CREATE_IN_PROGRESS", ExecutionStatus: "UNAVAILABLE" })
                .resolves({ Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", Changes: changes });
            cfn.on(ExecuteChangeSetCommand).resolves({});
            cfn.on(DeleteChangeSetCommand).resolves({});
            cfn.on(DescribeStacksCommand)
                .resolvesOnce({ Stacks: [stack("UPDATE_IN_PROGRESS")] })
                .resolvesOnce({ Stacks: [stack("UPDATE_COMPLETE")] })
                .resolvesOnce({ Stacks: [stack("DELETE_IN_PROGRESS")] })
                .resolves({ Stacks: [stack("DELETE_COMPLETE")] });
        }

        it("a policy-only change set is executed (never UpdateStack), then the stack is deleted", async () => {
            happyPath();
            const r = await retireStack(stack("CREATE_COMPLETE", { Parameters: [{ ParameterKey: "Cidr", ParameterValue: "10.0.0.0/16" }] }), {
                timeoutMs: 10_000,
            });
            expect(r.retained).to.deep.equal(["Vpc", "Nat"]);
            const create = cfn.commandCalls(CreateChangeSetCommand)[0].args[0].input;
            expect(create).to.include({ StackName: STACK_ID, ChangeSetType: "UPDATE" });
            expect(create.ChangeSetName).to.match(/^[a-zA-Z][-a-zA-Z0-9]*$/);
            expect(JSON.parse(create.TemplateBody!).Resources.Nat).to.include({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
            expect(create.Parameters).to.deep.equal([{ ParameterKey: "Cidr", UsePreviousValue: true }]);
            expect(cfn.commandCalls(DescribeChangeSetCommand).length).to.be.at.least(3);
            expect(cfn.commandCalls(ExecuteChangeSetCommand).map((c) => c.args[0].input.ChangeSetName)).to.deep.equal([CHANGE_SET_ID]);
            expect(cfn.commandCalls(UpdateStackCommand)).to.have.length(0);
            expect(cfn.commandCalls(DeleteChangeSetCommand)).to.have.length(0);
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(1);
        });

        const unsafe: [string, Change][] = [
            [
                "a replacement",
                {
                    Type: "Resource",
                    ResourceChange: {
                        Action: "Modify",
                        LogicalResourceId: "Nat",
                        PhysicalResourceId: "nat-1",
                        ResourceType: "AWS::EC2::NatGateway",
                        Replacement: "True",
                        PolicyAction: "ReplaceAndDelete",
                        Scope: ["Properties"],
                        Details: [
                            {
                                Target: { Attribute: "Properties", Name: "SubnetId", RequiresRecreation: "Always" },
                                Evaluation: "Static",
                                ChangeSource: "ParameterReference",
                                CausingEntity: "Subnet",
                            },
                        ],
                    },
                },
            ],
            [
                "a conditional replacement",
                {
                    Type: "Resource",
                    ResourceChange: {
                        Action: "Modify",
                        LogicalResourceId: "Vpc",
                        ResourceType: "AWS::EC2::VPC",
                        Replacement: "Conditional",
                        Scope: ["Properties"],
                        Details: [
                            {
                                Target: { Attribute: "Properties", Name: "CidrBlock", RequiresRecreation: "Conditionally" },
                                Evaluation: "Dynamic",
                                ChangeSource: "DirectModification",
                            },
                        ],
                    },
                },
            ],
            [
                "an in-place property modification",
                {
                    Type: "Resource",
                    ResourceChange: {
                        Action: "Modify",
                        LogicalResourceId: "Vpc",
                        ResourceType: "AWS::EC2::VPC",
                        Replacement: "False",
                        Scope: ["Properties", "DeletionPolicy"],
                        Details: [
                            {
                                Target: { Attribute: "Properties", Name: "Tags", RequiresRecreation: "Never" },
                                Evaluation: "Static",
                                ChangeSource: "DirectModification",
                            },
                        ],
                    },
                },
            ],
            [
                "a removal",
                {
                    Type: "Resource",
                    ResourceChange: {
                        Action: "Remove",
                        LogicalResourceId: "Old",
                        PhysicalResourceId: "q-1",
                        ResourceType: "AWS::SQS::Queue",
                        PolicyAction: "Delete",
                        Scope: [],
                        Details: [],
                    },
                },
            ],
            [
                "an addition",
                {
                    Type: "Resource",
                    ResourceChange: { Action: "Add", LogicalResourceId: "New", ResourceType: "AWS::SQS::Queue", Scope: [], Details: [] },
                },
            ],
            [
                "a dynamic change",
                { Type: "Resource", ResourceChange: { Action: "Dynamic", LogicalResourceId: "Vpc", ResourceType: "AWS::EC2::VPC" } },
            ],
        ];
        for (const [what, change] of unsafe) {
            it(`refuses a change set with ${what}, listing it; deletes the change set; executes, updates and deletes nothing`, async () => {
                happyPath([policyChange("Vpc"), change]);
                const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
                const rc = change.ResourceChange!;
                expect(e.message).to.contain("would also change 1 resource(s)").and.contain("nothing was changed");
                expect(e.message)
                    .to.contain(`${rc.Action} ${rc.LogicalResourceId} (${rc.ResourceType})`)
                    .and.contain(`replacement ${rc.Replacement ?? "n/a"}`);
                expect(e.message).not.to.contain("Modify Vpc (AWS::EC2::VPC) vpc-1: replacement False, scope DeletionPolicy/UpdateReplacePolicy");
                expect(cfn.commandCalls(DeleteChangeSetCommand).map((c) => c.args[0].input.ChangeSetName)).to.deep.equal([CHANGE_SET_ID]);
                expect(cfn.commandCalls(ExecuteChangeSetCommand)).to.have.length(0);
                expect(cfn.commandCalls(UpdateStackCommand)).to.have.length(0);
                expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(0);
            });
        }

        it("a change set that failed for another reason is deleted and nothing else happens", async () => {
            happyPath();
            cfn.on(DescribeChangeSetCommand).resolves({
                Status: "FAILED",
                ExecutionStatus: "UNAVAILABLE",
                StatusReason: "Template format error: bad",
            });
            const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
            expect(e.message).to.contain("Template format error: bad").and.contain("nothing was changed");
            expect(cfn.commandCalls(DeleteChangeSetCommand)).to.have.length(1);
            expect(cfn.commandCalls(ExecuteChangeSetCommand)).to.have.length(0);
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(0);
        });

        it("Changes are read over every page of DescribeChangeSet", async () => {
            happyPath();
            cfn.on(DescribeChangeSetCommand, { NextToken: undefined }).resolves({
                Status: "CREATE_COMPLETE",
                ExecutionStatus: "AVAILABLE",
                Changes: [policyChange("Vpc")],
                NextToken: "p2",
            });
            cfn.on(DescribeChangeSetCommand, { NextToken: "p2" }).resolves({
                Status: "CREATE_COMPLETE",
                ExecutionStatus: "AVAILABLE",
                Changes: [unsafe[3][1]],
            });
            const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
            expect(e.message).to.contain("Remove Old (AWS::SQS::Queue)");
        });

        it("refuses a stack with a nested stack before reading or changing anything, saying what to do", async () => {
            happyPath();
            cfn.on(ListStackResourcesCommand).resolves({
                StackResourceSummaries: [
                    resource("Vpc", "AWS::EC2::VPC"),
                    resource("Child", "AWS::CloudFormation::Stack", "arn:aws:cloudformation:us-east-1:111122223333:stack/net-Child-1ABC/9f8e"),
                ],
            });
            const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
            expect(e.message)
                .to.contain("nested stack(s) Child (net-Child-1ABC)")
                .and.contain("`ackless adopt-stack net-Child-1ABC`")
                .and.contain("nothing was changed");
            expect(cfn.commandCalls(GetTemplateCommand)).to.have.length(0);
            expect(cfn.commandCalls(CreateChangeSetCommand)).to.have.length(0);
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(0);
        });

        it("does not delete the stack when the update rolls back", async () => {
            happyPath();
            cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack("UPDATE_ROLLBACK_COMPLETE", { StackStatusReason: "denied" })] });
            const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
            expect(e.message)
                .to.contain("did not take the Retain policies")
                .and.contain("UPDATE_ROLLBACK_COMPLETE")
                .and.contain("nothing was deleted");
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(0);
        });

        it("does not delete the stack when the processed template still deletes a resource (macros)", async () => {
            happyPath();
            const kept = { Type: "AWS::EC2::VPC", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" };
            cfn.on(GetTemplateCommand, { TemplateStage: "Original" }).resolves({ TemplateBody: JSON.stringify({ Resources: { Vpc: kept } }) });
            cfn.on(GetTemplateCommand, { TemplateStage: "Processed" }).resolves({
                TemplateBody: JSON.stringify({ Resources: { Vpc: kept, Generated: { Type: "AWS::Lambda::Function" } } }),
            });
            const e = await rejection(retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 }));
            expect(e.message).to.contain("Generated").and.contain("not deleted");
            expect(cfn.commandCalls(DeleteStackCommand)).to.have.length(0);
            expect(cfn.commandCalls(CreateChangeSetCommand)).to.have.length(0);
        });

        it("sends a YAML template back as YAML with its scalars untouched", async () => {
            happyPath();
            const yamlBody =
                "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Ref Cidr\n      Version: 1.10\n";
            cfn.on(GetTemplateCommand, { TemplateStage: "Original" }).resolves({ TemplateBody: yamlBody });
            await retireStack(stack("CREATE_COMPLETE"), { timeoutMs: 10_000 });
            const sent = cfn.commandCalls(CreateChangeSetCommand)[0].args[0].input.TemplateBody!;
            expect(sent).to.equal(
                "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n    Properties:\n      CidrBlock: !Ref Cidr\n      Version: 1.10\n",
            );
        });
    });

    describe("generated program", () => {
        const distConfig = {
            CallerReference: "cfn-ref-1",
            Comment: "site",
            Enabled: true,
            Aliases: { Quantity: 0 },
            Origins: {
                Quantity: 1,
                Items: [
                    { Id: "o1", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } },
                ],
            },
            DefaultCacheBehavior: {
                TargetOriginId: "o1",
                ViewerProtocolPolicy: "redirect-to-https",
                CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        };

        beforeEach(() => {
            cfn.on(ListStackResourcesCommand).resolves({
                StackResourceSummaries: [
                    resource("Site", "AWS::CloudFront::Distribution", "E123"),
                    resource("Function", "AWS::CloudFront::Function", "arn:aws:cloudfront::111122223333:function/rewrite"),
                    resource("Nat", "AWS::EC2::NatGateway", "nat-gone"),
                    resource("Bucket", "AWS::S3::Bucket", "my-bucket"),
                ],
            });
            cf.on(GetDistributionConfigCommand).resolves({ DistributionConfig: distConfig as any, ETag: "E1" });
            cf.on(ListTagsForResourceCommand, { Resource: "arn:aws:cloudfront::111122223333:distribution/E123" }).resolves({
                Tags: {
                    Items: [
                        { Key: "env", Value: "prod" },
                        { Key: "aws:cloudformation:stack-name", Value: "net" },
                    ],
                },
            });
            cf.on(ListTagsForResourceCommand, { Resource: "arn:aws:cloudfront::111122223333:function/rewrite" }).resolves({ Tags: { Items: [] } });
            cf.on(DescribeFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({
                FunctionSummary: {
                    Name: "rewrite",
                    FunctionConfig: { Comment: "c", Runtime: "cloudfront-js-2.0" },
                    FunctionMetadata: { FunctionARN: "arn:aws:cloudfront::111122223333:function/rewrite", LastModifiedTime: new Date() },
                },
            });
            cf.on(GetFunctionCommand, { Stage: "DEVELOPMENT" }).resolves({
                FunctionCode: Buffer.from("function handler(e) { return e.request; }") as any,
            });
            cf.on(DescribeFunctionCommand, { Stage: "LIVE" }).rejects(awsError("NoSuchFunctionExists", "no LIVE", 404));
            ec2.on(DescribeNatGatewaysCommand).rejects(awsError("NatGatewayNotFound", "The Nat Gateway nat-gone was not found"));
        });

        it("declares a distribution and a function with adopt, current config and user tags only; lists the rest with the reason", async () => {
            const plan = await planHandOver(stack("CREATE_COMPLETE"), "us-east-1");
            expect(plan.adopted.map((a) => a.logicalId)).to.deep.equal(["Site", "Function"]);
            expect(plan.leftOut.map((l) => [l.logicalId, l.reason])).to.deep.equal([
                ["Nat", "NAT gateway nat-gone does not exist any more"],
                ["Bucket", unmapped("AWS::S3::Bucket")],
            ]);
            const { declared, exportsObj } = runProgram(plan.files["index.ts"]);
            const [dist, fn] = declared;
            expect(dist).to.deep.include({ cls: "Distribution", name: "Site", opts: { retainOnDelete: true } });
            expect(dist.args.adopt).to.deep.equal({ id: "E123" });
            expect(dist.args.tags).to.deep.equal({ env: "prod" });
            expect(JSON.stringify(dist.args.distributionConfig)).not.to.contain("Quantity");
            expect(dist.args.distributionConfig.CallerReference).to.equal("cfn-ref-1");
            expect(dist.args.distributionConfig.Origins.Items[0].DomainName).to.equal("example.com");
            expect(fn.cls).to.equal("Function");
            expect(fn.args).to.deep.include({
                adopt: { id: "rewrite" },
                name: "rewrite",
                runtime: "cloudfront-js-2.0",
                comment: "c",
                publish: false,
                tags: {},
            });
            expect(fn.args.code).to.equal("function handler(e) { return e.request; }");
            expect(Object.keys(exportsObj)).to.deep.equal(["siteId", "functionResourceId"]);
            expect(JSON.parse(plan.files["package.json"]).dependencies).to.have.property("ackless");
            expect(plan.files["Pulumi.yaml"])
                .to.match(/^name: net\n/)
                .and.contain("main: index.ts")
                .and.contain("typescript: true");
            expect(JSON.parse(plan.files["tsconfig.json"]).compilerOptions.strict).to.equal(true);
            expect(JSON.parse(plan.files["package.json"]).devDependencies).to.have.property("typescript");
            // Only what the program uses is imported: no NAT gateway and no config here.
            expect(plan.files["index.ts"]).to.contain('import { cloudfront } from "ackless";').and.not.contain("@pulumi/pulumi");
        });

        it("import.json: every other resource by the id @pulumi/aws expects (EIP by allocation id, route, association); a key value store adopted; the plan counts every resource", async () => {
            cfn.on(ListStackResourcesCommand).resolves({
                StackResourceSummaries: [
                    resource("Vpc", "AWS::EC2::VPC", "vpc-1"),
                    resource("Eip", "AWS::EC2::EIP", "203.0.113.7"),
                    resource("Table", "AWS::EC2::RouteTable", "rtb-1"),
                    resource("Default", "AWS::EC2::Route", "rtb-1|0.0.0.0/0"),
                    resource("Assoc", "AWS::EC2::SubnetRouteTableAssociation", "rtbassoc-1"),
                    resource("Store", "AWS::CloudFront::KeyValueStore", "settings"),
                    resource("Bucket", "AWS::S3::Bucket", "my-bucket"),
                ],
            });
            cfn.on(GetTemplateCommand, { TemplateStage: "Processed" }).resolves({
                TemplateBody: JSON.stringify({
                    Parameters: { SubnetParam: { Type: "String" } },
                    Resources: {
                        Default: {
                            Type: "AWS::EC2::Route",
                            Properties: { RouteTableId: { Ref: "Table" }, DestinationCidrBlock: "0.0.0.0/0", GatewayId: { Ref: "Gw" } },
                        },
                        Assoc: {
                            Type: "AWS::EC2::SubnetRouteTableAssociation",
                            Properties: { SubnetId: { Ref: "SubnetParam" }, RouteTableId: { Ref: "Table" } },
                        },
                    },
                }),
            });
            ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ PublicIp: "203.0.113.7", AllocationId: "eipalloc-7" }] });
            cf.on(DescribeKeyValueStoreCommand, { Name: "settings" }).resolves({
                KeyValueStore: {
                    Name: "settings",
                    Id: "kvs-id",
                    ARN: "arn:aws:cloudfront::111122223333:key-value-store/kvs-id",
                    Comment: "flags",
                    LastModifiedTime: new Date(),
                },
                ETag: "E1",
            });
            cf.on(ListTagsForResourceCommand, { Resource: "arn:aws:cloudfront::111122223333:key-value-store/kvs-id" }).resolves({
                Tags: { Items: [{ Key: "team", Value: "web" }] },
            });
            const plan = await planHandOver(
                stack("CREATE_COMPLETE", { Parameters: [{ ParameterKey: "SubnetParam", ParameterValue: "subnet-9" }] }),
                "us-east-1",
            );
            expect(plan.imported.map((i) => [i.name, i.type, i.id])).to.deep.equal([
                ["Vpc", "aws:ec2/vpc:Vpc", "vpc-1"],
                ["Eip", "aws:ec2/eip:Eip", "eipalloc-7"],
                ["Table", "aws:ec2/routeTable:RouteTable", "rtb-1"],
                ["Default", "aws:ec2/route:Route", "rtb-1_0.0.0.0/0"],
                ["Assoc", "aws:ec2/routeTableAssociation:RouteTableAssociation", "subnet-9/rtb-1"],
            ]);
            expect(plan.adopted.map((a) => [a.logicalId, a.read.kind, a.read.id])).to.deep.equal([
                ["Store", "AWS::CloudFront::KeyValueStore", "settings"],
            ]);
            expect(plan.leftOut.map((l) => l.logicalId)).to.deep.equal(["Bucket"]);
            expect(JSON.parse(plan.files["import.json"]!).resources.map((r: any) => r.name)).to.have.members([
                "Vpc",
                "Eip",
                "Table",
                "Default",
                "Assoc",
            ]);
            expect(plan.files["index.ts"])
                .to.contain('new cloudfront.KeyValueStore("Store"')
                .and.contain('adopt: { id: "settings" }')
                .and.contain('comment: "flags"');
            expect(plan.files["index.ts"]).to.match(/tags: \{\s*"team": "web"\s*\}/);
            const summary = summaryText(plan, "/out");
            expect(summary).to.contain("7 resource(s): 1 to take over in the program, 5 to import.json, 1 left out");
            expect(summary).to.contain("> import  Eip (AWS::EC2::EIP) 203.0.113.7: aws:ec2/eip:Eip eipalloc-7");
            expect(summary).to.contain("pulumi import --file import.json");
        });

        it("no import.json when nothing is imported", async () => {
            const plan = await planHandOver(stack("CREATE_COMPLETE"), "us-east-1");
            expect(plan.imported).to.deep.equal([]);
            expect(plan.files).not.to.have.property("import.json");
        });

        it("the generated program (a distribution and a function) type-checks under its own strict tsconfig against ackless's types", async () => {
            const plan = await planHandOver(stack("CREATE_COMPLETE"), "us-east-1");
            withCheckedProject({ ...plan.files }, (p) => {
                expect(p.strict).to.equal(true);
                expect(p.diagnostics).to.deep.equal([]);
                // Control: the same check fails on a wrong input type, so it does check.
                expect(p.recheck(plan.files["index.ts"].replace('runtime: "cloudfront-js-2.0"', "runtime: 2"))).to.not.be.empty;
            });
        });
    });

    it("a regional NAT gateway (AWS::EC2::NatGateway with AvailabilityMode regional) is declared with its mode, VPC and zone addresses, no subnet", async () => {
        cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [resource("Nat", "AWS::EC2::NatGateway", "nat-r")] });
        const zone = (AvailabilityZone: string, AllocationId: string) => ({
            AllocationId,
            AvailabilityZone,
            IsPrimary: true,
            Status: "succeeded" as const,
        });
        ec2.on(DescribeNatGatewaysCommand).resolves({
            NatGateways: [
                {
                    NatGatewayId: "nat-r",
                    State: "available",
                    VpcId: "vpc-1",
                    ConnectivityType: "public",
                    AvailabilityMode: "regional",
                    AutoProvisionZones: "disabled",
                    NatGatewayAddresses: [zone("us-east-1b", "eipalloc-2"), zone("us-east-1a", "eipalloc-1")],
                    Tags: [
                        { Key: "team", Value: "net" },
                        { Key: "aws:cloudformation:stack-name", Value: "net" },
                    ],
                },
            ],
        });
        const plan = await planHandOver(stack("CREATE_COMPLETE"), "us-east-1");
        const [nat] = runProgram(plan.files["index.ts"]).declared;
        expect(nat.cls).to.equal("NatGateway");
        expect(nat.args).to.deep.equal({
            adopt: { id: "nat-r" },
            availabilityMode: "regional",
            vpcId: "vpc-1",
            availabilityZoneAddresses: [
                { availabilityZone: "us-east-1a", allocationIds: ["eipalloc-1"] },
                { availabilityZone: "us-east-1b", allocationIds: ["eipalloc-2"] },
            ],
            tags: { team: "net" },
        });
        expect(plan.files["index.ts"]).to.contain("(regional, manual mode)");
    });

    it("variable names avoid reserved words and collisions", () => {
        const names = variableNames(["Function", "Config", "config", "Nat", "nat"]);
        expect([...names.values()]).to.deep.equal(["functionResource", "configResource", "configResource2", "nat", "nat2"]);
    });
});
