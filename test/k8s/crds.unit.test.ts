/**
 * ackless's own trimmed ACK CRDs (test/k8s/crds/) accept no field the
 * published CRDs lack: every spec field of ours is one of the real CRD's
 * (cloudfront-controller v1.7.1, ec2-controller v1.20.0, config/crd/bases,
 * field names checked with the fetch tool), nothing preserves unknown fields,
 * and the fields the real ones never had (issue 25) are gone.
 */
import { expect } from "chai";
import * as fs from "fs";
import { ackCrdFiles } from "../helpers/kube";

/** The spec fields of the published CRDs, by kind. */
const REAL_SPEC: Record<string, string[]> = {
    CachePolicy: ["cachePolicyConfig"],
    Distribution: ["distributionConfig", "tags"],
    DistributionTenant: [
        "connectionGroupID",
        "connectionGroupRef",
        "customizations",
        "distributionID",
        "distributionRef",
        "domains",
        "enabled",
        "managedCertificateRequest",
        "name",
        "parameters",
        "tags",
    ],
    ElasticIPAddress: ["address", "customerOwnedIPv4Pool", "networkBorderGroup", "publicIPv4Pool", "tags"],
    Function: ["functionCode", "functionConfig", "name"],
    InternetGateway: ["routeTableRefs", "routeTables", "tags", "vpc", "vpcRef"],
    NATGateway: [
        "allocationID",
        "allocationRef",
        "availabilityMode",
        "availabilityZoneAddresses",
        "connectivityType",
        "subnetID",
        "subnetRef",
        "tags",
        "vpcID",
        "vpcRef",
    ],
    OriginAccessControl: ["originAccessControlConfig"],
    RouteTable: ["routes", "tags", "vpcID", "vpcRef"],
    SecurityGroup: ["description", "egressRules", "ingressRules", "name", "tags", "vpcID", "vpcRef"],
    Subnet: [
        "assignIPv6AddressOnCreation",
        "availabilityZone",
        "availabilityZoneID",
        "cidrBlock",
        "customerOwnedIPv4Pool",
        "enableDNS64",
        "enableResourceNameDNSAAAARecord",
        "enableResourceNameDNSARecord",
        "hostnameType",
        "ipv6CIDRBlock",
        "ipv6Native",
        "mapPublicIPOnLaunch",
        "outpostARN",
        "routeTableRefs",
        "routeTables",
        "tags",
        "vpcID",
        "vpcRef",
    ],
    VPC: [
        "amazonProvidedIPv6CIDRBlock",
        "cidrBlocks",
        "disallowSecurityGroupDefaultRules",
        "enableDNSHostnames",
        "enableDNSSupport",
        "enableNetworkAddressUsageMetrics",
        "instanceTenancy",
        "ipv4IPAMPoolID",
        "ipv4NetmaskLength",
        "ipv6CIDRBlock",
        "ipv6CIDRBlockNetworkBorderGroup",
        "ipv6IPAMPoolID",
        "ipv6NetmaskLength",
        "ipv6Pool",
        "tags",
    ],
};

const load = async () => {
    const yaml = await import("js-yaml");
    return ackCrdFiles().map((f) => ({ file: f, crd: yaml.load(fs.readFileSync(f, "utf8")) as any }));
};
const schemaOf = (crd: any) => crd.spec.versions[0].schema.openAPIV3Schema.properties;

describe("unit: the test CRDs accept what the published ACK CRDs accept", () => {
    it("every spec field is one of the published CRD's", async () => {
        const crds = await load();
        expect(crds.map((c) => c.crd.spec.names.kind).sort()).to.deep.equal(Object.keys(REAL_SPEC).sort());
        for (const { crd } of crds) {
            const kind = crd.spec.names.kind;
            expect(
                Object.keys(schemaOf(crd).spec.properties).filter((f) => !REAL_SPEC[kind].includes(f)),
                kind,
            ).to.deep.equal([]);
        }
    });

    it("nothing preserves unknown fields (strict field validation then rejects what the real CRD rejects)", async () => {
        for (const { file } of await load()) {
            expect(fs.readFileSync(file, "utf8"), file).not.to.contain("x-kubernetes-preserve-unknown-fields");
        }
    });

    it("the fields no published CRD has are not accepted", async () => {
        const byKind = Object.fromEntries((await load()).map(({ crd }) => [crd.spec.names.kind, schemaOf(crd).spec.properties]));
        expect(byKind.ElasticIPAddress).not.to.have.property("domain");
        expect(byKind.NATGateway).not.to.have.any.keys("privateIPAddress", "secondaryAllocationIDs", "secondaryPrivateIPAddresses");
        expect(byKind.Function.functionConfig.properties).to.have.all.keys("comment", "runtime");
    });
});
