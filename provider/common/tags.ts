/**
 * System tags, in one place for every resource.
 *
 * AWS reserves tag keys starting with `aws:` (any case): CloudFormation and
 * other services stamp them, nobody may add or remove them. ackless splits
 * what it observes into user tags (diffed and mutated) and system tags
 * (exposed read-only as `systemTags`, never sent in a mutation, never diffed).
 */

export type Tags = Record<string, string>;

/** True for reserved keys: `aws:` prefix, case-insensitive. */
export function isSystemTagKey(key: string): boolean {
    return key.toLowerCase().startsWith("aws:");
}

/** Splits observed tags into the user's and the system's. */
/**
 * ackless's own bookkeeping tags (`ackless:pending-create`, `ackless:incarnation`:
 * see lifecycle.ts): never the user's, never shown, never diffed or removed by
 * tag reconciliation.
 */
export function isLifecycleTagKey(key: string): boolean {
    return key.toLowerCase().startsWith("ackless:");
}

export function splitTags(observed: Tags | undefined): { tags: Tags; systemTags: Tags } {
    const tags: Tags = {};
    const systemTags: Tags = {};
    for (const [k, v] of Object.entries(observed ?? {})) {
        if (!isLifecycleTagKey(k)) {
            (isSystemTagKey(k) ? systemTags : tags)[k] = v;
        }
    }
    return { tags, systemTags };
}

/** Only the user's tags; what every mutation sends. */
export function userTags(tags: Tags | undefined): Tags {
    return splitTags(tags).tags;
}

/** Check-time validation: errors naming each bad key. */
export function validateTags(field: string, tags: unknown): string[] {
    if (tags === undefined || tags === null) {
        return [];
    }
    if (typeof tags !== "object" || Array.isArray(tags)) {
        return [`${field} must be a map of string keys to string values`];
    }
    const errors: string[] = [];
    for (const [k, v] of Object.entries(tags as Record<string, unknown>)) {
        if (isSystemTagKey(k)) {
            errors.push(
                `${field}: the key "${k}" starts with "aws:", which AWS reserves for its own system tags; ` +
                    `remove it (system tags are read back as systemTags)`,
            );
        } else if (isLifecycleTagKey(k)) {
            errors.push(`${field}: the key "${k}" starts with "ackless:", which ackless reserves for its own bookkeeping; remove it`);
        } else if (k.length === 0 || k.length > 128) {
            errors.push(`${field}: tag keys must be 1 to 128 characters ("${k}")`);
        }
        if (typeof v !== "string") {
            errors.push(`${field}.${k}: tag values must be strings`);
        } else if (v.length > 256) {
            errors.push(`${field}.${k}: tag values must be at most 256 characters`);
        }
    }
    return errors;
}

/** What to send to reconcile `observed` user tags to `desired` (system keys never appear). */
export function tagChanges(observed: Tags | undefined, desired: Tags | undefined): { set: Tags; remove: string[] } {
    const have = userTags(observed);
    const want = userTags(desired);
    const set: Tags = {};
    for (const [k, v] of Object.entries(want)) {
        if (have[k] !== v) {
            set[k] = v;
        }
    }
    const remove = Object.keys(have).filter((k) => !(k in want));
    // ackless's own tags are set when asked (lifecycle.ts), never removed here.
    for (const [k, v] of Object.entries(desired ?? {})) {
        if (isLifecycleTagKey(k) && observed?.[k] !== v) {
            set[k] = v;
        }
    }
    return { set, remove };
}

export function sameTags(a: Tags | undefined, b: Tags | undefined): boolean {
    const c = tagChanges(a, b);
    return Object.keys(c.set).length === 0 && c.remove.length === 0;
}

/** AWS's list-of-pairs shapes, both spellings. */
export function toKeyValueList(tags: Tags): { Key: string; Value: string }[] {
    return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromKeyValueList(items: { Key?: string; Value?: string }[] | undefined): Tags {
    const out: Tags = {};
    for (const t of items ?? []) {
        if (t.Key !== undefined) {
            out[t.Key] = t.Value ?? "";
        }
    }
    return out;
}

/**
 * The tags a resource carries after reconciling `observed` to `desired`:
 * the observed system tags (untouched) and the desired user tags.
 */
export function reconciledTags(observed: Tags | undefined, desired: Tags | undefined): Tags {
    return { ...splitTags(observed).systemTags, ...userTags(desired) };
}

/**
 * Human-readable tag changes ("tags: +team=web, ~env=prod, -old"), or
 * undefined when there are none. System keys never appear.
 */
export function describeTagChanges(observed: Tags | undefined, desired: Tags | undefined): string | undefined {
    const have = userTags(observed);
    const { set, remove } = tagChanges(observed, desired);
    const parts = [...Object.entries(set).map(([k, v]) => (k in have ? `~${k}=${v}` : `+${k}=${v}`)), ...remove.map((k) => `-${k}`)];
    return parts.length > 0 ? `tags: ${parts.join(", ")}` : undefined;
}
