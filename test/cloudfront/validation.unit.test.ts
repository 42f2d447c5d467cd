/**
 * Validation at preview (check) against the CloudFront API model: one failing
 * case per class of bad input, each asserting the field's path (and, for
 * names and enums, the closest valid one). Rules: provider/cloudfront/
 * model.generated.ts (scripts/gen-cloudfront-rules.js) plus the checks the
 * model cannot express (keys, ARN shapes, origin references).
 */
import { expect } from "chai";
import { provider as distribution } from "../../provider/cloudfront/distribution/adapter";
import { provider as fn } from "../../provider/cloudfront/function/adapter";
import { RULE_COUNTS } from "../../provider/cloudfront/model.generated";

const FN = "arn:aws:cloudfront::123456789012:function/rewrite";
const LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:edge:3";
const origin = (extra: object = {}) => ({
    Id: "web",
    DomainName: "example.com",
    CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
    ...extra,
});
const dcb = (extra: object = {}) => ({ TargetOriginId: "web", ViewerProtocolPolicy: "redirect-to-https", ...extra });
const config = (extra: object = {}) => ({ Origins: { Items: [origin()] }, DefaultCacheBehavior: dcb(), ...extra });
const behavior = (path: string | undefined, extra: object = {}) => ({
    ...(path ? { PathPattern: path } : {}),
    TargetOriginId: "web",
    ViewerProtocolPolicy: "allow-all",
    ...extra,
});
const assoc = (n: number, arn: string, key: string) =>
    ["viewer-request", "viewer-response", "origin-request", "origin-response", "viewer-request"]
        .slice(0, n)
        .map((EventType) => ({ EventType, [key]: arn }));

async function reasons(distributionConfig: object, tags?: object): Promise<string[]> {
    const r = await distribution.check({}, { distributionConfig, ...(tags ? { tags } : {}) });
    for (const f of r.failures ?? []) {
        expect(f.property).to.be.oneOf(["distributionConfig", "tags"]);
    }
    return (r.failures ?? []).map((f) => f.reason);
}

describe("cloudfront.Distribution check: validation from the CloudFront API model", () => {
    it("a valid configuration passes", async () => {
        expect(await reasons(config({ PriceClass: "PriceClass_100", HttpVersion: "http2and3", Comment: "x".repeat(128) }))).to.deep.equal([]);
    });

    const cases: { name: string; config: object; tags?: object; expected: string[] }[] = [
        {
            name: "unknown field name, with the closest valid one",
            config: config({ DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicyy: "allow-all" } }),
            expected: [
                "distributionConfig.DefaultCacheBehavior.ViewerProtocolPolicyy: unknown field; did you mean ViewerProtocolPolicy?",
                "distributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy: required",
            ],
        },
        {
            name: "ViewerProtocolPolicy missing",
            config: config({ DefaultCacheBehavior: { TargetOriginId: "web" } }),
            expected: ["distributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy: required"],
        },
        {
            name: "ViewerProtocolPolicy misspelled",
            config: config({ DefaultCacheBehavior: dcb({ ViewerProtocolPolicy: "redirect-https" }) }),
            expected: [
                'distributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy: "redirect-https" is not a valid ViewerProtocolPolicy; did you mean "redirect-to-https"?',
            ],
        },
        {
            name: "PriceClass typo",
            config: config({ PriceClass: "PriceClass_Al" }),
            expected: ['distributionConfig.PriceClass: "PriceClass_Al" is not a valid PriceClass; did you mean "PriceClass_All"?'],
        },
        {
            name: "HttpVersion typo",
            config: config({ HttpVersion: "http22" }),
            expected: ['distributionConfig.HttpVersion: "http22" is not a valid HttpVersion; did you mean "http2"?'],
        },
        {
            name: "OriginProtocolPolicy typo",
            config: config({
                Origins: { Items: [origin({ CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https_only" } })] },
            }),
            expected: [
                'distributionConfig.Origins.Items[0].CustomOriginConfig.OriginProtocolPolicy: "https_only" is not a valid OriginProtocolPolicy; did you mean "https-only"?',
            ],
        },
        {
            name: "wrong type: Enabled as a string",
            config: config({ Enabled: "true" }),
            expected: ['distributionConfig.Enabled: must be true or false, got the string "true" (write it without quotes)'],
        },
        {
            name: "duplicate PathPattern",
            config: config({ CacheBehaviors: { Items: [behavior("/a/*"), behavior("/a/*")] } }),
            expected: [
                'distributionConfig.CacheBehaviors.Items[1].PathPattern: "/a/*" is used twice (also at distributionConfig.CacheBehaviors.Items[0])',
            ],
        },
        {
            name: "missing PathPattern",
            config: config({ CacheBehaviors: { Items: [behavior(undefined)] } }),
            expected: ["distributionConfig.CacheBehaviors.Items[0].PathPattern: required"],
        },
        {
            name: "more than two function associations per behavior",
            config: config({ DefaultCacheBehavior: dcb({ FunctionAssociations: { Items: assoc(3, FN, "FunctionARN") } }) }),
            expected: ["distributionConfig.DefaultCacheBehavior.FunctionAssociations.Items: takes at most 2 items, got 3"],
        },
        {
            name: "more than four Lambda@Edge associations per behavior",
            config: config({
                CacheBehaviors: { Items: [behavior("/a/*", { LambdaFunctionAssociations: { Items: assoc(5, LAMBDA, "LambdaFunctionARN") } })] },
            }),
            expected: [
                "distributionConfig.CacheBehaviors.Items[0].LambdaFunctionAssociations.Items: takes at most 4 items, got 5",
                'distributionConfig.CacheBehaviors.Items[0].LambdaFunctionAssociations.Items[4].EventType: "viewer-request" is used twice',
            ],
        },
        {
            name: "Comment over 128 characters",
            config: config({ Comment: "x".repeat(129) }),
            expected: ["distributionConfig.Comment: is 129 characters long; CloudFront takes at most 128"],
        },
        {
            name: "ConnectionAttempts and timeouts out of range",
            config: config({
                Origins: {
                    Items: [
                        origin({
                            ConnectionAttempts: 4,
                            ConnectionTimeout: 0,
                            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only", OriginReadTimeout: 121 },
                        }),
                    ],
                },
            }),
            expected: [
                "distributionConfig.Origins.Items[0].CustomOriginConfig.OriginReadTimeout: must be from 1 to 120, got 121",
                "distributionConfig.Origins.Items[0].ConnectionAttempts: must be from 1 to 3, got 4",
                "distributionConfig.Origins.Items[0].ConnectionTimeout: must be from 1 to 10, got 0",
            ],
        },
        {
            name: "invalid ARNs: a function ARN, an unversioned Lambda@Edge ARN, a certificate outside us-east-1",
            config: config({
                DefaultCacheBehavior: dcb({
                    FunctionAssociations: {
                        Items: [{ EventType: "viewer-request", FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:x" }],
                    },
                    LambdaFunctionAssociations: {
                        Items: [{ EventType: "origin-request", LambdaFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:edge" }],
                    },
                }),
                ViewerCertificate: { ACMCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc", SSLSupportMethod: "sni-only" },
            }),
            expected: [
                'distributionConfig.DefaultCacheBehavior.FunctionAssociations.Items[0].FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:x" does not match',
                'distributionConfig.DefaultCacheBehavior.LambdaFunctionAssociations.Items[0].LambdaFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:edge" is not a Lambda function ARN with a numbered version',
                'distributionConfig.ViewerCertificate.ACMCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" is not an ACM certificate ARN in us-east-1',
            ],
        },
        {
            name: "tag count and characters",
            config: config(),
            tags: { ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"])), "bad#key": "v" },
            expected: ["tags: 51 tags; CloudFront takes at most 50", 'tags["bad#key"] key: "bad#key" does not match'],
        },
    ];
    for (const c of cases) {
        it(`rejects ${c.name}, naming the path`, async () => {
            const got = await reasons(c.config, c.tags);
            expect(got.length, got.join("\n")).to.equal(c.expected.length);
            for (const e of c.expected) {
                expect(
                    got.some((g) => g.includes(e)),
                    `${e}\nnot in\n${got.join("\n")}`,
                ).to.equal(true);
            }
        });
    }

    it("values unknown at preview are not judged", async () => {
        const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        expect(
            await reasons(
                config({
                    Enabled: UNKNOWN,
                    PriceClass: UNKNOWN,
                    DefaultCacheBehavior: dcb({ FunctionAssociations: { Items: [{ EventType: "viewer-request", FunctionARN: UNKNOWN }] } }),
                }),
            ),
        ).to.deep.equal([]);
    });

    it("the rules are generated: hundreds of them, from the SDK's model", () => {
        expect(RULE_COUNTS.total).to.be.greaterThan(300);
        expect(RULE_COUNTS.enum).to.be.greaterThan(10);
    });
});

describe("cloudfront.Function check: validation from the CloudFront API model", () => {
    const reasonsOf = async (news: object) =>
        ((await fn.check({}, { code: "function handler(e) { return e.request; }", ...news })).failures ?? []).map(
            (f) => `${f.property}: ${f.reason}`,
        );
    const KVS = (n: number) => `arn:aws:cloudfront::123456789012:key-value-store/${String(n).repeat(8)}-1111-2222-3333-444444444444`;

    it("at most one key value store", async () => {
        const r = await reasonsOf({ keyValueStoreAssociations: [KVS(1), KVS(2)] });
        expect(r).to.have.length(1);
        expect(r[0]).to.include("keyValueStoreAssociations: takes at most 1 key value store, got 2");
    });
    it("a comment of at most 128 characters", async () => {
        expect(await reasonsOf({ comment: "x".repeat(128) })).to.deep.equal([]);
        const r = await reasonsOf({ comment: "x".repeat(129) });
        expect(r).to.have.length(1);
        expect(r[0]).to.include("comment: is 129 characters long; CloudFront takes at most 128");
    });
    it("a key value store ARN of the right shape", async () => {
        const r = await reasonsOf({ keyValueStoreAssociations: ["arn:aws:cloudfront::123456789012:key-value-store/not-a-uuid"] });
        expect(r).to.have.length(1);
        expect(r[0]).to.include("keyValueStoreAssociations[0]").and.include("does not match");
    });
});
