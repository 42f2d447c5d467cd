/**
 * Small helpers every Kubernetes object in this program goes through, so the
 * lifecycle annotations are decided in one place.
 */
import * as k8s from "@pulumi/kubernetes";

/** How the program waits for the cluster. */
export interface KubeLifecycle {
    /**
     * Wait for workloads to become ready (Deployments rolled out, Services with
     * endpoints, the Ingress with a load balancer hostname). Turn it off on an
     * API server without kubelets or controllers (the main job's local one),
     * where nothing would ever become ready.
     */
    waitForReady: boolean;
}

/**
 * Object metadata with the annotations that make Pulumi's deletes finish:
 *
 * - `pulumi.com/deletionPropagationPolicy: background`: the API server removes
 *   the object at once and its dependents (a Deployment's ReplicaSets) are
 *   garbage-collected afterwards. The provider's default, foreground, waits for
 *   the dependents first, which never happens where no garbage collector runs.
 * - `pulumi.com/skipAwait: "true"` when `waitForReady` is off: create, update
 *   and (for namespaces and workloads) delete return without waiting for
 *   readiness or for the object to disappear.
 */
export function meta(
    lifecycle: KubeLifecycle,
    fields: {
        name?: string;
        namespace?: k8s.types.input.meta.v1.ObjectMeta["namespace"];
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
    },
): k8s.types.input.meta.v1.ObjectMeta {
    return {
        ...fields,
        annotations: {
            ...fields.annotations,
            "pulumi.com/deletionPropagationPolicy": "background",
            ...(lifecycle.waitForReady ? {} : { "pulumi.com/skipAwait": "true" }),
        },
    };
}
