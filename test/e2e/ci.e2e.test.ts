/**
 * e2e: the `ackless` CI commands (preview, apply, drift) run as users run
 * them: `node dist/provider/cli.js ...` as a child process with an explicit
 * environment, on the real Pulumi engine, against the emulator (EC2 for the
 * NAT gateway, S3 for the shared state backend).
 */
import { expect } from "chai";
import { spawn } from "child_process";
import { createHash, createHmac } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AllocateAddressCommand, CreateSubnetCommand, CreateVpcCommand, DeleteNatGatewayCommand, EC2Client } from "@aws-sdk/client-ec2";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
// Installed with the AWS SDK (no @aws-sdk/client-s3 here): signs the one S3 GET below.
import { SignatureV4 } from "@smithy/signature-v4";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { pulumiRoot, repoRoot } from "../helpers/pulumi";
import { MaskedStream, Masker } from "../../provider/ci/mask";

const CLI = path.join(repoRoot, "dist", "provider", "cli.js");
const STACK = "ci";
const ACCESS_KEY_ID = "testing";
// Distinctive values, so finding them anywhere means a leak.
const SECRET_KEY = "ci-aws-Secret-7f3a9c1e5b2d";
const PASSPHRASE = "ci-Passphrase-4d2e8b6a0f1c";
const TOKEN = "ci-config-Token-9a8b7c6d5e";
const SECRETS = [SECRET_KEY, PASSPHRASE, TOKEN];

interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** Every command output of this file, checked for secrets at the end. */
const outputs: CliRun[] = [];

function startCli(args: string[], env: Record<string, string>, cwd: string): { done: Promise<CliRun>; exited(): boolean } {
    let exited = false;
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const done = new Promise<CliRun>((resolve, reject) => {
        child.once("error", reject);
        child.once("close", (code) => {
            exited = true;
            const run = { code: code ?? -1, stdout, stderr };
            outputs.push(run);
            resolve(run);
        });
    });
    return { done, exited: () => exited };
}

function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
    return startCli(args, env, cwd).done;
}

function show(run: CliRun): string {
    return `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}

/** The JSON section `ackless` prints on stdout when no --json FILE is given. */
function jsonSection(stdout: string, name: string): any {
    const start = stdout.indexOf(`--- ${name} ---\n`);
    const end = stdout.indexOf(`--- end ${name} ---`);
    expect(start, `no ${name} section in:\n${stdout}`).to.be.greaterThan(-1);
    return JSON.parse(stdout.slice(start + `--- ${name} ---\n`.length, end));
}

function newProjectDir(name: string, program: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ackless-ci-${name}-`));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`);
    fs.writeFileSync(path.join(dir, "index.js"), program);
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
    fs.mkdirSync(path.join(dir, "files"));
    return dir;
}

/** The environment a pipeline job would have: nothing inherited but PATH and HOME. */
function ciEnv(emu: Emulator, dir: string, backendUrl: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
        PATH: `${path.join(pulumiRoot(), "bin")}:${process.env.PATH}`,
        HOME: process.env.HOME ?? os.homedir(),
        ACKLESS_PULUMI_ROOT: pulumiRoot(),
        PULUMI_HOME: path.join(dir, ".pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_BACKEND_URL: backendUrl,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        ACKLESS_STACK: STACK,
        AWS_ENDPOINT_URL: emu.endpoint,
        AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET_KEY,
        AWS_REGION: "us-east-1",
        ACKLESS_POLL_MIN_MS: "50",
        ACKLESS_POLL_MAX_MS: "200",
        CI_TOKEN: TOKEN,
        ...extra,
    };
}

/** SHA-256 for SignatureV4, from Node's crypto. */
class Sha256 {
    private readonly hash;
    constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
        this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", Buffer.from(secret as any));
    }
    update(data: string | ArrayBuffer | ArrayBufferView): void {
        this.hash.update(typeof data === "string" ? data : Buffer.from(data as any));
    }
    async digest(): Promise<Uint8Array> {
        return new Uint8Array(this.hash.digest());
    }
}

/** GET an S3 object from the emulator, signed like the SDK would (objects are private). */
async function s3Get(emu: Emulator, key: string): Promise<string> {
    const signer = new SignatureV4({
        service: "s3",
        region: "us-east-1",
        sha256: Sha256,
        credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: "testing" },
    });
    const signed = await signer.sign({
        method: "GET",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: emu.port,
        path: key,
        headers: { host: `127.0.0.1:${emu.port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    const res = await fetch(`${emu.endpoint}${key}`, { headers: signed.headers as Record<string, string> });
    const text = await res.text();
    expect(res.status, text).to.equal(200);
    return text;
}

/** What `pulumi stack export` prints (secrets stay encrypted), and the checkpoint as stored by the backend. */
async function storedState(dir: string, env: Record<string, string>, stored: () => Promise<string>): Promise<string[]> {
    const exported = await new Promise<string>((resolve, reject) => {
        const child = spawn(path.join(pulumiRoot(), "bin", "pulumi"), ["stack", "export", "--stack", STACK, "--non-interactive"], {
            cwd: dir,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
        child.once("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`pulumi stack export: ${code} ${err}`))));
    });
    return [exported, await stored()];
}

/** The stack's exported state (secrets decrypted: for checking resources, not for leaks), read in-process through the Automation API with the same environment. */
async function exportState(dir: string, env: Record<string, string>): Promise<any> {
    const pulumiCommand = await PulumiCommand.get({ root: pulumiRoot() });
    const stack = await LocalWorkspace.selectStack({ stackName: STACK, workDir: dir }, { pulumiCommand, envVars: env });
    return (await stack.exportStack()).deployment;
}

function resourceNames(deployment: any): string[] {
    return (deployment.resources ?? [])
        .filter((r: any) => !r.type.startsWith("pulumi:"))
        .map((r: any) => r.urn.split("::").pop())
        .sort();
}

describe("e2e: ackless preview/apply/drift from a pipeline", function () {
    let emu: Emulator;
    const dirs: string[] = [];
    const states: string[] = [];

    before(async function () {
        this.timeout(60_000);
        emu = await sharedEmulator({ natSeconds: 0 });
    });

    after(async () => {
        await emu?.stop();
        for (const d of dirs) {
            fs.rmSync(d, { recursive: true, force: true });
        }
    });

    describe("on the file backend, with a NAT gateway and Echo resources", () => {
        let dir: string;
        let env: Record<string, string>;
        let subnetId: string;
        let allocationId: string;
        let aws: EC2Client;
        const file = (n: string) => path.join(dir, "files", n);

        // v1 -> v2: keep stays, edit is updated, move is replaced (path),
        // drop is deleted, add is created; the NAT gateway stays.
        const program = (version: 1 | 2) => `
const pulumi = require("@pulumi/pulumi");
const { Echo } = require("ackless/dist/provider/testing/echo");
const { ec2 } = require("ackless");
const cfg = new pulumi.Config();
const dir = ${JSON.stringify("FILES")};
const v = ${version};
new Echo("keep", { path: dir + "/keep.txt", content: "same" });
new Echo("edit", { path: dir + "/edit.txt", content: v === 1 ? "one" : "two" });
new Echo("move", { path: dir + (v === 1 ? "/move-1.txt" : "/move-2.txt"), content: "m" });
if (v === 1) new Echo("drop", { path: dir + "/drop.txt", content: "d" });
if (v === 2) new Echo("add", { path: dir + "/add.txt", content: "a" });
const nat = new ec2.NatGateway("nat", { subnetId: cfg.require("subnetId"), allocationId: cfg.require("allocationId") });
// A careless program printing a secret: the CLI must mask it.
pulumi.log.info("program sees AWS secret " + process.env.AWS_SECRET_ACCESS_KEY);
exports.natId = nat.id;
exports.token = cfg.requireSecret("token");
`;
        const writeProgram = (version: 1 | 2) =>
            fs.writeFileSync(path.join(dir, "index.js"), program(version).replace('"FILES"', JSON.stringify(path.join(dir, "files"))));

        before(async () => {
            dir = newProjectDir("ci-file", "");
            dirs.push(dir);
            writeProgram(1);
            const backend = path.join(dir, ".state");
            fs.mkdirSync(backend);
            env = ciEnv(emu, dir, `file://${backend}`);
            aws = new EC2Client({
                endpoint: emu.endpoint,
                region: "us-east-1",
                credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: "testing" },
            });
            const vpc = await aws.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
            subnetId = (await aws.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.1.0/24" }))).Subnet!.SubnetId!;
            allocationId = (await aws.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
        });

        it("apply creates the stack from the environment, --cwd, --config and --secret-config alone", async () => {
            const run = await runCli(
                [
                    "apply",
                    "--cwd",
                    dir,
                    "--config",
                    `subnetId=${subnetId}`,
                    "--config",
                    `allocationId=${allocationId}`,
                    "--secret-config",
                    "token=CI_TOKEN",
                ],
                env,
                os.tmpdir(),
            );
            expect(run.code, show(run)).to.equal(0);
            expect(run.stdout).to.match(/ackless apply: stack "ci" updated: 6 created/);
            expect(fs.readFileSync(file("edit.txt"), "utf8")).to.equal("one");
            const state = await exportState(dir, env);
            expect(resourceNames(state)).to.deep.equal(["drop", "edit", "keep", "move", "nat"]);
            // The secret config was stored encrypted, never as its value.
            expect(fs.readFileSync(path.join(dir, "Pulumi.ci.yaml"), "utf8")).to.include("secure:");
        });

        it("preview on a changed program writes the JSON summary with the right counts and fields, and changes nothing", async () => {
            writeProgram(2);
            const jsonFile = path.join(dir, "out", "preview.json");
            const run = await runCli(["preview", "--json", jsonFile], env, dir);
            expect(run.code, show(run)).to.equal(0);
            const summary = JSON.parse(fs.readFileSync(jsonFile, "utf8"));
            expect(summary.command).to.equal("preview");
            expect(summary.stack).to.equal(STACK);
            expect(summary.counts).to.deep.equal({ create: 1, update: 1, replace: 1, delete: 1, same: 2 });
            const byName = Object.fromEntries(summary.changes.map((c: any) => [c.name, c]));
            expect(Object.keys(byName).sort()).to.deep.equal(["add", "drop", "edit", "move"]);
            expect(byName.add).to.include({ op: "create", type: "ackless:Echo" });
            expect(byName.drop).to.include({ op: "delete", type: "ackless:Echo" });
            expect(byName.edit).to.deep.include({ op: "update", fields: ["content"] });
            expect(byName.move).to.deep.include({ op: "replace", fields: ["path"], replaceKeys: ["path"] });
            expect(byName.edit.urn).to.match(/^urn:pulumi:ci::ci-file::pulumi-nodejs:dynamic\/ackless:Echo::edit$/);
            // The human summary.
            expect(run.stdout).to.include('ackless preview: stack "ci": 1 to create, 1 to update, 1 to replace, 1 to delete, 2 unchanged');
            expect(run.stdout).to.match(/~ update\s+edit \(ackless:Echo\): content/);
            expect(run.stdout).to.match(/\+-replace\s+move \(ackless:Echo\): path \[replacement forced by path\]/);
            // A preview changes nothing.
            expect(fs.readFileSync(file("edit.txt"), "utf8")).to.equal("one");
            expect(fs.existsSync(file("add.txt"))).to.equal(false);
            expect(resourceNames(await exportState(dir, env))).to.deep.equal(["drop", "edit", "keep", "move", "nat"]);
        });

        it("apply then preview shows no changes (JSON section on stdout)", async () => {
            const apply = await runCli(["apply"], env, dir);
            expect(apply.code, show(apply)).to.equal(0);
            expect(fs.readFileSync(file("edit.txt"), "utf8")).to.equal("two");
            expect(fs.existsSync(file("drop.txt"))).to.equal(false);
            expect(fs.existsSync(file("move-2.txt"))).to.equal(true);
            const preview = await runCli(["preview"], env, dir);
            expect(preview.code, show(preview)).to.equal(0);
            const summary = jsonSection(preview.stdout, "preview.json");
            expect(summary.counts).to.deep.equal({ create: 0, update: 0, replace: 0, delete: 0, same: 5 });
            expect(summary.changes).to.deep.equal([]);
            expect(preview.stdout).to.include('ackless preview: stack "ci": no changes (5 unchanged)');
        });

        it("drift exits 0 when the real resources match the state", async () => {
            const run = await runCli(["drift"], env, dir);
            expect(run.code, show(run)).to.equal(0);
            expect(run.stdout).to.include('ackless drift: stack "ci": no drift (5 resources match the state)');
            expect(jsonSection(run.stdout, "drift.json")).to.deep.include({ drifted: false, resources: [] });
        });

        it("drift exits 2 after an out-of-band NAT gateway delete and Echo edit, prints what drifted, and leaves the state alone", async () => {
            const before = await exportState(dir, env);
            const natId = before.resources.find((r: any) => r.urn.endsWith("::nat")).id;
            expect(natId).to.match(/^nat-/);
            await aws.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
            fs.writeFileSync(file("edit.txt"), "changed by hand");
            const jsonFile = path.join(dir, "out", "drift.json");
            const run = await runCli(["drift", "--json", jsonFile], env, dir);
            expect(run.code, show(run)).to.equal(2);
            expect(run.stdout).to.include("DRIFT: 1 gone, 1 changed, 3 unchanged");
            expect(run.stdout).to.match(/- gone\s+nat \(ackless:NatGateway\): deleted outside Pulumi/);
            expect(run.stdout).to.match(/~ changed\s+edit \(ackless:Echo\): content/);
            const summary = JSON.parse(fs.readFileSync(jsonFile, "utf8"));
            expect(summary.drifted).to.equal(true);
            const kinds = Object.fromEntries(summary.resources.map((r: any) => [r.name, [r.kind, r.fields]]));
            expect(kinds).to.deep.equal({ nat: ["gone", []], edit: ["changed", ["content"]] });
            // Only a preview: the state still records both as they were.
            const after = await exportState(dir, env);
            expect(resourceNames(after)).to.deep.equal(resourceNames(before));
            expect(after.resources.find((r: any) => r.urn.endsWith("::edit")).outputs.content).to.equal("two");
        });

        it("preview and drift exit 1 on errors", async () => {
            // A resource the provider rejects (Echo needs a path).
            const broken = newProjectDir(
                "ci-broken",
                'const { Echo } = require("ackless/dist/provider/testing/echo");\nnew Echo("bad", { path: "", content: "x" });\n',
            );
            dirs.push(broken);
            const preview = await runCli(["preview", "--create"], { ...env, PULUMI_HOME: path.join(broken, ".pulumi-home") }, broken);
            expect(preview.code, show(preview)).to.equal(1);
            expect(preview.stderr).to.match(/ackless preview: failed: bad: .*path is required/);
            const drift = await runCli(["drift", "--stack", "no-such-stack"], env, dir);
            expect(drift.code, show(drift)).to.equal(1);
            expect(drift.stderr).to.match(/stack "no-such-stack" does not exist/);
            const noStack = await runCli(["apply"], { ...env, ACKLESS_STACK: "" }, dir);
            expect(noStack.code, show(noStack)).to.equal(1);
            expect(noStack.stderr).to.include("set ACKLESS_STACK");
        });

        it("the secret the program printed was masked in the command output", () => {
            const all = outputs.map((o) => o.stdout + o.stderr).join("\n");
            expect(all).to.include("program sees AWS secret ***");
        });

        after(async () => {
            states.push(
                ...(await storedState(dir, env, async () =>
                    fs.readFileSync(path.join(dir, ".state", ".pulumi", "stacks", "ci-file", "ci.json"), "utf8"),
                )),
            );
        });
    });

    describe("on an S3 backend in the emulator", () => {
        let dir: string;
        let env: Record<string, string>;
        const bucket = "ackless-ci-state";

        before(async () => {
            const res = await fetch(`${emu.endpoint}/${bucket}`, { method: "PUT" });
            expect(res.status, await res.text()).to.equal(200);
            // The program waits for a gate file when CI_GATE is set, so a test
            // can hold one apply in the middle of its update.
            dir = newProjectDir(
                "ci-s3",
                `
const fs = require("fs");
const { Echo } = require("ackless/dist/provider/testing/echo");
const gate = process.env.CI_GATE;
module.exports = (async () => {
    if (gate) {
        fs.writeFileSync(gate + ".waiting", "");
        while (!fs.existsSync(gate)) await new Promise((r) => setTimeout(r, 50));
    }
    for (const n of ["one", "two", "three"]) new Echo(n, { path: ${JSON.stringify("FILES")} + "/" + n + ".txt", content: n });
})();
`,
            );
            fs.writeFileSync(
                path.join(dir, "index.js"),
                fs.readFileSync(path.join(dir, "index.js"), "utf8").replace('"FILES"', JSON.stringify(path.join(dir, "files"))),
            );
            dirs.push(dir);
            env = ciEnv(emu, dir, `s3://${bucket}?endpoint=127.0.0.1:${emu.port}&s3ForcePathStyle=true&disableSSL=true&region=us-east-1`);
        });

        it("two applies of one stack at once: one succeeds, the other fails fast with the lock message, the state lists every resource", async () => {
            const gate = path.join(dir, "gate");
            const first = startCli(["apply"], { ...env, CI_GATE: gate }, dir);
            // Wait until the first apply is inside its update (it holds the lock).
            while (!fs.existsSync(gate + ".waiting") && !first.exited()) {
                await new Promise((r) => setTimeout(r, 50));
            }
            expect(first.exited(), first.exited() ? show(await first.done) : "").to.equal(false);
            const second = await runCli(["apply"], env, dir);
            expect(second.code, show(second)).to.equal(1);
            expect(second.stderr).to.match(/the stack is currently locked by 1 lock\(s\)/);
            expect(second.stderr).to.include('ackless apply: stack "ci" is locked by another update; nothing was changed');
            fs.writeFileSync(gate, "");
            const done = await first.done;
            expect(done.code, show(done)).to.equal(0);
            expect(done.stdout).to.include("4 created"); // 3 Echo and the stack
            const state = await exportState(dir, env);
            expect(resourceNames(state)).to.deep.equal(["one", "three", "two"]);
            for (const n of ["one", "two", "three"]) {
                expect(fs.readFileSync(path.join(dir, "files", `${n}.txt`), "utf8")).to.equal(n);
            }
            // The state lives in the bucket.
            expect(await s3Get(emu, `/${bucket}/.pulumi/stacks/ci-s3/ci.json`)).to.include(
                '"urn:pulumi:ci::ci-s3::pulumi-nodejs:dynamic/ackless:Echo::two"',
            );
        });

        it("after the race the stack is intact: preview shows no changes, drift none", async () => {
            const preview = await runCli(["preview"], env, dir);
            expect(preview.code, show(preview)).to.equal(0);
            expect(jsonSection(preview.stdout, "preview.json").counts).to.deep.equal({ create: 0, update: 0, replace: 0, delete: 0, same: 3 });
            const drift = await runCli(["drift"], env, dir);
            expect(drift.code, show(drift)).to.equal(0);
        });

        after(async () => {
            states.push(...(await storedState(dir, env, () => s3Get(emu, `/${bucket}/.pulumi/stacks/ci-s3/ci.json`))));
        });
    });

    describe("secrets", () => {
        it("no secret value (AWS secret key, passphrase, secret config) appears in any command output or exported state", () => {
            expect(outputs.length).to.be.greaterThan(10);
            expect(states).to.have.length(4);
            expect(states[3]).to.include('"urn:pulumi:ci::ci-s3::pulumi-nodejs:dynamic/ackless:Echo::three"');
            for (const text of [...outputs.map((o) => o.stdout + o.stderr), ...states]) {
                for (const secret of SECRETS) {
                    expect(text.includes(secret), `a secret leaked into:\n${text.slice(0, 2000)}`).to.equal(false);
                }
            }
            // The secret config is in the state, encrypted (the secret signature with a ciphertext, no plaintext).
            for (const state of states.slice(0, 2)) {
                expect(state).to.match(/"4dabf18193072939515e22adb298388d":\s*"1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext"/);
                expect(state).not.to.include('"plaintext"');
            }
        });
    });
});

describe("ackless CI output masking", () => {
    it("masks the values of secret-looking and listed variables, never their names, even split across chunks", () => {
        const masker = Masker.fromEnv({
            AWS_SECRET_ACCESS_KEY: "abcd-secret-1",
            PULUMI_CONFIG_PASSPHRASE: "pass-phrase-2",
            MY_API: "listed-value-3",
            ACKLESS_MASK_ENV: "MY_API",
            AWS_REGION: "us-east-1",
            SHORT_TOKEN: "ab",
        });
        expect(masker.mask("k=abcd-secret-1 p=pass-phrase-2 l=listed-value-3 r=us-east-1 ab")).to.equal("k=*** p=*** l=*** r=us-east-1 ab");
        let out = "";
        const stream = new MaskedStream(masker, (t) => (out += t));
        stream.write("line one pass-ph");
        stream.write("rase-2 end\nAWS_SECRET_ACCESS_KEY is set\n");
        stream.write("tail abcd-secret-1");
        stream.flush();
        expect(out).to.equal("line one *** end\nAWS_SECRET_ACCESS_KEY is set\ntail ***");
    });
});
