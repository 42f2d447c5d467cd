/**
 * Least privilege, proven (docs/iam.md): the real engine runs ackless against
 * the emulator with IAM enforced, as IAM users bound only to the documented
 * policies (docs/iam/*.json).
 *
 * - apply.json: up (all four kinds: a KeyValueStore with items, a function
 *   associating it and tested before every publish), an update of every field kind, item and tag,
 *   destroy; read-only.json: preview and refresh of that stack;
 *   apply.json + adopt.json: adoption of resources made outside Pulumi.
 *   Each run is denied nothing, and every action of each statement was needed
 *   (allowed by that statement alone) by some call of the run: no policy
 *   carries an action the runs do not use.
 * - One action removed: ackless's error names it, the resource and the docs
 *   page, and nothing is half-made (the create is refused whole), or, where
 *   the missing action comes after the create (a function's publish), the
 *   next `up` with the action back finishes that same function.
 * - No access key id or secret key in any command output or exported state.
 */
import { AllocateAddressCommand, CreateNatGatewayCommand, DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
    CloudFrontClient,
    DescribeFunctionCommand,
    ListDistributionsCommand,
    ListFunctionsCommand,
    ListKeyValueStoresCommand,
    ListTagsForResourceCommand,
} from "@aws-sdk/client-cloudfront";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { Emulator, startEmulator } from "../helpers/emulator";
import { callsOf, createIamUser, denials, IamUser, PolicyName, readPolicy, unneededActions, withoutAction } from "../helpers/iam";
import { changeCounts, leaks, newProject, TestProject } from "../helpers/pulumi";
import { createDistribution, createPublishedFunction, createSubnet, waitDeployed } from "../emulator/fixtures";

const program = `
const pulumi = require("@pulumi/pulumi");
const { cloudfront, ec2 } = require("ackless");
const c = new pulumi.Config();
const v = c.get("variant") || "1";
const tags = v === "1" ? { team: "edge", stage: "dev" } : { team: "edge2", owner: "ops" };
const out = {};
if (c.get("nat") !== "off") {
    out.nat = new ec2.NatGateway("nat", { subnetId: c.require("subnetId"), allocationId: c.require("allocationId"), tags }).id;
}
const fnArgs = {
    code: "function handler(event) { return event.request; } // " + v,
    runtime: "cloudfront-js-2.0",
    // Run with TestFunction before every publish (and at preview when the code is unchanged).
    tests: [{ name: "passes the request on", event: { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "198.51.100.7" }, request: { method: "GET", uri: "/a", querystring: {}, headers: {}, cookies: {} } }, expect: { request: { uri: "/a" } } }],
    tags,
};
if (c.get("kvs") !== "off") {
    const store = new cloudfront.KeyValueStore("kvs", { comment: "iam " + v, items: v === "1" ? { a: "1", gone: "x" } : { a: "2", b: "new" }, tags });
    out.kvs = store.id;
    fnArgs.keyValueStoreAssociations = [store.arn];
}
if (c.get("fn") !== "off") {
    out.fn = new cloudfront.Function("fn", fnArgs).id;
}
// Two distributions: while several wait, ackless polls them with one ListDistributions.
for (const name of c.get("dist") === "off" ? [] : c.get("dist") === "one" ? ["dist"] : ["dist", "dist2"]) {
    out[name] = new cloudfront.Distribution(name, {
        distributionConfig: {
            Comment: "iam " + v,
            Origins: { Items: [{ Id: "o", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
            DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        },
        tags,
    }).id;
}
module.exports = out;
`;

const adoptProgram = `
const pulumi = require("@pulumi/pulumi");
const { cloudfront, ec2 } = require("ackless");
const c = new pulumi.Config();
const tags = { team: "adopted" };
exports.nat = new ec2.NatGateway("nat", { subnetId: c.require("subnetId"), connectivityType: "private", tags, adopt: { id: c.require("natId") } }).id;
exports.fn = new cloudfront.Function("fn", { name: c.require("fnName"), code: "function handler(event) { return event.request; } // adopted", comment: "test", tags, adopt: { id: c.require("fnName") } }).id;
exports.dist = new cloudfront.Distribution("dist", {
    distributionConfig: {
        Comment: "adopted",
        Origins: { Items: [{ Id: "origin", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    },
    tags,
    adopt: { id: c.require("distId") },
}).id;
`;

describe("e2e: IAM: ackless under the documented least-privilege policies", function () {
    let emu: Emulator;
    let ec2: EC2Client;
    let cf: CloudFrontClient;
    /** Every command output of this file, and the users whose keys must never appear in it. */
    const outputs: string[] = [];
    const users: IamUser[] = [];

    const record = <T extends { stdout: string; stderr: string }>(r: T): T => {
        outputs.push(r.stdout, r.stderr);
        return r;
    };
    /** The error of a command that must fail (its output recorded). */
    const failing = async (p: Promise<unknown>): Promise<string> => {
        try {
            await p;
        } catch (e) {
            const text = `${(e as Error).message}`;
            outputs.push(text);
            return text;
        }
        throw new Error("the command succeeded");
    };
    const user = async (policies: (PolicyName | { name: string; document: any })[]) => {
        const u = await createIamUser(emu, policies);
        users.push(u);
        return u;
    };
    const network = async () => {
        const { subnetId } = await createSubnet(ec2);
        const eip = await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
        return { subnetId, allocationId: eip.AllocationId! };
    };
    const liveNats = async () => ((await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? []).filter((n) => n.State !== "deleted");
    const distributions = async () => (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
    const functions = async () => (await cf.send(new ListFunctionsCommand({ Stage: "DEVELOPMENT" }))).FunctionList?.Items ?? [];
    const stores = async () => (await cf.send(new ListKeyValueStoresCommand({}))).KeyValueStoreList?.Items ?? [];

    before(async () => {
        // Distributions take 3 s to deploy, so the two of the apply run wait at the same time: the shared poller then
        // reads them with one ListDistributions (the action apply.json's Read carries for it), whatever the load.
        emu = await startEmulator({ iam: true, deploySeconds: 3 });
        const opts = { endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
        ec2 = new EC2Client(opts);
        cf = new CloudFrontClient(opts);
    });
    after(async () => {
        await emu?.stop();
    });

    describe("apply.json and read-only.json: create, update, preview, refresh, destroy", () => {
        let project: TestProject;
        let applier: IamUser;
        let reader: IamUser;

        before(async () => {
            applier = await user(["apply"]);
            reader = await user(["read-only"]);
            project = await newProject("iam-apply", program, applier.env(), await network().then((n) => ({ ...n })));
        });
        after(async () => {
            await project?.cleanup();
        });

        it("up as a user bound only to apply.json creates all four kinds", async () => {
            const up = record(await project.stack.up());
            expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 6 });
            expect((await liveNats()).length).to.equal(1);
            expect((await distributions()).length).to.equal(2);
            expect((await functions()).length).to.equal(1);
            expect((await stores()).length).to.equal(1);
        });

        it("up --refresh with a change of configuration, code and tags (added, changed, removed)", async () => {
            await project.stack.setConfig("variant", { value: "2" });
            const up = record(await project.stack.up({ refresh: true }));
            expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 5 });
            outputs.push(JSON.stringify(await project.stack.exportStack()));
        });

        it("preview and refresh as a user bound only to read-only.json change nothing and are denied nothing", async () => {
            const reading = await newProject("iam-apply", program, reader.env());
            try {
                // The same stack, read by another user: import the state.
                await reading.stack.importStack(await project.stack.exportStack());
                for (const [k, v] of Object.entries(await project.stack.getAllConfig())) {
                    await reading.stack.setConfig(k, { value: v.value });
                }
                const preview = record(await reading.stack.preview());
                expect(changeCounts(preview.changeSummary)).to.deep.equal({});
                const refresh = record(await reading.stack.refresh());
                expect(changeCounts(refresh.summary.resourceChanges)).to.deep.equal({});
            } finally {
                await reading.cleanup();
            }
            const calls = await callsOf(emu, reader);
            expect(calls.length).to.be.greaterThan(0);
            expect(denials(calls)).to.deep.equal([]);
            expect(unneededActions(calls, reader, ["read-only"]), "read-only.json actions no preview or refresh needed").to.deep.equal([]);
        });

        it("destroy as the apply.json user deletes everything", async () => {
            record(await project.stack.destroy());
            expect(await liveNats()).to.deep.equal([]);
            expect(await distributions()).to.deep.equal([]);
            expect(await functions()).to.deep.equal([]);
            expect(await stores()).to.deep.equal([]);
        });

        it("the apply.json user was denied nothing, and every action of every statement was needed", async () => {
            const calls = await callsOf(emu, applier);
            expect(denials(calls)).to.deep.equal([]);
            expect(unneededActions(calls, applier, ["apply"]), "apply.json actions no call needed").to.deep.equal([]);
        });
    });

    describe("apply.json + adopt.json: adoption", () => {
        let project: TestProject;
        let adopter: IamUser;

        before(async () => {
            adopter = await user(["apply", "adopt"]);
            const { subnetId } = await createSubnet(ec2);
            const nat = await ec2.send(
                new CreateNatGatewayCommand({
                    SubnetId: subnetId,
                    ConnectivityType: "private",
                    TagSpecifications: [{ ResourceType: "natgateway", Tags: [{ Key: "team", Value: "before" }] }],
                }),
            );
            const d = await createDistribution(cf);
            await waitDeployed(cf, d.id);
            const fn = await createPublishedFunction(cf, `adopted-${process.pid}`);
            project = await newProject("iam-adopt", adoptProgram, adopter.env(), {
                subnetId,
                natId: nat.NatGateway!.NatGatewayId!,
                distId: d.id,
                fnName: fn.name,
            });
        });
        after(async () => {
            await project?.cleanup();
        });

        it("adopts a NAT gateway, a distribution and a function made outside Pulumi, reconciling configuration and tags", async () => {
            const up = record(await project.stack.up());
            expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 4 });
            expect((await liveNats()).length).to.equal(1);
        });

        it("destroy deletes the adopted resources (stamped as ackless's at adoption, so apply.json may delete them)", async () => {
            record(await project.stack.destroy());
            expect(await liveNats()).to.deep.equal([]);
            expect(await distributions()).to.deep.equal([]);
            expect(await functions()).to.deep.equal([]);
        });

        it("denied nothing; every action of adopt.json was needed", async () => {
            const calls = await callsOf(emu, adopter);
            expect(denials(calls)).to.deep.equal([]);
            expect(unneededActions(calls, adopter, ["adopt"]), "adopt.json actions no call needed").to.deep.equal([]);
        });
    });

    describe("one action missing", () => {
        it("cloudfront:TagResource: the create is refused whole, the error names the action, the resource and docs/iam.md", async () => {
            const u = await user([{ name: "apply-no-tag", document: withoutAction(readPolicy("apply"), "cloudfront:TagResource") }]);
            const project = await newProject("iam-missing-tag", program, u.env(), { nat: "off", fn: "off", kvs: "off", dist: "one" });
            try {
                const message = await failing(project.stack.up());
                expect(message).to.contain("AWS AccessDenied (HTTP 403)");
                expect(message).to.contain("missing IAM permission cloudfront:TagResource on arn:aws:cloudfront::123456789012:distribution/*");
                expect(message).to.contain("docs/iam.md");
                expect(await distributions()).to.deep.equal([]);
                expect((await project.resources()).filter((r) => r.type.includes("ackless:"))).to.deep.equal([]);
            } finally {
                await project.cleanup();
            }
        });

        it("ec2:CreateTags: the NAT gateway create is refused whole (tag on create), nothing is made", async () => {
            const u = await user([{ name: "apply-no-ec2-tags", document: withoutAction(readPolicy("apply"), "ec2:CreateTags") }]);
            const project = await newProject("iam-missing-ec2-tags", program, u.env(), { ...(await network()), fn: "off", kvs: "off", dist: "off" });
            try {
                const message = await failing(project.stack.up());
                expect(message).to.contain("AWS UnauthorizedOperation (HTTP 403)");
                expect(message).to.match(/missing IAM permission ec2:CreateTags on arn:aws:ec2:us-east-1:123456789012:natgateway\/\*/);
                expect(message).to.contain("docs/iam.md");
                expect(await liveNats()).to.deep.equal([]);
            } finally {
                await project.cleanup();
            }
        });

        it("cloudfront:PublishFunction: fails at the call, naming the function; the half-made function stays marked, and the next up takes it over", async () => {
            const u = await user([{ name: "apply-no-publish", document: withoutAction(readPolicy("apply"), "cloudfront:PublishFunction") }]);
            const full = await user(["apply"]);
            const project = await newProject("iam-missing-publish", program, u.env(), { nat: "off", kvs: "off", dist: "off" });
            try {
                const message = await failing(project.stack.up());
                expect(message).to.match(/missing IAM permission cloudfront:PublishFunction on arn:aws:cloudfront::123456789012:function\/fn-\S+/);
                expect(message).to.contain("docs/iam.md");
                // CreateFunction had succeeded: the function stays, marked as an unfinished create (lifecycle R1), unknown to state.
                const left = await functions();
                expect(left.length).to.equal(1);
                const tags = await cf.send(new ListTagsForResourceCommand({ Resource: left[0].FunctionMetadata!.FunctionARN! }));
                expect(tags.Tags?.Items?.find((t) => t.Key === "ackless:pending-create")?.Value).to.equal(left[0].Name);
                expect((await project.resources()).filter((r) => r.type.includes("ackless:"))).to.deep.equal([]);
                // The same stack, now with the keys of a user bound to all of apply.json.
                Object.assign((project.stack.workspace as LocalWorkspace).envVars, full.env());
                record(await project.stack.up());
                // ... which the next up takes over: still one function, the same one, now published.
                const made = await functions();
                expect(made.map((f) => f.Name)).to.deep.equal([left[0].Name]);
                const live = await cf.send(new DescribeFunctionCommand({ Name: made[0].Name!, Stage: "LIVE" }));
                expect(live.FunctionSummary?.FunctionMetadata?.Stage).to.equal("LIVE");
                record(await project.stack.destroy());
            } finally {
                await project.cleanup();
            }
        });
    });

    describe("credentials", () => {
        it("no access key id or secret key appears in any command output or exported state of this file", () => {
            expect(outputs.length).to.be.greaterThan(0);
            expect(
                leaks(
                    outputs,
                    users.flatMap((u) => [u.accessKeyId, u.secretAccessKey]),
                ),
            ).to.deep.equal([]);
        });

        it("the check every e2e project runs at cleanup catches a program that prints a key", async () => {
            const u = await user(["read-only"]);
            const project = await newProject("iam-leak", `require("@pulumi/pulumi").log.info("key " + process.env.AWS_ACCESS_KEY_ID);`, u.env());
            await project.stack.preview();
            let error: Error | undefined;
            await project.cleanup().catch((e) => (error = e));
            expect(error?.message)
                .to.contain("AWS credentials appear in the output or state of project iam-leak")
                .and.contain(`${u.accessKeyId.slice(0, 4)}...`);
            expect(error?.message).to.not.contain(u.accessKeyId);
        });
    });
});
