/**
 * e2e: the main program (programs/edge, compiled) on the real Pulumi engine,
 * the AWS emulator and a real Kubernetes API server (etcd + kube-apiserver, no
 * kubelet: the program runs with waitForReady=false). The cluster has the AWS
 * Load Balancer Controller's IngressClass, as one with the controller
 * installed does. Up, no-change preview, a missing IngressClass refused,
 * the controller's hostname reaching CloudFront, and an ordered destroy that
 * leaves the installed controller's IngressClass alone.
 */
import { expect } from "chai";
import * as path from "path";
import { AllocateAddressCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { startAll } from "../helpers/start";
import { KubeControlPlane, startKube } from "../helpers/kube";
import { changeCounts, newProject, repoRoot, TestProject } from "../helpers/pulumi";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const SERVICE = "kubernetes:core/v1:Service";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

interface Step {
    kind: "pre" | "done";
    op: string;
    urn: string;
    type: string;
}

function steps(events: EngineEvent[]): Step[] {
    const out: Step[] = [];
    for (const e of events) {
        const pre = e.resourcePreEvent?.metadata;
        const done = e.resOutputsEvent?.metadata;
        if (pre) out.push({ kind: "pre", op: pre.op, urn: pre.urn, type: pre.type });
        if (done) out.push({ kind: "done", op: done.op, urn: done.urn, type: done.type });
    }
    return out;
}

describe("e2e: programs/edge on the emulator and a real Kubernetes API server", function () {
    let emulator: Emulator;
    let kube: KubeControlPlane;
    let project: TestProject;
    const namespace = `edge-e2e-${Date.now().toString(36)}`;
    const ingressPath = `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`;
    let ingressName = "";
    let ingressUid = "";

    before(async () => {
        [emulator, kube] = await startAll(sharedEmulator({ deploySeconds: 0, natSeconds: 0 }), startKube());
        // The network exists before the stack, as in the main job.
        const ec2 = new EC2Client({
            endpoint: emulator.endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
        const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.42.0.0/16" }));
        const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.42.1.0/24" }));
        const eip = await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
        // The installed controller's IngressClass exists before the stack (the EKS add-on or Helm chart made it).
        await kube.client.post("/apis/networking.k8s.io/v1/ingressclasses", {
            apiVersion: "networking.k8s.io/v1",
            kind: "IngressClass",
            metadata: { name: "alb" },
            spec: { controller: "ingress.k8s.aws/alb" },
        });
        const program = `module.exports = require(${JSON.stringify(path.join(repoRoot, "dist", "programs", "edge", "index.js"))});\n`;
        project = await newProject("edge", program, emulator.env(), {
            egressSubnetId: subnet.Subnet!.SubnetId!,
            natAllocationId: eip.AllocationId!,
            namespace,
            waitForReady: "false",
        });
        await project.stack.setConfig("kubeconfig", { value: kube.kubeconfigText, secret: true });
    });

    after(async () => {
        await project?.cleanup();
        await Promise.all([emulator?.stop(), kube?.stop()]);
    });

    it("up creates the Kubernetes objects and the AWS resources and fills the outputs", async () => {
        const up = await project.stack.up();
        // 4 Kubernetes objects, the kubernetes provider, 3 ackless resources, the stack (the IngressClass is only read).
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 9 });
        const out = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
        expect(out.distributionDomainName).to.match(/^[a-z0-9]+\.cloudfront\.net$/);
        expect(out.distributionStatus).to.equal("Deployed");
        expect(out.functionArn).to.match(/^arn:aws:cloudfront::\d{12}:function\/index-rewrite-/);
        expect(out.functionPublished).to.equal(true);
        expect(out.natGatewayId).to.match(/^nat-/);
        expect(out.natGatewayPublicIp).to.match(/^\d+\.\d+\.\d+\.\d+$/);
        expect(out.namespace).to.equal(namespace);
        expect(out.ingressHostname).to.equal("");
        expect(out.originDomainName).to.equal("origin.example.com");
        expect(out.ingressClass).to.equal("alb");
        expect(out.ingressController).to.equal("ingress.k8s.aws/alb");

        const ingresses = (await kube.client.get(ingressPath)).items;
        expect(ingresses).to.have.length(1);
        ingressName = ingresses[0].metadata.name;
        ingressUid = ingresses[0].metadata.uid;
        expect(ingresses[0].spec.ingressClassName).to.equal("alb");
        expect(ingresses[0].metadata.annotations).to.include({
            "alb.ingress.kubernetes.io/target-type": "ip",
            "pulumi.com/deletionPropagationPolicy": "background",
        });
        // Nothing of the controller is made by the stack.
        expect((await kube.client.get("/apis/apps/v1/deployments")).items.map((d: any) => d.metadata.namespace)).to.deep.equal([namespace]);
    });

    it("preview after up shows no changes", async () => {
        const preview = await project.stack.preview();
        // Only the read of the installed controller's IngressClass, which every run makes again.
        expect(changeCounts(preview.changeSummary)).to.deep.equal({ read: 1 });
    });

    it("once the controller sets the Ingress hostname, up --refresh points CloudFront at it", async () => {
        // Play the controller's part: it writes the ALB's DNS name into the Ingress status.
        const hostname = "k8s-edge-web-0123456789.us-east-1.elb.amazonaws.com";
        await kube.client.mergePatch(`${ingressPath}/${ingressName}/status`, { status: { loadBalancer: { ingress: [{ hostname }] } } });
        const up = await project.stack.up({ refresh: true });
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ read: 1, update: 1 });
        expect(up.outputs.ingressHostname.value).to.equal(hostname);
        expect(up.outputs.originDomainName.value).to.equal(hostname);
        const site = (await project.resources()).find((r) => r.type.endsWith("ackless:Distribution"))!;
        expect(site.outputs.distributionConfig.Origins.Items[0].DomainName).to.equal(hostname);
        // CloudFront followed the Ingress; the Ingress itself was not touched.
        expect((await kube.client.get(`${ingressPath}/${ingressName}`)).metadata.uid).to.equal(ingressUid);
    });

    it("a cluster without the configured IngressClass (no controller installed) is refused at preview, naming it", async () => {
        await project.stack.setConfig("ingressClass", { value: "alb-missing" });
        try {
            const err = await project.stack.preview().then(
                () => undefined,
                (e: Error) => e,
            );
            expect(err?.message, err?.message).to.include("resource 'alb-missing' does not exist");
        } finally {
            await project.stack.removeConfig("ingressClass");
        }
    });

    it("destroy disables and deletes the distribution before the Ingress goes, and leaves the installed controller's IngressClass", async () => {
        await emulator.resetCalls();
        const events: EngineEvent[] = [];
        const destroy = await project.stack.destroy({ onEvent: (e) => events.push(e) });
        // The IngressClass read leaves the state ("discard"), never the cluster.
        expect(changeCounts(destroy.summary.resourceChanges)).to.deep.equal({ delete: 9, discard: 1 });

        const deletes = steps(events).filter((s) => s.op === "delete");
        const at = (kind: Step["kind"], pred: (s: Step) => boolean) => {
            const i = deletes.findIndex((s) => s.kind === kind && pred(s));
            expect(i, `${kind} delete ${pred}`).to.be.greaterThan(-1);
            return i;
        };
        expect(deletes.filter((s) => s.kind === "done").map((s) => s.type)).to.include.members([INGRESS, SERVICE, DEPLOYMENT]);
        // CloudFront lets go of the load balancer first, and of the function last.
        const siteDone = at("done", (s) => s.type.endsWith("ackless:Distribution"));
        expect(siteDone).to.be.lessThan(at("pre", (s) => s.type === INGRESS));
        expect(siteDone).to.be.lessThan(at("pre", (s) => s.type.endsWith("ackless:Function")));

        // The ackless way: disabled (an update), then deleted.
        const ops = (await emulator.calls()).map((c) => c.operation);
        const disable = ops.indexOf("UpdateDistribution");
        expect(disable).to.be.greaterThan(-1);
        expect(ops.indexOf("DeleteDistribution")).to.be.greaterThan(disable);
        expect(ops).to.include.members(["DeleteFunction", "DeleteNatGateway"]);

        // Nothing the stack made is left in the cluster (the namespace itself is Terminating: no controller-manager here).
        expect((await kube.client.get(ingressPath)).items).to.deep.equal([]);
        expect((await kube.client.get(`/api/v1/namespaces/${namespace}/services`)).items).to.deep.equal([]);
        // The controller's IngressClass was only read: it stays for the controller that owns it.
        expect((await kube.client.get("/apis/networking.k8s.io/v1/ingressclasses/alb")).spec.controller).to.equal("ingress.k8s.aws/alb");
        expect(await project.resources()).to.deep.equal([]);
    });
});
