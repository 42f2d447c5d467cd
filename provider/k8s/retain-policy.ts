/**
 * k8s.RetainPolicy: sets `services.k8s.aws/deletion-policy: retain` on an ACK
 * custom resource. Implementation: ./retain-policy-provider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider } from "../delegate";

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

export type RetainPolicyArgs = ObjectTargetArgs;

export class RetainPolicy extends pulumi.dynamic.Resource {
    /** The deletion-policy annotation as last observed (`retain`; another value shows as drift). */
    declare readonly policy: pulumi.Output<string>;

    constructor(name: string, args: RetainPolicyArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            delegatingProvider("ackless:k8s:RetainPolicy"),
            name,
            {
                kubeconfig: pulumi.secret(args.kubeconfig),
                context: args.context,
                apiVersion: args.apiVersion,
                kind: args.kind,
                plural: args.plural,
                namespace: args.namespace,
                name: args.name,
                uid: args.uid,
                policy: undefined,
            },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "kubeconfig"] },
            "ackless",
            "RetainPolicy",
        );
    }
}
