/**
 * ACK custom resources, as the hand-over reads them: which kinds exist, when a
 * custom resource can be handed over (and why not), and how its spec maps to
 * the arguments of the matching ackless resource.
 *
 * Pure functions only (no Kubernetes or AWS calls), so they are unit-tested
 * directly; used by `ackless adopt-ack` (provider/adopt-ack/) and the k8s providers.
 */
import { KINDS } from "../kinds";

/** Annotations and conditions of the ACK runtime. */
export const ACK = {
    deletionPolicy: "services.k8s.aws/deletion-policy",
    readOnly: "services.k8s.aws/read-only",
    autoPublish: "cloudfront.services.k8s.aws/auto-publish",
    resourceSynced: "ACK.ResourceSynced",
    tagPrefix: "services.k8s.aws/",
} as const;

export type AckKindName = "Distribution" | "Function" | "NATGateway";

export interface AckKind {
    kind: AckKindName;
    /** e.g. cloudfront.services.k8s.aws */
    group: string;
    version: string;
    plural: string;
    /** The ACK service (finalizers.<service>.services.k8s.aws/<Kind>). */
    service: string;
    /** Where the AWS identity the hand-over needs lives, for messages. */
    idField: string;
    /** That identity, or undefined when the controller never synced it. */
    awsId(cr: AckObject): string | undefined;
    /** Field whose emptiness means "never created in AWS" (for the skip reason). */
    syncedField: string;
    synced(cr: AckObject): boolean;
}

export interface AckObject {
    apiVersion?: string;
    kind?: string;
    metadata: {
        name: string;
        namespace?: string;
        uid?: string;
        resourceVersion?: string;
        annotations?: Record<string, string>;
        finalizers?: string[];
        deletionTimestamp?: string;
        [k: string]: unknown;
    };
    spec?: any;
    status?: any;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** A dotted path (`status.natGatewayID`) of an object, as a non-empty string. */
const at = (o: unknown, path: string): string | undefined => str(path.split(".").reduce<any>((v, k) => (v == null ? undefined : v[k]), o));

/** The ACK kinds the hand-over takes over: those of ackless's kind descriptors (../kinds.ts), read in kind-name order. */
export const ACK_KINDS: AckKind[] = KINDS.filter((k) => k.ackKind && k.ack)
    .map((k) => ({
        kind: k.ackKind as AckKindName,
        ...k.ack!,
        awsId: (cr: AckObject) => at(cr, k.ack!.idField),
        synced: (cr: AckObject) => at(cr, k.ack!.syncedField) !== undefined,
    }))
    .sort((a, b) => a.kind.localeCompare(b.kind));

export function ackKind(kind: string): AckKind {
    const k = ACK_KINDS.find((x) => x.kind === kind);
    if (!k) {
        throw new Error(`not an ACK kind the hand-over knows: "${kind}" (known: ${ACK_KINDS.map((x) => x.kind).join(", ")})`);
    }
    return k;
}

export const apiVersionOf = (k: AckKind) => `${k.group}/${k.version}`;

/** The finalizer ACK's controller puts on every custom resource it manages. */
export const finalizerOf = (k: AckKind) => `finalizers.${k.service}.services.k8s.aws/${k.kind}`;

/** REST path of the collection (all namespaces when `namespace` is omitted) or of one object. */
export function resourcePath(apiVersion: string, plural: string, namespace?: string, name?: string): string {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
    return `${base}${ns}/${plural}${name ? `/${encodeURIComponent(name)}` : ""}`;
}

/** `Kind namespace/name`, for messages and Pulumi resource names. */
export const crRef = (k: AckKind | AckKindName, cr: AckObject) =>
    `${typeof k === "string" ? k : k.kind} ${cr.metadata.namespace ?? ""}/${cr.metadata.name}`;

// ------------------------------------------------------------ eligibility

/** Why a custom resource cannot be handed over, or undefined when it can. */
export function skipReason(kind: AckKind, cr: AckObject): string | undefined {
    const annotations = cr.metadata.annotations ?? {};
    if (cr.metadata.deletionTimestamp) {
        return `it is being deleted (metadata.deletionTimestamp is set): the controller is deleting it, there is nothing left to hand over`;
    }
    if (annotations[ACK.readOnly] === "true") {
        return `it is marked read-only (${ACK.readOnly}: "true"): ACK only observes this AWS resource, it does not manage it, so there is nothing to hand over`;
    }
    if (!kind.synced(cr)) {
        return `${kind.syncedField} is empty: the controller never created or adopted it in AWS`;
    }
    const id = kind.awsId(cr);
    if (!id) {
        return `${kind.idField} is empty: nothing identifies the AWS resource to adopt`;
    }
    const synced = (cr.status?.conditions ?? []).find((c: any) => c?.type === ACK.resourceSynced);
    if (!synced || synced.status !== "True") {
        const detail = synced
            ? `status ${synced.status}${synced.reason ? `, reason ${synced.reason}` : ""}${synced.message ? `: ${synced.message}` : ""}`
            : "the condition is missing";
        return `condition ${ACK.resourceSynced} is not True (${detail}): AWS may not match its spec yet; hand it over once the controller reports it synced`;
    }
    return unsupportedSpec(kind, cr);
}

/**
 * Spec features the ackless resource does not model (ACK's NATGateway of
 * ec2-controller v1.20.0 has no private IP or secondary address fields: none
 * is read). References (`subnetRef`, `allocationRef`, `vpcRef`,
 * `acmCertificateRef`) are not a reason: `ackless adopt-ack`
 * resolves them (provider/adopt-ack/references.ts).
 */
function unsupportedSpec(kind: AckKind, cr: AckObject): string | undefined {
    const spec = cr.spec ?? {};
    if (kind.kind === "NATGateway") {
        if (spec.availabilityMode === "regional") {
            return !str(spec.vpcID) && !spec.vpcRef ? `it is a regional NAT gateway and spec.vpcID and spec.vpcRef are both empty` : undefined;
        }
        if (!str(spec.subnetID) && !spec.subnetRef) {
            return `spec.subnetID and spec.subnetRef are both empty`;
        }
    }
    if (kind.kind === "Function" && !str(spec.functionCode)) {
        return `spec.functionCode is empty`;
    }
    return undefined;
}

// ------------------------------------------------------------------- tags

/** ACK's spec.tags ([{key, value}]) as a map; ACK's own services.k8s.aws/* keys dropped when asked. */
export function ackTags(list: unknown, dropAckTags: boolean): Record<string, string> | undefined {
    if (!Array.isArray(list)) {
        return undefined;
    }
    const tags: Record<string, string> = {};
    for (const t of list) {
        const key = t?.key;
        if (typeof key !== "string" || key === "") {
            continue;
        }
        if (dropAckTags && key.startsWith(ACK.tagPrefix)) {
            continue;
        }
        tags[key] = typeof t.value === "string" ? t.value : "";
    }
    return tags;
}

// -------------------------------------------------------- distribution config

/**
 * Every member name of the CloudFront API's DistributionConfig and the types
 * inside it. ACK spells them in camelCase with its own acronym casing
 * (`cachePolicyID`, `acmCertificateARN`, `httpSPort`); matching
 * case-insensitively against this list gives the API's spelling
 * (`CachePolicyId`, `ACMCertificateArn`, `HTTPSPort`).
 */
const CLOUDFRONT_MEMBERS = [
    "ACMCertificateArn",
    "AdvertiseTrustStoreCaNames",
    "Aliases",
    "AllowedMethods",
    "AnycastIpListId",
    "Bucket",
    "CacheBehaviors",
    "CachePolicyId",
    "CacheTagConfig",
    "CachedMethods",
    "CallerReference",
    "Certificate",
    "CertificateSource",
    "ClientCertificateArn",
    "CloudFrontDefaultCertificate",
    "Comment",
    "Compress",
    "ConnectionAttempts",
    "ConnectionFunctionAssociation",
    "ConnectionMode",
    "ConnectionTimeout",
    "ContinuousDeploymentPolicyId",
    "Cookies",
    "CustomErrorResponses",
    "CustomHeaders",
    "CustomOriginConfig",
    "DefaultCacheBehavior",
    "DefaultRootObject",
    "DefaultTTL",
    "DefaultValue",
    "Definition",
    "DomainName",
    "Enabled",
    "ErrorCachingMinTTL",
    "ErrorCode",
    "EventType",
    "FailoverCriteria",
    "FieldLevelEncryptionId",
    "Forward",
    "ForwardedValues",
    "FunctionARN",
    "FunctionAssociations",
    "GeoRestriction",
    "GrpcConfig",
    "HTTPPort",
    "HTTPSPort",
    "HeaderName",
    "HeaderValue",
    "Headers",
    "HttpVersion",
    "IAMCertificateId",
    "Id",
    "IgnoreCertificateExpiry",
    "IncludeBody",
    "IncludeCookies",
    "IpAddressType",
    "IsIPV6Enabled",
    "Items",
    "LambdaFunctionARN",
    "LambdaFunctionAssociations",
    "Logging",
    "MaxTTL",
    "Members",
    "MinTTL",
    "MinimumProtocolVersion",
    "Mode",
    "Name",
    "OriginAccessControlId",
    "OriginAccessIdentity",
    "OriginGroups",
    "OriginId",
    "OriginKeepaliveTimeout",
    "OriginMtlsConfig",
    "OriginPath",
    "OriginProtocolPolicy",
    "OriginReadTimeout",
    "OriginRequestPolicyId",
    "OriginShield",
    "OriginShieldRegion",
    "OriginSslProtocols",
    "Origins",
    "OwnerAccountId",
    "ParameterDefinitions",
    "PathPattern",
    "Prefix",
    "PriceClass",
    "Quantity",
    "QueryString",
    "QueryStringCacheKeys",
    "RealtimeLogConfigArn",
    "Required",
    "ResponseCode",
    "ResponseCompletionTimeout",
    "ResponseHeadersPolicyId",
    "ResponsePagePath",
    "RestrictionType",
    "Restrictions",
    "S3OriginConfig",
    "SSLSupportMethod",
    "SelectionCriteria",
    "SmoothStreaming",
    "Staging",
    "StatusCodes",
    "StringSchema",
    "TargetOriginId",
    "TenantConfig",
    "TrustStoreConfig",
    "TrustStoreId",
    "TrustedKeyGroups",
    "TrustedSigners",
    "ViewerCertificate",
    "ViewerMtlsConfig",
    "ViewerProtocolPolicy",
    "VpcOriginConfig",
    "VpcOriginId",
    "WebACLId",
    "WhitelistedNames",
];
const MEMBER_BY_LOWER = new Map(CLOUDFRONT_MEMBERS.map((m) => [m.toLowerCase(), m]));

/** ACK's camelCase key -> the CloudFront API's member name. */
export function cloudfrontKey(ackKey: string): string {
    return MEMBER_BY_LOWER.get(ackKey.toLowerCase()) ?? ackKey.charAt(0).toUpperCase() + ackKey.slice(1);
}

/**
 * ACK's distributionConfig -> the API's DistributionConfig: keys renamed
 * recursively; ACK reference fields (`...Ref`: Kubernetes references whose
 * resolved value sits in the sibling field) dropped; `quantity` fields dropped
 * (ackless computes every Quantity from Items). Values are kept as they are.
 */
export function toCloudFrontShape(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(toCloudFrontShape);
    }
    if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) {
        return value; // scalars, and values that are not plain data (kept as they are)
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === null || v === undefined || /Ref$/.test(k) || k.toLowerCase() === "quantity") {
            continue;
        }
        out[cloudfrontKey(k)] = toCloudFrontShape(v);
    }
    return out;
}
