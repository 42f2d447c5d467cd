/**
 * The CloudFormation import table (provider/handover/cloudformation.ts):
 * every type the hand-over promises has a token of the documented shape and
 * an id rule; the ids that are not the physical id (EIP, route, attachment,
 * associations, ACL entries) are computed from attributes and properties; a
 * property the template gives through a function ackless does not evaluate is
 * a reason, never a wrong id; docs/adopt-stack.md lists every entry as the
 * table has it.
 *
 * With ACKLESS_PULUMI_AWS_DIR set to an unpacked @pulumi/aws package
 * (`npm pack @pulumi/aws` outside the project, then `tar xzf`), each token is
 * also checked against its class file (`__pulumiType`) and each module has an
 * "## Import" section; without it that one test says so and is skipped
 * (@pulumi/aws is not a dependency of ackless).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CFN_IMPORTS, cfnImport, CfnSource, resolveProperties } from "../../provider/handover/cloudformation";
import { importFile } from "../../provider/handover/imports";
import { KINDS } from "../../provider/kinds";

const repo = path.resolve(__dirname, "..", "..", "..");

function source(type: string, physicalId: string, properties: Record<string, unknown> = {}, attributes: Record<string, string> = {}): CfnSource {
    return { logicalId: "R", type, physicalId, properties, attributes };
}

/** The types the hand-over must cover (issue 25: the EC2 networking and CloudFront families). */
const REQUIRED = [
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::EIP",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::NetworkAclEntry",
    "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::EC2::EgressOnlyInternetGateway",
    "AWS::CloudFront::CachePolicy",
    "AWS::CloudFront::OriginRequestPolicy",
    "AWS::CloudFront::ResponseHeadersPolicy",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::CloudFrontOriginAccessIdentity",
    "AWS::CloudFront::KeyGroup",
    "AWS::CloudFront::PublicKey",
    "AWS::CloudFront::RealtimeLogConfig",
    "AWS::CloudFront::ContinuousDeploymentPolicy",
    "AWS::CloudFront::VpcOrigin",
];

describe("handover: the CloudFormation import table", () => {
    it("covers every required type; no kind ackless manages is in it (those go to the program)", () => {
        expect(REQUIRED.filter((t) => !CFN_IMPORTS[t])).to.deep.equal([]);
        const managed = KINDS.map((k) => k.cloudFormationType).filter(Boolean) as string[];
        expect(managed).to.include.members([
            "AWS::EC2::NatGateway",
            "AWS::CloudFront::Distribution",
            "AWS::CloudFront::Function",
            "AWS::CloudFront::KeyValueStore",
        ]);
        expect(managed.filter((t) => CFN_IMPORTS[t])).to.deep.equal([]);
    });

    it("every entry: a token aws:<module>:<Class> naming its @pulumi/aws module, the id in words, where it comes from, and an id rule", () => {
        for (const [type, e] of Object.entries(CFN_IMPORTS)) {
            const base = e.module.split("/")[1];
            expect(e.token, type).to.equal(`aws:${e.module}:${base.charAt(0).toUpperCase()}${base.slice(1)}`);
            expect(e.id, type).to.be.a("string").and.not.equal("");
            expect(e.from, type).to.be.a("string").and.not.equal("");
            expect(e.importId, type).to.be.a("function");
        }
    });

    it("ids taken as the physical id: VPC, subnet, internet gateway, route table, security group, CloudFront policies", () => {
        expect(cfnImport(source("AWS::EC2::VPC", "vpc-0abc"))).to.deep.equal({ token: "aws:ec2/vpc:Vpc", id: "vpc-0abc" });
        expect(cfnImport(source("AWS::EC2::Subnet", "subnet-1"))).to.deep.equal({ token: "aws:ec2/subnet:Subnet", id: "subnet-1" });
        expect(cfnImport(source("AWS::EC2::InternetGateway", "igw-1"))).to.deep.equal({
            token: "aws:ec2/internetGateway:InternetGateway",
            id: "igw-1",
        });
        expect(cfnImport(source("AWS::EC2::RouteTable", "rtb-1"))).to.deep.equal({ token: "aws:ec2/routeTable:RouteTable", id: "rtb-1" });
        expect(cfnImport(source("AWS::EC2::SecurityGroupIngress", "sgr-0123"))).to.deep.equal({
            token: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            id: "sgr-0123",
        });
        expect(cfnImport(source("AWS::CloudFront::CachePolicy", "658327ea-f89d"))).to.deep.equal({
            token: "aws:cloudfront/cachePolicy:CachePolicy",
            id: "658327ea-f89d",
        });
        expect(cfnImport(source("AWS::CloudFront::RealtimeLogConfig", "arn:aws:cloudfront::1:realtime-log-config/x"))).to.deep.equal({
            token: "aws:cloudfront/realtimeLogConfig:RealtimeLogConfig",
            id: "arn:aws:cloudfront::1:realtime-log-config/x",
        });
    });

    it("a physical id of the wrong shape is a reason: a security group known by its name, an EIP without its allocation id", () => {
        expect(cfnImport(source("AWS::EC2::SecurityGroup", "my-group")))
            .to.have.property("reason")
            .that.contains("not a security group id");
        expect(cfnImport(source("AWS::EC2::EIP", "203.0.113.7")))
            .to.have.property("reason")
            .that.contains("no allocation id found for Elastic IP 203.0.113.7");
    });

    it("an EIP is imported by its allocation id (the physical id is the public IP)", () => {
        expect(CFN_IMPORTS["AWS::EC2::EIP"].needs).to.equal("AllocationId");
        expect(cfnImport(source("AWS::EC2::EIP", "203.0.113.7", {}, { AllocationId: "eipalloc-9" }))).to.deep.equal({
            token: "aws:ec2/eip:Eip",
            id: "eipalloc-9",
        });
    });

    it("a route: <route table>_<destination>, for IPv4, IPv6 and prefix list destinations", () => {
        const route = (p: Record<string, unknown>) => cfnImport(source("AWS::EC2::Route", "rtb-1|0.0.0.0/0", p));
        expect(route({ RouteTableId: "rtb-1", DestinationCidrBlock: "0.0.0.0/0" })).to.deep.equal({
            token: "aws:ec2/route:Route",
            id: "rtb-1_0.0.0.0/0",
        });
        expect(route({ RouteTableId: "rtb-1", DestinationIpv6CidrBlock: "::/0" })).to.have.property("id", "rtb-1_::/0");
        expect(route({ RouteTableId: "rtb-1", DestinationPrefixListId: "pl-1" })).to.have.property("id", "rtb-1_pl-1");
        expect(route({ RouteTableId: "rtb-1" }))
            .to.have.property("reason")
            .that.contains("destination");
        expect(route({ DestinationCidrBlock: "0.0.0.0/0" }))
            .to.have.property("reason")
            .that.contains("RouteTableId");
    });

    it("an internet gateway attachment: <igw>:<vpc>; a VPN gateway attachment cannot be imported (reason)", () => {
        expect(cfnImport(source("AWS::EC2::VPCGatewayAttachment", "IGW|vpc-1", { InternetGatewayId: "igw-1", VpcId: "vpc-1" }))).to.deep.equal({
            token: "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment",
            id: "igw-1:vpc-1",
        });
        expect(cfnImport(source("AWS::EC2::VPCGatewayAttachment", "VGW|vpc-1", { VpnGatewayId: "vgw-1", VpcId: "vpc-1" })))
            .to.have.property("reason")
            .that.contains("cannot be imported");
    });

    it("route table associations: <subnet or gateway>/<route table>, not the association id", () => {
        expect(
            cfnImport(source("AWS::EC2::SubnetRouteTableAssociation", "rtbassoc-1", { SubnetId: "subnet-1", RouteTableId: "rtb-1" })),
        ).to.deep.equal({
            token: "aws:ec2/routeTableAssociation:RouteTableAssociation",
            id: "subnet-1/rtb-1",
        });
        expect(
            cfnImport(source("AWS::EC2::GatewayRouteTableAssociation", "rtbassoc-2", { GatewayId: "igw-1", RouteTableId: "rtb-1" })),
        ).to.have.property("id", "igw-1/rtb-1");
    });

    it("network ACL entries: <acl>:<rule number>:<protocol>:<egress>; associations by association id; DHCP association by VPC", () => {
        expect(
            cfnImport(source("AWS::EC2::NetworkAclEntry", "x", { NetworkAclId: "acl-1", RuleNumber: "100", Protocol: "6", Egress: "true" })),
        ).to.deep.equal({
            token: "aws:ec2/networkAclRule:NetworkAclRule",
            id: "acl-1:100:6:true",
        });
        expect(cfnImport(source("AWS::EC2::NetworkAclEntry", "x", { NetworkAclId: "acl-1", RuleNumber: 100, Protocol: -1 }))).to.have.property(
            "id",
            "acl-1:100:-1:false",
        );
        expect(cfnImport(source("AWS::EC2::SubnetNetworkAclAssociation", "aclassoc-1"))).to.have.property("id", "aclassoc-1");
        expect(cfnImport(source("AWS::EC2::VPCDHCPOptionsAssociation", "x", { VpcId: "vpc-1", DhcpOptionsId: "dopt-1" }))).to.have.property(
            "id",
            "vpc-1",
        );
    });

    it("a VPC CIDR block: the IPv6 association type when the block is IPv6", () => {
        expect(cfnImport(source("AWS::EC2::VPCCidrBlock", "vpc-cidr-assoc-1", { VpcId: "vpc-1", CidrBlock: "10.1.0.0/16" }))).to.have.property(
            "token",
            "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
        );
        expect(
            cfnImport(source("AWS::EC2::VPCCidrBlock", "vpc-cidr-assoc-2", { VpcId: "vpc-1", AmazonProvidedIpv6CidrBlock: true })),
        ).to.have.property("token", "aws:ec2/vpcIpv6CidrBlockAssociation:VpcIpv6CidrBlockAssociation");
    });

    it("a type with no entry is a reason naming it", () => {
        expect(cfnImport(source("AWS::S3::Bucket", "b"))).to.deep.equal({
            reason: "no @pulumi/aws import is mapped for AWS::S3::Bucket; import it by hand (pulumi import) or keep it in CloudFormation",
        });
    });

    it("resolveProperties: Ref to a resource, a parameter or a pseudo parameter resolves; GetAtt and other functions leave the property out", () => {
        const ctx = { physicalIds: new Map([["Table", "rtb-9"]]), parameters: { Cidr: "10.0.0.0/8" }, region: "eu-west-1", account: "123" };
        const got = resolveProperties(
            {
                RouteTableId: { Ref: "Table" },
                DestinationCidrBlock: { Ref: "Cidr" },
                Region: { Ref: "AWS::Region" },
                GatewayId: { "Fn::GetAtt": ["Gw", "Id"] },
                Missing: { Ref: "Nowhere" },
                Tags: [{ Key: "a", Value: "b" }],
            },
            ctx,
        );
        expect(got).to.deep.equal({
            RouteTableId: "rtb-9",
            DestinationCidrBlock: "10.0.0.0/8",
            Region: "eu-west-1",
            Tags: [{ Key: "a", Value: "b" }],
        });
        expect(cfnImport(source("AWS::EC2::Route", "x", got))).to.have.property("id", "rtb-9_10.0.0.0/8");
        expect(
            cfnImport(
                source(
                    "AWS::EC2::SubnetRouteTableAssociation",
                    "x",
                    resolveProperties({ SubnetId: { "Fn::ImportValue": "s" }, RouteTableId: "rtb-1" }, ctx),
                ),
            ),
        )
            .to.have.property("reason")
            .that.contains("SubnetId is not a literal or a Ref");
    });

    it("importFile: Pulumi's bulk-import shape", () => {
        const text = importFile([{ type: "aws:ec2/vpc:Vpc", name: "Vpc", id: "vpc-1" }]);
        expect(JSON.parse(text)).to.deep.equal({ resources: [{ type: "aws:ec2/vpc:Vpc", name: "Vpc", id: "vpc-1" }] });
    });

    it("docs/adopt-stack.md lists every entry with its token and id, as the table has them", () => {
        const doc = fs.readFileSync(path.join(repo, "docs", "adopt-stack.md"), "utf8");
        for (const [type, e] of Object.entries(CFN_IMPORTS)) {
            const row = doc.split("\n").find((l) => l.startsWith(`| \`${type}\` |`));
            expect(row, `docs/adopt-stack.md has no row for ${type}`).to.be.a("string");
            expect(row, type).to.contain(`\`${e.token}\``).and.contain(`\`${e.module}\``);
        }
    });

    it("with ACKLESS_PULUMI_AWS_DIR (an unpacked @pulumi/aws): each token is its module's __pulumiType, and each module documents its import", function () {
        const dir = process.env.ACKLESS_PULUMI_AWS_DIR;
        if (!dir) {
            // @pulumi/aws is not a dependency: this check runs where it has been unpacked (docs/adopt-stack.md says how).
            this.skip();
        }
        const modules = new Map<string, string>();
        for (const e of Object.values(CFN_IMPORTS)) {
            modules.set(e.module, e.token);
        }
        modules.set("ec2/vpcIpv6CidrBlockAssociation", "aws:ec2/vpcIpv6CidrBlockAssociation:VpcIpv6CidrBlockAssociation");
        for (const [module, token] of modules) {
            const js = fs.readFileSync(path.join(dir!, `${module}.js`), "utf8");
            expect(js, module).to.contain(`__pulumiType = '${token}'`);
            expect(fs.readFileSync(path.join(dir!, `${module}.d.ts`), "utf8"), module).to.contain("## Import");
        }
        expect(fs.readFileSync(path.join(dir!, "ec2/vpnGatewayAttachment.d.ts"), "utf8")).to.contain("You cannot import this resource.");
    });
});
