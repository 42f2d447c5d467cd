/**
 * One descriptor per AWS resource kind ackless manages: the single table the
 * registry, the public classes, the lifecycle claims and both hand-over
 * generators read. Adding a kind is one folder (`provider/<service>/<kind>/`,
 * with an `adapter.ts` exporting `provider`) plus one entry here.
 *
 * This module is loaded both inside the dynamic-provider host (the registry)
 * and by the generators: it holds data only, and reaches a kind's code through
 * `load()`, never at import time.
 */
import type * as pulumi from "@pulumi/pulumi";

export type ProviderImpl = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> & {
    /** The lifecycle driver's confirmation that the engine recorded a create (R1; delete.ts calls it from the program). */
    confirm?(id: string, props: Record<string, any>): Promise<void>;
};

/** An ACK custom resource kind, as the hand-over finds and reads it. */
export interface AckResource {
    /** e.g. cloudfront.services.k8s.aws */
    readonly group: string;
    readonly version: string;
    readonly plural: string;
    /** The ACK service (finalizers.<service>.services.k8s.aws/<Kind>). */
    readonly service: string;
    /** Where the AWS identity the hand-over needs lives (`status.natGatewayID`). */
    readonly idField: string;
    /** The field whose emptiness means "the controller never created it in AWS". */
    readonly syncedField: string;
}

export interface KindDescriptor {
    /** `<service>.<Class>` as a program writes it: `ec2.NatGateway`. */
    readonly name: string;
    /** The Pulumi type of its resources and the registry's key: `ackless:ec2:NatGateway`. Never changes (state names it). */
    readonly token: string;
    /** The lifecycle claim key: `ec2:NatGateway`. */
    readonly claim: string;
    /** The module of the public API (`ackless.<module>`) and the class. */
    readonly module: "cloudfront" | "ec2";
    readonly cls: string;
    /** Whether the resource lives in a region (its calls then use the stored `region`); CloudFront is global. */
    readonly regional: boolean;
    /** The ACK custom resource kind it replaces, when ACK manages it (`NATGateway`). */
    readonly ackKind?: string;
    /** Where ACK keeps that kind: its API group, version, plural, service, and the fields the hand-over reads. */
    readonly ack?: AckResource;
    /** The CloudFormation resource type it takes over (`AWS::EC2::NatGateway`). */
    readonly cloudFormationType?: string;
    /** Loads the kind's provider (its adapter, driven by the lifecycle driver). */
    readonly load: () => ProviderImpl;
}

/** In declaration order for generated programs: key value stores, then functions (they use the stores' ARNs), then distributions (they use the functions'). */
export const KINDS: readonly KindDescriptor[] = [
    {
        name: "cloudfront.KeyValueStore",
        token: "ackless:cloudfront:KeyValueStore",
        claim: "cloudfront:KeyValueStore",
        module: "cloudfront",
        cls: "KeyValueStore",
        regional: false,
        // ACK's cloudfront controller does not manage key value stores.
        cloudFormationType: "AWS::CloudFront::KeyValueStore",
        load: () => require("./cloudfront/key-value-store/adapter").provider,
    },
    {
        name: "cloudfront.Function",
        token: "ackless:cloudfront:Function",
        claim: "cloudfront:Function",
        module: "cloudfront",
        cls: "Function",
        regional: false,
        ackKind: "Function",
        // A function's name is in its spec from the start; the controller records the ARN once it exists in AWS.
        ack: {
            group: "cloudfront.services.k8s.aws",
            version: "v1alpha1",
            plural: "functions",
            service: "cloudfront",
            idField: "spec.name",
            syncedField: "status.ackResourceMetadata.arn",
        },
        cloudFormationType: "AWS::CloudFront::Function",
        load: () => require("./cloudfront/function/adapter").provider,
    },
    {
        name: "cloudfront.Distribution",
        token: "ackless:cloudfront:Distribution",
        claim: "cloudfront:Distribution",
        module: "cloudfront",
        cls: "Distribution",
        regional: false,
        ackKind: "Distribution",
        ack: {
            group: "cloudfront.services.k8s.aws",
            version: "v1alpha1",
            plural: "distributions",
            service: "cloudfront",
            idField: "status.id",
            syncedField: "status.id",
        },
        cloudFormationType: "AWS::CloudFront::Distribution",
        load: () => require("./cloudfront/distribution/adapter").provider,
    },
    {
        name: "ec2.NatGateway",
        token: "ackless:ec2:NatGateway",
        claim: "ec2:NatGateway",
        module: "ec2",
        cls: "NatGateway",
        regional: true,
        ackKind: "NATGateway",
        ack: {
            group: "ec2.services.k8s.aws",
            version: "v1alpha1",
            plural: "natgateways",
            service: "ec2",
            idField: "status.natGatewayID",
            syncedField: "status.natGatewayID",
        },
        cloudFormationType: "AWS::EC2::NatGateway",
        load: () => require("./ec2/nat-gateway/adapter").provider,
    },
];

/** The descriptor named by `token`, `name`, ACK kind or CloudFormation type; undefined when none. */
export function kindBy(field: "token" | "name" | "ackKind" | "cloudFormationType", value: string): KindDescriptor | undefined {
    return KINDS.find((k) => k[field] === value);
}

/** The descriptor of a kind, by its token; throws naming the known ones. */
export function kind(token: string): KindDescriptor {
    const k = kindBy("token", token);
    if (!k) {
        throw new Error(`ackless does not know the resource kind "${token}"; is the installed ackless older than the program's?`);
    }
    return k;
}
