/**
 * `ackless adopt-stack` end to end: a CloudFormation stack (VPC, subnet, EIP,
 * NAT gateway) made in the emulator, the command run as a child process, the
 * generated TypeScript program compiled with tsc under its strict tsconfig and
 * run by the real Pulumi engine (adoption, a user-tag
 * change that leaves every aws:cloudformation:* tag in place, no-change
 * preview), then `--retire-stack` (stack gone, everything still there, `up` a
 * no-op), and a
 * destroy that keeps the gateway (retainOnDelete). The stack's template is
 * YAML as people write it (unquoted 2010-09-09, short-form tags): retiring
 * sends it back through a change set, and the emulator refuses a template
 * whose AWSTemplateFormatVersion was turned into a timestamp.
 *
 * Needs emulator/cloudformation.py installed by emulator/__init__.py (moto
 * otherwise fails an update that only adds DeletionPolicy).
 */
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeAddressesCommand, DescribeNatGatewaysCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runAckless } from "../helpers/cli";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { callsOf, createIamUser, denials, IamUser, underPolicies } from "../helpers/iam";
import { changeCounts, newProject, repoRoot, TestProject } from "../helpers/pulumi";

const TEMPLATE = {
    Resources: {
        Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
        Sub: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.1.0/24" } },
        Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
        Nat: { Type: "AWS::EC2::NatGateway", Properties: { SubnetId: { Ref: "Sub" }, AllocationId: { "Fn::GetAtt": ["Eip", "AllocationId"] } } },
    },
};

/** TEMPLATE as YAML: unquoted version date, short-form intrinsics. */
const YAML_TEMPLATE = `AWSTemplateFormatVersion: 2010-09-09
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Sub:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  Eip:
    Type: AWS::EC2::EIP
    Properties: { Domain: vpc }
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref Sub
      AllocationId: !GetAtt Eip.AllocationId
`;

const cli = (args: string[], env: Record<string, string>) =>
    runAckless(["adopt-stack", ...args], { ...env, ACKLESS_POLL_MIN_MS: "50", ACKLESS_POLL_MAX_MS: "200" });

describe("e2e: ackless adopt-stack (CloudFormation hand-over)", function () {
    let emu: Emulator;
    let cfn: CloudFormationClient;
    let ec2: EC2Client;
    let project: TestProject | undefined;
    let outDir: string;
    let cliUser: IamUser;
    let user: IamUser;
    let ids: { natId: string; subnetId: string; allocationId: string; vpcId: string };

    const natTags = async (): Promise<Record<string, string>> => {
        const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [ids.natId] }))).NatGateways![0];
        // ackless's own bookkeeping tags (lifecycle.ts) are not the user's nor CloudFormation's: left out here.
        return Object.fromEntries((nat.Tags ?? []).filter((t) => !t.Key!.startsWith("ackless:")).map((t) => [t.Key!, t.Value!]));
    };
    const cfnTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => k.startsWith("aws:cloudformation:")));

    before(async () => {
        emu = await sharedEmulator();
        const opts = { endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
        cfn = new CloudFormationClient(opts);
        ec2 = new EC2Client(opts);
        // Stack tags propagate to the resources, as on AWS: the NAT gateway gets team=net.
        await cfn.send(new CreateStackCommand({ StackName: "net", TemplateBody: YAML_TEMPLATE, Tags: [{ Key: "team", Value: "net" }] }));
        const nat = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways!.find((n) => n.State !== "deleted")!;
        ids = { natId: nat.NatGatewayId!, subnetId: nat.SubnetId!, allocationId: nat.NatGatewayAddresses![0].AllocationId!, vpcId: nat.VpcId! };
        outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-adopt-stack-"));
        // IAM enforced: the command runs as a user bound only to docs/iam/read-only.json and
        // handover-cloudformation.json, the generated program as one bound to apply.json and adopt.json.
        cliUser = await underPolicies(emu, ["read-only", "handover-cloudformation"]);
        user = await createIamUser(emu, ["apply", "adopt"]);
    });

    after(async () => {
        await project?.cleanup();
        fs.rmSync(outDir, { recursive: true, force: true });
        await emu?.stop();
    });

    it("a missing stack: exit 1 and a plain message", async () => {
        const r = await cli(["no-such-stack"], cliUser.env());
        expect(r.code).to.equal(1);
        expect(r.err).to.contain('stack "no-such-stack" does not exist in region us-east-1');
    });

    it("writes a program adopting the NAT gateway and lists what it leaves out", async () => {
        const r = await cli(["net", "--out", outDir], cliUser.env());
        expect(r.code, r.err).to.equal(0);
        expect(r.out).to.contain("1 to take over, 3 left out");
        expect(r.out).to.match(/\+ adopt\s+Nat \(AWS::EC2::NatGateway\)/);
        expect(r.out).to.match(
            /- left\s+Vpc \(AWS::EC2::VPC\) vpc-\S+: not managed by ackless; keep it in CloudFormation or reference its id as config/,
        );
        expect(r.out).to.contain(`config natSubnetId (now ${ids.subnetId}`);
        expect(r.out).to.contain(`config natAllocationId (now ${ids.allocationId}`);
        expect(fs.readdirSync(outDir).sort()).to.deep.equal(["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]);
        const index = fs.readFileSync(path.join(outDir, "index.ts"), "utf8");
        expect(index).to.contain('import { ec2 } from "ackless";').and.contain(`export const natId = nat.id;`);
        expect(index).to.contain(`adopt: { id: "${ids.natId}" }`);
        expect(index).to.contain(`config.get("natSubnetId") ?? "${ids.subnetId}"`);
        expect(index).to.contain(`config.get("natAllocationId") ?? "${ids.allocationId}"`);
        expect(index).to.match(/tags: \{\s*"team": "net"\s*\}/);
        expect(index).not.to.match(/"aws:/);
        expect(JSON.parse(fs.readFileSync(path.join(outDir, "package.json"), "utf8")).dependencies).to.have.property("ackless");
        // A second run does not overwrite the program without --force.
        const again = await cli(["net", "--out", outDir], cliUser.env());
        expect(again.code).to.equal(1);
        expect(again.err).to.contain("--force");
    });

    it("the program compiles with tsc under its strict tsconfig; pulumi up (running index.ts) adopts the gateway without touching its aws: tags", async () => {
        const before = await natTags();
        expect(Object.keys(cfnTags(before))).to.have.length(3);
        // The generated project as written, with node_modules as `npm install` would leave it.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-adopt-stack-program-"));
        fs.cpSync(outDir, dir, { recursive: true });
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
        expect(JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8")).compilerOptions.strict).to.equal(true);
        const tsc = spawnSync(path.join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json", "--noEmit"], {
            cwd: dir,
            encoding: "utf8",
        });
        expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
        // tsc just checked it: Pulumi's ts-node only transpiles, so each run below does not type-check again.
        project = await newProject(
            "adopt-stack",
            "",
            { ...user.env(), PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
            {},
            { dir, linkNodeModules: false, existingProgram: true },
        );
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 2 });
        expect(up.outputs.natId.value).to.equal(ids.natId);
        expect(await natTags()).to.deep.equal(before);
        const live = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways!.filter((n) => n.State !== "deleted");
        expect(live.map((n) => n.NatGatewayId)).to.deep.equal([ids.natId]);
    });

    it("a changed user tag changes only that tag; every aws:cloudformation:* tag stays; then no changes", async () => {
        const before = await natTags();
        const program = fs.readFileSync(path.join(outDir, "index.ts"), "utf8").replace(/"team": "net"/, `"team": "platform"`);
        fs.writeFileSync(path.join(project!.dir, "index.ts"), program);
        const up = await project!.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
        const after = await natTags();
        expect(after).to.deep.equal({ ...before, team: "platform" });
        expect(cfnTags(after)).to.deep.equal(cfnTags(before));
        const preview = await project!.stack.preview();
        expect(changeCounts(preview.changeSummary)).to.deep.equal({});
    });

    it("--retire-stack: the stack is gone, the NAT gateway, EIP, subnet and VPC remain", async () => {
        const r = await cli(["net", "--retire-stack"], cliUser.env());
        expect(r.code, r.err).to.equal(0);
        expect(r.out).to.contain('stack "net" deleted').and.contain("DeletionPolicy and UpdateReplacePolicy: Retain set on Vpc, Sub, Eip, Nat");
        expect(r.err).to.contain("policy-only change(s)");
        const err = await cfn.send(new DescribeStacksCommand({ StackName: "net" })).then(
            () => undefined,
            (e) => e as Error,
        );
        expect(err?.message).to.match(/does not exist/);
        const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [ids.natId] }))).NatGateways![0];
        expect(nat.State).to.equal("available");
        expect((await ec2.send(new DescribeVpcsCommand({ VpcIds: [ids.vpcId] }))).Vpcs).to.have.length(1);
        expect((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [ids.subnetId] }))).Subnets).to.have.length(1);
        expect((await ec2.send(new DescribeAddressesCommand({ AllocationIds: [ids.allocationId] }))).Addresses).to.have.length(1);
        // The program is now the only owner, and running it again changes nothing.
        const up = await project!.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({});
        expect(up.outputs.natId.value).to.equal(ids.natId);
    });

    it("control: deleting a stack without --retire-stack does delete its VPC in the emulator", async () => {
        // Shows the assertions above can fail: the emulator deletes what is not retained.
        const created = await cfn.send(new CreateStackCommand({ StackName: "control", TemplateBody: JSON.stringify(TEMPLATE) }));
        const vpcs = async () => ((await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? []).map((v) => v.VpcId);
        const beforeDelete = await vpcs();
        await cfn.send(new DeleteStackCommand({ StackName: created.StackId }));
        const afterDelete = await vpcs();
        expect(afterDelete.length).to.equal(beforeDelete.length - 1);
        expect(afterDelete).to.include(ids.vpcId);
    });

    it("a destroy with retainOnDelete keeps the gateway", async () => {
        const destroy = await project!.stack.destroy();
        expect(changeCounts(destroy.summary.resourceChanges)).to.deep.equal({ delete: 2 });
        const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [ids.natId] }))).NatGateways![0];
        expect(nat.State).to.equal("available");
        expect(await project!.resources()).to.deep.equal([]);
    });

    it("the IAM users (the command's and the program's) were denied nothing", async () => {
        expect(denials([...(await callsOf(emu, cliUser)), ...(await callsOf(emu, user))])).to.deep.equal([]);
    });
});
