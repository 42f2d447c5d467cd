/**
 * Detailed diffs, written once: each resource lists its fields and whether a
 * change to one can be made in place or needs a replacement.
 */
import * as pulumi from "@pulumi/pulumi";

/** The value Pulumi passes to check/diff for inputs not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A plain property bag, as Pulumi passes inputs and outputs. */
export type Obj = Record<string, any>;

/** A plain object (not an array, a Date or null). */
export const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Known at this point (preview passes UNKNOWN for values computed later). */
export const known = (v: unknown): boolean => v !== UNKNOWN;

/** Set to something: not undefined, null or "". */
export const present = (v: unknown): boolean => v !== undefined && v !== null && v !== "";

/** Drops undefined values (Pulumi's property structs cannot hold them). */
export function compact<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** JSON with sorted keys, so equal values compare equal. */
export function stableJson(value: unknown): string {
    return JSON.stringify(value, (_k, v) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
    );
}

export function deepEqual(a: unknown, b: unknown): boolean {
    return stableJson(a ?? null) === stableJson(b ?? null);
}

export interface FieldRule {
    /** Input property name. */
    name: string;
    /** A change to this field needs a new resource. */
    replaces?: boolean;
    /** Compare with this instead of deep equality (e.g. tags ignore system keys). */
    equal?: (a: unknown, b: unknown) => boolean;
}

/**
 * The dynamic-provider host passes `changes`, `replaces` and
 * `deleteBeforeReplace` to the engine (it has no detailed-diff channel); the
 * engine itself shows which input properties changed. `changed` is returned
 * for our own tests and logs.
 */
export interface FieldDiff extends pulumi.dynamic.DiffResult {
    readonly changed: string[];
}

export function diffFields(olds: Record<string, any>, news: Record<string, any>, rules: FieldRule[]): FieldDiff {
    const replaces: string[] = [];
    const changed: string[] = [];
    for (const rule of rules) {
        const equal = rule.equal ?? deepEqual;
        if (equal(olds[rule.name], news[rule.name])) {
            continue;
        }
        changed.push(rule.name);
        if (rule.replaces) {
            replaces.push(rule.name);
        }
    }
    return { changes: changed.length > 0, replaces, changed, deleteBeforeReplace: false };
}
