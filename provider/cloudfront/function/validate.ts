/**
 * cloudfront.Function, check(): what the inputs must satisfy before anything
 * is sent to AWS.
 */
import * as vm from "vm";

export const RUNTIMES = ["cloudfront-js-1.0", "cloudfront-js-2.0"] as const;

export const DEFAULT_RUNTIME = "cloudfront-js-2.0";

/** CloudFront's limit on a function's code. */
export const MAX_CODE_BYTES = 10240;

export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Syntax check of the code with Node's parser. CloudFront's JavaScript
 * (cloudfront-js-2.0 is ES2021-ish) is a subset of what Node parses; the
 * `import cf from 'cloudfront'` lines of the 2.0 runtime are blanked first
 * (same length, so positions stay right) because a Script cannot import.
 * Returns "line L, column C: message" or undefined.
 */
export function syntaxError(code: string): string | undefined {
    const blanked = code
        .split("\n")
        .map((line) => (/^\s*import\s+[\w${}\s,*]+\s+from\s+(['"])[^'"]+\1\s*;?\s*$/.test(line) ? " ".repeat(line.length) : line))
        .join("\n");
    const filename = "ackless-function-code.js";
    try {
        new vm.Script(blanked, { filename });
        return undefined;
    } catch (err) {
        const e = err as Error;
        const lines = String(e.stack ?? "").split("\n");
        const head = lines[0] ?? "";
        const m = head.match(/:(\d+)$/);
        const line = m ? Number(m[1]) : undefined;
        const caret = lines[2] !== undefined ? lines[2].indexOf("^") : -1;
        const where = line !== undefined ? `line ${line}${caret >= 0 ? `, column ${caret + 1}` : ""}` : "unknown position";
        return `${where}: ${e.name}: ${e.message}`;
    }
}
