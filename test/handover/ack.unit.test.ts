/**
 * The ACK import table (provider/handover/ack.ts): every kind of the ACK
 * cloudfront-controller v1.7.1 and ec2-controller v1.20.0 (their
 * config/crd/bases, 29 kinds) is handed over, imported with a @pulumi/aws
 * token, or left out with a reason; and the import ids have the formats
 * @pulumi/aws's import documentation names.
 */
import { expect } from "chai";
import { ACK_AWS_TYPES, ACK_TABLE, ackImports, ackKindEntry, AckCr, importSkipReason, placementOf } from "../../provider/handover/ack";
import { importFile } from "../../provider/handover/imports";
import { PULUMI_AWS } from "./pulumi-aws-facts";

/** The kinds of the two controllers' config/crd/bases at v1.7.1 and v1.20.0 (checked with the fetch tool). */
const CLOUDFRONT = [
    "CachePolicy",
    "ConnectionGroup",
    "Distribution",
    "DistributionTenant",
    "Function",
    "OriginAccessControl",
    "OriginRequestPolicy",
    "ResponseHeadersPolicy",
    "VPCOrigin",
];
const EC2 = [
    "CapacityReservation",
    "DHCPOptions",
    "EgressOnlyInternetGateway",
    "ElasticIPAddress",
    "FlowLog",
    "Instance",
    "InternetGateway",
    "LaunchTemplate",
    "ManagedPrefixList",
    "NATGateway",
    "NetworkACL",
    "RouteTable",
    "SecurityGroup",
    "Subnet",
    "TransitGateway",
    "TransitGatewayVPCAttachment",
    "VPCEndpoint",
    "VPCEndpointServiceConfiguration",
    "VPCPeeringConnection",
    "VPC",
];

const SYNCED = [{ type: "ACK.ResourceSynced", status: "True" }];
const cr = (name: string, status: any, spec: any = {}, metadata: Partial<AckCr["metadata"]> = {}): AckCr => ({
    metadata: { name, namespace: "net", ...metadata },
    spec,
    status: { conditions: SYNCED, ...status },
});
const none = () => undefined;

describe("unit: the ACK import table (provider/handover/ack.ts)", () => {
    it("has exactly the 29 kinds of the two controllers, each handed over, imported or left out with a reason", () => {
        expect(ACK_TABLE.map((k) => k.kind).sort()).to.deep.equal([...CLOUDFRONT, ...EC2].sort());
        expect(ACK_TABLE.filter((k) => k.service === "cloudfront").map((k) => k.kind)).to.have.members(CLOUDFRONT);
        for (const k of ACK_TABLE) {
            const ways = [k.handedOverAs, k.token, k.leftOut].filter((w) => w !== undefined);
            expect(ways, k.kind).to.have.length(1);
            expect(k.idField, k.kind).to.match(/^(status|spec)\.\w+$/);
        }
        expect(ACK_TABLE.filter((k) => k.handedOverAs).map((k) => `${k.kind}=${k.handedOverAs}`)).to.have.members([
            "Distribution=cloudfront.Distribution",
            "Function=cloudfront.Function",
            "NATGateway=ec2.NatGateway",
        ]);
    });

    it("every token is one of the checked @pulumi/aws types, spelled as its class carries it", () => {
        for (const k of ACK_TABLE.filter((x) => x.token)) {
            expect(ACK_AWS_TYPES, k.kind).to.have.property(k.token!);
        }
        for (const [token, t] of Object.entries(ACK_AWS_TYPES)) {
            expect(token).to.match(/^aws:[a-z0-9]+\/[a-z][A-Za-z0-9]+:[A-Z][A-Za-z0-9]+$/);
            const [, mod, cls] = /^aws:[a-z0-9]+\/([a-zA-Z0-9]+):(\w+)$/.exec(token)!;
            expect(mod.toLowerCase(), token).to.equal(cls.toLowerCase());
            expect(t.source).to.contain("## Import");
        }
    });

    it("every token is the type token of a class of @pulumi/aws whose docs tell how to import it (test/handover/pulumi-aws-facts.json)", () => {
        const byToken = new Map(Object.values(PULUMI_AWS.modules).map((m) => [m.token, m]));
        for (const token of Object.keys(ACK_AWS_TYPES)) {
            expect(byToken.get(token), `${token} is not a type of @pulumi/aws ${PULUMI_AWS.version}`).to.not.equal(undefined);
            expect(byToken.get(token)!.importDocumented, token).to.equal(true);
            expect(byToken.get(token)!.notImportable ?? false, token).to.equal(false);
        }
    });

    it("ids: an EIP by its allocation id, a VPC, subnet, cache policy, origin access control by their ids", () => {
        const imp = (kind: string, c: AckCr) => ackImports(ackKindEntry(kind)!, c, none).entries;
        expect(imp("ElasticIPAddress", cr("egress-ip", { allocationID: "eipalloc-1", publicIP: "203.0.113.1" }))).to.deep.equal([
            { type: "aws:ec2/eip:Eip", name: "egress-ip", id: "eipalloc-1" },
        ]);
        expect(imp("VPC", cr("main", { vpcID: "vpc-1" }, { cidrBlocks: ["10.0.0.0/16"] }))).to.deep.equal([
            { type: "aws:ec2/vpc:Vpc", name: "main", id: "vpc-1" },
        ]);
        expect(imp("Subnet", cr("a", { subnetID: "subnet-1" }))[0]).to.deep.equal({ type: "aws:ec2/subnet:Subnet", name: "a", id: "subnet-1" });
        expect(imp("CachePolicy", cr("cp", { id: "658327ea-f89d-4fab-a63d-7e88639e58f6" }))[0].id).to.equal("658327ea-f89d-4fab-a63d-7e88639e58f6");
        expect(imp("OriginAccessControl", cr("oac", { id: "E327GJI25M56DG" }))[0].type).to.equal(
            "aws:cloudfront/originAccessControl:OriginAccessControl",
        );
        expect(imp("VPCEndpointServiceConfiguration", cr("svc", { serviceID: "vpce-svc-1" }))[0].type).to.equal(
            "aws:ec2/vpcEndpointService:VpcEndpointService",
        );
    });

    it("a route table's routes are routes by rtb-…_<destination>; one without a destination is not imported, with the reason", () => {
        const rt = cr(
            "private",
            { routeTableID: "rtb-1" },
            {
                vpcID: "vpc-1",
                routes: [
                    { destinationCIDRBlock: "0.0.0.0/0", natGatewayRef: { from: { name: "egress" } } },
                    { destinationIPv6CIDRBlock: "::/0", egressOnlyInternetGatewayID: "eigw-1" },
                    { destinationPrefixListID: "pl-1", vpcEndpointID: "vpce-1" },
                    { gatewayID: "igw-1" },
                ],
            },
        );
        const out = ackImports(ackKindEntry("RouteTable")!, rt, none);
        expect(out.entries.map((e) => `${e.type} ${e.id}`)).to.deep.equal([
            "aws:ec2/routeTable:RouteTable rtb-1",
            "aws:ec2/route:Route rtb-1_0.0.0.0/0",
            "aws:ec2/route:Route rtb-1_::/0",
            "aws:ec2/route:Route rtb-1_pl-1",
        ]);
        expect(out.notImported).to.have.length(1);
        expect(out.notImported[0].name).to.equal("private spec.routes[3]");
        expect(out.notImported[0].reason).to.contain("destinationCIDRBlock");
    });

    it("a subnet's route table associations are subnet-…/rtb-… (literal ids and references through the RouteTable's status)", () => {
        const tables: Record<string, AckCr> = { "net/public": cr("public", { routeTableID: "rtb-2" }) };
        const lookup = (kind: string, ns: string, name: string) => (kind === "RouteTable" ? tables[`${ns}/${name}`] : undefined);
        const subnet = cr(
            "a",
            { subnetID: "subnet-1" },
            { routeTables: ["rtb-1"], routeTableRefs: [{ from: { name: "public" } }, { from: { name: "gone" } }] },
        );
        const out = ackImports(ackKindEntry("Subnet")!, subnet, lookup);
        expect(out.entries.slice(1).map((e) => `${e.type} ${e.id}`)).to.deep.equal([
            "aws:ec2/routeTableAssociation:RouteTableAssociation subnet-1/rtb-1",
            "aws:ec2/routeTableAssociation:RouteTableAssociation subnet-1/rtb-2",
        ]);
        expect(out.notImported.map((n) => n.reason)).to.deep.equal([
            "spec.routeTableRefs names RouteTable net/gone (not read): import the association by hand as subnet-1/<rtb-id>",
        ]);
    });

    it("a VPC's secondary CIDR blocks are their association ids; DHCP options' VPC associations are the VPC ids", () => {
        const vpc = cr(
            "main",
            {
                vpcID: "vpc-1",
                cidrBlockAssociationSet: [
                    { associationID: "vpc-cidr-assoc-1", cidrBlock: "10.0.0.0/16" },
                    { associationID: "vpc-cidr-assoc-2", cidrBlock: "10.1.0.0/16" },
                ],
            },
            { cidrBlocks: ["10.0.0.0/16", "10.1.0.0/16"] },
        );
        expect(ackImports(ackKindEntry("VPC")!, vpc, none).entries.map((e) => e.id)).to.deep.equal(["vpc-1", "vpc-cidr-assoc-2"]);
        const dhcp = cr("opts", { dhcpOptionsID: "dopt-1" }, { vpc: ["vpc-1"] });
        expect(ackImports(ackKindEntry("DHCPOptions")!, dhcp, none).entries.map((e) => `${e.type} ${e.id}`)).to.deep.equal([
            "aws:ec2/vpcDhcpOptions:VpcDhcpOptions dopt-1",
            "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation vpc-1",
        ]);
    });

    it("a custom resource with no id, not synced, read-only or being deleted is not imported, with the reason", () => {
        const k = ackKindEntry("VPC")!;
        expect(importSkipReason(k, cr("a", { vpcID: "vpc-1" }))).to.equal(undefined);
        expect(importSkipReason(k, cr("a", {}))).to.contain("status.vpcID is empty");
        expect(importSkipReason(k, cr("a", { vpcID: "vpc-1", conditions: [{ type: "ACK.ResourceSynced", status: "False" }] }))).to.contain(
            "ACK.ResourceSynced is not True",
        );
        expect(importSkipReason(k, cr("a", { vpcID: "vpc-1" }, {}, { annotations: { "services.k8s.aws/read-only": "true" } }))).to.contain(
            "read-only",
        );
        expect(importSkipReason(k, cr("a", { vpcID: "vpc-1" }, {}, { deletionTimestamp: "2026-01-01T00:00:00Z" }))).to.contain("being deleted");
    });

    it("placement: the ACK region and owner-account annotations win over the status", () => {
        const c = cr("a", { ackResourceMetadata: { region: "us-east-1", ownerAccountID: "111111111111" } });
        expect(placementOf(c)).to.deep.equal({ region: "us-east-1", account: "111111111111" });
        c.metadata.annotations = { "services.k8s.aws/region": "eu-west-1", "services.k8s.aws/owner-account-id": "222222222222" };
        expect(placementOf(c)).to.deep.equal({ region: "eu-west-1", account: "222222222222" });
    });

    it("import.json is Pulumi's bulk-import shape", () => {
        const entries = ackImports(ackKindEntry("ElasticIPAddress")!, cr("ip", { allocationID: "eipalloc-1" }), none).entries;
        expect(JSON.parse(importFile(entries))).to.deep.equal({ resources: [{ type: "aws:ec2/eip:Eip", name: "ip", id: "eipalloc-1" }] });
    });
});
