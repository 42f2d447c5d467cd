/**
 * The AWS Load Balancer Controller (kubernetes-sigs/aws-load-balancer-controller),
 * declared directly as Kubernetes objects: what its Helm chart installs for
 * Ingresses, without a chart download.
 *
 * The controller turns every Ingress of its IngressClass into an Application
 * Load Balancer (and Services of type LoadBalancer into Network Load
 * Balancers), puts finalizers on them, and removes the load balancer and the
 * finalizer when they are deleted. So whatever it reconciles must be deleted
 * while it still runs: see `dependsOn` on the Ingress in stack.ts.
 *
 * Not declared here: the chart's admission webhooks (pod readiness-gate
 * injection, Ingress validation) and their certificate. A webhook whose
 * controller is gone fails closed and blocks even the removal of finalizers;
 * leaving them out keeps teardown safe. The controller still serves its
 * webhook port, so on a real cluster it needs the TLS secret named by
 * `webhookTlsSecret` (cert-manager or the chart makes it).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubeLifecycle, meta } from "./kube";

export const DEFAULT_CONTROLLER_IMAGE = "public.ecr.aws/eks/aws-load-balancer-controller:v2.13.3";

export interface LoadBalancerControllerArgs {
    /** The EKS cluster's name: the controller tags and finds its load balancers by it. */
    clusterName: string;
    /** Namespace the controller runs in (it must exist). Default `kube-system`. */
    namespace?: string;
    /** The controller's image. Changing it rolls the Deployment; nothing it reconciles is touched. */
    image?: string;
    /** The IngressClass the controller serves. Default `alb`. */
    ingressClass?: string;
    /** IAM role for the controller's ServiceAccount (IRSA), if the cluster uses it. */
    roleArn?: string;
    /** VPC id and region, when the controller cannot read them from instance metadata. */
    vpcId?: string;
    region?: string;
    /** Secret with the webhook server's certificate (`tls.crt`, `tls.key`). Default `aws-load-balancer-tls`. */
    webhookTlsSecret?: string;
    lifecycle: KubeLifecycle;
}

const NAME = "aws-load-balancer-controller";

export class LoadBalancerController extends pulumi.ComponentResource {
    /** The controller's Deployment. */
    readonly deployment: k8s.apps.v1.Deployment;
    /** The IngressClass Ingresses name (`spec.ingressClassName`) to be served by this controller. */
    readonly ingressClass: k8s.networking.v1.IngressClass;
    /** Its name, to put in `spec.ingressClassName`. */
    readonly ingressClassName: pulumi.Output<string>;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("edge:kubernetes:LoadBalancerController", name, {}, opts);
        const namespace = args.namespace ?? "kube-system";
        const labels = { "app.kubernetes.io/name": NAME, "app.kubernetes.io/instance": name };
        const lc = args.lifecycle;
        const child = { parent: this };

        const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: meta(lc, {
                name: NAME,
                namespace,
                labels,
                annotations: args.roleArn ? { "eks.amazonaws.com/role-arn": args.roleArn } : {},
            }),
        }, child);

        // What the controller reads and writes cluster-wide (the chart's ClusterRole).
        const clusterRole = new k8s.rbac.v1.ClusterRole(`${name}-role`, {
            metadata: meta(lc, { labels }),
            rules: [
                { apiGroups: [""], resources: ["endpoints", "namespaces", "nodes", "pods", "secrets"], verbs: ["get", "list", "watch"] },
                { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
                { apiGroups: [""], resources: ["pods/status", "services/status"], verbs: ["patch", "update"] },
                { apiGroups: [""], resources: ["services"], verbs: ["get", "list", "patch", "update", "watch"] },
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["elbv2.k8s.aws"], resources: ["targetgroupbindings"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
                { apiGroups: ["elbv2.k8s.aws"], resources: ["targetgroupbindings/status"], verbs: ["patch", "update"] },
                { apiGroups: ["elbv2.k8s.aws"], resources: ["ingressclassparams"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["get", "list", "patch", "update", "watch"] },
                { apiGroups: ["networking.k8s.io"], resources: ["ingresses/status"], verbs: ["patch", "update"] },
                { apiGroups: ["networking.k8s.io"], resources: ["ingressclasses"], verbs: ["get", "list", "watch"] },
            ],
        }, child);
        const clusterBinding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-rolebinding`, {
            metadata: meta(lc, { labels }),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
        }, child);

        // Leader election, in its own namespace.
        const electionRole = new k8s.rbac.v1.Role(`${name}-leader-election`, {
            metadata: meta(lc, { namespace, labels }),
            rules: [
                { apiGroups: [""], resources: ["configmaps"], verbs: ["create"] },
                { apiGroups: [""], resources: ["configmaps"], resourceNames: [`${NAME}-leader`], verbs: ["get", "patch", "update"] },
                { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
                { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: [`${NAME}-leader`], verbs: ["get", "patch", "update"] },
            ],
        }, child);
        const electionBinding = new k8s.rbac.v1.RoleBinding(`${name}-leader-election`, {
            metadata: meta(lc, { namespace, labels }),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: electionRole.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
        }, child);

        this.ingressClass = new k8s.networking.v1.IngressClass(`${name}-class`, {
            metadata: meta(lc, { name: args.ingressClass ?? "alb", labels }),
            spec: { controller: "ingress.k8s.aws/alb" },
        }, child);
        this.ingressClassName = this.ingressClass.metadata.name;

        const flags = [
            `--cluster-name=${args.clusterName}`,
            `--ingress-class=${args.ingressClass ?? "alb"}`,
            ...(args.vpcId ? [`--aws-vpc-id=${args.vpcId}`] : []),
            ...(args.region ? [`--aws-region=${args.region}`] : []),
        ];
        this.deployment = new k8s.apps.v1.Deployment(`${name}`, {
            metadata: meta(lc, { name: NAME, namespace, labels }),
            spec: {
                replicas: 2,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: account.metadata.name,
                        securityContext: { fsGroup: 65534 },
                        containers: [{
                            name: "controller",
                            image: args.image ?? DEFAULT_CONTROLLER_IMAGE,
                            args: flags,
                            ports: [
                                { name: "webhook-server", containerPort: 9443 },
                                { name: "metrics-server", containerPort: 8080 },
                            ],
                            volumeMounts: [{ name: "cert", mountPath: "/tmp/k8s-webhook-server/serving-certs", readOnly: true }],
                            livenessProbe: { httpGet: { path: "/healthz", port: 61779 }, initialDelaySeconds: 30, timeoutSeconds: 10 },
                            securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false },
                        }],
                        volumes: [{ name: "cert", secret: { secretName: args.webhookTlsSecret ?? "aws-load-balancer-tls", defaultMode: 420 } }],
                        priorityClassName: "system-cluster-critical",
                    },
                },
            },
        }, { ...child, dependsOn: [clusterBinding, electionBinding] });

        this.registerOutputs({ ingressClassName: this.ingressClassName });
    }
}
