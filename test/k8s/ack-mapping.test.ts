/**
 * Unit: which ACK custom resources can be handed over, and how their spec maps
 * to the ackless resources' arguments (provider/k8s/ack.ts).
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

    it("skips with a reason: no status id, read-only, not synced, being deleted, unresolved references", () => {
        expect(ack.skipReason(dist, cr({ distributionConfig: {} }, { conditions: synced }))).to.match(/status.id is empty: the controller never created/);
        expect(ack.skipReason(fn, cr({ name: "f", functionCode: "eA==" }, { conditions: synced }))).to.match(/status.ackResourceMetadata.arn is empty/);
        expect(ack.skipReason(nat, cr({ subnetID: "s" }, { conditions: synced }))).to.match(/status.natGatewayID is empty/);
        expect(
            ack.skipReason(dist, cr({}, { id: "E1", conditions: synced }, { annotations: { "services.k8s.aws/read-only": "true" } })),
        ).to.match(/read-only/);
        expect(ack.skipReason(dist, cr({}, { id: "E1", conditions: [{ type: "ACK.ResourceSynced", status: "False", reason: "Drift" }] }))).to.match(
            /ACK.ResourceSynced is not True \(status False, reason Drift\)/,
        );
        expect(ack.skipReason(dist, cr({}, { id: "E1" }))).to.match(/ACK.ResourceSynced is not True \(the condition is missing\)/);
        expect(ack.skipReason(dist, cr({}, { id: "E1", conditions: synced }, { deletionTimestamp: "2026-01-01T00:00:00Z" }))).to.match(/being deleted/);
        expect(ack.skipReason(nat, cr({ subnetRef: { from: { name: "s" } } }, { natGatewayID: "nat-1", conditions: synced }))).to.match(
            /spec.subnetRef is set but spec.subnetID is empty/,
        );
        expect(ack.skipReason(nat, cr({ subnetID: "s", secondaryAllocationIDs: ["e"] }, { natGatewayID: "nat-1", conditions: synced }))).to.match(
            /secondary/,
        );
    });

    it("maps ACK's distributionConfig to the CloudFront API shape (acronyms, references, quantities)", () => {
        const args = ack.distributionArgs(
            cr(
                {
                    distributionConfig: {
                        enabled: true,
                        comment: "c",
                        isIPV6Enabled: false,
                        webACLID: "",
                        origins: {
                            items: [
                                {
                                    id: "o1",
                                    domainName: "example.com",
                                    customOriginConfig: { httpPort: 80, httpSPort: 443, originProtocolPolicy: "https-only", originSSLProtocols: { items: ["TLSv1.2"] } },
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
                        viewerCertificate: { cloudFrontDefaultCertificate: true, acmCertificateARN: "arn:c", acmCertificateRef: { from: { name: "c" } }, sslSupportMethod: "sni-only", iamCertificateID: "i" },
                    },
                    tags: [
                        { key: "team", value: "web" },
                        { key: "services.k8s.aws/namespace", value: "ns" },
                    ],
                },
                { id: "E1", callerReference: "ref-1" },
            ),
        );
        expect(args.distributionConfig).to.deep.equal({
            Enabled: true,
            Comment: "c",
            IsIPV6Enabled: false,
            WebACLId: "",
            Origins: {
                Items: [
                    {
                        Id: "o1",
                        DomainName: "example.com",
                        CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only", OriginSslProtocols: { Items: ["TLSv1.2"] } },
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
            ViewerCertificate: { CloudFrontDefaultCertificate: true, ACMCertificateArn: "arn:c", SSLSupportMethod: "sni-only", IAMCertificateId: "i" },
            CallerReference: "ref-1",
        });
        expect(args.tags).to.deep.equal({ team: "web", "services.k8s.aws/namespace": "ns" });
        expect(ack.distributionArgs(cr({ distributionConfig: {}, tags: [{ key: "services.k8s.aws/namespace", value: "ns" }, { key: "a", value: "b" }] }, {}), { dropAckTags: true }).tags).to.deep.equal({ a: "b" });
        expect(ack.distributionArgs(cr({ distributionConfig: {} }, {})).tags).to.equal(undefined);
    });

    it("maps a Function: base64 code, runtime, comment, publish from ACK's auto-publish annotation", () => {
        const code = "function handler(event) { return event.request; }";
        const args = ack.functionArgs(
            cr({ name: "fn", functionCode: Buffer.from(code).toString("base64"), functionConfig: { runtime: "cloudfront-js-2.0", comment: "hi" } }, {}, {
                annotations: { "cloudfront.services.k8s.aws/auto-publish": "true" },
            }),
        );
        expect(args).to.deep.equal({ name: "fn", code, runtime: "cloudfront-js-2.0", comment: "hi", keyValueStoreAssociations: undefined, publish: true, tags: undefined });
        expect(ack.functionArgs(cr({ name: "fn", functionCode: "", functionConfig: {} }, {})).publish).to.equal(false);
    });

    it("maps a NATGateway: subnetID, allocationID, connectivityType, privateIPAddress, tags", () => {
        expect(
            ack.natGatewayArgs(
                cr({ subnetID: "subnet-1", allocationID: "eipalloc-1", connectivityType: "public", tags: [{ key: "k", value: "v" }, { key: "services.k8s.aws/controller-version", value: "ec2-1" }] }, {}),
                { dropAckTags: true },
            ),
        ).to.deep.equal({ subnetId: "subnet-1", allocationId: "eipalloc-1", connectivityType: "public", privateIpAddress: undefined, tags: { k: "v" } });
    });

    it("records only identity, annotations, finalizers, spec and status", () => {
        const r = ack.recordOf({ apiVersion: "a/v", kind: "K", metadata: { name: "n", namespace: "ns", uid: "u", resourceVersion: "9", managedFields: [] as any }, spec: { a: 1 }, status: { b: 2 } });
        expect(r).to.deep.equal({ apiVersion: "a/v", kind: "K", metadata: { name: "n", namespace: "ns", uid: "u", annotations: undefined, finalizers: undefined }, spec: { a: 1 }, status: { b: 2 } });
    });
});
