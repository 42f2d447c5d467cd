/**
 * `ackless drift`: a refresh preview (`pulumi refresh --preview-only`): reads
 * every resource from the cloud and compares it with the state, changing
 * nothing. Exits 0 when nothing drifted, 2 when something did, 1 on errors.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
    CiError,
    COMMON_HELP,
    describeFailure,
    engineCallbacks,
    emitJson,
    EXIT_DRIFT,
    EXIT_ERROR,
    EXIT_OK,
    changedKeys,
    isUserResource,
    makeIo,
    nameOf,
    openStack,
    parseOptions,
    shortType,
} from "./context";

export const description = "compare the real resources with the state (refresh preview); exit 2 on drift";

export interface Drift {
    /** `gone`: deleted outside Pulumi; `changed`: its real properties differ from the state. */
    kind: "gone" | "changed";
    urn: string;
    type: string;
    name: string;
    /** The top-level fields whose real value differs from the state (changed). */
    fields: string[];
}

export interface DriftSummary {
    command: "drift";
    stack: string;
    drifted: boolean;
    counts: { gone: number; changed: number; same: number };
    resources: Drift[];
}

const HELP = `Usage: ackless drift [--json FILE] [options]

Reads every resource of the stack from the cloud and compares it with the
state, without changing the state (a refresh preview), and prints what
drifted: resources deleted outside Pulumi and resources whose properties
changed. The JSON summary goes to FILE with --json, else to stdout between
"--- drift.json ---" and "--- end drift.json ---".
Exit: 0 when nothing drifted, 2 when something did, 1 on errors.
Fix drift with \`ackless apply --refresh\` (or \`pulumi refresh\` to accept it).

${COMMON_HELP}
`;

export class DriftCollector {
    readonly resources: Drift[] = [];
    same = 0;

    onEvent = (event: EngineEvent): void => {
        const m = event.resOutputsEvent?.metadata;
        if (!m || !isUserResource(m.type)) {
            return;
        }
        const base = { urn: m.urn, type: shortType(m.type), name: nameOf(m.urn) };
        if (m.op === "delete") {
            this.resources.push({ kind: "gone", ...base, fields: [] });
        } else if (m.op === "update") {
            this.resources.push({ kind: "changed", ...base, fields: changedKeys(m.old?.outputs, m.new?.outputs) });
        } else if (m.op === "same" || m.op === "refresh") {
            this.same++;
        }
    };

    summary(stack: string): DriftSummary {
        const gone = this.resources.filter((r) => r.kind === "gone").length;
        const changed = this.resources.length - gone;
        return { command: "drift", stack, drifted: this.resources.length > 0, counts: { gone, changed, same: this.same }, resources: this.resources };
    }
}

export function humanSummary(s: DriftSummary): string {
    if (!s.drifted) {
        return `ackless drift: stack "${s.stack}": no drift (${s.counts.same} resources match the state)\n`;
    }
    const head = `ackless drift: stack "${s.stack}": DRIFT: ${s.counts.gone} gone, ${s.counts.changed} changed, ${s.counts.same} unchanged\n`;
    const lines = s.resources.map((r) =>
        r.kind === "gone"
            ? `  - gone     ${r.name} (${r.type}): deleted outside Pulumi\n`
            : `  ~ changed  ${r.name} (${r.type})${r.fields.length ? `: ${r.fields.join(", ")}` : ""}\n`,
    );
    return head + lines.join("") + "Run `ackless apply --refresh` to put the resources back as the program declares them.\n";
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    const opts = parseOptions(argv, env, { json: true });
    if (opts.help) {
        process.stdout.write(HELP);
        return EXIT_OK;
    }
    const io = makeIo(env, Object.values(opts.secretConfig));
    let engine: ReturnType<typeof engineCallbacks> | undefined;
    try {
        const stack = await openStack(opts, env, false);
        const collector = new DriftCollector();
        engine = engineCallbacks(io, collector.onEvent);
        await stack.previewRefresh({
            color: "never",
            ...engine.opts,
        });
        io.engine.flush();
        const summary = collector.summary(opts.stackName);
        io.out(humanSummary(summary));
        emitJson(io, opts.json, summary, "drift.json");
        return summary.drifted ? EXIT_DRIFT : EXIT_OK;
    } catch (e) {
        io.engine.flush();
        if (e instanceof CiError) {
            throw e;
        }
        io.err(`ackless drift: failed: ${describeFailure(e, engine?.errors)}\n`);
        return EXIT_ERROR;
    }
}
