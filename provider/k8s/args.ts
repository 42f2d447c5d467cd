/**
 * The arguments every k8s resource takes to name its object, and how they
 * become inputs (the kubeconfig a secret, in state too). Data only: loaded by
 * the public classes, never by the providers.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ObjectTargetArgs {
    /**
     * The kubeconfig's text. Wrap it in `pulumi.secret(...)`; it is stored
     * encrypted in state either way (it is an additional secret output).
     */
    kubeconfig: pulumi.Input<string>;
    /** The kubeconfig context to use (default: its current-context). */
    context?: pulumi.Input<string>;
    /** The custom resource's apiVersion, e.g. `cloudfront.services.k8s.aws/v1alpha1`. */
    apiVersion: pulumi.Input<string>;
    /** Its kind, e.g. `Distribution`. */
    kind: pulumi.Input<string>;
    /** The kind's plural (its REST collection), e.g. `distributions`. */
    plural: pulumi.Input<string>;
    /** Its namespace (omit for cluster-scoped kinds). Changing it replaces the resource. */
    namespace?: pulumi.Input<string>;
    /** Its name. Changing it replaces the resource. */
    name: pulumi.Input<string>;
    /** Its uid: a different object that later takes the same name is never touched. */
    uid?: pulumi.Input<string>;
}

/** The inputs naming the object, the kubeconfig as a secret (shared by the k8s resources). */
export function targetInputs(args: ObjectTargetArgs) {
    return {
        kubeconfig: pulumi.secret(args.kubeconfig),
        context: args.context,
        apiVersion: args.apiVersion,
        kind: args.kind,
        plural: args.plural,
        namespace: args.namespace,
        name: args.name,
        uid: args.uid,
    };
}

/** The options with the kubeconfig an additional secret output (it stays encrypted in state). */
export const kubeconfigSecret = (opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions => ({
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "kubeconfig"],
});
