/**
 * What every CI command shares: its options (flags and environment), the
 * stack it works on, masked output, and the exit codes.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { deepEqual } from "../common/diff";
import { Masker, MaskedStream } from "./mask";

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_DRIFT = 2;

/** A usage or setup problem, reported as one line (exit 1). */
export class CiError extends Error {}

export interface CiOptions {
    stackName: string;
    cwd: string;
    json?: string;
    create: boolean;
    refresh: boolean;
    config: Record<string, string>;
    /** key -> name of the environment variable holding the value. */
    secretConfig: Record<string, string>;
    help: boolean;
}

export interface Io {
    masker: Masker;
    /** Our own summaries (stdout). */
    out(text: string): void;
    /** Diagnostics (stderr). */
    err(text: string): void;
    /** A stream for the engine's own display, masked line by line (stderr). */
    engine: MaskedStream;
}

export const COMMON_HELP = `Options:
  --cwd DIR                 the Pulumi project directory (default: the current directory)
  --stack NAME              the stack (default: $ACKLESS_STACK, else $PULUMI_STACK)
  --config KEY=VALUE        set a plain config value on the stack first (repeatable)
  --secret-config KEY=VAR   set a secret config value taken from environment variable VAR (repeatable)
  -h, --help                this help

Environment: PULUMI_BACKEND_URL (file://..., s3://..., or the Pulumi Cloud),
PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE), the cloud
credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, ...),
ACKLESS_PULUMI_ROOT (a Pulumi install to use instead of the pulumi on PATH),
ACKLESS_MASK_ENV (more variable names whose values are masked in output).`;

function pairs(list: string[] | undefined, flag: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const item of list ?? []) {
        const eq = item.indexOf("=");
        if (eq <= 0) {
            throw new CiError(`${flag} expects KEY=VALUE, got "${item.split("=")[0]}..."`);
        }
        out[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return out;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, extra: { json?: boolean; create?: boolean; refresh?: boolean } = {}): CiOptions {
    let values: Record<string, unknown>;
    try {
        ({ values } = parseArgs({
            args: argv,
            allowPositionals: false,
            strict: true,
            options: {
                cwd: { type: "string" },
                stack: { type: "string" },
                config: { type: "string", multiple: true },
                "secret-config": { type: "string", multiple: true },
                help: { type: "boolean", short: "h" },
                ...(extra.json ? { json: { type: "string" as const } } : {}),
                ...(extra.create ? { create: { type: "boolean" as const } } : {}),
                ...(extra.refresh ? { refresh: { type: "boolean" as const } } : {}),
            },
        }));
    } catch (e) {
        throw new CiError((e as Error).message);
    }
    const help = values.help === true;
    const stackName = (values.stack as string | undefined) || env.ACKLESS_STACK || env.PULUMI_STACK || "";
    if (!stackName && !help) {
        throw new CiError("no stack: set ACKLESS_STACK (or PULUMI_STACK), or pass --stack NAME");
    }
    const cwd = path.resolve((values.cwd as string | undefined) ?? process.cwd());
    if (!help && !fs.existsSync(path.join(cwd, "Pulumi.yaml")) && !fs.existsSync(path.join(cwd, "Pulumi.yml"))) {
        throw new CiError(`no Pulumi project in ${cwd} (no Pulumi.yaml): pass --cwd DIR`);
    }
    const secretConfig = pairs(values["secret-config"] as string[] | undefined, "--secret-config");
    for (const [key, name] of Object.entries(secretConfig)) {
        if (env[name] === undefined) {
            throw new CiError(`--secret-config ${key}=${name}: environment variable ${name} is not set`);
        }
    }
    return {
        stackName,
        cwd,
        json: values.json as string | undefined,
        create: values.create === true,
        refresh: values.refresh === true,
        config: pairs(values.config as string[] | undefined, "--config"),
        secretConfig,
        help,
    };
}

export function makeIo(env: NodeJS.ProcessEnv, secretEnvNames: string[]): Io {
    const masker = Masker.fromEnv(env, secretEnvNames);
    return {
        masker,
        out: (t) => process.stdout.write(masker.mask(t)),
        err: (t) => process.stderr.write(masker.mask(t)),
        engine: new MaskedStream(masker, (t) => process.stderr.write(t)),
    };
}

/**
 * The stack named by the options, in the project at `cwd`, run by the
 * Pulumi CLI in $ACKLESS_PULUMI_ROOT if set, else the `pulumi` on PATH.
 * `create`: create the stack when it does not exist yet.
 */
export async function openStack(opts: CiOptions, env: NodeJS.ProcessEnv, create: boolean): Promise<Stack> {
    const root = env.ACKLESS_PULUMI_ROOT;
    const pulumiCommand = await PulumiCommand.get(root ? { root } : {});
    const envVars: Record<string, string> = {};
    if (env.PULUMI_SKIP_UPDATE_CHECK === undefined) {
        envVars.PULUMI_SKIP_UPDATE_CHECK = "true";
    }
    const args = { stackName: opts.stackName, workDir: opts.cwd };
    const wsOpts = { pulumiCommand, envVars };
    let stack: Stack;
    try {
        stack = create ? await LocalWorkspace.createOrSelectStack(args, wsOpts) : await LocalWorkspace.selectStack(args, wsOpts);
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "StackNotFoundError") {
            throw new CiError(`stack "${opts.stackName}" does not exist in this backend${create ? "" : " (pass --create to create it)"}`);
        }
        throw e;
    }
    for (const [key, value] of Object.entries(opts.config)) {
        await stack.setConfig(key, { value, secret: false });
    }
    for (const [key, name] of Object.entries(opts.secretConfig)) {
        await stack.setConfig(key, { value: env[name]!, secret: true });
    }
    return stack;
}

/** The short type shown to people: `pulumi-nodejs:dynamic/ackless:Echo` -> `ackless:Echo`. */
export function shortType(type: string): string {
    return type.replace(/^pulumi-nodejs:dynamic\//, "");
}

export function nameOf(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** Resources the user declared (not the stack itself or default providers). */
/** The top-level properties that differ between two property bags (Pulumi's internal `__` keys left out), sorted. */
export function changedKeys(olds: Record<string, unknown> | undefined, news: Record<string, unknown> | undefined): string[] {
    const a = olds ?? {};
    const b = news ?? {};
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].filter((k) => !k.startsWith("__") && !deepEqual(a[k], b[k])).sort();
}

export function isUserResource(type: string): boolean {
    return type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");
}

/**
 * The engine callbacks of one command: its display goes to stderr (masked),
 * its error diagnostics are kept for the failure summary, and `onEvent` is
 * chained to the command's own collector.
 */
export function engineCallbacks(io: Io, onEvent: (e: EngineEvent) => void = () => undefined) {
    const errors: string[] = [];
    return {
        errors,
        opts: {
            onOutput: (t: string) => io.engine.write(t),
            onError: (t: string) => io.engine.write(t),
            onEvent: (e: EngineEvent) => {
                const d = e.diagnosticEvent;
                if (d && d.severity === "error" && d.message.trim()) {
                    // The first line says what failed; stack traces stay in the display above.
                    const where = d.urn ? `${nameOf(d.urn)}: ` : "";
                    errors.push(where + d.message.trim().split("\n")[0]);
                }
                onEvent(e);
            },
        },
    };
}

/** The failure of a command in a few lines (the full engine output was streamed above). */
export function describeFailure(e: unknown, engineErrors: string[] = []): string {
    if (engineErrors.length) {
        return engineErrors.join("\n  ");
    }
    const result = (e as { commandResult?: { stderr?: string; code?: number; err?: Error } }).commandResult;
    if (result) {
        const lines = (result.stderr ?? "")
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l.startsWith("error:"));
        return lines.length ? lines.join("\n  ") : (result.err?.message ?? `pulumi exited with code ${result.code}`);
    }
    return e instanceof Error ? e.message : String(e);
}

export function isLockError(e: unknown): boolean {
    const text = `${(e as { commandResult?: { stderr?: string; stdout?: string } })?.commandResult?.stderr ?? ""} ${(e as Error)?.message ?? ""}`;
    return /currently locked|another update is currently in progress/i.test(text);
}

/** Writes the JSON summary to a file, or to stdout as a delimited section. */
export function emitJson(io: Io, file: string | undefined, doc: unknown, section: string): void {
    const text = io.masker.mask(JSON.stringify(doc, null, 2)) + "\n";
    if (file) {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        fs.writeFileSync(file, text);
        io.out(`JSON summary written to ${file}\n`);
    } else {
        io.out(`--- ${section} ---\n${text}--- end ${section} ---\n`);
    }
}
