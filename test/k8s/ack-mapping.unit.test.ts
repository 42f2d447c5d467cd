/**
 * Unit: which ACK custom resources can be handed over, and how ACK's
 * distributionConfig maps to the CloudFront API shape (provider/k8s/ack.ts).
 * The whole mapping to ackless inputs, references included, is tested in
 * test/adopt-ack/adopt-ack.unit.test.ts.
 */
import { expect } from "chai";
import { ack } from "../../provider/k8s";

const synced = [{ type: "ACK.ResourceSynced", status: "True" }];

function cr(spec: any, status: any, metadata: any = {}): ack.AckObject {
    return { metadata: { name: "x", namespace: "ns", uid: "u1", ...metadata }, spec, status };
}

describe("k8s/ack: hand-over eligibility and spec mapping", () => {
    const dist = ack.ackKind("Distribution");
    const fn = ack.ackKind("Function");
    const nat = ack.ackKind("NATGateway");

    it("knows the three kinds, their REST paths and ACK finalizers", () => {
        expect(ack.ACK_KINDS.map((k) => `${ack.apiVersionOf(k)} ${k.kind}`)).to.deep.equal([
            "cloudfront.services.k8s.aws/v1alpha1 Distribution",
            "cloudfront.services.k8s.aws/v1alpha1 Function",
            "ec2.services.k8s.aws/v1alpha1 NATGateway",
        ]);
        expect(ack.finalizerOf(dist)).to.equal("finalizers.cloudfront.services.k8s.aws/Distribution");
        expect(ack.finalizerOf(nat)).to.equal("finalizers.ec2.services.k8s.aws/NATGateway");
        expect(ack.resourcePath("ec2.services.k8s.aws/v1alpha1", "natgateways", "ns", "a")).to.equal(
            "/apis/ec2.services.k8s.aws/v1alpha1/namespaces/ns/natgateways/a",
        );
        expect(ack.resourcePath("ec2.services.k8s.aws/v1alpha1", "natgateways")).to.equal("/apis/ec2.services.k8s.aws/v1alpha1/natgateways");
        expect(() => ack.ackKind("Bucket")).to.throw(/not an ACK kind/);
    });

    it("hands over a synced custom resource and names the AWS id", () => {
        expect(ack.skipReason(dist, cr({ distributionConfig: {} }, { id: "E1", conditions: synced }))).to.equal(undefined);
        expect(dist.awsId(cr({}, { id: "E1" }))).to.equal("E1");
        expect(fn.awsId(cr({ name: "f" }, {}))).to.equal("f");
        expect(nat.awsId(cr({}, { natGatewayID: "nat-1" }))).to.equal("nat-1");
    });

    it("skips with a reason: no status id, read-only, not synced, being deleted, a regional NAT gateway without a VPC", () => {
        expect(ack.skipReason(dist, cr({ distributionConfig: {} }, { conditions: synced }))).to.match(
            /status.id is empty: the controller never created/,
        );
        expect(ack.skipReason(fn, cr({ name: "f", functionCode: "eA==" }, { conditions: synced }))).to.match(
            /status.ackResourceMetadata.arn is empty/,
        );
        expect(ack.skipReason(nat, cr({ subnetID: "s" }, { conditions: synced }))).to.match(/status.natGatewayID is empty/);
        expect(ack.skipReason(dist, cr({}, { id: "E1", conditions: synced }, { annotations: { "services.k8s.aws/read-only": "true" } }))).to.match(
            /read-only/,
        );
        expect(ack.skipReason(dist, cr({}, { id: "E1", conditions: [{ type: "ACK.ResourceSynced", status: "False", reason: "Drift" }] }))).to.match(
            /ACK.ResourceSynced is not True \(status False, reason Drift\)/,
        );
        expect(ack.skipReason(dist, cr({}, { id: "E1" }))).to.match(/ACK.ResourceSynced is not True \(the condition is missing\)/);
        expect(ack.skipReason(dist, cr({}, { id: "E1", conditions: synced }, { deletionTimestamp: "2026-01-01T00:00:00Z" }))).to.match(
            /being deleted/,
        );
        // References are resolved by adopt-ack, not a reason to skip.
        expect(ack.skipReason(nat, cr({ subnetRef: { from: { name: "s" } } }, { natGatewayID: "nat-1", conditions: synced }))).to.equal(undefined);
        expect(ack.skipReason(nat, cr({}, { natGatewayID: "nat-1", conditions: synced }))).to.match(
            /spec.subnetID and spec.subnetRef are both empty/,
        );
        // Regional gateways are handed over (vpcRef resolved like subnetRef); without a VPC there is nothing to declare.
        expect(
            ack.skipReason(nat, cr({ vpcRef: { from: { name: "v" } }, availabilityMode: "regional" }, { natGatewayID: "nat-1", conditions: synced })),
        ).to.equal(undefined);
        expect(ack.skipReason(nat, cr({ vpcID: "vpc-1", availabilityMode: "regional" }, { natGatewayID: "nat-1", conditions: synced }))).to.equal(
            undefined,
        );
        expect(ack.skipReason(nat, cr({ availabilityMode: "regional" }, { natGatewayID: "nat-1", conditions: synced }))).to.match(
            /regional NAT gateway and spec.vpcID and spec.vpcRef are both empty/,
        );
        // ec2-controller v1.20.0's NATGateway has no secondary-address fields: the hand-over reads none.
        expect(ack.skipReason(nat, cr({ subnetID: "s", secondaryAllocationIDs: ["e"] }, { natGatewayID: "nat-1", conditions: synced }))).to.equal(
            undefined,
        );
    });

    it("maps ACK's distributionConfig to the CloudFront API shape (acronyms, references, quantities)", () => {
        const shaped = ack.toCloudFrontShape({
            enabled: true,
            comment: "c",
            isIPV6Enabled: false,
            webACLID: "",
            origins: {
                items: [
                    {
                        id: "o1",
                        domainName: "example.com",
                        customOriginConfig: {
                            httpPort: 80,
                            httpSPort: 443,
                            originProtocolPolicy: "https-only",
                            originSSLProtocols: { items: ["TLSv1.2"] },
                        },
                    },
                ],
            },
            defaultCacheBehavior: {
                targetOriginID: "o1",
                viewerProtocolPolicy: "redirect-to-https",
                cachePolicyID: "p1",
                defaultTTL: 5,
                functionAssociations: { items: [{ eventType: "viewer-request", functionARN: "arn:f" }] },
                allowedMethods: { items: ["GET", "HEAD"], cachedMethods: { items: ["GET", "HEAD"], quantity: 2 } },
            },
            viewerCertificate: {
                cloudFrontDefaultCertificate: true,
                acmCertificateARN: "arn:c",
                acmCertificateRef: { from: { name: "c" } },
                sslSupportMethod: "sni-only",
                iamCertificateID: "i",
            },
        });
        expect(shaped).to.deep.equal({
            Enabled: true,
            Comment: "c",
            IsIPV6Enabled: false,
            WebACLId: "",
            Origins: {
                Items: [
                    {
                        Id: "o1",
                        DomainName: "example.com",
                        CustomOriginConfig: {
                            HTTPPort: 80,
                            HTTPSPort: 443,
                            OriginProtocolPolicy: "https-only",
                            OriginSslProtocols: { Items: ["TLSv1.2"] },
                        },
                    },
                ],
            },
            DefaultCacheBehavior: {
                TargetOriginId: "o1",
                ViewerProtocolPolicy: "redirect-to-https",
                CachePolicyId: "p1",
                DefaultTTL: 5,
                FunctionAssociations: { Items: [{ EventType: "viewer-request", FunctionARN: "arn:f" }] },
                AllowedMethods: { Items: ["GET", "HEAD"], CachedMethods: { Items: ["GET", "HEAD"] } },
            },
            ViewerCertificate: {
                CloudFrontDefaultCertificate: true,
                ACMCertificateArn: "arn:c",
                SSLSupportMethod: "sni-only",
                IAMCertificateId: "i",
            },
        });
    });

    it("keeps values that are not plain data as they are", () => {
        class Marker {
            constructor(readonly text: string) {}
        }
        const m = new Marker("x");
        expect((ack.toCloudFrontShape({ viewerCertificate: { acmCertificateARN: m } }) as any).ViewerCertificate.ACMCertificateArn).to.equal(m);
    });
});
