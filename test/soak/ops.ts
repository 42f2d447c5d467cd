/**
 * The soak's operations: what a user (or the outside world) does, as plain
 * data, so that a run is a list a file can hold and a test can replay.
 * - program edits change the desired program (the spec) only;
 * - engine commands run the real Pulumi engine on the current spec;
 * - interruptions kill -9 a command, then do what a user does next;
 * - the outside world acts on AWS directly (SDK calls, emulator switches).
 * Operations name resources by their Pulumi name (resolved to an id at run
 * time) and out-of-band resources by a handle, never by an AWS id, so a
 * replay of a shortened list stays meaningful; an operation that no longer
 * applies is skipped.
 */
import { kindByKey } from "./kinds";
import { Prng } from "./prng";

/** One resource of the desired program. */
export interface Entry {
    kind: string;
    /** The Pulumi resource name. */
    name: string;
    /** A stable key (the first name), for names that must not follow renames. */
    key: string;
    /** Earlier names, declared as `aliases`. */
    aliases: string[];
    /** Generation of an in-place field (a comment, code). */
    v: number;
    /** Generation of the user tag. */
    tag: number;
    /** Generation of a field that forces replacement (a subnet, a name, a CallerReference). */
    r: number;
    protect: boolean;
    retain: boolean;
    /** Handle of the out-of-band resource this entry adopts. */
    adopt?: string;
    /**
     * A public NAT gateway: the runner gives it an Elastic IP of its own. Never retained: a retained copy would keep
     * the address, which one gateway at a time can hold, so re-creating or replacing it beside the copy is the user's
     * mistake, not a soak operation.
     */
    pub?: boolean;
}

export type EditOp =
    | { t: "add"; kind: string; name: string; retain?: boolean; protect?: boolean; public?: boolean }
    | { t: "remove"; name: string }
    | { t: "edit"; name: string; field: "v" | "tag" }
    | { t: "forceReplace"; name: string }
    | { t: "rename"; name: string; to: string }
    | { t: "protect"; name: string; on: boolean }
    | { t: "retain"; name: string; on: boolean }
    | { t: "adopt"; kind: string; handle: string; name: string; retain: boolean };

export type EngineOp =
    | { t: "up" }
    | { t: "preview" }
    | { t: "refresh" }
    | { t: "upRefresh" }
    | { t: "upReplace"; name: string }
    | { t: "taint"; name: string }
    | { t: "upTarget"; name: string }
    | { t: "destroyTarget"; name: string }
    | { t: "cancel" };

/** kill -9 of a command once the emulator has served `afterCalls` AWS calls of it; then `pulumi cancel` and the command again. */
export type KillOp = { t: "kill"; cmd: "up" | "upRefresh" | "upReplace" | "destroyTarget"; name?: string; afterCalls: number };

export type WorldOp =
    | { t: "oobCreate"; kind: string; handle: string }
    /** Deletes, outside Pulumi, the resource of a state entry (`name`) or an unmanaged one (`handle`). */
    | { t: "oobDelete"; name?: string; handle?: string }
    | { t: "oobEdit"; name: string }
    | { t: "oobTags"; name: string }
    | { t: "faults"; on: boolean; seed: number }
    | { t: "consistency"; on: boolean };

export type Op = EditOp | EngineOp | KillOp | WorldOp;

export const EDIT_OPS = ["add", "remove", "edit", "forceReplace", "rename", "protect", "retain", "adopt"] as const;
export const ENGINE_OPS = ["up", "preview", "refresh", "upRefresh", "upReplace", "taint", "upTarget", "destroyTarget", "cancel"] as const;
export const WORLD_OPS = ["oobCreate", "oobDelete", "oobEdit", "oobTags", "faults", "consistency"] as const;

export function isEdit(op: Op): op is EditOp {
    return (EDIT_OPS as readonly string[]).includes(op.t);
}

/** One line per operation, as printed and stored in reproductions. */
export function describeOp(op: Op): string {
    const { t, ...rest } = op as any;
    const args = Object.entries(rest).map(([k, v]) => `${k}=${v}`);
    return args.length ? `${t} ${args.join(" ")}` : t;
}

/**
 * The spec after a program edit, or undefined when the edit does not apply
 * (it names a resource that is not declared, or a name already taken).
 */
export function applyEdit(spec: readonly Entry[], op: EditOp): Entry[] | undefined {
    const find = (name: string) => spec.find((e) => e.name === name);
    const taken = (name: string) => spec.some((e) => e.name === name || e.aliases.includes(name));
    const change = (name: string, f: (e: Entry) => Entry): Entry[] | undefined =>
        find(name) ? spec.map((e) => (e.name === name ? f(e) : e)) : undefined;
    switch (op.t) {
        case "add":
            if (taken(op.name)) return undefined;
            return [...spec, newEntry(op.kind, op.name, { retain: op.retain && !op.public, protect: op.protect, pub: op.public })];
        case "adopt":
            if (taken(op.name) || spec.some((e) => e.adopt === op.handle)) return undefined;
            return [...spec, { ...newEntry(op.kind, op.name, { retain: op.retain }), adopt: op.handle }];
        case "remove":
            return find(op.name) ? spec.filter((e) => e.name !== op.name) : undefined;
        case "edit":
            return change(op.name, (e) => ({ ...e, [op.field]: e[op.field] + 1 }));
        case "forceReplace":
            return change(op.name, (e) => ({ ...e, r: e.r + 1 }));
        case "rename":
            if (taken(op.to)) return undefined;
            return change(op.name, (e) => ({ ...e, name: op.to, aliases: [...e.aliases, e.name] }));
        case "protect":
            return change(op.name, (e) => ({ ...e, protect: op.on }));
        case "retain":
            if (find(op.name)?.pub) return undefined;
            return change(op.name, (e) => ({ ...e, retain: op.on }));
    }
}

export function newEntry(kind: string, name: string, flags: { retain?: boolean; protect?: boolean; pub?: boolean } = {}): Entry {
    const entry: Entry = { kind, name, key: name, aliases: [], v: 1, tag: 1, r: 0, protect: flags.protect ?? false, retain: flags.retain ?? false };
    return flags.pub ? { ...entry, pub: true } : entry;
}

/**
 * `up --replace` / `state taint` of this state entry is a fair request: the
 * entry is not declared with a fixed AWS identity (kinds.fixedIdentity), which
 * a create-before-delete replacement cannot reuse. Undeclared entries are fine.
 */
export function replaceableInPlace(spec: readonly Entry[], name: string): boolean {
    const e = declaredAs(spec, name);
    return !e || !kindByKey(e.kind).fixedIdentity(e);
}

/**
 * The entry that declares the state entry `name`: by its name, or by an alias
 * (renamed in the program, not yet by an `up`, so the state still has the old name).
 */
function declaredAs(spec: readonly Entry[], name: string): Entry | undefined {
    return spec.find((x) => x.name === name) ?? spec.find((x) => x.aliases.includes(name));
}

/**
 * `destroy --target` then the next `up` re-creates it: unfair when a retained copy keeps its fixed identity. `destroy`
 * does not run the program, so the state's `retainOnDelete` decides (`retainedInState`): a program that has just
 * turned retain off, before an `up` recorded it, still retains.
 */
export function destroyableInPlace(spec: readonly Entry[], name: string, retainedInState = false): boolean {
    const e = declaredAs(spec, name);
    return !e || !(e.retain || retainedInState) || !kindByKey(e.kind).fixedIdentity(e);
}

/** What the generator may know of the run so far (the runner's view). */
export interface View {
    spec: readonly Entry[];
    /** Names of the ackless resources in state. */
    inState: ReadonlySet<string>;
    /** Names whose state entry is protected. */
    protectedInState: ReadonlySet<string>;
    /** Unmanaged live resources (made out of band, or retained) that no entry adopts. */
    free: readonly { handle: string; kind: string }[];
    faultsOn: boolean;
    consistencyOn: boolean;
}

export interface GeneratorOptions {
    kinds: readonly string[];
    /** Fault injection and the eventual-consistency switch may be turned on. */
    faults: boolean;
    /** At most this many entries in the program. */
    maxEntries?: number;
    /** At most this many free out-of-band resources. */
    maxFree?: number;
    /** Weight overrides by operation type (e.g. { kill: 0 }); a weight applies only where the operation can apply. */
    weights?: Record<string, number>;
}

/** Draws operations that apply to the current view; keeps its own counters for fresh names and handles. */
export class Generator {
    private names = 0;
    private handles = 0;

    constructor(
        private readonly prng: Prng,
        private readonly opts: GeneratorOptions,
    ) {}

    /** Applies --mix overrides to weights that are not 0 (an operation that cannot apply stays at 0). */
    private override<K extends string>(weights: Record<K, number>): Record<K, number> {
        const out = {} as Record<K, number>;
        for (const [k, w] of Object.entries(weights) as [K, number][])
            out[k] = w > 0 && this.opts.weights?.[k] !== undefined ? this.opts.weights[k] : w;
        return out;
    }

    next(view: View): Op {
        const p = this.prng;
        const spec = view.spec;
        const maxEntries = this.opts.maxEntries ?? 6;
        const maxFree = this.opts.maxFree ?? 3;
        const unprotected = spec.filter((e) => !e.protect && !view.protectedInState.has(e.name));
        const stateNames = [...view.inState].sort();
        const stateUnprotected = stateNames.filter((n) => !view.protectedInState.has(n) && !spec.find((e) => e.name === n)?.protect);
        // An adoption not made yet must match the resource it adopts: changing a field that cannot change is the user's mistake.
        const replaceEditable = unprotected.filter((e) => !e.adopt || view.inState.has(e.name));
        const replaceable = stateUnprotected.filter((n) => replaceableInPlace(spec, n));
        const destroyable = stateUnprotected.filter((n) => destroyableInPlace(spec, n));
        const adoptable = view.free.filter((f) => this.opts.kinds.includes(f.kind));
        const retainable = spec.filter((e) => !e.pub);
        const size = spec.length;
        const f = this.opts.faults;
        const t = p.weighted(
            this.override({
                add: size < maxEntries ? 10 : 0,
                remove: unprotected.length ? (size >= maxEntries ? 8 : 3) : 0,
                edit: size ? 8 : 0,
                forceReplace: replaceEditable.length ? 4 : 0,
                rename: size ? 3 : 0,
                protect: size ? 3 : 0,
                retain: retainable.length ? 3 : 0,
                adopt: adoptable.length && size < maxEntries ? 4 : 0,
                up: 18,
                preview: 4,
                refresh: 4,
                upRefresh: 5,
                upReplace: replaceable.length ? 3 : 0,
                taint: replaceable.length ? 2 : 0,
                upTarget: size ? 3 : 0,
                destroyTarget: destroyable.length ? 2 : 0,
                cancel: 1,
                kill: 4,
                oobCreate: view.free.length < maxFree ? 3 : 0,
                oobDelete: stateNames.length || view.free.length ? 4 : 0,
                oobEdit: stateNames.length ? 3 : 0,
                oobTags: stateNames.length ? 3 : 0,
                faults: f ? (view.faultsOn ? 4 : 2) : 0,
                consistency: f ? (view.consistencyOn ? 4 : 1) : 0,
            }),
        )!;
        const fresh = (prefix: string) => `${prefix}${++this.names}`;
        switch (t) {
            case "add": {
                const kind = p.pick(this.opts.kinds);
                const flags = { ...(p.chance(0.2) ? { retain: true } : {}), ...(p.chance(0.1) ? { protect: true } : {}) };
                // Half the NAT gateways are public, each with an Elastic IP, and never retained (Entry.pub).
                if (kind === "nat" && p.chance(0.5)) {
                    const { retain: _never, ...kept } = flags;
                    return { t, kind, name: fresh(kind), ...kept, public: true };
                }
                return { t, kind, name: fresh(kind), ...flags };
            }
            case "remove":
                return { t, name: p.pick(unprotected).name };
            case "edit":
                return { t, name: p.pick(spec).name, field: p.chance(0.5) ? "v" : "tag" };
            case "forceReplace":
                return { t, name: p.pick(replaceEditable).name };
            case "rename": {
                const e = p.pick(spec);
                return { t, name: e.name, to: fresh(e.kind) };
            }
            case "protect": {
                const e = p.pick(spec);
                return { t, name: e.name, on: !e.protect };
            }
            case "retain": {
                const e = p.pick(retainable);
                return { t, name: e.name, on: !e.retain };
            }
            case "adopt": {
                const a = p.pick(adoptable);
                return { t, kind: a.kind, handle: a.handle, name: fresh(`${a.kind}Adopted`), retain: p.chance(0.5) };
            }
            case "upReplace":
            case "taint":
                return { t, name: p.pick(replaceable) };
            case "destroyTarget":
                return { t, name: p.pick(destroyable) };
            case "upTarget":
                return { t, name: p.pick(spec).name };
            case "kill": {
                const cmd = p.weighted({ up: 5, upRefresh: 2, upReplace: replaceable.length ? 1 : 0, destroyTarget: destroyable.length ? 1 : 0 })!;
                const afterCalls = p.int(1, 8);
                if (cmd === "up" || cmd === "upRefresh") return { t, cmd, afterCalls };
                return { t, cmd, name: p.pick(cmd === "upReplace" ? replaceable : destroyable), afterCalls };
            }
            case "oobCreate":
                return { t, kind: p.pick(this.opts.kinds), handle: `h${++this.handles}` };
            case "oobDelete": {
                if (view.free.length && (!stateNames.length || p.chance(0.3))) return { t, handle: p.pick(view.free).handle };
                return { t, name: p.pick(stateNames) };
            }
            case "oobEdit":
            case "oobTags":
                return { t, name: p.pick(stateNames) };
            case "faults":
                return { t, on: !view.faultsOn, seed: p.int(1, 1_000_000) };
            case "consistency":
                return { t, on: !view.consistencyOn };
            default:
                return { t };
        }
    }
}
