/**
 * The CloudFormation half of the import table (`imports.ts`): for each
 * CloudFormation resource type ackless does not manage, the @pulumi/aws type
 * token and how its import id is computed from the stack resource: its
 * physical id (what `Ref` returns), its template properties (with `Ref`s to
 * the stack's resources and parameters resolved), or an attribute read from
 * AWS (an Elastic IP's allocation id).
 *
 * Every token was checked against the class file of @pulumi/aws 7.48.0
 * (`<module>.js`, `__pulumiType`) and every id format against the same
 * module's "## Import" documentation (`<module>.d.ts`); docs/adopt-stack.md
 * lists them. The kinds ackless manages (`provider/kinds.ts`) are not here:
 * they go to the generated program.
 */
import { AwsType, Mapped } from "./imports";

/** One stack resource as the table reads it. */
export interface CfnSource {
    logicalId: string;
    type: string;
    /** ListStackResources' PhysicalResourceId: what `Ref` returns for the resource. */
    physicalId: string;
    /** The template's Properties, `Ref`s resolved (`resolveProperties`); a value that could not be resolved is absent. */
    properties: Record<string, unknown>;
    /** Attributes read from AWS for the types that need them (`needs`). */
    attributes: Record<string, string>;
}

/** What a CloudFormation type becomes in import.json. */
export interface CfnImport extends AwsType {
    /** The @pulumi/aws module whose class carries `token` and documents the import id: `ec2/vpc`. */
    readonly module: string;
    /** What the id is computed from, on the CloudFormation side. */
    readonly from: string;
    /** An attribute the plan must read from AWS before `importId` (EC2 DescribeAddresses for an EIP). */
    readonly needs?: "AllocationId";
    readonly importId: (r: CfnSource) => string | { reason: string };
}

function prefixed(prefix: string, what: string) {
    return (r: CfnSource): string | { reason: string } =>
        r.physicalId.startsWith(prefix) ? r.physicalId : { reason: `its physical id "${r.physicalId}" is not ${what} (${prefix}...)` };
}

const physical = (r: CfnSource): string | { reason: string } => r.physicalId || { reason: "CloudFormation gives no physical id" };

/** The string value of resolved property `name`, or undefined. */
function prop(r: CfnSource, name: string): string | undefined {
    const v = r.properties[name];
    return typeof v === "string" && v !== "" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

/** The values of `names`, or a reason naming the first one the template does not give as a literal or a `Ref`. */
function props(r: CfnSource, ...names: string[]): string[] | { reason: string } {
    const out: string[] = [];
    for (const n of names) {
        const v = prop(r, n);
        if (v === undefined) {
            return {
                reason: `its ${n} is not a literal or a Ref in the stack's template (a GetAtt, ImportValue or other function ackless does not evaluate); import it by hand`,
            };
        }
        out.push(v);
    }
    return out;
}

/** An id rule joining the resolved properties `names` with `separator`. */
function joined(separator: string, ...names: string[]): CfnImport["importId"] {
    return (r) => {
        const v = props(r, ...names);
        return Array.isArray(v) ? v.join(separator) : v;
    };
}

const id = (token: string, module: string, words: string, from: string, importId: CfnImport["importId"], needs?: "AllocationId"): CfnImport => ({
    token,
    module,
    id: words,
    from,
    importId,
    ...(needs ? { needs } : {}),
});

/** CloudFormation type -> @pulumi/aws import. */
export const CFN_IMPORTS: Readonly<Record<string, CfnImport>> = {
    // ---- EC2 networking
    "AWS::EC2::VPC": id("aws:ec2/vpc:Vpc", "ec2/vpc", "the VPC id (vpc-...)", "Ref: the VPC id", prefixed("vpc-", "a VPC id")),
    "AWS::EC2::VPCCidrBlock": id(
        "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
        "ec2/vpcIpv4CidrBlockAssociation",
        "the VPC CIDR association id (vpc-cidr-assoc-...); an IPv6 block goes to aws:ec2/vpcIpv6CidrBlockAssociation:VpcIpv6CidrBlockAssociation (ec2/vpcIpv6CidrBlockAssociation), same id",
        "Ref: the association id; IPv6 when AmazonProvidedIpv6CidrBlock, Ipv6CidrBlock, Ipv6Pool or Ipv6IpamPoolId is set",
        prefixed("vpc-cidr-assoc-", "a VPC CIDR association id"),
    ),
    "AWS::EC2::Subnet": id(
        "aws:ec2/subnet:Subnet",
        "ec2/subnet",
        "the subnet id (subnet-...)",
        "Ref: the subnet id",
        prefixed("subnet-", "a subnet id"),
    ),
    "AWS::EC2::EIP": id(
        "aws:ec2/eip:Eip",
        "ec2/eip",
        "the allocation id (eipalloc-...)",
        "Ref is the public IP, not the allocation id: the AllocationId is read with EC2 DescribeAddresses (PublicIps)",
        (r) =>
            r.attributes.AllocationId || {
                reason: `no allocation id found for Elastic IP ${r.physicalId} (EC2 DescribeAddresses); import it by hand`,
            },
        "AllocationId",
    ),
    "AWS::EC2::EIPAssociation": id(
        "aws:ec2/eipAssociation:EipAssociation",
        "ec2/eipAssociation",
        "the association id (eipassoc-...)",
        "Ref: the association id",
        prefixed("eipassoc-", "an Elastic IP association id"),
    ),
    "AWS::EC2::InternetGateway": id(
        "aws:ec2/internetGateway:InternetGateway",
        "ec2/internetGateway",
        "the internet gateway id (igw-...)",
        "Ref: the gateway id",
        prefixed("igw-", "an internet gateway id"),
    ),
    "AWS::EC2::VPCGatewayAttachment": id(
        "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment",
        "ec2/internetGatewayAttachment",
        "<internet gateway id>:<VPC id>",
        "properties InternetGatewayId and VpcId (Ref is an attachment id @pulumi/aws does not take)",
        (r) => {
            if (r.properties.VpnGatewayId !== undefined) {
                return {
                    reason: "a virtual private gateway attachment: @pulumi/aws's ec2.VpnGatewayAttachment cannot be imported (its import documentation says so); declare it in the program",
                };
            }
            return joined(":", "InternetGatewayId", "VpcId")(r);
        },
    ),
    "AWS::EC2::EgressOnlyInternetGateway": id(
        "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
        "ec2/egressOnlyInternetGateway",
        "the egress-only internet gateway id (eigw-...)",
        "Ref: the gateway id",
        prefixed("eigw-", "an egress-only internet gateway id"),
    ),
    "AWS::EC2::CarrierGateway": id(
        "aws:ec2/carrierGateway:CarrierGateway",
        "ec2/carrierGateway",
        "the carrier gateway id",
        "Ref: the gateway id",
        physical,
    ),
    "AWS::EC2::RouteTable": id(
        "aws:ec2/routeTable:RouteTable",
        "ec2/routeTable",
        "the route table id (rtb-...)",
        "Ref: the route table id",
        prefixed("rtb-", "a route table id"),
    ),
    "AWS::EC2::Route": id(
        "aws:ec2/route:Route",
        "ec2/route",
        "<route table id>_<destination: IPv4 CIDR, IPv6 CIDR or prefix list id>",
        "properties RouteTableId and DestinationCidrBlock / DestinationIpv6CidrBlock / DestinationPrefixListId",
        (r) => {
            const table = props(r, "RouteTableId");
            if (!Array.isArray(table)) {
                return table;
            }
            const destination = prop(r, "DestinationCidrBlock") ?? prop(r, "DestinationIpv6CidrBlock") ?? prop(r, "DestinationPrefixListId");
            return destination
                ? `${table[0]}_${destination}`
                : {
                      reason: "its destination (DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId) is not a literal or a Ref; import it by hand",
                  };
        },
    ),
    "AWS::EC2::SubnetRouteTableAssociation": id(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "ec2/routeTableAssociation",
        "<subnet id>/<route table id> (not the association id)",
        "properties SubnetId and RouteTableId",
        joined("/", "SubnetId", "RouteTableId"),
    ),
    "AWS::EC2::GatewayRouteTableAssociation": id(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "ec2/routeTableAssociation",
        "<gateway id>/<route table id>",
        "properties GatewayId and RouteTableId",
        joined("/", "GatewayId", "RouteTableId"),
    ),
    "AWS::EC2::SecurityGroup": id(
        "aws:ec2/securityGroup:SecurityGroup",
        "ec2/securityGroup",
        "the security group id (sg-...)",
        "Ref: the group id when VpcId is set (the group name otherwise, which is refused)",
        prefixed("sg-", "a security group id (a group without VpcId has its name as Ref)"),
    ),
    "AWS::EC2::SecurityGroupIngress": id(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "vpc/securityGroupIngressRule",
        "the security group rule id (sgr-...)",
        "Ref: the security group rule id",
        prefixed("sgr-", "a security group rule id"),
    ),
    "AWS::EC2::SecurityGroupEgress": id(
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "vpc/securityGroupEgressRule",
        "the security group rule id (sgr-...)",
        "Ref: the security group rule id",
        prefixed("sgr-", "a security group rule id"),
    ),
    "AWS::EC2::VPCEndpoint": id(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "ec2/vpcEndpoint",
        "the VPC endpoint id (vpce-...)",
        "Ref: the endpoint id",
        prefixed("vpce-", "a VPC endpoint id"),
    ),
    "AWS::EC2::NetworkAcl": id(
        "aws:ec2/networkAcl:NetworkAcl",
        "ec2/networkAcl",
        "the network ACL id (acl-...)",
        "Ref: the network ACL id",
        prefixed("acl-", "a network ACL id"),
    ),
    "AWS::EC2::NetworkAclEntry": id(
        "aws:ec2/networkAclRule:NetworkAclRule",
        "ec2/networkAclRule",
        "<network ACL id>:<rule number>:<protocol, decimal or name>:<egress true|false>",
        "properties NetworkAclId, RuleNumber, Protocol and Egress (default false)",
        (r) => {
            const v = props(r, "NetworkAclId", "RuleNumber", "Protocol");
            if (!Array.isArray(v)) {
                return v;
            }
            const egress = prop(r, "Egress") ?? "false";
            return `${v[0]}:${v[1]}:${v[2]}:${egress.toLowerCase() === "true"}`;
        },
    ),
    "AWS::EC2::SubnetNetworkAclAssociation": id(
        "aws:ec2/networkAclAssociation:NetworkAclAssociation",
        "ec2/networkAclAssociation",
        "the association id (aclassoc-...)",
        "Ref: the association id",
        prefixed("aclassoc-", "a network ACL association id"),
    ),
    "AWS::EC2::DHCPOptions": id(
        "aws:ec2/vpcDhcpOptions:VpcDhcpOptions",
        "ec2/vpcDhcpOptions",
        "the DHCP options id (dopt-...)",
        "Ref: the DHCP options id",
        prefixed("dopt-", "a DHCP options id"),
    ),
    "AWS::EC2::VPCDHCPOptionsAssociation": id(
        "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation",
        "ec2/vpcDhcpOptionsAssociation",
        "the VPC id",
        "property VpcId",
        joined("", "VpcId"),
    ),
    "AWS::EC2::NetworkInterface": id(
        "aws:ec2/networkInterface:NetworkInterface",
        "ec2/networkInterface",
        "the network interface id (eni-...)",
        "Ref: the interface id",
        prefixed("eni-", "a network interface id"),
    ),
    "AWS::EC2::VPCPeeringConnection": id(
        "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
        "ec2/vpcPeeringConnection",
        "the peering connection id (pcx-...)",
        "Ref: the peering connection id",
        prefixed("pcx-", "a VPC peering connection id"),
    ),
    "AWS::EC2::PrefixList": id(
        "aws:ec2/managedPrefixList:ManagedPrefixList",
        "ec2/managedPrefixList",
        "the prefix list id (pl-...)",
        "Ref: the prefix list id",
        prefixed("pl-", "a prefix list id"),
    ),
    "AWS::EC2::FlowLog": id(
        "aws:ec2/flowLog:FlowLog",
        "ec2/flowLog",
        "the flow log id (fl-...)",
        "Ref: the flow log id",
        prefixed("fl-", "a flow log id"),
    ),
    "AWS::EC2::VPNGateway": id(
        "aws:ec2/vpnGateway:VpnGateway",
        "ec2/vpnGateway",
        "the VPN gateway id (vgw-...)",
        "Ref: the gateway id",
        prefixed("vgw-", "a VPN gateway id"),
    ),
    "AWS::EC2::CustomerGateway": id(
        "aws:ec2/customerGateway:CustomerGateway",
        "ec2/customerGateway",
        "the customer gateway id (cgw-...)",
        "Ref: the gateway id",
        prefixed("cgw-", "a customer gateway id"),
    ),
    "AWS::EC2::TransitGateway": id(
        "aws:ec2transitgateway/transitGateway:TransitGateway",
        "ec2transitgateway/transitGateway",
        "the transit gateway id (tgw-...)",
        "Ref: the transit gateway id",
        prefixed("tgw-", "a transit gateway id"),
    ),
    // ---- CloudFront (Distribution, Function and KeyValueStore go to the program)
    "AWS::CloudFront::CachePolicy": id(
        "aws:cloudfront/cachePolicy:CachePolicy",
        "cloudfront/cachePolicy",
        "the policy id",
        "Ref: the policy id",
        physical,
    ),
    "AWS::CloudFront::OriginRequestPolicy": id(
        "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
        "cloudfront/originRequestPolicy",
        "the policy id",
        "Ref: the policy id",
        physical,
    ),
    "AWS::CloudFront::ResponseHeadersPolicy": id(
        "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
        "cloudfront/responseHeadersPolicy",
        "the policy id",
        "Ref: the policy id",
        physical,
    ),
    "AWS::CloudFront::OriginAccessControl": id(
        "aws:cloudfront/originAccessControl:OriginAccessControl",
        "cloudfront/originAccessControl",
        "the origin access control id",
        "Ref: the origin access control id",
        physical,
    ),
    "AWS::CloudFront::CloudFrontOriginAccessIdentity": id(
        "aws:cloudfront/originAccessIdentity:OriginAccessIdentity",
        "cloudfront/originAccessIdentity",
        "the origin access identity id",
        "Ref: the identity id",
        physical,
    ),
    "AWS::CloudFront::KeyGroup": id("aws:cloudfront/keyGroup:KeyGroup", "cloudfront/keyGroup", "the key group id", "Ref: the key group id", physical),
    "AWS::CloudFront::PublicKey": id(
        "aws:cloudfront/publicKey:PublicKey",
        "cloudfront/publicKey",
        "the public key id",
        "Ref: the public key id",
        physical,
    ),
    "AWS::CloudFront::RealtimeLogConfig": id(
        "aws:cloudfront/realtimeLogConfig:RealtimeLogConfig",
        "cloudfront/realtimeLogConfig",
        "the configuration's ARN",
        "Ref: the configuration's ARN",
        prefixed("arn:", "an ARN"),
    ),
    "AWS::CloudFront::ContinuousDeploymentPolicy": id(
        "aws:cloudfront/continuousDeploymentPolicy:ContinuousDeploymentPolicy",
        "cloudfront/continuousDeploymentPolicy",
        "the policy id",
        "Ref: the policy id",
        physical,
    ),
    "AWS::CloudFront::VpcOrigin": id(
        "aws:cloudfront/vpcOrigin:VpcOrigin",
        "cloudfront/vpcOrigin",
        "the VPC origin id",
        "Ref: the VPC origin id",
        physical,
    ),
    "AWS::CloudFront::MonitoringSubscription": id(
        "aws:cloudfront/monitoringSubscription:MonitoringSubscription",
        "cloudfront/monitoringSubscription",
        "the distribution id",
        "property DistributionId",
        joined("", "DistributionId"),
    ),
    "AWS::CloudFront::AnycastIpList": id(
        "aws:cloudfront/anycastIpList:AnycastIpList",
        "cloudfront/anycastIpList",
        "the list id",
        "Ref: the list id",
        physical,
    ),
    "AWS::CloudFront::ConnectionGroup": id(
        "aws:cloudfront/connectionGroup:ConnectionGroup",
        "cloudfront/connectionGroup",
        "the connection group id",
        "Ref: the connection group id",
        physical,
    ),
    "AWS::CloudFront::DistributionTenant": id(
        "aws:cloudfront/distributionTenant:DistributionTenant",
        "cloudfront/distributionTenant",
        "the tenant id",
        "Ref: the tenant id",
        physical,
    ),
};

const IPV6_CIDR_PROPERTIES = ["AmazonProvidedIpv6CidrBlock", "Ipv6CidrBlock", "Ipv6Pool", "Ipv6IpamPoolId"];
const IPV6_CIDR_TOKEN = "aws:ec2/vpcIpv6CidrBlockAssociation:VpcIpv6CidrBlockAssociation";

/** The reason for a type with no entry. */
export function unmapped(type: string): string {
    return `no @pulumi/aws import is mapped for ${type}; import it by hand (pulumi import) or keep it in CloudFormation`;
}

/** The import entry of one stack resource, or why there is none. */
export function cfnImport(r: CfnSource): Mapped {
    const entry = CFN_IMPORTS[r.type];
    if (!entry) {
        return { reason: unmapped(r.type) };
    }
    const importId = entry.importId(r);
    if (typeof importId !== "string") {
        return importId;
    }
    const token =
        r.type === "AWS::EC2::VPCCidrBlock" && IPV6_CIDR_PROPERTIES.some((p) => r.properties[p] !== undefined) ? IPV6_CIDR_TOKEN : entry.token;
    return { token, id: importId };
}

/** What `Ref` resolves against: the stack's resources (logical id -> physical id) and its parameters. */
export interface RefContext {
    physicalIds: ReadonlyMap<string, string>;
    parameters: Readonly<Record<string, string>>;
    region: string;
    account?: string;
}

/**
 * The template properties with every `Ref` to a resource, parameter or
 * pseudo parameter replaced by its value; any other intrinsic function (and
 * a `Ref` that cannot be resolved) leaves the property out.
 */
export function resolveProperties(properties: unknown, ctx: RefContext): Record<string, unknown> {
    if (!properties || typeof properties !== "object" || Array.isArray(properties)) {
        return {};
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(properties)) {
        const resolved = resolveValue(v, ctx);
        if (resolved !== undefined) {
            out[k] = resolved;
        }
    }
    return out;
}

function resolveValue(value: unknown, ctx: RefContext): unknown {
    if (Array.isArray(value)) {
        const items = value.map((v) => resolveValue(v, ctx));
        return items.some((v) => v === undefined) ? undefined : items;
    }
    if (value && typeof value === "object") {
        const keys = Object.keys(value);
        if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) {
            return keys[0] === "Ref" ? resolveRef(String((value as Record<string, unknown>).Ref), ctx) : undefined;
        }
        return resolveProperties(value, ctx);
    }
    return value;
}

function resolveRef(name: string, ctx: RefContext): string | undefined {
    switch (name) {
        case "AWS::Region":
            return ctx.region;
        case "AWS::AccountId":
            return ctx.account;
        case "AWS::Partition":
            return ctx.region.startsWith("cn-") ? "aws-cn" : ctx.region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
        default:
            return ctx.physicalIds.get(name) ?? ctx.parameters[name];
    }
}
