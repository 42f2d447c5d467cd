/**
 * A real Kubernetes control plane for tests, as controller-runtime's envtest
 * runs it: etcd and kube-apiserver on free loopback ports, certificates made
 * with openssl, an admin kubeconfig (client certificate in system:masters).
 * No scheduler, controller-manager or kubelet.
 *
 * Used by the tests (test/helpers/kube.ts re-exports it) and by the main job
 * (scripts/kube-up.js), which runs the main program against it.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { KubeRest } from "./kube";

export interface KubeControlPlane {
    kubeconfig: string; // path
    kubeconfigText: string;
    server: string;
    /** Requests by path as the admin (tests set up objects with it). */
    client: KubeRest;
    stop(): Promise<void>;
}

export function kubeBinDir(): string {
    const dir = process.env.ACKLESS_KUBE_BIN;
    if (!dir || !fs.existsSync(path.join(dir, "kube-apiserver"))) {
        throw new Error(
            "ACKLESS_KUBE_BIN is not set or lacks kube-apiserver: run `npm test` or `npm run main`, which bootstrap etcd and kube-apiserver (or `source .ackless/env.sh` after `npm run bootstrap`)",
        );
    }
    return dir;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.on("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

function openssl(dir: string, ...args: string[]) {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function makeCerts(dir: string) {
    fs.writeFileSync(path.join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=ackless-test-ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
    );
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=kube-apiserver", "-keyout", "server.key", "-out", "server.csr");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.cnf",
        "-out",
        "server.crt",
    );
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=admin/O=system:masters", "-keyout", "admin.key", "-out", "admin.csr");
    openssl(dir, "x509", "-req", "-in", "admin.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", "admin.crt");
    openssl(dir, "genrsa", "-out", "sa.key", "2048");
    openssl(dir, "rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub");
}

function waitExit(p: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
        if (p.exitCode !== null || p.signalCode !== null) {
            return resolve();
        }
        p.once("exit", () => resolve());
    });
}

/** A bearer token the API server accepts (static token file), and whom it authenticates. */
export interface StaticToken {
    token: string;
    user: string;
    groups?: string[];
}

export interface KubeOptions {
    /** Users that authenticate with a bearer token (kube-apiserver --token-auth-file); none by default. */
    tokens?: StaticToken[];
}

export async function startKube(options: KubeOptions = {}): Promise<KubeControlPlane> {
    const bin = kubeBinDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-kube-"));
    makeCerts(dir);
    const tokenArgs: string[] = [];
    if (options.tokens?.length) {
        // token,user,uid[,"group1,group2"]
        const line = (t: StaticToken) => [t.token, t.user, t.user, ...(t.groups?.length ? [`"${t.groups.join(",")}"`] : [])].join(",");
        fs.writeFileSync(path.join(dir, "tokens.csv"), options.tokens.map(line).join("\n") + "\n", { mode: 0o600 });
        tokenArgs.push(`--token-auth-file=${path.join(dir, "tokens.csv")}`);
    }
    const [etcdPort, apiPort] = [await freePort(), await freePort()];
    const logs: Record<string, string> = { etcd: "", apiserver: "" };
    const etcd = spawn(
        path.join(bin, "etcd"),
        [
            `--data-dir=${path.join(dir, "etcd")}`,
            `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
            `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
            "--listen-peer-urls=http://127.0.0.1:0",
            "--unsafe-no-fsync=true",
            "--log-level=error",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    etcd.stderr!.on("data", (d) => (logs.etcd = (logs.etcd + d).slice(-4000)));
    const apiserver = spawn(
        path.join(bin, "kube-apiserver"),
        [
            `--etcd-servers=http://127.0.0.1:${etcdPort}`,
            `--cert-dir=${dir}`,
            `--tls-cert-file=${path.join(dir, "server.crt")}`,
            `--tls-private-key-file=${path.join(dir, "server.key")}`,
            `--client-ca-file=${path.join(dir, "ca.crt")}`,
            `--secure-port=${apiPort}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--allow-privileged=true",
            "--disable-admission-plugins=ServiceAccount",
            "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc",
            `--service-account-key-file=${path.join(dir, "sa.pub")}`,
            `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
            ...tokenArgs,
            "--v=0",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    apiserver.stderr!.on("data", (d) => (logs.apiserver = (logs.apiserver + d).slice(-4000)));

    const server = `https://127.0.0.1:${apiPort}`;
    const b64 = (f: string) => fs.readFileSync(path.join(dir, f)).toString("base64");
    const kubeconfigText = [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: test",
        "  cluster:",
        `    server: ${server}`,
        `    certificate-authority-data: ${b64("ca.crt")}`,
        "users:",
        "- name: admin",
        "  user:",
        `    client-certificate-data: ${b64("admin.crt")}`,
        `    client-key-data: ${b64("admin.key")}`,
        "contexts:",
        "- name: test",
        "  context: {cluster: test, user: admin}",
        "current-context: test",
        "",
    ].join("\n");
    const kubeconfig = path.join(dir, "kubeconfig");
    fs.writeFileSync(kubeconfig, kubeconfigText);
    const client = KubeRest.load({ kubeconfig });

    const stop = async () => {
        apiserver.kill("SIGTERM");
        await waitExit(apiserver);
        etcd.kill("SIGTERM");
        await waitExit(etcd);
        fs.rmSync(dir, { recursive: true, force: true });
    };
    const deadline = Date.now() + 90_000;
    for (;;) {
        if (apiserver.exitCode !== null || etcd.exitCode !== null) {
            await stop();
            throw new Error(`the control plane exited early.\netcd: ${logs.etcd}\nkube-apiserver: ${logs.apiserver}`);
        }
        try {
            const ready = await client.request<string>("GET", "/readyz");
            if (String(ready).includes("ok")) {
                break;
            }
        } catch {
            // not yet
        }
        if (Date.now() > deadline) {
            await stop();
            throw new Error(`kube-apiserver did not become ready in 90 s.\n${logs.apiserver}`);
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    return { kubeconfig, kubeconfigText, server, client, stop };
}
