/**
 * cloudfront.Function `tests`: the checks a function must pass before it is
 * published. Pure: the shape of `tests` (check), what a TestFunction answer
 * means for one test, and the error that names every failing test. The
 * TestFunction call is sdk.ts's; running them before PublishFunction is ops.ts's.
 *
 * One test: `{ name, event, expect?, expectError?, maxComputeUtilization? }`.
 * - `event`: a CloudFront Functions event object (version "1.0"), as TestFunction takes it;
 * - `expect`: a deep subset of what the handler returned, as TestFunction's
 *   FunctionOutput shows it: `{ request: {...} }` or `{ response: {...} }`;
 *   objects match key by key, anything else (arrays included) by equality;
 * - `expectError`: `true` (the function must fail) or a string its
 *   FunctionErrorMessage must contain; without it, any error fails the test;
 * - `maxComputeUtilization`: 0-100; the test fails when TestFunction reports more.
 */
import { deepEqual, known, Obj, stableJson } from "../../common/diff";

export interface FunctionTest {
    name: string;
    event: Obj;
    expect?: Obj;
    expectError?: boolean | string;
    maxComputeUtilization?: number;
}

/** What TestFunction answered for one test. */
export interface TestAnswer {
    /** FunctionOutput as sent ("" when the function failed). */
    output: string;
    /** FunctionErrorMessage ("" when none). */
    error: string;
    logs: string[];
    /** ComputeUtilization as a number (NaN when AWS sent none). */
    utilization: number;
}

/** TestFunction's limit on EventObject (API reference, TestFunction). */
export const MAX_EVENT_BYTES = 40960;

const EVENT_TYPES = ["viewer-request", "viewer-response"];
const TEST_KEYS = new Set(["name", "event", "expect", "expectError", "maxComputeUtilization"]);

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The check-time failures of `tests` (each naming its path, `tests[2].event`), as [property, reason]. */
export function validateTests(tests: unknown): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    if (tests === undefined || tests === null || !known(tests)) {
        return out;
    }
    if (!Array.isArray(tests)) {
        return [["tests", "tests must be a list of { name, event, expect?, expectError?, maxComputeUtilization? }"]];
    }
    const names = new Map<string, number>();
    tests.forEach((t: unknown, i: number) => {
        const at = `tests[${i}]`;
        if (!known(t)) {
            return;
        }
        if (!isObject(t)) {
            out.push([at, `${at} must be an object { name, event, expect?, expectError?, maxComputeUtilization? }`]);
            return;
        }
        for (const k of Object.keys(t)) {
            if (!TEST_KEYS.has(k)) {
                out.push([`${at}.${k}`, `${at}.${k} is not a test field: use name, event, expect, expectError or maxComputeUtilization`]);
            }
        }
        if (known(t.name)) {
            if (typeof t.name !== "string" || t.name.trim() === "") {
                out.push([`${at}.name`, `${at}.name is required: a non-empty string that names the test in errors`]);
            } else if (names.has(t.name)) {
                out.push([`${at}.name`, `${at}.name "${t.name}" is also the name of tests[${names.get(t.name)}]: give each test its own name`]);
            } else {
                names.set(t.name, i);
            }
        }
        if (known(t.event)) {
            out.push(...validateEvent(t.event, `${at}.event`));
        }
        if (t.expect !== undefined && t.expect !== null && known(t.expect)) {
            if (!isObject(t.expect) || !Object.keys(t.expect).every((k) => k === "request" || k === "response")) {
                out.push([
                    `${at}.expect`,
                    `${at}.expect must be an object { request: {...} } or { response: {...} }: a part of what the handler returns ` +
                        `(TestFunction's FunctionOutput), e.g. { response: { statusCode: 302 } }`,
                ]);
            }
        }
        if (t.expectError !== undefined && t.expectError !== null && known(t.expectError)) {
            if (typeof t.expectError !== "boolean" && typeof t.expectError !== "string") {
                out.push([`${at}.expectError`, `${at}.expectError must be true, false, or a string the function's error message contains`]);
            } else if (t.expectError !== false && t.expect !== undefined && t.expect !== null) {
                out.push([`${at}.expectError`, `${at} has both expect and expectError: a function that fails returns nothing; keep one`]);
            }
        }
        const max = t.maxComputeUtilization;
        if (max !== undefined && max !== null && known(max) && (typeof max !== "number" || !Number.isFinite(max) || max < 0 || max > 100)) {
            out.push([
                `${at}.maxComputeUtilization`,
                `${at}.maxComputeUtilization must be a number from 0 to 100 (a percentage of the allowed compute time)`,
            ]);
        }
    });
    return out;
}

/** A CloudFront Functions event object (Developer Guide, "CloudFront Functions event structure"). */
function validateEvent(event: unknown, at: string): Array<[string, string]> {
    if (!isObject(event)) {
        return [
            [
                at,
                `${at} must be a CloudFront Functions event object: { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip }, request: {...} }`,
            ],
        ];
    }
    const out: Array<[string, string]> = [];
    if (known(event.version) && event.version !== "1.0") {
        out.push([
            `${at}.version`,
            `${at}.version must be "1.0" (the current CloudFront Functions event version), got ${JSON.stringify(event.version)}`,
        ]);
    }
    const type = isObject(event.context) ? event.context.eventType : undefined;
    if (known(type) && !EVENT_TYPES.includes(type as string)) {
        out.push([`${at}.context.eventType`, `${at}.context.eventType must be "viewer-request" or "viewer-response", got ${JSON.stringify(type)}`]);
    }
    if (known(event.request) && !isObject(event.request)) {
        out.push([`${at}.request`, `${at}.request is required: the viewer's request ({ method, uri, querystring, headers, cookies })`]);
    }
    if (type === "viewer-response" && known(event.response) && !isObject(event.response)) {
        out.push([`${at}.response`, `${at}.response is required for a viewer-response event ({ statusCode, headers, cookies })`]);
    }
    const bytes = Buffer.byteLength(JSON.stringify(event), "utf8");
    if (bytes > MAX_EVENT_BYTES) {
        out.push([at, `${at} is ${bytes} bytes as JSON; TestFunction takes at most ${MAX_EVENT_BYTES}: make it smaller`]);
    }
    return out;
}

/** Where `got` differs from the deep subset `expected`: one "path: expected X, got Y" each (empty: it matches). */
export function subsetDifferences(expected: unknown, got: unknown, path = ""): string[] {
    if (isObject(expected)) {
        if (!isObject(got)) {
            return [`${path || "(output)"}: expected an object, got ${show(got)}`];
        }
        return Object.keys(expected).flatMap((k) => subsetDifferences(expected[k], got[k], path ? `${path}.${k}` : k));
    }
    return deepEqual(expected, got) ? [] : [`${path || "(output)"}: expected ${show(expected)}, got ${show(got)}`];
}

const show = (v: unknown) => (v === undefined ? "nothing" : stableJson(v));

/** Why `answer` fails `test`, one line each (empty: it passes). */
export function judge(test: FunctionTest, answer: TestAnswer): string[] {
    const problems: string[] = [];
    const wantsError = test.expectError !== undefined && test.expectError !== false;
    if (wantsError) {
        if (!answer.error) {
            problems.push(
                `expected the function to fail${typeof test.expectError === "string" ? ` with ${JSON.stringify(test.expectError)}` : ""}, but it succeeded`,
            );
        } else if (typeof test.expectError === "string" && !answer.error.includes(test.expectError)) {
            problems.push(`expected an error containing ${JSON.stringify(test.expectError)}, got another error`);
        }
    } else if (answer.error) {
        problems.push("the function failed");
    } else if (test.expect !== undefined && test.expect !== null) {
        let output: unknown;
        try {
            output = answer.output ? JSON.parse(answer.output) : undefined;
        } catch {
            output = answer.output;
        }
        problems.push(...subsetDifferences(test.expect, output));
    }
    const max = test.maxComputeUtilization;
    if (typeof max === "number" && Number.isFinite(answer.utilization) && answer.utilization > max) {
        problems.push(`compute utilization ${answer.utilization} is over maxComputeUtilization ${max}`);
    }
    return problems;
}

/** The report of one failing test: its problems, the function's error message and its log lines. */
export function describeFailure(test: FunctionTest, answer: TestAnswer, problems: string[]): string {
    const lines = [`test "${test.name}" failed:`, ...problems.map((p) => `    ${p}`)];
    if (answer.error) {
        lines.push(`    function error: ${answer.error}`);
    }
    if (answer.logs.length > 0) {
        lines.push("    function logs:", ...answer.logs.map((l) => `      ${l}`));
    }
    return lines.join("\n");
}

/** The tests declared in checked inputs (none: []). */
export function testsOf(inputs: Obj): FunctionTest[] {
    return Array.isArray(inputs.tests) ? (inputs.tests as FunctionTest[]) : [];
}
