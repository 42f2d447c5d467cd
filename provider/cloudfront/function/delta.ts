/**
 * cloudfront.Function: what differs (the diff rules, the content of the
 * DEVELOPMENT stage, what an adoption changes) and the outputs read from AWS.
 * Pure: no AWS calls.
 */
import type { FunctionConfig, FunctionRuntime } from "@aws-sdk/client-cloudfront";
import { deepEqual, diffFields, FieldDiff, FieldRule, known, Obj } from "../../common/diff";
import { describeTagChanges, sameTags, Tags } from "../../common/tags";
import { onNameWalk } from "./keys";
import { DEFAULT_RUNTIME, FunctionInputs, FunctionOutputs, ObservedFunction, StageView } from "./types";

export function sortedArns(v: unknown): string[] {
    return Array.isArray(v) ? [...(v as string[])].sort() : [];
}

export const kvsEqual = (a: unknown, b: unknown) => deepEqual(sortedArns(a), sortedArns(b));

/** What a stage holds besides its identity: code and config. */
export type StageContent = Omit<StageView, "etag" | "arn" | "status">;

/**
 * The optional fields of a function's configuration, and their value when a
 * function is created without them. Ownership (like the distribution's): a
 * field the program declares is owned; one it never declared keeps its live
 * value (adoption, update and the hand-overs never send "none" for it); one
 * declared before and now removed is reset to this default, once, and then
 * no longer owned. Which fields the program declares is kept in `__declared`
 * (validate.ts).
 */
export const OPTIONAL_DEFAULTS = {
    comment: "",
    runtime: DEFAULT_RUNTIME,
    keyValueStoreAssociations: [] as string[],
};
export type OptionalField = keyof typeof OPTIONAL_DEFAULTS;
export const OPTIONAL_FIELDS = Object.keys(OPTIONAL_DEFAULTS) as OptionalField[];

/**
 * The content the DEVELOPMENT stage should hold: the declared fields, and for
 * each field the inputs leave out (not owned) `base`'s value (the live stage),
 * else the create-time default.
 */
export function desiredContent(inputs: FunctionInputs, base?: Partial<Pick<StageContent, OptionalField>>): StageContent {
    const pick = <F extends OptionalField>(f: F): StageContent[F] =>
        (inputs[f] !== undefined && inputs[f] !== null ? inputs[f] : (base?.[f] ?? OPTIONAL_DEFAULTS[f])) as StageContent[F];
    return {
        code: inputs.code,
        comment: pick("comment"),
        runtime: pick("runtime"),
        keyValueStoreAssociations: pick("keyValueStoreAssociations"),
    };
}

/** Whether the state entry `olds` (inputs or outputs) says the program declared `field`. */
export function wasDeclared(olds: Obj | undefined, field: OptionalField): boolean {
    if (olds === undefined) {
        return false;
    }
    if (Array.isArray(olds.__declared)) {
        return olds.__declared.includes(field);
    }
    // State written before ownership was kept held the defaults for omitted fields: a value other than the
    // default was declared; a default one is treated as not owned (never removes what it cannot tell).
    const v = olds[field];
    return v !== undefined && v !== null && !deepEqual(field === "keyValueStoreAssociations" ? sortedArns(v) : v, OPTIONAL_DEFAULTS[field]);
}

/** LIVE serves what DEVELOPMENT holds (code and config). */
export function sameContent(a: StageContent, b: StageContent | undefined): boolean {
    return (
        b !== undefined &&
        a.code === b.code &&
        a.comment === b.comment &&
        a.runtime === b.runtime &&
        deepEqual(sortedArns(a.keyValueStoreAssociations), sortedArns(b.keyValueStoreAssociations))
    );
}

/** What adopting `found` changes on it, in words (preview and logs). */
export function adoptionChanges(inputs: FunctionInputs, found: ObservedFunction): string[] {
    const want = desiredContent(inputs, found.dev);
    const changes: string[] = [];
    if (known(want.code) && want.code !== found.dev.code) {
        changes.push("code (UpdateFunction)");
    }
    if (known(want.comment) && want.comment !== found.dev.comment) {
        changes.push(`comment: ${JSON.stringify(found.dev.comment)} -> ${JSON.stringify(want.comment)}`);
    }
    if (known(want.runtime) && want.runtime !== found.dev.runtime) {
        changes.push(`runtime: ${found.dev.runtime} -> ${want.runtime}`);
    }
    if (known(want.keyValueStoreAssociations) && !kvsEqual(want.keyValueStoreAssociations, found.dev.keyValueStoreAssociations)) {
        changes.push("keyValueStoreAssociations");
    }
    if (inputs.publish !== false && (changes.length > 0 || !sameContent(found.dev, found.live))) {
        changes.push("publish DEVELOPMENT to LIVE");
    }
    const tags = known(inputs.tags) ? describeTagChanges(found.tags, inputs.tags) : "tags: (known at deployment)";
    if (tags) {
        changes.push(tags);
    }
    return changes;
}

export function outputsOf(base: Obj, observed: ObservedFunction): FunctionOutputs {
    return {
        ...(base as FunctionInputs),
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

/** The FunctionConfig that sends `content` (every field: UpdateFunction replaces the whole configuration). */
export function functionConfig(content: StageContent): FunctionConfig {
    const kvs = content.keyValueStoreAssociations ?? [];
    return {
        Comment: content.comment ?? "",
        Runtime: (content.runtime ?? DEFAULT_RUNTIME) as FunctionRuntime,
        ...(kvs.length > 0
            ? { KeyValueStoreAssociations: { Quantity: kvs.length, Items: kvs.map((KeyValueStoreARN) => ({ KeyValueStoreARN })) } }
            : {}),
    };
}

export const rules: FieldRule[] = [
    // A generated name may have walked (<name>_1: lifecycle R1); the inputs keep the base.
    { name: "name", replaces: true, equal: (a, b) => a === b || onNameWalk(b, a) },
    { name: "code" },
    // Optional fields: left out of the new inputs means not owned, so no change (see OPTIONAL_DEFAULTS).
    { name: "comment", equal: (a, b) => b === undefined || b === null || (a ?? "") === b },
    { name: "runtime", equal: (a, b) => b === undefined || b === null || (a ?? DEFAULT_RUNTIME) === b },
    { name: "keyValueStoreAssociations", equal: (a, b) => b === undefined || b === null || kvsEqual(a, b) },
    // A change of the tests alone sends nothing to AWS; they run before the next publish.
    { name: "tests" },
    { name: "publish", equal: (a, b) => (a ?? true) === (b ?? true) },
    { name: "tags", equal: (a, b) => sameTags(a as Tags, b as Tags) },
];

/** Fields whose change needs UpdateFunction. */
export const CONTENT_FIELDS = new Set(["code", "comment", "runtime", "keyValueStoreAssociations"]);

/**
 * What differs. Besides the fields: publish is on but LIVE does not serve
 * DEVELOPMENT (updated without publishing, or something else published),
 * which the next up publishes.
 */
export function functionDiff(_id: string, olds: Obj, news: Obj): FieldDiff {
    const result = diffFields(olds, news, rules);
    if ((news.publish ?? true) !== false && olds.published === false && !result.changed.includes("publish")) {
        return { ...result, changes: true, changed: [...result.changed, "published"] };
    }
    return result;
}

/** The drift a read found, in words: one warning each (empty: none). */
export function driftNotes(id: string, props: Obj | undefined, outs: FunctionOutputs, observed: ObservedFunction): string[] {
    const notes: string[] = [];
    if (typeof props?.code === "string" && props.code !== outs.code) {
        notes.push(`CloudFront function ${id}: its DEVELOPMENT code was changed outside Pulumi; the next up restores the program's code`);
    }
    if (props?.publish !== false && !outs.published) {
        notes.push(
            `CloudFront function ${id}: the LIVE stage does not serve the DEVELOPMENT code ` +
                `(${observed.live ? "updated without publishing, or something else was published" : "never published"}); the next up publishes`,
        );
    }
    return notes;
}
