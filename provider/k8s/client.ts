/**
 * A small Kubernetes API client: enough for the ACK hand-over (read custom
 * resources, patch annotations and finalizers, delete) and for test setup.
 * Reads a kubeconfig (file path or text) with client-certificate or token
 * auth. Built inside provider methods, never stored in state.
 */
import * as fs from "fs";
import * as https from "https";
import * as http from "http";
import * as yaml from "js-yaml";

export interface KubeTarget {
    server: string;
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    token?: string;
    insecure?: boolean;
}

export class KubeError extends Error {
    constructor(readonly status: number, readonly reason: string, message: string) {
        super(message);
        this.name = "KubeError";
    }
}

function b64(data: string | undefined): Buffer | undefined {
    return data ? Buffer.from(data, "base64") : undefined;
}

function fileOrData(data: string | undefined, file: string | undefined): Buffer | undefined {
    return b64(data) ?? (file ? fs.readFileSync(file) : undefined);
}

/** Parses kubeconfig text (or a path to it) and picks `context` (default: current-context). */
export function targetFromKubeconfig(kubeconfig: string, context?: string): KubeTarget {
    const text = kubeconfig.includes("\n") || !fs.existsSync(kubeconfig) ? kubeconfig : fs.readFileSync(kubeconfig, "utf8");
    const cfg = yaml.load(text) as any;
    const ctxName = context || cfg["current-context"];
    const ctx = (cfg.contexts ?? []).find((c: any) => c.name === ctxName)?.context;
    if (!ctx) {
        throw new Error(`kubeconfig: no context named "${ctxName}" (contexts: ${(cfg.contexts ?? []).map((c: any) => c.name).join(", ")})`);
    }
    const cluster = (cfg.clusters ?? []).find((c: any) => c.name === ctx.cluster)?.cluster;
    const user = (cfg.users ?? []).find((u: any) => u.name === ctx.user)?.user ?? {};
    if (!cluster?.server) {
        throw new Error(`kubeconfig: context "${ctxName}" names cluster "${ctx.cluster}", which has no server`);
    }
    return {
        server: cluster.server.replace(/\/$/, ""),
        ca: fileOrData(cluster["certificate-authority-data"], cluster["certificate-authority"]),
        cert: fileOrData(user["client-certificate-data"], user["client-certificate"]),
        key: fileOrData(user["client-key-data"], user["client-key"]),
        token: user.token,
        insecure: cluster["insecure-skip-tls-verify"] === true,
    };
}

export class KubeClient {
    constructor(readonly target: KubeTarget) {}

    static fromKubeconfig(kubeconfig: string, context?: string): KubeClient {
        return new KubeClient(targetFromKubeconfig(kubeconfig, context));
    }

    request<T = any>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> {
        const url = new URL(this.target.server + path);
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const options: https.RequestOptions = {
            method,
            hostname: url.hostname,
            port: url.port,
            path: url.pathname + url.search,
            headers: {
                Accept: "application/json",
                ...(payload ? { "Content-Type": contentType, "Content-Length": payload.length } : {}),
                ...(this.target.token ? { Authorization: `Bearer ${this.target.token}` } : {}),
            },
            ca: this.target.ca,
            cert: this.target.cert,
            key: this.target.key,
            rejectUnauthorized: !this.target.insecure,
        };
        const lib = url.protocol === "http:" ? http : https;
        return new Promise<T>((resolve, reject) => {
            const req = lib.request(options, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let parsed: any = text;
                    try {
                        parsed = text ? JSON.parse(text) : undefined;
                    } catch {
                        // not JSON
                    }
                    const status = res.statusCode ?? 0;
                    if (status >= 400) {
                        reject(new KubeError(status, parsed?.reason ?? "Unknown", `${method} ${path}: HTTP ${status}: ${parsed?.message ?? text}`));
                    } else {
                        resolve(parsed as T);
                    }
                });
            });
            req.on("error", (err) => reject(new Error(`${method} ${url.origin}${path}: ${err.message}`)));
            if (payload) {
                req.write(payload);
            }
            req.end();
        });
    }

    get<T = any>(path: string) {
        return this.request<T>("GET", path);
    }
    /** JSON merge patch (RFC 7386). */
    mergePatch<T = any>(path: string, patch: unknown) {
        return this.request<T>("PATCH", path, patch, "application/merge-patch+json");
    }
    /** JSON patch (RFC 6902), e.g. with a `test` op for optimistic checks. */
    jsonPatch<T = any>(path: string, ops: unknown[]) {
        return this.request<T>("PATCH", path, ops, "application/json-patch+json");
    }
    /** DELETE, optionally with DeleteOptions (e.g. `preconditions: {uid, resourceVersion}`). */
    delete<T = any>(path: string, options?: unknown) {
        return this.request<T>("DELETE", path, options);
    }
    post<T = any>(path: string, body: unknown) {
        return this.request<T>("POST", path, body);
    }
    /** PUT (replace), e.g. a custom resource's /status subresource. */
    put<T = any>(path: string, body: unknown) {
        return this.request<T>("PUT", path, body);
    }
    async getOrUndefined<T = any>(path: string): Promise<T | undefined> {
        try {
            return await this.get<T>(path);
        } catch (err) {
            if (err instanceof KubeError && err.status === 404) {
                return undefined;
            }
            throw err;
        }
    }
}
