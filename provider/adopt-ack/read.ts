/**
 * Reading the cluster: the ACK Distribution, Function and NATGateway custom
 * resources in the namespaces asked for, and the custom resources their
 * references name (when those are in a namespace that is read).
 */
import * as os from "os";
import * as path from "path";
import { ACK_KINDS, AckKind, AckObject, apiVersionOf } from "../k8s/ack";
import { ACK_TABLE, ackApiVersion, AckKindEntry } from "../handover/ack";
import { CollectionRef, CustomResourceRef, CustomResources, KubeError, loadKubeConfig } from "../k8s/kube";
import { objectKey, referencesOf, Seen } from "./references";

/** What `kubectl` would use: the kubeconfig, its context, and the namespace. */
export interface Connection {
    api: CustomResources;
    /** Where the kubeconfig came from, for messages. */
    source: string;
    context: string;
    /** The context's namespace, else "default" (kubectl's default namespace). */
    namespace: string;
}

/**
 * Connects as kubectl would, through the shared loader (provider/k8s/kube.ts):
 * `kubeconfig` (a path), else the KUBECONFIG files merged, else
 * ~/.kube/config; `context`, else the current-context; its namespace, else "default".
 */
export function connect(opts: { kubeconfig?: string; context?: string }): Connection {
    const kc = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
    const context = kc.getCurrentContext();
    return {
        api: new CustomResources(kc),
        source: opts.kubeconfig ?? (process.env.KUBECONFIG || path.join(os.homedir(), ".kube", "config")),
        context,
        namespace: kc.getContextObject(context)?.namespace || "default",
    };
}

/** The Kubernetes API surface the reader needs (CustomResources, or a fake in unit tests). */
export interface Api {
    list<T = any>(ref: CollectionRef): Promise<T[]>;
    get<T = any>(ref: CustomResourceRef): Promise<T>;
}

export interface ClusterRead {
    /** The custom resources of the three kinds, by kind, in list order. */
    resources: { kind: AckKind; cr: AckObject }[];
    /** The custom resources of the other kinds of the two controllers (imported to @pulumi/aws), by kind, in list order. */
    others: { entry: AckKindEntry; cr: AckObject }[];
    /** The ACK FieldExports (services.k8s.aws/v1alpha1) of the namespaces read. */
    fieldExports: AckObject[];
    /** What the references resolve against. */
    seen: Seen;
}

/** Lists a collection in each namespace (undefined: all); a CRD that is not installed lists nothing. */
async function listAll(api: Api, apiVersion: string, plural: string, namespaces: string[] | undefined): Promise<AckObject[]> {
    const out: AckObject[] = [];
    for (const ns of namespaces ?? [undefined]) {
        try {
            out.push(...(await api.list<AckObject>({ apiVersion, plural, namespace: ns })));
        } catch (err) {
            if (!isStatus(err, 404)) {
                throw err;
            }
        }
    }
    return out;
}

/** The custom resources of every kind of the two controllers that ackless does not manage itself (../handover/ack.ts). */
export async function readOthers(api: Api, namespaces: string[] | undefined): Promise<ClusterRead["others"]> {
    const others: ClusterRead["others"] = [];
    for (const entry of ACK_TABLE.filter((k) => !k.handedOverAs)) {
        const apiVersion = ackApiVersion(entry);
        for (const item of await listAll(api, apiVersion, entry.plural, namespaces)) {
            others.push({ entry, cr: { ...item, apiVersion, kind: entry.kind } });
        }
    }
    return others;
}

const isStatus = (err: unknown, status: number) => err instanceof KubeError && err.status === status;

/** Reads the custom resources in `namespaces` (undefined: all) and the objects their references name. */
export async function readCluster(api: Api, namespaces: string[] | undefined): Promise<ClusterRead> {
    const resources: ClusterRead["resources"] = [];
    for (const kind of ACK_KINDS) {
        const apiVersion = apiVersionOf(kind);
        for (const ns of namespaces ?? [undefined]) {
            let items: AckObject[];
            try {
                items = await api.list<AckObject>({ apiVersion, plural: kind.plural, namespace: ns });
            } catch (err) {
                if (isStatus(err, 404)) {
                    continue; // the CRD is not installed: nothing of this kind
                }
                throw err;
            }
            for (const item of items) {
                resources.push({ kind, cr: { ...item, apiVersion, kind: kind.kind } });
            }
        }
    }
    const others = await readOthers(api, namespaces);
    const fieldExports = await listAll(api, "services.k8s.aws/v1alpha1", "fieldexports", namespaces);
    const inScope = (ns: string) => !namespaces || namespaces.includes(ns);
    const objects = new Map<string, AckObject | undefined | Error>();
    for (const { kind, cr } of resources) {
        for (const found of referencesOf(kind.kind, cr)) {
            const t = found.ref.target;
            const key = objectKey(t.apiVersion, t.plural, found.namespace, found.name);
            if (found.name === "" || !inScope(found.namespace) || objects.has(key)) {
                continue;
            }
            try {
                objects.set(key, await api.get({ apiVersion: t.apiVersion, plural: t.plural, namespace: found.namespace, name: found.name }));
            } catch (err) {
                // 404: no such object, or its CRD is not installed (another ACK controller).
                objects.set(key, isStatus(err, 404) ? undefined : (err as Error));
            }
        }
    }
    return { resources, others, fieldExports, seen: { inScope, objects } };
}
