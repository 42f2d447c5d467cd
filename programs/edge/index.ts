/**
 * programs/edge: the main ackless program (see stack.ts for what it declares
 * and docs/edge.md for the whole story).
 *
 * A Kubernetes service behind an Application Load Balancer that the AWS Load
 * Balancer Controller makes from an Ingress, CloudFront in front of it with a
 * viewer-request Function, and a NAT gateway for the cluster's egress subnet.
 *
 * It expects the AWS Load Balancer Controller already installed in the cluster
 * (EKS add-on or Helm chart) and takes its IngressClass as config; it does not
 * install the controller.
 *
 * Stack config (`pulumi config set <key> <value>`; only the first two are required):
 *   egressSubnetId                 subnet for the NAT gateway
 *   natAllocationId                Elastic IP allocation for the NAT gateway
 *   kubeconfig (secret)            the cluster's kubeconfig (default: the ambient one, $KUBECONFIG or ~/.kube/config)
 *   namespace                      the application's namespace (default: edge)
 *   appImage, replicas             the application (default: public.ecr.aws/nginx/nginx:1.27, 2)
 *   ingressClass                   the installed controller's IngressClass (default: alb); must exist
 *   certificateArn                 ACM certificate: HTTPS between CloudFront and the ALB
 *   originDomainName               CloudFront's origin until the Ingress has a hostname
 *                                  (default: origin.example.com)
 *   waitForReady                   wait for Deployments, Services and the Ingress to be ready
 *                                  (default: true; false on an API server without kubelets)
 *   environment                    a tag value on everything (default: the stack name)
 */
import * as pulumi from "@pulumi/pulumi";
import { edge } from "./stack";

const config = new pulumi.Config();

const stack = edge({
    environment: config.get("environment") ?? pulumi.getStack(),
    kubeconfig: config.getSecret("kubeconfig"),
    namespace: config.get("namespace") ?? "edge",
    appImage: config.get("appImage") ?? "public.ecr.aws/nginx/nginx:1.27",
    replicas: config.getNumber("replicas") ?? 2,
    ingressClass: config.get("ingressClass") ?? "alb",
    certificateArn: config.get("certificateArn"),
    fallbackOriginDomainName: config.get("originDomainName") ?? "origin.example.com",
    egressSubnetId: config.require("egressSubnetId"),
    natAllocationId: config.require("natAllocationId"),
    lifecycle: { waitForReady: config.getBoolean("waitForReady") ?? true },
});

export const distributionDomainName = stack.distribution.domainName;
export const distributionId = stack.distribution.id;
export const distributionStatus = stack.distribution.status;
export const functionArn = stack.rewrite.arn;
export const functionPublished = stack.rewrite.published;
export const natGatewayId = stack.nat.id;
export const natGatewayPublicIp = stack.nat.publicIp;
export const namespace = stack.namespace.metadata.name;
export const ingressClass = stack.ingressClass.metadata.name;
export const ingressController = stack.ingressClass.spec.controller;
export const ingressHostname = stack.ingressHostname;
export const originDomainName = stack.originDomainName;
