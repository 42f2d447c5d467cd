/**
 * npm run soak -- --ops N --seed S [--kinds nat,fn,dist,kvs] [--faults on|off] [--shrink-minutes M] [--out DIR]
 * npm run soak -- --replay FILE
 * Starts its own emulator; prints every operation and, last, "N operations,
 * D divergences" with the figures. Exit status 0 only when D is 0.
 */
import * as fs from "fs";
import { startEmulator } from "../helpers/emulator";
import { KINDS } from "./kinds";
import { describeOp, EDIT_OPS, ENGINE_OPS, WORLD_OPS } from "./ops";

const ALL_OPS: string[] = [...EDIT_OPS, ...ENGINE_OPS, "kill", ...WORLD_OPS];
import { replay, Reproduction, soak, summaryLine } from "./soak";

const USAGE =
    "usage: npm run soak -- --ops N --seed S [--kinds nat,fn,dist,kvs] [--faults on|off] [--mix op=weight,...] [--shrink-minutes M] [--out DIR]\n" +
    "       npm run soak -- --replay FILE [--verbose on]";

/** --mix kill=0,oobDelete=8: weight overrides by operation type. */
export function parseMix(text: string | undefined): Record<string, number> | undefined {
    if (!text) return undefined;
    const out: Record<string, number> = {};
    for (const part of text.split(",").filter(Boolean)) {
        const [k, v] = part.split("=");
        const w = Number(v);
        if (!ALL_OPS.includes(k) || !Number.isFinite(w) || w < 0) {
            throw new Error(`--mix: "${part}" is not <operation>=<weight >= 0>; operations: ${ALL_OPS.join(", ")}`);
        }
        out[k] = w;
    }
    return out;
}

export function parseArgs(argv: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (!a.startsWith("--")) throw new Error(`unexpected argument "${a}"\n${USAGE}`);
        const [k, inline] = a.slice(2).split("=", 2);
        const v = inline ?? argv[++i];
        if (v === undefined) throw new Error(`--${k} needs a value\n${USAGE}`);
        out[k] = v;
    }
    for (const k of Object.keys(out)) {
        if (!["ops", "seed", "kinds", "faults", "shrink-minutes", "out", "replay", "verbose", "mix"].includes(k))
            throw new Error(`unknown option --${k}\n${USAGE}`);
    }
    return out;
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const log = (l: string) => console.log(l);
    const emu = await startEmulator({ deploySeconds: 0, natSeconds: 0 });
    try {
        if (args.replay) {
            const repro: Reproduction = JSON.parse(fs.readFileSync(args.replay, "utf8"));
            log(`replaying ${repro.ops.length} operations of seed ${repro.seed} (${repro.signature})`);
            const r = await replay(emu, repro.kinds, repro.ops, { log, finale: true });
            for (const d of r.failure?.divergences ?? []) log(`    DIVERGENCE ${d.invariant}: ${d.message}`);
            if (r.failure && args.verbose === "on") log((r.output ?? []).join("\n\n"));
            log(summaryLine({ ops: repro.ops, failure: r.failure, figures: r.figures }));
            return r.failure ? 1 : 0;
        }
        const ops = Number(args.ops ?? "40");
        if (!Number.isInteger(ops) || ops < 1) throw new Error(`--ops must be a positive integer\n${USAGE}`);
        const kinds = (args.kinds ?? KINDS.map((k) => k.key).join(",")).split(",").filter(Boolean);
        for (const k of kinds) {
            if (!KINDS.some((x) => x.key === k)) throw new Error(`--kinds: unknown kind "${k}"; known: ${KINDS.map((x) => x.key).join(", ")}`);
        }
        if (args.faults && !["on", "off"].includes(args.faults)) throw new Error(`--faults must be on or off\n${USAGE}`);
        const seed = args.seed ?? String(Date.now() % 1_000_000);
        log(`soak: seed ${seed}, ${ops} operations, kinds ${kinds.join(",")}, faults ${args.faults ?? "on"}${args.mix ? `, mix ${args.mix}` : ""}`);
        // Ctrl-C (or SIGTERM) stops before the next operation and still prints the closing line; a second one exits.
        let stop = false;
        const onSignal = () => {
            if (stop) process.exit(130);
            stop = true;
            log("stopping after the current operation (again to exit now)...");
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        const report = await soak(emu, {
            stopRequested: () => stop,
            ops,
            seed,
            kinds,
            faults: (args.faults ?? "on") === "on",
            weights: parseMix(args.mix),
            shrinkMinutes: Number(args["shrink-minutes"] ?? "20"),
            reproDir: args.out,
            log,
        });
        if (report.failure) {
            log(`seed ${seed} failed after operation ${report.failure.index} (${report.failure.opType}); shrunk to:`);
            for (const op of report.repro?.ops ?? []) log(`  ${describeOp(op)}`);
        }
        log(summaryLine(report));
        return report.failure ? 1 : 0;
    } finally {
        await emu.stop();
    }
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (err) => {
            console.error(err instanceof Error ? err.message : err);
            process.exit(2);
        },
    );
}
