/**
 * Runs soak operations on the real Pulumi engine (Automation API, and the CLI
 * for kill -9, `state taint` and `cancel`) against the emulator, and checks
 * the invariants (model.ts) after each one.
 */
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { AllocateAddressCommand, CreateSubnetCommand, CreateVpcCommand, DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { Emulator } from "../helpers/emulator";
import { changeCounts, descendants, newProject, TestProject } from "../helpers/pulumi";
import { kindByKey, kindByType, settled, soakProgram, SoakKind, World } from "./kinds";
import { checkInvariants, Divergence, Expectation, OpEffect, Snapshot, StateEntry } from "./model";
import { applyEdit, destroyableInPlace, Entry, isEdit, Op, replaceableInPlace, View } from "./ops";
import { removeEmptySidecars } from "./sidecars";

export interface SessionOptions {
    emu: Emulator;
    kinds: readonly SoakKind[];
    /** Moderate fault rates used while faults are on. */
    faultRates?: { throttle: number; internal: number; drop: number };
    /** Seconds a new resource stays invisible to reads while the eventual-consistency switch is on. */
    consistencySeconds?: number;
    log?: (line: string) => void;
}

export type OpStatus = "ok" | "skipped" | "refused" | "diverged";

export interface OpResult {
    status: OpStatus;
    divergences: Divergence[];
    note?: string;
}

export interface Figures {
    ops: number;
    byType: Record<string, number>;
    skipped: number;
    refused: number;
    awsCalls: number;
    faults: number;
    /** Engine commands retried because faults made them fail. */
    faultRetries: number;
    kills: number;
    /** Empty state metadata sidecars a kill left, removed (repairTruncatedSidecars). */
    sidecarsRepaired?: number;
    wallMs: number;
}

const DEFAULT_RATES = { throttle: 0.1, internal: 0.03, drop: 0.02 };
const TYPE_PREFIX = "pulumi-nodejs:dynamic/ackless:";
/** ackless's one wording of an update that found its resource deleted outside Pulumi (common/errors.ts goneOnUpdate). */
const USER_REFRESHES = /it no longer exists; run `pulumi refresh` \(or `pulumi up --refresh`\) to recreate it/;
/** A command that fails under faults is run again this many times with faults on, then once with faults off. */
const FAULT_ATTEMPTS = 3;

/** The program's `token` config: the prefix of the names and CallerReferences entries declare (kinds.ts). */
const SOAK_TOKEN = "soak";

const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

export class Session {
    spec: Entry[] = [];
    /** Out-of-band and retained resources: handle -> kind and id. */
    readonly handles = new Map<string, { kind: string; id: string }>();
    readonly figures: Figures = {
        ops: 0,
        byType: {},
        skipped: 0,
        refused: 0,
        awsCalls: 0,
        faults: 0,
        faultRetries: 0,
        kills: 0,
        sidecarsRepaired: 0,
        wallMs: 0,
    };
    private faultsOn = false;
    private faultSeed = 0;
    private consistencyOn = false;
    private hiddenUntil = 0;
    private commands = 0;
    private last: Snapshot = { live: new Map(), state: [] };
    private appliedSpec = "";
    /** The Elastic IP of each public NAT gateway entry (Entry.pub), by entry key; and every address allocated so far. */
    private readonly eipOf = new Map<string, string>();
    private readonly eipPool: string[] = [];
    /** What the engine printed during the current operation (kept for a divergence's log). */
    output: string[] = [];
    /** AWS calls counted since the current operation began. */
    private calls = 0;
    private readonly started = Date.now();

    private constructor(
        private readonly opts: SessionOptions,
        readonly project: TestProject,
        private readonly world: World,
    ) {}

    /** A fresh emulator state, a VPC with two subnets, and an empty stack. */
    static async start(opts: SessionOptions): Promise<Session> {
        const { emu } = opts;
        // Everything back to the defaults (state, call log, switches, faults), as for a new account.
        await emu.resetAll();
        await emu.setConfig({ deploySeconds: 0, natSeconds: 0, notDisabledSeconds: 0, notFoundAfterCreateSeconds: 0 });
        const common = { endpoint: emu.endpoint, region: "us-east-1", credentials };
        const ec2 = new EC2Client(common);
        const cf = new CloudFrontClient(common);
        const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
        const subnets: string[] = [];
        for (const cidr of ["10.0.1.0/24", "10.0.2.0/24"]) {
            subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: cidr }))).Subnet!.SubnetId!);
        }
        const project = await newProject(
            "soak",
            soakProgram(opts.kinds),
            { ...emu.env(), ACKLESS_POLL_MIN_MS: "50", ACKLESS_POLL_MAX_MS: "200" },
            { subnets: JSON.stringify(subnets), token: SOAK_TOKEN, spec: "[]" },
        );
        const s = new Session(opts, project, { ec2, cf, subnets });
        s.appliedSpec = "[]";
        await emu.resetCalls();
        return s;
    }

    async close(): Promise<void> {
        this.world.ec2.destroy();
        this.world.cf.destroy();
        await this.project.cleanup();
    }

    private log(line: string): void {
        this.opts.log?.(line);
    }

    /** What the generator may know. */
    view(): View {
        const inState = new Set(this.last.state.map((e) => e.name));
        const stateIds = new Set(this.last.state.map((e) => e.id));
        const adopting = new Set(this.spec.map((e) => e.adopt).filter((h): h is string => !!h));
        const free = [...this.handles.entries()]
            .filter(([h, r]) => this.last.live.has(r.id) && !stateIds.has(r.id) && !adopting.has(h))
            .map(([handle, r]) => ({ handle, kind: r.kind }));
        return {
            spec: this.spec,
            inState,
            protectedInState: new Set(this.last.state.filter((e) => e.protect).map((e) => e.name)),
            free,
            faultsOn: this.faultsOn,
            consistencyOn: this.consistencyOn,
        };
    }

    /** Applies one operation and checks the invariants after it. */
    async apply(op: Op): Promise<OpResult> {
        this.output = [];
        this.figures.ops++;
        this.figures.byType[op.t] = (this.figures.byType[op.t] ?? 0) + 1;
        const result = await this.applyInner(op);
        if (result.status === "skipped") this.figures.skipped++;
        if (result.status === "refused") this.figures.refused++;
        await this.countCalls();
        const calls = this.calls;
        this.calls = 0;
        if (calls) result.note = `${result.note ? `${result.note}; ` : ""}${calls} AWS calls`;
        this.figures.wallMs = Date.now() - this.started;
        return result;
    }

    private async applyInner(op: Op): Promise<OpResult> {
        if (isEdit(op)) {
            if (op.t === "adopt") {
                const h = this.handles.get(op.handle);
                if (!h || h.kind !== op.kind || !this.last.live.has(h.id) || this.last.state.some((e) => e.id === h.id)) {
                    return skipped(`handle ${op.handle} is not a free live ${op.kind}`);
                }
            }
            if (!this.opts.kinds.some((k) => k.key === (op as any).kind) && (op.t === "add" || op.t === "adopt")) {
                return skipped(`kind ${(op as any).kind} is not soaked`);
            }
            if (op.t === "forceReplace" && this.spec.find((e) => e.name === op.name)?.adopt && !this.stateEntry(op.name)) {
                return skipped(`${op.name} is an adoption not made yet: a field that cannot change must match the adopted resource`);
            }
            let next = applyEdit(this.spec, op);
            if (!next) return skipped("does not apply to the program");
            if (op.t === "adopt") {
                // The adoption declares what the resource has where a field cannot change (a retained NAT gateway's subnet).
                const generation = await kindByKey(op.kind).adoptGeneration?.(this.world, this.handles.get(op.handle)!.id);
                if (generation !== undefined) next = next.map((e) => (e.name === op.name ? { ...e, r: generation } : e));
            }
            this.spec = next;
            return ok();
        }
        switch (op.t) {
            case "faults":
                this.faultsOn = op.on;
                this.faultSeed = op.seed;
                return ok();
            case "consistency":
                this.consistencyOn = op.on;
                await this.opts.emu.setConfig({ notFoundAfterCreateSeconds: op.on ? this.consistencySeconds() : 0 });
                return ok();
            case "oobCreate": {
                if (this.handles.has(op.handle)) return skipped(`handle ${op.handle} exists`);
                if (!this.opts.kinds.some((k) => k.key === op.kind)) return skipped(`kind ${op.kind} is not soaked`);
                const id = await kindByKey(op.kind).create(this.world, op.handle);
                this.noteCreate();
                this.handles.set(op.handle, { kind: op.kind, id });
                return this.check({});
            }
            case "oobDelete": {
                const target = this.resolve(op);
                if (!target) return skipped("nothing live to delete");
                await kindByKey(target.kind).remove(this.world, target.id);
                return this.check({ deletedOutOfBand: [target.id] });
            }
            case "oobEdit":
            case "oobTags": {
                const target = this.resolve(op);
                if (!target) return skipped("nothing live to edit");
                const kind = kindByKey(target.kind);
                await (op.t === "oobEdit" ? kind.editField(this.world, target.id) : kind.editTags(this.world, target.id));
                return this.check({});
            }
            case "up":
            case "upRefresh":
                return this.command(op.t, { engineMayDelete: true });
            case "preview":
            case "refresh":
                return this.command(op.t, {});
            case "upReplace":
            case "destroyTarget":
            case "taint": {
                const e = this.stateEntry(op.name);
                if (!e) return skipped(`${op.name} is not in state`);
                if (e.protect || this.spec.find((x) => x.name === op.name)?.protect) return skipped(`${op.name} is protected`);
                if (op.t !== "destroyTarget" && !replaceableInPlace(this.spec, op.name)) return skipped(`${op.name} declares a fixed identity`);
                if (op.t === "destroyTarget" && !destroyableInPlace(this.spec, op.name, e.retain))
                    return skipped(`${op.name} is retained with a fixed identity`);
                if (op.t === "taint") return this.command("taint", {}, e.urn);
                return this.command(op.t, { engineMayDelete: true, ...(op.t === "destroyTarget" ? { targets: [e.urn] } : {}) }, e.urn);
            }
            case "upTarget": {
                const entry = this.spec.find((x) => x.name === op.name);
                if (!entry) return skipped(`${op.name} is not declared`);
                const urns = [entry.name, ...entry.aliases].map((n) => this.urnOf(entry.kind, n));
                return this.command("upTarget", { engineMayDelete: true, targets: urns }, urns[0]);
            }
            case "cancel":
                return this.command("cancel", {});
            case "kill":
                return this.kill(op);
        }
    }

    private consistencySeconds(): number {
        return this.opts.consistencySeconds ?? 2;
    }

    /** After anything that may create: while the switch is on, reads may not see it until this passes. */
    private noteCreate(): void {
        if (this.consistencyOn) this.hiddenUntil = Math.max(this.hiddenUntil, Date.now() + this.consistencySeconds() * 1000 + 200);
    }

    private resolve(op: { name?: string; handle?: string }): { kind: string; id: string } | undefined {
        if (op.handle) {
            const h = this.handles.get(op.handle);
            return h && this.last.live.has(h.id) ? h : undefined;
        }
        const e = op.name ? this.stateEntry(op.name) : undefined;
        return e && this.last.live.has(e.id) ? { kind: e.kind, id: e.id } : undefined;
    }

    private stateEntry(name: string): StateEntry | undefined {
        return this.last.state.find((e) => e.name === name && !e.pendingDelete);
    }

    private urnOf(kind: string, name: string): string {
        return this.stateEntry(name)?.urn ?? `urn:pulumi:test::soak::${TYPE_PREFIX}${kindByKey(kind).typeName}::${name}`;
    }

    /** The spec the program reads, with adopt handles resolved to ids. */
    private async pushSpec(): Promise<void> {
        // A user whose `adopt` names a resource that is gone, for an entry that is not in state (destroyed by
        // `--target`, say), follows ackless's message and drops `adopt` (mode "adopt" fails at preview otherwise).
        this.spec = this.spec.map((e) => {
            const h = e.adopt ? this.handles.get(e.adopt) : undefined;
            if (!e.adopt || this.stateEntry(e.name) || (h && this.last.live.has(h.id))) return e;
            this.log(`      ${e.name}: adopt names ${e.adopt}, which is gone; the program drops adopt`);
            return withoutAdopt(e);
        });
        await this.assignAddresses();
        const resolved = this.spec.map(({ adopt, ...e }) => {
            const id = adopt ? this.handles.get(adopt)?.id : undefined;
            const eip = e.pub ? this.eipOf.get(e.key) : undefined;
            return { ...e, ...(id ? { adoptId: id } : {}), ...(eip ? { eip } : {}) };
        });
        const json = JSON.stringify(resolved);
        if (json !== this.appliedSpec) {
            await this.project.stack.setConfig("spec", { value: json });
            this.appliedSpec = json;
        }
    }

    /**
     * Gives each public NAT gateway entry an Elastic IP of its own, kept while the entry is in the program: one that no
     * entry declares and no live gateway holds (a removed entry's gateway holds its address until it is deleted).
     */
    private async assignAddresses(): Promise<void> {
        const keys = new Set(this.spec.filter((e) => e.pub).map((e) => e.key));
        for (const key of [...this.eipOf.keys()]) if (!keys.has(key)) this.eipOf.delete(key);
        const needing = this.spec.filter((e) => e.pub && !this.eipOf.has(e.key));
        if (!needing.length) return;
        const wait = this.hiddenUntil - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const out = await this.world.ec2.send(new DescribeNatGatewaysCommand({}));
        const taken = new Set<string>(this.eipOf.values());
        for (const g of out.NatGateways ?? []) {
            if (g.State === "deleted" || g.State === "failed") continue;
            for (const a of g.NatGatewayAddresses ?? []) if (a.AllocationId) taken.add(a.AllocationId);
        }
        for (const e of needing) {
            let eip = this.eipPool.find((a) => !taken.has(a));
            if (!eip) {
                eip = (await this.world.ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
                this.eipPool.push(eip);
            }
            taken.add(eip);
            this.eipOf.set(e.key, eip);
        }
    }

    /** Runs one engine command (retried while faults make it fail), then checks the invariants. */
    private async command(cmd: string, effect: OpEffect, urn?: string): Promise<OpResult> {
        await this.pushSpec();
        effect.retainInProgram = new Set(this.spec.filter((e) => e.retain).map((e) => e.name));
        const expectation = this.expectation(cmd, urn);
        let error: Error | undefined;
        const summary: { changes?: Record<string, number> } = {};
        for (let attempt = 0; attempt <= FAULT_ATTEMPTS; attempt++) {
            const faults = this.faultsOn && attempt < FAULT_ATTEMPTS;
            if (faults) {
                const rates = this.opts.faultRates ?? DEFAULT_RATES;
                await this.opts.emu.setFaults({ seed: this.faultSeed + this.commands, ...rates });
            }
            this.commands++;
            try {
                error = undefined;
                await this.runCommand(cmd, urn, summary);
            } catch (err) {
                error = err as Error;
            } finally {
                if (faults) await this.opts.emu.clearFaults();
                this.noteCreate();
            }
            if (!error || !this.faultsOn) break;
            this.figures.faultRetries++;
            this.log(`      ${cmd} failed under faults (attempt ${attempt + 1}): ${firstLine(error)}`);
        }
        if (error && cmd !== "upRefresh" && USER_REFRESHES.test(errorText(error))) {
            // ackless refused because a resource was deleted outside Pulumi, and named the fix: the user runs it.
            const r = await this.command("upRefresh", { ...effect, engineMayDelete: true, targets: undefined });
            this.figures.refused++;
            return { ...r, note: `${cmd} refused (${firstLine(error).slice(0, 160)}); then up --refresh` };
        }
        for (const fix of this.followedFixes) {
            const entries = error ? fix.entries(errorText(error)) : [];
            if (!entries.length) continue;
            // ackless refused and named the fix: the user applies it to the program and runs the command again.
            this.spec = this.spec.map((e) => (entries.includes(e) ? fix.apply(e) : e));
            const r = await this.command(cmd, effect, urn);
            this.figures.refused++;
            return { ...r, note: `${cmd} refused (${fix.refusal}); then ${fix.fix} for ${entries.map((e) => e.name).join(", ")}` };
        }
        if (error) {
            const message = errorText(error);
            if (/protected|marked for protection/i.test(message)) {
                await this.check(effect);
                return { status: "refused", divergences: [], note: `refused: ${firstLine(error)}` };
            }
            const checked = await this.check(effect);
            return {
                status: "diverged",
                divergences: [{ invariant: "command", message: `pulumi ${cmd} failed: ${condense(message)}` }, ...checked.divergences],
            };
        }
        return this.check({ ...effect, expect: expectation });
    }

    /**
     * The refusals whose fix ackless names and a user follows by editing the program, then running the same command
     * again: which entries the message refuses, and the edit.
     */
    private readonly followedFixes: { refusal: string; fix: string; entries: (message: string) => Entry[]; apply: (e: Entry) => Entry }[] = [
        {
            // CloudFront accepts a CallerReference once, even after its distribution is deleted.
            refusal: "a CallerReference a deleted distribution used",
            fix: "a new CallerReference",
            entries: (m) => this.spentIdentities(m),
            apply: (e) => ({ ...e, r: e.r + 1 }),
        },
        {
            // A targeted replacement (`up --replace`, `state taint`) is checked without its old inputs, so ackless
            // checks `adopt` again and refuses one naming a resource that is gone, or whose creation fields the
            // program has since changed (a CallerReference, a subnet).
            refusal: "a targeted replacement re-checked adopt",
            fix: "adopt removed",
            entries: (m) => this.adoptedAlready(m),
            apply: withoutAdopt,
        },
    ];

    /** Entries in state whose `adopt` ackless refused at a targeted replacement's re-check, naming that fix. */
    private adoptedAlready(message: string): Entry[] {
        const names = new Set(
            [...message.matchAll(/resource '([^']+)': property \S+ value .*?remove adopt from the program: the adoption has already happened/g)].map(
                (m) => m[1],
            ),
        );
        return this.spec.filter((e) => e.adopt && [e.name, ...e.aliases].some((n) => names.has(n) && this.stateEntry(n)));
    }

    /** Entries whose declared identity ackless refused because a deleted resource already used it (a CallerReference). */
    private spentIdentities(message: string): Entry[] {
        const used = new Set(
            [...message.matchAll(/CallerReference "([^"]+)" was already used by a distribution that has since been deleted/g)].map((m) => m[1]),
        );
        return this.spec.filter((e) => e.kind === "dist" && kindByKey(e.kind).fixedIdentity(e) && used.has(`${SOAK_TOKEN}-${e.key}-${e.r}`));
    }

    /** What a command that succeeds promises (model.Expectation). */
    private expectation(cmd: string, urn?: string): Expectation {
        switch (cmd) {
            case "up":
                return { declared: this.spec.map((e) => e.name) };
            case "upRefresh":
                return { declared: this.spec.map((e) => e.name), allLive: true };
            case "refresh":
                return { allLive: true };
            case "preview":
            case "cancel":
            case "taint":
                return { unchanged: true };
            case "destroyTarget":
                return { absent: [urn!] };
            default:
                return {};
        }
    }

    private async runCommand(cmd: string, urn: string | undefined, summary: { changes?: Record<string, number> }): Promise<void> {
        const stack = this.project.stack;
        const record = (r: { stdout?: string; stderr?: string }) =>
            this.output.push(`$ pulumi ${cmd}${urn ? ` ${urn}` : ""}\n${r.stdout ?? ""}${r.stderr ?? ""}`);
        try {
            switch (cmd) {
                case "up":
                case "upRefresh": {
                    const r = await stack.up(cmd === "upRefresh" ? { refresh: true } : {});
                    record(r);
                    summary.changes = changeCounts(r.summary.resourceChanges);
                    return;
                }
                case "upReplace":
                    record(await stack.up({ replace: [urn!] }));
                    return;
                case "upTarget":
                    record(await stack.up({ target: [urn!] }));
                    return;
                case "destroyTarget":
                    record(await stack.destroy({ target: [urn!] }));
                    return;
                case "preview": {
                    const r = await stack.preview();
                    record(r);
                    summary.changes = changeCounts(r.changeSummary);
                    return;
                }
                case "refresh":
                    record(await stack.refresh());
                    return;
                case "taint":
                    record({ stdout: await this.cli(["state", "taint", urn!, "--yes"]) });
                    return;
                case "cancel":
                    record({ stdout: await this.cli(["cancel", "--yes"]) });
                    return;
                case "unprotectAll":
                    record({ stdout: await this.cli(["state", "unprotect", "--all", "--yes"]) });
                    return;
                case "destroy":
                    record(await stack.destroy());
                    return;
            }
        } catch (err) {
            record({ stderr: errorText(err as Error) });
            throw err;
        }
        throw new Error(`unknown command ${cmd}`);
    }

    private cliEnv(): NodeJS.ProcessEnv {
        return { ...process.env, ...(this.project.stack.workspace as any).envVars };
    }

    private cli(args: string[]): Promise<string> {
        return new Promise((resolve, reject) => {
            execFile(
                "pulumi",
                [...args, "--stack", "test", "--non-interactive"],
                { cwd: this.project.dir, env: this.cliEnv() },
                (err, stdout, stderr) => (err ? reject(new Error(`pulumi ${args.join(" ")}: ${stderr || stdout || err.message}`)) : resolve(stdout)),
            );
        });
    }

    /** kill -9 of a command after `afterCalls` AWS calls of it; then `pulumi cancel` and what a user runs next. */
    private async kill(op: Extract<Op, { t: "kill" }>): Promise<OpResult> {
        const e = op.name ? this.stateEntry(op.name) : undefined;
        if ((op.cmd === "upReplace" || op.cmd === "destroyTarget") && (!e || e.protect || this.spec.find((x) => x.name === op.name)?.protect)) {
            return skipped(`${op.name} is not in state or is protected`);
        }
        if (op.cmd === "upReplace" && !replaceableInPlace(this.spec, op.name!)) return skipped(`${op.name} declares a fixed identity`);
        if (op.cmd === "destroyTarget" && !destroyableInPlace(this.spec, op.name!, e!.retain))
            return skipped(`${op.name} is retained with a fixed identity`);
        await this.pushSpec();
        const args =
            op.cmd === "destroyTarget"
                ? ["destroy", "--target", e!.urn, "--yes", "--skip-preview"]
                : [
                      "up",
                      "--yes",
                      "--skip-preview",
                      ...(op.cmd === "upRefresh" ? ["--refresh"] : []),
                      ...(op.cmd === "upReplace" ? ["--replace", e!.urn] : []),
                  ];
        await this.countCalls();
        const child: ChildProcess = spawn("pulumi", [...args, "--stack", "test", "--non-interactive"], {
            cwd: this.project.dir,
            env: this.cliEnv(),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout!.on("data", (d) => (output += d));
        child.stderr!.on("data", (d) => (output += d));
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        let killed = false;
        for (;;) {
            if (child.exitCode !== null || child.signalCode !== null) break;
            const calls = await this.opts.emu.calls();
            if (calls.length >= op.afterCalls) {
                for (const pid of [child.pid!, ...descendants(child.pid!)]) {
                    try {
                        process.kill(pid, "SIGKILL");
                    } catch {
                        // already gone
                    }
                }
                killed = true;
                break;
            }
            await new Promise((r) => setTimeout(r, 20));
        }
        await exited;
        this.output.push(`$ pulumi ${args.join(" ")} (${killed ? "killed" : "not killed"})\n${output}`);
        this.noteCreate();
        if (killed) this.figures.kills++;
        // What a user does next: repair a state file the kill truncated (README, Troubleshooting), release the lock the
        // killed CLI left, and run the command again.
        if (killed) this.repairTruncatedSidecars();
        await this.cli(["cancel", "--yes"]).catch((err) => this.log(`      pulumi cancel: ${firstLine(err)}`));
        const note = killed ? `killed after ${op.afterCalls} AWS calls` : `finished before ${op.afterCalls} AWS calls`;
        if (op.cmd === "destroyTarget") {
            // The invariants compare with the snapshot before the killed command: only the state is read here.
            const still = (await this.readState()).find((x) => x.name === op.name && !x.pendingDelete);
            if (!still) return { ...(await this.check({ engineMayDelete: true, targets: [e!.urn] })), note };
            const r = await this.command("destroyTarget", { engineMayDelete: true, targets: [still.urn] }, still.urn);
            return { ...r, note };
        }
        if (op.cmd === "upReplace") {
            // The same command again: ackless takes over what the killed replacement made (a plain `up` would not
            // replace, and the replacement the killed run made would stay on AWS unrecorded: README, "an interrupted run").
            // Unless the target has left the stack (the program no longer declares it, and the run deleted it before
            // the kill or finished): `--replace` of it would fail ("could not be found in the stack"), so `up`.
            const still = (await this.readState()).some((x) => x.urn === e!.urn && !x.pendingDelete);
            const r = still
                ? await this.command("upReplace", { engineMayDelete: true }, e!.urn)
                : await this.command("up", { engineMayDelete: true });
            return {
                ...r,
                note: `${note}${killed ? "" : ` (${output.length} bytes of output)`}${still ? "" : `; ${op.name} left the stack: then up`}`,
            };
        }
        const r = await this.command(op.cmd === "upRefresh" ? "upRefresh" : "up", { engineMayDelete: true });
        return { ...r, note: `${note}${killed ? "" : ` (${output.length} bytes of output)`}` };
    }

    /** The invariants between the last snapshot and now. */
    private async check(effect: OpEffect): Promise<OpResult> {
        const before = this.last;
        const after = await this.snapshot();
        const unmanaged = new Set([...this.handles.values()].map((h) => h.id));
        const result = checkInvariants(before, after, effect, unmanaged);
        for (const id of result.retained) {
            if ([...this.handles.values()].some((h) => h.id === id)) continue;
            const entry = before.state.find((e) => e.id === id)!;
            let n = 1;
            while (this.handles.has(`kept-${entry.name}-${n}`)) n++;
            this.handles.set(`kept-${entry.name}-${n}`, { kind: entry.kind, id });
        }
        this.last = after;
        return result.divergences.length ? { status: "diverged", divergences: result.divergences } : ok();
    }

    async snapshot(): Promise<Snapshot> {
        const wait = this.hiddenUntil - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const live = new Map<string, string>();
        for (const kind of this.opts.kinds) {
            for (const id of await settled(() => kind.live(this.world))) live.set(id, kind.key);
        }
        return { live, state: await this.readState() };
    }

    /** After a kill: an empty state metadata sidecar is removed, as the Troubleshooting entry says (sidecars.ts). */
    private repairTruncatedSidecars(): void {
        for (const file of removeEmptySidecars(path.join(this.project.dir, ".state", ".pulumi"))) {
            this.figures.sidecarsRepaired = (this.figures.sidecarsRepaired ?? 0) + 1;
            this.log(`      the kill left ${path.relative(this.project.dir, file)} empty (the state's metadata sidecar): removed, as a user would`);
        }
    }

    /** The ackless resources of the stack's latest checkpoint (read from the file backend). */
    async readState(): Promise<StateEntry[]> {
        const dir = path.join(this.project.dir, ".state", ".pulumi", "stacks");
        const file = findFile(dir, "test.json");
        if (!file) return [];
        const checkpoint = JSON.parse(fs.readFileSync(file, "utf8"));
        const resources: any[] = checkpoint?.checkpoint?.latest?.resources ?? [];
        return resources
            .filter((r) => typeof r.type === "string" && r.type.startsWith(TYPE_PREFIX))
            .map((r) => ({
                urn: r.urn,
                name: String(r.urn).split("::").pop()!,
                kind: kindByType(r.type)?.key ?? r.type,
                id: r.id,
                retain: r.retainOnDelete === true,
                protect: r.protect === true,
                pendingDelete: r.delete === true,
                vanished: r.outputs?.vanished !== undefined && r.outputs?.vanished !== false,
            }));
    }

    /** Adds the emulator's call log to the figures (and to the current operation's count) and empties it. */
    private async countCalls(): Promise<void> {
        const calls = await this.opts.emu.calls();
        this.figures.awsCalls += calls.length;
        this.figures.faults += calls.filter((c) => c.fault && c.fault !== "latency").length;
        await this.opts.emu.resetCalls();
        this.calls += calls.length;
    }

    /**
     * The end of every run: faults off, everything unprotected, then one
     * `up --refresh` converges, the next `preview` is clean, and `destroy`
     * leaves only what was retained or never managed.
     */
    async finale(): Promise<OpResult> {
        this.faultsOn = false;
        if (this.consistencyOn) {
            this.consistencyOn = false;
            await this.opts.emu.setConfig({ notFoundAfterCreateSeconds: 0 });
        }
        this.spec = this.spec.map((e) => ({ ...e, protect: false }));
        for (const cmd of ["unprotectAll", "upRefresh", "preview", "destroy"]) {
            const effect: OpEffect = cmd === "upRefresh" || cmd === "destroy" ? { engineMayDelete: true } : {};
            const summary: { changes?: Record<string, number> } = {};
            await this.pushSpec();
            try {
                await this.runCommand(cmd, undefined, summary);
            } catch (err) {
                return {
                    status: "diverged",
                    divergences: [{ invariant: "converge", message: `finale: pulumi ${cmd} failed: ${condense(errorText(err as Error))}` }],
                };
            }
            const checked = await this.check({ ...effect, expect: this.expectation(cmd) });
            if (checked.status === "diverged") return { ...checked, note: `after the finale's ${cmd}` };
            if (cmd === "preview" && Object.keys(summary.changes ?? {}).length) {
                return {
                    status: "diverged",
                    divergences: [
                        { invariant: "converge", message: `finale: the preview after up --refresh is not clean: ${JSON.stringify(summary.changes)}` },
                    ],
                };
            }
        }
        const left = this.last.state;
        if (left.length) {
            return {
                status: "diverged",
                divergences: [{ invariant: "converge", message: `finale: destroy left ${left.map((e) => e.name).join(", ")} in state` }],
            };
        }
        await this.countCalls();
        return ok();
    }
}

function ok(): OpResult {
    return { status: "ok", divergences: [] };
}

function skipped(note: string): OpResult {
    return { status: "skipped", divergences: [], note };
}

function findFile(dir: string, name: string): string | undefined {
    if (!fs.existsSync(dir)) return undefined;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            const found = findFile(p, name);
            if (found) return found;
        } else if (entry.name === name) {
            return p;
        }
    }
    return undefined;
}

function errorText(err: Error): string {
    const anyErr = err as any;
    return [anyErr.stderr, anyErr.stdout, err.message].filter(Boolean).join("\n");
}

function firstLine(err: unknown): string {
    return condense(errorText(err as Error)).slice(0, 300);
}

/** The lines of a Pulumi error that say what went wrong (errors and diagnostics), on one line. */
export function condense(text: string): string {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => /error|failed|AWS |refus|protected|cannot|not found|exist/i.test(l) && !/^\s*at /.test(l));
    return [...new Set(lines)].slice(0, 6).join(" | ") || text.trim().split("\n").slice(-3).join(" | ");
}

function withoutAdopt(e: Entry): Entry {
    const { adopt: _dropped, ...rest } = e;
    return rest;
}
