/**
 * Kubernetes helpers for tests. The control plane itself (real etcd and
 * kube-apiserver, as controller-runtime's envtest runs them) lives in
 * provider/k8s/control-plane.ts, shared with the main job.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeRest, RBAC_DOC } from "../../provider/k8s/kube";
import { KubeControlPlane } from "../../provider/k8s/control-plane";
import { repoRoot } from "./pulumi";

export { KubeControlPlane, kubeBinDir, startKube } from "../../provider/k8s/control-plane";

/** ackless's own trimmed ACK CRDs the tests install (test/k8s/crds/*.yaml: the fields used, typed as the published CRDs type them). */
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
    return fs
        .readdirSync(crds)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => path.join(crds, f));
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
    // Established is not yet served: a list can answer 429 "storage is (re)initializing" for a moment after.
    for (const file of files) {
        const crd = yaml.load(fs.readFileSync(file, "utf8")) as any;
        const list = `/apis/${crd.spec.group}/${crd.spec.versions[0].name}/${crd.spec.names.plural}`;
        for (;;) {
            const served = await client.get(list).then(
                () => true,
                (err) => {
                    if (err?.status !== 429 || Date.now() > deadline) {
                        throw err;
                    }
                    return false;
                },
            );
            if (served) {
                break;
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
    // Strict: a field the (trimmed, real-typed) CRD does not define fails the test instead of being dropped.
    const strict = "?fieldValidation=Strict";
    const base = `/apis/${apiVersion}/namespaces/${namespace}/${plural}`;
    const created = await client.post(`${base}${strict}`, { apiVersion, kind: obj.kind, metadata: obj.metadata, spec: obj.spec });
    if (obj.status === undefined) {
        return created;
    }
    return client.mergePatch(`${base}/${created.metadata.name}/status${strict}`, { status: obj.status });
}

/**
 * Applies the ClusterRole of docs/ack-handover-rbac.yaml (as the admin) and
 * binds `user` to it with a ClusterRoleBinding: that user gets that role and
 * nothing else. Returns the role's name.
 */
export async function bindHandoverRole(client: KubeRest, user: string): Promise<string> {
    const yaml = await import("js-yaml");
    const docs = yaml.loadAll(fs.readFileSync(path.join(repoRoot, RBAC_DOC), "utf8")) as any[];
    const role = docs.find((d) => d?.kind === "ClusterRole");
    if (!role || docs.filter(Boolean).length !== 1) {
        throw new Error(`${RBAC_DOC} should hold exactly one ClusterRole`);
    }
    await client.post("/apis/rbac.authorization.k8s.io/v1/clusterroles", role);
    await client.post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: `${role.metadata.name}-${user}` },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
    });
    return role.metadata.name;
}

export interface ExecKubeconfig {
    /** The kubeconfig's text: the control plane's server and CA, a user whose only credential is the exec plugin. */
    text: string;
    /** The plugin script. */
    script: string;
    /** How many times the plugin ran. */
    calls(): number;
}

/**
 * A kubeconfig for `kube` (context `context`, user `user`) whose user is an
 * `exec` credential plugin, as EKS's `aws eks get-token` is: a script that
 * prints an ExecCredential with `token` (or, with `fail`, prints `fail` on
 * stderr and exits 1). Each run appends a line to a calls file.
 */
export function execKubeconfig(
    kube: KubeControlPlane,
    options: { token?: string; fail?: string; context?: string; user?: string; command?: string; args?: string[] },
): ExecKubeconfig {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-exec-"));
    const script = path.join(dir, "get-token");
    const calls = path.join(dir, "calls");
    const credential = { apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: options.token ?? "" } };
    const body = options.fail !== undefined ? `echo '${options.fail}' >&2\nexit 1\n` : `printf '%s' '${JSON.stringify(credential)}'\n`;
    fs.writeFileSync(script, `#!/bin/sh\necho run >> '${calls}'\n${body}`, { mode: 0o755 });
    const ca = /certificate-authority-data: (\S+)/.exec(kube.kubeconfigText)![1];
    const context = options.context ?? "exec";
    const user = options.user ?? "exec-user";
    const text = [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: test",
        "  cluster:",
        `    server: ${kube.server}`,
        `    certificate-authority-data: ${ca}`,
        "users:",
        `- name: ${user}`,
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1",
        `      command: ${options.command ?? script}`,
        `      args: ${JSON.stringify(options.args ?? [])}`,
        "      interactiveMode: Never",
        "contexts:",
        `- name: ${context}`,
        `  context: {cluster: test, user: ${user}}`,
        `current-context: ${context}`,
        "",
    ].join("\n");
    return {
        text,
        script,
        calls: () => (fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").split("\n").filter(Boolean).length : 0),
    };
}
