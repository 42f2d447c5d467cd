/**
 * e2e: programs/ack-handover hands ACK-managed resources over to ackless, on
 * the real Pulumi engine, the AWS emulator and a real Kubernetes API server
 * with ackless's ACK CRDs: custom resources as an ACK controller leaves them
 * (ids, ETags, ACK.ResourceSynced, finalizers; status through /status), no
 * controller running.
 */
import { expect } from "chai";
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
import { AllocateAddressCommand, CreateNatGatewayCommand, CreateSubnetCommand, CreateVpcCommand, DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { Emulator, startEmulator } from "../helpers/emulator";
import { createNamespace, createWithStatus, installCrds, KubeControlPlane, startKube } from "../helpers/kube";
import { changeCounts, pulumiRoot, repoRoot } from "../helpers/pulumi";

const CF = "cloudfront.services.k8s.aws/v1alpha1";
const EC2 = "ec2.services.k8s.aws/v1alpha1";
const SYNCED = [{ type: "ACK.ResourceSynced", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }];
const ACK_META = { ownerAccountID: "123456789012", region: "us-east-1" };
const CODE = "function handler(event) {\n    return event.request;\n}\n";
const MUTATIONS = /^(Create|Update|Delete|Publish|Associate|Disassociate|Release|Replace|Modify)/;

/** Change counts without "read": the program reads its own stack's outputs (a StackReference), which changes nothing. */
function changes(summary: Record<string, number> | undefined): Record<string, number> {
    const { read: _read, ...rest } = changeCounts(summary);
    return rest;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function listFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** JSON paths in `value` whose string contains `needle`. */
function pathsWith(value: unknown, needle: string, at = "$"): string[] {
    if (typeof value === "string") {
        return value.includes(needle) ? [at] : [];
    }
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => pathsWith(v, needle, `${at}.${k}`));
    }
    return [];
}

/** The real programs/ack-handover/Pulumi.yaml in a scratch tree whose dist/ and node_modules/ are the repo's. */
async function handoverProject(env: Record<string, string>): Promise<{ stack: Stack; root: string }> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-handover-"));
    const dir = path.join(root, "programs", "ack-handover");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(repoRoot, "programs", "ack-handover", "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.symlinkSync(path.join(repoRoot, "dist"), path.join(root, "dist"));
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"));
    fs.mkdirSync(path.join(root, ".state"));
    const pulumiCommand = await PulumiCommand.get({ root: pulumiRoot() });
    const envVars = {
        PULUMI_BACKEND_URL: `file://${path.join(root, ".state")}`,
        PULUMI_CONFIG_PASSPHRASE: "ackless-test-only",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_HOME: path.join(root, ".pulumi-home"),
        PATH: `${path.join(pulumiRoot(), "bin")}:${process.env.PATH}`,
        ACKLESS_POLL_MIN_MS: "100",
        ACKLESS_POLL_MAX_MS: "300",
        ...env,
    };
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: "test", workDir: dir }, { pulumiCommand, envVars });
    return { stack, root };
}

describe("e2e: programs/ack-handover (engine + emulator + real API server)", function () {
    let kube: KubeControlPlane;
    let emu: Emulator;
    let stack: Stack;
    let root: string;
    const ns = `ho-${Date.now()}`;
    const aws = { cf: undefined as unknown as CloudFrontClient, ec2: undefined as unknown as EC2Client };
    const ids = { distribution: "", distributionEtag: "", functionArn: "", nat: "", subnet: "", eip: "", pendingSubnet: "" };
    const crPath = (api: string, plural: string, name: string) => `/apis/${api}/namespaces/${ns}/${plural}/${name}`;
    const CRS = [
        { kind: "Distribution", path: () => crPath(CF, "distributions", "site"), finalizer: "finalizers.cloudfront.services.k8s.aws/Distribution" },
        { kind: "Function", path: () => crPath(CF, "functions", "rewrite"), finalizer: "finalizers.cloudfront.services.k8s.aws/Function" },
        { kind: "NATGateway", path: () => crPath(EC2, "natgateways", "egress"), finalizer: "finalizers.ec2.services.k8s.aws/NATGateway" },
    ];
    const pendingPath = () => crPath(EC2, "natgateways", "pending");
    let pendingBefore: any;

    before(async () => {
        [kube, emu] = await Promise.all([startKube(), startEmulator({ deploySeconds: 0, natSeconds: 0.2 })]);
        const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
        aws.cf = new CloudFrontClient({ endpoint: emu.endpoint, region: "us-east-1", credentials });
        aws.ec2 = new EC2Client({ endpoint: emu.endpoint, region: "us-east-1", credentials });
        await installCrds(kube.client);
        await createNamespace(kube.client, ns);
        const ackTags = { "services.k8s.aws/controller-version": "cloudfront-v1.0.0", "services.k8s.aws/namespace": ns };

        // AWS, as the ACK controllers made it.
        const fn = await aws.cf.send(
            new CreateFunctionCommand({ Name: "rewrite", FunctionConfig: { Comment: "rewrite", Runtime: "cloudfront-js-2.0" }, FunctionCode: Buffer.from(CODE) }),
        );
        const published = await aws.cf.send(new PublishFunctionCommand({ Name: "rewrite", IfMatch: fn.ETag! }));
        ids.functionArn = fn.FunctionSummary!.FunctionMetadata!.FunctionARN!;
        const dist = await aws.cf.send(
            new CreateDistributionWithTagsCommand({
                DistributionConfigWithTags: {
                    DistributionConfig: {
                        CallerReference: "ack-site-ref",
                        Comment: "site",
                        Enabled: true,
                        Origins: { Quantity: 1, Items: [{ Id: "origin", DomainName: "origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
                        DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
                    },
                    Tags: { Items: Object.entries({ team: "web", ...ackTags }).map(([Key, Value]) => ({ Key, Value })) },
                },
            }),
        );
        ids.distribution = dist.Distribution!.Id!;
        ids.distributionEtag = dist.ETag!;
        const vpc = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
        const subnet = await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.1.0/24" }));
        const eip = await aws.ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
        ids.subnet = subnet.Subnet!.SubnetId!;
        ids.eip = eip.AllocationId!;
        const natTags = { Name: "egress", "services.k8s.aws/namespace": ns };
        const nat = await aws.ec2.send(
            new CreateNatGatewayCommand({
                SubnetId: ids.subnet,
                AllocationId: ids.eip,
                TagSpecifications: [{ ResourceType: "natgateway", Tags: Object.entries(natTags).map(([Key, Value]) => ({ Key, Value })) }],
            }),
        );
        ids.nat = nat.NatGateway!.NatGatewayId!;

        // The custom resources, as the controllers left them.
        await createWithStatus(kube.client, CF, "distributions", ns, {
            kind: "Distribution",
            metadata: { name: "site", finalizers: [CRS[0].finalizer] },
            spec: {
                distributionConfig: {
                    comment: "site",
                    enabled: true,
                    origins: { items: [{ id: "origin", domainName: "origin.example.com", customOriginConfig: { httpPort: 80, httpSPort: 443, originProtocolPolicy: "https-only" } }] },
                    defaultCacheBehavior: { targetOriginID: "origin", viewerProtocolPolicy: "redirect-to-https", cachePolicyID: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
                },
                tags: Object.entries({ team: "web", ...ackTags }).map(([key, value]) => ({ key, value })),
            },
            status: {
                id: ids.distribution,
                eTag: ids.distributionEtag,
                callerReference: "ack-site-ref",
                domainName: dist.Distribution!.DomainName,
                status: "Deployed",
                ackResourceMetadata: { arn: dist.Distribution!.ARN, ...ACK_META },
                conditions: SYNCED,
            },
        });
        await createWithStatus(kube.client, CF, "functions", ns, {
            kind: "Function",
            metadata: { name: "rewrite", finalizers: [CRS[1].finalizer], annotations: { "cloudfront.services.k8s.aws/auto-publish": "true" } },
            spec: { name: "rewrite", functionCode: Buffer.from(CODE).toString("base64"), functionConfig: { comment: "rewrite", runtime: "cloudfront-js-2.0" } },
            status: { eTag: published.FunctionSummary?.FunctionMetadata ? fn.ETag : undefined, ackResourceMetadata: { arn: ids.functionArn, ...ACK_META }, conditions: SYNCED },
        });
        await createWithStatus(kube.client, EC2, "natgateways", ns, {
            kind: "NATGateway",
            metadata: { name: "egress", finalizers: [CRS[2].finalizer] },
            spec: { subnetID: ids.subnet, allocationID: ids.eip, connectivityType: "public", tags: Object.entries(natTags).map(([key, value]) => ({ key, value })) },
            status: { natGatewayID: ids.nat, state: "available", vpcID: vpc.Vpc!.VpcId, ackResourceMetadata: ACK_META, conditions: SYNCED },
        });
        // Never synced: no natGatewayID in its status.
        pendingBefore = await createWithStatus(kube.client, EC2, "natgateways", ns, {
            kind: "NATGateway",
            metadata: { name: "pending", finalizers: [CRS[2].finalizer] },
            spec: { subnetID: ids.subnet, connectivityType: "private" },
            status: { ackResourceMetadata: ACK_META, conditions: [{ type: "ACK.ResourceSynced", status: "False", reason: "Creating" }] },
        });

        ({ stack, root } = await handoverProject(emu.env()));
        await stack.setConfig("kubeconfig", { value: kube.kubeconfigText, secret: true });
        // Two seconds in which the deleted custom resource still exists (finalizer in place,
        // annotation visible) before ackless removes the finalizer: the watcher below
        // cannot miss the retain annotation, however loaded the machine is.
        await stack.setConfig("controllerGraceSeconds", { value: "2" });
        await emu.resetCalls();
    });

    after(async () => {
        try {
            await stack?.workspace.removeStack("test", { force: true });
        } catch {
            // already gone
        }
        if (root) {
            fs.rmSync(root, { recursive: true, force: true });
        }
        await Promise.all([kube?.stop(), emu?.stop()]);
    });

    const mutations = async () => (await emu.calls()).map((c) => c.operation).filter((op) => MUTATIONS.test(op));

    it("preview lists exactly the three hand-overs and the skipped custom resource, and changes nothing", async () => {
        let out = "";
        const preview = await stack.preview({ onOutput: (s) => (out += s) });
        expect(changeCounts(preview.changeSummary).create).to.equal(10); // 3 x (retain, adopt, delete) + the stack
        expect(out).to.include(`hand over Distribution ${ns}/site -> cloudfront.Distribution ${ids.distribution}`);
        expect(out).to.include(`hand over Function ${ns}/rewrite -> cloudfront.Function rewrite`);
        expect(out).to.include(`hand over NATGateway ${ns}/egress -> ec2.NatGateway ${ids.nat}`);
        expect(new Set(out.match(/hand over [^:]*/g)).size).to.equal(3);
        expect(out).to.include(`skipping NATGateway ${ns}/pending: status.natGatewayID is empty`);
        // Nothing changed: no AWS mutation, custom resources as they were.
        expect(await mutations()).to.deep.equal([]);
        for (const cr of CRS) {
            const obj = await kube.client.get(cr.path());
            expect(obj.metadata.annotations?.["services.k8s.aws/deletion-policy"]).to.equal(undefined);
            expect(obj.metadata.deletionTimestamp).to.equal(undefined);
        }
    });

    it("up: each custom resource gets the retain annotation, then is gone; AWS resources adopted unchanged", async () => {
        // Watch the custom resources during the up: the retain annotation must be seen before they go.
        const seenRetain = new Set<string>();
        let watching = true;
        const watcher = (async () => {
            while (watching) {
                for (const cr of CRS) {
                    const obj = await kube.client.getOrUndefined(cr.path());
                    if (obj?.metadata.annotations?.["services.k8s.aws/deletion-policy"] === "retain") {
                        seenRetain.add(cr.kind);
                    }
                }
                await new Promise((r) => setTimeout(r, 20));
            }
        })();
        let out = "";
        let up;
        try {
            up = await stack.up({ onOutput: (s) => (out += s) });
        } finally {
            watching = false;
            await watcher;
        }
        expect(changeCounts(up.summary.resourceChanges).create).to.equal(10);
        expect([...seenRetain].sort()).to.deep.equal(["Distribution", "Function", "NATGateway"]);
        for (const cr of CRS) {
            expect(await kube.client.getOrUndefined(cr.path()), cr.kind).to.equal(undefined);
            expect(out).to.include(`no ACK controller removed its finalizer ${cr.finalizer}`);
        }
        expect(up.outputs.handOver.value).to.have.length(3);
        expect(up.outputs.skipped.value).to.deep.equal([
            { kind: "NATGateway", namespace: ns, name: "pending", reason: "status.natGatewayID is empty: the controller never created or adopted it in AWS" },
        ]);
        // The only AWS mutations allowed are tag reconciliations; here the tags already match.
        expect((await mutations()).filter((op) => !/Tag/.test(op))).to.deep.equal([]);

        // The stack holds the three AWS resources with their ids and config.
        const state = (await stack.exportStack()).deployment;
        const byType = (t: string) => state.resources.filter((r: any) => r.type === `pulumi-nodejs:dynamic/ackless:${t}`);
        expect(byType("Distribution").map((r: any) => r.id)).to.deep.equal([ids.distribution]);
        expect(byType("Function").map((r: any) => r.id)).to.deep.equal(["rewrite"]);
        expect(byType("NatGateway").map((r: any) => r.id)).to.deep.equal([ids.nat]);
        expect(byType("RetainPolicy")).to.have.length(3);
        expect(byType("CustomResourceDeletion").map((r: any) => r.outputs.finalizerRemovedBy)).to.deep.equal(["ackless", "ackless", "ackless"]);
        const d = byType("Distribution")[0].outputs;
        expect(d.distributionConfig.Origins.Items[0].CustomOriginConfig.HTTPSPort).to.equal(443);
        expect(d.tags).to.deep.equal({ team: "web", "services.k8s.aws/controller-version": "cloudfront-v1.0.0", "services.k8s.aws/namespace": ns });
        expect(byType("Function")[0].outputs.code).to.equal(CODE);
        expect(byType("NatGateway")[0].outputs.subnetId).to.equal(ids.subnet);
        // The kubeconfig is a secret everywhere in state: never in plain text in
        // the stored checkpoint (exportStack shows secrets decrypted, marked).
        const key = /client-key-data: (\S+)/.exec(kube.kubeconfigText)![1].slice(0, 40);
        const stored = listFiles(path.join(root, ".state")).filter((f) => f.endsWith(".json"));
        expect(stored.some((f) => f.includes(path.join("stacks", "ack-handover")))).to.equal(true);
        for (const f of stored) {
            expect(fs.readFileSync(f, "utf8"), f).to.not.include(key);
        }
        const plain = pathsWith(state, key).filter((p) => !p.endsWith(".plaintext"));
        expect(plain, "kubeconfig in state outside a secret").to.deep.equal([]);
        for (const r of [...byType("RetainPolicy"), ...byType("CustomResourceDeletion")]) {
            expect(r.inputs.kubeconfig).to.have.property(SECRET_SIG);
            expect(r.outputs.kubeconfig).to.have.property(SECRET_SIG);
        }

        // AWS: same resources, same config.
        const live = await aws.cf.send(new GetDistributionCommand({ Id: ids.distribution }));
        expect(live.Distribution!.DistributionConfig!.CallerReference).to.equal("ack-site-ref");
        expect(live.Distribution!.DistributionConfig!.Enabled).to.equal(true);
        const f = await aws.cf.send(new DescribeFunctionCommand({ Name: "rewrite", Stage: "LIVE" }));
        expect(f.FunctionSummary!.FunctionConfig!.Comment).to.equal("rewrite");
        const nats = (await aws.ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways!.filter((n) => n.State !== "deleted");
        expect(nats.map((n) => n.NatGatewayId)).to.deep.equal([ids.nat]);
    });

    it("the never-synced custom resource is left untouched", async () => {
        const obj = await kube.client.get(pendingPath());
        expect(obj.metadata.resourceVersion).to.equal(pendingBefore.metadata.resourceVersion);
        expect(obj.metadata.annotations).to.equal(undefined);
        expect(obj.metadata.finalizers).to.deep.equal(["finalizers.ec2.services.k8s.aws/NATGateway"]);
    });

    it("preview --refresh shows no changes, and a second up is a no-op", async () => {
        await emu.resetCalls();
        const preview = await stack.preview({ refresh: true });
        expect(changes(preview.changeSummary)).to.deep.equal({});
        const up = await stack.up();
        expect(changes(up.summary.resourceChanges)).to.deep.equal({});
        expect(await mutations()).to.deep.equal([]);
        expect(up.outputs.handOver.value).to.have.length(3);
    });

    it("the handed-over AWS resources are retained on delete until the user opts out; then destroy deletes them the ackless way", async () => {
        const handedOver = async () =>
            ((await stack.exportStack()).deployment.resources ?? []).filter((r: any) => /ackless:(Distribution|Function|NatGateway)$/.test(r.type));
        const retained = await handedOver();
        expect(retained).to.have.length(3);
        expect(retained.map((r: any) => r.retainOnDelete === true)).to.deep.equal([true, true, true]);
        // The one documented opt-out step.
        await stack.setConfig("retainOnDelete", { value: "false" });
        await emu.resetCalls();
        await stack.up();
        expect(await mutations()).to.deep.equal([]);
        expect((await handedOver()).map((r: any) => r.retainOnDelete === true)).to.deep.equal([false, false, false]);
        await emu.resetCalls();
        await stack.destroy();
        const ops = (await emu.calls()).map((c) => c.operation);
        const disable = ops.indexOf("UpdateDistribution");
        expect(disable).to.be.greaterThan(-1);
        expect(ops.indexOf("DeleteDistribution")).to.be.greaterThan(disable);
        expect(ops).to.include("DeleteFunction");
        expect(ops).to.include("DeleteNatGateway");
        const gone = await aws.cf.send(new GetDistributionCommand({ Id: ids.distribution })).then(() => undefined, (e) => e);
        expect(gone?.name).to.equal("NoSuchDistribution");
    });
});
