/**
 * What should exist, and the invariants checked after every operation. Pure
 * functions over two snapshots (before and after the operation), so they are
 * unit-tested without an engine:
 * - orphan: every live AWS resource is in state, or was deliberately retained
 *   or never managed (made outside Pulumi and not adopted);
 * - deleted: nothing the user did not ask to delete was deleted (the engine
 *   may delete what leaves its state or is replaced, never what stays, and
 *   never a retained resource; preview and refresh delete nothing);
 * - duplicate: no AWS id appears twice in state;
 * - model: what each successful command promises (after `up`, exactly the
 *   declared resources are in state; after a refresh each one in state is
 *   live; `preview` changes nothing; `destroy --target` removes its target).
 */

/** One ackless resource in the Pulumi state. */
export interface StateEntry {
    urn: string;
    name: string;
    kind: string;
    id: string;
    retain: boolean;
    protect: boolean;
    /** An old resource the engine still has to delete (after a replacement was interrupted). */
    pendingDelete: boolean;
    /** An adopted resource a refresh found gone (kept in state, marked `vanished`, replaced by the next up). */
    vanished?: boolean;
}

/** What a command that succeeded promises about the state after it. */
export interface Expectation {
    /** A full `up`: exactly these names are in state. */
    declared?: readonly string[];
    /** A refresh: every resource in state is live (an adopted one found gone stays, marked vanished). */
    allLive?: boolean;
    /** `preview`, `cancel`, `state taint`: the same resources, with the same ids. */
    unchanged?: boolean;
    /** `destroy --target`: these URNs are no longer in state. */
    absent?: readonly string[];
}

export interface Snapshot {
    /** Live AWS resources: id -> kind key. */
    live: Map<string, string>;
    state: StateEntry[];
}

export interface OpEffect {
    /** Ids this operation deleted itself, outside Pulumi. */
    deletedOutOfBand?: string[];
    /** The engine ran a command that may delete (up, its variants, destroy). */
    engineMayDelete?: boolean;
    /** destroy --target / up --target: only these URNs' state entries may change. */
    targets?: string[];
    /** Names declared with retainOnDelete in the program the command ran. */
    retainInProgram?: ReadonlySet<string>;
    /** Checked only when the command succeeded. */
    expect?: Expectation;
}

export type Invariant = "orphan" | "deleted" | "duplicate" | "retained" | "target" | "model" | "command" | "converge";

export interface Divergence {
    invariant: Invariant;
    message: string;
}

export interface CheckResult {
    divergences: Divergence[];
    /** Ids that left state deliberately retained: from now on unmanaged. */
    retained: string[];
}

/**
 * The invariants after one operation. `unmanaged` holds the ids that may be
 * live without being in state (made outside Pulumi and not adopted, or
 * retained earlier).
 */
export function checkInvariants(before: Snapshot, after: Snapshot, effect: OpEffect, unmanaged: ReadonlySet<string>): CheckResult {
    const divergences: Divergence[] = [];
    const afterIds = new Set(after.state.map((e) => e.id));
    const retainedInProgram = effect.retainInProgram ?? new Set<string>();
    const label = (id: string, map: Map<string, string>) => `${map.get(id) ?? "resource"} ${id}`;

    // Entries that left the state with retainOnDelete: AWS keeps them, and so must the engine.
    const retained: string[] = [];
    for (const b of before.state) {
        if (afterIds.has(b.id) || !(b.retain || retainedInProgram.has(b.name))) continue;
        retained.push(b.id);
        if (b.retain && before.live.has(b.id) && !after.live.has(b.id) && !(effect.deletedOutOfBand ?? []).includes(b.id)) {
            divergences.push({
                invariant: "retained",
                message: `${label(b.id, before.live)} (${b.name}) had retainOnDelete, left the state, and was deleted`,
            });
        }
    }

    // Deleted: what was live and is gone must have been asked for.
    const allowed = new Set(effect.deletedOutOfBand ?? []);
    if (effect.engineMayDelete) {
        for (const b of before.state) {
            if (!afterIds.has(b.id) && !b.retain) allowed.add(b.id);
        }
    }
    for (const id of before.live.keys()) {
        if (after.live.has(id) || allowed.has(id)) continue;
        const entry = after.state.find((e) => e.id === id) ?? before.state.find((e) => e.id === id);
        const why = entry
            ? afterIds.has(id)
                ? `it is still in state as ${entry.name}`
                : `the command could not delete it (${effect.engineMayDelete ? "retainOnDelete" : "the command deletes nothing"})`
            : "it was not managed by this stack";
        if (!retained.includes(id) || !divergences.some((d) => d.invariant === "retained" && d.message.includes(id))) {
            divergences.push({ invariant: "deleted", message: `${label(id, before.live)} was deleted without being asked: ${why}` });
        }
    }

    // Orphan: live, not in state, not unmanaged.
    for (const [id, kind] of after.live) {
        if (afterIds.has(id) || unmanaged.has(id) || retained.includes(id)) continue;
        divergences.push({ invariant: "orphan", message: `${kind} ${id} is live but neither in state nor retained nor made outside Pulumi` });
    }

    // Duplicate: one id, one state entry (an old entry pending delete may share it with its re-adoption).
    const seen = new Map<string, string>();
    for (const e of after.state.filter((x) => !x.pendingDelete)) {
        const other = seen.get(e.id);
        if (other !== undefined) {
            divergences.push({ invariant: "duplicate", message: `${e.kind} ${e.id} is in state twice: ${other} and ${e.name}` });
        }
        seen.set(e.id, e.name);
    }

    // Targeted commands change only their targets.
    if (effect.targets) {
        const key = (e: StateEntry) => `${e.urn}=${e.id}`;
        const untouched = (s: Snapshot) =>
            s.state
                .filter((e) => !effect.targets!.includes(e.urn))
                .map(key)
                .sort();
        const b = untouched(before);
        const a = untouched(after);
        if (JSON.stringify(a) !== JSON.stringify(b)) {
            const gone = b.filter((x) => !a.includes(x));
            const added = a.filter((x) => !b.includes(x));
            divergences.push({
                invariant: "target",
                message: `a targeted command changed resources it did not target: removed [${gone.join(", ")}], added [${added.join(", ")}]`,
            });
        }
    }

    divergences.push(...checkExpectation(before, after, effect.expect ?? {}));
    return { divergences, retained };
}

function checkExpectation(before: Snapshot, after: Snapshot, exp: Expectation): Divergence[] {
    const out: Divergence[] = [];
    const current = after.state.filter((e) => !e.pendingDelete);
    if (exp.declared) {
        const inState = current.map((e) => e.name).sort();
        const declared = [...exp.declared].sort();
        if (JSON.stringify(inState) !== JSON.stringify(declared)) {
            out.push({
                invariant: "model",
                message: `after up, state holds [${inState.join(", ")}] but the program declares [${declared.join(", ")}]`,
            });
        }
    }
    if (exp.allLive) {
        for (const e of current) {
            if (!after.live.has(e.id) && !e.vanished) {
                out.push({ invariant: "model", message: `after a refresh, ${e.name} is in state as ${e.id}, which is not live` });
            }
        }
    }
    if (exp.unchanged) {
        const key = (s: Snapshot) =>
            s.state
                .map((e) => `${e.urn}=${e.id}`)
                .sort()
                .join(", ");
        if (key(before) !== key(after)) out.push({ invariant: "model", message: `the state changed: [${key(before)}] -> [${key(after)}]` });
    }
    for (const urn of exp.absent ?? []) {
        if (current.some((e) => e.urn === urn)) out.push({ invariant: "model", message: `${urn} is still in state after destroy --target` });
    }
    return out;
}

/** A divergence's identity for shrinking: the invariant and the op type it showed after. */
export function signature(d: Divergence, opType: string): string {
    return `${d.invariant}@${opType}`;
}
