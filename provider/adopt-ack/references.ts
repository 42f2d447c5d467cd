/**
 * ACK references (`subnetRef`, `allocationRef`, `acmCertificateRef`): a
 * custom resource names another custom resource instead of an id, and the ACK
 * controller copies the id from that resource's status when it reconciles
 * (it never writes it back to the spec). The hand-over does the same: each
 * reference resolves to the referenced custom resource's status field, or,
 * when that resource is outside what was read (missing, in a namespace not
 * read, never synced), becomes stack config the user sets.
 *
 * The table lists every reference the ACK controllers define on the three
 * kinds (ec2-controller generator.yaml: NatGateway SubnetId -> Subnet
 * Status.SubnetID, AllocationId -> ElasticIPAddress Status.AllocationID,
 * VpcId -> VPC Status.VPCID for regional gateways;
 * cloudfront-controller: ViewerCertificate.ACMCertificateARN -> acm Certificate
 * Status.ACKResourceMetadata.ARN). A reference names `from: {name, namespace?}`;
 * the namespace defaults to the referring resource's.
 */
import type { AckKindName, AckObject } from "../k8s/ack";

export interface ReferenceKind {
    /** The kind holding the reference. */
    kind: AckKindName;
    /** Where the `...Ref` field sits under `spec`. */
    refPath: string[];
    /** The sibling field under `spec` that the resolved id goes to. */
    idField: string;
    /** The ackless input the id ends up in (used for config keys and messages). */
    input: string;
    /** The referenced custom resource and where its id is in its status. */
    target: { apiVersion: string; kind: string; plural: string; statusPath: string[] };
}

export const REFERENCES: ReferenceKind[] = [
    {
        kind: "NATGateway",
        refPath: ["subnetRef"],
        idField: "subnetID",
        input: "subnetId",
        target: { apiVersion: "ec2.services.k8s.aws/v1alpha1", kind: "Subnet", plural: "subnets", statusPath: ["subnetID"] },
    },
    {
        kind: "NATGateway",
        refPath: ["allocationRef"],
        idField: "allocationID",
        input: "allocationId",
        target: { apiVersion: "ec2.services.k8s.aws/v1alpha1", kind: "ElasticIPAddress", plural: "elasticipaddresses", statusPath: ["allocationID"] },
    },
    {
        kind: "NATGateway",
        refPath: ["vpcRef"],
        idField: "vpcID",
        input: "vpcId",
        target: { apiVersion: "ec2.services.k8s.aws/v1alpha1", kind: "VPC", plural: "vpcs", statusPath: ["vpcID"] },
    },
    {
        kind: "Distribution",
        refPath: ["distributionConfig", "viewerCertificate", "acmCertificateRef"],
        idField: "acmCertificateARN",
        input: "acmCertificateArn",
        target: {
            apiVersion: "acm.services.k8s.aws/v1alpha1",
            kind: "Certificate",
            plural: "certificates",
            statusPath: ["ackResourceMetadata", "arn"],
        },
    },
];

/** One reference found on a custom resource. */
export interface FoundReference {
    ref: ReferenceKind;
    /** The referenced object (namespace defaulted to the referring resource's). */
    namespace: string;
    name: string;
    /** `spec.a.b.xRef`, for messages. */
    field: string;
}

const at = (obj: any, path: string[]) => path.reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), obj);

/** The references `cr` (of kind `kind`) makes. A reference without a name is reported with an empty name. */
export function referencesOf(kind: AckKindName, cr: AckObject): FoundReference[] {
    const out: FoundReference[] = [];
    for (const ref of REFERENCES.filter((r) => r.kind === kind)) {
        const value = at(cr.spec, ref.refPath);
        if (!value || typeof value !== "object") {
            continue;
        }
        const from = (value as any).from ?? {};
        out.push({
            ref,
            namespace: typeof from.namespace === "string" && from.namespace !== "" ? from.namespace : (cr.metadata.namespace ?? ""),
            name: typeof from.name === "string" ? from.name : "",
            field: `spec.${ref.refPath.join(".")}`,
        });
    }
    return out;
}

/** Where an object lives, as a map key. */
export const objectKey = (apiVersion: string, plural: string, namespace: string, name: string) => `${apiVersion}/${plural}/${namespace}/${name}`;

/** What the reader saw of the referenced objects. */
export interface Seen {
    /** Whether the reader reads this namespace at all. */
    inScope(namespace: string): boolean;
    /** The object (undefined: looked up and not there), or the error reading it. */
    objects: Map<string, AckObject | undefined | Error>;
}

export type Resolution =
    { found: FoundReference; outcome: "resolved"; value: string; source: string } | { found: FoundReference; outcome: "config"; why: string };

/** `Subnet web/private-a`. */
export const describeReferenced = (f: FoundReference) => `${f.ref.target.kind} ${f.namespace}/${f.name}`;

/** Resolves one reference against what was read. */
export function resolve(found: FoundReference, seen: Seen): Resolution {
    const { target } = found.ref;
    const what = describeReferenced(found);
    if (found.name === "") {
        return { found, outcome: "config", why: `${found.field}.from.name is empty: the reference names no ${target.kind}` };
    }
    if (!seen.inScope(found.namespace)) {
        return {
            found,
            outcome: "config",
            why: `${what} is in namespace "${found.namespace}", which was not read (run adopt-ack with --all-namespaces or --namespace ${found.namespace} to resolve it)`,
        };
    }
    const obj = seen.objects.get(objectKey(target.apiVersion, target.plural, found.namespace, found.name));
    if (obj instanceof Error) {
        return { found, outcome: "config", why: `${what} could not be read: ${obj.message}` };
    }
    if (!obj) {
        return { found, outcome: "config", why: `${what} does not exist in the cluster` };
    }
    const value = at(obj.status, target.statusPath);
    const statusField = `status.${target.statusPath.join(".")}`;
    if (typeof value !== "string" || value === "") {
        return { found, outcome: "config", why: `${what} has no ${statusField} (its controller never synced it)` };
    }
    return { found, outcome: "resolved", value, source: `${found.field}: ${what}, ${statusField}` };
}
