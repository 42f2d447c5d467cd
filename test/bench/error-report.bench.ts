/**
 * Benchmark: how long `pulumi preview` takes to report a program error.
 *
 *   node dist/test/bench/error-report.bench.js   (after `source .ackless/env.sh`)
 *   BENCH_NODE=/usr/bin/node node dist/test/bench/error-report.bench.js   (another Node.js for the program)
 *
 * Times three previews of the same small program on the real engine, the
 * median of BENCH_ROUNDS (default 3) each:
 * - clean: the program as written;
 * - top-level throw: a typo at top level (a ReferenceError);
 * - apply throw: an Error thrown inside an `apply`.
 * and prints each failing preview's time beside the clean one (target: within
 * 1 s). On Node.js before 24 each error can take ~30 s to appear: Node's
 * util.inspect loops on the stack frames that @pulumi/pulumi's source maps
 * produce (nodejs/node#64011); see the README's Troubleshooting.
 */
import * as path from "path";
import { execFileSync } from "child_process";
import { newProject } from "../helpers/pulumi";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NODE = process.env.BENCH_NODE;

const head = `
const pulumi = require("@pulumi/pulumi");
const { Echo } = require("ackless/dist/provider/testing/echo");
const echo = new Echo("echo", { path: require("path").join(require("os").tmpdir(), "ackless-error-bench.txt"), content: "x" });
`;
const programs: Record<string, string> = {
    clean: `${head}exports.n = pulumi.output(1).apply((v) => v + 1);\n`,
    "top-level throw": `${head}exports.n = pulumi.output(1).apply((v) => v + 1);\nexports.typo = echo.contnet.apply((c) => c);\n`,
    "apply throw": `${head}exports.n = pulumi.output(1).apply((v) => { throw new Error("boom in apply"); });\n`,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number) => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
    const env: Record<string, string> = {};
    if (NODE) {
        env.PATH = `${path.dirname(NODE)}:${process.env.PATH}`;
    }
    const nodeVersion = execFileSync(NODE ?? "node", ["--version"], { encoding: "utf8" }).trim();
    const results: Record<string, { ms: number; error: string }> = {};
    for (const [name, program] of Object.entries(programs)) {
        const project = await newProject(`errbench-${name.replace(/\W+/g, "-")}`, program, env);
        try {
            await project.stack.preview().catch(() => undefined); // warm-up: plugins, caches
            const times: number[] = [];
            let error = "";
            for (let i = 0; i < ROUNDS; i++) {
                const t = Date.now();
                try {
                    await project.stack.preview();
                } catch (e) {
                    const text = String((e as Error).message ?? e);
                    error = /(TypeError|ReferenceError|Error): [^\n]*/.exec(text)?.[0] ?? text.split("\n")[0];
                }
                times.push(Date.now() - t);
            }
            if ((name === "clean") !== (error === "")) {
                throw new Error(`the ${name} preview ${error ? `failed: ${error}` : "did not fail"}`);
            }
            results[name] = { ms: median(times), error };
        } finally {
            await project.cleanup();
        }
    }
    const clean = results.clean.ms;
    console.log(`pulumi preview, median of ${ROUNDS}, program on Node.js ${nodeVersion}:`);
    for (const [name, r] of Object.entries(results)) {
        const extra =
            name === "clean" ? "" : `  (+${secs(r.ms - clean)} s over clean; ${r.ms - clean <= 1000 ? "within" : "NOT within"} 1 s)  ${r.error}`;
        console.log(`  ${name.padEnd(16)} ${secs(r.ms).padStart(6)} s${extra}`);
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
