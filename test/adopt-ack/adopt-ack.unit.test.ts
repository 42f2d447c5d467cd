/**
 * Unit, table-driven: `ackless adopt-ack`'s reference resolution
 * (provider/adopt-ack/references.ts, read.ts), naming, literals and the
 * generated program's text (plan.ts, program.ts), and its options.
 * End to end (real API server, engine, emulator): test/e2e/adopt-ack.e2e.test.ts.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CollectionRef, CustomResourceRef, KubeError } from "../../provider/k8s/kube";
import { ackKind, AckObject } from "../../provider/k8s/ack";
import { parseOptions, run } from "../../provider/adopt-ack/cli";
import { Code, literal } from "../../provider/adopt-ack/literal";
import { names, plan, publishComment } from "../../provider/adopt-ack/plan";
import { programFiles } from "../../provider/adopt-ack/program";
import { connect, readCluster } from "../../provider/adopt-ack/read";
import { objectKey, referencesOf, resolve, Seen } from "../../provider/adopt-ack/references";
import { withCheckedProject } from "../helpers/tsc";

const EC2 = "ec2.services.k8s.aws/v1alpha1";
const synced = [{ type: "ACK.ResourceSynced", status: "True" }];
const CODE = "function handler(event) {\n    return event.request;\n}\n";
const FN_ARN = "arn:aws:cloudfront::123456789012:function/rewrite";

function cr(name: string, spec: any, status: any, metadata: any = {}): AckObject {
    return { metadata: { name, namespace: "web", uid: `uid-${name}`, ...metadata }, spec, status: { conditions: synced, ...status } };
}

const nat = (spec: any) => cr("egress", { connectivityType: "public", ...spec }, { natGatewayID: "nat-1" });

describe("adopt-ack: reference resolution", () => {
    const subnet = (status: any) => ({ metadata: { name: "private-a", namespace: "web" }, status });
    const seen = (objects: [string, AckObject | undefined | Error][], inScope: (ns: string) => boolean = (ns) => ns === "web"): Seen => ({
        inScope,
        objects: new Map(objects),
    });
    const key = (plural: string, ns: string, name: string) => objectKey(EC2, plural, ns, name);
    const cases: { name: string; spec: any; seen: Seen; expect: string }[] = [
        {
            name: "resolved through the Subnet's status",
            spec: { subnetRef: { from: { name: "private-a" } } },
            seen: seen([[key("subnets", "web", "private-a"), subnet({ subnetID: "subnet-1" })]]),
            expect: "resolved subnet-1 (spec.subnetRef: Subnet web/private-a, status.subnetID)",
        },
        {
            name: "referenced custom resource missing",
            spec: { subnetRef: { from: { name: "private-a" } } },
            seen: seen([[key("subnets", "web", "private-a"), undefined]]),
            expect: "config: Subnet web/private-a does not exist in the cluster",
        },
        {
            name: "referenced custom resource without status",
            spec: { subnetRef: { from: { name: "private-a" } } },
            seen: seen([[key("subnets", "web", "private-a"), subnet(undefined)]]),
            expect: "config: Subnet web/private-a has no status.subnetID (its controller never synced it)",
        },
        {
            name: "another namespace, not read",
            spec: { allocationRef: { from: { name: "ip", namespace: "net" } } },
            seen: seen([]),
            expect: 'config: ElasticIPAddress net/ip is in namespace "net", which was not read (run adopt-ack with --all-namespaces or --namespace net to resolve it)',
        },
        {
            name: "another namespace, read (all namespaces)",
            spec: { allocationRef: { from: { name: "ip", namespace: "net" } } },
            seen: seen([[key("elasticipaddresses", "net", "ip"), { metadata: { name: "ip" }, status: { allocationID: "eipalloc-9" } }]], () => true),
            expect: "resolved eipalloc-9 (spec.allocationRef: ElasticIPAddress net/ip, status.allocationID)",
        },
        {
            name: "reference without a name",
            spec: { subnetRef: { from: {} } },
            seen: seen([]),
            expect: "config: spec.subnetRef.from.name is empty: the reference names no Subnet",
        },
        {
            name: "the object could not be read",
            spec: { subnetRef: { from: { name: "private-a" } } },
            seen: seen([[key("subnets", "web", "private-a"), new Error("HTTP 403: forbidden")]]),
            expect: "config: Subnet web/private-a could not be read: HTTP 403: forbidden",
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const found = referencesOf("NATGateway", nat(c.spec));
            expect(found).to.have.length(1);
            const r = resolve(found[0], c.seen);
            expect(r.outcome === "resolved" ? `resolved ${r.value} (${r.source})` : `config: ${r.why}`).to.equal(c.expect);
        });
    }

    it("finds every reference ACK defines on the three kinds, and nothing else", () => {
        const table: [string, AckObject, string[]][] = [
            [
                "NATGateway",
                nat({ subnetRef: { from: { name: "s" } }, allocationRef: { from: { name: "a" } }, subnetID: "" }),
                ["spec.subnetRef -> Subnet web/s", "spec.allocationRef -> ElasticIPAddress web/a"],
            ],
            ["NATGateway", nat({ availabilityMode: "regional", vpcRef: { from: { name: "main" } } }), ["spec.vpcRef -> VPC web/main"]],
            ["NATGateway", nat({ subnetID: "subnet-1", allocationID: "eipalloc-1" }), []],
            [
                "Distribution",
                cr("site", { distributionConfig: { viewerCertificate: { acmCertificateRef: { from: { name: "cert", namespace: "certs" } } } } }, {}),
                ["spec.distributionConfig.viewerCertificate.acmCertificateRef -> Certificate certs/cert"],
            ],
            ["Function", cr("fn", { name: "fn", functionCode: "eA==" }, {}), []],
        ];
        for (const [kind, obj, want] of table) {
            expect(
                referencesOf(kind as any, obj).map((f) => `${f.field} -> ${f.ref.target.kind} ${f.namespace}/${f.name}`),
                kind,
            ).to.deep.equal(want);
        }
    });

    it("readCluster reads the namespaces asked for, skips kinds whose CRD is missing, and fetches referenced objects in scope only", async () => {
        const gets: string[] = [];
        const at = (r: CollectionRef & { name?: string }) => `${r.apiVersion} ${r.plural} ${r.namespace ?? "*"}${r.name ? ` ${r.name}` : ""}`;
        const api = {
            async list(ref: CollectionRef): Promise<any[]> {
                gets.push(`list ${at(ref)}`);
                if (ref.apiVersion.startsWith("cloudfront.") || ref.apiVersion.startsWith("services.")) {
                    throw new KubeError(404, "NotFound", "no CRD");
                }
                if (ref.plural !== "natgateways") {
                    return [];
                }
                return [nat({ subnetRef: { from: { name: "private-a" } }, allocationRef: { from: { name: "ip", namespace: "net" } } })];
            },
            async get(ref: CustomResourceRef): Promise<any> {
                gets.push(`get ${at(ref)}`);
                return subnet({ subnetID: "subnet-1" });
            },
        };
        const read = await readCluster(api, ["web"]);
        expect(read.resources.map((r) => `${r.kind.kind} ${r.cr.apiVersion} ${r.cr.metadata.name}`)).to.deep.equal([`NATGateway ${EC2} egress`]);
        expect(gets.filter((g) => /(distributions|functions|natgateways|subnets) web/.test(g))).to.deep.equal([
            "list cloudfront.services.k8s.aws/v1alpha1 distributions web",
            "list cloudfront.services.k8s.aws/v1alpha1 functions web",
            `list ${EC2} natgateways web`,
            `list ${EC2} subnets web`,
            `get ${EC2} subnets web private-a`,
        ]);
        // Every kind of the two controllers is listed (26 besides the three), and the FieldExports.
        expect(gets.filter((g) => g.startsWith("list "))).to.have.length(30);
        expect(gets).to.include("list services.k8s.aws/v1alpha1 fieldexports web");
        const p = plan(read.resources, read.seen);
        expect(p.handOvers[0].resolutions.map((r) => r.outcome)).to.deep.equal(["resolved", "config"]);
        expect(p.config.map((c) => c.key)).to.deep.equal(["egressAllocationId"]);
    });
});

describe("adopt-ack: the generated program", () => {
    const fn = cr(
        "rewrite",
        { name: "rewrite", functionCode: Buffer.from(CODE).toString("base64"), functionConfig: { runtime: "cloudfront-js-2.0", comment: "rw" } },
        { ackResourceMetadata: { arn: FN_ARN } },
        {
            annotations: { "cloudfront.services.k8s.aws/auto-publish": "true" },
        },
    );
    const dist = cr(
        "site",
        {
            distributionConfig: {
                enabled: true,
                origins: {
                    items: [
                        {
                            id: "o",
                            domainName: "origin.example.com",
                            customOriginConfig: { httpPort: 80, httpSPort: 443, originProtocolPolicy: "https-only" },
                        },
                    ],
                },
                defaultCacheBehavior: {
                    targetOriginID: "o",
                    viewerProtocolPolicy: "redirect-to-https",
                    functionAssociations: { quantity: 1, items: [{ eventType: "viewer-request", functionARN: FN_ARN }] },
                },
                viewerCertificate: { acmCertificateRef: { from: { name: "cert" } }, sslSupportMethod: "sni-only" },
            },
            tags: [
                { key: "team", value: "web" },
                { key: "services.k8s.aws/namespace", value: "web" },
            ],
        },
        { id: "E2ABC", callerReference: "ack-ref" },
    );
    const natCr = cr(
        "egress",
        { subnetRef: { from: { name: "private-a" } }, allocationID: "eipalloc-1", connectivityType: "public" },
        { natGatewayID: "nat-1", ackResourceMetadata: { ownerAccountID: "123456789012", region: "eu-west-1" } },
    );
    const regionalCr = cr(
        "regional",
        {
            availabilityMode: "regional",
            vpcRef: { from: { name: "main" } },
            availabilityZoneAddresses: [
                { availabilityZone: "us-east-1a", allocationIDs: ["eipalloc-1"] },
                { availabilityZoneID: "use1-az2", allocationIDs: ["eipalloc-2"] },
            ],
        },
        { natGatewayID: "nat-2" },
    );
    const seen: Seen = {
        inScope: () => true,
        objects: new Map([
            [objectKey(EC2, "subnets", "web", "private-a"), { metadata: { name: "private-a" }, status: { subnetID: "subnet-1" } }],
            [objectKey(EC2, "vpcs", "web", "main"), { metadata: { name: "main" }, status: { vpcID: "vpc-1" } }],
        ]),
    };
    const generate = (resources: [string, AckObject][], opts = {}) =>
        programFiles(
            plan(
                resources.map(([k, c]) => ({ kind: ackKind(k), cr: c })),
                seen,
                opts,
            ),
            { kubeconfig: "/k/config", context: "prod", namespaces: ["web"] },
            "handover",
            undefined,
            new Date("2026-11-26T00:00:00Z"),
        );

    const cases: { name: string; resources: [string, AckObject][]; opts?: any; contains: string[]; lacks?: string[] }[] = [
        {
            name: "Function: code as a template literal, publish from ACK's auto-publish annotation, retain and delete steps",
            resources: [["Function", fn]],
            contains: [
                'const rewriteRetain = new k8s.RetainPolicy("retain/Function/web/rewrite", { ...cluster, ...rewriteCr });',
                'const rewrite = new cloudfront.Function(\n    "rewrite",\n    {\n        adopt: { id: "rewrite" },\n        name: "rewrite",',
                "        code: `function handler(event) {\n    return event.request;\n}\n`,",
                '        publish: true, // ACK published it on every change (cloudfront.services.k8s.aws/auto-publish: "true")',
                "    { dependsOn: [rewriteRetain], retainOnDelete: true },",
                '    { ...cluster, ...rewriteCr, finalizer: "finalizers.cloudfront.services.k8s.aws/Function", controllerGraceSeconds },\n    { dependsOn: [rewrite] },',
                'import { cloudfront } from "ackless";\nimport * as k8s from "ackless/k8s";',
            ],
            lacks: ["ec2", "config.require("],
        },
        {
            name: "Distribution: CloudFront API shape, function linked by ARN, certificate reference as config, ACK tags noted",
            resources: [
                ["Function", fn],
                ["Distribution", dist],
            ],
            contains: [
                '            CallerReference: "ack-ref", // the distribution\'s own (it never changes)',
                "                HTTPSPort: 443,",
                "FunctionARN: rewrite.arn, // Function web/rewrite, handed over above",
                '                ACMCertificateArn: config.require("siteAcmCertificateArn"), // spec.distributionConfig.viewerCertificate.acmCertificateRef, see above',
                "// spec.distributionConfig.viewerCertificate.acmCertificateRef: Certificate web/cert does not exist in the cluster.",
                "pulumi config set siteAcmCertificateArn <acmCertificateArn>",
                "// services.k8s.aws/namespace is ACK's own tag, kept as it is; remove it here to remove it from AWS.",
                '        tags: { team: "web", "services.k8s.aws/namespace": "web" },',
            ],
            lacks: ["Quantity", "quantity", "acmCertificateRef: {", "AcmCertificateRef"],
        },
        {
            name: "Distribution without its function: the ARN stays a literal; --drop-ack-tags leaves ACK's tags out",
            resources: [["Distribution", dist]],
            opts: { dropAckTags: true },
            contains: [
                `FunctionARN: "${FN_ARN}",`,
                '        tags: { team: "web" },',
                "// ACK's own tag (services.k8s.aws/namespace) is left out: the first `pulumi up` removes it from AWS.",
            ],
            lacks: ["rewrite.arn", 'services.k8s.aws/namespace": '],
        },
        {
            name: "NATGateway: reference resolved with its source, literal id kept, region from ACK's metadata",
            resources: [["NATGateway", natCr]],
            contains: [
                'subnetId: "subnet-1", // spec.subnetRef: Subnet web/private-a, status.subnetID',
                'allocationId: "eipalloc-1",\n',
                'region: "eu-west-1", // the region ACK managed it in',
                "// ACK managed it in AWS account 123456789012 (eu-west-1): run `pulumi up` with credentials for that account.",
                "const egress = new ec2.NatGateway(",
                'finalizer: "finalizers.ec2.services.k8s.aws/NATGateway"',
                "export const egressId = egress.id;",
            ],
            lacks: ["cloudfront"],
        },
        {
            name: "regional NATGateway: vpcRef resolved through the VPC's status like subnetRef, zone addresses in the ackless shape",
            resources: [["NATGateway", regionalCr]],
            contains: [
                'availabilityMode: "regional",',
                'vpcId: "vpc-1", // spec.vpcRef: VPC web/main, status.vpcID',
                'availabilityZone: "us-east-1a",\n                allocationIds: ["eipalloc-1"],',
                'availabilityZoneId: "use1-az2",\n                allocationIds: ["eipalloc-2"],',
                'adopt: { id: "nat-2" },',
            ],
            lacks: ["subnetId", "vpcRef: {", "allocationIDs", "availabilityZoneID"],
        },
        {
            name: "left-out custom resources are listed with their reason",
            resources: [
                ["NATGateway", natCr],
                ["NATGateway", cr("pending", { subnetID: "s" }, { natGatewayID: undefined })],
            ],
            contains: ["// Left out (still managed by ACK):\n//   NATGateway web/pending: status.natGatewayID is empty"],
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const files = generate(c.resources, c.opts);
            for (const s of c.contains) {
                expect(files["index.ts"]).to.contain(s);
            }
            for (const s of c.lacks ?? []) {
                expect(files["index.ts"]).to.not.contain(s);
            }
        });
    }

    it("says when to drop adopt and retainOnDelete, and writes a strict TypeScript project", () => {
        const files = generate([["NATGateway", natCr]]);
        expect(files["index.ts"])
            .to.contain("After the first successful `pulumi up`:\n//   - drop `adopt`")
            .and.contain("//   - drop `retainOnDelete: true` once this stack should delete");
        expect(files["index.ts"]).to.contain(
            'pulumi config set --secret kubeconfig "$(kubectl config view --raw --flatten --minify --context prod)"',
        );
        expect(JSON.parse(files["tsconfig.json"]).compilerOptions.strict).to.equal(true);
        expect(JSON.parse(files["package.json"]).dependencies).to.have.keys("ackless", "@pulumi/pulumi");
        expect(files["Pulumi.yaml"]).to.contain("typescript: true").and.contain("main: index.ts");
        expect(files["README.md"]).to.contain("| NATGateway web/egress | `ec2.NatGateway` `egress` | nat-1 |").and.contain("Remove `adopt`");
    });

    it("a distribution using most of ACK's distributionConfig type-checks under the generated strict tsconfig (with a control)", () => {
        const rich = cr(
            "shop",
            {
                distributionConfig: {
                    aliases: { items: ["shop.example.com"] },
                    comment: "shop",
                    defaultRootObject: "index.html",
                    enabled: true,
                    httpVersion: "http2and3",
                    isIPV6Enabled: true,
                    priceClass: "PriceClass_100",
                    webACLID: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/w/1",
                    logging: { enabled: true, bucket: "logs.s3.amazonaws.com", includeCookies: false, prefix: "shop/" },
                    restrictions: { geoRestriction: { restrictionType: "whitelist", items: ["DE", "FR"] } },
                    customErrorResponses: {
                        items: [{ errorCode: 404, responseCode: "200", responsePagePath: "/index.html", errorCachingMinTTL: 10 }],
                    },
                    origins: {
                        items: [
                            {
                                id: "s3",
                                domainName: "b.s3.amazonaws.com",
                                originPath: "/site",
                                s3OriginConfig: { originAccessIdentity: "" },
                                originAccessControlID: "E2OAC",
                                connectionAttempts: 3,
                                connectionTimeout: 10,
                            },
                            {
                                id: "api",
                                domainName: "api.example.com",
                                customHeaders: { items: [{ headerName: "X-Origin", headerValue: "cf" }] },
                                customOriginConfig: {
                                    httpPort: 80,
                                    httpSPort: 443,
                                    originProtocolPolicy: "https-only",
                                    originReadTimeout: 30,
                                    originKeepaliveTimeout: 5,
                                    originSSLProtocols: { items: ["TLSv1.2"] },
                                },
                                originShield: { enabled: true, originShieldRegion: "us-east-1" },
                            },
                        ],
                    },
                    originGroups: {
                        items: [
                            {
                                id: "group",
                                failoverCriteria: { statusCodes: { items: [500, 502] } },
                                members: { items: [{ originID: "s3" }, { originID: "api" }] },
                            },
                        ],
                    },
                    defaultCacheBehavior: {
                        targetOriginID: "s3",
                        viewerProtocolPolicy: "redirect-to-https",
                        cachePolicyID: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                        compress: true,
                        allowedMethods: { items: ["GET", "HEAD"], cachedMethods: { items: ["GET", "HEAD"] } },
                        functionAssociations: { items: [{ eventType: "viewer-request", functionARN: FN_ARN }] },
                        lambdaFunctionAssociations: {
                            items: [
                                {
                                    eventType: "origin-request",
                                    lambdaFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f:1",
                                    includeBody: false,
                                },
                            ],
                        },
                    },
                    cacheBehaviors: {
                        items: [
                            {
                                pathPattern: "/api/*",
                                targetOriginID: "api",
                                viewerProtocolPolicy: "https-only",
                                forwardedValues: {
                                    queryString: true,
                                    cookies: { forward: "whitelist", whitelistedNames: { items: ["session"] } },
                                    headers: { items: ["Authorization"] },
                                },
                                minTTL: 0,
                                defaultTTL: 0,
                                maxTTL: 0,
                                trustedKeyGroups: { enabled: false },
                            },
                        ],
                    },
                    viewerCertificate: {
                        acmCertificateARN: "arn:aws:acm:us-east-1:123456789012:certificate/c",
                        sslSupportMethod: "sni-only",
                        minimumProtocolVersion: "TLSv1.2_2021",
                    },
                },
            },
            { id: "E3SHOP", callerReference: "shop-ref" },
        );
        const files = generate([
            ["Function", fn],
            ["Distribution", rich],
        ]);
        withCheckedProject({ ...files }, (p) => {
            expect(p.strict).to.equal(true);
            expect(p.diagnostics).to.deep.equal([]);
            // Control: a wrong type in a nested input fails the same check.
            expect(p.recheck(files["index.ts"].replace("ErrorCachingMinTTL: 10", 'ErrorCachingMinTTL: "10"')).join("\n")).to.match(
                /Type 'string' is not assignable to type/,
            );
        });
    });

    it("names: camelCase variables, qualified by kind and then namespace on collisions, reserved words avoided", () => {
        const table: [{ kind: string; namespace: string; name: string }[], string[]][] = [
            [[{ kind: "Distribution", namespace: "a", name: "my-site" }], ["mySite my-site"]],
            [
                [
                    { kind: "Distribution", namespace: "a", name: "web" },
                    { kind: "Function", namespace: "a", name: "web" },
                ],
                ["webDistribution web", "webFunction web"],
            ],
            [
                [
                    { kind: "NATGateway", namespace: "a", name: "egress" },
                    { kind: "NATGateway", namespace: "b", name: "egress" },
                ],
                ["aEgress a/egress", "bEgress b/egress"],
            ],
            [
                [
                    { kind: "Function", namespace: "a", name: "delete" },
                    { kind: "Function", namespace: "a", name: "9lives" },
                ],
                ["deleteFunction delete", "r9lives 9lives"],
            ],
        ];
        for (const [items, want] of table) {
            expect(names(items).map((n) => `${n.variable} ${n.resourceName}`)).to.deep.equal(want);
        }
    });

    it("literals: identifier keys bare, others quoted, short objects inline, code as is", () => {
        const table: [unknown, string][] = [
            [{ a: 1, "b-c": "x" }, '{ a: 1, "b-c": "x" }'],
            [[], "[]"],
            [{ a: new Code("fn.arn") }, "{ a: fn.arn }"],
            [{ a: new Code("x", "why") }, "{\n    a: x, // why\n}"],
            ["two\nlines", "`two\nlines`"],
            ["a `tick`\n", JSON.stringify("a `tick`\n")],
            ["${x}\n", JSON.stringify("${x}\n")],
        ];
        for (const [value, want] of table) {
            expect(literal(value)).to.equal(want);
        }
    });
});

describe("adopt-ack: what the generated program says of a function's publishing", () => {
    it("says ACK published it only with the auto-publish annotation, and never says 'never published' of a CR whose status has a liveETag", () => {
        expect(publishComment(true, "ETAG1")).to.contain("ACK published it on every change");
        const once = publishComment(false, "ETAG1");
        expect(once).to.contain("LIVE holds a published version (status.liveETag)").and.not.contain("never published");
        expect(publishComment(false, undefined)).to.contain("ACK never published it");
    });
});

describe("adopt-ack: options and kubeconfig, as kubectl", () => {
    it("parses -n (repeatable, comma lists), -A, and refuses both", () => {
        expect(parseOptions(["-n", "a", "--namespace", "b,c"]).namespaces).to.deep.equal(["a", "b", "c"]);
        expect(parseOptions(["-A"]).all).to.equal(true);
        expect(parseOptions([]).out).to.equal("ack-handover");
        expect(() => parseOptions(["-A", "-n", "a"])).to.throw(/exclude each other/);
        expect(() => parseOptions(["web"])).to.throw(/--namespace/);
    });

    it("run: exit 1 with the loader's message when the kubeconfig is missing; --help exits 0", async () => {
        const written: string[] = [];
        const write = process.stderr.write;
        const out = process.stdout.write;
        process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
        process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
        try {
            expect(await run(["--kubeconfig", "/nonexistent/kubeconfig", "--out", os.tmpdir()])).to.equal(1);
            expect(await run(["--help"])).to.equal(0);
            expect(await run(["--bogus"])).to.equal(1);
        } finally {
            process.stderr.write = write;
            process.stdout.write = out;
        }
        expect(written[0]).to.equal('ackless adopt-ack: kubeconfig: "/nonexistent/kubeconfig" is neither kubeconfig text nor an existing file\n');
        expect(written[1]).to.match(/^Usage: ackless adopt-ack/);
        expect(written[2]).to.match(/^ackless adopt-ack: Unknown option '--bogus'/);
    });

    it("merges $KUBECONFIG files (first wins), uses the current-context and its namespace, else default", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-kubeconfig-"));
        const saved = process.env.KUBECONFIG;
        try {
            const file = (name: string, text: string) => {
                fs.writeFileSync(path.join(dir, name), text);
                return path.join(dir, name);
            };
            const a = file(
                "a",
                "apiVersion: v1\nkind: Config\ncurrent-context: one\ncontexts:\n- name: one\n  context: {cluster: c1, user: u1, namespace: web}\n",
            );
            const b = file(
                "b",
                "apiVersion: v1\nkind: Config\ncurrent-context: two\nclusters:\n- name: c1\n  cluster: {server: 'https://127.0.0.1:1'}\nusers:\n- name: u1\n  user: {token: t}\ncontexts:\n- name: two\n  context: {cluster: c1, user: u1}\n",
            );
            process.env.KUBECONFIG = [a, b].join(path.delimiter);
            const one = connect({});
            expect([one.context, one.namespace, one.source]).to.deep.equal(["one", "web", `${a}${path.delimiter}${b}`]);
            const two = connect({ context: "two" });
            expect([two.context, two.namespace]).to.deep.equal(["two", "default"]);
            expect(connect({ kubeconfig: b }).source).to.equal(b);
            expect(() => connect({ context: "three" })).to.throw(/no context named "three" \(contexts: one, two\)/);
        } finally {
            if (saved === undefined) {
                delete process.env.KUBECONFIG;
            } else {
                process.env.KUBECONFIG = saved;
            }
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
