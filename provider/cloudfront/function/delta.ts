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

/** The declared content of the DEVELOPMENT stage. */
export function desiredContent(inputs: FunctionInputs): StageContent {
    return {
        code: inputs.code,
        comment: inputs.comment ?? "",
        runtime: inputs.runtime ?? DEFAULT_RUNTIME,
        keyValueStoreAssociations: inputs.keyValueStoreAssociations ?? [],
    };
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
    const want = desiredContent(inputs);
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

export function functionConfig(inputs: FunctionInputs): FunctionConfig {
    const kvs = inputs.keyValueStoreAssociations ?? [];
    return {
        Comment: inputs.comment ?? "",
        Runtime: (inputs.runtime ?? DEFAULT_RUNTIME) as FunctionRuntime,
        ...(kvs.length > 0
            ? { KeyValueStoreAssociations: { Quantity: kvs.length, Items: kvs.map((KeyValueStoreARN) => ({ KeyValueStoreARN })) } }
            : {}),
    };
}

export const rules: FieldRule[] = [
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
