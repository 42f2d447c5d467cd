/**
 * cloudfront.Function: check(), what the inputs must satisfy before anything
 * is sent to AWS. Each failure names its field's path and the fix. `adopt`
 * itself is the lifecycle driver's (../../lifecycle/adopt.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import * as vm from "vm";
import { known, Obj, UNKNOWN } from "../../common/diff";
import { validateTags } from "../../common/tags";
import type { CheckContext } from "../../lifecycle/adapter";
import { SHAPES } from "../model.generated";
import { ModelFailure, validateTagMap } from "../validate-model";
import { resolveName } from "../names";
import { warn } from "../../common/log";
import { desiredContent, OPTIONAL_DEFAULTS, OPTIONAL_FIELDS, OptionalField, sameContent, wasDeclared } from "./delta";
import { arnOf, readStage, testFunctionCall } from "./sdk";
import { describeFailure, judge, testsOf, validateTests } from "./tests";
import { DEFAULT_RUNTIME, FunctionInputs, MAX_CODE_BYTES, RUNTIMES } from "./types";

/** The inputs with defaults (and the generated name, and the ARN once known), and one failure per problem. */
export async function validate(
    news: Obj,
    olds: Obj | undefined,
    ctx: CheckContext,
): Promise<{ inputs: FunctionInputs; failures: pulumi.dynamic.CheckFailure[] }> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Obj = { ...news };

    resolveName(inputs, news, olds, ctx, "a function", "", fail);

    // Ownership of the optional fields (delta.ts OPTIONAL_DEFAULTS): declared ones are owned and listed in
    // __declared; one declared before and now left out is reset to its default (this once); one never
    // declared stays out of the inputs and keeps its live value.
    const declared: OptionalField[] = [];
    for (const f of OPTIONAL_FIELDS) {
        if (inputs[f] !== undefined && inputs[f] !== null) {
            declared.push(f);
        } else if (wasDeclared(olds, f)) {
            inputs[f] = structuredClone(OPTIONAL_DEFAULTS[f]);
        } else {
            delete inputs[f];
        }
    }
    inputs.__declared = declared;

    if (inputs.runtime === undefined) {
        // not owned
    } else if (known(inputs.runtime) && !(RUNTIMES as readonly string[]).includes(inputs.runtime)) {
        fail("runtime", `runtime "${inputs.runtime}" is not known: use one of ${RUNTIMES.join(", ")} (default ${DEFAULT_RUNTIME})`);
    }

    if (known(inputs.code)) {
        if (typeof inputs.code !== "string" || inputs.code.length === 0) {
            fail("code", "code is required: the function's JavaScript source");
        } else {
            const bytes = Buffer.byteLength(inputs.code, "utf8");
            if (bytes > MAX_CODE_BYTES) {
                fail("code", `code is ${bytes} bytes; CloudFront accepts at most ${MAX_CODE_BYTES} bytes (10 KB): shorten or minify it`);
            }
            const syntax = syntaxError(inputs.code);
            if (syntax) {
                fail("code", `code has a JavaScript syntax error at ${syntax}`);
            }
        }
    }

    if (inputs.comment === undefined) {
        // not owned
    } else if (known(inputs.comment) && typeof inputs.comment !== "string") {
        fail("comment", "comment must be a string");
    }

    if (inputs.keyValueStoreAssociations === undefined) {
        // not owned
    } else if (known(inputs.keyValueStoreAssociations)) {
        const kvs = inputs.keyValueStoreAssociations;
        if (!Array.isArray(kvs)) {
            fail("keyValueStoreAssociations", "keyValueStoreAssociations must be a list of key value store ARNs");
        } else {
            kvs.forEach((arn: unknown, i: number) => {
                if (known(arn) && (typeof arn !== "string" || !arn.startsWith("arn:"))) {
                    fail(`keyValueStoreAssociations[${i}]`, `"${String(arn)}" is not an ARN (arn:aws:cloudfront::ACCOUNT:key-value-store/ID)`);
                }
            });
        }
    }

    if (inputs.publish === undefined || inputs.publish === null) {
        inputs.publish = true;
    } else if (known(inputs.publish) && typeof inputs.publish !== "boolean") {
        fail("publish", "publish must be true or false");
    }

    if (inputs.tags === undefined || inputs.tags === null) {
        inputs.tags = {};
    } else if (known(inputs.tags)) {
        for (const reason of validateTags("tags", inputs.tags)) {
            fail("tags", reason);
        }
    }

    if (inputs.tests === null) {
        delete inputs.tests;
    }
    for (const [property, reason] of validateTests(inputs.tests)) {
        fail(property, reason);
    }

    if (failures.length === 0) {
        checkAgainstModel(inputs, fail);
    }

    // Keep the ARN among the inputs once the function exists. The dynamic
    // provider host does not preview updates, so during a preview the engine
    // shows a resource's new inputs as its outputs: without this, every code
    // change would make `arn` unknown and every distribution associating it
    // would show a spurious change. (An adoption's ARN is recorded by
    // planAdoption, after the read of the function to adopt.)
    delete inputs.arn;
    if (failures.length === 0 && typeof olds?.name === "string" && olds.name === inputs.name) {
        const arn = typeof olds.arn === "string" && olds.arn ? olds.arn : await arnOf(inputs.name);
        if (arn) {
            inputs.arn = arn;
        }
    }
    if (failures.length === 0) {
        for (const [property, reason] of await testsAtPreview(inputs as FunctionInputs, olds, ctx)) {
            fail(property, reason);
        }
    }
    return { inputs: inputs as FunctionInputs, failures };
}

/**
 * The tests, run at check when they can be: the function exists (this
 * resource's, or the one to adopt), publish is on, everything is known, and
 * its DEVELOPMENT stage already holds the declared code and configuration (at
 * a preview of a code change it holds the old code, so the tests run at up,
 * before the publish). A failing test is a failure at `tests[i]`; an AWS
 * error here only means they run at up.
 */
async function testsAtPreview(inputs: FunctionInputs, olds: Obj | undefined, ctx: CheckContext): Promise<Array<[string, string]>> {
    const tests = testsOf(inputs);
    const existing = (typeof olds?.name === "string" && olds.name === inputs.name) || ctx.adoption !== undefined;
    if (tests.length === 0 || !existing || inputs.publish === false || !known(inputs.name) || !known(inputs.code) || !deepKnown(inputs)) {
        return [];
    }
    const out: Array<[string, string]> = [];
    try {
        const dev = await readStage(inputs.name, "DEVELOPMENT");
        if (!dev || !sameContent(desiredContent(inputs, dev), dev)) {
            return [];
        }
        for (const [i, test] of tests.entries()) {
            const answer = await testFunctionCall(inputs.name, dev.etag, test.event);
            const problems = judge(test, answer);
            if (problems.length > 0) {
                out.push([`tests[${i}]`, `CloudFront function "${inputs.name}" (DEVELOPMENT): ${describeFailure(test, answer, problems)}`]);
            }
        }
    } catch (err) {
        warn(`CloudFront function ${inputs.name}: the tests could not run at preview (${(err as Error).message}); they run at up, before publishing`);
        return [];
    }
    return out;
}

/** No unknown value anywhere in the tests or the content fields. */
function deepKnown(inputs: FunctionInputs): boolean {
    return !JSON.stringify([inputs.tests, inputs.code, inputs.comment, inputs.runtime, inputs.keyValueStoreAssociations]).includes(UNKNOWN);
}

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
export function checkAgainstModel(inputs: Obj, fail: (property: string, reason: string) => void): void {
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
                fail(
                    `keyValueStoreAssociations[${i}]`,
                    `keyValueStoreAssociations[${i}]: ${JSON.stringify(arn)} does not match ${pattern} (a key value store ARN)`,
                );
            }
        });
    }
    const tagFailures: ModelFailure[] = [];
    validateTagMap(inputs.tags, "tags", tagFailures);
    for (const f of tagFailures) {
        fail("tags", f.reason);
    }
}
