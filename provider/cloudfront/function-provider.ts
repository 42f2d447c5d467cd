/**
 * cloudfront.Function: the implementation behind the public resource
 * (function.ts). Loaded by the stored delegating provider through the
 * registry, inside the dynamic-provider host.
 *
 * Layout (same vocabulary as every ackless resource):
 *   - validate / check  : bad input rejected at preview, naming the field
 *   - findFunction      : "does it exist and what is it" (both stages, tags)
 *   - readStage         : one stage, read with an explicit Stage
 *   - publishIfNeeded   : publish only when DEVELOPMENT differs from LIVE
 *   - deleteFunction    : fresh ETag, bounded FunctionInUse retry
 *   - diff via diffFields, tags via common/tags
 *
 * Lifecycle (../common/lifecycle.ts). A generated name is derived from the
 * resource's identity (`<prefix>-<hash>`), so a create retried after a
 * killed run finds its first attempt. CloudFront functions carry no tags of
 * their own in AWS's model, so the unfinished-create marker (R1) is the
 * function's state: create publishes last, and a function with this name
 * that was never published, holding the declared code (any code, for a
 * generated name), is an unfinished create and is taken over. A published
 * one is complete: a generated name walks to `<name>_1`, `<name>_2`...; a
 * declared name fails with the fix.
 */
import * as crypto from "crypto";
import * as vm from "vm";
import type * as pulumi from "@pulumi/pulumi";
import {
    CreateFunctionCommand,
    DeleteFunctionCommand,
    DescribeFunctionCommand,
    DistributionSummary,
    FunctionConfig,
    FunctionRuntime,
    GetFunctionCommand,
    ListDistributionsCommand,
    ListTagsForResourceCommand,
    PublishFunctionCommand,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { cloudfront } from "../common/clients";
import { deepEqual, diffFields, FieldDiff, FieldRule, UNKNOWN } from "../common/diff";
import { AcklessError, describeAwsError, isAwsError } from "../common/errors";
import { progress, warn } from "../common/log";
import {
    adoptionOf,
    adoptMissing,
    AdoptMode,
    findForAdoption,
    checkAdopt,
    logAdoptionPlan,
    logWillCreate,
} from "../common/adopt";
import {
    describeTagChanges,
    fromKeyValueList,
    sameTags,
    splitTags,
    tagChanges,
    Tags,
    toKeyValueList,
    userTags,
    validateTags,
} from "../common/tags";
import { Deadline, pollDefaults, retrying } from "../common/wait";
import { identityToken, nthToken, tokenStep } from "../common/identity";
import {
    adoptedOutputs,
    adoptionAllowed,
    claim,
    goneRead,
    guardedDelete,
    INCARNATION_TAG,
    newIncarnation,
    ownedByNewerIncarnation,
    waitVisible,
    withVanished,
} from "../common/lifecycle";

const KIND = "cloudfront:Function";
/** How many generated names create walks past completed functions (lifecycle R1). */
export const MAX_GENERATED_NAMES = 20;

// ------------------------------------------------------------------ shapes

export const RUNTIMES = ["cloudfront-js-1.0", "cloudfront-js-2.0"] as const;
export const DEFAULT_RUNTIME = "cloudfront-js-2.0";
/** CloudFront's limit on a function's code. */
export const MAX_CODE_BYTES = 10240;
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Inputs after check(): defaults filled in. */
export interface FunctionInputs {
    name: string;
    /** Kept among the inputs once known (see check()). */
    arn?: string;
    runtime: string;
    code: string;
    comment: string;
    keyValueStoreAssociations: string[];
    publish: boolean;
    tags: Tags;
    /** The Pulumi resource name, set by the public class; the base of the auto-name. */
    autoNamePrefix?: string;
    adopt?: unknown;
    /** Resource identity from the public class (project/stack/parent/name). */
    __identity?: string;
    /** The name was generated (derived from __identity), so create may walk it. */
    __nameGenerated?: boolean;
}

/** Outputs kept in state (inputs echoed with observed values, plus computed fields). */
export interface FunctionOutputs extends FunctionInputs {
    arn: string;
    status: string;
    /** DEVELOPMENT stage ETag. */
    etag: string;
    /** LIVE stage ETag; "" when never published. */
    liveEtag: string;
    /** LIVE serves the current DEVELOPMENT code and config. */
    published: boolean;
    systemTags: Tags;
    /** Made by adoption (lifecycle R4). */
    adopted?: boolean;
    /** This incarnation's name (lifecycle R2). */
    incarnation?: string;
}

/** One stage of a function as AWS reports it. */
export interface StageView {
    etag: string;
    code: string;
    comment: string;
    runtime: string;
    keyValueStoreAssociations: string[];
    arn: string;
    status: string;
}

/** The whole function: DEVELOPMENT, LIVE (undefined before the first publish), tags. */
export interface ObservedFunction {
    name: string;
    dev: StageView;
    live?: StageView;
    tags: Tags;
    systemTags: Tags;
}

const isUnknown = (v: unknown) => v === UNKNOWN;

// ------------------------------------------------------------------ tunables

function envNumber(name: string, dflt: number): number {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v > 0 ? v : dflt;
}

/** How long delete keeps retrying FunctionInUse (default 5 min; ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS). */
export function inUseTimeoutMs(): number {
    return envNumber("ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS", 5 * 60_000);
}

/** Attempts on a 412 (stale ETag) before giving up. */
export const MAX_PRECONDITION_ATTEMPTS = 5;

// ------------------------------------------------------------------ check

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
 * The generated name: `<prefix>-<7 hex>`, derived from the resource identity
 * (random only when there is none, as for programs built before it existed).
 * At most 58 characters, leaving room for the walk's `_<n>`.
 */
export function autoName(prefix: string, identity?: unknown): string {
    const base = (prefix || "function").replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 50);
    const token = typeof identity === "string" && identity ? identityToken([identity]) : undefined;
    const hash = token ? token.slice("ackless-".length, "ackless-".length + 7) : crypto.randomBytes(4).toString("hex").slice(0, 7);
    return `${base}-${hash}`;
}

/** The n-th generated name of the walk: `<name>`, `<name>_1`, ... */
function nthName(base: string, n: number): string {
    return nthToken(base, n).replace(/\.(\d+)$/, "_$1");
}

/** Whether `name` is `base` or a step of its walk. */
function onNameWalk(base: unknown, name: unknown): boolean {
    if (typeof base !== "string" || typeof name !== "string") {
        return false;
    }
    return base === name || tokenStep(base, name.replace(/_(\d+)$/, ".$1")) !== undefined;
}

function sortedArns(v: unknown): string[] {
    return Array.isArray(v) ? [...(v as string[])].sort() : [];
}

export async function check(olds: any, news: any): Promise<pulumi.dynamic.CheckResult> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Record<string, any> = { ...news };

    // adopt: only a create adopts; on an existing resource it is ignored (and
    // dropped from the inputs, so a replacement never adopts a stale name).
    // R3 (common/lifecycle): only a first create adopts; a replacement never does.
    const creating = adoptionAllowed(olds, news.__identity);
    const adopt = checkAdopt(news.adopt, "a CloudFront function name ([A-Za-z0-9_-]{1,64})", NAME_PATTERN);
    failures.push(...adopt.failures);
    if (!creating) {
        delete inputs.adopt;
    }

    // name: explicit, else kept from the previous inputs, else the adopted
    // function's name, else auto-named.
    delete inputs.__nameGenerated;
    if (inputs.name === undefined || inputs.name === null || inputs.name === "") {
        if (typeof olds?.name === "string" && olds.name) {
            inputs.name = olds.name;
            if (olds.__nameGenerated === true) {
                inputs.__nameGenerated = true;
            }
        } else if (creating && adopt.adoption) {
            inputs.name = adopt.adoption.id;
        } else if ((creating && adopt.unknown) || isUnknown(news.__identity)) {
            inputs.name = UNKNOWN;
        } else {
            inputs.name = autoName(String(news.autoNamePrefix ?? ""), news.__identity);
            inputs.__nameGenerated = true;
        }
    } else if (!isUnknown(inputs.name) && (typeof inputs.name !== "string" || !NAME_PATTERN.test(inputs.name))) {
        fail("name", `name "${inputs.name}" is not valid: use 1 to 64 letters, digits, hyphens or underscores ([A-Za-z0-9_-]{1,64})`);
    } else if (creating && adopt.adoption && !isUnknown(inputs.name) && inputs.name !== adopt.adoption.id) {
        fail(
            "name",
            `name "${inputs.name}" differs from adopt.id "${adopt.adoption.id}": a function is adopted by its name; ` +
                `set name to "${adopt.adoption.id}" or omit it`,
        );
    }

    if (inputs.runtime === undefined || inputs.runtime === null) {
        inputs.runtime = DEFAULT_RUNTIME;
    } else if (!isUnknown(inputs.runtime) && !(RUNTIMES as readonly string[]).includes(inputs.runtime)) {
        fail("runtime", `runtime "${inputs.runtime}" is not known: use one of ${RUNTIMES.join(", ")} (default ${DEFAULT_RUNTIME})`);
    }

    if (!isUnknown(inputs.code)) {
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

    if (inputs.comment === undefined || inputs.comment === null) {
        inputs.comment = "";
    } else if (!isUnknown(inputs.comment) && typeof inputs.comment !== "string") {
        fail("comment", "comment must be a string");
    }

    if (inputs.keyValueStoreAssociations === undefined || inputs.keyValueStoreAssociations === null) {
        inputs.keyValueStoreAssociations = [];
    } else if (!isUnknown(inputs.keyValueStoreAssociations)) {
        const kvs = inputs.keyValueStoreAssociations;
        if (!Array.isArray(kvs)) {
            fail("keyValueStoreAssociations", "keyValueStoreAssociations must be a list of key value store ARNs");
        } else {
            kvs.forEach((arn: unknown, i: number) => {
                if (!isUnknown(arn) && (typeof arn !== "string" || !arn.startsWith("arn:"))) {
                    fail(`keyValueStoreAssociations[${i}]`, `"${String(arn)}" is not an ARN (arn:aws:cloudfront::ACCOUNT:key-value-store/ID)`);
                }
            });
        }
    }

    if (inputs.publish === undefined || inputs.publish === null) {
        inputs.publish = true;
    } else if (!isUnknown(inputs.publish) && typeof inputs.publish !== "boolean") {
        fail("publish", "publish must be true or false");
    }

    if (inputs.tags === undefined || inputs.tags === null) {
        inputs.tags = {};
    } else if (!isUnknown(inputs.tags)) {
        for (const reason of validateTags("tags", inputs.tags)) {
            fail("tags", reason);
        }
    }

    // Keep the ARN among the inputs once the function exists. The dynamic
    // provider host does not preview updates, so during a preview the engine
    // shows a resource's new inputs as its outputs: without this, every code
    // change would make `arn` unknown and every distribution associating it
    // would show a spurious change.
    delete inputs.arn;
    if (failures.length === 0 && typeof olds?.name === "string" && olds.name === inputs.name) {
        inputs.arn = typeof olds.arn === "string" && olds.arn ? olds.arn : await arnOf(inputs.name);
        if (!inputs.arn) {
            delete inputs.arn;
        }
    }
    if (failures.length === 0 && creating && adopt.adoption) {
        await previewAdoption(inputs as FunctionInputs, adopt.adoption.id, adopt.adoption.mode, failures);
    }

    return { inputs, failures };
}

/** The declared content of the DEVELOPMENT stage. */
function desiredContent(inputs: FunctionInputs) {
    return {
        code: inputs.code,
        comment: inputs.comment ?? "",
        runtime: inputs.runtime ?? DEFAULT_RUNTIME,
        keyValueStoreAssociations: inputs.keyValueStoreAssociations ?? [],
    };
}

/** What adopting `found` changes on it, in words (preview and logs). */
export function adoptionChanges(inputs: FunctionInputs, found: ObservedFunction): string[] {
    const want = desiredContent(inputs);
    const changes: string[] = [];
    if (!isUnknown(want.code) && want.code !== found.dev.code) {
        changes.push("code (UpdateFunction)");
    }
    if (!isUnknown(want.comment) && want.comment !== found.dev.comment) {
        changes.push(`comment: ${JSON.stringify(found.dev.comment)} -> ${JSON.stringify(want.comment)}`);
    }
    if (!isUnknown(want.runtime) && want.runtime !== found.dev.runtime) {
        changes.push(`runtime: ${found.dev.runtime} -> ${want.runtime}`);
    }
    if (!isUnknown(want.keyValueStoreAssociations) && !kvsEqual(want.keyValueStoreAssociations, found.dev.keyValueStoreAssociations)) {
        changes.push("keyValueStoreAssociations");
    }
    if (inputs.publish !== false && (changes.length > 0 || !sameContent(found.dev, found.live))) {
        changes.push("publish DEVELOPMENT to LIVE");
    }
    const tags = isUnknown(inputs.tags) ? "tags: (known at deployment)" : describeTagChanges(found.tags, inputs.tags);
    if (tags) {
        changes.push(tags);
    }
    return changes;
}

/**
 * Preview of an adoption: a read-only look at the function named by adopt.id,
 * logged as "will adopt <name>: changes: ...". A missing function fails the
 * check in mode "adopt" (nothing is created).
 */
async function previewAdoption(
    inputs: FunctionInputs,
    name: string,
    mode: AdoptMode,
    failures: pulumi.dynamic.CheckFailure[],
): Promise<void> {
    const found = await findForAdoption("CloudFront function", name, mode, failures, () => findFunction(name));
    if (!found) {
        return;
    }
    // Known now: keep it among the inputs so dependents see it at preview.
    inputs.arn = found.dev.arn;
    logAdoptionPlan("CloudFront function", name, adoptionChanges(inputs, found));
}

/** Best effort: the ARN of an existing function (state written before the ARN was kept in the inputs). */
async function arnOf(name: string): Promise<string | undefined> {
    try {
        const out = await cloudfront().send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
        return out?.FunctionSummary?.FunctionMetadata?.FunctionARN;
    } catch {
        return undefined;
    }
}

// ------------------------------------------------------------------ AWS reads

const decoder = new TextDecoder();

function configOf(config: FunctionConfig | undefined): Pick<StageView, "comment" | "runtime" | "keyValueStoreAssociations"> {
    return {
        comment: config?.Comment ?? "",
        runtime: config?.Runtime ?? DEFAULT_RUNTIME,
        keyValueStoreAssociations: (config?.KeyValueStoreAssociations?.Items ?? [])
            .map((i) => i.KeyValueStoreARN ?? "")
            .filter((a) => a),
    };
}

/** One stage, read with an explicit Stage (Describe for config and ETag, Get for the code). Undefined when absent. */
export async function readStage(name: string, stage: "DEVELOPMENT" | "LIVE"): Promise<StageView | undefined> {
    const cf = cloudfront();
    try {
        const described = await cf.send(new DescribeFunctionCommand({ Name: name, Stage: stage }));
        const got = await cf.send(new GetFunctionCommand({ Name: name, Stage: stage }));
        const summary = described.FunctionSummary;
        return {
            etag: described.ETag ?? "",
            code: decoder.decode(got.FunctionCode ?? new Uint8Array()),
            ...configOf(summary?.FunctionConfig),
            arn: summary?.FunctionMetadata?.FunctionARN ?? "",
            status: summary?.Status ?? "",
        };
    } catch (err) {
        if (isAwsError(err, "NoSuchFunctionExists")) {
            return undefined;
        }
        throw describeAwsError(`reading the ${stage} stage of CloudFront function "${name}"`, err);
    }
}

/** A stage's current ETag, or undefined when the function (or that stage) is not there. */
async function stageEtag(name: string, stage: "DEVELOPMENT" | "LIVE"): Promise<string | undefined> {
    try {
        const out = await cloudfront().send(new DescribeFunctionCommand({ Name: name, Stage: stage }));
        return out.ETag ?? "";
    } catch (err) {
        if (isAwsError(err, "NoSuchFunctionExists")) {
            return undefined;
        }
        throw describeAwsError(`reading ${stage === "LIVE" ? "the LIVE stage of " : ""}CloudFront function "${name}"`, err);
    }
}

/** The DEVELOPMENT stage's current ETag, or undefined when the function is gone. */
const devEtag = (name: string) => stageEtag(name, "DEVELOPMENT");

/** The LIVE stage's ETag, or "" when never published. */
const liveEtag = async (name: string) => (await stageEtag(name, "LIVE")) ?? "";

/** The function's tags, all of them (user and system); undefined when the function is gone. */
async function findTags(arn: string): Promise<Tags | undefined> {
    try {
        const out = await cloudfront().send(new ListTagsForResourceCommand({ Resource: arn }));
        return fromKeyValueList(out.Tags?.Items);
    } catch (err) {
        if (isAwsError(err, "NoSuchResource", "NoSuchFunctionExists")) {
            return undefined;
        }
        throw describeAwsError(`reading the tags of CloudFront function ${arn}`, err);
    }
}

/** Does the function exist and what is it: both stages and the tags. Undefined when gone. */
export async function findFunction(name: string): Promise<ObservedFunction | undefined> {
    const dev = await readStage(name, "DEVELOPMENT");
    if (!dev) {
        return undefined;
    }
    const live = await readStage(name, "LIVE");
    const observedTags = await findTags(dev.arn);
    if (observedTags === undefined) {
        return undefined; // deleted between the reads
    }
    const { tags, systemTags } = splitTags(observedTags);
    return { name, dev, live, tags, systemTags };
}

/** LIVE serves what DEVELOPMENT holds (code and config). */
export function sameContent(a: Omit<StageView, "etag" | "arn" | "status">, b: Omit<StageView, "etag" | "arn" | "status"> | undefined): boolean {
    return (
        b !== undefined &&
        a.code === b.code &&
        a.comment === b.comment &&
        a.runtime === b.runtime &&
        deepEqual(sortedArns(a.keyValueStoreAssociations), sortedArns(b.keyValueStoreAssociations))
    );
}

function outputsOf(inputs: FunctionInputs, observed: ObservedFunction): FunctionOutputs {
    return {
        ...inputs,
        name: observed.name,
        code: observed.dev.code,
        comment: observed.dev.comment,
        runtime: observed.dev.runtime,
        keyValueStoreAssociations: observed.dev.keyValueStoreAssociations,
        tags: observed.tags,
        systemTags: observed.systemTags,
        arn: observed.dev.arn,
        status: observed.dev.status,
        etag: observed.dev.etag,
        liveEtag: observed.live?.etag ?? "",
        published: sameContent(observed.dev, observed.live),
    };
}

// ------------------------------------------------------------------ AWS writes

function functionConfig(inputs: FunctionInputs): FunctionConfig {
    const kvs = inputs.keyValueStoreAssociations ?? [];
    return {
        Comment: inputs.comment ?? "",
        Runtime: (inputs.runtime ?? DEFAULT_RUNTIME) as FunctionRuntime,
        ...(kvs.length > 0
            ? { KeyValueStoreAssociations: { Quantity: kvs.length, Items: kvs.map((KeyValueStoreARN) => ({ KeyValueStoreARN })) } }
            : {}),
    };
}

const encoder = new TextEncoder();

async function applyTags(arn: string, observed: Tags | undefined, desired: Tags | undefined): Promise<void> {
    const { set, remove } = tagChanges(observed, desired);
    const cf = cloudfront();
    try {
        if (remove.length > 0) {
            await cf.send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: remove } }));
        }
        if (Object.keys(set).length > 0) {
            await cf.send(new TagResourceCommand({ Resource: arn, Tags: { Items: toKeyValueList(set) } }));
        }
    } catch (err) {
        throw describeAwsError(`tagging CloudFront function ${arn}`, err);
    }
}

/**
 * Publishes DEVELOPMENT with `etag`. A 412 means either a stale ETag or
 * "nothing to publish" (DEVELOPMENT already equals LIVE, terraform-provider-aws
 * #49572): re-read both stages; equal means done, otherwise retry with the
 * fresh ETag (bounded). Returns the status AWS reported and the DEVELOPMENT
 * ETag that is now live.
 */
async function publish(name: string, etag: string): Promise<{ status?: string; etag: string }> {
    let ifMatch = etag;
    let status: string | undefined;
    await retrying(
        async (n) => {
            if (n > 1) {
                const dev = await readStage(name, "DEVELOPMENT");
                if (!dev) {
                    throw new AcklessError(`CloudFront function "${name}" disappeared while publishing it`, "NoSuchFunctionExists");
                }
                ifMatch = dev.etag;
                if (sameContent(dev, await readStage(name, "LIVE"))) {
                    return; // someone (or an earlier attempt) already published it
                }
            }
            progress(`publishing CloudFront function ${name} (DEVELOPMENT -> LIVE)`);
            const out = await cloudfront().send(new PublishFunctionCommand({ Name: name, IfMatch: ifMatch }));
            status = out.FunctionSummary?.Status;
        },
        (err) => isAwsError(err, "PreconditionFailed"),
        { maxAttempts: MAX_PRECONDITION_ATTEMPTS, delayMs: pollDefaults().minDelayMs, maxDelayMs: pollDefaults().maxDelayMs },
    ).catch((err) => {
        throw err instanceof AcklessError ? err : describeAwsError(`publishing CloudFront function "${name}"`, err);
    });
    return { status, etag: ifMatch };
}

// ------------------------------------------------------------------ provider methods

/**
 * Adoption in create: UpdateFunction when the DEVELOPMENT code or config
 * differs from the declared one, publish when asked and LIVE differs, user
 * tags reconciled (system tags untouched), then the function as observed.
 */
async function adoptFunction(inputs: FunctionInputs, found: ObservedFunction, takeover = false): Promise<pulumi.dynamic.CreateResult> {
    const name = found.name;
    const changes = adoptionChanges(inputs, found);
    progress(`${takeover ? "taking over" : "adopting"} CloudFront function ${name}${changes.length > 0 ? ` (${changes.join("; ")})` : ""}`);
    const want = desiredContent(inputs);
    let etag = found.dev.etag;
    let contentChanged = false;
    if (!sameContent(want, found.dev)) {
        etag = (await updateDevelopment(name, inputs)).etag;
        contentChanged = true;
    }
    if (inputs.publish !== false && (contentChanged || !sameContent(want, found.live))) {
        await publish(name, etag);
    }
    // Functions take tags since 2026 (TagResource on the function ARN): the incarnation goes on as a tag (lifecycle R2).
    const incarnation = newIncarnation();
    await applyTags(found.dev.arn, found.tags, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation });
    const after = await findFunction(name);
    if (!after) {
        throw new AcklessError(`adopting CloudFront function "${name}": it disappeared while being adopted`, "NoSuchFunctionExists");
    }
    progress(`CloudFront function ${name} ${takeover ? "taken over" : "adopted"}`);
    const outs = { ...outputsOf(inputs, after), name, incarnation: claim(KIND, name, takeover ? "took over" : "adopted", incarnation) };
    return { id: name, outs: takeover ? outs : adoptedOutputs(outs) };
}

export async function create(inputs: FunctionInputs): Promise<pulumi.dynamic.CreateResult> {
    const adoption = adoptionOf(inputs);
    if (adoption && adoption.id === inputs.name) {
        const found = await findFunction(inputs.name);
        if (found) {
            return adoptFunction(inputs, found);
        }
        if (adoption.mode === "adopt") {
            throw adoptMissing("CloudFront function", inputs.name);
        }
        logWillCreate("CloudFront function", inputs.name);
    }
    const generated = inputs.__nameGenerated === true;
    const steps = generated ? MAX_GENERATED_NAMES : 1;
    for (let n = 0; n < steps; n++) {
        const name = nthName(inputs.name, n);
        const made = await createNamed(name, inputs);
        if (made) {
            return made;
        }
        // R1: a holder that is not an unfinished create of this resource.
        const holder = await findFunction(name);
        if (holder && isUnfinishedCreate(holder, inputs, generated)) {
            progress(
                `CloudFront function ${name} already exists, unpublished, as an interrupted earlier create of this resource left it: ` +
                    `taking it over instead of creating a second one`,
            );
            return adoptFunction({ ...inputs, name }, holder, true);
        }
        if (!generated) {
            throw new AcklessError(
                `creating CloudFront function "${name}": a function with this name already exists in the account` +
                    `${holder?.live ? " and is published" : ""}, and it is not an unfinished create of this resource. ` +
                    `If it is yours, take it over with adopt: { id: "${name}" }; if this is a replacement of a function with a declared ` +
                    `name, the old one must go first: set the deleteBeforeReplace resource option; otherwise choose another name ` +
                    `(or omit name to get a generated one)`,
                "FunctionAlreadyExists",
            );
        }
        progress(`CloudFront function ${name} is a completed function (another incarnation of this resource); trying ${nthName(inputs.name, n + 1)}`);
    }
    throw new AcklessError(
        `creating CloudFront function: the ${MAX_GENERATED_NAMES} generated names of this resource (${inputs.name}, ${nthName(inputs.name, 1)}, ...) ` +
            `are all taken by other functions; declare a name`,
        "FunctionAlreadyExists",
    );
}

/**
 * R1 for functions: create publishes last, so a function never published is
 * an unfinished create, when it holds this resource's code (a generated name
 * is this resource's own, so any code). A function made with publish: false
 * cannot be told apart, and is never taken over.
 */
function isUnfinishedCreate(holder: ObservedFunction, inputs: FunctionInputs, generated: boolean): boolean {
    return inputs.publish !== false && !holder.live && (generated || holder.dev.code === inputs.code);
}

/** CreateFunction, publish, tag: the create itself. Undefined when the name is taken (FunctionAlreadyExists). */
async function createNamed(name: string, inputs: FunctionInputs): Promise<pulumi.dynamic.CreateResult | undefined> {
    const cf = cloudfront();
    let created;
    try {
        created = await cf.send(
            new CreateFunctionCommand({ Name: name, FunctionConfig: functionConfig(inputs), FunctionCode: encoder.encode(inputs.code) }),
        );
    } catch (err) {
        if (isAwsError(err, "FunctionAlreadyExists")) {
            return undefined;
        }
        throw describeAwsError(`creating CloudFront function "${name}"`, err);
    }
    const arn = created.FunctionSummary?.FunctionMetadata?.FunctionARN ?? "";
    let etag = created.ETag ?? "";
    let status = created.FunctionSummary?.Status ?? "UNPUBLISHED";
    let live = "";
    const tags = userTags(inputs.tags);
    const incarnation = newIncarnation();
    try {
        if (inputs.publish !== false) {
            // At once, with the ETag CreateFunction just returned: no second pass.
            const published = await publish(name, etag);
            status = published.status ?? status;
            etag = published.etag;
            // R5: a just-created function's LIVE stage may read NotFound for a while.
            live = (await waitVisible(`CloudFront function ${name} (LIVE)`, () => stageEtag(name, "LIVE"))) ?? "";
        }
        await applyTags(arn, {}, { ...tags, [INCARNATION_TAG]: incarnation });
    } catch (err) {
        // Pulumi records nothing for a failed create: do not leave an orphan
        // behind that would block the next attempt with FunctionAlreadyExists.
        await rollback(name);
        throw err;
    }
    const outs: FunctionOutputs = {
        ...inputs,
        name,
        tags,
        systemTags: {},
        arn,
        status,
        etag,
        liveEtag: live,
        published: inputs.publish !== false,
        incarnation: claim(KIND, name, "created", incarnation),
    };
    return { id: name, outs };
}

/** Best-effort removal of a function whose create failed half-way. */
async function rollback(name: string): Promise<void> {
    try {
        const etag = await devEtag(name);
        if (etag !== undefined) {
            await cloudfront().send(new DeleteFunctionCommand({ Name: name, IfMatch: etag }));
        }
    } catch {
        progress(`could not remove CloudFront function ${name} after its create failed; delete it by hand`);
    }
}

export async function read(id: string, props: any): Promise<pulumi.dynamic.ReadResult> {
    const observed = await findFunction(id);
    if (!observed) {
        return goneRead("CloudFront function", id, props);
    }
    const { vanished: _vanished, ...known } = (props ?? {}) as Record<string, any>;
    const outs = outputsOf(known as FunctionInputs, observed);
    if (typeof props?.code === "string" && props.code !== outs.code) {
        warn(`CloudFront function ${id}: its DEVELOPMENT code was changed outside Pulumi; the next up restores the program's code`);
    }
    if (props?.publish !== false && !outs.published) {
        warn(
            `CloudFront function ${id}: the LIVE stage does not serve the DEVELOPMENT code ` +
                `(${observed.live ? "updated without publishing, or something else was published" : "never published"}); the next up publishes`,
        );
    }
    return { id, props: outs };
}

const kvsEqual = (a: unknown, b: unknown) => deepEqual(sortedArns(a), sortedArns(b));

const rules: FieldRule[] = [
    // A generated name may have walked (<name>_1: lifecycle R1); the inputs keep the base.
    { name: "name", replaces: true, equal: (a, b) => a === b || onNameWalk(b, a) },
    { name: "code" },
    { name: "comment", equal: (a, b) => (a ?? "") === (b ?? "") },
    { name: "runtime", equal: (a, b) => (a ?? DEFAULT_RUNTIME) === (b ?? DEFAULT_RUNTIME) },
    { name: "keyValueStoreAssociations", equal: kvsEqual },
    { name: "publish", equal: (a, b) => (a ?? true) === (b ?? true) },
    { name: "tags", equal: (a, b) => sameTags(a as Tags, b as Tags) },
];

/** Fields whose change needs UpdateFunction. */
const CONTENT_FIELDS = new Set(["code", "comment", "runtime", "keyValueStoreAssociations"]);

export async function diff(_id: string, olds: any, news: any): Promise<FieldDiff> {
    const result = withVanished(olds, diffFields(olds ?? {}, news ?? {}, rules), "name");
    // Drift: publish is on but LIVE does not serve DEVELOPMENT (updated without
    // publishing, or something else published): the next up publishes.
    if ((news?.publish ?? true) !== false && olds?.published === false && !result.changed.includes("publish")) {
        return { ...result, changes: true, changed: [...result.changed, "published"] };
    }
    return result;
}

/** UpdateFunction of the DEVELOPMENT stage with a fresh ETag; a 412 re-reads and retries. */
async function updateDevelopment(name: string, inputs: FunctionInputs): Promise<{ etag: string; status?: string }> {
    let etag = "";
    let status: string | undefined;
    await retrying(
        async () => {
            const current = await devEtag(name);
            if (current === undefined) {
                throw new AcklessError(
                    `updating CloudFront function "${name}": it no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) to recreate it`,
                    "NoSuchFunctionExists",
                );
            }
            progress(`updating CloudFront function ${name} (DEVELOPMENT stage)`);
            const out = await cloudfront().send(
                new UpdateFunctionCommand({
                    Name: name,
                    IfMatch: current,
                    FunctionConfig: functionConfig(inputs),
                    FunctionCode: encoder.encode(inputs.code),
                }),
            );
            etag = out.ETag ?? "";
            status = out.FunctionSummary?.Status;
        },
        (err) => isAwsError(err, "PreconditionFailed"),
        { maxAttempts: MAX_PRECONDITION_ATTEMPTS, delayMs: pollDefaults().minDelayMs, maxDelayMs: pollDefaults().maxDelayMs },
    ).catch((err) => {
        throw err instanceof AcklessError ? err : describeAwsError(`updating CloudFront function "${name}"`, err);
    });
    return { etag, status };
}

export async function update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult> {
    const inputs = news as FunctionInputs;
    const name = id;
    const changed = diffFields(olds ?? {}, news ?? {}, rules).changed;
    let etag: string = olds?.etag ?? "";
    let status: string = olds?.status ?? "";
    let contentChanged = false;

    if (changed.some((f) => CONTENT_FIELDS.has(f))) {
        contentChanged = true;
        const out = await updateDevelopment(name, inputs);
        etag = out.etag;
        status = out.status ?? status;
    }

    // Is DEVELOPMENT now different from LIVE? Known without a read when the
    // last observation had LIVE == DEVELOPMENT (LIVE then holds the old
    // content): it differs exactly when we just changed the content.
    // Otherwise read LIVE and compare.
    let published: boolean;
    let live: string = olds?.liveEtag ?? "";
    if (olds?.published === true) {
        published = !contentChanged;
    } else if (contentChanged || inputs.publish !== false) {
        const desired = {
            code: inputs.code,
            comment: inputs.comment,
            runtime: inputs.runtime,
            keyValueStoreAssociations: inputs.keyValueStoreAssociations,
        };
        const liveStage = await readStage(name, "LIVE");
        live = liveStage?.etag ?? "";
        published = sameContent(desired, liveStage);
        if (!contentChanged && !published && inputs.publish !== false) {
            // Publish drift only: publishing needs DEVELOPMENT's current ETag.
            etag = (await devEtag(name)) ?? etag;
        }
    } else {
        published = false;
    }

    if (inputs.publish !== false && !published) {
        const out = await publish(name, etag);
        status = out.status ?? status;
        etag = out.etag;
        published = true;
        live = await liveEtag(name);
    }

    let arn: string = olds?.arn ?? "";
    if (changed.includes("tags")) {
        arn = arn || ((await readStage(name, "DEVELOPMENT"))?.arn ?? "");
        // Diff against the live tags, not the state: a tag changed outside
        // Pulumi since the last refresh is reconciled too.
        await applyTags(arn, (await findTags(arn)) ?? olds?.tags, inputs.tags);
    }

    const outs: FunctionOutputs = {
        ...inputs,
        name,
        tags: userTags(inputs.tags),
        systemTags: olds?.systemTags ?? {},
        arn,
        status,
        etag,
        liveEtag: live,
        published,
        // Lifecycle outputs carry over (never as undefined: the engine rejects undefined values).
        ...(olds?.adopted === true ? { adopted: true } : {}),
        ...(typeof olds?.incarnation === "string" ? { incarnation: olds.incarnation } : {}),
    };
    return { outs };
}

/** Distributions whose cache behaviours associate `arn` (ListDistributions, scanned). */
export async function distributionsUsing(arn: string): Promise<string[]> {
    const ids: string[] = [];
    const uses = (d: DistributionSummary) =>
        [d.DefaultCacheBehavior, ...(d.CacheBehaviors?.Items ?? [])].some((b) =>
            (b?.FunctionAssociations?.Items ?? []).some((a) => a.FunctionARN === arn),
        );
    let marker: string | undefined;
    do {
        const out = await cloudfront().send(new ListDistributionsCommand({ Marker: marker }));
        for (const d of out.DistributionList?.Items ?? []) {
            if (uses(d) && d.Id) {
                ids.push(d.Id);
            }
        }
        marker = out.DistributionList?.IsTruncated ? out.DistributionList.NextMarker : undefined;
    } while (marker);
    return ids;
}

export async function deleteFunction(id: string, props: any): Promise<void> {
    await guardedDelete(KIND, "CloudFront function", id, props, () => deleteNamed(id, props));
}

async function deleteNamed(id: string, props: any): Promise<void> {
    const name = id;
    if (props?.incarnation && props?.arn && ownedByNewerIncarnation("CloudFront function", name, props, await findTags(props.arn))) {
        return;
    }
    const deadline = new Deadline(inUseTimeoutMs());
    const started = Date.now();
    const { minDelayMs, maxDelayMs } = pollDefaults();
    try {
        await retrying(
            async () => {
                const etag = await devEtag(name);
                if (etag === undefined) {
                    return; // gone means done
                }
                try {
                    await cloudfront().send(new DeleteFunctionCommand({ Name: name, IfMatch: etag }));
                } catch (err) {
                    if (isAwsError(err, "NoSuchFunctionExists")) {
                        return;
                    }
                    throw err;
                }
            },
            (err) => isAwsError(err, "FunctionInUse", "PreconditionFailed"),
            {
                maxAttempts: Number.MAX_SAFE_INTEGER,
                deadline,
                delayMs: minDelayMs,
                maxDelayMs,
                onRetry: (err, n) => {
                    if (isAwsError(err, "FunctionInUse") && (n === 1 || n % 10 === 0)) {
                        progress(
                            `deleting CloudFront function ${name}: still associated with a distribution after ` +
                                `${Math.round((Date.now() - started) / 1000)} s; retrying until ${Math.round(inUseTimeoutMs() / 1000)} s`,
                        );
                    }
                },
            },
        );
    } catch (err) {
        if (isAwsError(err, "FunctionInUse")) {
            const arn: string = props?.arn || "";
            let users: string[] = [];
            try {
                users = arn ? await distributionsUsing(arn) : [];
            } catch {
                // best effort: the error below still names the function
            }
            throw new AcklessError(
                `deleting CloudFront function "${name}": AWS FunctionInUse after ${Math.round((Date.now() - started) / 1000)} s: ` +
                    (users.length > 0
                        ? `still associated with distribution${users.length > 1 ? "s" : ""} ${users.join(", ")}; `
                        : "still associated with a distribution; ") +
                    `remove the function from their FunctionAssociations (or delete them) first`,
                "FunctionInUse",
                err,
            );
        }
        throw err instanceof AcklessError ? err : describeAwsError(`deleting CloudFront function "${name}"`, err);
    }
}

export const provider = {
    check,
    diff,
    create,
    read,
    update,
    delete: deleteFunction,
};
