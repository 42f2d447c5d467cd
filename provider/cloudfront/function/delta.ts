/**
 * cloudfront.Function, shapes and comparison: inputs and outputs, the
 * declared content of the DEVELOPMENT stage, the diff rules, the outputs.
 */
import type { FunctionConfig, FunctionRuntime } from "@aws-sdk/client-cloudfront";
import { deepEqual, FieldRule, UNKNOWN } from "../../common/diff";
import { describeTagChanges, sameTags, Tags } from "../../common/tags";
import { onNameWalk } from "./hooks";
import { DEFAULT_RUNTIME } from "./validate";

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

export const isUnknown = (v: unknown) => v === UNKNOWN;

export function sortedArns(v: unknown): string[] {
    return Array.isArray(v) ? [...(v as string[])].sort() : [];
}

/** The declared content of the DEVELOPMENT stage. */
export function desiredContent(inputs: FunctionInputs) {
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

export function outputsOf(inputs: FunctionInputs, observed: ObservedFunction): FunctionOutputs {
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

export const kvsEqual = (a: unknown, b: unknown) => deepEqual(sortedArns(a), sortedArns(b));

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
