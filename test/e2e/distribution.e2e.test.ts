/**
 * cloudfront.Distribution end to end: the real Pulumi engine (CLI, language
 * host, dynamic-provider host) against the emulator. One stack goes through
 * up, update, refresh, out-of-band delete + `up --refresh`, and destroy.
 */
import {
    CloudFrontClient,
    DeleteDistributionCommand,
    GetDistributionCommand,
    GetDistributionConfigCommand,
    ListDistributionsCommand,
    UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { changeCounts, descendants, newProject, TestProject } from "../helpers/pulumi";

const ACCESS_KEY = "AKIAACKLESSE2ESECRET";
const SECRET_KEY = "ackless-e2e-secret-access-key-value";

const program = (comment: string, extra = "", behavior = "") => `
const { cloudfront } = require("ackless");
const site = new cloudfront.Distribution("site", {
    distributionConfig: {
        Comment: ${JSON.stringify(comment)},
        Origins: { Items: [{ Id: "web", DomainName: "example.com",
            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "redirect-to-https",
            CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6"${behavior} },
    },
    tags: { team: "web" },
}${extra});
exports.id = site.id;
exports.arn = site.arn;
exports.status = site.status;
exports.enabled = site.enabled;
exports.domainName = site.domainName;
`;

describe("e2e: cloudfront.Distribution through the Pulumi engine", function () {
    let emu: Emulator;
    let cf: CloudFrontClient;
    let project: TestProject;
    let env: Record<string, string>;

    before(async () => {
        emu = await sharedEmulator({ deploySeconds: 0 });
        env = { ...emu.env(), AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY };
        cf = new CloudFrontClient({
            endpoint: emu.endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
        });
    });
    after(async () => {
        await project?.cleanup();
        await emu?.stop();
    });

    const live = async () => (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
    const comment = async (id: string) => (await cf.send(new GetDistributionConfigCommand({ Id: id }))).DistributionConfig?.Comment;
    const ops = async () => (await emu.calls()).filter((c) => c.service === "cloudfront").map((c) => c.operation);

    it("up creates the distribution, waits for Deployed; the stored provider is small and holds no credentials", async () => {
        project = await newProject("dist", program("v1"), env);
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 2 });
        expect(up.outputs.status.value).to.equal("Deployed");
        expect(up.outputs.enabled.value).to.equal(true);
        const dists = await live();
        expect(dists.map((d) => d.Id)).to.deep.equal([up.outputs.id.value]);
        expect(await comment(up.outputs.id.value)).to.equal("v1");

        const [res] = await project.resources();
        expect(res.type).to.equal("pulumi-nodejs:dynamic/ackless:Distribution");
        const stored: string = res.inputs.__provider;
        expect(stored).to.include('require("ackless/dist/provider/registry")');
        expect(stored.length).to.be.lessThan(4096);
        const state = JSON.stringify(await project.state());
        expect(state).to.not.include(SECRET_KEY);
        expect(state).to.not.include(ACCESS_KEY);
        expect(res.outputs.tags).to.deep.equal({ team: "web" });
        expect(res.outputs.systemTags).to.deep.equal({});
    });

    /** v2 declares a nested field (signed URLs through a key group) that the next test drops. */
    const KEY_GROUPS = `, TrustedKeyGroups: { Enabled: true, Items: ["KG1"] }`;
    const keyGroups = async (id: string) =>
        (await cf.send(new GetDistributionConfigCommand({ Id: id }))).DistributionConfig?.DefaultCacheBehavior?.TrustedKeyGroups?.Items ?? [];

    it("a config change updates in place; refresh then shows no drift", async () => {
        const id = (await project.stack.outputs()).id.value;
        const fs = await import("fs");
        fs.writeFileSync(`${project.dir}/index.js`, program("v2", "", KEY_GROUPS));
        await emu.resetCalls();
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
        expect(up.outputs.id.value).to.equal(id);
        expect(await ops()).to.include.members(["GetDistributionConfig", "UpdateDistribution"]);
        expect(await comment(id)).to.equal("v2");
        expect(await keyGroups(id)).to.deep.equal(["KG1"]);

        const refresh = await project.stack.refresh();
        expect(changeCounts(refresh.summary.resourceChanges)).to.deep.equal({});
        const preview = await project.stack.preview();
        expect(changeCounts(preview.changeSummary)).to.deep.equal({});
    });

    it("a nested field the program declared before and drops: the preview shows the reset, up applies it", async () => {
        const id = (await project.stack.outputs()).id.value;
        const fs = await import("fs");
        fs.writeFileSync(`${project.dir}/index.js`, program("v2"));
        let out = "";
        const preview = await project.stack.preview({ onOutput: (s) => (out += s) });
        expect(changeCounts(preview.changeSummary)).to.deep.equal({ update: 1 });
        expect(out).to.include(
            `CloudFront distribution ${id}: UpdateDistribution of distributionConfig.DefaultCacheBehavior.TrustedKeyGroups: reset (declared before, removed)`,
        );
        expect(await keyGroups(id)).to.deep.equal(["KG1"]); // a preview changes nothing
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
        expect(await keyGroups(id)).to.deep.equal([]);
        const [res] = await project.resources();
        expect(res.outputs.__owned)
            .to.include("DefaultCacheBehavior.ViewerProtocolPolicy")
            .and.not.include("DefaultCacheBehavior.TrustedKeyGroups.Items");
        expect(changeCounts((await project.stack.preview()).changeSummary)).to.deep.equal({});
    });

    it("an out-of-band edit shows as drift in a refreshing preview", async () => {
        const id = (await project.stack.outputs()).id.value;
        const cfg = await cf.send(new GetDistributionConfigCommand({ Id: id }));
        await cf.send(
            new UpdateDistributionCommand({
                Id: id,
                IfMatch: cfg.ETag,
                DistributionConfig: { ...cfg.DistributionConfig!, Comment: "edited by hand" },
            }),
        );
        const preview = await project.stack.preview({ refresh: true });
        expect(changeCounts(preview.changeSummary)).to.deep.equal({ update: 1 });
        const up = await project.stack.up({ refresh: true });
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
        expect(await comment(id)).to.equal("v2");
    });

    it("deleted out of band: `pulumi up --refresh` drops it and creates a new one", async () => {
        const id = (await project.stack.outputs()).id.value;
        const cfg = await cf.send(new GetDistributionConfigCommand({ Id: id }));
        const disabled = await cf.send(
            new UpdateDistributionCommand({ Id: id, IfMatch: cfg.ETag, DistributionConfig: { ...cfg.DistributionConfig!, Enabled: false } }),
        );
        await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: disabled.ETag }));
        expect(await live()).to.deep.equal([]);

        const up = await project.stack.up({ refresh: true });
        expect(up.summary.resourceChanges?.create).to.equal(1);
        const newId = up.outputs.id.value;
        expect(newId).to.not.equal(id);
        expect((await live()).map((d) => d.Id)).to.deep.equal([newId]);
    });

    it("destroy disables, waits for Deployed and deletes; the stack and the emulator end empty", async () => {
        const id = (await project.stack.outputs()).id.value;
        await emu.setConfig({ deploySeconds: 2 });
        await emu.resetCalls();
        const destroy = await project.stack.destroy();
        expect(destroy.summary.resourceChanges?.delete).to.equal(2);
        const calls = (await ops()).filter((o) => o !== "GetDistribution");
        // One ListTagsForResource first: the incarnation check (lifecycle R2), then the delete sequence.
        expect(calls).to.deep.equal(["ListTagsForResource", "GetDistributionConfig", "UpdateDistribution", "DeleteDistribution"]);
        expect(await project.resources()).to.deep.equal([]);
        expect(await live()).to.deep.equal([]);
        let gone: any;
        await cf.send(new GetDistributionCommand({ Id: id })).catch((e) => (gone = e));
        expect(gone?.name).to.equal("NoSuchDistribution");
        expect(destroy.stdout).to.include("disabling");
        await emu.setConfig({ deploySeconds: 0 });
    });

    it("retainOnDelete: destroy leaves the distribution and calls nothing on it", async () => {
        const retained = await newProject("dist-retain", program("kept", ", { retainOnDelete: true }"), env);
        try {
            const up = await retained.stack.up();
            const id = up.outputs.id.value;
            await emu.resetCalls();
            const destroy = await retained.stack.destroy();
            expect(destroy.summary.resourceChanges?.delete).to.equal(2);
            const calls = await ops();
            expect(calls).to.not.include("UpdateDistribution");
            expect(calls).to.not.include("DeleteDistribution");
            expect((await live()).map((d) => d.Id)).to.deep.equal([id]);
        } finally {
            await retained.cleanup();
        }
    });
});

/** Every live descendant of `pid` (from /proc), deepest last. */

describe("e2e: a destroy killed after the disable is finished by the next destroy", function () {
    let emu: Emulator;
    let cf: CloudFrontClient;
    let project: TestProject | undefined;

    before(async () => {
        emu = await sharedEmulator({ deploySeconds: 0 });
        cf = new CloudFrontClient({
            endpoint: emu.endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
    });
    after(async () => {
        await project?.cleanup();
        await emu?.stop();
    });

    it("kill -9 of the whole `pulumi destroy` (CLI and provider host) while waiting, then `pulumi destroy` again", async () => {
        const { spawn } = await import("child_process");
        const fs = await import("fs");
        const path = await import("path");
        project = await newProject("dist-kill", program("kill"), emu.env());
        const up = await project.stack.up();
        const id = up.outputs.id.value;
        await emu.setConfig({ deploySeconds: 3600 }); // the disable never deploys while the first destroy runs

        // Our own `pulumi destroy` (the Automation API only sends SIGINT, which Pulumi handles gracefully).
        const envVars = { ...process.env, ...(project.stack.workspace as any).envVars } as Record<string, string>;
        const child = spawn("pulumi", ["destroy", "--yes", "--skip-preview", "--stack", "test", "--non-interactive"], {
            cwd: project.dir,
            env: envVars,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout!.on("data", (d) => (output += d));
        child.stderr!.on("data", (d) => (output += d));
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        const deadline = Date.now() + 120_000;
        for (;;) {
            const calls = (await emu.calls()).map((c) => c.operation);
            if (calls.includes("UpdateDistribution")) break;
            if (Date.now() > deadline) throw new Error(`the destroy never disabled the distribution:\n${output}`);
            await new Promise((r) => setTimeout(r, 100));
        }
        // Pulumi starts its plugins (language host, dynamic-provider host) in process groups of their own:
        // kill the CLI and every descendant, by pid, as a machine crash would.
        const tree = descendants(child.pid!);
        for (const pid of [child.pid!, ...tree]) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // already gone
            }
        }
        await exited;
        expect(tree.length, "the provider host should have been running").to.be.greaterThan(0);

        const cfg = await cf.send(new GetDistributionCommand({ Id: id }));
        expect(cfg.Distribution!.DistributionConfig!.Enabled).to.equal(false);
        expect(cfg.Distribution!.Status).to.equal("InProgress");
        expect((await project.resources()).map((r) => r.name)).to.deep.equal(["site"]);

        // A killed CLI can leave the file backend's stack lock behind; the user removes it (`pulumi cancel` on the Pulumi Cloud backend).
        const locks = path.join(project.dir, ".state", ".pulumi", "locks");
        fs.rmSync(locks, { recursive: true, force: true });

        await emu.setConfig({ deploySeconds: 0 });
        await emu.setDistributionStatus(id, "InProgress", 1);
        await emu.resetCalls();
        const destroy = await project.stack.destroy();
        expect(destroy.summary.result).to.equal("succeeded");
        const ops = (await emu.calls()).filter((c) => c.service === "cloudfront").map((c) => c.operation);
        expect(ops.filter((o) => o !== "GetDistribution")).to.deep.equal(["ListTagsForResource", "DeleteDistribution"]);
        expect(await project.resources()).to.deep.equal([]);
        expect((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? []).to.deep.equal([]);
    });
});
