#!/usr/bin/env node
/**
 * The `ackless` command: a small dispatcher from a subcommand to the module
 * that implements it. Each module exports `description` and
 * `run(argv, env): Promise<exit code>`; add a subcommand with one line in
 * `commands`.
 */
import { Masker } from "./ci/mask";

interface Command {
    description: string;
    run(argv: string[], env?: NodeJS.ProcessEnv): Promise<number>;
}

const commands: Record<string, () => Command> = {
    preview: () => require("./ci/preview"),
    apply: () => require("./ci/apply"),
    drift: () => require("./ci/drift"),
    "adopt-stack": () => require("./adopt-stack/cli"),
    "adopt-ack": () => require("./adopt-ack/cli"),
    "handover-status": () => require("./handover/status-stack"),
};

function usage(): string {
    const lines = Object.keys(commands).map((name) => `  ${name.padEnd(12)} ${commands[name]().description}`);
    return (
        `Usage: ackless <command> [options]   (ackless <command> --help for its options)\n\nCommands:\n${lines.join("\n")}\n` +
        `  ${"help".padEnd(12)} this list\n  ${"--version".padEnd(12)} the installed ackless version\n`
    );
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const next = [i];
        for (let j = 1; j <= b.length; j++) {
            next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        row = next;
    }
    return row[b.length];
}

/** What an unknown command probably meant, and where the list is. */
export function suggestion(name: string): string {
    const close = [...Object.keys(commands), "help", "--version"].filter((c) => distance(name, c) <= Math.max(1, Math.floor(c.length / 4)));
    return (close.length > 0 ? `Did you mean ${close.map((c) => `"ackless ${c}"`).join(" or ")}? ` : "") + 'Run "ackless help" for every command.\n';
}

/** The installed package's version (dist/provider/cli.js -> package.json). */
export function version(): string {
    return require("../../package.json").version;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    const [name, ...rest] = argv;
    if (name === "--version" || name === "-v" || name === "version") {
        process.stdout.write(`ackless ${version()}\n`);
        return 0;
    }
    if (!name || name === "-h" || name === "--help" || name === "help") {
        process.stdout.write(usage());
        return name ? 0 : 1;
    }
    const load = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
    if (!load) {
        process.stderr.write(`ackless: unknown command "${name}". ${suggestion(name)}\n${usage()}`);
        return 1;
    }
    try {
        return await load().run(rest, env);
    } catch (e) {
        // Setup and usage errors; never print the environment, and mask
        // anything secret that found its way into the message.
        const masker = Masker.fromEnv(env);
        const message = e instanceof Error ? e.message : String(e);
        process.stderr.write(masker.mask(`ackless ${name}: ${message}\n`));
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e) => {
            process.stderr.write(Masker.fromEnv(process.env).mask(`ackless: ${e instanceof Error ? e.message : String(e)}\n`));
            process.exitCode = 1;
        },
    );
}
