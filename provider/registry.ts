/**
 * Kind name -> provider implementation. Loaded lazily by the stored provider
 * code (see delegate.ts) inside the dynamic-provider host.
 */
import type * as pulumi from "@pulumi/pulumi";
import { awsScoped } from "./common/clients";

type Impl = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">>;

const loaders: Record<string, () => Impl> = {
    "ackless:test:Echo": () => require("./testing/echo").provider,
    // AWS kinds: every call in the resource's stored region and aws:profile (common/clients.ts).
    "ackless:cloudfront:Distribution": () => awsScoped(require("./cloudfront/distribution/manager").provider, false),
    "ackless:cloudfront:Function": () => awsScoped(require("./cloudfront/function/manager").provider, false),
    "ackless:ec2:NatGateway": () => awsScoped(require("./ec2/nat-gateway/adapter").provider, true),
    "ackless:k8s:RetainPolicy": () => require("./k8s/retain-policy-provider").provider,
    "ackless:k8s:CustomResourceDeletion": () => require("./k8s/custom-resource-deletion-provider").provider,
};

export function provider(kind: string): Impl {
    const load = loaders[kind];
    if (!load) {
        throw new Error(`ackless does not know the resource kind "${kind}"; is the installed ackless older than the program's?`);
    }
    return load();
}
