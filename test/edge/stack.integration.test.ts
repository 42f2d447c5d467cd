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
import { startKube } from "../helpers/kube";
import type { KubeRest } from "../../provider/k8s/kube";

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
const INGRESS_CLASS = "kubernetes:networking.k8s.io/v1:IngressClass";

const autoname = (name: string) => `${name}-0a1b2c3d`;

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) =>
        o.apply((v) => {
            resolve(v);
            return v;
        }),
    );
}

function args(overrides: Partial<EdgeArgs> = {}): EdgeArgs {
    return {
        environment: "unit",
        kubeconfig: "apiVersion: v1\nkind: Config\n",
        namespace: "edge-unit",
        appImage: "nginx:1.27",
        replicas: 2,
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
    let reads: { type: string; name: string; id: string }[] = [];
    let ingressHostname = "";
    let edge: (a: EdgeArgs) => Edge;

    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource(a) {
                    const state: any = { ...a.inputs };
                    if (a.type.startsWith("kubernetes:") && a.inputs.metadata && !a.inputs.metadata.name) {
                        // As the Kubernetes provider autonames: the Pulumi name and a random suffix.
                        state.metadata = { ...a.inputs.metadata, name: autoname(a.name) };
                    }
                    if (a.type === INGRESS && ingressHostname) {
                        state.status = { loadBalancer: { ingress: [{ hostname: ingressHostname }] } };
                    }
                    if (a.id) {
                        // A read (`get`) of what exists: the installed controller's IngressClass.
                        reads.push({ type: a.type, name: a.name, id: a.id });
                        return {
                            id: a.id,
                            state: {
                                apiVersion: "networking.k8s.io/v1",
                                kind: "IngressClass",
                                metadata: { name: a.id },
                                spec: { controller: "ingress.k8s.aws/alb" },
                            },
                        };
                    }
                    if (a.type.endsWith("ackless:Function")) {
                        state.arn = `arn:aws:cloudfront::123456789012:function/${a.name}`;
                        state.published = true;
                    }
                    return { id: `${a.name}-id`, state };
                },
                call: (a) => a.inputs,
            },
            "edge",
            "unit",
            false,
        );
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
        reads = [];
        ingressHostname = "";
    });

    /** Builds the stack and waits until every resource is registered. */
    async function build(a: EdgeArgs = args()): Promise<Edge> {
        const e = edge(a);
        await value(pulumi.all([e.distribution.urn, e.nat.urn, e.ingress.urn, e.service.urn, e.deployment.urn, e.originDomainName]));
        await value(e.ingressClass.urn);
        return e;
    }
    const find = (type: string, name: string) => {
        const r = registered.find((x) => x.type === type && x.name === name);
        expect(r, `${type} ${name} registered`).to.not.equal(undefined);
        return r!;
    };

    it("declares nothing of the AWS Load Balancer Controller: reads the installed controller's IngressClass, which the Ingress names", async () => {
        const e = await build();
        // Only the application's objects are registered (created and deleted by the stack).
        expect(
            registered
                .filter((r) => r.type.startsWith("kubernetes:"))
                .map((r) => r.type)
                .sort(),
        ).to.deep.equal([INGRESS, DEPLOYMENT, SERVICE, "kubernetes:core/v1:Namespace"].sort());
        // The IngressClass is a read of what exists (`get` by the configured name), never registered.
        expect(reads).to.deep.equal([{ type: INGRESS_CLASS, name: "ingress-class", id: "alb" }]);
        expect(registered.map((r) => r.type)).to.not.include(INGRESS_CLASS);
        const ingress = find(INGRESS, "web");
        expect(ingress.inputs.spec.ingressClassName).to.equal("alb");
        expect(ingress.propertyDependencies.spec).to.include(await value(e.ingressClass.urn));
        // Nothing waits on a controller component any more.
        for (const r of registered) {
            expect(
                r.dependencies.filter((d) => d.includes("LoadBalancerController")),
                r.type,
            ).to.deep.equal([]);
        }
    });

    it("the Ingress routes to the Service with the ALB annotations", async () => {
        await build();
        const ingress = find(INGRESS, "web");
        expect(ingress.inputs.metadata.annotations).to.include({
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            "alb.ingress.kubernetes.io/target-type": "ip",
        });
        const service = find(SERVICE, "web");
        expect(ingress.propertyDependencies.spec).to.include(service.urn);
        expect(ingress.inputs.spec.rules[0].http.paths[0].backend.service.port).to.deep.equal({ name: "http" });
    });

    it("the ingressClass config names the class that is read and used", async () => {
        await build(args({ ingressClass: "alb-shared" }));
        expect(reads.map((r) => r.id)).to.deep.equal(["alb-shared"]);
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
        expect(objects.length).to.equal(4);
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

    it("kubectl apply --dry-run=server of every Kubernetes object the program declares passes on a real kube-apiserver (strict field validation)", async () => {
        await build(args({ lifecycle: { waitForReady: true } }));
        const manifests = registered
            .filter((r) => r.type.startsWith("kubernetes:"))
            // Autonamed objects get the name the (mocked) provider gave them.
            .map((r) => ({ ...r.inputs, metadata: { name: autoname(r.name), ...r.inputs.metadata } }));
        expect(manifests.map((m) => m.kind).sort()).to.deep.equal(["Deployment", "Ingress", "Namespace", "Service"]);
        const kube = await startKube();
        try {
            // As kubectl does: CRDs first (the program declares none), cluster-scoped objects, then the rest.
            const located = await Promise.all(manifests.map(async (m) => ({ m, where: await locate(kube.client, m) })));
            located.sort((a, b) => rank(a) - rank(b));
            expect(located.filter((l) => l.m.kind === "CustomResourceDefinition")).to.deep.equal([]);
            for (const { m, where } of located) {
                const answer = await dryRunApply(kube.client, where, m);
                expect(answer.kind, `${m.kind} ${m.metadata.name}`).to.equal(m.kind);
                if (!where.namespaced) {
                    // The namespace exists before its objects, as after the stack created it.
                    await kube.client.post(`${where.collection}`, m);
                }
            }
            // Dry runs persist nothing.
            expect((await kube.client.get(`/apis/apps/v1/namespaces/edge-unit/deployments`)).items).to.deep.equal([]);
            // Control: the same request refuses a field the API does not know, so it does validate.
            const deployment = located.find((l) => l.m.kind === "Deployment")!;
            const bad = { ...deployment.m, spec: { ...deployment.m.spec, replicaz: 2 } };
            const refused = await dryRunApply(kube.client, deployment.where, bad).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(refused?.message).to.match(/replicaz/);
        } finally {
            await kube.stop();
        }
    });
});

interface Location {
    collection: string;
    namespaced: boolean;
}

/** Where the API serves a manifest's kind (discovery), as kubectl finds it. */
async function locate(client: KubeRest, m: any): Promise<Location> {
    const base = m.apiVersion.includes("/") ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
    const found = ((await client.get(base)).resources as any[]).find((r) => r.kind === m.kind && !r.name.includes("/"));
    expect(found, `${m.apiVersion} ${m.kind} is served`).to.not.equal(undefined);
    const ns = found.namespaced ? `/namespaces/${m.metadata.namespace}` : "";
    return { collection: `${base}${ns}/${found.name}`, namespaced: found.namespaced };
}

function rank(l: { m: any; where: Location }): number {
    return l.m.kind === "CustomResourceDefinition" ? 0 : l.where.namespaced ? 2 : 1;
}

/** `kubectl apply --server-side --dry-run=server` of one object: server-side apply with dryRun=All, strict field validation. */
function dryRunApply(client: KubeRest, where: Location, m: any): Promise<any> {
    const query = "dryRun=All&fieldManager=ackless-dry-run&fieldValidation=Strict&force=true";
    return client.request("PATCH", `${where.collection}/${m.metadata.name}?${query}`, m, "application/apply-patch+yaml");
}
