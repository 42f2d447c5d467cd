/**
 * Unit: adopt-ack's one plan (provider/adopt-ack/accounting.ts, cli.ts
 * planText): every custom resource of the 29 kinds is handed over, imported
 * or left out; import files split by account and region; incoming references
 * to a handed-over custom resource rewritten; FieldExports of retired ones
 * listed.
 */
import { expect } from "chai";
import { ackKind, AckObject } from "../../provider/k8s/ack";
import { ackKindEntry } from "../../provider/handover/ack";
import { account } from "../../provider/adopt-ack/accounting";
import { planText } from "../../provider/adopt-ack/cli";
import { plan } from "../../provider/adopt-ack/plan";
import { programFiles } from "../../provider/adopt-ack/program";
import { withCheckedProject } from "../helpers/tsc";

const synced = [{ type: "ACK.ResourceSynced", status: "True" }];
const META = { ackResourceMetadata: { ownerAccountID: "111111111111", region: "us-east-1" } };
const cr = (name: string, spec: any, status: any, metadata: any = {}): AckObject => ({
    metadata: { name, namespace: "web", uid: `uid-${name}`, ...metadata },
    spec,
    status: { conditions: synced, ...META, ...status },
});
const seen = { inScope: () => true, objects: new Map() };

function setup(extraOthers: [string, AckObject][] = []) {
    const p = plan(
        [
            { kind: ackKind("NATGateway"), cr: cr("egress", { subnetID: "subnet-1", allocationID: "eipalloc-1" }, { natGatewayID: "nat-1" }) },
            { kind: ackKind("NATGateway"), cr: cr("pending", { subnetID: "subnet-1" }, { conditions: [] }) },
            {
                kind: ackKind("Distribution"),
                cr: cr(
                    "site",
                    {
                        distributionConfig: {
                            enabled: true,
                            origins: {
                                items: [
                                    {
                                        id: "o",
                                        domainName: "o.example.com",
                                        customOriginConfig: { httpPort: 80, httpSPort: 443, originProtocolPolicy: "https-only" },
                                    },
                                ],
                            },
                            defaultCacheBehavior: {
                                targetOriginID: "o",
                                viewerProtocolPolicy: "redirect-to-https",
                                cachePolicyID: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                            },
                        },
                    },
                    { id: "E1" },
                ),
            },
        ],
        seen,
    );
    const others: [string, AckObject][] = [
        ["VPC", cr("main", { cidrBlocks: ["10.0.0.0/16"] }, { vpcID: "vpc-1" })],
        [
            "Subnet",
            cr("private-a", { vpcRef: { from: { name: "main" } }, routeTableRefs: [{ from: { name: "private" } }] }, { subnetID: "subnet-1" }),
        ],
        ["ElasticIPAddress", cr("egress-ip", {}, { allocationID: "eipalloc-1" })],
        [
            "RouteTable",
            cr(
                "private",
                { vpcID: "vpc-1", routes: [{ destinationCIDRBlock: "0.0.0.0/0", natGatewayRef: { from: { name: "egress" } } }] },
                { routeTableID: "rtb-1" },
            ),
        ],
        ["DistributionTenant", cr("tenant", { distributionRef: { from: { name: "site" } }, domains: [], name: "t" }, { id: "DT1" })],
        ["CachePolicy", cr("never", {}, {})],
        ...extraOthers,
    ];
    const fieldExports: AckObject[] = [
        {
            metadata: { name: "vpc-id", namespace: "web" },
            spec: {
                from: { path: ".status.vpcID", resource: { group: "ec2.services.k8s.aws", kind: "VPC", name: "main" } },
                to: { kind: "configmap", name: "net" },
            },
        },
        {
            metadata: { name: "other", namespace: "web" },
            spec: {
                from: { path: ".status.id", resource: { group: "ec2.services.k8s.aws", kind: "VPC", name: "elsewhere" } },
                to: { kind: "configmap", name: "x" },
            },
        },
    ];
    return {
        p,
        acc: account(
            p,
            others.map(([k, c]) => ({ entry: ackKindEntry(k)!, cr: { ...c, kind: k } })),
            fieldExports,
        ),
    };
}

describe("unit: adopt-ack accounts for every custom resource of the 29 kinds", () => {
    it("imports, left out and counts per kind; one import.json when account and region agree", () => {
        const { acc } = setup();
        expect(Object.keys(acc.files)).to.deep.equal(["import.json"]);
        expect(acc.files["import.json"].map((e) => `${e.type} ${e.name} ${e.id}`)).to.deep.equal([
            "aws:ec2/vpc:Vpc main vpc-1",
            "aws:ec2/subnet:Subnet private-a subnet-1",
            "aws:ec2/routeTableAssociation:RouteTableAssociation private-a-rtb-1 subnet-1/rtb-1",
            "aws:ec2/eip:Eip egress-ip eipalloc-1",
            "aws:ec2/routeTable:RouteTable private rtb-1",
            "aws:ec2/route:Route private-0.0.0.0-0 rtb-1_0.0.0.0/0",
            "aws:cloudfront/distributionTenant:DistributionTenant tenant DT1",
        ]);
        expect(acc.leftOut.map((l) => l.ref)).to.deep.equal(["CachePolicy web/never"]);
        expect(acc.counts).to.deep.equal({
            NATGateway: { handedOver: 1, imported: 0, leftOut: 1 },
            Distribution: { handedOver: 1, imported: 0, leftOut: 0 },
            VPC: { handedOver: 0, imported: 1, leftOut: 0 },
            Subnet: { handedOver: 0, imported: 1, leftOut: 0 },
            ElasticIPAddress: { handedOver: 0, imported: 1, leftOut: 0 },
            RouteTable: { handedOver: 0, imported: 1, leftOut: 0 },
            DistributionTenant: { handedOver: 0, imported: 1, leftOut: 0 },
            CachePolicy: { handedOver: 0, imported: 0, leftOut: 1 },
        });
    });

    it("incoming references to a handed-over custom resource are rewritten to its id", () => {
        const { acc } = setup();
        expect(
            acc.rewrites.map((r) => `${r.kind} ${r.cr.metadata.name} ${r.refPointer} -> ${r.idPointer}=${r.id} (${r.target.cr.metadata.name})`),
        ).to.deep.equal([
            "RouteTable private /spec/routes/0/natGatewayRef -> /spec/routes/0/natGatewayID=nat-1 (egress)",
            "DistributionTenant tenant /spec/distributionRef -> /spec/distributionID=E1 (site)",
        ]);
    });

    it("a reference to a custom resource that stays with ACK (left out) is not rewritten", () => {
        const { acc } = setup([
            [
                "RouteTable",
                cr(
                    "spare",
                    { routes: [{ destinationCIDRBlock: "0.0.0.0/0", natGatewayRef: { from: { name: "pending" } } }] },
                    { routeTableID: "rtb-2" },
                ),
            ],
        ]);
        expect(acc.rewrites.map((r) => r.cr.metadata.name)).to.deep.equal(["private", "tenant"]);
    });

    it("FieldExports reading a retired custom resource are left out with the reason; others are not mentioned", () => {
        const { acc } = setup();
        expect(acc.fieldExports.map((f) => f.ref)).to.deep.equal(["FieldExport web/vpc-id"]);
        expect(acc.fieldExports[0].reason).to.contain("reads VPC web/main (.status.vpcID), which this hand-over retires");
    });

    it("custom resources in other accounts or regions: one import file each, said in the plan", () => {
        const { p, acc } = setup([
            ["VPC", cr("eu", { cidrBlocks: ["10.1.0.0/16"] }, { vpcID: "vpc-2" }, { annotations: { "services.k8s.aws/region": "eu-west-1" } })],
        ]);
        expect(Object.keys(acc.files).sort()).to.deep.equal(["import-111111111111-eu-west-1.json", "import-111111111111-us-east-1.json"]);
        expect(acc.files["import-111111111111-eu-west-1.json"].map((e) => e.id)).to.deep.equal(["vpc-2"]);
        const text = planText(p, acc);
        expect(text).to.contain("in 2 AWS accounts or regions: one import file each");
        expect(text).to.contain("import-111111111111-eu-west-1.json: account 111111111111 region eu-west-1");
    });

    it("the plan accounts for every custom resource: totals, per kind, each line", () => {
        const { p, acc } = setup();
        const text = planText(p, acc);
        expect(text.split("\n")[0]).to.equal(
            "ackless adopt-ack plan: 9 custom resources of the ACK cloudfront and ec2 controllers' 29 kinds: 2 handed over (program), 5 imported (import.json), 2 left out",
        );
        expect(text).to.match(/\n {4}NATGateway +1 handed over, 1 left out\n/);
        expect(text).to.contain("  ~ import VPC web/main -> aws:ec2/vpc:Vpc vpc-1 (import.json)");
        expect(text).to.contain("      and aws:ec2/route:Route rtb-1_0.0.0.0/0");
        expect(text).to.contain(
            "  > rewrite RouteTable web/private spec.routes[0].natGatewayRef -> natGatewayID nat-1 (before NATGateway web/egress is deleted)",
        );
        expect(text).to.contain("  - left CachePolicy web/never: status.id is empty");
        expect(text).to.contain("  - left NATGateway web/pending:");
        expect(text).to.contain("  - left FieldExport web/vpc-id:");
    });

    it("the program: rewrites before the deletions they protect, imported custom resources retired behind the import check; strict", () => {
        const { p, acc } = setup();
        const files = programFiles(p, { kubeconfig: "/k", context: "prod", namespaces: ["web"] }, "handover", acc, new Date("2026-12-01T00:00:00Z"));
        expect(Object.keys(files).sort()).to.deep.equal([
            "Pulumi.yaml",
            "README.md",
            "declared.ts",
            "imported.ts",
            "index.ts",
            "package.json",
            "tsconfig.json",
        ]);
        const index = files["index.ts"];
        expect(index).to.contain(`const rewrite1 = new k8s.ReferenceRewrite("rewrite/RouteTable/web/private/spec/routes/0/natGatewayRef", {`);
        expect(index).to.contain(`    { dependsOn: [egress, rewrite1] },`);
        expect(index).to.contain(`    { dependsOn: [site, rewrite2] },`);
        expect(index.indexOf("const rewrite1")).to.be.below(index.indexOf("const egress ="));
        expect(index).to.contain(`import { declared } from "./declared";\nimport "./imported";\n`);
        expect(index).to.contain(`retireImported("VPC/web/main", `);
        expect(index).to.contain(`"finalizers.ec2.services.k8s.aws/VPC", [\n    { type: "aws:ec2/vpc:Vpc", name: "main", id: "vpc-1" },\n]);`);
        expect(index).to.contain(`apiVersion: "ec2.services.k8s.aws/v1alpha1",\n    kind: "RouteTable",`);
        expect(index).not.to.contain(`retireImported("CachePolicy/web/never"`);
        expect(files["imported.ts"]).to.contain("pulumi import --file import.json --out imported.ts");
        expect(files["README.md"]).to.contain("pulumi import --file import.json --out imported.ts --yes");
        withCheckedProject({ ...files }, (c) => {
            expect(c.strict).to.equal(true);
            expect(c.diagnostics).to.deep.equal([]);
            expect(c.recheck(index.replace(`refPointer: "/spec/distributionRef",`, `refPointer: 7,`)).join("\n")).to.match(/not assignable/);
        });
    });
});
