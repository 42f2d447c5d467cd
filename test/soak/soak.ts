/**
 * The randomized lifecycle tester: draws seeded operations, runs each on the
 * real engine and the emulator, checks the invariants after each, and on a
 * divergence shrinks the operation list and writes a reproduction a test can
 * replay (replay()).
 */
import * as fs from "fs";
import * as path from "path";
import { Emulator } from "../helpers/emulator";
import { KINDS, kindByKey } from "./kinds";
import { Divergence, signature } from "./model";
import { describeOp, Generator, Op } from "./ops";
import { Prng } from "./prng";
import { Figures, OpResult, Session } from "./runner";
import { shrink } from "./shrink";

export interface SoakOptions {
    ops: number;
    seed: string;
    kinds?: string[];
    faults?: boolean;
    /** Weight overrides by operation type (--mix kill=0,oobDelete=8). */
    weights?: Record<string, number>;
    /** Time budget for shrinking a failure (0: do not shrink). */
    shrinkMinutes?: number;
    /** Where reproductions are written (default ./soak-repros). */
    reproDir?: string;
    log?: (line: string) => void;
    /** Polled before each operation: true stops the run there (no finale), e.g. on Ctrl-C. */
    stopRequested?: () => boolean;
}

export interface Failure {
    /** Index of the operation after which the invariants broke; ops.length: the finale. */
    index: number;
    opType: string;
    divergences: Divergence[];
}

export interface SoakReport {
    seed: string;
    kinds: string[];
    faults: boolean;
    ops: Op[];
    failure?: Failure;
    figures: Figures;
    /** The shrunk reproduction, when there was a failure. */
    repro?: Reproduction;
    reproPath?: string;
    /** What the engine printed during the failing operation (the shrunk replay's, once shrunk). */
    output?: string[];
    /** Stopped before its last operation (stopRequested): the finale did not run. */
    stopped?: boolean;
}

/** What a reproduction file holds. */
export interface Reproduction {
    seed: string;
    kinds: string[];
    faults: boolean;
    /** The signature the replay showed (invariant@operation) and its messages. */
    signature: string;
    divergences: Divergence[];
    originalLength: number;
    ops: Op[];
    /** What the defect is, in words (added when the reproduction is committed to test/soak/repros/). */
    defect?: string;
    /** Set while the defect's fix is not in: the regression test reports it as pending. Remove it with the fix. */
    open?: string;
}

export interface ReplayResult {
    failure?: Failure;
    figures: Figures;
    /** What the engine printed during the failing operation. */
    output?: string[];
}

function firstFailure(index: number, opType: string, r: OpResult): Failure | undefined {
    return r.status === "diverged" ? { index, opType, divergences: r.divergences } : undefined;
}

/** Runs a fixed list of operations on a fresh stack; stops at the first divergence; the finale runs unless `finale: false`. */
export async function replay(
    emu: Emulator,
    kinds: string[],
    ops: readonly Op[],
    opts: { finale?: boolean; log?: (l: string) => void } = {},
): Promise<ReplayResult> {
    const session = await Session.start({ emu, kinds: kinds.map(kindByKey), log: opts.log });
    try {
        for (let i = 0; i < ops.length; i++) {
            const r = await session.apply(ops[i]);
            opts.log?.(`  [${i}] ${describeOp(ops[i])}: ${r.status}${r.note ? ` (${r.note})` : ""}`);
            const failure = firstFailure(i, ops[i].t, r);
            if (failure) return { failure, figures: session.figures, output: session.output };
        }
        if (opts.finale !== false) {
            const failure = firstFailure(ops.length, "finale", await session.finale());
            if (failure) return { failure, figures: session.figures, output: session.output };
        }
        return { figures: session.figures };
    } finally {
        await session.close();
    }
}

export function failureSignature(f: Failure): string {
    return signature(f.divergences[0], f.opType);
}

export async function soak(emu: Emulator, options: SoakOptions): Promise<SoakReport> {
    const kinds = options.kinds ?? KINDS.map((k) => k.key);
    const faults = options.faults ?? true;
    const log = options.log ?? (() => undefined);
    const generator = new Generator(new Prng(options.seed), { kinds, faults, weights: options.weights });
    const session = await Session.start({ emu, kinds: kinds.map(kindByKey), log });
    const ops: Op[] = [];
    let failure: Failure | undefined;
    let stopped = false;
    try {
        for (let i = 0; i < options.ops && !failure; i++) {
            if (options.stopRequested?.()) {
                stopped = true;
                log(`stopped after ${i} operations, as asked: no finale`);
                break;
            }
            const op = generator.next(session.view());
            ops.push(op);
            const started = Date.now();
            const r = await session.apply(op);
            log(`[${i}] ${describeOp(op)}: ${r.status}${r.note ? ` (${r.note})` : ""} ${((Date.now() - started) / 1000).toFixed(1)} s`);
            for (const d of r.divergences) log(`    DIVERGENCE ${d.invariant}: ${d.message}`);
            failure = firstFailure(i, op.t, r);
        }
        if (!failure && !stopped) {
            log(`[finale] up --refresh, preview, destroy`);
            const r = await session.finale();
            for (const d of r.divergences) log(`    DIVERGENCE ${d.invariant}: ${d.message}`);
            failure = firstFailure(ops.length, "finale", r);
        }
    } finally {
        await session.close();
    }
    const report: SoakReport = { seed: options.seed, kinds, faults, ops, failure, stopped, figures: { ...session.figures }, output: session.output };
    if (failure) {
        log(`seed ${options.seed}: operations run:\n${ops.map((o, i) => `  [${i}] ${describeOp(o)}`).join("\n")}`);
        const shrunk = await shrinkFailure(emu, report, failure, options.shrinkMinutes ?? 20, log);
        report.repro = shrunk.repro;
        report.output = shrunk.output ?? report.output;
        const dir = options.reproDir ?? path.resolve("soak-repros");
        fs.mkdirSync(dir, { recursive: true });
        report.reproPath = path.join(dir, `soak-${options.seed}-${report.repro.signature.replace(/\W+/g, "-")}-${report.repro.ops.length}ops.json`);
        fs.writeFileSync(report.reproPath, JSON.stringify(report.repro, null, 2) + "\n");
        fs.writeFileSync(report.reproPath.replace(/\.json$/, ".log"), (report.output ?? []).join("\n\n"));
        log(`reproduction (${report.repro.ops.length} of ${ops.length + (failure.opType === "finale" ? 0 : 0)} operations): ${report.reproPath}`);
        log(`replay it: npm run soak -- --replay ${report.reproPath}`);
    }
    return report;
}

/** Shrinks the operations up to the failure to a short list that fails with the same signature. */
async function shrinkFailure(
    emu: Emulator,
    report: SoakReport,
    failure: Failure,
    minutes: number,
    log: (l: string) => void,
): Promise<{ repro: Reproduction; output?: string[] }> {
    const sig = failureSignature(failure);
    const prefix = report.ops.slice(0, failure.index + 1);
    const isFinale = failure.opType === "finale";
    const fails = async (candidate: Op[]): Promise<boolean> => {
        try {
            const r = await replay(emu, report.kinds, candidate, { finale: isFinale });
            return !!r.failure && failureSignature(r.failure) === sig;
        } catch (err) {
            log(`    shrink attempt errored: ${(err as Error).message}`);
            return false;
        }
    };
    let best = prefix;
    if (minutes > 0) {
        log(`shrinking ${prefix.length} operations (signature ${sig}, budget ${minutes} min)...`);
        best = await shrink(prefix, fails, {
            deadline: Date.now() + minutes * 60_000,
            onAttempt: (a) => log(`    tried ${a.length} operations: ${a.failed ? "still fails" : "passes"} (best ${a.best})`),
        });
    }
    const confirmed = await replay(emu, report.kinds, best, { finale: isFinale });
    const repro: Reproduction = {
        seed: report.seed,
        kinds: report.kinds,
        faults: report.faults,
        signature: sig,
        divergences: confirmed.failure?.divergences ?? failure.divergences,
        originalLength: report.ops.length,
        ops: best,
    };
    return { repro, output: confirmed.failure ? confirmed.output : undefined };
}

/** The closing line: "N operations, D divergences", then the figures. */
export function summaryLine(report: { ops: readonly Op[]; failure?: Failure; figures: Figures; stopped?: boolean }): string {
    const f = report.figures;
    const byType = Object.entries(f.byType)
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `${t} ${n}`)
        .join(", ");
    const d = report.failure?.divergences.length ?? 0;
    return (
        `${report.ops.length} operations, ${d} divergences` +
        ` | by type: ${byType}` +
        ` | skipped ${f.skipped}, refused ${f.refused}, killed ${f.kills}${f.sidecarsRepaired ? ` (state sidecars repaired ${f.sidecarsRepaired})` : ""}` +
        ` | AWS calls ${f.awsCalls}, faults injected ${f.faults}, commands retried under faults ${f.faultRetries}` +
        ` | wall time ${(f.wallMs / 1000).toFixed(1)} s` +
        (report.stopped ? " | stopped early: no finale" : "")
    );
}
