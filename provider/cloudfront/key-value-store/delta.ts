/**
 * cloudfront.KeyValueStore: what differs (the diff rules, the owned keys'
 * puts and deletes, what an adoption changes) and the outputs read from AWS.
 * Pure: no AWS calls.
 */
import { deepEqual, diffFields, FieldDiff, FieldRule, known, Obj } from "../../common/diff";
import { describeTagChanges, sameTags, Tags } from "../../common/tags";
import { onNameWalk } from "./keys";
import type { Items, KeyValueStoreInputs, KeyValueStoreOutputs, ObservedStore } from "./types";

/** undefined (no keys owned) and {} are the same: nothing to write. */
export const sameItems = (a: unknown, b: unknown) => deepEqual(a ?? {}, b ?? {});

export const rules: FieldRule[] = [
    // A generated name may have walked (<name>_1: lifecycle R1); the inputs keep the base.
    { name: "name", replaces: true, equal: (a, b) => a === b || onNameWalk(b, a) },
    { name: "comment", equal: (a, b) => (a ?? "") === (b ?? "") },
    { name: "items", equal: sameItems },
    { name: "tags", equal: (a, b) => sameTags(a as Tags, b as Tags) },
];

export function storeDiff(_id: string, olds: Obj, news: Obj): FieldDiff {
    return diffFields(olds, news, rules);
}

/**
 * The writes that bring the owned keys from `live` to `desired`: every
 * declared key whose live value differs is put; every key owned before
 * (`previouslyOwned`) and no longer declared is deleted when it is there.
 * Keys the program never declared are never touched.
 */
export function itemChanges(desired: Items | undefined, previouslyOwned: string[], live: Items): { puts: Items; deletes: string[] } {
    const want = desired ?? {};
    const puts: Items = {};
    for (const [k, v] of Object.entries(want)) {
        if (live[k] !== v) {
            puts[k] = v;
        }
    }
    const deletes = previouslyOwned.filter((k) => !(k in want) && k in live).sort();
    return { puts, deletes };
}

/** The owned keys' live values: `live` restricted to `owned` (a key absent live is absent). */
export function ownedView(owned: string[], live: Items): Items {
    const out: Items = {};
    for (const k of owned) {
        if (k in live) {
            out[k] = live[k];
        }
    }
    return out;
}

/** What adopting `found` changes on it, in words (preview and logs). The keys are written at settle, reported here without a data-plane read. */
export function adoptionChanges(inputs: KeyValueStoreInputs, found: ObservedStore): string[] {
    const changes: string[] = [];
    if (known(inputs.comment) && (inputs.comment ?? "") !== found.comment) {
        changes.push(`comment: ${JSON.stringify(found.comment)} -> ${JSON.stringify(inputs.comment ?? "")}`);
    }
    if (inputs.items !== undefined) {
        const n = known(inputs.items) ? Object.keys(inputs.items).length : undefined;
        changes.push(
            n === undefined
                ? "items: (known at deployment)"
                : `items: puts the ${n} declared key${n === 1 ? "" : "s"} where they differ; other keys are left alone`,
        );
    }
    const tags = known(inputs.tags) ? describeTagChanges(found.tags, inputs.tags) : "tags: (known at deployment)";
    if (tags) {
        changes.push(tags);
    }
    return changes;
}

/** The outputs for `observed`; `base` are the inputs (create) or the old outputs (read). */
export function outputsOf(base: Obj, observed: ObservedStore): KeyValueStoreOutputs {
    const out: KeyValueStoreOutputs = {
        ...(base as KeyValueStoreInputs),
        name: observed.name,
        comment: observed.comment,
        tags: observed.tags,
        systemTags: observed.systemTags,
        arn: observed.arn,
        storeId: observed.id,
        status: observed.status,
        etag: observed.etag,
    };
    if (observed.items !== undefined) {
        out.items = observed.items;
    }
    return out;
}

/** The drift a read found, in words: one warning each (empty: none). */
export function driftNotes(id: string, props: Obj | undefined, observed: ObservedStore): string[] {
    const declared = props?.items;
    if (!declared || typeof declared !== "object" || observed.items === undefined || sameItems(declared, observed.items)) {
        return [];
    }
    const changed = Object.keys(declared)
        .filter((k) => observed.items![k] !== declared[k])
        .sort();
    return [
        `CloudFront key value store ${id}: the owned key${changed.length === 1 ? "" : "s"} ${changed.join(", ")} changed outside Pulumi; the next up writes the program's values`,
    ];
}
