/**
 * cloudfront.Function, check(): what the inputs must satisfy before anything
 * is sent to AWS.
 */
import * as vm from "vm";
import { UNKNOWN } from "../../common/diff";
import { SHAPES } from "../model.generated";
import { ModelFailure, validateTagMap } from "../validate-model";

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

/**
 * The CloudFront API model's rules for a function's configuration
 * (../model.generated.ts): the comment's length, how many key value stores
 * (one), each store's ARN shape, and tags (count, key and value length and
 * characters). `fail(property, reason)` for each.
 */
export function checkAgainstModel(inputs: Record<string, any>, fail: (property: string, reason: string) => void): void {
    const comment = SHAPES.FunctionConfig.members.Comment;
    if (typeof inputs.comment === "string" && comment.maxLen !== undefined && inputs.comment.length > comment.maxLen) {
        fail("comment", `comment: is ${inputs.comment.length} characters long; CloudFront takes at most ${comment.maxLen} (${comment.from})`);
    }
    const kvs = inputs.keyValueStoreAssociations;
    if (Array.isArray(kvs)) {
        const max = SHAPES.KeyValueStoreAssociations.members.Items.maxLen;
        if (max !== undefined && kvs.length > max) {
            fail(
                "keyValueStoreAssociations",
                `keyValueStoreAssociations: takes at most ${max} key value store, got ${kvs.length} (${SHAPES.KeyValueStoreAssociations.members.Items.from})`,
            );
        }
        const pattern = SHAPES.KeyValueStoreAssociation.members.KeyValueStoreARN.pattern;
        kvs.forEach((arn: unknown, i: number) => {
            if (typeof arn === "string" && arn.startsWith("arn:") && arn !== UNKNOWN && pattern && !new RegExp(pattern, "u").test(arn)) {
                fail(`keyValueStoreAssociations[${i}]`, `keyValueStoreAssociations[${i}]: ${JSON.stringify(arn)} does not match ${pattern} (a key value store ARN)`);
            }
        });
    }
    const tagFailures: ModelFailure[] = [];
    validateTagMap(inputs.tags, "tags", tagFailures);
    for (const f of tagFailures) {
        fail("tags", f.reason);
    }
}
