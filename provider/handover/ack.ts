/**
 * The ACK half of the hand-overs' import table (./imports.ts): every kind the
 * ACK cloudfront-controller (v1.7.1) and ec2-controller (v1.20.0) define, 29
 * in all (their `config/crd/bases`), and what each becomes:
 *
 * - handed over: the kinds ackless manages itself (Distribution, Function,
 *   NATGateway; ../kinds.ts) go into the generated program, adopted;
 * - imported: every other kind is one or more entries of `import.json` for
 *   @pulumi/aws, with the type token its resource class carries and the id
 *   its "## Import" documentation names (docs/ack-handover.md lists the
 *   sources: @pulumi/aws 7.48.0);
 * - left out, with a reason, when a kind or a custom resource cannot be
 *   imported (no id in its status yet, read-only, being deleted...).
 *
 * Pure data and functions: no Kubernetes or AWS call.
 */
import { KINDS } from "../kinds";
import type { AwsType, ImportEntry, NotImported } from "./imports";

/** A custom resource as the table reads it. */
export interface AckCr {
    metadata: { name: string; namespace?: string; annotations?: Record<string, string>; deletionTimestamp?: string; [k: string]: unknown };
    spec?: any;
    status?: any;
}

/** Finds a custom resource read in the same run (for references between non-ackless kinds); undefined when it was not read. */
export type Lookup = (kind: string, namespace: string, name: string) => AckCr | undefined;

export const ACK_API = { cloudfront: "cloudfront.services.k8s.aws", ec2: "ec2.services.k8s.aws", version: "v1alpha1" } as const;

/** Every @pulumi/aws type the ACK table writes, with its import id as @pulumi/aws documents it. */
export const ACK_AWS_TYPES: Record<string, AwsType & { source: string }> = Object.fromEntries(
    (
        [
            ["aws:cloudfront/cachePolicy:CachePolicy", "the cache policy id", "cloudfront/cachePolicy"],
            ["aws:cloudfront/connectionGroup:ConnectionGroup", "the connection group id", "cloudfront/connectionGroup"],
            ["aws:cloudfront/distributionTenant:DistributionTenant", "the distribution tenant id", "cloudfront/distributionTenant"],
            ["aws:cloudfront/originAccessControl:OriginAccessControl", "the origin access control id", "cloudfront/originAccessControl"],
            ["aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "the origin request policy id", "cloudfront/originRequestPolicy"],
            ["aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "the response headers policy id", "cloudfront/responseHeadersPolicy"],
            ["aws:cloudfront/vpcOrigin:VpcOrigin", "the VPC origin id", "cloudfront/vpcOrigin"],
            ["aws:ec2/capacityReservation:CapacityReservation", "the capacity reservation id (cr-…)", "ec2/capacityReservation"],
            ["aws:ec2/vpcDhcpOptions:VpcDhcpOptions", "the DHCP options id (dopt-…)", "ec2/vpcDhcpOptions"],
            [
                "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation",
                "the VPC id the options are associated with (vpc-…)",
                "ec2/vpcDhcpOptionsAssociation",
            ],
            ["aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "the gateway id (eigw-…)", "ec2/egressOnlyInternetGateway"],
            ["aws:ec2/eip:Eip", "the allocation id (eipalloc-…), not the public IP", "ec2/eip"],
            ["aws:ec2/flowLog:FlowLog", "the flow log id (fl-…)", "ec2/flowLog"],
            ["aws:ec2/instance:Instance", "the instance id (i-…)", "ec2/instance"],
            ["aws:ec2/internetGateway:InternetGateway", "the internet gateway id (igw-…)", "ec2/internetGateway"],
            ["aws:ec2/launchTemplate:LaunchTemplate", "the launch template id (lt-…)", "ec2/launchTemplate"],
            ["aws:ec2/managedPrefixList:ManagedPrefixList", "the prefix list id (pl-…)", "ec2/managedPrefixList"],
            ["aws:ec2/networkAcl:NetworkAcl", "the network ACL id (acl-…)", "ec2/networkAcl"],
            ["aws:ec2/routeTable:RouteTable", "the route table id (rtb-…)", "ec2/routeTable"],
            ["aws:ec2/route:Route", "the route table id and the destination joined by _ (rtb-…_10.0.0.0/16, rtb-…_pl-…)", "ec2/route"],
            [
                "aws:ec2/routeTableAssociation:RouteTableAssociation",
                "the associated subnet or gateway id and the route table id joined by / (subnet-…/rtb-…, igw-…/rtb-…)",
                "ec2/routeTableAssociation",
            ],
            ["aws:ec2/securityGroup:SecurityGroup", "the security group id (sg-…)", "ec2/securityGroup"],
            ["aws:ec2/subnet:Subnet", "the subnet id (subnet-…)", "ec2/subnet"],
            ["aws:ec2transitgateway/transitGateway:TransitGateway", "the transit gateway id (tgw-…)", "ec2transitgateway/transitGateway"],
            ["aws:ec2transitgateway/vpcAttachment:VpcAttachment", "the attachment id (tgw-attach-…)", "ec2transitgateway/vpcAttachment"],
            ["aws:ec2/vpcEndpoint:VpcEndpoint", "the VPC endpoint id (vpce-…)", "ec2/vpcEndpoint"],
            ["aws:ec2/vpcEndpointService:VpcEndpointService", "the endpoint service id (vpce-svc-…)", "ec2/vpcEndpointService"],
            ["aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "the peering connection id (pcx-…)", "ec2/vpcPeeringConnection"],
            ["aws:ec2/vpc:Vpc", "the VPC id (vpc-…)", "ec2/vpc"],
            [
                "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
                "the CIDR block association id (vpc-cidr-assoc-…)",
                "ec2/vpcIpv4CidrBlockAssociation",
            ],
        ] as const
    ).map(([token, id, file]) => [token, { token, id, source: `@pulumi/aws 7.48.0 ${file}.d.ts (## Import) and ${file}.js (__pulumiType)` }]),
);

/** What one custom resource becomes: import entries (name, token, id) and the parts that cannot be imported. */
export interface CrImports {
    entries: ImportEntry[];
    notImported: NotImported[];
}

/** One ACK kind of the two controllers. */
export interface AckKindEntry {
    kind: string;
    service: "cloudfront" | "ec2";
    plural: string;
    /** The ackless class the program declares, for the kinds ackless manages (not in import.json). */
    handedOverAs?: string;
    /** The @pulumi/aws token of the custom resource's own AWS resource. */
    token?: string;
    /** Where its import id is: a dotted path under the custom resource (`status.vpcID`). */
    idField?: string;
    /** Entries beyond the resource itself (a route table's routes, a subnet's route table associations...). */
    extra?: (cr: AckCr, id: string, lookup: Lookup) => CrImports;
    /** Why the kind is never imported (no @pulumi/aws type). */
    leftOut?: string;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** A dotted path (`status.vpcID`) of an object, as a non-empty string. */
export const at = (o: unknown, path: string): string | undefined => str(path.split(".").reduce<any>((v, k) => (v == null ? undefined : v[k]), o));

const refName = (ref: any): { name?: string; namespace?: string } => ({ name: str(ref?.from?.name), namespace: str(ref?.from?.namespace) });

/**
 * The ids a list field and its `...Refs` sibling name: the literal ids, then
 * each reference resolved through the referenced custom resource's status
 * (as the controller resolves it), or a reason when it cannot be.
 */
function idsOf(cr: AckCr, literal: unknown, refs: unknown, target: { kind: string; idField: string }, lookup: Lookup) {
    const ids: string[] = Array.isArray(literal) ? literal.filter((v): v is string => !!str(v)) : [];
    const missing: string[] = [];
    for (const ref of Array.isArray(refs) ? refs : []) {
        const { name, namespace } = refName(ref);
        const ns = namespace ?? cr.metadata.namespace ?? "";
        const found = name ? lookup(target.kind, ns, name) : undefined;
        const id = found ? at(found, target.idField) : undefined;
        if (id) {
            ids.push(id);
        } else {
            missing.push(`${target.kind} ${ns}/${name ?? ""} (${found ? `no ${target.idField}` : "not read"})`);
        }
    }
    return { ids, missing };
}

const SANITIZE = /[^A-Za-z0-9._-]+/g;

/** Route table associations of a subnet or gateway (`<owner>/<rtb>`). */
function routeTableAssociations(what: string) {
    return (cr: AckCr, id: string, lookup: Lookup): CrImports => {
        const { ids, missing } = idsOf(
            cr,
            cr.spec?.routeTables,
            cr.spec?.routeTableRefs,
            { kind: "RouteTable", idField: "status.routeTableID" },
            lookup,
        );
        return {
            entries: ids.map((rtb) => ({
                type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
                name: `${cr.metadata.name}-${rtb}`,
                id: `${id}/${rtb}`,
            })),
            notImported: missing.map((m) => ({
                source: `${what} route table association`,
                name: cr.metadata.name,
                reason: `spec.routeTableRefs names ${m}: import the association by hand as ${id}/<rtb-id>`,
            })),
        };
    };
}

/** The destination @pulumi/aws's route import id ends with. */
export const routeDestination = (route: any): string | undefined =>
    str(route?.destinationCIDRBlock) ?? str(route?.destinationIPv6CIDRBlock) ?? str(route?.destinationPrefixListID);

const cloudfront = (kind: string, plural: string, token: string): AckKindEntry => ({
    kind,
    service: "cloudfront",
    plural,
    token,
    idField: "status.id",
});
const ec2 = (kind: string, plural: string, token: string, idField: string, extra?: AckKindEntry["extra"]): AckKindEntry => ({
    kind,
    service: "ec2",
    plural,
    token,
    idField,
    ...(extra ? { extra } : {}),
});

const HANDED_OVER: AckKindEntry[] = KINDS.filter((k) => k.ackKind && k.ack).map((k) => ({
    kind: k.ackKind!,
    service: k.ack!.service as "cloudfront" | "ec2",
    plural: k.ack!.plural,
    handedOverAs: k.name,
    idField: k.ack!.idField,
}));

/** The 29 kinds, by controller then kind. */
export const ACK_TABLE: readonly AckKindEntry[] = [
    cloudfront("CachePolicy", "cachepolicies", "aws:cloudfront/cachePolicy:CachePolicy"),
    cloudfront("ConnectionGroup", "connectiongroups", "aws:cloudfront/connectionGroup:ConnectionGroup"),
    cloudfront("DistributionTenant", "distributiontenants", "aws:cloudfront/distributionTenant:DistributionTenant"),
    cloudfront("OriginAccessControl", "originaccesscontrols", "aws:cloudfront/originAccessControl:OriginAccessControl"),
    cloudfront("OriginRequestPolicy", "originrequestpolicies", "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"),
    cloudfront("ResponseHeadersPolicy", "responseheaderspolicies", "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"),
    cloudfront("VPCOrigin", "vpcorigins", "aws:cloudfront/vpcOrigin:VpcOrigin"),
    ec2("CapacityReservation", "capacityreservations", "aws:ec2/capacityReservation:CapacityReservation", "status.capacityReservationID"),
    ec2("DHCPOptions", "dhcpoptions", "aws:ec2/vpcDhcpOptions:VpcDhcpOptions", "status.dhcpOptionsID", (cr, id, lookup) => {
        const { ids, missing } = idsOf(cr, cr.spec?.vpc, cr.spec?.vpcRefs, { kind: "VPC", idField: "status.vpcID" }, lookup);
        return {
            entries: ids.map((vpc) => ({
                type: "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation",
                name: `${cr.metadata.name}-${vpc}`,
                id: vpc,
            })),
            notImported: missing.map((m) => ({
                source: "DHCPOptions association",
                name: cr.metadata.name,
                reason: `spec.vpcRefs names ${m}: import the association of ${id} by hand, by the VPC's id`,
            })),
        };
    }),
    ec2("EgressOnlyInternetGateway", "egressonlyinternetgateways", "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "status.id"),
    ec2("ElasticIPAddress", "elasticipaddresses", "aws:ec2/eip:Eip", "status.allocationID"),
    ec2("FlowLog", "flowlogs", "aws:ec2/flowLog:FlowLog", "status.flowLogID"),
    ec2("Instance", "instances", "aws:ec2/instance:Instance", "status.instanceID"),
    ec2(
        "InternetGateway",
        "internetgateways",
        "aws:ec2/internetGateway:InternetGateway",
        "status.internetGatewayID",
        routeTableAssociations("InternetGateway"),
    ),
    ec2("LaunchTemplate", "launchtemplates", "aws:ec2/launchTemplate:LaunchTemplate", "status.id"),
    ec2("ManagedPrefixList", "managedprefixlists", "aws:ec2/managedPrefixList:ManagedPrefixList", "status.id"),
    ec2("NetworkACL", "networkacls", "aws:ec2/networkAcl:NetworkAcl", "status.id"),
    ec2("RouteTable", "routetables", "aws:ec2/routeTable:RouteTable", "status.routeTableID", (cr, id) => {
        const out: CrImports = { entries: [], notImported: [] };
        for (const [i, route] of (Array.isArray(cr.spec?.routes) ? cr.spec.routes : []).entries()) {
            const dest = routeDestination(route);
            if (dest) {
                out.entries.push({ type: "aws:ec2/route:Route", name: `${cr.metadata.name}-${dest.replace(SANITIZE, "-")}`, id: `${id}_${dest}` });
            } else {
                out.notImported.push({
                    source: "RouteTable route",
                    name: `${cr.metadata.name} spec.routes[${i}]`,
                    reason: "it has no destinationCIDRBlock, destinationIPv6CIDRBlock or destinationPrefixListID, which a route's import id needs",
                });
            }
        }
        return out;
    }),
    ec2("SecurityGroup", "securitygroups", "aws:ec2/securityGroup:SecurityGroup", "status.id"),
    ec2("Subnet", "subnets", "aws:ec2/subnet:Subnet", "status.subnetID", routeTableAssociations("Subnet")),
    ec2("TransitGateway", "transitgateways", "aws:ec2transitgateway/transitGateway:TransitGateway", "status.transitGatewayID"),
    ec2("TransitGatewayVPCAttachment", "transitgatewayvpcattachments", "aws:ec2transitgateway/vpcAttachment:VpcAttachment", "status.id"),
    ec2("VPC", "vpcs", "aws:ec2/vpc:Vpc", "status.vpcID", (cr) => {
        // The first CIDR block is the VPC's own; ACK adds the others as associations.
        const primary = Array.isArray(cr.spec?.cidrBlocks) ? cr.spec.cidrBlocks[0] : undefined;
        const set: any[] = Array.isArray(cr.status?.cidrBlockAssociationSet) ? cr.status.cidrBlockAssociationSet : [];
        return {
            entries: set
                .filter((a) => str(a?.associationID) && str(a?.cidrBlock) && a.cidrBlock !== primary)
                .map((a) => ({
                    type: "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
                    name: `${cr.metadata.name}-${String(a.cidrBlock).replace(SANITIZE, "-")}`,
                    id: a.associationID,
                })),
            notImported: [],
        };
    }),
    ec2("VPCEndpoint", "vpcendpoints", "aws:ec2/vpcEndpoint:VpcEndpoint", "status.vpcEndpointID"),
    ec2("VPCEndpointServiceConfiguration", "vpcendpointserviceconfigurations", "aws:ec2/vpcEndpointService:VpcEndpointService", "status.serviceID"),
    ec2("VPCPeeringConnection", "vpcpeeringconnections", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "status.vpcPeeringConnectionID"),
    ...HANDED_OVER,
].sort((a, b) => a.service.localeCompare(b.service) || a.kind.localeCompare(b.kind));

/** The table's entry of an ACK kind; undefined when neither controller defines it. */
export const ackKindEntry = (kind: string): AckKindEntry | undefined => ACK_TABLE.find((k) => k.kind === kind);

export const ackApiVersion = (k: AckKindEntry) => `${ACK_API[k.service]}/${ACK_API.version}`;

/** `Kind namespace/name`. */
export const ackRef = (kind: string, cr: AckCr) => `${kind} ${cr.metadata.namespace ?? ""}/${cr.metadata.name}`;

/** Why a custom resource of an imported kind is not imported; undefined when it is. */
export function importSkipReason(k: AckKindEntry, cr: AckCr): string | undefined {
    if (k.leftOut) {
        return k.leftOut;
    }
    if (cr.metadata.deletionTimestamp) {
        return "it is being deleted (metadata.deletionTimestamp is set): there is nothing left to import";
    }
    if (cr.metadata.annotations?.["services.k8s.aws/read-only"] === "true") {
        return `it is marked read-only (services.k8s.aws/read-only: "true"): ACK only observes this AWS resource, whoever owns it imports it`;
    }
    if (!at(cr, k.idField!)) {
        return `${k.idField} is empty: the controller never created or adopted it in AWS, so there is no id to import`;
    }
    const synced = (cr.status?.conditions ?? []).find((c: any) => c?.type === "ACK.ResourceSynced");
    if (!synced || synced.status !== "True") {
        return `condition ACK.ResourceSynced is not True (${synced ? `status ${synced.status}${synced.reason ? `, reason ${synced.reason}` : ""}` : "missing"}): import it once the controller reports it synced`;
    }
    return undefined;
}

/** What a custom resource of an imported kind becomes in import.json (call only when importSkipReason is undefined). */
export function ackImports(k: AckKindEntry, cr: AckCr, lookup: Lookup): CrImports {
    const id = at(cr, k.idField!)!;
    const own: ImportEntry = { type: k.token!, name: cr.metadata.name, id };
    const extra = k.extra ? k.extra(cr, id, lookup) : { entries: [], notImported: [] };
    return { entries: [own, ...extra.entries], notImported: extra.notImported };
}

/** Where ACK manages a custom resource: its region and account (the ACK annotations, else the status ACK recorded). */
export function placementOf(cr: AckCr): { region?: string; account?: string } {
    const a = cr.metadata.annotations ?? {};
    return {
        region: str(a["services.k8s.aws/region"]) ?? at(cr, "status.ackResourceMetadata.region"),
        account: str(a["services.k8s.aws/owner-account-id"]) ?? at(cr, "status.ackResourceMetadata.ownerAccountID"),
    };
}
