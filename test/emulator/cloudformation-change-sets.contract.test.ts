// Contract: CloudFormation change sets and AWSTemplateFormatVersion as in aws-contract.md
// ("CloudFormation change sets and template format version"). Each test fails
// with ACKLESS_EMULATOR_DISABLE=cloudformation (plain moto 5.2.1).
import {
  Change,
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from "@aws-sdk/client-cloudformation";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, expectAwsError, unique } from "./fixtures";

type Template = { Parameters?: Record<string, unknown>; Resources: Record<string, Record<string, unknown>> };

const NETWORK: Template = {
  Resources: {
    Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
    Sub: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.1.0/24" } },
    Sub2: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.2.0/24" } },
    Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
    Nat: { Type: "AWS::EC2::NatGateway", Properties: { SubnetId: { Ref: "Sub" }, AllocationId: { "Fn::GetAtt": ["Eip", "AllocationId"] } } },
  },
};

/** SSM PutParameter (the repository has no SSM client): moto routes on the credential scope and does not check signatures. */
async function putParameter(endpoint: string, name: string, value: string): Promise<void> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AmazonSSM.PutParameter",
      authorization: "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify({ Name: name, Value: value, Type: "String", Overwrite: true }),
  });
  expect(res.status, await res.text()).to.equal(200);
}

const copy = (t: Template): Template => JSON.parse(JSON.stringify(t));
function retained(t: Template): Template {
  const out = copy(t);
  for (const r of Object.values(out.Resources)) Object.assign(r, { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
  return out;
}

describe("emulator contract: CloudFormation change sets", function () {
  const emu = useEmulator();
  const cfn = () => clients(emu()).cfn;

  async function stackOf(client: CloudFormationClient, template: Template, extra: Record<string, unknown> = {}) {
    const name = unique("cs");
    const out = await client.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template), ...extra }));
    return { name, id: out.StackId! };
  }

  async function changeSet(client: CloudFormationClient, stackId: string, template: Template, extra: Record<string, unknown> = {}) {
    const out = await client.send(
      new CreateChangeSetCommand({ StackName: stackId, ChangeSetName: unique("c"), ChangeSetType: "UPDATE", TemplateBody: JSON.stringify(template), ...extra }),
    );
    return { id: out.Id!, described: await client.send(new DescribeChangeSetCommand({ ChangeSetName: out.Id })) };
  }

  const byId = (changes: Change[] | undefined): Record<string, Change> =>
    Object.fromEntries((changes ?? []).map((c): [string, Change] => [c.ResourceChange!.LogicalResourceId!, c]));

  it("a policy-only change: CREATE_COMPLETE/AVAILABLE, one Modify per resource, Replacement False, scope and details the two policies", async () => {
    const client = cfn();
    const { id } = await stackOf(client, NETWORK);
    const { described } = await changeSet(client, id, retained(NETWORK));
    expect(described).to.include({ Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE" });
    const changes = byId(described.Changes);
    expect(Object.keys(changes).sort()).to.deep.equal(["Eip", "Nat", "Sub", "Sub2", "Vpc"]);
    for (const change of Object.values(changes)) {
      expect(change.Type).to.equal("Resource");
      const rc = change.ResourceChange!;
      expect(rc).to.include({ Action: "Modify", Replacement: "False" });
      expect(rc.PhysicalResourceId).to.be.a("string").and.not.equal("");
      expect(rc.Scope).to.deep.equal(["DeletionPolicy", "UpdateReplacePolicy"]);
      expect(rc.Details!.map((d) => [d.Target!.Attribute, d.Target!.RequiresRecreation, d.Evaluation, d.ChangeSource])).to.deep.equal([
        ["DeletionPolicy", "Never", "Static", "DirectModification"],
        ["UpdateReplacePolicy", "Never", "Static", "DirectModification"],
      ]);
      expect(rc.PolicyAction).to.equal(undefined);
    }
  });

  it("a property that requires replacement: Modify, Replacement True, ReplaceAndDelete; added and removed resources", async () => {
    const client = cfn();
    const { id } = await stackOf(client, NETWORK);
    const next = copy(NETWORK);
    (next.Resources.Nat.Properties as Record<string, unknown>).SubnetId = { Ref: "Sub2" };
    delete next.Resources.Eip;
    (next.Resources.Nat.Properties as Record<string, unknown>).AllocationId = "eipalloc-12345678";
    next.Resources.Queue = { Type: "AWS::SQS::Queue" };
    const { described } = await changeSet(client, id, next);
    const changes = byId(described.Changes);
    expect(changes.Nat.ResourceChange).to.deep.include({ Action: "Modify", Replacement: "True", PolicyAction: "ReplaceAndDelete", Scope: ["Properties"] });
    expect(changes.Nat.ResourceChange!.Details!.map((d) => [d.Target!.Name, d.Target!.RequiresRecreation])).to.deep.include.members([
      ["SubnetId", "Always"],
      ["AllocationId", "Always"],
    ]);
    expect(changes.Eip.ResourceChange).to.deep.include({ Action: "Remove", PolicyAction: "Delete", Scope: [], Details: [] });
    expect(changes.Eip.ResourceChange!.PhysicalResourceId).to.be.a("string");
    expect(changes.Queue.ResourceChange).to.deep.include({ Action: "Add", Scope: [], Details: [] });
    expect(changes.Queue.ResourceChange!.PhysicalResourceId).to.equal(undefined);
    expect(Object.keys(changes).sort()).to.deep.equal(["Eip", "Nat", "Queue"]);
  });

  it("UpdateReplacePolicy: Retain turns a replacement's PolicyAction into ReplaceAndRetain; a removed Retain resource is Retain", async () => {
    const client = cfn();
    const { id } = await stackOf(client, retained(NETWORK));
    const next = retained(NETWORK);
    (next.Resources.Nat.Properties as Record<string, unknown>).SubnetId = { Ref: "Sub2" };
    delete next.Resources.Sub2.DeletionPolicy;
    const removed = retained(NETWORK);
    delete removed.Resources.Sub2;
    (removed.Resources.Nat.Properties as Record<string, unknown>).SubnetId = { Ref: "Sub" };
    const replaced = byId((await changeSet(client, id, next)).described.Changes);
    expect(replaced.Nat.ResourceChange!.PolicyAction).to.equal("ReplaceAndRetain");
    expect(replaced.Sub2.ResourceChange).to.deep.include({ Action: "Modify", Replacement: "False", Scope: ["DeletionPolicy"] });
    const gone = byId((await changeSet(client, id, removed)).described.Changes);
    expect(gone.Sub2.ResourceChange).to.deep.include({ Action: "Remove", PolicyAction: "Retain" });
  });

  it("an SSM parameter type is read again with UsePreviousValue: a changed Parameter Store value modifies the resources using it", async () => {
    const client = cfn();
    const key = `/${unique("cidr")}`;
    await putParameter(emu().endpoint, key, "10.9.0.0/16");
    const template: Template = {
      Parameters: { Cidr: { Type: "AWS::SSM::Parameter::Value<String>" } },
      Resources: { Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: { Ref: "Cidr" } } }, Other: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.1.0.0/16" } } },
    };
    const { id } = await stackOf(client, template, { Parameters: [{ ParameterKey: "Cidr", ParameterValue: key }] });
    const previous = { Parameters: [{ ParameterKey: "Cidr", UsePreviousValue: true }] };
    const same = byId((await changeSet(client, id, retained(template), previous)).described.Changes);
    expect(same.Vpc.ResourceChange!.Scope).to.deep.equal(["DeletionPolicy", "UpdateReplacePolicy"]);
    await putParameter(emu().endpoint, key, "10.8.0.0/16");
    const moved = byId((await changeSet(client, id, retained(template), previous)).described.Changes);
    expect(moved.Vpc.ResourceChange!.Scope).to.deep.equal(["Properties", "DeletionPolicy", "UpdateReplacePolicy"]);
    expect(moved.Vpc.ResourceChange!.Details![0].Target).to.deep.include({ Attribute: "Properties", Name: "CidrBlock" });
    expect(moved.Other.ResourceChange!.Scope).to.deep.equal(["DeletionPolicy", "UpdateReplacePolicy"]);
  });

  it("an identical template: FAILED/UNAVAILABLE, \"didn't contain changes\"; ExecuteChangeSet answers InvalidChangeSetStatus", async () => {
    const client = cfn();
    const { id } = await stackOf(client, NETWORK);
    const { id: csId, described } = await changeSet(client, id, NETWORK);
    expect(described).to.include({ Status: "FAILED", ExecutionStatus: "UNAVAILABLE" });
    expect(described.StatusReason).to.equal("The submitted information didn't contain changes. Submit different information to create a change set.");
    expect(described.Changes).to.deep.equal([]);
    await expectAwsError(client.send(new ExecuteChangeSetCommand({ ChangeSetName: csId })), "InvalidChangeSetStatusException", 400);
  });

  it("ExecuteChangeSet applies the template (stack UPDATE_COMPLETE, resources kept) and deletes the stack's other change sets", async () => {
    const client = cfn();
    const { id } = await stackOf(client, NETWORK);
    const other = await changeSet(client, id, { Resources: { ...copy(NETWORK).Resources, Queue: { Type: "AWS::SQS::Queue" } } });
    const clean = await changeSet(client, id, retained(NETWORK));
    await client.send(new ExecuteChangeSetCommand({ ChangeSetName: clean.id }));
    const stack = (await client.send(new DescribeStacksCommand({ StackName: id }))).Stacks![0];
    expect(stack.StackStatus).to.equal("UPDATE_COMPLETE");
    const stored = JSON.parse((await client.send(new GetTemplateCommand({ StackName: id }))).TemplateBody!);
    expect(stored.Resources.Nat).to.include({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    await expectAwsError(client.send(new DescribeChangeSetCommand({ ChangeSetName: other.id })), "ChangeSetNotFoundException", 404);
  });

  it("change sets are found by ARN or by name within their stack; DeleteChangeSet removes exactly that one", async () => {
    const client = cfn();
    const a = await stackOf(client, NETWORK);
    const b = await stackOf(client, NETWORK);
    const name = unique("same");
    for (const s of [a, b]) {
      await client.send(new CreateChangeSetCommand({ StackName: s.id, ChangeSetName: name, ChangeSetType: "UPDATE", TemplateBody: JSON.stringify(retained(NETWORK)) }));
    }
    const inB = await client.send(new DescribeChangeSetCommand({ ChangeSetName: name, StackName: b.name }));
    expect(inB.StackId).to.equal(b.id);
    await client.send(new DeleteChangeSetCommand({ ChangeSetName: name, StackName: b.name }));
    await expectAwsError(client.send(new DescribeChangeSetCommand({ ChangeSetName: name, StackName: b.name })), "ChangeSetNotFoundException", 404);
    expect((await client.send(new DescribeChangeSetCommand({ ChangeSetName: name, StackName: a.name }))).StackId).to.equal(a.id);
    await expectAwsError(client.send(new DeleteChangeSetCommand({ ChangeSetName: unique("none"), StackName: a.name })), "ChangeSetNotFoundException", 404);
  });
});

describe("emulator contract: CloudFormation AWSTemplateFormatVersion", function () {
  const emu = useEmulator();
  const cfn = () => clients(emu()).cfn;
  const vpc = "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n";

  const invalid: [string, string][] = [
    ["a JSON 2010-09-10", JSON.stringify({ AWSTemplateFormatVersion: "2010-09-10", Resources: NETWORK.Resources })],
    ["the timestamp a YAML date becomes when re-serialised", JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09T00:00:00.000Z", Resources: NETWORK.Resources })],
    ["a YAML timestamp", `AWSTemplateFormatVersion: 2010-09-09T00:00:00.000Z\n${vpc}`],
    ["a YAML 2011-01-01", `AWSTemplateFormatVersion: "2011-01-01"\n${vpc}`],
  ];
  for (const [what, body] of invalid) {
    it(`rejects ${what}: CreateStack, ValidateTemplate, UpdateStack and CreateChangeSet answer ValidationError "Template format error: ..."`, async () => {
      const client = cfn();
      const check = async (p: Promise<unknown>) => {
        const e = await expectAwsError(p, "ValidationError", 400);
        expect(e.message).to.match(/^Template format error: /);
      };
      await check(client.send(new CreateStackCommand({ StackName: unique("v"), TemplateBody: body })));
      await check(client.send(new ValidateTemplateCommand({ TemplateBody: body })));
      const ok = await client.send(new CreateStackCommand({ StackName: unique("v"), TemplateBody: vpc }));
      await check(client.send(new UpdateStackCommand({ StackName: ok.StackId, TemplateBody: body })));
      await check(client.send(new CreateChangeSetCommand({ StackName: ok.StackId, ChangeSetName: unique("c"), ChangeSetType: "UPDATE", TemplateBody: body })));
    });
  }

  for (const [what, head] of [
    ["an unquoted YAML 2010-09-09", "AWSTemplateFormatVersion: 2010-09-09\n"],
    ["a quoted YAML 2010-09-09", "AWSTemplateFormatVersion: '2010-09-09'\n"],
    ["no version", ""],
  ]) {
    it(`accepts ${what}, and refuses the same template with a timestamp in its place`, async () => {
      const client = cfn();
      const out = await client.send(new CreateStackCommand({ StackName: unique("v"), TemplateBody: head + vpc }));
      expect(out.StackId).to.be.a("string");
      const bad = "AWSTemplateFormatVersion: 2010-09-09T00:00:00Z\n" + vpc;
      await expectAwsError(client.send(new CreateStackCommand({ StackName: unique("v"), TemplateBody: bad })), "ValidationError", 400);
    });
  }
});
