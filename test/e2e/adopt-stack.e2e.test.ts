/**
 * `ackless adopt-stack` end to end: a CloudFormation stack (VPC, subnet, EIP,
 * NAT gateway, key value store, function, distribution) made in the emulator,
 * the command run as a child process: one plan accounting for all seven, a
 * program of the four ackless kinds and an import.json with the VPC, subnet
 * and EIP by the ids @pulumi/aws expects (VPC id, subnet id, allocation id:
 * the EIP's physical id is its public IP). The generated TypeScript program is
 * compiled with tsc under its strict tsconfig and run by the real Pulumi
 * engine (adoption, a user-tag change that leaves every aws:cloudformation:*
 * tag in place, no-change preview).
 *
 * `pulumi import --file import.json` itself needs the @pulumi/aws provider
 * plugin, which this machine cannot fetch: it is NOT run here. Everything
 * around it is: `--retire-stack` and `handover-status --stack` refuse / list
 * the VPC, subnet and EIP while they are not in the program's state; then the
 * state that import leaves (those three under their @pulumi/aws tokens, names
 * and ids, with their provider) is written with `pulumi stack import`, after
 * which `handover-status` reports nothing left and `--retire-stack` retires
 * the stack (gone, everything still there). The simulated entries are then
 * taken out again (the engine would need the plugin to run with them), and
 * `up` is a no-op; a destroy keeps everything (retainOnDelete). The stack's
 * template is YAML as people write it (unquoted 2010-09-09, short-form tags):
 * retiring sends it back through a change set, and the emulator refuses a
 * template whose AWSTemplateFormatVersion was turned into a timestamp.
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
import { changeCounts, newProject, pulumiRoot, repoRoot, TestProject } from "../helpers/pulumi";

const TEMPLATE = {
    Resources: {
        Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
        Sub: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.1.0/24" } },
        Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
        Nat: { Type: "AWS::EC2::NatGateway", Properties: { SubnetId: { Ref: "Sub" }, AllocationId: { "Fn::GetAtt": ["Eip", "AllocationId"] } } },
    },
};

/** The hand-over stack, as YAML is written: unquoted version date, short-form intrinsics. (TEMPLATE: the control stack.) */
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
  Store:
    Type: AWS::CloudFront::KeyValueStore
    Properties: { Name: net-settings, Comment: flags }
  Fn:
    Type: AWS::CloudFront::Function
    Properties:
      Name: net-rewrite
      AutoPublish: true
      FunctionCode: "function handler(event) { return event.request; }"
      FunctionConfig:
        Comment: rewrite
        Runtime: cloudfront-js-2.0
        KeyValueStoreAssociations:
          - KeyValueStoreARN: !GetAtt Store.Arn
  Site:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Comment: site
        Origins:
          - Id: web
            DomainName: example.com
            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: https-only }
        DefaultCacheBehavior:
          TargetOriginId: web
          ViewerProtocolPolicy: redirect-to-https
          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
          FunctionAssociations:
            - EventType: viewer-request
              FunctionARN: !GetAtt Fn.FunctionARN
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
    let ids: { natId: string; subnetId: string; allocationId: string; vpcId: string; publicIp: string };
    /** What the command needs to read the program's Pulumi state (the test project's backend). */
    const pulumiEnv = (): Record<string, string> => ({
        PULUMI_BACKEND_URL: `file://${path.join(project!.dir, ".state")}`,
        PULUMI_CONFIG_PASSPHRASE: "ackless-test-only",
        PULUMI_HOME: path.join(project!.dir, ".pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        ACKLESS_PULUMI_ROOT: pulumiRoot(),
    });
    const programArgs = () => ["--program", project!.dir, "--pulumi-stack", "test"];
    const status = () =>
        runAckless(["handover-status", "--stack", "net", ...programArgs()], {
            ...cliUser.env(),
            ...pulumiEnv(),
            ACKLESS_POLL_MIN_MS: "50",
            ACKLESS_POLL_MAX_MS: "200",
        });

    const natTags = async (): Promise<Record<string, string>> => {
        const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [ids.natId] }))).NatGateways![0];
        // ackless's own bookkeeping tags (lifecycle.ts) are not the user's nor CloudFormation's: left out here.
        return Object.fromEntries((nat.Tags ?? []).filter((t) => !t.Key!.startsWith("ackless:")).map((t) => [t.Key!, t.Value!]));
    };
    const cfnTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => k.startsWith("aws:cloudformation:")));

    before(async () => {
        emu = await sharedEmulator({ deploySeconds: 1 });
        const opts = { endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
        cfn = new CloudFormationClient(opts);
        ec2 = new EC2Client(opts);
        // Stack tags propagate to the resources, as on AWS: the NAT gateway gets team=net.
        await cfn.send(new CreateStackCommand({ StackName: "net", TemplateBody: YAML_TEMPLATE, Tags: [{ Key: "team", Value: "net" }] }));
        const nat = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways!.find((n) => n.State !== "deleted")!;
        const address = nat.NatGatewayAddresses![0];
        ids = {
            natId: nat.NatGatewayId!,
            subnetId: nat.SubnetId!,
            allocationId: address.AllocationId!,
            vpcId: nat.VpcId!,
            publicIp: address.PublicIp!,
        };
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

    it("one plan for all seven resources, printed before anything is written: four to the program, VPC, subnet and EIP to import.json by the ids @pulumi/aws expects", async () => {
        const r = await cli(["net", "--out", outDir], cliUser.env());
        expect(r.code, r.err).to.equal(0);
        expect(r.out).to.contain('stack "net" (us-east-1): 7 resource(s): 4 to take over in the program, 3 to import.json, 0 left out');
        expect(r.out).to.match(/\+ adopt\s+Nat \(AWS::EC2::NatGateway\)/);
        expect(r.out).to.match(/\+ adopt\s+Store \(AWS::CloudFront::KeyValueStore\) net-settings/);
        expect(r.out).to.match(/\+ adopt\s+Fn \(AWS::CloudFront::Function\)/);
        expect(r.out).to.match(/\+ adopt\s+Site \(AWS::CloudFront::Distribution\)/);
        expect(r.out).to.contain(`> import  Vpc (AWS::EC2::VPC) ${ids.vpcId}: aws:ec2/vpc:Vpc ${ids.vpcId}`);
        expect(r.out).to.contain(`> import  Eip (AWS::EC2::EIP) ${ids.publicIp}: aws:ec2/eip:Eip ${ids.allocationId}`);
        expect(r.out).to.contain(`config natSubnetId (now ${ids.subnetId}`);
        expect(r.out).to.contain(`config natAllocationId (now ${ids.allocationId}`);
        expect(r.out).to.contain("pulumi import --file import.json");
        expect(r.out.indexOf("7 resource(s)")).to.be.lessThan(r.out.indexOf("Program written to"));
        expect(fs.readdirSync(outDir).sort()).to.deep.equal(["Pulumi.yaml", "import.json", "index.ts", "package.json", "tsconfig.json"]);
        expect(JSON.parse(fs.readFileSync(path.join(outDir, "import.json"), "utf8"))).to.deep.equal({
            resources: [
                { type: "aws:ec2/eip:Eip", name: "Eip", id: ids.allocationId },
                { type: "aws:ec2/subnet:Subnet", name: "Sub", id: ids.subnetId },
                { type: "aws:ec2/vpc:Vpc", name: "Vpc", id: ids.vpcId },
            ],
        });
        const index = fs.readFileSync(path.join(outDir, "index.ts"), "utf8");
        expect(index).to.contain('import { cloudfront, ec2 } from "ackless";').and.contain(`export const natId = nat.id;`);
        expect(index)
            .to.contain(`adopt: { id: "${ids.natId}" }`)
            .and.contain('adopt: { id: "net-settings" }')
            .and.contain('adopt: { id: "net-rewrite" }');
        expect(index).to.contain("new cloudfront.KeyValueStore(").and.contain("new cloudfront.Function(").and.contain("new cloudfront.Distribution(");
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

    it("the program compiles with tsc under its strict tsconfig; pulumi up (running index.ts) adopts the four resources without touching the gateway's aws: tags", async () => {
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
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 5 });
        expect((await project.resources()).map((r) => `${r.type} ${r.id}`).sort()).to.deep.equal(
            [
                `pulumi-nodejs:dynamic/ackless:NatGateway ${ids.natId}`,
                "pulumi-nodejs:dynamic/ackless:KeyValueStore net-settings",
                "pulumi-nodejs:dynamic/ackless:Function net-rewrite",
                `pulumi-nodejs:dynamic/ackless:Distribution ${up.outputs.siteId.value}`,
            ].sort(),
        );
        expect(up.outputs.natId.value).to.equal(ids.natId);
        expect(await natTags()).to.deep.equal(before);
        const live = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways!.filter((n) => n.State !== "deleted");
        expect(live.map((n) => n.NatGatewayId)).to.deep.equal([ids.natId]);
    });

    it("a changed user tag changes only that tag; every aws:cloudformation:* tag stays; then no changes", async () => {
        const before = await natTags();
        const written = fs.readFileSync(path.join(outDir, "index.ts"), "utf8");
        const natBlock = written.indexOf("new ec2.NatGateway(");
        const program = written.slice(0, natBlock) + written.slice(natBlock).replace(/"team": "net"/, `"team": "platform"`);
        fs.writeFileSync(path.join(project!.dir, "index.ts"), program);
        const up = await project!.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
        const after = await natTags();
        expect(after).to.deep.equal({ ...before, team: "platform" });
        expect(cfnTags(after)).to.deep.equal(cfnTags(before));
        const preview = await project!.stack.preview();
        expect(changeCounts(preview.changeSummary)).to.deep.equal({});
    });

    it("before the import: --retire-stack refuses, naming the VPC, subnet and EIP; handover-status lists them (exit 2); nothing changed", async () => {
        const r = await cli(["net", "--retire-stack", ...programArgs()], { ...cliUser.env(), ...pulumiEnv() });
        expect(r.code).to.equal(1);
        expect(r.err).to.contain('stack "net" is not retired: 3 of its resource(s) are not in the Pulumi state');
        expect(r.err).to.contain(
            `Vpc (AWS::EC2::VPC) ${ids.vpcId} [import.json]: not in Pulumi; expected aws:ec2/vpc:Vpc "Vpc" with id ${ids.vpcId}`,
        );
        expect(r.err)
            .to.contain(`Eip (AWS::EC2::EIP) ${ids.publicIp} [import.json]`)
            .and.contain(`Sub (AWS::EC2::Subnet) ${ids.subnetId} [import.json]`);
        expect(r.err).not.to.contain("Nat (AWS::EC2::NatGateway)");
        expect((await cfn.send(new DescribeStacksCommand({ StackName: "net" }))).Stacks![0].StackStatus).to.equal("CREATE_COMPLETE");
        const calls = (await emu.calls()).filter((c) => c.service === "cloudformation").map((c) => c.operation);
        expect(calls).not.to.include("CreateChangeSet");
        const st = await status();
        expect(st.code, st.err).to.equal(2);
        expect(st.out).to.contain('stack "net" (us-east-1) still manages 3 of 7 resource(s) not in Pulumi');
    });

    it("after the import (simulated: the @pulumi/aws plugin cannot be fetched here): handover-status reports nothing left", async () => {
        // What `pulumi import --file import.json` leaves in the state: each entry under its token, name and id, with its provider.
        // The import itself is not run: it needs the @pulumi/aws plugin, which this machine cannot fetch.
        const deployment = await project!.stack.exportStack();
        const resources = deployment.deployment.resources as any[];
        const stackUrn = resources.find((r) => r.type === "pulumi:pulumi:Stack").urn as string;
        const prefix = stackUrn.slice(0, stackUrn.indexOf("::pulumi:pulumi:Stack::"));
        const providerUrn = `${prefix}::pulumi:providers:aws::default_7_48_0`;
        const providerId = "00000000-0000-4000-8000-000000000000";
        const imported = JSON.parse(fs.readFileSync(path.join(outDir, "import.json"), "utf8")).resources as {
            type: string;
            name: string;
            id: string;
        }[];
        const simulated = {
            ...deployment,
            deployment: {
                ...deployment.deployment,
                resources: [
                    ...resources,
                    {
                        urn: providerUrn,
                        custom: true,
                        id: providerId,
                        type: "pulumi:providers:aws",
                        inputs: { version: "7.48.0" },
                        outputs: { version: "7.48.0" },
                    },
                    ...imported.map((e) => ({
                        urn: `${prefix}::${e.type}::${e.name}`,
                        custom: true,
                        id: e.id,
                        type: e.type,
                        parent: stackUrn,
                        provider: `${providerUrn}::${providerId}`,
                        protect: true,
                        inputs: {},
                        outputs: { id: e.id },
                    })),
                ],
            },
        };
        await project!.stack.importStack(simulated);
        const st = await status();
        expect(st.code, st.out + st.err).to.equal(0);
        expect(st.out).to.contain('stack "net" (us-east-1): nothing left; all 7 resource(s) are in Pulumi');
        expect(st.out).to.contain("ackless adopt-stack net --retire-stack");
    });

    it("--retire-stack: the stack is gone, every resource remains; handover-status then says the stack is gone", async () => {
        const r = await cli(["net", "--retire-stack", ...programArgs()], { ...cliUser.env(), ...pulumiEnv() });
        expect(r.code, r.err).to.equal(0);
        expect(r.out)
            .to.contain('stack "net" deleted')
            .and.contain("DeletionPolicy and UpdateReplacePolicy: Retain set on Vpc, Sub, Eip, Nat, Store, Fn, Site");
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
        const st = await status();
        expect(st.code).to.equal(0);
        expect(st.out).to.contain('stack "net" does not exist in us-east-1');
        // The simulated @pulumi/aws entries leave the state again (running the engine with them would need the plugin).
        const deployment = await project!.stack.exportStack();
        const resources = (deployment.deployment.resources as any[]).filter((x) => !x.type.startsWith("aws:") && x.type !== "pulumi:providers:aws");
        await project!.stack.importStack({ ...deployment, deployment: { ...deployment.deployment, resources } });
        // The program is now the only owner of the four ackless resources, and running it again changes nothing.
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
        expect(changeCounts(destroy.summary.resourceChanges)).to.deep.equal({ delete: 5 });
        const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [ids.natId] }))).NatGateways![0];
        expect(nat.State).to.equal("available");
        expect(await project!.resources()).to.deep.equal([]);
    });

    it("the IAM users (the command's and the program's) were denied nothing", async () => {
        expect(denials([...(await callsOf(emu, cliUser)), ...(await callsOf(emu, user))])).to.deep.equal([]);
    });
});
