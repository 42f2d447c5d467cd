/**
 * Field ownership at every depth (provider/cloudfront/ownership.ts, used by
 * cloudfront.Distribution): what update sends (merge onto live), what diff
 * reports (every path, resets included), what is stored (projection), for
 * declared, removed and never-declared fields, keyed lists, sets and order.
 */
import { expect } from "chai";
import { changes, describeChanges, mergeOwned, ownedPaths, project, toCanonical, toWire } from "../../provider/cloudfront/ownership";
import { configDelta, mergeOntoLive, observedConfig } from "../../provider/cloudfront/distribution/delta";

const VR = "viewer-request";
const FN = "arn:aws:cloudfront::123456789012:function/rewrite";
const LIVE = {
    CallerReference: "ref",
    Comment: "live",
    Enabled: true,
    Aliases: { Quantity: 2, Items: ["b.example.com", "a.example.com"] },
    Origins: {
        Quantity: 2,
        Items: [
            { Id: "web", DomainName: "web.example.com", OriginAccessControlId: "OAC1", S3OriginConfig: { OriginAccessIdentity: "" } },
            { Id: "other", DomainName: "other.example.com" },
        ],
    },
    DefaultCacheBehavior: {
        TargetOriginId: "web",
        ViewerProtocolPolicy: "allow-all",
        TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: ["KG1"] },
        FunctionAssociations: { Quantity: 1, Items: [{ EventType: VR, FunctionARN: FN }] },
        ResponseHeadersPolicyId: "RHP1",
        AllowedMethods: { Quantity: 2, Items: ["HEAD", "GET"], CachedMethods: { Quantity: 2, Items: ["HEAD", "GET"] } },
    },
    CacheBehaviors: {
        Quantity: 2,
        Items: [
            { PathPattern: "/a/*", TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" },
            { PathPattern: "/b/*", TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" },
        ],
    },
};
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const dcb = (extra: object = {}) => ({ TargetOriginId: "web", ViewerProtocolPolicy: "allow-all", ...extra });

describe("field ownership: merge onto live (what UpdateDistribution sends)", () => {
    const cases: { name: string; declared: any; previous?: any; check: (sent: any) => void }[] = [
        {
            name: "a declared nested field is applied; its never-declared siblings (key groups, associations, policy) survive",
            declared: { DefaultCacheBehavior: dcb({ ViewerProtocolPolicy: "redirect-to-https" }) },
            check: (s) => {
                expect(s.DefaultCacheBehavior.ViewerProtocolPolicy).to.equal("redirect-to-https");
                expect(s.DefaultCacheBehavior.TrustedKeyGroups).to.deep.equal({ Enabled: true, Quantity: 1, Items: ["KG1"] });
                expect(s.DefaultCacheBehavior.FunctionAssociations).to.deep.equal({ Quantity: 1, Items: [{ EventType: VR, FunctionARN: FN }] });
                expect(s.DefaultCacheBehavior.ResponseHeadersPolicyId).to.equal("RHP1");
                expect(s.Aliases.Items).to.have.members(["a.example.com", "b.example.com"]);
            },
        },
        {
            name: "a keyed origin merges by Id: its OriginAccessControlId and S3OriginConfig survive; an origin never declared stays",
            declared: { Origins: { Items: [{ Id: "web", DomainName: "new.example.com" }] } },
            check: (s) => {
                expect(s.Origins.Quantity).to.equal(2);
                expect(s.Origins.Items[0]).to.deep.equal({
                    Id: "web",
                    DomainName: "new.example.com",
                    OriginAccessControlId: "OAC1",
                    S3OriginConfig: { OriginAccessIdentity: "" },
                });
                expect(s.Origins.Items[1].Id).to.equal("other");
            },
        },
        {
            name: "a field declared before and removed now is left out (CloudFront resets it); a keyed item declared before goes",
            previous: {
                Comment: "x",
                DefaultCacheBehavior: dcb({ FunctionAssociations: { Items: [{ EventType: VR, FunctionARN: FN }] } }),
                Origins: {
                    Items: [
                        { Id: "web", DomainName: "d" },
                        { Id: "other", DomainName: "o" },
                    ],
                },
            },
            declared: { DefaultCacheBehavior: dcb(), Origins: { Items: [{ Id: "web", DomainName: "d" }] } },
            check: (s) => {
                expect(s).to.not.have.property("Comment");
                expect(s.DefaultCacheBehavior).to.not.have.property("FunctionAssociations");
                expect(s.DefaultCacheBehavior.TrustedKeyGroups.Items).to.deep.equal(["KG1"]); // never declared
                expect(s.Origins).to.deep.equal({
                    Quantity: 1,
                    Items: [{ Id: "web", DomainName: "d", OriginAccessControlId: "OAC1", S3OriginConfig: { OriginAccessIdentity: "" } }],
                });
            },
        },
        {
            name: "a removed keyed list keeps the items the program never declared (someone else's)",
            previous: { DefaultCacheBehavior: dcb({ FunctionAssociations: { Items: [{ EventType: "viewer-response", FunctionARN: FN }] } }) },
            declared: { DefaultCacheBehavior: dcb() },
            check: (s) =>
                expect(s.DefaultCacheBehavior.FunctionAssociations).to.deep.equal({ Quantity: 1, Items: [{ EventType: VR, FunctionARN: FN }] }),
        },
        {
            name: "cache behaviors keep the declared order (precedence); Quantity always follows Items",
            declared: {
                CacheBehaviors: {
                    Items: [
                        { PathPattern: "/b/*", TargetOriginId: "web", ViewerProtocolPolicy: "https-only" },
                        { PathPattern: "/a/*", TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" },
                    ],
                },
                Aliases: {},
            },
            check: (s) => {
                expect(s.CacheBehaviors.Items.map((b: any) => b.PathPattern)).to.deep.equal(["/b/*", "/a/*"]);
                expect(s.CacheBehaviors.Items[0].ViewerProtocolPolicy).to.equal("https-only");
                expect(s.Aliases).to.deep.equal({ Quantity: 0 });
            },
        },
        {
            name: "an empty keyed list declared is owned whole: no items",
            declared: { DefaultCacheBehavior: dcb({ FunctionAssociations: { Items: [] } }) },
            check: (s) => expect(s.DefaultCacheBehavior.FunctionAssociations).to.deep.equal({ Quantity: 0 }),
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const previous = c.previous ? ownedPaths(toCanonical(c.previous)) : [];
            const sent = mergeOntoLive(clone(LIVE) as any, c.declared, previous) as any;
            expect(sent.CallerReference).to.equal("ref");
            c.check(sent);
        });
    }
});

describe("field ownership: diff (every changed path, resets, sets, keyed lists, order)", () => {
    const owned = (declared: object) => ownedPaths(toCanonical(declared));
    const stored = (declared: object) => observedConfig(LIVE as any, owned(declared), false);
    const cases: { name: string; before: any; now: any; live?: any; expected: string[] }[] = [
        { name: "nothing changed", before: { Comment: "live" }, now: { Comment: "live" }, expected: [] },
        {
            name: "a nested change names its full path",
            before: { DefaultCacheBehavior: dcb() },
            now: { DefaultCacheBehavior: dcb({ ViewerProtocolPolicy: "https-only" }) },
            expected: ["distributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy"],
        },
        {
            name: "a reset: declared before, removed now",
            before: { DefaultCacheBehavior: dcb({ FunctionAssociations: { Items: [{ EventType: VR, FunctionARN: FN }] } }) },
            now: { DefaultCacheBehavior: dcb() },
            expected: ["distributionConfig.DefaultCacheBehavior.FunctionAssociations: reset (declared before, removed)"],
        },
        {
            name: "a keyed item removed is a reset of that item; one added is named by its key",
            before: {
                Origins: {
                    Items: [
                        { Id: "web", DomainName: "web.example.com" },
                        { Id: "other", DomainName: "other.example.com" },
                    ],
                },
            },
            now: {
                Origins: {
                    Items: [
                        { Id: "web", DomainName: "web.example.com" },
                        { Id: "new", DomainName: "n.example.com" },
                    ],
                },
            },
            expected: [
                'distributionConfig.Origins.Items[Id="new"]: added',
                'distributionConfig.Origins.Items[Id="other"]: reset (declared before, removed)',
            ],
        },
        {
            name: "sets compare without order (AWS returned HEAD, GET for GET, HEAD)",
            before: {
                DefaultCacheBehavior: dcb({ AllowedMethods: { Items: ["GET", "HEAD"], CachedMethods: { Items: ["GET", "HEAD"] } } }),
                Aliases: { Items: ["a.example.com", "b.example.com"] },
            },
            now: {
                DefaultCacheBehavior: dcb({ AllowedMethods: { Items: ["GET", "HEAD"], CachedMethods: { Items: ["GET", "HEAD"] } } }),
                Aliases: { Items: ["a.example.com", "b.example.com"] },
            },
            expected: [],
        },
        {
            name: "a set with another member is a change",
            before: { Aliases: { Items: ["a.example.com", "b.example.com"] } },
            now: { Aliases: { Items: ["a.example.com", "c.example.com"] } },
            expected: ["distributionConfig.Aliases.Items"],
        },
        {
            name: "cache behaviors reordered: precedence changed",
            before: { CacheBehaviors: LIVE.CacheBehaviors },
            now: { CacheBehaviors: { Items: [LIVE.CacheBehaviors.Items[1], LIVE.CacheBehaviors.Items[0]] } },
            expected: ["distributionConfig.CacheBehaviors.Items: reordered"],
        },
        {
            name: "drift in a never-declared field is invisible; in an owned one it shows",
            before: { DefaultCacheBehavior: dcb() },
            now: { DefaultCacheBehavior: dcb() },
            live: {
                ...clone(LIVE),
                Comment: "edited",
                DefaultCacheBehavior: { ...clone(LIVE.DefaultCacheBehavior), ViewerProtocolPolicy: "https-only", ResponseHeadersPolicyId: "OTHER" },
            },
            expected: ["distributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy"],
        },
        {
            name: "Quantity is never compared: Items: [] declared equals AWS's { Quantity: 0 }",
            before: { DefaultCacheBehavior: dcb({ LambdaFunctionAssociations: { Items: [] } }) },
            now: { DefaultCacheBehavior: dcb({ LambdaFunctionAssociations: {} }) },
            live: { ...clone(LIVE), DefaultCacheBehavior: { ...clone(LIVE.DefaultCacheBehavior), LambdaFunctionAssociations: { Quantity: 0 } } },
            expected: [],
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const view = c.live ? observedConfig(c.live, owned(c.before), false) : stored(c.before);
            const delta = configDelta(view, c.now, owned(c.before));
            expect(delta.map((d) => describeChanges([d]))).to.deep.equal(c.expected);
        });
    }

    it("the stored view holds only owned fields, sets and keyed lists in a canonical order", () => {
        const view = stored({
            Aliases: { Items: ["a.example.com"] },
            DefaultCacheBehavior: dcb({ AllowedMethods: { Items: ["GET", "HEAD"] } }),
            Origins: { Items: [{ Id: "web", DomainName: "x" }] },
        });
        expect(view).to.deep.equal({
            Aliases: { Quantity: 2, Items: ["a.example.com", "b.example.com"] },
            DefaultCacheBehavior: {
                TargetOriginId: "web",
                ViewerProtocolPolicy: "allow-all",
                AllowedMethods: { Quantity: 2, Items: ["GET", "HEAD"] },
            },
            Origins: { Quantity: 1, Items: [{ Id: "web", DomainName: "web.example.com" }] },
        });
    });

    it("owned paths are compact leaf paths, keyed items named by their key", () => {
        expect(
            ownedPaths(
                toCanonical({
                    CallerReference: "r",
                    Origins: { Items: [{ Id: "web", DomainName: "d" }] },
                    Aliases: {},
                    CacheBehaviors: { Items: [{ PathPattern: "/img/*.jpg" }] },
                }),
            ),
        ).to.deep.equal([
            "Aliases.Items",
            'CacheBehaviors.Items[PathPattern="/img/*.jpg"].PathPattern',
            'Origins.Items[Id="web"].DomainName',
            'Origins.Items[Id="web"].Id',
        ]);
    });

    it("the raw functions agree: merge then project gives back what is declared", () => {
        const declared = toCanonical({ DefaultCacheBehavior: dcb({ ViewerProtocolPolicy: "https-only" }), Aliases: { Items: ["z.example.com"] } });
        const merged = mergeOwned(toCanonical(clone(LIVE)), declared, []);
        const paths = ownedPaths(declared);
        expect(changes(project(merged, paths), declared, paths)).to.deep.equal([]);
        expect(toWire(merged).Aliases).to.deep.equal({ Quantity: 1, Items: ["z.example.com"] });
    });
});
