/**
 * The lifecycle rules every ackless resource kind follows, written once.
 *
 * Pulumi drives a resource through check / diff / create / read / update /
 * delete, and some of its commands do so in ways a provider cannot see
 * directly: a targeted replace (`up --replace`, `state taint`) skips diff and
 * re-runs check with no old inputs, then creates before it deletes; a refresh
 * that finds nothing drops the resource, and the next check again has no old
 * inputs; a killed run forgets a create it started. These rules keep the one
 * promise that matters: **never delete, orphan or duplicate a live resource**.
 *
 * R1. Takeover only of a create the engine may not have recorded. A create
 *     whose idempotency key (ClientToken, CallerReference, derived name)
 *     already names a resource takes it over only when that resource is still
 *     marked as a create of this resource (the `ackless:pending-create` tag,
 *     or for a CloudFront function an unpublished function with this code)
 *     and this process has not seen it in state. The marker stays on until
 *     the engine has recorded the resource (the driver's header says how that
 *     is known), so it covers an interrupted create and a finished create
 *     whose `pulumi up` died before the engine recorded it. A recorded
 *     resource is never "found" by a create: the create walks to the next key
 *     and makes a new one. So a replacement never takes over the original,
 *     and a retried create never makes a second one. One
 *     exception, for a completed original that holds what its replacement
 *     needs for itself (a NAT gateway's Elastic IP: the kind's
 *     `exclusiveWith`): a targeted replace deletes it first, naming the brief
 *     outage, rather than make a replacement that could never serve; the
 *     engine's later delete of the old state entry then finds it gone.
 *
 * R2. A delete never removes what this run created, adopted or took over.
 *     Every create records the id it returns (`claim`); a delete of a claimed
 *     id in the same provider process is for an older incarnation of a
 *     resource that a newer one now owns (a replacement that ended on the
 *     same id, a re-adoption), so it only drops the old state entry.
 *
 * R3. Adoption happens once, on a first create. `adopt` is dropped from the
 *     inputs of a resource that already has state, and from the re-check the
 *     engine runs for a replacement of such a resource (recognised by its
 *     identity, seen with old inputs earlier in this process): a replacement
 *     the program forces creates a new resource. A targeted replace
 *     (`up --replace`, `state taint`) checks only once, with no old inputs, so
 *     its create adopts the live original again; R2 then keeps the delete of
 *     the old state entry from removing it. Either way a replacement never
 *     adopts, then deletes, the live original.
 *
 * R4. A resource whose program declares `adopt`, deleted outside Pulumi,
 *     stays in state, marked vanished (with a warning naming its id), instead
 *     of being dropped: a dropped one would come back through check with no
 *     old inputs, and its `adopt` would point at nothing (or at the original
 *     a replacement already deleted). This holds for every incarnation: the
 *     adopted one (`adopted`) and a created one that replaced it
 *     (`adoptDeclared`, set by create when check saw the program declare
 *     `adopt`). The next `up` replaces it: it creates a new resource from the
 *     program (no adoption, R3), deleting first (there is nothing left to
 *     keep), and the delete of the vanished id is a no-op.
 *
 * R5. Eventual consistency. A resource this process has just created may
 *     read as not found for a while (AWS's read APIs are eventually
 *     consistent). Such a read is waited for (up to the propagation timeout,
 *     ACKLESS_PROPAGATION_TIMEOUT_S, default 120 s), never taken as "gone".
 */
import { randomUUID } from "crypto";
import { UNKNOWN } from "../common/diff";
import { envNumber } from "../common/env";
import { progress, warn } from "../common/log";
import type { Poller } from "../common/batch";
import { Deadline, DeadlineExceeded, waitFor } from "../common/wait";

/** The tag an unfinished create carries (value: the idempotency key it was made with). */
export const PENDING_CREATE_TAG = "ackless:pending-create";

/** The output that marks a state entry as made by adoption. */
export const ADOPTED_OUTPUT = "adopted";
/**
 * The output that marks a state entry whose program declares `adopt`, whichever
 * incarnation it is (the adopted one, or a created replacement of it): R4.
 */
export const ADOPT_DECLARED_OUTPUT = "adoptDeclared";
/** The output that marks an adopted resource found gone by a read (R4). */
export const VANISHED_OUTPUT = "vanished";

// ------------------------------------------------------------- R2: claims

/** The output that names one incarnation: one create, adoption or takeover of a resource. */
export const INCARNATION_OUTPUT = "incarnation";
/**
 * The same name on the AWS resource (the durable half of R2). NAT gateways and
 * distributions always took tags; CloudFront functions do since 2026
 * (TagResource on the function ARN: terraform-provider-aws #47915/#47916).
 */
export const INCARNATION_TAG = "ackless:incarnation";

/**
 * The tag naming the resource a resource was made for: a hash of its identity
 * (common/identity.ts ownerToken), whatever fields it was created from. A kind
 * with exclusive holds (adapter.originalHolding) finds by it the original a
 * targeted replace replaces when the key walk cannot: after a rename (the
 * program's `aliases` name the old identities) or a change of the creation
 * fields in the same run.
 */
export const OWNER_TAG = "ackless:owner";

/** A new incarnation's name. */
export function newIncarnation(): string {
    return randomUUID();
}

/**
 * The durable half of R2, for kinds with tags: true (and a warning) when the
 * live resource carries another incarnation than the state entry being
 * deleted, i.e. a newer incarnation (a replacement that ended on the same id,
 * a re-adoption) owns it, possibly made by an earlier, interrupted run.
 */
export function ownedByNewerIncarnation(
    what: string,
    id: string,
    props: Record<string, any> | undefined,
    liveTags: Record<string, string> | undefined,
): boolean {
    const live = liveTags?.[INCARNATION_TAG];
    const mine = props?.[INCARNATION_OUTPUT];
    if (!live || !mine || live === mine) {
        return false;
    }
    warn(
        `${what} ${id}: not deleted: it now belongs to a newer incarnation of this resource (${live}; this state entry is ${mine}), ` +
            `made by a replacement or a re-adoption; only the old state entry is removed`,
    );
    return true;
}

const claims = new Map<string, { how: string; incarnation: string }>();
const claimKey = (kind: string, id: string) => `${kind}\u0000${id}`;

/**
 * Records that this process's create returned `id` (how: created, adopted,
 * took over) and returns the new incarnation's name, which create puts in
 * its outputs (`incarnation`).
 */
export function claim(kind: string, id: string, how: "created" | "adopted" | "took over", incarnation: string = newIncarnation()): string {
    claims.set(claimKey(kind, id), { how, incarnation });
    return incarnation;
}

/** Forgets every claim (and what R1 knows is recorded): for tests that call provider methods directly, one test at a time. */
export function forgetClaims(): void {
    claims.clear();
    recorded.clear();
    declaring.clear();
    run = undefined;
}

// ------------------------------------------------- R1: recorded by the engine

/**
 * The output a create sets when it left its resource marked (`ackless:pending-create`)
 * until the engine is known to have recorded it: the run (the program's
 * `__run` nonce) whose program confirms it. See the driver's header.
 */
export const UNRECORDED_OUTPUT = "unrecorded";

/** claimKey -> the incarnations of the state entries shown with that id (undefined: any, unknown). */
const recorded = new Map<string, Set<string | undefined>>();
let run: string | undefined;

/**
 * The run nonce (`__run`) the program of this deployment sends with every
 * resource's inputs when it confirms recorded creates; undefined when the
 * program sends none (a preview, or a caller of the provider methods alone).
 */
export function currentRun(): string | undefined {
    return run;
}

/** Check's note of the program's run nonce (the latest one seen wins: one program runs per deployment). */
export function noteRun(nonce: unknown): void {
    if (typeof nonce === "string" && nonce) {
        run = nonce;
    }
}

/**
 * Records that the engine handed this process `id` with its state entry
 * (diff, read, update, delete): the engine has recorded it, so a create never
 * takes it over, whatever its marker says (R1). With the entry's `incarnation`,
 * only that incarnation is recorded: a holder of the same id (a kind whose ids are
 * names) carrying another, newer incarnation and still marked is an unfinished
 * create the state does not hold. Without it (a delete, whose entry may be the
 * older one of a replacement already recorded), any incarnation is.
 */
export function noteRecorded(kind: string, id: string | undefined, incarnation?: unknown): void {
    if (id) {
        const key = claimKey(kind, id);
        const seen = recorded.get(key) ?? new Set<string | undefined>();
        seen.add(typeof incarnation === "string" && incarnation ? incarnation : undefined);
        recorded.set(key, seen);
    }
}

/** True when this process has seen `id` with a state entry (noteRecorded) of `incarnation` (or of any). */
export function isRecorded(kind: string, id: string, incarnation?: unknown): boolean {
    const seen = recorded.get(claimKey(kind, id));
    if (!seen) {
        return false;
    }
    return typeof incarnation !== "string" || seen.has(undefined) || seen.has(incarnation);
}

/**
 * R1, read's half: the live resource at a state entry's id is a newer, unfinished create (still marked, with
 * another incarnation than the entry's), made where the entry's own resource was deleted (a kind whose ids are
 * names, re-created by a run that failed before the engine recorded it). The entry's resource is gone.
 */
export function newerUnfinishedCreate(props: Record<string, any> | undefined, liveTags: Record<string, string>): boolean {
    const entry = props?.[INCARNATION_OUTPUT];
    const live = liveTags[INCARNATION_TAG];
    return liveTags[PENDING_CREATE_TAG] !== undefined && typeof entry === "string" && typeof live === "string" && entry !== live;
}

/**
 * R2: runs `remove` unless this process created, adopted or took over `id`
 * in this run for another incarnation than the one being deleted (`props`,
 * the state entry's outputs): that entry is then an older incarnation, and
 * the resource is left to its new owner. Returns whether it deleted.
 */
export async function guardedDelete(
    kind: string,
    what: string,
    id: string,
    props: Record<string, any> | undefined,
    remove: () => Promise<void>,
): Promise<boolean> {
    const claimed = claims.get(claimKey(kind, id));
    if (claimed && claimed.incarnation !== props?.[INCARNATION_OUTPUT]) {
        warn(
            `${what} ${id}: not deleted: this run ${claimed.how} it for the resource that replaces this one, so it belongs to ` +
                `the new resource now; only the old state entry is removed`,
        );
        return false;
    }
    await remove();
    claims.delete(claimKey(kind, id));
    return true;
}

// ---------------------------------------------------------- R3: adoption

const existing = new Set<string>();

/**
 * R3, called by every check(): whether `adopt` may apply. It may only on a
 * first create: not when the resource has old inputs, and not on the engine's
 * re-check (no old inputs) of a replacement of a resource this process saw
 * with old inputs. Records the resource as existing when it has old inputs.
 */
export function adoptionAllowed(olds: unknown, identity: unknown): boolean {
    const hasOlds = !!olds && typeof olds === "object" && Object.keys(olds as object).length > 0;
    const key = typeof identity === "string" && identity !== UNKNOWN ? identity : undefined;
    if (hasOlds) {
        if (key) {
            existing.add(key);
        }
        return false;
    }
    return !(key && existing.has(key));
}

// ------------------------------------------------------- R4: vanished

const declaring = new Set<string>();

/** Check's note (R4): whether the program declares `adopt` for the resource with this identity. */
export function noteAdoptDeclared(identity: unknown, declared: boolean): void {
    const key = typeof identity === "string" && identity !== UNKNOWN ? identity : undefined;
    if (key && declared) {
        declaring.add(key);
    } else if (key) {
        declaring.delete(key);
    }
}

/** True when this process's check saw the program declare `adopt` for this identity. */
export function declaresAdopt(identity: unknown): boolean {
    return typeof identity === "string" && declaring.has(identity);
}

/**
 * The read result for a resource found gone: dropped from state, except one
 * whose program declares `adopt` (the adopted incarnation, or a created one
 * that replaced it), which stays marked vanished (R4) so the next up replaces
 * it instead of adopting again what `adopt` names.
 */
export function goneRead(what: string, id: string, props: Record<string, any> | undefined): { id: string; props: Record<string, any> } {
    if (props && (props[ADOPTED_OUTPUT] === true || props[ADOPT_DECLARED_OUTPUT] === true)) {
        warn(
            `${what} ${id} ${props[ADOPTED_OUTPUT] === true ? "was adopted and" : "(whose program declares adopt)"} no longer exists ` +
                `(deleted outside Pulumi); it stays in state marked vanished, and the next pulumi up creates a new one from the program ` +
                `(without adopting)`,
        );
        return { id, props: { ...props, [VANISHED_OUTPUT]: true } };
    }
    return { id: "", props: {} };
}

/** True when the old outputs say the resource vanished (R4): diff then replaces, deleting first. */
export function isVanished(olds: Record<string, any> | undefined): boolean {
    return !!olds && olds[VANISHED_OUTPUT] === true;
}

/** Outputs of an adoption: marked so that a later read can apply R4. */
export function adoptedOutputs<T extends object>(outs: T): T & { adopted: true } {
    return { ...outs, [ADOPTED_OUTPUT]: true } as T & { adopted: true };
}

/**
 * Applies R4 to a diff: a vanished resource is replaced, deleting first
 * (nothing is left to keep, and a replacement with the same name or key
 * could not be created beside it).
 */
export function withVanished<D extends { changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean; changed?: string[] }>(
    olds: Record<string, any> | undefined,
    d: D,
    field: string,
): D {
    if (!isVanished(olds)) {
        return d;
    }
    const replaces = [...(d.replaces ?? [])];
    if (!replaces.includes(field)) {
        replaces.push(field);
    }
    return { ...d, changes: true, replaces, deleteBeforeReplace: true, changed: [...(d.changed ?? []), VANISHED_OUTPUT] };
}

// ------------------------------------------------ R5: eventual consistency

export function propagationTimeoutMs(): number {
    return envNumber("ACKLESS_PROPAGATION_TIMEOUT_S", 120) * 1000;
}

/**
 * R5: `find` until the resource this process just created is visible. A
 * not-found answer (undefined) is retried with the usual polling cadence up
 * to the propagation timeout (or the caller's deadline, if sooner). Returns
 * the resource, or undefined when it stayed invisible that long.
 */
/** R5: how long a just-created resource may stay invisible to reads (within the operation's own deadline). */
export function propagationDeadline(deadline?: Deadline): Deadline {
    return new Deadline(Math.min(propagationTimeoutMs(), deadline ? deadline.remainingMs() : Infinity));
}

/**
 * R5 through a shared poller (common/batch.ts): waits until reads of `id`
 * show it, up to the propagation timeout; undefined when they never did.
 */
export async function waitVisibleOn<V>(what: string, poller: Poller<V>, id: string, deadline?: Deadline): Promise<V | undefined> {
    try {
        return await poller.wait({
            id,
            step: `${what}: waiting for it to become visible`,
            done: (v) => v !== undefined,
            describe: () => "not found yet",
            deadline: propagationDeadline(deadline),
            progress,
        });
    } catch (err) {
        if (err instanceof DeadlineExceeded) {
            return undefined;
        }
        throw err;
    }
}

export async function waitVisible<T>(what: string, find: () => Promise<T | undefined>, deadline?: Deadline): Promise<T | undefined> {
    const limit = propagationDeadline(deadline);
    try {
        return await waitFor(
            `${what}: waiting for it to become visible`,
            find,
            (v) => v !== undefined,
            () => "not found yet",
            limit,
            { progress },
        );
    } catch (err) {
        if (err instanceof DeadlineExceeded) {
            return undefined;
        }
        throw err;
    }
}
