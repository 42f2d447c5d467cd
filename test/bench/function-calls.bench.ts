/**
 * AWS calls made by cloudfront.Function per operation, next to the minimum.
 * Runs the provider against the emulator and reads its calls() log.
 *
 *   npx tsc -p tsconfig.json && source .ackless/env.sh && node dist/test/bench/function-calls.bench.js
 */
import { resetClients } from "../../provider/common/clients";
import { provider } from "../../provider/cloudfront/function/adapter";
import { Emulator, startEmulator } from "../helpers/emulator";

const TAG_OPS = new Set(["TagResource", "UntagResource", "ListTagsForResource"]);

interface Row {
    operation: string;
    calls: string[];
    functionCalls: number;
    tagCalls: number;
    minimum: string;
}

async function measure(emu: Emulator, operation: string, minimum: string, run: () => Promise<unknown>): Promise<Row> {
    await emu.resetCalls();
    await run();
    const calls = (await emu.calls()).filter((c) => c.service === "cloudfront").map((c) => c.operation);
    return {
        operation,
        calls,
        functionCalls: calls.filter((c) => !TAG_OPS.has(c)).length,
        tagCalls: calls.filter((c) => TAG_OPS.has(c)).length,
        minimum,
    };
}

async function main(): Promise<void> {
    const emu = await startEmulator();
    try {
        Object.assign(process.env, emu.env());
        resetClients();
        const rows: Row[] = [];
        const V1 = "function handler(event) { return event.request; }";
        const V2 = "function handler(event) { return { statusCode: 404 }; }";

        const inputs = (await provider.check({}, { code: V1, autoNamePrefix: "bench", tags: { team: "edge" } })).inputs;
        let state: any;
        rows.push(
            await measure(emu, "create (publish, 1 tag)", "2 function calls (CreateFunction, PublishFunction) + 1 TagResource", async () => {
                state = (await provider.create(inputs as any)).outs;
            }),
        );
        const v2 = (await provider.check(inputs, { ...inputs, code: V2 })).inputs;
        rows.push(
            await measure(emu, "code update (publish)", "3-4 (fresh ETag read, UpdateFunction, PublishFunction[, LIVE read])", async () => {
                state = (await provider.update(state.name, state, v2)).outs;
            }),
        );
        const tagged = (await provider.check(v2, { ...v2, tags: { team: "edge", env: "prod" } })).inputs;
        rows.push(
            await measure(emu, "tags-only update", "0 function calls + 1 TagResource", async () => {
                state = (await provider.update(state.name, state, tagged)).outs;
            }),
        );
        rows.push(
            await measure(emu, "read (refresh)", "4 function calls (Describe+Get per stage) + 1 ListTagsForResource", async () => {
                await provider.read(state.name, state);
            }),
        );
        rows.push(
            await measure(emu, "delete", "2 (fresh ETag read, DeleteFunction)", async () => {
                await provider.delete(state.name, state);
            }),
        );

        console.log("cloudfront.Function: AWS calls per operation (emulator calls() log)\n");
        console.log(["operation", "function calls", "tag calls", "minimum", "calls made"].join(" | "));
        console.log(["---", "---", "---", "---", "---"].join(" | "));
        for (const r of rows) {
            console.log([r.operation, r.functionCalls, r.tagCalls, r.minimum, r.calls.join(", ")].join(" | "));
        }
    } finally {
        await emu.stop();
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
