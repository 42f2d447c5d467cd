/**
 * Unit tests of the main program's composition (programs/edge/stack.ts) under
 * pulumi.runtime.setMocks. The dependency edges are read where the engine gets
 * them: the RegisterResource requests the SDK sends to the resource monitor
 * (`dependencies` orders creates and deletes; `propertyDependencies` says
 * which input carries which dependency).
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import type { Edge, EdgeArgs } from "../../programs/edge/stack";

interface Registered {
    urn: string;
    type: string;
    name: string;
    inputs: any;
    provider: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const SERVICE = "kubernetes:core/v1:Service";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

function args(overrides: Partial<EdgeArgs> = {}): EdgeArgs {
    return {
        environment: "unit",
        kubeconfig: "apiVersion: v1\nkind: Config\n",
        namespace: "edge-unit",
        appImage: "nginx:1.27",
        replicas: 2,
        installLoadBalancerController: true,
        controller: { clusterName: "unit", namespace: "kube-system", image: "controller:v1" },
        ingressClass: "alb",
        fallbackOriginDomainName: "fallback.example.com",
        egressSubnetId: "subnet-1",
        natAllocationId: "eipalloc-1",
        lifecycle: { waitForReady: false },
        ...overrides,
    };
}

describe("programs/edge: composition (setMocks)", function () {
    let registered: Registered[] = [];
    let ingressHostname = "";
    let edge: (a: EdgeArgs) => Edge;

    before(async () => {
        await pulumi.runtime.setMocks({
            newResource(a) {
                const state: any = { ...a.inputs };
                if (a.type === INGRESS && ingressHostname) {
                    state.status = { loadBalancer: { ingress: [{ hostname: ingressHostname }] } };
                }
                if (a.type.endsWith("ackless:Function")) {
                    state.arn = `arn:aws:cloudfront::123456789012:function/${a.name}`;
                    state.published = true;
                }
                return { id: `${a.name}-id`, state };
            },
            call: (a) => a.inputs,
        }, "edge", "unit", false);
        // Record what the SDK sends the engine for each resource.
        const monitor: any = pulumi.runtime.getMonitor();
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: any, res: any) => void) => {
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps: any, key: string) => (propertyDependencies[key] = deps.getUrnsList()));
            return original(req, (err: any, res: any) => {
                if (res) {
                    registered.push({
                        urn: res.getUrn(),
                        type: req.getType(),
                        name: req.getName(),
                        inputs: req.getObject()?.toJavaScript() ?? {},
                        provider: req.getProvider(),
                        dependencies: req.getDependenciesList(),
                        propertyDependencies,
                    });
                }
                callback(err, res);
            });
        };
        edge = (await import("../../programs/edge/stack")).edge;
    });

    beforeEach(() => {
        registered = [];
        ingressHostname = "";
    });

    /** Builds the stack and waits until every resource is registered. */
    async function build(a: EdgeArgs = args()): Promise<Edge> {
        const e = edge(a);
        await value(pulumi.all([e.distribution.urn, e.nat.urn, e.ingress.urn, e.service.urn, e.deployment.urn, e.originDomainName]));
        if (e.controller) {
            await value(pulumi.all([e.controller.urn, e.controller.deployment.urn]));
        }
        return e;
    }
    const find = (type: string, name: string) => {
        const r = registered.find((x) => x.type === type && x.name === name);
        expect(r, `${type} ${name} registered`).to.not.equal(undefined);
        return r!;
    };

    it("the Ingress and the Service depend on the controller's Deployment: deleted before it, created after it", async () => {
        await build();
        const controllerDeployment = find(DEPLOYMENT, "lb-controller");
        const controllerParts = registered.filter((r) => r.urn.includes("edge:kubernetes:LoadBalancerController$"));
        expect(controllerParts.map((r) => r.type)).to.include.members([
            "kubernetes:core/v1:ServiceAccount",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            "kubernetes:rbac.authorization.k8s.io/v1:Role",
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            "kubernetes:networking.k8s.io/v1:IngressClass",
            DEPLOYMENT,
        ]);
        for (const dependent of [find(INGRESS, "web"), find(SERVICE, "web")]) {
            expect(dependent.dependencies, dependent.type).to.include(controllerDeployment.urn);
            for (const part of controllerParts) {
                expect(dependent.dependencies, `${dependent.type} -> ${part.name}`).to.include(part.urn);
            }
        }
        // The app's own Deployment is not held back by the controller.
        expect(find(DEPLOYMENT, "web").dependencies).to.not.include(controllerDeployment.urn);
    });

    it("the Ingress names the controller's IngressClass and routes to the Service", async () => {
        await build();
        const ingress = find(INGRESS, "web");
        expect(ingress.inputs.spec.ingressClassName).to.equal("alb");
        expect(ingress.dependencies).to.include(find("kubernetes:networking.k8s.io/v1:IngressClass", "lb-controller-class").urn);
        expect(ingress.inputs.metadata.annotations).to.include({
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            "alb.ingress.kubernetes.io/target-type": "ip",
        });
        const service = find(SERVICE, "web");
        expect(ingress.propertyDependencies.spec).to.include(service.urn);
        expect(ingress.inputs.spec.rules[0].http.paths[0].backend.service.port).to.deep.equal({ name: "http" });
    });

    it("without installLoadBalancerController nothing of the controller is declared and the Ingress uses the configured class", async () => {
        await build(args({ installLoadBalancerController: false, ingressClass: "alb-shared" }));
        expect(registered.filter((r) => r.urn.includes("LoadBalancerController"))).to.deep.equal([]);
        expect(find(INGRESS, "web").inputs.spec.ingressClassName).to.equal("alb-shared");
    });

    it("the Distribution depends on the Function through its ARN: created after it, deleted before it", async () => {
        await build();
        const fn = find("pulumi-nodejs:dynamic/ackless:Function", "index-rewrite");
        const site = find("pulumi-nodejs:dynamic/ackless:Distribution", "site");
        expect(site.dependencies).to.include(fn.urn);
        expect(site.propertyDependencies.distributionConfig).to.include(fn.urn);
        const association = site.inputs.distributionConfig.DefaultCacheBehavior.FunctionAssociations.Items[0];
        expect(association).to.deep.equal({ EventType: "viewer-request", FunctionARN: "arn:aws:cloudfront::123456789012:function/index-rewrite" });
    });

    it("CloudFront's origin is the fallback until the controller sets the Ingress hostname, then that hostname", async () => {
        let e = await build();
        expect(await value(e.ingressHostname)).to.equal("");
        let site = find("pulumi-nodejs:dynamic/ackless:Distribution", "site");
        expect(site.inputs.distributionConfig.Origins.Items[0].DomainName).to.equal("fallback.example.com");
        // The Distribution depends on the Ingress: CloudFront stops using the ALB before the ALB goes.
        expect(site.dependencies).to.include(find(INGRESS, "web").urn);

        registered = [];
        ingressHostname = "k8s-edge-web-0123456789.us-east-1.elb.amazonaws.com";
        e = await build();
        expect(await value(e.ingressHostname)).to.equal(ingressHostname);
        site = find("pulumi-nodejs:dynamic/ackless:Distribution", "site");
        expect(site.inputs.distributionConfig.Origins.Items[0].DomainName).to.equal(ingressHostname);
    });

    it("every Kubernetes object deletes in the background and goes through the stack's cluster provider; skipAwait only without waitForReady", async () => {
        await build();
        const objects = registered.filter((r) => r.type.startsWith("kubernetes:"));
        expect(objects.length).to.equal(11);
        for (const o of objects) {
            expect(o.inputs.metadata.annotations, `${o.type} ${o.name}`).to.include({
                "pulumi.com/deletionPropagationPolicy": "background",
                "pulumi.com/skipAwait": "true",
            });
            expect(o.provider, `${o.type} ${o.name}`).to.match(/::cluster::/);
        }
        registered = [];
        await build(args({ lifecycle: { waitForReady: true } }));
        for (const o of registered.filter((r) => r.type.startsWith("kubernetes:"))) {
            expect(o.inputs.metadata.annotations).to.include({ "pulumi.com/deletionPropagationPolicy": "background" });
            expect(o.inputs.metadata.annotations).to.not.have.property("pulumi.com/skipAwait");
        }
    });

    it("the controller's image is set on its Deployment only", async () => {
        await build(args({ controller: { clusterName: "prod", namespace: "kube-system", image: "controller:v9" } }));
        const container = find(DEPLOYMENT, "lb-controller").inputs.spec.template.spec.containers[0];
        expect(container.image).to.equal("controller:v9");
        expect(container.args).to.include("--cluster-name=prod");
        expect(JSON.stringify(find(INGRESS, "web").inputs)).to.not.include("controller:v9");
    });
});
