/**
 * The edge stack: a Kubernetes service behind an Application Load Balancer
 * (made by the AWS Load Balancer Controller from an Ingress), with CloudFront
 * in front and a NAT gateway for the cluster's egress.
 *
 * The AWS Load Balancer Controller is NOT part of this stack: it must already
 * run in the cluster (the EKS add-on or its Helm chart, which also install its
 * CRDs, its webhook certificate and webhook configurations). The stack reads
 * the controller's IngressClass, named by config, and fails plainly when it
 * does not exist. An installed controller outlives the stack, so on `destroy`
 * it is still there to delete the load balancer and remove its finalizers
 * from the Ingress and the Service.
 *
 *   viewer -> CloudFront (Function rewrites the URL) -> ALB -> Service -> Pods
 *   Pods -> NAT gateway -> internet
 *
 * `edge(args)` declares everything; index.ts reads the stack config and calls it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { cloudfront, ec2 } from "ackless";
import { KubeLifecycle, meta } from "./kube";

export interface EdgeArgs {
    /** A tag value on every AWS resource and a label on every Kubernetes object. */
    environment: string;
    /** Kubeconfig (YAML or JSON) of the cluster; the ambient kubeconfig when undefined. */
    kubeconfig?: pulumi.Input<string>;
    /** Namespace for the application (created by the stack). */
    namespace: string;
    /** The application's container image and replica count. */
    appImage: string;
    replicas: number;
    /** The IngressClass of the AWS Load Balancer Controller already installed in the cluster (read, never created). */
    ingressClass: string;
    /** ACM certificate for the load balancer's HTTPS listener; without it CloudFront reaches the ALB over HTTP. */
    certificateArn?: string;
    /** CloudFront's origin until the controller has published the load balancer's hostname. */
    fallbackOriginDomainName: string;
    /** The egress subnet and the Elastic IP allocation of the NAT gateway. */
    egressSubnetId: string;
    natAllocationId: string;
    lifecycle: KubeLifecycle;
}

export interface Edge {
    cluster: k8s.Provider;
    namespace: k8s.core.v1.Namespace;
    /** The installed controller's IngressClass, as read from the cluster. */
    ingressClass: k8s.networking.v1.IngressClass;
    deployment: k8s.apps.v1.Deployment;
    service: k8s.core.v1.Service;
    ingress: k8s.networking.v1.Ingress;
    /** The load balancer's hostname once the controller has set it in the Ingress status ("" before). */
    ingressHostname: pulumi.Output<string>;
    /** What CloudFront points at: the Ingress hostname, or the fallback. */
    originDomainName: pulumi.Output<string>;
    rewrite: cloudfront.Function;
    distribution: cloudfront.Distribution;
    nat: ec2.NatGateway;
}

export function edge(args: EdgeArgs): Edge {
    const lc = args.lifecycle;
    const labels = { app: "edge", environment: args.environment };
    const tags = { app: "edge", environment: args.environment };

    // ---- Kubernetes ---------------------------------------------------------
    const cluster = new k8s.Provider("cluster", { kubeconfig: args.kubeconfig });
    const inCluster = { provider: cluster };

    const namespace = new k8s.core.v1.Namespace("app", { metadata: meta(lc, { name: args.namespace, labels }) }, inCluster);
    const ns = namespace.metadata.name;

    // The installed controller's IngressClass: read (a `get`, never created or
    // deleted by this stack). preview and `up` fail with "resource '<class>' does not exist" when the cluster
    // has no such class, i.e. no controller to turn the Ingress into an ALB.
    const ingressClass = k8s.networking.v1.IngressClass.get("ingress-class", args.ingressClass, inCluster);

    const appLabels = { ...labels, component: "web" };
    const deployment = new k8s.apps.v1.Deployment(
        "web",
        {
            metadata: meta(lc, { namespace: ns, labels: appLabels }),
            spec: {
                replicas: args.replicas,
                selector: { matchLabels: appLabels },
                template: {
                    metadata: { labels: appLabels },
                    spec: {
                        containers: [
                            {
                                name: "web",
                                image: args.appImage,
                                ports: [{ name: "http", containerPort: 80 }],
                                readinessProbe: { httpGet: { path: "/", port: "http" } },
                            },
                        ],
                    },
                },
            },
        },
        inCluster,
    );

    const service = new k8s.core.v1.Service(
        "web",
        {
            metadata: meta(lc, { namespace: ns, labels: appLabels }),
            spec: { selector: appLabels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
        },
        inCluster,
    );

    const listenPorts = args.certificateArn ? [{ HTTP: 80 }, { HTTPS: 443 }] : [{ HTTP: 80 }];
    const ingress = new k8s.networking.v1.Ingress(
        "web",
        {
            metadata: meta(lc, {
                namespace: ns,
                labels: appLabels,
                annotations: {
                    "alb.ingress.kubernetes.io/scheme": "internet-facing",
                    // Register pod IPs directly in the target group (no NodePort hop).
                    "alb.ingress.kubernetes.io/target-type": "ip",
                    "alb.ingress.kubernetes.io/listen-ports": JSON.stringify(listenPorts),
                    "alb.ingress.kubernetes.io/healthcheck-path": "/",
                    ...(args.certificateArn ? { "alb.ingress.kubernetes.io/certificate-arn": args.certificateArn } : {}),
                },
            }),
            spec: {
                ingressClassName: ingressClass.metadata.name,
                rules: [
                    {
                        http: {
                            paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service.metadata.name, port: { name: "http" } } } }],
                        },
                    },
                ],
            },
        },
        inCluster,
    );

    // The controller writes the ALB's DNS name into the Ingress status. When
    // Pulumi waits for readiness it is there after `up`; otherwise it appears
    // later and `pulumi up --refresh` points CloudFront at it.
    const ingressHostname = ingress.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.hostname ?? "");
    const originDomainName = ingressHostname.apply((h) => h || args.fallbackOriginDomainName);

    // ---- AWS (ackless) ------------------------------------------------------
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

    // Using rewrite.arn makes the distribution depend on the function: created
    // (and published) first, deleted last.
    const distribution = new cloudfront.Distribution("site", {
        distributionConfig: {
            Comment: `edge (${args.environment})`,
            Origins: {
                Items: [
                    {
                        Id: "alb",
                        DomainName: originDomainName,
                        CustomOriginConfig: {
                            HTTPPort: 80,
                            HTTPSPort: 443,
                            OriginProtocolPolicy: args.certificateArn ? "https-only" : "http-only",
                        },
                    },
                ],
            },
            DefaultCacheBehavior: {
                TargetOriginId: "alb",
                ViewerProtocolPolicy: "redirect-to-https",
                // AWS's managed "CachingOptimized" cache policy.
                CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                FunctionAssociations: { Items: [{ EventType: "viewer-request", FunctionARN: rewrite.arn }] },
            },
            PriceClass: "PriceClass_100",
        },
        tags,
    });

    // The cluster's egress: pods in private subnets reach the internet through it.
    const nat = new ec2.NatGateway("egress", {
        subnetId: args.egressSubnetId,
        allocationId: args.natAllocationId,
        tags: { ...tags, Name: `edge-egress-${args.environment}` },
    });

    return { cluster, namespace, ingressClass, deployment, service, ingress, ingressHostname, originDomainName, rewrite, distribution, nat };
}
