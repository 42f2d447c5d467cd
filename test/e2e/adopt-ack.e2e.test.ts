/**
 * `ackless adopt-ack` end to end, on a real Kubernetes API server (ackless's
 * trimmed ACK CRDs, custom resources as ACK controllers leave them, no
 * controller running), the AWS emulator and the real Pulumi engine:
 * the command writes a TypeScript program from custom resources that use
 * ACK references (subnetRef and allocationRef resolved through Subnet and
 * ElasticIPAddress custom resources; an allocationRef to a missing one
 * becomes config; a distribution's function association points at the
 * function handed over with it); the program type-checks under `strict`;
 * one `up` hands over (AWS resources adopted unchanged, custom resources
 * gone); a second `up` changes nothing; an origin edit applies; `destroy`
 * leaves every AWS resource (retainOnDelete).
 *
 * Both the command and the program run as EKS users run them: the kubeconfig's
 * user is an `exec` credential plugin (printing a static token the API server
 * knows), bound to the ClusterRole of docs/ack-handover-rbac.yaml and nothing
 * else.
 *
 * The program depends on the installed ackless as adopt-stack's e2e wires
 * it: node_modules is the repository's, where `ackless` is the package.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    CloudFrontClient,
    CreateDistributionWithTagsCommand,
    CreateFunctionCommand,
    DescribeFunctionCommand,
    GetDistributionCommand,
    PublishFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import {
    AllocateAddressCommand,
    CreateNatGatewayCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    DescribeNatGatewaysCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { runAckless } from "../helpers/cli";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { startAll } from "../helpers/start";
import { callsOf, denials, IamUser, underPolicies } from "../helpers/iam";
import {
    bindHandoverRole,
    createNamespace,
    createWithStatus,
    ExecKubeconfig,
    execKubeconfig,
    installCrds,
    KubeControlPlane,
    startKube,
} from "../helpers/kube";
import { changeCounts, newProject, repoRoot, TestProject } from "../helpers/pulumi";

const CF = "cloudfront.services.k8s.aws/v1alpha1";
const EC2 = "ec2.services.k8s.aws/v1alpha1";
const SYNCED = [{ type: "ACK.ResourceSynced", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }];
const ACK_META = { ownerAccountID: "123456789012", region: "us-east-1" };
const CODE = "function handler(event) {\n    return event.request;\n}\n";
const MUTATIONS = /^(Create|Update|Delete|Publish|Associate|Disassociate|Release|Replace|Modify)/;
const CACHE_POLICY = "658327ea-f89d-4fab-a63d-7e88639e58f6";

const HANDOVER = { token: "handover-e2e-token-0123456789", user: "ackless-handover" };

const cli = (args: string[], env: Record<string, string>) => runAckless(["adopt-ack", ...args], env);

describe("e2e: ackless adopt-ack (ACK hand-over; engine + emulator + real API server)", function () {
    let kube: KubeControlPlane;
    let emu: Emulator;
    let project: TestProject | undefined;
    let outDir: string;
    /** The identity everything ackless does in the cluster runs as: an exec plugin, bound to the hand-over ClusterRole only. */
    let handover: ExecKubeconfig;
    let handoverFile: string;
    const ns = `ack-${Date.now()}`;
    const aws = { cf: undefined as unknown as CloudFrontClient, ec2: undefined as unknown as EC2Client };
    const ids = { distribution: "", functionArn: "", nat: "", backupNat: "", subnet: "", eip: "", backupEip: "" };
    const crPath = (api: string, plural: string, name: string) => `/apis/${api}/namespaces/${ns}/${plural}/${name}`;
    const HANDED_OVER = [
        crPath(CF, "distributions", "site"),
        crPath(CF, "functions", "rewrite"),
        crPath(EC2, "natgateways", "egress"),
        crPath(EC2, "natgateways", "backup"),
    ];

    const mutations = async () => (await emu.calls()).map((c) => c.operation).filter((op) => MUTATIONS.test(op));
    const liveNats = async () =>
        ((await aws.ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [])
            .filter((n) => n.State !== "deleted")
            .map((n) => n.NatGatewayId)
            .sort();
    const liveOriginDomain = async () =>
        (await aws.cf.send(new GetDistributionCommand({ Id: ids.distribution }))).Distribution!.DistributionConfig!.Origins!.Items![0].DomainName;

    let user: IamUser;

    before(async () => {
        [kube, emu] = await startAll(startKube({ tokens: [HANDOVER] }), sharedEmulator({ deploySeconds: 0, natSeconds: 0.2 }));
        const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
        aws.cf = new CloudFrontClient({ endpoint: emu.endpoint, region: "us-east-1", credentials });
        aws.ec2 = new EC2Client({ endpoint: emu.endpoint, region: "us-east-1", credentials });
        await installCrds(kube.client);
        await createNamespace(kube.client, ns);
        await bindHandoverRole(kube.client, HANDOVER.user);
        handover = execKubeconfig(kube, { token: HANDOVER.token, context: "eks-prod" });
        handoverFile = path.join(path.dirname(handover.script), "kubeconfig");
        fs.writeFileSync(handoverFile, handover.text);

        // AWS, as the ACK controllers made it.
        const fn = await aws.cf.send(
            new CreateFunctionCommand({
                Name: "rewrite",
                FunctionConfig: { Comment: "rewrite", Runtime: "cloudfront-js-2.0" },
                FunctionCode: Buffer.from(CODE),
            }),
        );
        await aws.cf.send(new PublishFunctionCommand({ Name: "rewrite", IfMatch: fn.ETag! }));
        ids.functionArn = fn.FunctionSummary!.FunctionMetadata!.FunctionARN!;
        const dist = await aws.cf.send(
            new CreateDistributionWithTagsCommand({
                DistributionConfigWithTags: {
                    DistributionConfig: {
                        CallerReference: "ack-site-ref",
                        Comment: "site",
                        Enabled: true,
                        Origins: {
                            Quantity: 1,
                            Items: [
                                {
                                    Id: "origin",
                                    DomainName: "origin.example.com",
                                    CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
                                },
                            ],
                        },
                        DefaultCacheBehavior: {
                            TargetOriginId: "origin",
                            ViewerProtocolPolicy: "redirect-to-https",
                            CachePolicyId: CACHE_POLICY,
                            FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: ids.functionArn }] },
                        },
                    },
                    Tags: { Items: [{ Key: "team", Value: "web" }] },
                },
            }),
        );
        ids.distribution = dist.Distribution!.Id!;
        const vpc = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
        ids.subnet = (await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.1.0/24" }))).Subnet!.SubnetId!;
        ids.eip = (await aws.ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
        ids.backupEip = (await aws.ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
        const nat = async (name: string, allocationId: string) =>
            (
                await aws.ec2.send(
                    new CreateNatGatewayCommand({
                        SubnetId: ids.subnet,
                        AllocationId: allocationId,
                        TagSpecifications: [{ ResourceType: "natgateway", Tags: [{ Key: "Name", Value: name }] }],
                    }),
                )
            ).NatGateway!.NatGatewayId!;
        ids.nat = await nat("egress", ids.eip);
        ids.backupNat = await nat("backup", ids.backupEip);

        // The custom resources, as the controllers left them. References only: no ids in the NAT gateways' specs.
        const finalizer = (service: string, kind: string) => [`finalizers.${service}.services.k8s.aws/${kind}`];
        await createWithStatus(kube.client, EC2, "subnets", ns, {
            kind: "Subnet",
            metadata: { name: "private-a", finalizers: finalizer("ec2", "Subnet") },
            spec: { cidrBlock: "10.0.1.0/24", vpcID: vpc.Vpc!.VpcId },
            status: { subnetID: ids.subnet, conditions: SYNCED },
        });
        await createWithStatus(kube.client, EC2, "elasticipaddresses", ns, {
            kind: "ElasticIPAddress",
            metadata: { name: "egress-ip", finalizers: finalizer("ec2", "ElasticIPAddress") },
            spec: { domain: "vpc" },
            status: { allocationID: ids.eip, conditions: SYNCED },
        });
        await createWithStatus(kube.client, CF, "functions", ns, {
            kind: "Function",
            metadata: {
                name: "rewrite",
                finalizers: finalizer("cloudfront", "Function"),
                annotations: { "cloudfront.services.k8s.aws/auto-publish": "true" },
            },
            spec: {
                name: "rewrite",
                functionCode: Buffer.from(CODE).toString("base64"),
                functionConfig: { comment: "rewrite", runtime: "cloudfront-js-2.0" },
            },
            status: { ackResourceMetadata: { arn: ids.functionArn, ...ACK_META }, conditions: SYNCED },
        });
        await createWithStatus(kube.client, CF, "distributions", ns, {
            kind: "Distribution",
            metadata: { name: "site", finalizers: finalizer("cloudfront", "Distribution") },
            spec: {
                distributionConfig: {
                    comment: "site",
                    enabled: true,
                    origins: {
                        items: [
                            {
                                id: "origin",
                                domainName: "origin.example.com",
                                customOriginConfig: { httpPort: 80, httpSPort: 443, originProtocolPolicy: "https-only" },
                            },
                        ],
                    },
                    defaultCacheBehavior: {
                        targetOriginID: "origin",
                        viewerProtocolPolicy: "redirect-to-https",
                        cachePolicyID: CACHE_POLICY,
                        functionAssociations: { items: [{ eventType: "viewer-request", functionARN: ids.functionArn }] },
                    },
                },
                tags: [{ key: "team", value: "web" }],
            },
            status: {
                id: ids.distribution,
                callerReference: "ack-site-ref",
                ackResourceMetadata: { arn: dist.Distribution!.ARN, ...ACK_META },
                conditions: SYNCED,
            },
        });
        const natSpec = (allocationRef: string) => ({
            subnetRef: { from: { name: "private-a" } },
            allocationRef: { from: { name: allocationRef } },
            connectivityType: "public",
        });
        await createWithStatus(kube.client, EC2, "natgateways", ns, {
            kind: "NATGateway",
            metadata: { name: "egress", finalizers: finalizer("ec2", "NATGateway") },
            spec: { ...natSpec("egress-ip"), tags: [{ key: "Name", value: "egress" }] },
            status: { natGatewayID: ids.nat, state: "available", ackResourceMetadata: ACK_META, conditions: SYNCED },
        });
        // Its ElasticIPAddress custom resource is gone (or never existed): the allocation becomes config.
        await createWithStatus(kube.client, EC2, "natgateways", ns, {
            kind: "NATGateway",
            metadata: { name: "backup", finalizers: finalizer("ec2", "NATGateway") },
            spec: { ...natSpec("backup-ip"), tags: [{ key: "Name", value: "backup" }] },
            status: { natGatewayID: ids.backupNat, state: "available", ackResourceMetadata: ACK_META, conditions: SYNCED },
        });
        // Never synced: left to ACK.
        await createWithStatus(kube.client, EC2, "natgateways", ns, {
            kind: "NATGateway",
            metadata: { name: "pending", finalizers: finalizer("ec2", "NATGateway") },
            spec: { subnetRef: { from: { name: "private-a" } }, connectivityType: "private" },
            status: { conditions: [{ type: "ACK.ResourceSynced", status: "False", reason: "Creating" }] },
        });
        outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-adopt-ack-"));
    });

    after(async () => {
        await project?.cleanup();
        if (outDir) {
            fs.rmSync(outDir, { recursive: true, force: true });
        }
        await Promise.all([kube?.stop(), emu?.stop()]);
    });

    it("writes a TypeScript program with references resolved, the missing one as config, and the never-synced custom resource left out", async () => {
        const r = await cli(["--kubeconfig", handoverFile, "--namespace", ns, "--out", outDir], {});
        expect(r.code, r.err).to.equal(0);
        expect(r.out).to.contain("4 to hand over, 1 left out");
        expect(r.out).to.contain(`+ hand over NATGateway ${ns}/egress -> ec2.NatGateway ${ids.nat} (egress)`);
        expect(r.out).to.contain(`spec.subnetRef -> Subnet ${ns}/private-a: ${ids.subnet}`);
        expect(r.out).to.contain(`spec.allocationRef -> ElasticIPAddress ${ns}/egress-ip: ${ids.eip}`);
        expect(r.out).to.contain(`spec.allocationRef -> config (ElasticIPAddress ${ns}/backup-ip does not exist in the cluster)`);
        expect(r.out).to.contain(`- left NATGateway ${ns}/pending: status.natGatewayID is empty`);
        expect(fs.readdirSync(outDir).sort()).to.deep.equal(["Pulumi.yaml", "README.md", "index.ts", "package.json", "tsconfig.json"]);
        const index = fs.readFileSync(path.join(outDir, "index.ts"), "utf8");
        expect(index).to.contain(`subnetId: "${ids.subnet}", // spec.subnetRef: Subnet ${ns}/private-a, status.subnetID`);
        expect(index).to.contain(`allocationId: "${ids.eip}", // spec.allocationRef: ElasticIPAddress ${ns}/egress-ip, status.allocationID`);
        expect(index).to.contain(`allocationId: config.require("backupAllocationId")`);
        expect(index).to.contain(`FunctionARN: rewrite.arn, // Function ${ns}/rewrite, handed over above`);
        expect(index).to.contain(`HTTPSPort: 443`);
        expect(index).not.to.contain("JSON.parse");
        expect(index.match(/\{ dependsOn: \[\w+Retain\], retainOnDelete: true \}/g)).to.have.length(4);
        expect(JSON.parse(fs.readFileSync(path.join(outDir, "package.json"), "utf8")).dependencies).to.have.keys("ackless", "@pulumi/pulumi");
        expect(JSON.parse(fs.readFileSync(path.join(outDir, "tsconfig.json"), "utf8")).compilerOptions.strict).to.equal(true);
        expect(fs.readFileSync(path.join(outDir, "README.md"), "utf8")).to.contain("pulumi config set backupAllocationId <id>");
        const again = await cli(["--kubeconfig", handoverFile, "--namespace", ns, "--out", outDir], {});
        expect(again.code).to.equal(1);
        expect(again.err).to.contain("--force");
    });

    it("the program type-checks under strict against the installed ackless", () => {
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(outDir, "node_modules"));
        try {
            execFileSync(path.join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json", "--noEmit"], { cwd: outDir, encoding: "utf8" });
        } catch (e: any) {
            throw new Error(`tsc failed:\n${e.stdout}${e.stderr}`);
        }
        // A type error in an input is caught: the inputs are typed, not a JSON blob.
        const index = fs.readFileSync(path.join(outDir, "index.ts"), "utf8");
        fs.writeFileSync(path.join(outDir, "broken.ts"), index.replace("HTTPSPort: 443", 'HTTPSPort: "443"'));
        const broken = (() => {
            try {
                execFileSync(
                    path.join(repoRoot, "node_modules", ".bin", "tsc"),
                    ["--noEmit", "--strict", "--skipLibCheck", "--types", "node", "broken.ts"],
                    { cwd: outDir, encoding: "utf8" },
                );
                return "";
            } catch (e: any) {
                return String(e.stdout);
            }
        })();
        fs.rmSync(path.join(outDir, "broken.ts"));
        expect(broken).to.match(/broken\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type '[^']*number/);
    });

    it("one up hands over: each custom resource retained then gone, the AWS resources adopted unchanged", async () => {
        // The engine runs index.ts with ts-node, transpile-only (tsc checked it above).
        // ackless runs as a user bound only to docs/iam/apply.json and adopt.json, IAM enforced.
        user = await underPolicies(emu, ["apply", "adopt"]);
        project = await newProject(
            "ack-handover",
            "",
            { ...user.env(), PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
            {},
            { dir: outDir, linkNodeModules: false, existingProgram: true },
        );
        await project.stack.setConfig("kubeconfig", { value: handover.text, secret: true });
        await project.stack.setConfig("controllerGraceSeconds", { value: "0" });
        await project.stack.setConfig("backupAllocationId", { value: ids.backupEip });
        await emu.resetCalls();
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 13 }); // 4 x (retain, adopt, delete) + the stack
        expect(handover.calls(), "the exec plugin ran").to.be.greaterThan(0);
        for (const p of HANDED_OVER) {
            expect(await kube.client.getOrUndefined(p), p).to.equal(undefined);
        }
        // The referenced and the never-synced custom resources stay.
        expect(await kube.client.getOrUndefined(crPath(EC2, "subnets", "private-a"))).to.not.equal(undefined);
        expect((await kube.client.get(crPath(EC2, "natgateways", "pending"))).metadata.annotations).to.equal(undefined);
        // Adopted as they were: no AWS change but ackless's own bookkeeping tags (ackless:incarnation, lifecycle.ts).
        expect((await mutations()).filter((op) => !/Tag/.test(op))).to.deep.equal([]);

        const resources = await project.resources();
        const of = (t: string) => resources.filter((r) => r.type === `pulumi-nodejs:dynamic/ackless:${t}`);
        expect(of("Distribution").map((r) => r.id)).to.deep.equal([ids.distribution]);
        expect(of("Function").map((r) => r.id)).to.deep.equal(["rewrite"]);
        expect(
            of("NatGateway")
                .map((r) => [r.name, r.id, r.outputs.subnetId, r.outputs.allocationId])
                .sort(),
        ).to.deep.equal([
            ["backup", ids.backupNat, ids.subnet, ids.backupEip],
            ["egress", ids.nat, ids.subnet, ids.eip],
        ]);
        expect(of("RetainPolicy").map((r) => r.outputs.policy)).to.deep.equal(["retain", "retain", "retain", "retain"]);
        expect(of("CustomResourceDeletion").map((r) => r.outputs.finalizerRemovedBy)).to.deep.equal(["ackless", "ackless", "ackless", "ackless"]);
        const state = await project.state();
        const retained = state.resources.filter((r: any) => /ackless:(Distribution|Function|NatGateway)$/.test(r.type));
        expect(retained.map((r: any) => r.retainOnDelete)).to.deep.equal([true, true, true, true]);
    });

    it("a second up is a no-op", async () => {
        await emu.resetCalls();
        const up = await project!.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({});
        expect(await mutations()).to.deep.equal([]);
    });

    it("the program is the user's: an origin edit (with adopt dropped) updates only the distribution", async () => {
        const index = path.join(outDir, "index.ts");
        const edited = fs
            .readFileSync(index, "utf8")
            .replace(`DomainName: "origin.example.com"`, `DomainName: "origin-v2.example.com"`)
            .replace(/^ *adopt: \{ id: "[^"]+" \},\n/gm, "");
        expect(edited).to.not.contain("adopt:");
        fs.writeFileSync(index, edited);
        await emu.resetCalls();
        const up = await project!.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
        expect(await mutations()).to.deep.equal(["UpdateDistribution"]);
        expect(await liveOriginDomain()).to.equal("origin-v2.example.com");
        expect(changeCounts((await project!.stack.preview()).changeSummary)).to.deep.equal({});
    });

    it("destroy leaves every AWS resource running (retainOnDelete)", async () => {
        await emu.resetCalls();
        const destroy = await project!.stack.destroy();
        expect(changeCounts(destroy.summary.resourceChanges)).to.deep.equal({ delete: 13 });
        expect(await mutations()).to.deep.equal([]);
        expect(await project!.resources()).to.deep.equal([]);
        expect(await liveOriginDomain()).to.equal("origin-v2.example.com");
        expect((await aws.cf.send(new DescribeFunctionCommand({ Name: "rewrite", Stage: "LIVE" }))).FunctionSummary!.Name).to.equal("rewrite");
        expect(await liveNats()).to.deep.equal([ids.nat, ids.backupNat].sort());
    });

    it("the IAM user (apply.json + adopt.json) was denied nothing", async () => {
        expect(denials(await callsOf(emu, user))).to.deep.equal([]);
    });
});
