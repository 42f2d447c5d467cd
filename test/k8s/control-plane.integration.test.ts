/**
 * The test control plane (test/helpers/kube.ts) is a real Kubernetes API
 * server: it answers /version with the stamped release, stores namespaces and
 * ConfigMaps, and stops cleanly.
 */
import { expect } from "chai";
import * as fs from "fs";
import { KubeControlPlane, startKube } from "../helpers/kube";

describe("k8s: test control plane (etcd + kube-apiserver)", function () {
    let kube: KubeControlPlane | undefined;

    after(async () => {
        await kube?.stop();
    });

    it("starts, reports v1.34.4, stores a namespace and a ConfigMap, and stops", async () => {
        kube = await startKube();
        expect(fs.readFileSync(kube.kubeconfig, "utf8")).to.equal(kube.kubeconfigText);
        const version = await kube.client.get("/version");
        expect(version.gitVersion).to.equal("v1.34.4");

        const ns = `cp-${Date.now()}`;
        await kube.client.post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
        await kube.client.post(`/api/v1/namespaces/${ns}/configmaps`, {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "hello" },
            data: { greeting: "hi" },
        });
        const cm = await kube.client.get(`/api/v1/namespaces/${ns}/configmaps/hello`);
        expect(cm.data).to.deep.equal({ greeting: "hi" });
        expect(await kube.client.getOrUndefined(`/api/v1/namespaces/${ns}/configmaps/nope`)).to.equal(undefined);

        const client = kube.client;
        const dir = fs.realpathSync(kube.kubeconfig).replace(/\/kubeconfig$/, "");
        await kube.stop();
        kube = undefined;
        expect(fs.existsSync(dir)).to.equal(false);
        let error: any;
        try {
            await client.get("/healthz");
        } catch (err) {
            error = err;
        }
        expect(String(error?.message), "the API server still answers after stop()").to.include("ECONNREFUSED");
    });
});
