/**
 * The Kubernetes object a k8s resource acts on, and the client to reach it.
 * The kubeconfig arrives as a secret input and stays secret in state (the
 * public classes list it in additionalSecretOutputs); the client is built
 * inside each provider method and never stored.
 */
import { CustomResourceRef, CustomResources, KubeError } from "./kube";

export interface ObjectTarget {
    /** Kubeconfig text (secret). */
    kubeconfig: string;
    /** Context in the kubeconfig (default: its current-context). */
    context?: string;
    apiVersion: string;
    kind: string;
    /** The resource's plural (the REST collection name). */
    plural: string;
    namespace?: string;
    name: string;
    /** The uid of the object: a different object with the same name is never touched. */
    uid?: string;
}

export const TARGET_FIELDS = ["apiVersion", "kind", "plural", "namespace", "name", "uid"] as const;

/** The ObjectTarget part of a resource's inputs or outputs (empty strings read as unset). */
export function targetOf(inputs: any): ObjectTarget {
    return {
        kubeconfig: inputs.kubeconfig,
        context: inputs.context || undefined,
        apiVersion: inputs.apiVersion,
        kind: inputs.kind,
        plural: inputs.plural,
        namespace: inputs.namespace || undefined,
        name: inputs.name,
        uid: inputs.uid || undefined,
    };
}

export function checkTarget(inputs: any): { property: string; reason: string }[] {
    const failures: { property: string; reason: string }[] = [];
    if (typeof inputs.kubeconfig !== "string" || inputs.kubeconfig.trim() === "") {
        failures.push({ property: "kubeconfig", reason: "kubeconfig is required: the kubeconfig's text (pass it as a secret)" });
    }
    for (const f of ["apiVersion", "kind", "plural", "name"]) {
        if (typeof inputs[f] !== "string" || inputs[f] === "") {
            failures.push({ property: f, reason: `${f} is required` });
        }
    }
    return failures;
}

export const clientFor = (t: ObjectTarget) => CustomResources.load({ kubeconfig: t.kubeconfig, context: t.context });
export const refOf = (t: ObjectTarget): CustomResourceRef => ({ apiVersion: t.apiVersion, plural: t.plural, namespace: t.namespace, name: t.name });
export const describeTarget = (t: ObjectTarget) => `${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
export const targetId = (t: ObjectTarget) => `${t.apiVersion}/${t.kind}/${t.namespace ?? ""}/${t.name}`;

/** The object, or undefined when it is gone (or a different object now has its name). */
export async function findObject(client: CustomResources, t: ObjectTarget): Promise<any | undefined> {
    const obj = await client.getOrUndefined(refOf(t));
    if (!obj || (t.uid && obj.metadata?.uid !== t.uid)) {
        return undefined;
    }
    return obj;
}

export const isConflict = (err: unknown) => err instanceof KubeError && (err.status === 409 || err.status === 422);

/** JSON-pointer escaping of one path segment (RFC 6901). */
export const pointer = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

/** Outputs without undefined values (the engine's Struct encoding rejects them). */
export function defined<T extends Record<string, unknown>>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
