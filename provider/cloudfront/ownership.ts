/**
 * Field ownership for configurations in the CloudFront API's shape (the model
 * of Kubernetes server-side apply), at every depth:
 *
 * - the program owns the fields it declares, at any depth; ownership is kept
 *   as a list of leaf paths (`Origins.Items[Id="web"].DomainName`);
 * - a field declared before and now removed is reset (left out of the update,
 *   so CloudFront applies its default); a keyed list item declared before and
 *   now removed is removed;
 * - a field never declared keeps its live value;
 * - lists of objects merge by their key (`KEYS`); CacheBehaviors keep the
 *   declared order (it is their precedence); lists of strings or numbers
 *   (methods, aliases, header / cookie / query-string names, status codes,
 *   ...) are sets, compared without order;
 * - `Quantity` is derived from `Items`, always (0 when there are none).
 *
 * Internally a configuration is in "canonical" form: every list wrapper (a
 * structure with `Quantity` and `Items`) has an `Items` array and no
 * `Quantity`. `toWire` puts `Quantity` back.
 */
import { deepEqual, stableJson, UNKNOWN } from "../common/diff";
import { MemberRule, SHAPES, ShapeRule } from "./model.generated";

type Obj = Record<string, any>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** The key of each list of objects, by the name of the field that holds its wrapper. */
export const KEYS: Record<string, string> = {
    Origins: "Id",
    OriginGroups: "Id",
    CacheBehaviors: "PathPattern",
    CustomErrorResponses: "ErrorCode",
    FunctionAssociations: "EventType",
    LambdaFunctionAssociations: "EventType",
    CustomHeaders: "HeaderName",
};
/** Keyed lists whose order matters (precedence). */
export const ORDERED = new Set(["CacheBehaviors"]);

const shapeOf = (rule: MemberRule | undefined): ShapeRule | undefined =>
    rule?.t === "structure" ? SHAPES[rule.s!] : rule?.t === "list" && rule.i?.t === "structure" ? SHAPES[rule.i.s!] : undefined;
const isWrapper = (shape: ShapeRule | undefined): boolean => !!shape && "Quantity" in shape.members && "Items" in shape.members;
const itemShape = (wrapper: ShapeRule | undefined): ShapeRule | undefined => shapeOf(wrapper?.members.Items);

const member = (path: string, name: string) => (path ? `${path}.${name}` : name);
const item = (path: string, key: string, value: unknown) => `${path}[${key}=${JSON.stringify(value)}]`;
const sortedSet = (items: unknown[]) => [...items].sort((a, b) => (stableJson(a) < stableJson(b) ? -1 : stableJson(a) > stableJson(b) ? 1 : 0));

/** How the `Items` of a wrapper held by field `holder` behave. */
function listKind(holder: string, items: unknown): { kind: "set" } | { kind: "keyed"; key: string; ordered: boolean } | { kind: "atomic" } {
    const key = KEYS[holder];
    if (key) {
        return { kind: "keyed", key, ordered: ORDERED.has(holder) };
    }
    if (Array.isArray(items) && items.some((i) => isObject(i))) {
        return { kind: "atomic" };
    }
    return { kind: "set" };
}

// ------------------------------------------------------------ canonical / wire

/** `value`'s members, null/undefined dropped, each mapped with its member's shape. */
function mapMembers(value: Obj, shape: ShapeRule | undefined, f: (v: any, shape: ShapeRule | undefined) => any): Obj {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
        if (v !== undefined && v !== null) {
            out[k] = f(v, shapeOf(shape?.members[k]));
        }
    }
    return out;
}

/** Whether `out` (with shape `shape`, or no known shape) is a list wrapper. */
const wrapperLike = (shape: ShapeRule | undefined, out: Obj) =>
    isWrapper(shape) || (shape === undefined && ("Quantity" in out || Array.isArray(out.Items)));

/** Canonical form: no null/undefined, Dates as ISO strings, every wrapper with `Items` (default []) and no `Quantity`. */
export function toCanonical(value: any, shape: ShapeRule | undefined = SHAPES.DistributionConfig): any {
    if (Array.isArray(value)) {
        return value.map((v) => toCanonical(v, shape));
    }
    if (value instanceof Date) {
        return value.toISOString();
    }
    if (!isObject(value)) {
        return value;
    }
    const out = mapMembers(value, shape, toCanonical);
    if (wrapperLike(shape, out)) {
        if (out.Items === undefined) {
            out.Items = [];
        }
        delete out.Quantity;
    }
    return out;
}

/** The form AWS takes: every wrapper's `Quantity` from its `Items` (0 when none), an empty `Items` left out. */
export function toWire(value: any, shape: ShapeRule | undefined = SHAPES.DistributionConfig): any {
    if (Array.isArray(value)) {
        return value.map((v) => toWire(v, shape));
    }
    if (!isObject(value)) {
        return value;
    }
    const out = mapMembers(value, shape, toWire);
    if (wrapperLike(shape, out) && out.Items !== UNKNOWN) {
        const n = Array.isArray(out.Items) ? out.Items.length : 0;
        delete out.Quantity;
        out.Quantity = n;
        if (n === 0) {
            delete out.Items;
        }
    }
    return out;
}

// ------------------------------------------------------------ owned paths

/** The leaf paths a canonical configuration declares (its owned fields). CallerReference is never owned (immutable). */
export function ownedPaths(declared: Obj): string[] {
    const out: string[] = [];
    walkDeclared(declared, "", SHAPES.DistributionConfig, (p) => out.push(p));
    return out.filter((p) => p !== "CallerReference").sort();
}

function walkDeclared(value: Obj, path: string, shape: ShapeRule | undefined, leaf: (path: string) => void, holder?: string): void {
    for (const [k, v] of Object.entries(value)) {
        const p = member(path, k);
        const rule = shape?.members[k];
        if (k === "Items" && holder !== undefined && Array.isArray(v)) {
            const kind = listKind(holder, v);
            if (kind.kind !== "keyed") {
                leaf(p);
                continue;
            }
            const inner = itemShape(shape);
            for (const it of v) {
                if (isObject(it) && it[kind.key] !== undefined) {
                    walkDeclared(it, item(p, kind.key, it[kind.key]), inner, leaf);
                } else {
                    leaf(p); // an item without its key: the list is owned whole
                }
            }
            if (v.length === 0) {
                leaf(p);
            }
            continue;
        }
        const sub = shapeOf(rule);
        if (isObject(v) && (sub || rule === undefined)) {
            if (Object.keys(v).length === 0) {
                leaf(p);
            } else {
                walkDeclared(v, p, sub, leaf, k);
            }
            continue;
        }
        leaf(p);
    }
}

/** Every path that is a leaf of `owned` or leads to one. */
export function ownedNodes(owned: string[]): Set<string> {
    const nodes = new Set<string>();
    for (const p of owned) {
        nodes.add(p);
        // Prefixes end before a "." or "[" that is outside a quoted key.
        let quoted = false;
        for (let i = 0; i < p.length; i++) {
            const c = p[i];
            if (c === '"' && p[i - 1] !== "\\") {
                quoted = !quoted;
            } else if (!quoted && (c === "." || c === "[")) {
                nodes.add(p.slice(0, i));
            }
        }
    }
    return nodes;
}

// ------------------------------------------------------------ projection

/**
 * The part of a canonical configuration the program owns (what is stored as
 * the `distributionConfig` output and compared for drift). Sets are sorted,
 * keyed lists other than CacheBehaviors are sorted by key, so CloudFront
 * returning them in another order is no change.
 */
export function project(observed: Obj, owned: string[]): Obj {
    return projectNode(observed, "", SHAPES.DistributionConfig, ownedNodes(owned), new Set(owned));
}

function projectNode(value: Obj, path: string, shape: ShapeRule | undefined, nodes: Set<string>, leaves: Set<string>, holder?: string): Obj {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
        const p = member(path, k);
        if (!nodes.has(p)) {
            continue;
        }
        if (leaves.has(p) || !(isObject(v) || Array.isArray(v))) {
            out[k] = k === "Items" && holder !== undefined && Array.isArray(v) && listKind(holder, v).kind === "set" ? sortedSet(v) : v;
            continue;
        }
        if (k === "Items" && holder !== undefined && Array.isArray(v)) {
            const kind = listKind(holder, v);
            if (kind.kind !== "keyed") {
                out[k] = kind.kind === "set" ? sortedSet(v) : v;
                continue;
            }
            const inner = itemShape(shape);
            const items = v
                .filter((it) => isObject(it) && nodes.has(item(p, kind.key, it[kind.key])))
                .map((it) => projectNode(it, item(p, kind.key, it[kind.key]), inner, nodes, leaves));
            out[k] = kind.ordered ? items : items.sort((a, b) => (stableJson(a[kind.key]) < stableJson(b[kind.key]) ? -1 : 1));
            continue;
        }
        out[k] = isObject(v) ? projectNode(v, p, shapeOf(shape?.members[k]), nodes, leaves, k) : v;
    }
    return out;
}

// ------------------------------------------------------------ merge onto live

/**
 * The configuration to send: the live one with the declared fields applied at
 * every depth, the fields owned before (`previous`) and no longer declared
 * left out (reset to CloudFront's default; a keyed item removed), every other
 * live field kept. All three in canonical form; the result too.
 */
export function mergeOwned(live: Obj, declared: Obj, previous: string[]): Obj {
    const now = ownedNodes(ownedPaths(declared));
    const before = ownedNodes(previous);
    return mergeNode(live, declared, "", SHAPES.DistributionConfig, now, before);
}

function mergeNode(
    live: unknown,
    declared: Obj,
    path: string,
    shape: ShapeRule | undefined,
    now: Set<string>,
    before: Set<string>,
    holder?: string,
): Obj {
    const out: Obj = isObject(live) ? { ...live } : {};
    // Reset what was owned before and is not declared now.
    for (const k of Object.keys(out)) {
        const p = member(path, k);
        if (k in declared || !before.has(p) || now.has(p)) {
            continue;
        }
        const kept = resetField(out[k], p, shapeOf(shape?.members[k]), before, k === "Items" ? holder : k);
        if (kept === undefined) {
            delete out[k];
        } else {
            out[k] = kept;
        }
    }
    for (const [k, v] of Object.entries(declared)) {
        const p = member(path, k);
        const rule = shape?.members[k];
        if (k === "Items" && holder !== undefined && Array.isArray(v)) {
            const kind = listKind(holder, v);
            // An empty keyed list declared is owned whole: no items.
            out[k] = kind.kind === "keyed" && v.length > 0 ? mergeKeyed(out[k], v, p, kind.key, itemShape(shape), now, before) : v;
            continue;
        }
        const sub = shapeOf(rule);
        if (isObject(v) && Object.keys(v).length > 0 && (sub || rule === undefined)) {
            out[k] = mergeNode(out[k], v, p, sub, now, before, k);
            continue;
        }
        out[k] = v;
    }
    return out;
}

/**
 * A field owned before and not declared now goes whole, except the items of
 * keyed lists inside it that the program never declared (someone else's):
 * returns what is left of it, or undefined.
 */
function resetField(value: unknown, path: string, shape: ShapeRule | undefined, before: Set<string>, holder?: string): unknown {
    if (Array.isArray(value)) {
        const key = holder !== undefined ? KEYS[holder] : undefined;
        if (!key) {
            return undefined;
        }
        const kept = value.filter((it) => isObject(it) && !before.has(item(path, key, it[key])));
        return kept.length > 0 ? kept : undefined;
    }
    if (!isObject(value)) {
        return undefined;
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
        const left = resetField(v, member(path, k), shapeOf(shape?.members[k]), before, k === "Items" ? holder : k);
        if (left !== undefined) {
            out[k] = left;
        }
    }
    return Object.keys(out).length > 0 ? out : undefined;
}

function mergeKeyed(
    live: unknown,
    declared: any[],
    path: string,
    key: string,
    shape: ShapeRule | undefined,
    now: Set<string>,
    before: Set<string>,
): any[] {
    const liveItems: Obj[] = Array.isArray(live) ? live.filter(isObject) : [];
    const byKey = new Map(liveItems.map((it) => [stableJson(it[key]), it]));
    const declaredKeys = new Set(declared.map((it) => stableJson(it?.[key])));
    const merged = declared.map((it) =>
        isObject(it) ? mergeNode(byKey.get(stableJson(it[key])), it, item(path, key, it[key]), shape, now, before) : it,
    );
    // Live items the program never declared stay (after the declared ones); those it declared before go.
    const kept = liveItems.filter((it) => !declaredKeys.has(stableJson(it[key])) && !before.has(item(path, key, it[key])));
    return [...merged, ...kept];
}

// ------------------------------------------------------------ delta

export interface Change {
    /** The field's path in the configuration (no `distributionConfig.` prefix). */
    path: string;
    /** What happens to it. */
    what: "changed" | "added" | "reordered" | "reset (declared before, removed)";
}

/**
 * What applying `declared` changes on a configuration whose owned part is
 * `observed` (both canonical), given what was owned before: every changed
 * path at any depth, including resets. Sets compare without order, keyed
 * lists by key, CacheBehaviors also by order.
 */
export function changes(observed: Obj, declared: Obj, previous: string[]): Change[] {
    const out: Change[] = [];
    compareNode(observed, declared, "", SHAPES.DistributionConfig, out);
    const now = ownedNodes(ownedPaths(declared));
    // State written before ownership was kept: what it stored is what the program owned.
    const before = ownedNodes(previous.length > 0 ? previous : ownedPaths(observed));
    collectResets(observed, "", before, now, out);
    return out.filter((c) => c.path !== "CallerReference");
}

function compareNode(observed: unknown, declared: Obj, path: string, shape: ShapeRule | undefined, out: Change[], holder?: string): void {
    const have: Obj = isObject(observed) ? observed : {};
    for (const [k, v] of Object.entries(declared)) {
        const p = member(path, k);
        const rule = shape?.members[k];
        const o = have[k];
        if (v === UNKNOWN) {
            out.push({ path: p, what: "changed" });
            continue;
        }
        if (k === "Items" && holder !== undefined && Array.isArray(v)) {
            const kind = listKind(holder, v);
            if (kind.kind === "set") {
                if (!deepEqual(sortedSet(Array.isArray(o) ? o : []), sortedSet(v))) {
                    out.push({ path: p, what: "changed" });
                }
            } else if (kind.kind === "atomic" || v.length === 0) {
                if (!deepEqual(o ?? [], v)) {
                    out.push({ path: p, what: "changed" });
                }
            } else {
                compareKeyed(Array.isArray(o) ? o : [], v, p, kind.key, kind.ordered, itemShape(shape), out);
            }
            continue;
        }
        const sub = shapeOf(rule);
        if (isObject(v) && Object.keys(v).length > 0 && (sub || rule === undefined)) {
            if (o === undefined) {
                // Absent on AWS: a change unless what is declared is empty (an empty list's wrapper).
                const inner: Change[] = [];
                compareNode({}, v, p, sub, inner, k);
                if (inner.length > 0) {
                    out.push({ path: p, what: "added" });
                }
            } else {
                compareNode(o, v, p, sub, out, k);
            }
            continue;
        }
        if (!deepEqual(o, v)) {
            out.push({ path: p, what: o === undefined ? "added" : "changed" });
        }
    }
}

function compareKeyed(
    observed: any[],
    declared: any[],
    path: string,
    key: string,
    ordered: boolean,
    shape: ShapeRule | undefined,
    out: Change[],
): void {
    const byKey = new Map(observed.filter(isObject).map((it) => [stableJson(it[key]), it]));
    for (const it of declared) {
        if (!isObject(it) || it[key] === UNKNOWN) {
            out.push({ path, what: "changed" });
            return;
        }
        const o = byKey.get(stableJson(it[key]));
        if (!o) {
            out.push({ path: item(path, key, it[key]), what: "added" });
        } else {
            compareNode(o, it, item(path, key, it[key]), shape, out);
        }
    }
    if (ordered) {
        const want = declared.map((it) => stableJson(it?.[key]));
        const wanted = new Set(want);
        const have = observed.map((it) => stableJson(it?.[key])).filter((k) => wanted.has(k));
        const common = want.filter((k) => have.includes(k));
        if (!deepEqual(common, have)) {
            out.push({ path, what: "reordered" });
        }
    }
}

/** Resets: nodes of the observed (owned before) part that lead to no field declared now. */
function collectResets(observed: unknown, path: string, before: Set<string>, now: Set<string>, out: Change[], holder?: string): void {
    if (!isObject(observed)) {
        return;
    }
    for (const [k, v] of Object.entries(observed)) {
        const p = member(path, k);
        if (!before.has(p)) {
            continue;
        }
        if (!now.has(p)) {
            out.push({ path: p, what: "reset (declared before, removed)" });
            continue;
        }
        if (k === "Items" && holder !== undefined && Array.isArray(v) && listKind(holder, v).kind === "keyed") {
            const key = KEYS[holder];
            for (const it of v) {
                if (!isObject(it)) {
                    continue;
                }
                const ip = item(p, key, it[key]);
                if (!before.has(ip)) {
                    continue;
                }
                if (!now.has(ip)) {
                    out.push({ path: ip, what: "reset (declared before, removed)" });
                } else {
                    collectResets(it, ip, before, now, out);
                }
            }
            continue;
        }
        if (isObject(v)) {
            collectResets(v, p, before, now, out, k);
        }
    }
}

/** One line per change, as the preview shows them. */
export function describeChanges(list: Change[], prefix = "distributionConfig."): string {
    return list.map((c) => `${prefix}${c.path}${c.what === "changed" ? "" : `: ${c.what}`}`).join(", ");
}
