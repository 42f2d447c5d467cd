/**
 * `ackless preview`: what an apply would do, as a JSON summary (for bots and
 * PR comments) and a short human summary. Exits 0 whatever the changes are,
 * 1 on errors.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
    CiError,
    COMMON_HELP,
    describeFailure,
    engineCallbacks,
    emitJson,
    EXIT_ERROR,
    EXIT_OK,
    Io,
    changedKeys,
    isUserResource,
    makeIo,
    nameOf,
    openStack,
    parseOptions,
    shortType,
} from "./context";

export const description = "show what `apply` would change, as JSON (--json FILE) and a human summary";

export type ChangeOp = "create" | "update" | "replace" | "delete";

export interface PlannedChange {
    op: ChangeOp;
    urn: string;
    type: string;
    name: string;
    /** Top-level input fields that differ (update, replace). */
    fields: string[];
    /** The fields that force the replacement (replace). */
    replaceKeys?: string[];
}

export interface PreviewSummary {
    command: "preview";
    stack: string;
    counts: Record<ChangeOp | "same", number>;
    changes: PlannedChange[];
}

const HELP = `Usage: ackless preview [--json FILE] [--refresh] [--create] [options]

Previews an update of the stack and prints a human summary. The JSON summary
(counts of resources to create, update, replace and delete, and each change
with its changed fields) goes to FILE with --json, else to stdout between
"--- preview.json ---" and "--- end preview.json ---".
  --json FILE   write the JSON summary to FILE
  --refresh     refresh the state from the cloud before previewing
  --create      create the stack if it does not exist
Exit: 0 when the preview ran (changes or not), 1 on errors.

${COMMON_HELP}
`;

/** Collects planned changes from the engine's resourcePreEvents. */
export class ChangeCollector {
    readonly changes: PlannedChange[] = [];
    same = 0;

    onEvent = (event: EngineEvent): void => {
        const m = event.resourcePreEvent?.metadata;
        if (!m || !isUserResource(m.type)) {
            return;
        }
        // A replacement is reported as replace plus create-replacement and
        // delete-replaced steps; count it once.
        if (m.op === "same") {
            this.same++;
            return;
        }
        if (m.op !== "create" && m.op !== "update" && m.op !== "replace" && m.op !== "delete") {
            return;
        }
        // Dynamic providers report only whether and what forces replacement
        // (no detailedDiff), so the changed fields are also found by comparing
        // the stored inputs with the new ones.
        const fields = new Set<string>([
            ...(m.diffs ?? []),
            ...(m.keys ?? []),
            ...(m.old?.inputs && m.new?.inputs ? changedKeys(m.old.inputs, m.new.inputs) : []),
        ]);
        for (const p of Object.keys(m.detailedDiff ?? {})) {
            fields.add(p.split(/[.[]/)[0]);
        }
        const change: PlannedChange = {
            op: m.op,
            urn: m.urn,
            type: shortType(m.type),
            name: nameOf(m.urn),
            fields: m.op === "update" || m.op === "replace" ? [...fields].filter((f) => !f.startsWith("__")).sort() : [],
        };
        if (m.op === "replace") {
            change.replaceKeys = (m.keys ?? []).filter((f) => !f.startsWith("__")).sort();
        }
        this.changes.push(change);
    };

    summary(stack: string): PreviewSummary {
        const counts = { create: 0, update: 0, replace: 0, delete: 0, same: this.same };
        for (const c of this.changes) {
            counts[c.op]++;
        }
        return { command: "preview", stack, counts, changes: this.changes };
    }
}

const SYMBOL: Record<ChangeOp, string> = { create: "+ create ", update: "~ update ", replace: "+-replace", delete: "- delete " };

export function humanSummary(s: PreviewSummary): string {
    const c = s.counts;
    const total = c.create + c.update + c.replace + c.delete;
    const head = total
        ? `ackless preview: stack "${s.stack}": ${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete, ${c.same} unchanged\n`
        : `ackless preview: stack "${s.stack}": no changes (${c.same} unchanged)\n`;
    const lines = s.changes.map((ch) => {
        let line = `  ${SYMBOL[ch.op]} ${ch.name} (${ch.type})`;
        if (ch.fields.length) {
            line += `: ${ch.fields.join(", ")}`;
        }
        if (ch.replaceKeys?.length) {
            line += ` [replacement forced by ${ch.replaceKeys.join(", ")}]`;
        }
        return line + "\n";
    });
    return head + lines.join("");
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    const opts = parseOptions(argv, env, { json: true, create: true, refresh: true });
    if (opts.help) {
        process.stdout.write(HELP);
        return EXIT_OK;
    }
    const io: Io = makeIo(env, Object.values(opts.secretConfig));
    let engine: ReturnType<typeof engineCallbacks> | undefined;
    try {
        const stack = await openStack(opts, env, opts.create);
        const collector = new ChangeCollector();
        engine = engineCallbacks(io, collector.onEvent);
        await stack.preview({
            refresh: opts.refresh,
            color: "never",
            diff: false,
            ...engine.opts,
        });
        io.engine.flush();
        const summary = collector.summary(opts.stackName);
        io.out(humanSummary(summary));
        emitJson(io, opts.json, summary, "preview.json");
        return EXIT_OK;
    } catch (e) {
        io.engine.flush();
        if (e instanceof CiError) {
            throw e;
        }
        io.err(`ackless preview: failed: ${describeFailure(e, engine?.errors)}\n`);
        return EXIT_ERROR;
    }
}
