/**
 * cloudfront.Distribution provider, fault paths with a mocked CloudFront
 * client (aws-sdk-client-mock): 412 races, 409 right after Deployed,
 * NoSuchDistribution mid-way, deadlines, network errors, plus check and diff.
 * Throttling (the SDK's own retries, in real time) is in
 * distribution-throttling.integration.test.ts.
 */
import {
    CloudFrontClient,
    CreateDistributionWithTagsCommand,
    DeleteDistributionCommand,
    GetDistributionCommand,
    GetDistributionConfigCommand,
    ListDistributionsCommand,
    ListTagsForResourceCommand,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { provider } from "../../provider/cloudfront/distribution/adapter";
import { MAX_PRECONDITION_RETRIES } from "../../provider/cloudfront/distribution/sdk";
import { MAX_KEYS as MAX_CALLER_REFERENCES } from "../../provider/lifecycle/driver";
import { PENDING_CREATE_TAG } from "../../provider/lifecycle/rules";
import { resetClients } from "../../provider/common/clients";
import { setProviderEnv } from "../helpers/env";
import { useFakeTime } from "../helpers/fake-clock";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function awsError(name: string, status: number, message = name): Error {
    return Object.assign(new Error(message), { name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status } });
}
const noSuch = () => awsError("NoSuchDistribution", 404, "The specified distribution does not exist.");

/** A one-distribution CloudFront with the ETag/status contract, and per-operation fault queues. */
class FakeCloudFront {
    exists = true;
    enabled = true;
    status = "Deployed";
    etag = "E1";
    private n = 1;
    /** GetDistribution reads that still show InProgress after a change. */
    inProgressReads = 1;
    private pending = 0;
    faults: Record<string, (Error | "bump")[]> = {};
    callerReference = "ref-1";
    id = "D1";
    extra = { Logging: { Enabled: true, IncludeCookies: false, Bucket: "logs.s3.amazonaws.com", Prefix: "cf/" } };

    config() {
        return {
            CallerReference: this.callerReference,
            Comment: "",
            Enabled: this.enabled,
            Origins: { Quantity: 1, Items: [{ Id: "web", DomainName: "example.com" }] },
            DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" },
            ...this.extra,
        };
    }
    changed() {
        this.etag = `E${++this.n}`;
        this.status = "InProgress";
        this.pending = this.inProgressReads;
    }
    private fault(op: string) {
        const next = this.faults[op]?.shift();
        if (next === "bump") {
            this.changed(); // someone else changed it just now: our ETag is stale
            return;
        }
        if (next) throw next;
    }
    getDistribution() {
        this.fault("GetDistribution");
        if (!this.exists) throw noSuch();
        if (this.status === "InProgress") {
            if (this.pending > 0) this.pending--;
            else this.status = "Deployed";
        }
        return {
            ETag: this.etag,
            Distribution: {
                Id: this.id,
                ARN: `arn:aws:cloudfront::123456789012:distribution/${this.id}`,
                DomainName: `${this.id.toLowerCase()}.cloudfront.net`,
                Status: this.status,
                LastModifiedTime: new Date("2026-01-01T00:00:00Z"),
                DistributionConfig: this.config(),
            },
        };
    }
    getConfig() {
        this.fault("GetDistributionConfig");
        if (!this.exists) throw noSuch();
        return { ETag: this.etag, DistributionConfig: this.config() };
    }
    update(input: any) {
        this.fault("UpdateDistribution");
        if (!this.exists) throw noSuch();
        if (input.IfMatch !== this.etag) throw awsError("PreconditionFailed", 412);
        this.enabled = input.DistributionConfig.Enabled;
        this.changed();
        return this.getDistribution();
    }
    delete(input: any) {
        this.fault("DeleteDistribution");
        if (!this.exists) throw noSuch();
        if (input.IfMatch !== this.etag) throw awsError("PreconditionFailed", 412);
        if (this.enabled || this.status !== "Deployed") throw awsError("DistributionNotDisabled", 409);
        this.exists = false;
        return {};
    }
}

describe("cloudfront.Distribution provider (mocked AWS)", function () {
    useFakeTime();
    let cf: AwsClientStub<CloudFrontClient>;
    let fake: FakeCloudFront;
    const saved = { min: process.env.ACKLESS_POLL_MIN_MS, max: process.env.ACKLESS_POLL_MAX_MS };

    before(() => {
        cf = mockClient(CloudFrontClient);
        process.env.ACKLESS_POLL_MIN_MS = "5";
        process.env.ACKLESS_POLL_MAX_MS = "20";
    });
    after(() => {
        process.env.ACKLESS_POLL_MIN_MS = saved.min;
        process.env.ACKLESS_POLL_MAX_MS = saved.max;
        if (saved.min === undefined) delete process.env.ACKLESS_POLL_MIN_MS;
        if (saved.max === undefined) delete process.env.ACKLESS_POLL_MAX_MS;
        cf.restore();
    });
    beforeEach(() => {
        resetClients();
        cf.reset();
        fake = new FakeCloudFront();
        // The fake holds one distribution (D1 unless a test says otherwise); any other id does not exist.
        cf.on(GetDistributionCommand).callsFake((input) => (input.Id === fake.id ? fake.getDistribution() : Promise.reject(noSuch())));
        cf.on(GetDistributionConfigCommand).callsFake((input) => (input.Id === fake.id ? fake.getConfig() : Promise.reject(noSuch())));
        cf.on(UpdateDistributionCommand).callsFake((input) => fake.update(input));
        cf.on(DeleteDistributionCommand).callsFake((input) => fake.delete(input));
        cf.on(ListTagsForResourceCommand).resolves({
            Tags: {
                Items: [
                    { Key: "aws:cloudformation:stack-name", Value: "legacy" },
                    { Key: "team", Value: "web" },
                ],
            },
        });
        cf.on(TagResourceCommand).resolves({});
        cf.on(UntagResourceCommand).resolves({});
    });

    const calls = (cmd: any) => cf.commandCalls(cmd).map((c) => c.args[0].input as any);
    async function rejection(p: Promise<unknown>): Promise<any> {
        try {
            await p;
        } catch (err) {
            return err;
        }
        throw new Error("expected a rejection");
    }

    describe("delete", () => {
        it("412 on DeleteDistribution (the ETag moved): re-reads the ETag and retries with the new one", async () => {
            fake.enabled = false;
            fake.faults.DeleteDistribution = ["bump"];
            await provider.delete("D1", {});
            const deletes = calls(DeleteDistributionCommand);
            expect(deletes.map((d) => d.IfMatch)).to.deep.equal(["E1", "E2"]);
            expect(fake.exists).to.equal(false);
        });

        it("412 on the disable: re-reads GetDistributionConfig and updates with the fresh ETag", async () => {
            fake.faults.UpdateDistribution = ["bump"];
            await provider.delete("D1", {});
            expect(calls(GetDistributionConfigCommand).length).to.equal(2);
            expect(calls(UpdateDistributionCommand).map((u) => u.IfMatch)).to.deep.equal(["E1", "E2"]);
            expect(fake.exists).to.equal(false);
        });

        it("the disable sends the raw live config with only Enabled flipped (fields ackless does not model survive)", async () => {
            await provider.delete("D1", { distributionConfig: { Comment: "from inputs" } });
            const sent = calls(UpdateDistributionCommand)[0].DistributionConfig;
            expect(sent).to.deep.equal({ ...fake.config(), Enabled: false });
            expect(sent.Logging).to.deep.equal(fake.extra.Logging);
        });

        it("a 412 that never stops is bounded and reported with its AWS code", async () => {
            fake.faults.UpdateDistribution = Array(20).fill("bump");
            const err = await rejection(provider.delete("D1", {}));
            expect(calls(UpdateDistributionCommand).length).to.equal(MAX_PRECONDITION_RETRIES + 1);
            expect(err.message).to.include("PreconditionFailed");
            expect(err.message).to.include("pulumi destroy");
        });

        it("409 DistributionNotDisabled right after Deployed: retried briefly, then deleted", async () => {
            fake.enabled = false;
            fake.faults.DeleteDistribution = [awsError("DistributionNotDisabled", 409), awsError("DistributionNotDisabled", 409)];
            await provider.delete("D1", {});
            expect(calls(DeleteDistributionCommand).length).to.equal(3);
            expect(fake.exists).to.equal(false);
        });

        it("409 DistributionNotDisabled is retried for a time budget (3 minutes by default, here 3 s), not a fixed count, then fails naming it", async () => {
            const restore = setProviderEnv({ ACKLESS_NOT_DISABLED_RETRY_S: "3" });
            try {
                fake.enabled = false;
                fake.faults.DeleteDistribution = Array(50).fill(awsError("DistributionNotDisabled", 409));
                const err = await rejection(provider.delete("D1", {}));
                expect(err.message).to.include("DistributionNotDisabled");
                // 0.5 + 1 + 2 s of backoff fit in 3 s: at least 4 attempts, and it stopped well before the 50 faults ran out.
                expect(calls(DeleteDistributionCommand).length).to.be.within(4, 10);
                expect(fake.exists).to.equal(true);
            } finally {
                restore();
            }
        });

        it("409 that outlasts the deadline: fails naming the step and how to resume", async () => {
            fake.enabled = false;
            fake.faults.DeleteDistribution = Array(50).fill(awsError("DistributionNotDisabled", 409));
            const err = await rejection(provider.delete("D1", { deleteTimeoutMinutes: 0.01 }));
            expect(err.message).to.include("DistributionNotDisabled");
            expect(err.message).to.include("while deleting");
            expect(err.message).to.include("Run `pulumi destroy` again");
            expect(fake.exists).to.equal(true);
        });

        it("NoSuchDistribution at any step means done", async () => {
            fake.faults.UpdateDistribution = [noSuch()];
            await provider.delete("D1", {});
            expect(calls(DeleteDistributionCommand).length).to.equal(0);

            cf.resetHistory();
            fake = new FakeCloudFront();
            fake.faults.GetDistributionConfig = [noSuch()];
            await provider.delete("D1", {});
            expect(calls(UpdateDistributionCommand).length).to.equal(0);

            cf.resetHistory();
            fake = new FakeCloudFront();
            fake.enabled = false;
            fake.faults.DeleteDistribution = [noSuch()];
            await provider.delete("D1", {});
            expect(calls(DeleteDistributionCommand).length).to.equal(1);
        });

        it("deadline exceeded while InProgress: an error naming the step, the state and `pulumi destroy`", async () => {
            fake.status = "InProgress";
            fake.inProgressReads = Number.MAX_SAFE_INTEGER;
            fake.changed();
            const err = await rejection(provider.delete("D1", { deleteTimeoutMinutes: 0.002 }));
            expect(err.name).to.equal("AcklessError");
            expect(err.message).to.include("deadline (deleteTimeoutMinutes) passed while waiting for a pending change to deploy before disabling");
            expect(err.message).to.include("enabled and InProgress");
            expect(err.message).to.include("Run `pulumi destroy` again to resume");
            expect(calls(UpdateDistributionCommand).length).to.equal(0);
        });

        it("network errors surface as 'could not reach AWS' with the step and the resume hint", async () => {
            fake.faults.GetDistribution = [Object.assign(new Error("socket hang up"), { name: "ECONNRESET" })];
            const err = await rejection(provider.delete("D1", {}));
            expect(err.message).to.include("could not reach AWS");
            expect(err.message).to.include("ECONNRESET");
            expect(err.message).to.include("pulumi destroy");
        });
    });

    describe("update", () => {
        const olds = {
            distributionConfig: {
                CallerReference: "ref-1",
                Comment: "",
                Enabled: true,
                Origins: { Quantity: 1, Items: [{ Id: "web", DomainName: "example.com" }] },
            },
            tags: { team: "web" },
        };

        it("412 on UpdateDistribution: re-reads the config and retries with the fresh ETag", async () => {
            const news = { ...olds, distributionConfig: { ...olds.distributionConfig, Comment: "v2" } };
            fake.faults.UpdateDistribution = ["bump"];
            const out = await provider.update("D1", olds, news);
            expect(calls(UpdateDistributionCommand).map((u) => u.IfMatch)).to.deep.equal(["E1", "E2"]);
            expect(calls(UpdateDistributionCommand)[1].DistributionConfig.Comment).to.equal("v2");
            expect(out.outs!.status).to.equal("Deployed");
            expect(out.outs!.systemTags).to.deep.equal({ "aws:cloudformation:stack-name": "legacy" });
        });

        it("a tags-only change never calls UpdateDistribution, and never touches aws: keys", async () => {
            const out = await provider.update("D1", olds, { ...olds, tags: { owner: "ops" } });
            expect(calls(UpdateDistributionCommand)).to.deep.equal([]);
            expect(calls(TagResourceCommand)[0].Tags).to.deep.equal({ Items: [{ Key: "owner", Value: "ops" }] });
            expect(calls(UntagResourceCommand)[0].TagKeys).to.deep.equal({ Items: ["team"] });
            expect(out.outs!.tags).to.deep.equal({ owner: "ops" });
        });

        for (const [what, news] of [
            ["a config change", { ...olds, distributionConfig: { ...olds.distributionConfig, Comment: "v2" } }],
            ["a tags-only change", { ...olds, tags: { owner: "ops" } }],
        ] as const) {
            it(`${what} of a distribution deleted outside Pulumi says it no longer exists and to refresh; nothing is written`, async () => {
                fake.exists = false;
                const err = await rejection(provider.update("D1", olds, news));
                expect(err.message).to.equal(
                    "updating CloudFront distribution D1: it no longer exists; run `pulumi refresh` (or `pulumi up --refresh`) to recreate it",
                );
                expect((err as { awsCode?: string }).awsCode).to.equal("NoSuchDistribution");
                expect(calls(UpdateDistributionCommand)).to.deep.equal([]);
                expect(calls(TagResourceCommand)).to.deep.equal([]);
            });
        }

        it("network error on the update is reported as such", async () => {
            fake.faults.UpdateDistribution = [Object.assign(new Error("connect ETIMEDOUT"), { name: "TimeoutError" })];
            const err = await rejection(provider.update("D1", olds, { ...olds, distributionConfig: { ...olds.distributionConfig, Comment: "v2" } }));
            expect(err.message).to.include("could not reach AWS");
        });
    });

    describe("create", () => {
        it("sends only the user's tags, and a deploy wait that times out warns instead of orphaning the distribution", async () => {
            cf.on(CreateDistributionWithTagsCommand).callsFake((input) => {
                fake.changed();
                fake.inProgressReads = Number.MAX_SAFE_INTEGER;
                fake.changed();
                return {
                    ETag: fake.etag,
                    Distribution: { ...fake.getDistribution().Distribution, DistributionConfig: input.DistributionConfigWithTags.DistributionConfig },
                };
            });
            const checked = await provider.check(
                {},
                {
                    distributionConfig: {
                        Origins: { Items: [{ Id: "web", DomainName: "example.com" }] },
                        DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" },
                    },
                    tags: { team: "web" },
                    deployTimeoutMinutes: 0.001,
                },
            );
            const out = await provider.create(checked.inputs);
            expect(out.id).to.equal("D1");
            expect(out.outs.status).to.equal("InProgress");
            // The user's tags, plus the unfinished-create marker (removed once the create is done) and the incarnation.
            const ref = checked.inputs.distributionConfig.CallerReference;
            expect(calls(CreateDistributionWithTagsCommand)[0].DistributionConfigWithTags.Tags).to.deep.equal({
                Items: [
                    { Key: "team", Value: "web" },
                    { Key: "ackless:incarnation", Value: out.outs.incarnation },
                    { Key: PENDING_CREATE_TAG, Value: ref },
                ],
            });
        });
    });

    describe("create retried after an interrupted create (CallerReference)", () => {
        const identity = "proj/dev//site";
        const program = (extra: Record<string, unknown> = {}) => ({
            __identity: identity,
            distributionConfig: {
                Origins: { Items: [{ Id: "web", DomainName: "example.com" }] },
                DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" },
                ...extra,
            },
            tags: { team: "web", env: "prod" },
        });
        const alreadyExists = (id?: string) =>
            awsError(
                "DistributionAlreadyExists",
                409,
                `The caller reference that you are using to create a distribution is associated with another distribution.${id ? ` Already exists: ${id}` : ""}`,
            );
        /**
         * CreateDistributionWithTags: 409 for the references in `used` (naming the id, or not when null);
         * any other creates D2, which then is the fake's distribution.
         */
        function createAnswers(used: Record<string, string | null>) {
            cf.on(CreateDistributionWithTagsCommand).callsFake((input) => {
                const config = input.DistributionConfigWithTags.DistributionConfig;
                if (config.CallerReference in used) {
                    const id = used[config.CallerReference];
                    return Promise.reject(alreadyExists(id ?? undefined));
                }
                fake = new FakeCloudFront();
                Object.assign(fake, { id: "D2", callerReference: config.CallerReference, extra: {} });
                const { ETag, Distribution } = fake.getDistribution();
                return { ETag, Distribution: { ...Distribution, DistributionConfig: config } };
            });
        }
        /** The holder's tags: an unfinished create's marker with `ref`, as an interrupted create leaves them. */
        const pendingCreateMarker = (ref: string) =>
            cf.on(ListTagsForResourceCommand).resolves({
                Tags: {
                    Items: [
                        { Key: "team", Value: "web" },
                        { Key: PENDING_CREATE_TAG, Value: ref },
                    ],
                },
            });
        const sentReferences = () =>
            calls(CreateDistributionWithTagsCommand).map((c) => c.DistributionConfigWithTags.DistributionConfig.CallerReference);

        it("derives the CallerReference from the resource's identity: the same on every attempt, another for another resource", async () => {
            const a = (await provider.check({}, program())).inputs.distributionConfig.CallerReference;
            expect(a).to.match(/^ackless-[0-9a-f]{40}$/);
            expect((await provider.check({}, program({ Comment: "changed" }))).inputs.distributionConfig.CallerReference).to.equal(a);
            expect(
                (await provider.check({}, { ...program(), __identity: "proj/dev//other" })).inputs.distributionConfig.CallerReference,
            ).to.not.equal(a);
            expect((await provider.check({}, { ...program(), __identity: UNKNOWN })).inputs.distributionConfig.CallerReference).to.equal(UNKNOWN);
        });

        it("DistributionAlreadyExists naming our orphan: takes it over (config and tags reconciled), no second distribution", async () => {
            const checked = (await provider.check({}, program({ Comment: "v2" }))).inputs;
            const ref = checked.distributionConfig.CallerReference;
            fake.callerReference = ref; // the distribution an interrupted attempt made, still marked as such
            createAnswers({ [ref]: "D1" });
            pendingCreateMarker(ref);
            const out = await provider.create(checked);
            expect(out.id).to.equal("D1");
            expect(sentReferences()).to.deep.equal([ref]);
            expect(calls(ListDistributionsCommand)).to.deep.equal([]);
            const update = calls(UpdateDistributionCommand);
            expect(update.length).to.equal(1);
            expect(update[0].DistributionConfig.Comment).to.equal("v2");
            expect(update[0].DistributionConfig.CallerReference).to.equal(ref);
            // env, and the incarnation the interrupted create tagged (a takeover keeps it) or a new one.
            expect(calls(TagResourceCommand)[0].Tags.Items[0]).to.deep.equal({ Key: "env", Value: "prod" });
            expect(calls(TagResourceCommand)[0].Tags.Items.slice(1)).to.deep.equal([{ Key: "ackless:incarnation", Value: out.outs.incarnation }]);
            expect(out.outs.status).to.equal("Deployed"); // waited as create does
            expect(out.outs.distributionConfig.CallerReference).to.equal(ref);
            expect(out.outs.tags).to.deep.equal({ team: "web", env: "prod" });
        });

        it("a holder without the unfinished-create marker (a replacement's original, or another stack with the same names) is never taken over: the next reference makes a new one", async () => {
            const checked = (await provider.check({}, program({ Comment: "v2" }))).inputs;
            const ref = checked.distributionConfig.CallerReference;
            fake.callerReference = ref; // a finished create's distribution: no marker (the default tags)
            fake.status = "Deployed";
            createAnswers({ [ref]: "D1" });
            const out = await provider.create(checked);
            expect(out.id).to.equal("D2");
            expect(sentReferences()).to.deep.equal([ref, `${ref}.1`]);
            // D1 is left alone: no update, no tag change on it.
            expect(calls(UpdateDistributionCommand)).to.deep.equal([]);
            expect(calls(TagResourceCommand)).to.deep.equal([]);
            expect(calls(UntagResourceCommand).map((u) => u.Resource)).to.not.include("arn:aws:cloudfront::123456789012:distribution/D1");
        });

        it("a new distribution carries the unfinished-create marker until the create is done, then loses it", async () => {
            const checked = (await provider.check({}, program())).inputs;
            const ref = checked.distributionConfig.CallerReference;
            createAnswers({});
            const out = await provider.create(checked);
            expect(out.id).to.equal("D2");
            const sent = calls(CreateDistributionWithTagsCommand)[0].DistributionConfigWithTags.Tags.Items;
            expect(sent).to.deep.include({ Key: PENDING_CREATE_TAG, Value: ref });
            expect(calls(UntagResourceCommand).map((u) => u.TagKeys.Items)).to.deep.equal([[PENDING_CREATE_TAG]]);
            expect(out.outs.tags).to.deep.equal({ team: "web", env: "prod" });
        });

        it("DistributionAlreadyExists without an id: finds the holder through ListDistributions + GetDistributionConfig, page by page", async () => {
            const checked = (await provider.check({}, program())).inputs;
            const ref = checked.distributionConfig.CallerReference;
            fake.callerReference = ref;
            createAnswers({ [ref]: null });
            pendingCreateMarker(ref);
            cf.on(ListDistributionsCommand).callsFake((input) =>
                input.Marker === "page2"
                    ? { DistributionList: { Items: [{ Id: "D1" }, { Id: "D9" }], IsTruncated: false } }
                    : { DistributionList: { Items: [{ Id: "D7" }], IsTruncated: true, NextMarker: "page2" } },
            );
            cf.on(GetDistributionConfigCommand).callsFake((input) =>
                input.Id === "D1"
                    ? fake.getConfig()
                    : { ETag: "X", DistributionConfig: { ...fake.config(), CallerReference: `someone-else-${input.Id}` } },
            );
            const out = await provider.create(checked);
            expect(out.id).to.equal("D1");
            expect(sentReferences()).to.deep.equal([ref]);
            expect(calls(ListDistributionsCommand).map((l) => l.Marker)).to.deep.equal([undefined, "page2"]);
            expect(calls(UpdateDistributionCommand)).to.deep.equal([]); // the orphan already has this config
        });

        it("the reference's distribution is gone: walks to <ref>.1, <ref>.2 and creates; diff then sees no change", async () => {
            const checked = (await provider.check({}, program())).inputs;
            const ref = checked.distributionConfig.CallerReference;
            // <ref> named a deleted distribution; <ref>.1 one AWS does not name (none found by the scan).
            createAnswers({ [ref]: "EGONE", [`${ref}.1`]: null });
            cf.on(ListDistributionsCommand).resolves({ DistributionList: { Items: [{ Id: "D1" }], IsTruncated: false } } as any);
            const out = await provider.create(checked);
            expect(out.id).to.equal("D2");
            expect(sentReferences()).to.deep.equal([ref, `${ref}.1`, `${ref}.2`]);
            expect(calls(ListDistributionsCommand).length).to.equal(1);
            expect(out.outs.distributionConfig.CallerReference).to.equal(`${ref}.2`);
            // The inputs keep the base; the walked reference is no change and no replacement.
            const next = (await provider.check(checked, program())).inputs;
            expect(next.distributionConfig.CallerReference).to.equal(ref);
            const d = (await provider.diff("D2", out.outs, next)) as any;
            expect(d.changes).to.equal(false);
            expect(d.replaces).to.deep.equal([]);
            expect(d.deleteBeforeReplace).to.equal(true); // a forced replacement must not find this one live
            await provider.update("D2", out.outs, { ...next, tags: { team: "web" } });
            expect(calls(UpdateDistributionCommand)).to.deep.equal([]);
        });

        it("a holder being deleted (disabled while the program wants it enabled) is not taken over: walks on", async () => {
            const checked = (await provider.check({}, program())).inputs;
            const ref = checked.distributionConfig.CallerReference;
            fake.callerReference = ref;
            fake.enabled = false;
            createAnswers({ [ref]: "D1" });
            const out = await provider.create(checked);
            expect(out.id).to.equal("D2");
            expect(sentReferences()).to.deep.equal([ref, `${ref}.1`]);
            expect(calls(UpdateDistributionCommand)).to.deep.equal([]);
        });

        it("the walk is bounded", async () => {
            const checked = (await provider.check({}, program())).inputs;
            const ref = checked.distributionConfig.CallerReference;
            const used: Record<string, string> = {};
            for (let n = 0; n < MAX_CALLER_REFERENCES; n++) used[n === 0 ? ref : `${ref}.${n}`] = "EGONE";
            createAnswers(used);
            const err = await rejection(provider.create(checked));
            expect(sentReferences().length).to.equal(MAX_CALLER_REFERENCES);
            expect(err.message).to.include("all name other resources"); // the lifecycle driver's wording
            expect(err.message).to.include("CallerReference");
        });

        it("a declared CallerReference is never walked nor taken over: fails naming the distribution and suggesting adopt", async () => {
            const checked = (await provider.check({}, program({ CallerReference: "mine" }))).inputs;
            expect(checked.distributionConfig.CallerReference).to.equal("mine");
            fake.callerReference = "mine";
            createAnswers({ mine: "D1", "mine.1": null });
            const err = await rejection(provider.create(checked));
            expect(sentReferences()).to.deep.equal(["mine"]);
            expect(err.name).to.equal("AcklessError");
            expect(err.awsCode).to.equal("DistributionAlreadyExists");
            expect(err.message).to.include('"mine" is already used by distribution D1');
            expect(err.message).to.include('adopt: { id: "D1" }');
            expect(calls(UpdateDistributionCommand)).to.deep.equal([]);
            expect(calls(TagResourceCommand)).to.deep.equal([]);

            cf.resetHistory();
            createAnswers({ mine: "EGONE" });
            const gone = await rejection(provider.create(checked));
            expect(sentReferences()).to.deep.equal(["mine"]);
            expect(gone.message).to.include("already used by a distribution that has since been deleted (EGONE)");
            // A declared reference needs no delete-before-replace (a replacement with it fails before deleting anything).
            const d = (await provider.diff("D1", { distributionConfig: { CallerReference: "mine" } }, checked)) as any;
            expect(d.deleteBeforeReplace).to.equal(false);
        });

        it("a declared CallerReference carries the unfinished-create marker: its retry takes over the interrupted create's distribution, without walking", async () => {
            const checked = (await provider.check({}, program({ CallerReference: "mine" }))).inputs;
            fake.callerReference = "mine"; // the distribution the interrupted attempt made, still marked
            createAnswers({ mine: "D1" });
            pendingCreateMarker("mine");
            const out = await provider.create(checked);
            expect(out.id).to.equal("D1");
            expect(sentReferences()).to.deep.equal(["mine"]);
            expect(calls(CreateDistributionWithTagsCommand)[0].DistributionConfigWithTags.Tags.Items).to.deep.include({
                Key: PENDING_CREATE_TAG,
                Value: "mine",
            });
            // Done: the marker is removed, the configuration is as declared.
            expect(calls(UntagResourceCommand).map((u) => u.TagKeys.Items)).to.deep.include([PENDING_CREATE_TAG]);
            expect(out.outs.distributionConfig.CallerReference).to.equal("mine");
        });

        it("a new distribution that reads never show (R5) fails the create naming its CallerReference, and stays marked for the next up", async () => {
            const restore = setProviderEnv({ ACKLESS_PROPAGATION_TIMEOUT_S: "0.3" });
            try {
                const checked = (await provider.check({}, program())).inputs;
                const ref = checked.distributionConfig.CallerReference;
                cf.on(CreateDistributionWithTagsCommand).callsFake((input) => {
                    const config = input.DistributionConfigWithTags.DistributionConfig;
                    // D3 is never readable: GetDistribution answers NoSuchDistribution for it.
                    return {
                        ETag: "E1",
                        Distribution: {
                            Id: "D3",
                            ARN: "arn:aws:cloudfront::123456789012:distribution/D3",
                            Status: "InProgress",
                            DomainName: "d3.cloudfront.net",
                            DistributionConfig: config,
                        },
                    };
                });
                const err = await rejection(provider.create(checked));
                expect(err.awsCode).to.equal("NotVisibleAfterCreate");
                expect(err.message).to.include("D3").and.include(`CallerReference ${ref}`).and.include("run pulumi up again");
                expect(calls(GetDistributionCommand).some((g) => g.Id === "D3")).to.equal(true);
                // Not deleted, and still marked as an unfinished create.
                expect(calls(DeleteDistributionCommand)).to.deep.equal([]);
                expect(calls(UntagResourceCommand)).to.deep.equal([]);
            } finally {
                restore();
            }
        });

        it("adopt-or-create of a missing id creates with the derived reference and walks like any create", async () => {
            // An identity no earlier check saw with old inputs (R3 would drop adopt as a replacement's re-check).
            const fresh = { ...program(), __identity: "proj/dev//fresh" };
            const checked = (await provider.check({}, { ...fresh, adopt: { id: "EMISSING", mode: "adopt-or-create" } })).inputs;
            expect(checked.adopt).to.deep.equal({ id: "EMISSING", mode: "adopt-or-create" });
            expect(checked.distributionConfig).to.not.have.property("CallerReference");
            const ref = (await provider.check({}, fresh)).inputs.distributionConfig.CallerReference;
            fake.callerReference = ref;
            createAnswers({ [ref]: "D1" });
            pendingCreateMarker(ref);
            const out = await provider.create(checked);
            expect(out.id).to.equal("D1");
            expect(sentReferences()).to.deep.equal([ref]);
        });
    });
});

describe("cloudfront.Distribution check and diff", () => {
    const config = (extra: Record<string, unknown> = {}) => ({
        Origins: { Items: [{ Id: "web", DomainName: "example.com" }] },
        DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" },
        ...extra,
    });
    const reasons = async (news: any) => (await provider.check({}, news)).failures!.map((f) => f.reason);

    it("fills CallerReference (kept across updates), Comment, Enabled and every Quantity", async () => {
        const first = await provider.check(
            {},
            {
                distributionConfig: config({
                    Aliases: { Items: [] },
                    CacheBehaviors: { Items: [{ PathPattern: "/a/*", TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" }] },
                }),
            },
        );
        const c = first.inputs.distributionConfig;
        expect(c.CallerReference).to.match(/^ackless-[0-9a-f-]{36}$/); // no __identity: random
        expect(c.Comment).to.equal("");
        expect(c.Enabled).to.equal(true);
        expect(c.Origins.Quantity).to.equal(1);
        expect(c.Aliases).to.deep.equal({ Quantity: 0 });
        expect(c.CacheBehaviors.Quantity).to.equal(1);
        const second = await provider.check(first.inputs, { distributionConfig: config({ Comment: "v2" }) });
        expect(second.inputs.distributionConfig.CallerReference).to.equal(c.CallerReference);
        expect(second.inputs.distributionConfig.Comment).to.equal("v2");
    });

    it("rejects a distribution without origins", async () => {
        expect(await reasons({ distributionConfig: config({ Origins: { Items: [] } }) })).to.deep.equal([
            "distributionConfig.Origins.Items: a distribution needs at least one origin ({Id, DomainName, ...}); none was given",
        ]);
        expect((await reasons({ distributionConfig: { DefaultCacheBehavior: { TargetOriginId: "x" } } }))[0]).to.include(
            "distributionConfig.Origins.Items",
        );
        expect(await reasons({})).to.deep.equal(["distributionConfig: required (Origins, DefaultCacheBehavior, ...)"]);
    });

    it("rejects cache behaviors (default and ordered) that target an unknown origin id", async () => {
        const r = await reasons({
            distributionConfig: config({
                DefaultCacheBehavior: { TargetOriginId: "nope", ViewerProtocolPolicy: "allow-all" },
                CacheBehaviors: {
                    Items: [
                        { PathPattern: "/a/*", TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" },
                        { PathPattern: "/b/*", TargetOriginId: "api", ViewerProtocolPolicy: "allow-all" },
                    ],
                },
            }),
        });
        expect(r).to.deep.equal([
            'distributionConfig.DefaultCacheBehavior.TargetOriginId: "nope" is not the Id of any origin or origin group (known: "web")',
            'distributionConfig.CacheBehaviors.Items[1].TargetOriginId: "api" is not the Id of any origin or origin group (known: "web")',
        ]);
        // Origin group ids are valid targets.
        const group = {
            Id: "group",
            FailoverCriteria: { StatusCodes: { Items: [500] } },
            Members: { Items: [{ OriginId: "web" }, { OriginId: "web" }] },
        };
        expect(
            await reasons({
                distributionConfig: config({
                    OriginGroups: { Items: [group] },
                    DefaultCacheBehavior: { TargetOriginId: "group", ViewerProtocolPolicy: "allow-all" },
                }),
            }),
        ).to.deep.equal([]);
    });

    it("rejects aws: tag keys (any case), non-positive deadlines, and a bad adopt mode", async () => {
        const r = await reasons({
            distributionConfig: config(),
            tags: { "AWS:owner": "x", ok: "y" },
            deleteTimeoutMinutes: 0,
            deployTimeoutMinutes: -5,
            adopt: { id: "E123", mode: "take" },
        });
        expect(r[0]).to.include('tags: the key "AWS:owner" starts with "aws:"');
        expect(r).to.include("deleteTimeoutMinutes: must be a positive number of minutes (got 0)");
        expect(r).to.include("deployTimeoutMinutes: must be a positive number of minutes (got -5)");
        expect(r).to.include('adopt.mode "take" is not known: use "adopt" (fail when it does not exist) or "adopt-or-create"');
        const failures = (await provider.check({}, { distributionConfig: config(), tags: { "aws:x": "1" } })).failures!;
        expect(failures[0].property).to.equal("tags");
    });

    it("tolerates values unknown at preview", async () => {
        expect(await reasons({ distributionConfig: config({ Origins: { Items: [{ Id: UNKNOWN, DomainName: UNKNOWN }] } }) })).to.deep.equal([]);
        expect(await reasons({ distributionConfig: UNKNOWN })).to.deep.equal([]);
    });

    it("diff: a CallerReference change replaces; other config changes update in place; tags ignore system keys", async () => {
        const olds = { distributionConfig: { CallerReference: "a", Comment: "", Enabled: true }, tags: { team: "web" } };
        const r = (await provider.diff("D1", olds, { ...olds, distributionConfig: { ...olds.distributionConfig, CallerReference: "b" } })) as any;
        expect(r.replaces).to.deep.equal(["distributionConfig"]);
        expect(r.changed).to.deep.equal(["distributionConfig.CallerReference"]);
        const u = (await provider.diff("D1", olds, { ...olds, distributionConfig: { ...olds.distributionConfig, Enabled: false } })) as any;
        expect(u).to.deep.include({ changes: true, replaces: [], changed: ["distributionConfig.Enabled"] });
        const none = await provider.diff(
            "D1",
            { ...olds, systemTags: { "aws:x": "1" }, deleteTimeoutMinutes: 60 },
            { ...olds, waitForDeployment: true },
        );
        expect(none.changes).to.equal(false);
        const t = (await provider.diff("D1", olds, { ...olds, deleteTimeoutMinutes: 5 })) as any;
        expect(t.changed).to.deep.equal(["deleteTimeoutMinutes"]);
    });
});
