/**
 * k8s.ReferenceRewrite: replaces an ACK reference in a custom resource's spec
 * (a RouteTable's `routes[0].natGatewayRef`, a DistributionTenant's
 * `distributionRef`) by the literal id it resolves to, so that the custom
 * resource it names can be deleted without leaving the reference dangling.
 * Implementation: ./reference-rewrite-provider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider } from "../delegate";
import { kubeconfigSecret, ObjectTargetArgs, targetInputs } from "./args";

export interface ReferenceRewriteArgs extends ObjectTargetArgs {
    /** JSON pointer of the reference field: `/spec/routes/0/natGatewayRef`. */
    refPointer: pulumi.Input<string>;
    /** JSON pointer of the id field it becomes: `/spec/routes/0/natGatewayID`. */
    idPointer: pulumi.Input<string>;
    /** The reference as it was read (`{ from: { name } }`): a reference changed since is left alone, and the step fails saying so. */
    ref: pulumi.Input<Record<string, unknown>>;
    /** The id the reference resolves to (the referenced custom resource's status). (`id` is the engine's own.) */
    value: pulumi.Input<string>;
}

export class ReferenceRewrite extends pulumi.dynamic.Resource {
    /** `rewritten` (this step patched it), `already` (the id was there and the reference gone), `gone` (no such custom resource). */
    declare readonly outcome: pulumi.Output<"rewritten" | "already" | "gone">;

    constructor(name: string, args: ReferenceRewriteArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            delegatingProvider("ackless:k8s:ReferenceRewrite"),
            name,
            {
                ...targetInputs(args),
                refPointer: args.refPointer,
                idPointer: args.idPointer,
                ref: args.ref,
                value: args.value,
                outcome: undefined,
            },
            kubeconfigSecret(opts),
            "ackless",
            "ReferenceRewrite",
        );
    }
}
