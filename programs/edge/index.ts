/**
 * programs/edge: the main ackless program.
 *
 * A site served by CloudFront: a viewer-request Function that rewrites
 * directory URLs to index.html, a Distribution that runs it in front of the
 * origin, and a NAT gateway for the cluster's egress subnet. The network (the
 * egress subnet and the Elastic IP) exists before this program, as it does for
 * teams whose VPC is already there: it comes in as stack config.
 *
 * Stack config (all under the project namespace, `pulumi config set <key> <value>`):
 *   originDomainName  the origin's DNS name (default: origin.example.com;
 *                     on a cluster, the load balancer's hostname)
 *   egressSubnetId    subnet for the NAT gateway (required)
 *   natAllocationId   Elastic IP allocation for the NAT gateway (required)
 *   environment       a tag value on everything (default: the stack name)
 */
import * as pulumi from "@pulumi/pulumi";
import { cloudfront, ec2 } from "ackless";

const config = new pulumi.Config();
const environment = config.get("environment") ?? pulumi.getStack();
const originDomainName = config.get("originDomainName") ?? "origin.example.com";
const tags = { app: "edge", environment };

// Directory URLs ("/docs/") get their index page, at the edge, before the cache.
const rewrite = new cloudfront.Function("index-rewrite", {
    comment: "Serve index.html for directory URLs",
    code: [
        "function handler(event) {",
        "    var request = event.request;",
        "    if (request.uri.endsWith('/')) {",
        "        request.uri += 'index.html';",
        "    } else if (!request.uri.includes('.')) {",
        "        request.uri += '/index.html';",
        "    }",
        "    return request;",
        "}",
    ].join("\n"),
    tags,
});

const site = new cloudfront.Distribution("site", {
    distributionConfig: {
        Comment: `edge (${environment})`,
        Origins: {
            Items: [
                {
                    Id: "app",
                    DomainName: originDomainName,
                    CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
                },
            ],
        },
        DefaultCacheBehavior: {
            TargetOriginId: "app",
            ViewerProtocolPolicy: "redirect-to-https",
            // AWS's managed "CachingOptimized" cache policy.
            CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
            FunctionAssociations: { Items: [{ EventType: "viewer-request", FunctionARN: rewrite.arn }] },
        },
        PriceClass: "PriceClass_100",
    },
    tags,
});

const nat = new ec2.NatGateway("egress", {
    subnetId: config.require("egressSubnetId"),
    allocationId: config.require("natAllocationId"),
    tags: { ...tags, Name: `edge-egress-${environment}` },
});

export const distributionDomainName = site.domainName;
export const distributionId = site.id;
export const distributionStatus = site.status;
export const functionArn = rewrite.arn;
export const functionPublished = rewrite.published;
export const natGatewayId = nat.id;
export const natGatewayPublicIp = nat.publicIp;
