/**
 * k8s.RetainPolicy: sets `services.k8s.aws/deletion-policy: retain` on an ACK
 * custom resource. Implementation: ./retain-policy-provider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider } from "../delegate";
import { kubeconfigSecret, ObjectTargetArgs, targetInputs } from "./args";

export type { ObjectTargetArgs };

export type RetainPolicyArgs = ObjectTargetArgs;

export class RetainPolicy extends pulumi.dynamic.Resource {
    /** The deletion-policy annotation as last observed (`retain`; another value shows as drift). */
    declare readonly policy: pulumi.Output<string>;

    constructor(name: string, args: RetainPolicyArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            delegatingProvider("ackless:k8s:RetainPolicy"),
            name,
            { ...targetInputs(args), policy: undefined },
            kubeconfigSecret(opts),
            "ackless",
            "RetainPolicy",
        );
    }
}
