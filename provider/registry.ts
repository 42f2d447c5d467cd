/**
 * Kind name -> provider implementation. Loaded lazily by the stored provider
 * code (see delegate.ts) inside the dynamic-provider host. The AWS kinds come
 * from their descriptors (kinds.ts).
 */
import { awsScoped } from "./common/clients";
import { KINDS, ProviderImpl } from "./kinds";

const loaders: Record<string, () => ProviderImpl> = {
    "ackless:test:Echo": () => require("./testing/echo").provider,
    "ackless:k8s:RetainPolicy": () => require("./k8s/retain-policy-provider").provider,
    "ackless:k8s:CustomResourceDeletion": () => require("./k8s/custom-resource-deletion-provider").provider,
    "ackless:k8s:ReferenceRewrite": () => require("./k8s/reference-rewrite-provider").provider,
};
// AWS kinds: every call in the resource's stored region and aws:profile (common/clients.ts).
for (const k of KINDS) {
    loaders[k.token] = () => awsScoped(k.load(), k.regional);
}

export function provider(kind: string): ProviderImpl {
    const load = loaders[kind];
    if (!load) {
        throw new Error(`ackless does not know the resource kind "${kind}"; is the installed ackless older than the program's?`);
    }
    return load();
}
