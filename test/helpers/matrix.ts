/**
 * The engine-operation matrix (issue 12, provider/lifecycle): every Pulumi
 * command a user may run, on the real engine and the emulator, for each
 * resource kind, on created and on adopted instances. After every step the
 * same invariant holds:
 * - the set of live AWS resources equals the set in state: no orphan, no
 *   duplicate;
 * - no resource the user did not ask to delete was deleted;
 * - the next `pulumi preview` is clean.
 *
 * One stack per kind holds a created instance and four adopted ones (made
 * outside Pulumi first), one per command that could turn an adoption into a
 * deletion: `up --replace`, `state taint` + `up`, an out-of-band delete +
 * `up --refresh`, and a program change that forces replacement. NAT
 * gateways run twice: private, and public keeping their Elastic IP (whose
 * targeted replace deletes the original first). Then a third
 * resource joins through an `up` killed right after its create call, and a
 * `destroy` killed mid-wait is finished by the next one.
 *
 * ackless runs as an IAM user bound only to docs/iam/apply.json and
 * adopt.json (the emulator enforces IAM): an action the policies lack fails
 * the step.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
    CloudFrontClient,
    DeleteDistributionCommand,
    DeleteFunctionCommand,
    DescribeFunctionCommand,
    GetDistributionConfigCommand,
    ListDistributionsCommand,
    ListFunctionsCommand,
    UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { AllocateAddressCommand, CreateNatGatewayCommand, DeleteNatGatewayCommand, DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { Emulator, sharedEmulator } from "./emulator";
import { callsOf, denials, IamUser, underPolicies } from "./iam";
import { changeCounts, descendants, newProject, TestProject } from "./pulumi";
import { createDistribution, createPublishedFunction, createSubnet, waitDeployed } from "../emulator/fixtures";

const ADOPTED = ["adReplace", "adTaint", "adGone", "adChange"] as const;

interface Kind {
    name: string;
    /** Makes the adoptable resources (and the network); returns the stack config. */
    setup(): Promise<Record<string, string>>;
    /** The program: `created`, the adopted ones, and `late` when config withLate is set. */
    program: string;
    live(): Promise<string[]>;
    deleteOutOfBand(id: string): Promise<void>;
    /** The emulator operation that creates one. */
    createOp: string;
    /** Slow down creates and deletes (for the kill steps), and back. */
    slow(on: boolean): Promise<void>;
    deleteOp: string;
}

let uniq = 0;
const unique = (p: string) => `${p}-${process.pid}-${Date.now().toString(36)}-${uniq++}`;

/** The kinds of the matrix: one test file each (test/e2e/lifecycle-matrix-<kind>.e2e.test.ts), so a parallel run spreads them. */
export type MatrixKind = "nat-private" | "nat-public" | "function" | "distribution";

/** The matrix for one kind: a describe block of its own, on the worker's shared emulator. */
export function lifecycleMatrix(only: MatrixKind): void {
    describe(`e2e: lifecycle matrix (${only}): no Pulumi command deletes, orphans or duplicates a live resource`, function () {
        let emu: Emulator;
        let ec2: EC2Client;
        let cf: CloudFrontClient;
        let user: IamUser;

        before(async () => {
            emu = await sharedEmulator({ deploySeconds: 0, natSeconds: 0 });
            user = await underPolicies(emu, ["apply", "adopt"]);
            const creds = { endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
            ec2 = new EC2Client(creds);
            cf = new CloudFrontClient(creds);
        });
        after(async () => {
            await emu?.stop();
        });

        /**
         * NAT gateways, private or public. A public one keeps its Elastic IP through every replacement, so a targeted
         * replace must delete the original first (an Elastic IP serves one gateway at a time).
         */
        const natKind = (publicGateways: boolean) => (): Kind => ({
            name: publicGateways ? "ec2.NatGateway (public, keeping its Elastic IP)" : "ec2.NatGateway (private)",
            async setup() {
                const a = await createSubnet(ec2);
                const b = await createSubnet(ec2);
                const config: Record<string, string> = { subnetA: a.subnetId, subnetB: b.subnetId };
                const eip = async () => (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
                if (publicGateways) {
                    config.eipCreated = await eip();
                    config.eipLate = await eip();
                }
                for (const name of ADOPTED) {
                    const alloc = publicGateways ? await eip() : undefined;
                    if (alloc) {
                        config[`eip${name}`] = alloc;
                    }
                    const made = await ec2.send(
                        new CreateNatGatewayCommand({
                            SubnetId: a.subnetId,
                            ConnectivityType: publicGateways ? "public" : "private",
                            AllocationId: alloc,
                        }),
                    );
                    config[name] = made.NatGateway!.NatGatewayId!;
                }
                return config;
            },
            program: `
const pulumi = require("@pulumi/pulumi");
const { ec2 } = require("ackless");
const c = new pulumi.Config();
const b = c.get("variant") === "b";
const pub = ${publicGateways};
const subnet = (moved) => (moved && b ? c.require("subnetB") : c.require("subnetA"));
const net = (eip) => (pub ? { connectivityType: "public", allocationId: c.require(eip) } : { connectivityType: "private" });
const out = {};
out.created = new ec2.NatGateway("created", { subnetId: subnet(true), ...net("eipCreated"), tags: { t: c.get("tag") || "1" } }).id;
for (const n of ${JSON.stringify(ADOPTED)}) {
    out[n] = new ec2.NatGateway(n, { subnetId: subnet(n === "adChange"), ...net("eip" + n), adopt: { id: c.require(n) } }).id;
}
if (c.getBoolean("withLate")) out.late = new ec2.NatGateway("late", { subnetId: subnet(false), ...net("eipLate") }).id;
module.exports = out;
`,
            async live() {
                const out = await ec2.send(new DescribeNatGatewaysCommand({}));
                return (out.NatGateways ?? []).filter((n) => n.State !== "deleted" && n.State !== "deleting").map((n) => n.NatGatewayId!);
            },
            async deleteOutOfBand(id) {
                await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
            },
            createOp: "CreateNatGateway",
            deleteOp: "DeleteNatGateway",
            async slow(on) {
                await emu.setConfig({ natSeconds: on ? 600 : 0 });
            },
        });

        const functionKind = (): Kind => ({
            name: "cloudfront.Function",
            async setup() {
                const config: Record<string, string> = { nameB: unique("created-b") };
                for (const name of ADOPTED) {
                    config[name] = (await createPublishedFunction(cf, unique(name))).name;
                }
                return config;
            },
            program: `
const pulumi = require("@pulumi/pulumi");
const { cloudfront } = require("ackless");
const c = new pulumi.Config();
const b = c.get("variant") === "b";
const code = "function handler(event) { return event.request; }";
const out = {};
out.created = new cloudfront.Function("created", { name: b ? c.require("nameB") : undefined, code, comment: "t" + (c.get("tag") || "1") }).id;
for (const n of ${JSON.stringify(ADOPTED)}) {
    out[n] = new cloudfront.Function(n, { name: n === "adChange" && b ? c.require(n) + "-b" : undefined, code, comment: "test", adopt: { id: c.require(n) } }).id;
}
if (c.getBoolean("withLate")) out.late = new cloudfront.Function("late", { code }).id;
module.exports = out;
`,
            async live() {
                const out = await cf.send(new ListFunctionsCommand({ Stage: "DEVELOPMENT" }));
                return (out.FunctionList?.Items ?? []).map((f) => f.Name!);
            },
            async deleteOutOfBand(name) {
                const d = await cf.send(new DescribeFunctionCommand({ Name: name }));
                await cf.send(new DeleteFunctionCommand({ Name: name, IfMatch: d.ETag }));
            },
            createOp: "CreateFunction",
            deleteOp: "DeleteFunction",
            async slow(on) {
                await emu.setFaults(on ? { latency: { PublishFunction: 4, DeleteFunction: 4 } } : {});
            },
        });

        const distributionKind = (): Kind => ({
            name: "cloudfront.Distribution",
            async setup() {
                const config: Record<string, string> = { refB: unique("ref-b") };
                for (const name of ADOPTED) {
                    const d = await createDistribution(cf);
                    await waitDeployed(cf, d.id);
                    config[name] = d.id;
                }
                return config;
            },
            program: `
const pulumi = require("@pulumi/pulumi");
const { cloudfront } = require("ackless");
const c = new pulumi.Config();
const b = c.get("variant") === "b";
const config = (extra) => ({
    Comment: "matrix",
    Origins: { Items: [{ Id: "origin", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
    DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    ...extra,
});
const out = {};
out.created = new cloudfront.Distribution("created", {
    distributionConfig: config(b ? { CallerReference: c.require("refB") } : {}), tags: { t: c.get("tag") || "1" } }).id;
for (const n of ${JSON.stringify(ADOPTED)}) {
    out[n] = new cloudfront.Distribution(n, {
        distributionConfig: config(n === "adChange" && b ? { CallerReference: c.require("refB") + "-ad" } : {}), adopt: { id: c.require(n) } }).id;
}
if (c.getBoolean("withLate")) out.late = new cloudfront.Distribution("late", { distributionConfig: config({}) }).id;
module.exports = out;
`,
            async live() {
                const out = await cf.send(new ListDistributionsCommand({}));
                return (out.DistributionList?.Items ?? []).map((d) => d.Id!);
            },
            async deleteOutOfBand(id) {
                const cfg = await cf.send(new GetDistributionConfigCommand({ Id: id }));
                const disabled = await cf.send(
                    new UpdateDistributionCommand({ Id: id, IfMatch: cfg.ETag, DistributionConfig: { ...cfg.DistributionConfig!, Enabled: false } }),
                );
                await waitDeployed(cf, id);
                await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: disabled.ETag }));
            },
            createOp: "CreateDistributionWithTags",
            deleteOp: "UpdateDistribution",
            async slow(on) {
                await emu.setConfig({ deploySeconds: on ? 600 : 0 });
                if (!on) {
                    // A change made while slow keeps its 600 s deploy time: finish it now.
                    const out = await cf.send(new ListDistributionsCommand({}));
                    for (const d of out.DistributionList?.Items ?? []) {
                        if (d.Status !== "Deployed") {
                            await emu.setDistributionStatus(d.Id!, "Deployed");
                        }
                    }
                }
            },
        });

        const makers: Record<MatrixKind, () => Kind> = {
            "nat-private": natKind(false),
            "nat-public": natKind(true),
            function: functionKind,
            distribution: distributionKind,
        };
        for (const makeKind of [makers[only]]) {
            const kind = makeKind();
            describe(kind.name, function () {
                let project: TestProject;
                let config: Record<string, string>;
                let liveBefore: Set<string>;

                const stateIds = async () => (await project.resources()).filter((r) => r.type.includes("ackless:")).map((r) => r.id!);
                const stateId = async (name: string) => (await project.resources()).find((r) => r.name === name)?.id;
                const urn = async (name: string) =>
                    ((await project.state()).resources ?? []).find((r: any) => r.urn.endsWith(`::${name}`) && r.type.includes("ackless:"))
                        ?.urn as string;
                const setConfig = async (values: Record<string, string>) => {
                    for (const [k, v] of Object.entries(values)) {
                        await project.stack.setConfig(k, { value: v });
                    }
                };
                /** The invariant, after a step that was asked to delete `allowed` (ids). */
                const invariant = async (step: string, allowed: string[] = []) => {
                    const live = new Set(await kind.live());
                    const state = await stateIds();
                    expect([...live].sort(), `${step}: live resources = resources in state`).to.deep.equal([...state].sort());
                    expect(new Set(state).size, `${step}: no duplicate in state`).to.equal(state.length);
                    const deleted = [...liveBefore].filter((id) => !live.has(id));
                    expect(
                        deleted.filter((id) => !allowed.includes(id)),
                        `${step}: deleted without being asked`,
                    ).to.deep.equal([]);
                    const preview = await project.stack.preview();
                    expect(changeCounts(preview.changeSummary), `${step}: the next preview is clean`).to.deep.equal({});
                    liveBefore = live;
                };
                /** Runs the pulumi CLI on the project (for what the Automation API lacks). */
                const cli = (args: string[]): ChildProcess =>
                    spawn("pulumi", [...args, "--stack", "test", "--non-interactive"], {
                        cwd: project.dir,
                        env: { ...process.env, ...(project.stack.workspace as any).envVars },
                        stdio: ["ignore", "pipe", "pipe"],
                    });
                /** Starts `args`, SIGKILLs the CLI and its plugins once the emulator has served `op`, and waits. */
                const killAfter = async (args: string[], op: string) => {
                    await emu.resetCalls();
                    const child = cli(args);
                    let output = "";
                    child.stdout!.on("data", (d) => (output += d));
                    child.stderr!.on("data", (d) => (output += d));
                    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
                    const deadline = Date.now() + 120_000;
                    while (!(await emu.calls()).some((c) => c.operation === op)) {
                        if (Date.now() > deadline || child.exitCode !== null) {
                            throw new Error(`pulumi ${args.join(" ")} never called ${op}:\n${output}`);
                        }
                        await new Promise((r) => setTimeout(r, 50));
                    }
                    for (const pid of [child.pid!, ...descendants(child.pid!)]) {
                        try {
                            process.kill(pid, "SIGKILL");
                        } catch {
                            // already gone
                        }
                    }
                    await exited;
                    // A killed CLI leaves the file backend's lock behind: what `pulumi cancel` is for on a service backend.
                    fs.rmSync(path.join(project.dir, ".state", ".pulumi", "locks"), { recursive: true, force: true });
                };

                before(async () => {
                    config = await kind.setup();
                    project = await newProject(`matrix-${kind.name.replace(/\W/g, "")}`, kind.program, user.env(), config);
                    liveBefore = new Set(await kind.live());
                });
                after(async () => {
                    await project?.cleanup();
                });

                it("up creates one and adopts four: nothing else made, nothing deleted", async () => {
                    await project.stack.up();
                    for (const n of ADOPTED) {
                        expect(await stateId(n)).to.equal(config[n]);
                    }
                    await invariant("up");
                });

                it("refresh changes nothing", async () => {
                    await project.stack.refresh();
                    await invariant("refresh");
                });

                // A targeted replace runs check with no old inputs and no diff, so the adopted one's create adopts
                // its own live original again; it must then survive the delete of the old state entry (R2).
                it("up --replace: the created one is replaced (original deleted); the adopted one is re-adopted, never deleted", async () => {
                    const olds = [await stateId("created"), await stateId("adReplace")] as string[];
                    await project.stack.up({ replace: [await urn("created"), await urn("adReplace")] });
                    expect(await stateId("created")).to.not.equal(olds[0]);
                    expect(await stateId("adReplace")).to.equal(olds[1]);
                    await invariant("up --replace", [olds[0]]);
                });

                it("pulumi state taint, then up: the same", async () => {
                    const olds = [await stateId("created"), await stateId("adTaint")] as string[];
                    execFileSync(
                        "pulumi",
                        ["state", "taint", await urn("created"), await urn("adTaint"), "--yes", "--stack", "test", "--non-interactive"],
                        {
                            cwd: project.dir,
                            env: { ...process.env, ...(project.stack.workspace as any).envVars },
                            stdio: "pipe",
                        },
                    );
                    await project.stack.up();
                    expect(await stateId("created")).to.not.equal(olds[0]);
                    expect(await stateId("adTaint")).to.equal(olds[1]);
                    await invariant("taint + up", [olds[0]]);
                });

                it("deleted outside Pulumi, a created and an adopted one come back with up --refresh (a new resource each)", async () => {
                    const olds = [await stateId("created"), await stateId("adGone")] as string[];
                    for (const id of olds) {
                        await kind.deleteOutOfBand(id);
                    }
                    liveBefore = new Set(await kind.live());
                    await emu.resetCalls();
                    await project.stack.up({ refresh: true });
                    // Both made again (a function may get its old name back: it is free again).
                    expect((await emu.calls()).filter((c) => c.operation === kind.createOp && (c.status ?? 200) < 300).length).to.be.at.least(2);
                    expect((await project.resources()).find((r) => r.name === "adGone")?.outputs?.vanished).to.equal(undefined);
                    await invariant("out-of-band delete + up --refresh");
                });

                it("a program change that forces replacement replaces the created and an adopted one", async () => {
                    const olds = [await stateId("created"), await stateId("adChange")] as string[];
                    await setConfig({ variant: "b" });
                    await project.stack.up();
                    expect(await stateId("created")).to.not.equal(olds[0]);
                    expect(await stateId("adChange")).to.not.equal(olds[1]);
                    await invariant("forced replacement", olds);
                });

                it("up --target changes only the target", async () => {
                    await setConfig({ tag: "2" });
                    const up = await project.stack.up({ target: [await urn("created")] });
                    expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
                    await invariant("up --target");
                });

                it("kill -9 of up right after a create call, then up again: one resource, in state", async () => {
                    await setConfig({ withLate: "true" });
                    await kind.slow(true);
                    await killAfter(["up", "--yes", "--skip-preview"], kind.createOp);
                    await kind.slow(false);
                    await project.stack.up();
                    expect(await stateId("late")).to.be.a("string");
                    await invariant("kill -9 of up, then up");
                });

                it("kill -9 of destroy mid-wait, then destroy again: nothing left, in AWS or in state", async () => {
                    await kind.slow(true);
                    await killAfter(["destroy", "--yes", "--skip-preview"], kind.deleteOp);
                    await kind.slow(false);
                    const all = [...liveBefore];
                    await project.stack.destroy();
                    expect(await project.resources()).to.deep.equal([]);
                    expect(await kind.live()).to.deep.equal([]);
                    liveBefore = new Set();
                    expect(all.length).to.equal(6);
                    expect(denials(await callsOf(emu, user)), "denied to the apply.json + adopt.json user").to.deep.equal([]);
                });
            });
        }
    });
}
