/**
 * Kubernetes helpers for tests. The control plane itself (real etcd and
 * kube-apiserver, as controller-runtime's envtest runs them) lives in
 * provider/k8s/control-plane.ts, shared with the main job.
 */
import * as fs from "fs";
import * as path from "path";
import { KubeRest } from "../../provider/k8s/kube";

export { KubeControlPlane, kubeBinDir, startKube } from "../../provider/k8s/control-plane";

/** ackless's trimmed copies of the ACK CRDs the tests install (test/k8s/crds/*.yaml). */
export function ackCrdFiles(): string[] {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, "test", "k8s", "crds"))) {
        const up = path.dirname(dir);
        if (up === dir) {
            throw new Error("cannot find test/k8s/crds above " + __dirname);
        }
        dir = up;
    }
    const crds = path.join(dir, "test", "k8s", "crds");
    return fs.readdirSync(crds).filter((f) => f.endsWith(".yaml")).sort().map((f) => path.join(crds, f));
}

/** Creates CRDs from YAML files and waits until each is Established (served). */
export async function installCrds(client: KubeRest, files: string[] = ackCrdFiles()): Promise<string[]> {
    const yaml = await import("js-yaml");
    const names: string[] = [];
    for (const file of files) {
        const crd = yaml.load(fs.readFileSync(file, "utf8")) as any;
        await client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        names.push(crd.metadata.name);
    }
    const deadline = Date.now() + 30_000;
    for (const name of names) {
        for (;;) {
            const crd = await client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
            if ((crd.status?.conditions ?? []).some((c: any) => c.type === "Established" && c.status === "True")) {
                break;
            }
            if (Date.now() > deadline) {
                throw new Error(`CRD ${name} not Established after 30 s: ${JSON.stringify(crd.status)}`);
            }
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    return names;
}

/** Creates a namespace (unique names per test: namespaces never finish terminating here). */
export async function createNamespace(client: KubeRest, name: string): Promise<void> {
    await client.post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
}

/**
 * Creates a custom resource as an ACK controller leaves it: the object (with
 * metadata such as finalizers and annotations), then its status through the
 * /status subresource. Returns the object as stored.
 */
export async function createWithStatus(
    client: KubeRest,
    apiVersion: string,
    plural: string,
    namespace: string,
    obj: { kind: string; metadata: Record<string, unknown>; spec: unknown; status?: unknown },
): Promise<any> {
    const base = `/apis/${apiVersion}/namespaces/${namespace}/${plural}`;
    const created = await client.post(base, { apiVersion, kind: obj.kind, metadata: obj.metadata, spec: obj.spec });
    if (obj.status === undefined) {
        return created;
    }
    return client.mergePatch(`${base}/${created.metadata.name}/status`, { status: obj.status });
}
