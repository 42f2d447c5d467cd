/**
 * k8s.RetainPolicy, k8s.CustomResourceDeletion and k8s.ReferenceRewrite providers against a real
 * API server with ackless's ACK CRDs installed; then, on the same server, how
 * they authenticate (exec plugins, token files, merged KUBECONFIG lists), the
 * ClusterRole of docs/ack-handover-rbac.yaml, and what a refused or failing
 * identity is told.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as nodePath from "path";
import { bindHandoverRole, createNamespace, createWithStatus, execKubeconfig, installCrds, KubeControlPlane, startKube } from "../helpers/kube";
import { CustomResources, KubeRest, loadKubeConfig, RBAC_DOC } from "../../provider/k8s/kube";
import { rejection } from "../adopt-stack/helpers";
import { repoRoot } from "../helpers/pulumi";
import { provider as retain } from "../../provider/k8s/retain-policy-provider";
import { provider as deletion } from "../../provider/k8s/custom-resource-deletion-provider";
import { provider as rewrite } from "../../provider/k8s/reference-rewrite-provider";

const API = "cloudfront.services.k8s.aws/v1alpha1";
const FINALIZER = "finalizers.cloudfront.services.k8s.aws/Distribution";
/** Static tokens: one user bound to the hand-over's ClusterRole alone, one bound to nothing. */
const HANDOVER = { token: "handover-token-0123456789", user: "ackless-handover" };
const NOBODY = { token: "nobody-token-0123456789", user: "nobody" };

describe("k8s: RetainPolicy and CustomResourceDeletion on a real API server", function () {
    let kube: KubeControlPlane;
    const ns = `hr-${Date.now()}`;
    let n = 0;

    before(async () => {
        process.env.ACKLESS_POLL_MIN_MS = "50";
        process.env.ACKLESS_POLL_MAX_MS = "100";
        kube = await startKube({ tokens: [HANDOVER, NOBODY] });
        await installCrds(kube.client);
        await createNamespace(kube.client, ns);
        await bindHandoverRole(kube.client, HANDOVER.user);
    });
    after(async () => {
        await kube?.stop();
    });

    async function distributionCr(extra: { annotations?: Record<string, string>; finalizers?: string[] } = {}) {
        const name = `d${++n}`;
        const obj = await createWithStatus(kube.client, API, "distributions", ns, {
            kind: "Distribution",
            metadata: { name, finalizers: extra.finalizers ?? [FINALIZER], ...(extra.annotations ? { annotations: extra.annotations } : {}) },
            spec: { distributionConfig: { enabled: true, comment: "c" } },
            status: { id: `E${n}`, eTag: "ETAG1", conditions: [{ type: "ACK.ResourceSynced", status: "True" }] },
        });
        const target = {
            kubeconfig: kube.kubeconfigText,
            apiVersion: API,
            kind: "Distribution",
            plural: "distributions",
            namespace: ns,
            name,
            uid: obj.metadata.uid as string,
        };
        return { obj, target, path: `/apis/${API}/namespaces/${ns}/distributions/${name}` };
    }

    it("the CRDs are served and a custom resource keeps the status written through /status", async () => {
        const { obj, path } = await distributionCr();
        expect(obj.status.id).to.equal(`E${n}`);
        const got = await kube.client.get(path);
        expect(got.status.conditions[0]).to.deep.include({ type: "ACK.ResourceSynced", status: "True" });
        expect(got.metadata.finalizers).to.deep.equal([FINALIZER]);
        for (const crd of [
            "distributions.cloudfront.services.k8s.aws",
            "functions.cloudfront.services.k8s.aws",
            "natgateways.ec2.services.k8s.aws",
        ]) {
            expect((await kube.client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`)).spec.versions[0].name).to.equal(
                "v1alpha1",
            );
        }
    });

    it("RetainPolicy sets the annotation, reads it back, shows a changed one as drift and restores it", async () => {
        const { target, path } = await distributionCr({ annotations: { team: "web" } });
        expect((await retain.check({}, target)).failures ?? []).to.deep.equal([]);
        const created = await retain.create(target);
        expect(created.outs.policy).to.equal("retain");
        let got = await kube.client.get(path);
        expect(got.metadata.annotations).to.deep.equal({ team: "web", "services.k8s.aws/deletion-policy": "retain" });

        await kube.client.mergePatch(path, { metadata: { annotations: { "services.k8s.aws/deletion-policy": "delete" } } });
        const read = await retain.read(created.id, created.outs);
        expect(read.props.policy).to.equal("delete");
        const diff = await retain.diff(created.id, read.props, target);
        expect(diff.changes).to.equal(true);
        expect(diff.replaces).to.deep.equal([]);
        const updated = await retain.update(created.id, read.props, target);
        expect(updated.outs!.policy).to.equal("retain");
        got = await kube.client.get(path);
        expect(got.metadata.annotations["services.k8s.aws/deletion-policy"]).to.equal("retain");
        expect((await retain.diff(created.id, updated.outs, target)).changes).to.equal(false);
    });

    it("RetainPolicy refuses another object with the same name (uid differs)", async () => {
        const { target } = await distributionCr();
        let error: any;
        try {
            await retain.create({ ...target, uid: "not-this-one" });
        } catch (err) {
            error = err;
        }
        expect(String(error?.message)).to.match(/does not exist \(any more\)/);
    });

    it("CustomResourceDeletion refuses to delete a custom resource that is not retained and leaves it untouched", async () => {
        const { target, path } = await distributionCr();
        let error: any;
        try {
            await deletion.create({ ...target, finalizer: FINALIZER, controllerGraceSeconds: 0 });
        } catch (err) {
            error = err;
        }
        expect(String(error?.message)).to.match(/refusing to delete Distribution .*deletion-policy annotation is null, not "retain"/);
        const got = await kube.client.get(path);
        expect(got.metadata.deletionTimestamp).to.equal(undefined);
        expect(got.metadata.finalizers).to.deep.equal([FINALIZER]);
    });

    it("with no controller running, CustomResourceDeletion removes ACK's finalizer itself once retain is verified", async () => {
        const { target, path } = await distributionCr({ annotations: { "services.k8s.aws/deletion-policy": "retain" } });
        const created = await deletion.create({ ...target, finalizer: FINALIZER, controllerGraceSeconds: 0 });
        expect(created.outs.finalizerRemovedBy).to.equal("ackless");
        expect(await kube.client.getOrUndefined(path)).to.equal(undefined);
        // Refresh keeps it (the custom resource being gone is the point); delete does nothing.
        expect((await deletion.read(created.id, created.outs)).id).to.equal(created.id);
        await deletion.delete(created.id, created.outs);
    });

    it("with a controller running, CustomResourceDeletion lets the controller remove its finalizer", async () => {
        const { target, path } = await distributionCr({ annotations: { "services.k8s.aws/deletion-policy": "retain" } });
        // A stand-in controller: when the object is being deleted, it drops its finalizer.
        let stop = false;
        const controller = (async () => {
            while (!stop) {
                const o = await kube.client.getOrUndefined(path);
                if (!o) {
                    return;
                }
                if (o.metadata.deletionTimestamp) {
                    await kube.client.jsonPatch(path, [{ op: "remove", path: "/metadata/finalizers/0" }]).catch(() => undefined);
                }
                await new Promise((r) => setTimeout(r, 50));
            }
        })();
        try {
            const created = await deletion.create({ ...target, finalizer: FINALIZER, controllerGraceSeconds: 60 });
            expect(created.outs.finalizerRemovedBy).to.equal("controller");
            expect(await kube.client.getOrUndefined(path)).to.equal(undefined);
        } finally {
            stop = true;
            await controller;
        }
    });

    it("a finalizer that is not ACK's makes the deletion fail, naming it", async () => {
        const { target, path } = await distributionCr({
            annotations: { "services.k8s.aws/deletion-policy": "retain" },
            finalizers: [FINALIZER, "example.com/other"],
        });
        let error: any;
        try {
            await deletion.create({ ...target, finalizer: FINALIZER, controllerGraceSeconds: 0, timeoutSeconds: 1 });
        } catch (err) {
            error = err;
        }
        expect(String(error?.message)).to.match(/still there after deletion: finalizers \[example.com\/other\] are not ACK's/);
        const got = await kube.client.get(path);
        expect(got.metadata.finalizers).to.deep.equal(["example.com/other"]);
        await kube.client.jsonPatch(path, [{ op: "remove", path: "/metadata/finalizers/0" }]);
    });

    it("CustomResourceDeletion with an import guard that does not match deletes nothing", async () => {
        const { target, path } = await distributionCr({ annotations: { "services.k8s.aws/deletion-policy": "retain" } });
        const err = await deletion
            .create({ ...target, finalizer: FINALIZER, controllerGraceSeconds: 0, importedIds: [{ what: "aws:x/y:Z::a", expected: "id-1" }] })
            .catch((e: Error) => e as any);
        expect(String(err?.message)).to.match(/^refusing to delete Distribution .*: its AWS resource is not in this stack's state/);
        expect((await kube.client.get(path)).metadata.finalizers).to.deep.equal([FINALIZER]);
    });

    it("ReferenceRewrite replaces a RouteTable route's natGatewayRef by the id, once; a changed reference fails and stays", async () => {
        const EC2 = "ec2.services.k8s.aws/v1alpha1";
        const name = `rt${++n}`;
        const ref = { from: { name: "egress" } };
        const obj = await createWithStatus(kube.client, EC2, "routetables", ns, {
            kind: "RouteTable",
            metadata: { name },
            spec: {
                vpcID: "vpc-1",
                routes: [
                    { destinationCIDRBlock: "10.9.0.0/16", gatewayID: "igw-1" },
                    { destinationCIDRBlock: "0.0.0.0/0", natGatewayRef: ref },
                ],
            },
        });
        const path = `/apis/${EC2}/namespaces/${ns}/routetables/${name}`;
        const inputs = {
            kubeconfig: kube.kubeconfigText,
            apiVersion: EC2,
            kind: "RouteTable",
            plural: "routetables",
            namespace: ns,
            name,
            uid: obj.metadata.uid,
            refPointer: "/spec/routes/1/natGatewayRef",
            idPointer: "/spec/routes/1/natGatewayID",
            ref,
            value: "nat-1",
        };
        expect((await rewrite.check({}, inputs)).failures).to.equal(undefined);
        expect((await rewrite.create(inputs)).outs.outcome).to.equal("rewritten");
        expect((await kube.client.get(path)).spec.routes).to.deep.equal([
            { destinationCIDRBlock: "10.9.0.0/16", gatewayID: "igw-1" },
            { destinationCIDRBlock: "0.0.0.0/0", natGatewayID: "nat-1" },
        ]);
        expect((await rewrite.create(inputs)).outs.outcome).to.equal("already");
        // A reference changed since adopt-ack read it: not touched, and the message says to generate again.
        await kube.client.jsonPatch(path, [
            { op: "remove", path: "/spec/routes/1/natGatewayID" },
            { op: "add", path: "/spec/routes/1/natGatewayRef", value: { from: { name: "other" } } },
        ]);
        const err = await rewrite.create(inputs).catch((e: Error) => e as any);
        expect(String(err?.message)).to.contain(`RouteTable ${ns}/${name} /spec/routes/1/natGatewayRef is {"from":{"name":"other"}}`);
        expect(String(err?.message)).to.contain("run ackless adopt-ack again");
        expect((await kube.client.get(path)).spec.routes[1]).to.deep.equal({
            destinationCIDRBlock: "0.0.0.0/0",
            natGatewayRef: { from: { name: "other" } },
        });
        expect((await rewrite.create({ ...inputs, uid: "another-uid" })).outs.outcome).to.equal("gone");
    });

    describe("authentication and RBAC (exec plugin, token file, merged KUBECONFIG)", () => {
        const retained = { annotations: { "services.k8s.aws/deletion-policy": "retain" } };

        it("RetainPolicy and CustomResourceDeletion run through an exec-plugin kubeconfig, as a user bound only to the hand-over ClusterRole", async () => {
            const exec = execKubeconfig(kube, { token: HANDOVER.token, context: "eks-prod" });
            const { target, path } = await distributionCr();
            const asHandover = { ...target, kubeconfig: exec.text };
            expect((await retain.create(asHandover)).outs.policy).to.equal("retain");
            const created = await deletion.create({ ...asHandover, finalizer: FINALIZER, controllerGraceSeconds: 0 });
            expect(created.outs.finalizerRemovedBy).to.equal("ackless");
            expect(await kube.client.getOrUndefined(path)).to.equal(undefined);
            expect(exec.calls()).to.be.greaterThan(0);
            // The program's list, as the same identity; and the role grants nothing more.
            const crs = CustomResources.load({ kubeconfig: exec.text });
            expect((await crs.list({ apiVersion: API, plural: "distributions" })).length).to.be.greaterThan(0);
            const create = await rejection(
                crs.create(
                    { apiVersion: API, plural: "distributions", namespace: ns },
                    { apiVersion: API, kind: "Distribution", metadata: { name: "x" }, spec: {} },
                ),
            );
            expect(create.message).to.include(`may not create distributions.cloudfront.services.k8s.aws in namespace "${ns}"`);
            const secrets = await rejection(new KubeRest(loadKubeConfig({ kubeconfig: exec.text })).get(`/api/v1/namespaces/${ns}/secrets`));
            expect(secrets).to.have.property("status", 403);
        });

        it("a user without the ClusterRole is told the context, the verb and resource refused, and the RBAC manifest", async () => {
            const exec = execKubeconfig(kube, { token: NOBODY.token, context: "eks-prod", user: "arn:aws:eks:us-east-1:123456789012:cluster/prod" });
            const { target, path } = await distributionCr();
            const err = await rejection(retain.create({ ...target, kubeconfig: exec.text }));
            expect(err.message).to.include(
                `kubeconfig context "eks-prod" (user "arn:aws:eks:us-east-1:123456789012:cluster/prod") may not get distributions.cloudfront.services.k8s.aws "${ns}/${target.name}"`,
            );
            expect(err.message).to.include('User "nobody" cannot get resource "distributions"');
            expect(err.message).to.include(RBAC_DOC);
            expect(fs.existsSync(nodePath.join(repoRoot, RBAC_DOC))).to.equal(true);
            expect((await kube.client.get(path)).metadata.annotations).to.equal(undefined);
        });

        it("a failing or missing exec plugin, and a token the API server refuses, name the command", async () => {
            const { target } = await distributionCr(retained);
            const expired = execKubeconfig(kube, {
                fail: "Error: The SSO session associated with this profile has expired",
                args: ["eks", "get-token", "--cluster-name", "prod"],
            });
            let err = await rejection(retain.create({ ...target, kubeconfig: expired.text }));
            expect(err.message).to.include(
                `its exec credential plugin \`${expired.script} eks get-token --cluster-name prod\` failed: Error: The SSO session associated with this profile has expired`,
            );
            expect(err.message).to.include('kubeconfig context "exec"');
            const missing = execKubeconfig(kube, { command: "/nonexistent/aws", args: ["eks", "get-token", "--cluster-name", "prod"] });
            err = await rejection(retain.create({ ...target, kubeconfig: missing.text }));
            expect(err.message).to.include(
                "its exec credential plugin `/nonexistent/aws eks get-token --cluster-name prod` failed: spawn /nonexistent/aws ENOENT",
            );
            const stale = execKubeconfig(kube, { token: "a-token-nobody-issued" });
            err = await rejection(retain.create({ ...target, kubeconfig: stale.text }));
            expect(err).to.have.property("status", 401);
            expect(err.message).to.include(`did not accept its credentials for get distributions.cloudfront.services.k8s.aws "${ns}/${target.name}"`);
            expect(err.message).to.include(`The token comes from \`${stale.script}\``);
        });

        it("kubeconfig loading: a merged KUBECONFIG list (the first file's names and current-context win), a relative tokenFile, explicit contexts, none at all", async () => {
            const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), "ackless-kubeconfig-"));
            const tokenFile = nodePath.join(dir, "token");
            fs.writeFileSync(tokenFile, HANDOVER.token);
            const ca = /certificate-authority-data: (\S+)/.exec(kube.kubeconfigText)![1];
            // First file: the cluster and two contexts; second file: the users (a tokenFile relative to that file),
            // and its own cluster "test" and current-context, which lose to the first file's as with kubectl.
            const first = nodePath.join(dir, "clusters");
            fs.writeFileSync(
                first,
                [
                    "apiVersion: v1",
                    "kind: Config",
                    "clusters:",
                    "- name: test",
                    "  cluster:",
                    `    server: ${kube.server}`,
                    `    certificate-authority-data: ${ca}`,
                    "contexts:",
                    "- name: handover",
                    "  context: {cluster: test, user: from-file}",
                    "- name: nobody",
                    "  context: {cluster: test, user: static}",
                    "current-context: handover",
                    "",
                ].join("\n"),
            );
            const second = nodePath.join(dir, "users");
            fs.writeFileSync(
                second,
                [
                    "apiVersion: v1",
                    "kind: Config",
                    "clusters:",
                    "- name: test",
                    "  cluster: {server: https://127.0.0.1:1}",
                    "users:",
                    "- name: from-file",
                    "  user: {tokenFile: token}",
                    "- name: static",
                    `  user: {token: ${NOBODY.token}}`,
                    "current-context: nobody",
                    "",
                ].join("\n"),
            );
            const saved = process.env.KUBECONFIG;
            process.env.KUBECONFIG = [first, second].join(nodePath.delimiter);
            try {
                const merged = loadKubeConfig();
                expect(merged.getCurrentContext()).to.equal("handover");
                const { target } = await distributionCr();
                const ref = { apiVersion: API, plural: "distributions", namespace: ns, name: target.name };
                expect((await new CustomResources(merged).get(ref)).metadata.uid).to.equal(target.uid);
                const refused = await rejection(new CustomResources(loadKubeConfig({ context: "nobody" })).get(ref));
                expect(refused.message).to.include('kubeconfig context "nobody" (user "static") may not get');
                expect(() => loadKubeConfig({ context: "prod" })).to.throw('kubeconfig: no context named "prod" (contexts: handover, nobody)');
                // Nothing to load (no KUBECONFIG file, no ~/.kube/config, not a pod): said so, with the ways to give one.
                const savedHome = process.env.HOME;
                process.env.KUBECONFIG = nodePath.join(dir, "missing");
                process.env.HOME = dir;
                try {
                    expect(() => loadKubeConfig()).to.throw(
                        `kubeconfig: none found: no file of KUBECONFIG (${nodePath.join(dir, "missing")}) exists`,
                    );
                } finally {
                    process.env.HOME = savedHome;
                }
            } finally {
                if (saved === undefined) {
                    delete process.env.KUBECONFIG;
                } else {
                    process.env.KUBECONFIG = saved;
                }
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
