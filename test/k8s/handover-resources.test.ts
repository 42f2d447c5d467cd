/**
 * k8s.RetainPolicy and k8s.CustomResourceDeletion providers against a real
 * API server with ackless's ACK CRDs installed.
 */
import { expect } from "chai";
import { createNamespace, createWithStatus, installCrds, KubeControlPlane, startKube } from "../helpers/kube";
import { provider as retain } from "../../provider/k8s/retain-policy-provider";
import { provider as deletion } from "../../provider/k8s/custom-resource-deletion-provider";

const API = "cloudfront.services.k8s.aws/v1alpha1";
const FINALIZER = "finalizers.cloudfront.services.k8s.aws/Distribution";

describe("k8s: RetainPolicy and CustomResourceDeletion on a real API server", function () {
    let kube: KubeControlPlane;
    const ns = `hr-${Date.now()}`;
    let n = 0;

    before(async () => {
        process.env.ACKLESS_POLL_MIN_MS = "50";
        process.env.ACKLESS_POLL_MAX_MS = "100";
        kube = await startKube();
        await installCrds(kube.client);
        await createNamespace(kube.client, ns);
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
        for (const crd of ["distributions.cloudfront.services.k8s.aws", "functions.cloudfront.services.k8s.aws", "natgateways.ec2.services.k8s.aws"]) {
            expect((await kube.client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`)).spec.versions[0].name).to.equal("v1alpha1");
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
        const { target, path } = await distributionCr({ annotations: { "services.k8s.aws/deletion-policy": "retain" }, finalizers: [FINALIZER, "example.com/other"] });
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
});
