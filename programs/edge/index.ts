/**
 * programs/edge: the main ackless program (see stack.ts for what it declares
 * and docs/edge.md for the whole story).
 *
 * A Kubernetes service behind an Application Load Balancer that the AWS Load
 * Balancer Controller makes from an Ingress, CloudFront in front of it with a
 * viewer-request Function, and a NAT gateway for the cluster's egress subnet.
 *
 * Stack config (`pulumi config set <key> <value>`; only the first two are required):
 *   egressSubnetId                 subnet for the NAT gateway
 *   natAllocationId                Elastic IP allocation for the NAT gateway
 *   kubeconfig (secret)            the cluster's kubeconfig (default: the ambient one, $KUBECONFIG or ~/.kube/config)
 *   namespace                      the application's namespace (default: edge)
 *   appImage, replicas             the application (default: public.ecr.aws/nginx/nginx:1.27, 2)
 *   installLoadBalancerController  install the AWS Load Balancer Controller (default: false)
 *   clusterName                    the EKS cluster's name, for the controller (default: edge)
 *   loadBalancerControllerImage    the controller's image (default: its v2.13.3 image)
 *   loadBalancerControllerNamespace, loadBalancerControllerRoleArn, vpcId, region
 *   ingressClass                   the controller's IngressClass (default: alb)
 *   certificateArn                 ACM certificate: HTTPS between CloudFront and the ALB
 *   originDomainName               CloudFront's origin until the Ingress has a hostname
 *                                  (default: origin.example.com)
 *   waitForReady                   wait for Deployments, Services and the Ingress to be ready
 *                                  (default: true; false on an API server without kubelets)
 *   environment                    a tag value on everything (default: the stack name)
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_CONTROLLER_IMAGE } from "./load-balancer-controller";
import { edge } from "./stack";

const config = new pulumi.Config();

const stack = edge({
    environment: config.get("environment") ?? pulumi.getStack(),
    kubeconfig: config.getSecret("kubeconfig"),
    namespace: config.get("namespace") ?? "edge",
    appImage: config.get("appImage") ?? "public.ecr.aws/nginx/nginx:1.27",
    replicas: config.getNumber("replicas") ?? 2,
    installLoadBalancerController: config.getBoolean("installLoadBalancerController") ?? false,
    controller: {
        clusterName: config.get("clusterName") ?? "edge",
        namespace: config.get("loadBalancerControllerNamespace") ?? "kube-system",
        image: config.get("loadBalancerControllerImage") ?? DEFAULT_CONTROLLER_IMAGE,
        roleArn: config.get("loadBalancerControllerRoleArn"),
        vpcId: config.get("vpcId"),
        region: config.get("region"),
    },
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
export const ingressHostname = stack.ingressHostname;
export const originDomainName = stack.originDomainName;
