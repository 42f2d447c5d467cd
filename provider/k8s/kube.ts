/**
 * ackless's Kubernetes access, on @kubernetes/client-node:
 *
 * - `loadKubeConfig({kubeconfig?, context?})`: the library loads the
 *   kubeconfig (text or path; without one, its default resolution: the merged
 *   `KUBECONFIG` list, then ~/.kube/config, then the in-cluster service
 *   account), with every kind of user it understands: client certificates,
 *   tokens and `tokenFile`, `exec` plugins (EKS's `aws eks get-token`), auth
 *   providers.
 * - `CustomResources`: get/list/create/patch/delete of custom resources
 *   through the library's CustomObjectsApi (delete takes DeleteOptions, so
 *   preconditions; patches take a JSON patch or a merge patch).
 * - `KubeRest`: a request by path for what has no typed call here (test setup,
 *   readiness), on the library's own authentication and HTTP layer.
 *
 * Every failure is a `KubeError` naming the context, the verb and the
 * resource; a refusal (401/403) also names the RBAC manifest, and a failing
 * exec plugin names its command. Built inside provider methods, never stored
 * in state.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as k8s from "@kubernetes/client-node";
import * as yaml from "js-yaml";

/** The least-privilege ClusterRole the hand-over needs (shipped in the repository). */
export const RBAC_DOC = "docs/ack-handover-rbac.yaml";

export interface KubeconfigSource {
    /** Kubeconfig text (YAML) or a path to it. Default: $KUBECONFIG (merged), ~/.kube/config, in-cluster. */
    kubeconfig?: string;
    /** Context to use (default: the kubeconfig's current-context). */
    context?: string;
}

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/**
 * A KubeConfig whose credential step (client certificates, tokens, exec
 * plugins) fails with a message naming the context and, for an exec plugin,
 * the command that failed.
 */
class AcklessKubeConfig extends k8s.KubeConfig {
    private baseDir?: string;

    /**
     * kubectl's `tokenFile` user field, which the library does not read (it
     * reads `token-file`): passed on under that name, relative paths resolved
     * against the kubeconfig's own directory as kubectl does.
     */
    override loadFromString(config: string, opts?: Partial<k8s.ConfigOptions>): void {
        const parsed = yaml.load(config) as any;
        const users: any[] = Array.isArray(parsed?.users) ? parsed.users : [];
        const withFile = users.filter((u) => typeof u?.user?.tokenFile === "string" && !u.user.token && !u.user["token-file"]);
        for (const u of withFile) {
            u.user["token-file"] = path.resolve(this.baseDir ?? process.cwd(), u.user.tokenFile);
        }
        super.loadFromString(withFile.length ? yaml.dump(parsed) : config, opts);
    }

    override loadFromFile(file: string, opts?: Partial<k8s.ConfigOptions>): void {
        this.baseDir = path.dirname(file);
        try {
            super.loadFromFile(file, opts);
        } finally {
            this.baseDir = undefined;
        }
    }

    override async applySecurityAuthentication(context: k8s.RequestContext): Promise<void> {
        try {
            await super.applySecurityAuthentication(context);
        } catch (err) {
            throw credentialError(this, err);
        }
    }
}

function contextLabel(kc: k8s.KubeConfig): string {
    const user = kc.getCurrentUser();
    return `kubeconfig context "${kc.getCurrentContext()}"${user ? ` (user "${user.name}")` : ""}`;
}

/** The exec plugin's command line, for messages (`aws eks get-token --cluster-name x`). */
export function execCommandOf(kc: k8s.KubeConfig): string | undefined {
    const user: any = kc.getCurrentUser();
    const exec = user?.exec ?? user?.authProvider?.config?.exec;
    return exec?.command ? [exec.command, ...(exec.args ?? [])].join(" ") : undefined;
}

function credentialError(kc: k8s.KubeConfig, err: unknown): KubeError {
    const cause = ((err as Error)?.message ?? String(err)).trim() || `exit status non-zero, no output`;
    const command = execCommandOf(kc);
    if (command) {
        return new KubeError(
            0,
            "CredentialPluginFailed",
            `${contextLabel(kc)}: its exec credential plugin \`${command}\` failed: ${cause}. ` +
                `Run that command yourself to see why: a missing command (install it, or fix users[].user.exec.command in the kubeconfig), ` +
                `or expired credentials behind it (for aws eks get-token: aws sso login --profile <profile>, or refresh the profile's keys)`,
        );
    }
    return new KubeError(0, "CredentialsUnreadable", `${contextLabel(kc)}: cannot read its credentials: ${cause}`);
}

/**
 * kubectl's resolution: the files of `KUBECONFIG` merged in order (missing
 * ones skipped; the first current-context and the first of each name win),
 * else ~/.kube/config, else the library's in-cluster configuration.
 */
function loadDefault(kc: AcklessKubeConfig): void {
    const files = (process.env.KUBECONFIG ?? "").split(path.delimiter).filter((f) => f && fs.existsSync(f));
    if (files.length) {
        kc.loadFromFile(files[0]);
        for (const file of files.slice(1)) {
            const more = new AcklessKubeConfig();
            more.loadFromFile(file);
            const known = (list: { name: string }[], name: string) => list.some((e) => e.name === name);
            more.clusters = more.clusters.filter((c) => !known(kc.clusters, c.name));
            more.users = more.users.filter((u) => !known(kc.users, u.name));
            more.contexts = more.contexts.filter((c) => !known(kc.contexts, c.name));
            kc.mergeConfig(more, !!kc.currentContext);
        }
        return;
    }
    const home = path.join(os.homedir(), ".kube", "config");
    if (fs.existsSync(home)) {
        kc.loadFromFile(home);
        return;
    }
    if (!fs.existsSync(SERVICE_ACCOUNT_TOKEN)) {
        throw new Error(
            `kubeconfig: none found: ${process.env.KUBECONFIG ? `no file of KUBECONFIG (${process.env.KUBECONFIG}) exists` : "KUBECONFIG is unset"}, ` +
                `${home} does not exist, and this is not a pod with a service account. Pass the kubeconfig (its text or path), or set KUBECONFIG`,
        );
    }
    kc.loadFromDefault(); // in-cluster: the pod's service account token and CA
}

/**
 * Loads a kubeconfig with @kubernetes/client-node and selects `context`.
 * `kubeconfig` is YAML text (it contains a newline) or a file path; without
 * it, kubectl's resolution (`loadDefault`).
 */
export function loadKubeConfig(source: KubeconfigSource = {}): k8s.KubeConfig {
    const kc = new AcklessKubeConfig();
    const given = source.kubeconfig?.trim() ? source.kubeconfig : undefined;
    if (given && given.includes("\n")) {
        kc.loadFromString(given);
    } else if (given) {
        if (!fs.existsSync(given)) {
            throw new Error(`kubeconfig: "${given}" is neither kubeconfig text nor an existing file`);
        }
        kc.loadFromFile(given);
    } else {
        loadDefault(kc);
    }
    if (source.context) {
        if (!kc.getContextObject(source.context)) {
            throw new Error(
                `kubeconfig: no context named "${source.context}" (contexts: ${
                    kc
                        .getContexts()
                        .map((c) => c.name)
                        .join(", ") || "none"
                })`,
            );
        }
        kc.setCurrentContext(source.context);
    }
    const ctx = kc.getContextObject(kc.getCurrentContext());
    if (!ctx) {
        throw new Error(
            `kubeconfig: ${kc.getCurrentContext() ? `current-context "${kc.getCurrentContext()}" is not one of its contexts` : "it has no current-context"} ` +
                `(contexts: ${
                    kc
                        .getContexts()
                        .map((c) => c.name)
                        .join(", ") || "none"
                }): pass a context`,
        );
    }
    if (!kc.getCurrentCluster()?.server) {
        throw new Error(`kubeconfig: context "${ctx.name}" names cluster "${ctx.cluster}", which has no server`);
    }
    return kc;
}

/** A failed Kubernetes call (status 0: no HTTP answer, e.g. the credentials could not be had). */
export class KubeError extends Error {
    constructor(
        readonly status: number,
        readonly reason: string,
        message: string,
    ) {
        super(message);
        this.name = "KubeError";
    }
}

/** The answer, or undefined when it is a 404 (not found). */
export async function undefinedOn404<T>(answer: Promise<T>): Promise<T | undefined> {
    try {
        return await answer;
    } catch (err) {
        if (err instanceof KubeError && err.status === 404) {
            return undefined;
        }
        throw err;
    }
}

/**
 * The error for a call that failed: `verb` and `resource` say what was asked
 * (`patch distributions.cloudfront.services.k8s.aws "ns/name"`).
 */
export function kubeError(kc: k8s.KubeConfig, verb: string, resource: string, err: unknown): Error {
    if (err instanceof KubeError) {
        return err;
    }
    if (!(err instanceof k8s.ApiException)) {
        const cause = (err as any)?.cause?.message ?? (err as Error)?.message ?? String(err);
        return new KubeError(0, "Unreachable", `${contextLabel(kc)}: ${verb} ${resource}: ${cause} (server ${kc.getCurrentCluster()?.server})`);
    }
    const status = err.code;
    let body: any = err.body;
    if (typeof body === "string") {
        try {
            body = JSON.parse(body);
        } catch {
            // not JSON: keep the text
        }
    }
    const detail = (typeof body === "object" && body?.message) || (typeof body === "string" && body) || err.message;
    const reason = (typeof body === "object" && body?.reason) || (status === 401 ? "Unauthorized" : "Unknown");
    if (status === 401) {
        const command = execCommandOf(kc);
        return new KubeError(
            status,
            reason,
            `${contextLabel(kc)}: the API server did not accept its credentials for ${verb} ${resource} (HTTP 401 Unauthorized). ` +
                (command
                    ? `The token comes from \`${command}\`: it may have expired or be for another cluster; run that command yourself and check its cluster and profile`
                    : `Its token or certificate is expired, revoked or for another cluster`) +
                `; the identity needs the ClusterRole in ${RBAC_DOC}`,
        );
    }
    if (status === 403) {
        return new KubeError(
            status,
            reason,
            `${contextLabel(kc)} may not ${verb} ${resource} (HTTP 403 Forbidden: ${detail}). ` +
                `Bind its identity to the ClusterRole in ${RBAC_DOC} (kubectl apply -f ${RBAC_DOC}, then a ClusterRoleBinding; see docs/ack-handover.md, "RBAC")`,
        );
    }
    return new KubeError(status, reason, `${verb} ${resource}: HTTP ${status}: ${detail}`);
}

/** One custom resource (or, without name, its collection). */
export interface CustomResourceRef {
    /** group/version, e.g. cloudfront.services.k8s.aws/v1alpha1 */
    apiVersion: string;
    /** The kind's plural (its REST collection), e.g. distributions. */
    plural: string;
    /** Omitted for a cluster-scoped kind (or, for list, for all namespaces). */
    namespace?: string;
    name: string;
}
export type CollectionRef = Omit<CustomResourceRef, "name">;

function groupVersion(apiVersion: string): { group: string; version: string } {
    const slash = apiVersion.lastIndexOf("/");
    if (slash <= 0) {
        throw new Error(`custom resources: apiVersion "${apiVersion}" is not group/version (core kinds are not custom resources)`);
    }
    return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** `distributions.cloudfront.services.k8s.aws "ns/name"`, as messages name a resource. */
export function describeRef(ref: CollectionRef & { name?: string }): string {
    const { group } = groupVersion(ref.apiVersion);
    const where = ref.name
        ? ` "${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}"`
        : ref.namespace
          ? ` in namespace "${ref.namespace}"`
          : " in all namespaces";
    return `${ref.plural}.${group}${where}`;
}

type JsonPatchOp = { op: string; path: string; value?: unknown; from?: string };

/** Custom resources through @kubernetes/client-node's CustomObjectsApi. */
export class CustomResources {
    readonly api: k8s.CustomObjectsApi;

    constructor(readonly kc: k8s.KubeConfig) {
        this.api = kc.makeApiClient(k8s.CustomObjectsApi);
    }

    static load(source: KubeconfigSource = {}): CustomResources {
        return new CustomResources(loadKubeConfig(source));
    }

    /** The context the calls run under. */
    get context(): string {
        return this.kc.getCurrentContext();
    }

    private async call<T>(verb: string, ref: CollectionRef & { name?: string }, run: () => Promise<T>): Promise<T> {
        try {
            return await run();
        } catch (err) {
            throw kubeError(this.kc, verb, describeRef(ref), err);
        }
    }

    private params(ref: CustomResourceRef) {
        return { ...groupVersion(ref.apiVersion), plural: ref.plural, name: ref.name };
    }

    get<T = any>(ref: CustomResourceRef): Promise<T> {
        const p = this.params(ref);
        return this.call("get", ref, () =>
            ref.namespace ? this.api.getNamespacedCustomObject({ ...p, namespace: ref.namespace }) : this.api.getClusterCustomObject(p),
        );
    }

    /** The object, or undefined when there is none (404). */
    getOrUndefined<T = any>(ref: CustomResourceRef): Promise<T | undefined> {
        return undefinedOn404(this.get<T>(ref));
    }

    /** The items of a collection (a namespace's, or without namespace all namespaces'). */
    async list<T = any>(ref: CollectionRef): Promise<T[]> {
        const { group, version } = groupVersion(ref.apiVersion);
        const list = await this.call("list", ref, () =>
            ref.namespace
                ? this.api.listNamespacedCustomObject({ group, version, plural: ref.plural, namespace: ref.namespace })
                : this.api.listClusterCustomObject({ group, version, plural: ref.plural }),
        );
        return (list?.items ?? []) as T[];
    }

    create<T = any>(ref: CollectionRef, body: object): Promise<T> {
        const { group, version } = groupVersion(ref.apiVersion);
        return this.call("create", ref, () =>
            ref.namespace
                ? this.api.createNamespacedCustomObject({ group, version, plural: ref.plural, namespace: ref.namespace, body })
                : this.api.createClusterCustomObject({ group, version, plural: ref.plural, body }),
        );
    }

    private patch<T>(ref: CustomResourceRef, body: object, strategy: k8s.PatchStrategy, status: boolean): Promise<T> {
        const p = this.params(ref);
        const options = k8s.setHeaderOptions("Content-Type", strategy);
        return this.call(status ? "patch (status)" : "patch", ref, () => {
            if (ref.namespace) {
                const q = { ...p, namespace: ref.namespace, body };
                return status ? this.api.patchNamespacedCustomObjectStatus(q, options) : this.api.patchNamespacedCustomObject(q, options);
            }
            return status
                ? this.api.patchClusterCustomObjectStatus({ ...p, body }, options)
                : this.api.patchClusterCustomObject({ ...p, body }, options);
        });
    }

    /** JSON patch (RFC 6902), e.g. with `test` ops for optimistic checks. */
    jsonPatch<T = any>(ref: CustomResourceRef, ops: JsonPatchOp[]): Promise<T> {
        return this.patch<T>(ref, ops, k8s.PatchStrategy.JsonPatch, false);
    }

    /** JSON merge patch (RFC 7386). */
    mergePatch<T = any>(ref: CustomResourceRef, patch: object): Promise<T> {
        return this.patch<T>(ref, patch, k8s.PatchStrategy.MergePatch, false);
    }

    /** Merge patch of the /status subresource. */
    mergePatchStatus<T = any>(ref: CustomResourceRef, patch: object): Promise<T> {
        return this.patch<T>(ref, patch, k8s.PatchStrategy.MergePatch, true);
    }

    /** DELETE with DeleteOptions, e.g. `preconditions: {uid, resourceVersion}`. */
    delete<T = any>(ref: CustomResourceRef, options: k8s.V1DeleteOptions = {}): Promise<T> {
        const p = this.params(ref);
        return this.call("delete", ref, () =>
            ref.namespace
                ? this.api.deleteNamespacedCustomObject({ ...p, namespace: ref.namespace, body: options })
                : this.api.deleteClusterCustomObject({ ...p, body: options }),
        );
    }
}

/**
 * Requests by path, for what has no typed call above (test setup of core and
 * apps objects, CRDs, /readyz): the library's authentication
 * (`applySecurityAuthentication`: certificates, tokens, exec plugins) and its
 * HTTP layer, with the same errors as the typed calls.
 */
export class KubeRest {
    constructor(readonly kc: k8s.KubeConfig) {}

    static load(source: KubeconfigSource = {}): KubeRest {
        return new KubeRest(loadKubeConfig(source));
    }

    async request<T = any>(method: string, urlPath: string, body?: unknown, contentType = "application/json"): Promise<T> {
        const server = this.kc.getCurrentCluster()!.server.replace(/\/$/, "");
        const ctx = new k8s.RequestContext(server + urlPath, method as k8s.HttpMethod);
        ctx.setHeaderParam("Accept", "application/json");
        if (body !== undefined) {
            ctx.setHeaderParam("Content-Type", contentType);
            ctx.setBody(JSON.stringify(body));
        }
        const what = `${method} ${urlPath}`;
        let status: number;
        let text: string;
        try {
            await this.kc.applySecurityAuthentication(ctx);
            const res = await new k8s.IsomorphicFetchHttpLibrary().send(ctx).toPromise();
            status = res.httpStatusCode;
            text = await res.body.text();
        } catch (err) {
            throw kubeError(this.kc, "request", what, err);
        }
        let parsed: any = text;
        try {
            parsed = text ? JSON.parse(text) : undefined;
        } catch {
            // not JSON (e.g. /readyz answers "ok")
        }
        if (status >= 400) {
            throw kubeError(this.kc, "request", what, new k8s.ApiException(status, `HTTP ${status}`, parsed, {}));
        }
        return parsed as T;
    }

    get<T = any>(urlPath: string) {
        return this.request<T>("GET", urlPath);
    }
    getOrUndefined<T = any>(urlPath: string): Promise<T | undefined> {
        return undefinedOn404(this.get<T>(urlPath));
    }
    post<T = any>(urlPath: string, body: unknown) {
        return this.request<T>("POST", urlPath, body);
    }
    put<T = any>(urlPath: string, body: unknown) {
        return this.request<T>("PUT", urlPath, body);
    }
    /** JSON merge patch (RFC 7386). */
    mergePatch<T = any>(urlPath: string, patch: unknown) {
        return this.request<T>("PATCH", urlPath, patch, "application/merge-patch+json");
    }
    /** JSON patch (RFC 6902). */
    jsonPatch<T = any>(urlPath: string, ops: unknown[]) {
        return this.request<T>("PATCH", urlPath, ops, "application/json-patch+json");
    }
    delete<T = any>(urlPath: string, options?: unknown) {
        return this.request<T>("DELETE", urlPath, options);
    }
}
