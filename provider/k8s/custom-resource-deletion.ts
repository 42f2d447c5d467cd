/**
 * k8s.CustomResourceDeletion: deletes an ACK custom resource whose
 * deletion-policy is retain, removing the controller's finalizer itself when
 * no controller does. Implementation: ./custom-resource-deletion-provider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider } from "../delegate";
import { kubeconfigSecret, ObjectTargetArgs, targetInputs } from "./args";

export interface CustomResourceDeletionArgs extends ObjectTargetArgs {
    /** The ACK controller's finalizer, `finalizers.<service>.services.k8s.aws/<Kind>`. */
    finalizer: pulumi.Input<string>;
    /**
     * How long a running ACK controller gets to remove its finalizer before
     * ackless removes it (after verifying the retain annotation), in seconds
     * (default 30). 0: remove it at once.
     */
    controllerGraceSeconds?: pulumi.Input<number>;
    /** Deadline for the whole deletion, in seconds (default 300). */
    timeoutSeconds?: pulumi.Input<number>;
    /**
     * For a custom resource whose AWS resources were imported into the stack
     * (`pulumi import --file import.json`): each import entry's id and the id
     * of the resource the stack holds for it. The custom resource is deleted
     * only when every one matches; otherwise the step fails and deletes nothing.
     */
    importedIds?: pulumi.Input<pulumi.Input<ImportedId>[]>;
}

/** An import entry (`what`: its type and name), the id import.json names, and the id of the stack's resource. */
export interface ImportedId {
    what: pulumi.Input<string>;
    expected: pulumi.Input<string>;
    actual: pulumi.Input<string | undefined>;
}

export class CustomResourceDeletion extends pulumi.dynamic.Resource {
    /** Always true once created: the custom resource is gone. */
    declare readonly deleted: pulumi.Output<boolean>;
    /** Who removed the finalizer: `controller`, `ackless`, or `nobody` (there was none / already gone). */
    declare readonly finalizerRemovedBy: pulumi.Output<"controller" | "ackless" | "nobody">;

    constructor(name: string, args: CustomResourceDeletionArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            delegatingProvider("ackless:k8s:CustomResourceDeletion"),
            name,
            {
                ...targetInputs(args),
                finalizer: args.finalizer,
                controllerGraceSeconds: args.controllerGraceSeconds,
                timeoutSeconds: args.timeoutSeconds,
                importedIds: args.importedIds,
                deleted: undefined,
                finalizerRemovedBy: undefined,
            },
            kubeconfigSecret(opts),
            "ackless",
            "CustomResourceDeletion",
        );
    }
}
