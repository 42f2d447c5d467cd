/**
 * Adoption through the real Pulumi engine against the emulator, for
 * CloudFront: a distribution and a function made outside Pulumi (AWS SDK),
 * carrying user tags and CloudFormation's `aws:` system tags, are adopted by
 * one program (the distribution associating the function), with
 * `retainOnDelete` from the start. Preview only reads; up reconciles config,
 * code and user tags without creating anything or touching an aws: tag; a
 * user-tag change touches only that tag; destroy leaves both on AWS. A
 * missing distribution id fails and creates nothing.
 */
import {
    CloudFrontClient,
    DescribeFunctionCommand,
    GetDistributionCommand,
    GetDistributionConfigCommand,
    GetFunctionCommand,
    ListDistributionsCommand,
    ListFunctionsCommand,
    ListTagsForResourceCommand,
    TagResourceCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { fromKeyValueList } from "../../provider/common/tags";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { callsOf, denials, IamUser, underPolicies } from "../helpers/iam";
import { changeCounts, newProject, TestProject } from "../helpers/pulumi";
import { createDistribution, createPublishedFunction, text, waitDeployed } from "../emulator/fixtures";

const V2 = "function handler(event) { var r = event.request; r.uri = '/v2' + r.uri; return r; }";

const program = `
const pulumi = require("@pulumi/pulumi");
const { cloudfront } = require("ackless");
const config = new pulumi.Config();
const fn = new cloudfront.Function("fn", {
    name: config.require("fnName"),
    code: ${JSON.stringify(V2)},
    comment: "test",
    tags: { team: "edge" },
    adopt: { id: config.require("fnName") },
}, { retainOnDelete: true });
const site = new cloudfront.Distribution("site", {
    distributionConfig: {
        Comment: "managed by pulumi",
        Origins: { Items: [{ Id: "origin", DomainName: "example.com",
            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "redirect-to-https",
            CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
            FunctionAssociations: { Items: [{ EventType: "viewer-request", FunctionARN: fn.arn }] } },
    },
    tags: { team: config.require("team"), owner: "ops" },
    adopt: { id: config.require("distId") },
}, { retainOnDelete: true });
exports.distId = site.id;
exports.distArn = site.arn;
exports.distStatus = site.status;
exports.distTags = site.tags;
exports.distSystemTags = site.systemTags;
exports.fnId = fn.id;
exports.fnArn = fn.arn;
exports.fnPublished = fn.published;
exports.fnTags = fn.tags;
exports.fnSystemTags = fn.systemTags;
`;

const missingProgram = `
const { cloudfront } = require("ackless");
new cloudfront.Distribution("ghost", {
    distributionConfig: {
        Comment: "never made",
        Origins: { Items: [{ Id: "origin", DomainName: "example.com",
            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "redirect-to-https",
            CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    },
    adopt: { id: "E0000000MISSING", mode: "adopt" },
});
`;

const DIST_SYSTEM = {
    "aws:cloudformation:stack-name": "legacy",
    "aws:cloudformation:logical-id": "Cdn",
    "aws:cloudformation:stack-id": "arn:aws:cloudformation:us-east-1:123456789012:stack/legacy/1",
};
const FN_SYSTEM = {
    "aws:cloudformation:stack-name": "legacy",
    "aws:cloudformation:logical-id": "Rewrite",
};

/** Operations that change something on AWS. */
const MUTATING = /^(Create|Update|Delete|Tag|Untag|Publish)/;

describe("e2e: adopt a CloudFront distribution and function (made outside Pulumi) with the real engine", function () {
    let emu: Emulator;
    let cf: CloudFrontClient;
    let project: TestProject;
    let distId: string;
    let distArn: string;
    let callerReference: string;
    let fnName: string;
    let fnArn: string;
    /** ListDistributions / ListFunctions counts before Pulumi ran. */
    let baseline: { distributions: number; functions: number };

    const distributions = async () => (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
    /** Every function, once per stage (ListFunctions without Stage lists DEVELOPMENT and LIVE). */
    const functions = async () => (await cf.send(new ListFunctionsCommand({}))).FunctionList?.Items ?? [];
    const counts = async () => ({ distributions: (await distributions()).length, functions: (await functions()).length });
    const allTagsOf = async (arn: string) => fromKeyValueList((await cf.send(new ListTagsForResourceCommand({ Resource: arn }))).Tags?.Items);
    /** The tags, ackless's own bookkeeping tags (lifecycle.ts) left out. */
    const tagsOf = async (arn: string) => Object.fromEntries(Object.entries(await allTagsOf(arn)).filter(([k]) => !k.startsWith("ackless:")));
    const ops = async () => (await emu.calls()).filter((c) => c.service === "cloudfront").map((c) => c.operation);
    const liveCode = async (name: string) => text((await cf.send(new GetFunctionCommand({ Name: name, Stage: "LIVE" }))).FunctionCode);

    let user: IamUser;

    before(async () => {
        emu = await sharedEmulator({ deploySeconds: 1 });
        cf = new CloudFrontClient({
            endpoint: emu.endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });

        const fn = await createPublishedFunction(cf, "legacy-rewrite");
        fnName = fn.name;
        fnArn = fn.arn;
        await cf.send(new TagResourceCommand({ Resource: fnArn, Tags: { Items: [{ Key: "team", Value: "edge" }] } }));
        await emu.seedTags({ arn: fnArn }, FN_SYSTEM);

        const d = await createDistribution(cf);
        distId = d.id;
        distArn = d.arn;
        await waitDeployed(cf, distId);
        await cf.send(
            new TagResourceCommand({
                Resource: distArn,
                Tags: {
                    Items: [
                        { Key: "team", Value: "old" },
                        { Key: "owner", Value: "ops" },
                    ],
                },
            }),
        );
        await emu.seedTags({ arn: distArn }, DIST_SYSTEM);
        callerReference = (await cf.send(new GetDistributionConfigCommand({ Id: distId }))).DistributionConfig!.CallerReference!;

        baseline = await counts();
        expect(baseline).to.deep.equal({ distributions: 1, functions: 2 });
        // ackless runs as a user bound only to docs/iam/apply.json and adopt.json, IAM enforced.
        user = await underPolicies(emu, ["apply", "adopt"]);
        project = await newProject("adoptcf", program, user.env(), { fnName, distId, team: "web" });
    });

    after(async () => {
        await project?.cleanup();
        await emu?.stop();
    });

    it("preview shows the adoption plan of both and changes nothing on AWS", async () => {
        await emu.resetCalls();
        let out = "";
        const preview = await project.stack.preview({ onOutput: (s) => (out += s) });
        expect(changeCounts(preview.changeSummary)).to.deep.equal({ create: 3 });
        expect(out).to.include(`CloudFront function: will adopt ${fnName}: changes: code (UpdateFunction); publish DEVELOPMENT to LIVE`);
        expect(out).to.include(
            `CloudFront distribution: will adopt ${distId}: changes: UpdateDistribution of distributionConfig.Comment, ` +
                `distributionConfig.DefaultCacheBehavior.FunctionAssociations.Items[EventType="viewer-request"]: added; tags: ~team=web`,
        );
        const calls = await ops();
        expect(calls, "preview read the function and the distribution").to.include.members(["GetFunction", "GetDistribution", "ListTagsForResource"]);
        expect(calls.filter((o) => MUTATING.test(o))).to.deep.equal([]);
        expect(await counts()).to.deep.equal(baseline);
        expect((await distributions()).map((d) => d.Id)).to.deep.equal([distId]);
        expect([...new Set((await functions()).map((f) => f.Name))]).to.deep.equal([fnName]);
        expect(await tagsOf(distArn)).to.deep.equal({ ...DIST_SYSTEM, team: "old", owner: "ops" });
        expect(await liveCode(fnName)).to.not.equal(V2);
    });

    it("up adopts both: nothing new, ids kept, config/code/tags reconciled, every aws: tag kept", async () => {
        await emu.resetCalls();
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 3 });
        const out = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
        expect(out.distId).to.equal(distId);
        expect(out.distArn).to.equal(distArn);
        expect(out.fnId).to.equal(fnName);
        expect(out.fnArn).to.equal(fnArn);

        // Nothing new on AWS.
        const calls = await ops();
        expect(calls.filter((o) => o.startsWith("CreateDistribution") || o === "CreateFunction")).to.deep.equal([]);
        expect(await counts()).to.deep.equal(baseline);
        expect((await distributions()).map((d) => d.Id)).to.deep.equal([distId]);
        expect([...new Set((await functions()).map((f) => f.Name))]).to.deep.equal([fnName]);

        // The function: LIVE serves the new code.
        expect(calls).to.include.members(["UpdateFunction", "PublishFunction"]);
        expect(await liveCode(fnName)).to.equal(V2);
        expect(out.fnPublished).to.equal(true);

        // The distribution: the declared config, the live CallerReference, the function associated.
        const live = (await cf.send(new GetDistributionConfigCommand({ Id: distId }))).DistributionConfig!;
        expect(live.Comment).to.equal("managed by pulumi");
        expect(live.CallerReference).to.equal(callerReference);
        expect(live.DefaultCacheBehavior!.FunctionAssociations!.Items!.map((a) => [a.EventType, a.FunctionARN])).to.deep.equal([
            ["viewer-request", fnArn],
        ]);
        expect(out.distStatus).to.equal("Deployed");

        // Tags: user tags reconciled, every aws: tag still there (and read back as systemTags).
        expect(await tagsOf(distArn)).to.deep.equal({ ...DIST_SYSTEM, team: "web", owner: "ops" });
        expect(await tagsOf(fnArn)).to.deep.equal({ ...FN_SYSTEM, team: "edge" });
        // The adoption's incarnation (lifecycle R2) is on the distribution, which has tags in AWS's model.
        expect((await allTagsOf(distArn))["ackless:incarnation"])
            .to.be.a("string")
            .and.not.equal("");
        expect(out.distSystemTags).to.deep.equal(DIST_SYSTEM);
        expect(out.fnSystemTags).to.deep.equal(FN_SYSTEM);
        expect(out.distTags).to.deep.equal({ team: "web", owner: "ops" });
        expect(out.fnTags).to.deep.equal({ team: "edge" });
    });

    it("a changed user tag: only that tag changes, every aws: tag stays; preview then shows no changes", async () => {
        const before = await tagsOf(distArn);
        const fnBefore = await tagsOf(fnArn);
        await project.stack.setConfig("team", { value: "platform" });
        await emu.resetCalls();
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
        const after = await tagsOf(distArn);
        const changed = Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
        expect(changed).to.deep.equal(["team"]);
        expect(after).to.deep.equal({ ...DIST_SYSTEM, team: "platform", owner: "ops" });
        expect(await tagsOf(fnArn)).to.deep.equal(fnBefore);
        expect((await ops()).filter((o) => MUTATING.test(o))).to.deep.equal(["TagResource"]);
        expect(up.outputs.distSystemTags.value).to.deep.equal(DIST_SYSTEM);

        const preview = await project.stack.preview();
        expect(Object.keys(preview.changeSummary ?? {})).to.deep.equal(["same"]);
        expect(preview.changeSummary.same).to.equal(3);
    });

    it("adopt of a missing distribution id fails naming the id, and nothing is created", async () => {
        const ghost = await newProject("adoptcf-missing", missingProgram, user.env());
        try {
            await emu.resetCalls();
            const failure = async (p: Promise<unknown>) => {
                try {
                    await p;
                } catch (err) {
                    return String((err as Error).message);
                }
                return undefined;
            };
            const previewError = await failure(ghost.stack.preview());
            expect(previewError, "preview must fail").to.be.a("string");
            expect(previewError).to.include("E0000000MISSING does not exist").and.include("nothing was created");
            const upError = await failure(ghost.stack.up());
            expect(upError, "up must fail").to.be.a("string");
            expect(upError).to.include("E0000000MISSING does not exist");
            expect((await ops()).filter((o) => o.startsWith("CreateDistribution"))).to.deep.equal([]);
            expect((await ops()).filter((o) => MUTATING.test(o))).to.deep.equal([]);
            expect(await counts()).to.deep.equal(baseline);
            expect(await ghost.resources()).to.deep.equal([]);
        } finally {
            await ghost.cleanup();
        }
    });

    it("destroy with retainOnDelete leaves both on AWS, enabled and published, tags intact", async () => {
        await emu.resetCalls();
        await project.stack.destroy();
        expect(await project.resources()).to.deep.equal([]);
        expect((await ops()).filter((o) => MUTATING.test(o))).to.deep.equal([]);

        const dist = (await cf.send(new GetDistributionCommand({ Id: distId }))).Distribution!;
        expect(dist.DistributionConfig!.Enabled).to.equal(true);
        expect(dist.Status).to.equal("Deployed");
        expect(await tagsOf(distArn)).to.deep.equal({ ...DIST_SYSTEM, team: "platform", owner: "ops" });

        const liveStage = await cf.send(new DescribeFunctionCommand({ Name: fnName, Stage: "LIVE" }));
        expect(liveStage.FunctionSummary!.FunctionMetadata!.Stage).to.equal("LIVE");
        expect(await liveCode(fnName)).to.equal(V2);
        expect(await tagsOf(fnArn)).to.deep.equal({ ...FN_SYSTEM, team: "edge" });
        expect(await counts()).to.deep.equal(baseline);
        expect([...new Set((await functions()).map((f) => f.Name))]).to.deep.equal([fnName]);
    });

    it("the IAM user (apply.json + adopt.json) was denied nothing", async () => {
        expect(denials(await callsOf(emu, user))).to.deep.equal([]);
    });
});
