/**
 * Type-checks a generated TypeScript project as `tsc -p tsconfig.json --noEmit`
 * would after `npm install` (node_modules is the repository's, where `ackless`
 * resolves through the package's exports map), with the compiler API.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { repoRoot } from "./pulumi";

export interface CheckedProject {
    /** Whether the project's tsconfig has `strict`. */
    strict: boolean;
    /** The diagnostics of the project as written. */
    diagnostics: string[];
    /** The diagnostics after index.ts is replaced by `text` (a control: the check does check). */
    recheck(text: string): string[];
}

/**
 * Parsed declaration files (the TypeScript libs, node_modules, ackless's dist), shared by every check in this
 * process: they are the same for every generated project, and parsing them is much of a check's time.
 */
const parsed = new Map<string, ts.SourceFile>();

function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
        if (!fileName.endsWith(".d.ts")) {
            return getSourceFile(fileName, languageVersion, onError, shouldCreate);
        }
        const key = `${JSON.stringify(languageVersion)}|${fileName}`;
        let file = parsed.get(key);
        if (!file) {
            file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
            if (file) parsed.set(key, file);
        }
        return file;
    };
    return host;
}

/** Writes `files` to a temp dir, type-checks them, and removes the dir when `use` returns. */
export function withCheckedProject<T>(files: Record<string, string>, use: (p: CheckedProject) => T): T {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-tsc-"));
    try {
        for (const [name, text] of Object.entries(files)) {
            fs.writeFileSync(path.join(dir, name), text);
        }
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
        const config = ts.getParsedCommandLineOfConfigFile(
            path.join(dir, "tsconfig.json"),
            { noEmit: true },
            {
                ...ts.sys,
                onUnRecoverableConfigFileDiagnostic: (d) => {
                    throw new Error(String(d.messageText));
                },
            },
        )!;
        const messages = (p: ts.Program) => ts.getPreEmitDiagnostics(p).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        const host = cachingHost(config.options);
        const program = ts.createProgram(config.fileNames, config.options, host);
        return use({
            strict: config.options.strict === true,
            diagnostics: messages(program),
            recheck(text: string) {
                fs.writeFileSync(path.join(dir, "index.ts"), text);
                return messages(ts.createProgram(config.fileNames, config.options, host, program));
            },
        });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
