/**
 * The lifecycle driver: the six provider methods of every AWS kind, written
 * once, with the rules of ./rules.ts (R1-R5) as code. A kind supplies a
 * KindAdapter (./adapter.ts) and gets a provider:
 *
 *   check   adoption once (R3), `adopt` checked and previewed, the kind's validation
 *   create  adoption, or the key walk: takeover only of a create the engine never
 *           recorded (R1), claim (R2), visibility wait (R5), settle; the marker
 *           stays until the engine has recorded it (below)
 *   read    gone, vanished (R4), a deleting resource waited for
 *   diff    the kind's, plus R4 (a vanished resource is replaced, deleting first)
 *   update  the kind's, with `adopted` and `incarnation` carried over
 *   delete  in-process guard (R2 claims) and durable guard (incarnation tag), gone = done
 *
 * When a create's marker comes off (R1). A create tags its resource
 * `ackless:pending-create` before AWS makes it, and a later create with the
 * same key takes over a resource carrying that marker. The marker must stay
 * on until Pulumi holds the resource in its state, not merely until the create
 * finished: a `pulumi up` killed after the create returned but before the
 * engine saved the result leaves a resource no state names, and a create that
 * cleared its own marker left it looking completed, so the next up walked past
 * it and made a second one (the soak's orphan-after-killed-create). So:
 *
 * - The program of a real run sends a run nonce (`__run`, common/identity.ts);
 *   check notes it and drops it from the inputs (no diff). A create that
 *   knows the run keeps the marker and sets the output `unrecorded` to it.
 * - The engine saves a step's result in the state before it answers the
 *   program's registration (pulumi/pulumi pkg/resource/deploy/step_executor.go:
 *   "OnResourceStepPost saved the results of the step in the snapshot" before
 *   `stepComplete`). So when the program sees `unrecorded` equal to its own
 *   run, the resource is recorded: the class's confirmWhenRecorded
 *   (delegate.ts) calls `confirm`, which removes the marker. A preview sends no
 *   nonce and confirms nothing: check, diff and read never write.
 * - Whatever the engine hands this process with a state entry (diff, read,
 *   update, delete) is recorded (rules.noteRecorded), with the entry's
 *   incarnation. A create never takes over such a holder: it removes its stale
 *   marker and walks on. An update removes a marker its program never got to
 *   remove. Where ids are names, the holder at an entry's id may be a newer,
 *   unrecorded create (another incarnation, still marked) made after the
 *   entry's resource was deleted: read reports the entry gone, and a create
 *   takes that holder over (rules.newerUnfinishedCreate).
 * - Without a nonce (a caller of the provider methods alone, an older
 *   program), create removes the marker itself, as it always did.
 *
 * Why no resource in state is taken over: a holder the engine recorded in an
 * earlier run lost its marker when that run's program saw it, before the run
 * ended. In this run, a replacement's original (create before delete) was
 * diffed first (a program change) or is unmarked (a targeted replace, `up
 * --replace` or `state taint`, whose create sees no diff): so is the original
 * of a public NAT gateway's delete-first replace (`exclusiveWith` is asked
 * only about unmarked holders). A resource kept by `retainOnDelete` or
 * dropped by `pulumi state delete` was recorded before, so it is unmarked
 * too. Preview creates nothing. What remains is one window: the engine saved
 * the create and the run died before its program removed the marker (a kill
 * between two local steps, milliseconds). If the very next command then
 * replaces that resource by target before anything updates it, or it is
 * retained and declared again, its create takes it over: a takeover is always
 * a new incarnation, so the engine's delete of the old entry leaves it alone
 * (R2): the resource is kept, never deleted, orphaned or duplicated, and the
 * replacement did not happen (run `up --replace` again).
 *
 * One timeout policy per rule:
 * - R5, a new resource that never shows in reads: create fails naming the
 *   key; it stays marked as unfinished, so the next `pulumi up` takes it over;
 * - the wait for ready: `readyTimeout` says whether the resource serves while
 *   it converges (warn and finish) or not (fail; the next up takes it over);
 * - any other failure after the resource exists: it stays marked, and the
 *   error says the next `pulumi up` takes it over. Only a resource AWS
 *   reports `failed` (it can never serve) is deleted by the create that made it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { withRegion } from "../common/clients";
import { AcklessError, goneOnUpdate, GoneOnUpdateError } from "../common/errors";
import { progress, warn } from "../common/log";
import { Deadline, DeadlineExceeded, waitFor } from "../common/wait";
import type { CreateAnswer, KindAdapter, Obj } from "./adapter";
import {
    ADOPT_RECHECK_HINT,
    adoptionOf,
    adoptMissing,
    checkAdopt,
    findForAdoption,
    hasAdopt,
    isNew,
    logAdoptionPlan,
    logWillCreate,
    type Adoption,
} from "./adopt";
import {
    ADOPT_DECLARED_OUTPUT,
    ADOPTED_OUTPUT,
    adoptionAllowed,
    claim,
    currentRun,
    declaresAdopt,
    goneRead,
    guardedDelete,
    INCARNATION_OUTPUT,
    INCARNATION_TAG,
    isRecorded,
    newIncarnation,
    noteAdoptDeclared,
    noteRecorded,
    noteRun,
    newerUnfinishedCreate,
    ownedByNewerIncarnation,
    PENDING_CREATE_TAG,
    propagationDeadline,
    propagationTimeoutMs,
    UNRECORDED_OUTPUT,
    VANISHED_OUTPUT,
    waitVisible,
    waitVisibleOn,
    withVanished,
} from "./rules";

/** How many keys (`<base>`, then each step of the walk) a create tries before giving up. */
export const MAX_KEYS = 20;

/** The error code of an adoption refused because AWS reports the resource `failed`. */
export const ADOPT_FAILED = "AdoptFailedResource";

export type Provider = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> & {
    /**
     * Not a Pulumi method: called by the program (delegate.ts) once the engine
     * has recorded a create that kept its marker (R1): removes the marker.
     */
    confirm(id: string, props: Obj): Promise<void>;
};

/** The region a regional kind's inputs name (check runs before the registry scopes anything to it). */
const regionOf = (inputs: Obj): string | undefined => (typeof inputs?.region === "string" && inputs.region ? inputs.region : undefined);

/**
 * The lifecycle outputs (`adopted`, `adoptDeclared`, `incarnation`,
 * `unrecorded`) of the old state entry on top of `outs`, never undefined (the
 * engine rejects undefined values), and `vanished` never carried.
 */
export function carryOver(olds: Obj | undefined, outs: Obj): Obj {
    return withLifecycle(outs, {
        incarnation: olds?.[INCARNATION_OUTPUT],
        adopted: olds?.[ADOPTED_OUTPUT] === true,
        adoptDeclared: olds?.[ADOPT_DECLARED_OUTPUT] === true,
        unrecorded: olds?.[UNRECORDED_OUTPUT],
    });
}

interface Lifecycle {
    incarnation?: unknown;
    /** R4: this incarnation was adopted. */
    adopted?: boolean;
    /** R4: the program declares `adopt` (whichever incarnation this is). */
    adoptDeclared?: boolean;
    /** R1: the run whose program confirms this create once the engine recorded it. */
    unrecorded?: unknown;
}

/** `outs` with exactly these lifecycle outputs, each only when set; never `vanished`. */
function withLifecycle(outs: Obj, l: Lifecycle): Obj {
    const {
        [ADOPTED_OUTPUT]: _a,
        [ADOPT_DECLARED_OUTPUT]: _d,
        [INCARNATION_OUTPUT]: _i,
        [VANISHED_OUTPUT]: _v,
        [UNRECORDED_OUTPUT]: _u,
        ...rest
    } = outs;
    return {
        ...rest,
        ...(l.adopted ? { [ADOPTED_OUTPUT]: true } : {}),
        ...(l.adoptDeclared ? { [ADOPT_DECLARED_OUTPUT]: true } : {}),
        ...(typeof l.incarnation === "string" ? { [INCARNATION_OUTPUT]: l.incarnation } : {}),
        ...(typeof l.unrecorded === "string" && l.unrecorded ? { [UNRECORDED_OUTPUT]: l.unrecorded } : {}),
    };
}

export function lifecycleProvider<I extends Obj, L>(a: KindAdapter<I, L>): Provider {
    const what = a.what;

    /** A resource that may be adopted: undefined when missing or being deleted; throws for a failed one. */
    async function adoptable(id: string): Promise<L | undefined> {
        const observed = await a.find(id);
        if (!observed || a.liveness(observed) === "deleting") {
            return undefined;
        }
        if (a.liveness(observed) === "failed") {
            const f = a.failure?.(observed);
            throw new AcklessError(
                `adopt: ${what} ${id} is failed (${f ? `${f.code}: ${f.message}` : "AWS reports it failed"}); a failed ${what} cannot be ` +
                    `adopted: delete it, or remove adopt to create a new one`,
                ADOPT_FAILED,
            );
        }
        return observed;
    }

    async function previewAdoption(inputs: I, adoption: Adoption, failures: pulumi.dynamic.CheckFailure[]): Promise<void> {
        const found = await findForAdoption(
            what,
            adoption.id,
            adoption.mode,
            failures,
            () => adoptable(adoption.id),
            (err) => err instanceof AcklessError && err.awsCode === ADOPT_FAILED,
        );
        if (found === undefined) {
            return;
        }
        const plan = a.planAdoption(inputs, found);
        // A refused adoption of a resource ackless already manages is, most likely, the engine's re-check of a targeted
        // replacement of this very resource (R3 cannot tell it from a first create): name that case and its fix.
        const managed = a.tagsOf(found)[INCARNATION_TAG] !== undefined;
        failures.push(
            ...plan.failures.map((f) =>
                managed ? { ...f, reason: `${f.reason}. ${what} ${adoption.id} already carries ${INCARNATION_TAG}. ${ADOPT_RECHECK_HINT}` } : f,
            ),
        );
        if (plan.failures.length === 0) {
            logAdoptionPlan(what, adoption.id, plan.changes);
        }
    }

    /**
     * Waits for the resource this create made, or took over, or adopted, to be
     * ready, applying the timeout policy. Undefined when it went away meanwhile.
     */
    async function settle(inputs: I, observed: L, deadline: Deadline, how: string): Promise<L | undefined> {
        const id = a.idOf(observed);
        try {
            return await a.settle(inputs, observed, deadline);
        } catch (err) {
            if (!(err instanceof DeadlineExceeded)) {
                throw err;
            }
            if (a.readyTimeout === "warn") {
                warn(`${what} ${id} was ${how}, but it is not ready yet: ${err.message}; it keeps converging on AWS`);
                return (await a.find(id)) ?? observed;
            }
            throw new AcklessError(
                `${what} ${id} was ${how} but is not ready after ${Math.round(deadline.timeoutMs / 1000)} s (${err.message}); ` +
                    `run pulumi up again to keep waiting: it is marked as an unfinished create of this resource, so the same ${a.keyName} finds ` +
                    `it and no second one is made`,
                "DeadlineExceeded",
                err,
            );
        }
    }

    /** R5 and the rest of a create that made or took over `observed` with `key`. Undefined: it went away (the key is used up). */
    async function finish(inputs: I, observed: L, key: string, incarnation: string, how: "created" | "took over", deadline: Deadline) {
        const id = a.idOf(observed);
        if (how === "created") {
            const label = `${what} ${id}`;
            // R5 has its own budget: a short ready deadline (deployTimeoutMinutes) never cuts it short.
            const limit = propagationDeadline();
            const visible = a.visibility ? await waitVisibleOn(label, a.visibility(), id, limit) : await waitVisible(label, () => a.find(id), limit);
            if (visible === undefined) {
                throw new AcklessError(
                    `${what} ${id} was created (${a.keyName} ${key}) but reading it still does not show it after ${Math.round(limit.timeoutMs / 1000)} s ` +
                        `(ACKLESS_PROPAGATION_TIMEOUT_S, default ${Math.round(propagationTimeoutMs() / 1000)} s); run pulumi up again: the same ` +
                        `${a.keyName} finds this ${what}, and no second one is made`,
                    "NotVisibleAfterCreate",
                );
            }
        }
        let settled: L | undefined;
        try {
            settled = await settle(inputs, observed, deadline, how === "created" ? "created" : "taken over");
        } catch (err) {
            if (err instanceof AcklessError && err.awsCode === "DeadlineExceeded") {
                throw err;
            }
            const e = err as Error & { awsCode?: string };
            throw new AcklessError(
                `${e.message} (${what} ${id} stays marked as an unfinished create of this resource: the next pulumi up takes it over)`,
                e.awsCode,
                err,
            );
        }
        if (settled === undefined) {
            progress(`${what} ${id} (${a.keyName} ${key}) is gone; trying the next key`);
            return undefined;
        }
        if (a.liveness(settled) === "failed") {
            const f = a.failure?.(settled) ?? { code: "ResourceFailed", message: "AWS reports it failed" };
            progress(`${what} ${id} failed (${f.code}: ${f.message}); deleting it`);
            let cleaned = "it was deleted so the next pulumi up can retry";
            let removed = true;
            try {
                await a.remove(id, undefined, settled);
            } catch (err) {
                removed = false;
                cleaned = `deleting it failed too (${(err as Error).message}); the next pulumi up deletes it and retries`;
            }
            if (how === "created" && removed && (await madeRoomForReplacement(inputs, id))) {
                progress(`${what} ${id} was deleted; trying the next ${a.keyName}`);
                return undefined;
            }
            throw new AcklessError(`${what} ${id} failed: ${f.code}: ${f.message}; ${cleaned}`, f.code);
        }
        // R1: the marker stays until the engine has recorded this resource, when the program confirms it
        // (delete.ts, confirmWhenRecorded); without a program to confirm it (no run nonce), create clears it.
        const run = currentRun();
        if (run === undefined) {
            await a.clearMarker(settled);
        }
        const outs = a.outputs(inputs, settled, { key });
        return { id, outs: withLifecycle(outs, { incarnation, adoptDeclared: declaresAdopt(inputs.__identity), unrecorded: run }) };
    }

    /**
     * R1, a kind whose keys are freed on delete (adapter.keyFreedOnDelete): `key` is used but its holder does not
     * show. Retries the create with that key (made when the name is free by now) until it is made or the holder
     * shows, within the visibility budget (R5); never walks past it.
     */
    async function untilHolderShows(inputs: I, key: string, incarnation: string): Promise<CreateAnswer<L>> {
        progress(
            `${what}: ${a.keyName} ${key} is taken, but its holder does not show in reads yet (most likely an earlier attempt of this ` +
                `create whose answer was lost): waiting for it rather than making a second one`,
        );
        const limit = propagationDeadline();
        try {
            return await waitFor(
                `${what} ${key}: waiting for the holder of the ${a.keyName} to show`,
                () => a.createWithKey(inputs, key, { incarnation, pendingCreate: key }),
                (answer) => "made" in answer || answer.heldBy !== undefined,
                () => "taken, and its holder not found",
                limit,
                { progress },
            );
        } catch (err) {
            if (!(err instanceof DeadlineExceeded)) {
                throw err;
            }
            throw new AcklessError(
                `creating ${what}: the ${a.keyName} ${key} is taken, but reading it still shows nothing after ${Math.round(limit.timeoutMs / 1000)} s ` +
                    `(ACKLESS_PROPAGATION_TIMEOUT_S, default ${Math.round(propagationTimeoutMs() / 1000)} s); nothing else was created. Run pulumi ` +
                    `up again: a holder that is an unfinished create of this resource is then taken over`,
                "KeyHolderNotVisible",
                err,
            );
        }
    }

    /**
     * A resource this create made failed: was it because a completed, live resource made for this same resource holds
     * what it needs (adapter.originalHolding), the original of a targeted replace that the key walk could not find
     * (renamed, or other creation fields)? Then that original is deleted, as the walk's exclusiveWith does, and the
     * walk goes on (true). The engine deletes the original right after this create anyway.
     */
    async function madeRoomForReplacement(inputs: I, failedId: string): Promise<boolean> {
        const found = await a.originalHolding?.(inputs);
        if (!found || a.idOf(found.original) === failedId) {
            return false;
        }
        if (a.liveness(found.original, inputs) !== "live" || a.markerOf(found.original, inputs) !== undefined) {
            return false;
        }
        const id = a.idOf(found.original);
        progress(
            `${what} ${id} was made for this resource (under another name, or with other creation fields) and holds ${found.held}, ` +
                `which the new ${what} needs: it is the one this resource replaces, deleting it first; there is no ${what} for this ` +
                `resource until the new one is ready (a brief outage)`,
        );
        await a.remove(id, undefined, found.original);
        progress(`${what} ${id} deleted to make room for its replacement`);
        return true;
    }

    /** R1: the key walk. */
    async function createNew(inputs: I): Promise<pulumi.dynamic.CreateResult> {
        const { base, walk } = a.createKey(inputs);
        const deadline = a.createDeadline(inputs);
        const incarnation = newIncarnation();
        const steps = walk ? MAX_KEYS : 1;
        for (let n = 0; n < steps; n++) {
            const key = a.nthKey(base, n);
            const next = () => (walk && n + 1 < steps ? `; trying ${a.nthKey(base, n + 1)}` : "");
            let answer = await a.createWithKey(inputs, key, { incarnation, pendingCreate: key });
            if (!("made" in answer) && answer.heldBy === undefined && a.keyFreedOnDelete) {
                answer = await untilHolderShows(inputs, key, incarnation);
            }
            if ("made" in answer) {
                const id = a.idOf(answer.made);
                claim(a.kind, id, "created", incarnation);
                progress(`${what} ${id} created (${a.keyName} ${key})`);
                const done = await finish(inputs, answer.made, key, incarnation, "created", deadline);
                if (done) {
                    return done;
                }
                continue;
            }
            const holder = answer.heldBy;
            if (holder === undefined) {
                if (!walk) {
                    throw a.keyTaken(key, undefined);
                }
                progress(`${what}: ${a.keyName} ${key} belongs to one already deleted${next()}`);
                continue;
            }
            const id = a.idOf(holder);
            const liveness = a.liveness(holder, inputs);
            let marker = a.markerOf(holder, inputs);
            if (marker !== undefined && isRecorded(a.kind, id, a.tagsOf(holder)[INCARNATION_TAG])) {
                // R1: the engine showed this process its state entry, so Pulumi holds it; only its marker was left
                // (a run that died before its program confirmed the create). It is a completed one.
                progress(`${what} ${id} (${a.keyName} ${key}) is in the stack's state but still marked as a create: removing the marker`);
                await a.clearMarker(holder);
                marker = undefined;
            }
            const ours = marker === key;
            if (liveness === "failed") {
                // An earlier attempt's failed resource is ours to clean up; it can never serve.
                if (ours) {
                    progress(`${what} ${id} (${a.keyName} ${key}) is an earlier attempt's, and failed; deleting it`);
                    await a.remove(id, undefined, holder);
                }
                if (!walk) {
                    throw a.keyTaken(key, holder);
                }
                progress(`${what} ${id} (${a.keyName} ${key}) failed${next()}`);
                continue;
            }
            const held = walk && liveness === "live" && marker === undefined ? a.exclusiveWith?.(inputs, holder) : undefined;
            if (held !== undefined) {
                // A targeted replace of a resource that keeps something only one can hold: the new one could never
                // serve beside the original, and the engine deletes the original right after this create anyway.
                progress(
                    `${what} ${id} (${a.keyName} ${key}) is the one this resource replaces, and it holds ${held}, which the new ${what} ` +
                        `needs: deleting it first; there is no ${what} for this resource until the new one is ready (a brief outage)`,
                );
                await a.remove(id, undefined, holder);
                progress(`${what} ${id} deleted to make room for its replacement${next()}`);
                continue;
            }
            if (liveness === "deleting" || !ours) {
                if (!walk) {
                    throw a.keyTaken(key, holder);
                }
                progress(
                    liveness === "deleting"
                        ? `${what} ${id} (${a.keyName} ${key}) is being deleted${next()}`
                        : `${what} ${id} (${a.keyName} ${key}) is a completed one (the one this resource replaces, or another stack's with the same ` +
                              `names), which is never taken over${next()}`,
                );
                continue;
            }
            // R1: a create of this resource the engine never recorded (an interrupted earlier `pulumi up`, killed
            // before or after the create finished): take it over.
            progress(
                `${what} ${id} already holds ${a.keyName} ${key} and is marked as a create of this resource that Pulumi never recorded (an ` +
                    `interrupted earlier \`pulumi up\`): taking it over instead of creating a second one`,
            );
            // A takeover is a new incarnation: an older state entry naming this id (which this process cannot see) never deletes it (R2).
            claim(a.kind, id, "took over", incarnation);
            const current = await a.reconcile(inputs, holder, "taking over", incarnation);
            const done = await finish(inputs, current, key, incarnation, "took over", deadline);
            if (done) {
                return done;
            }
        }
        throw new AcklessError(
            `creating ${what}: the ${steps} ${a.keyName}s of this resource (${base}${steps > 1 ? `, ${a.nthKey(base, 1)}, ...` : ""}) all name other ` +
                `resources (deleted, failed, or completed ones, which are never taken over); rename the resource, or wait for AWS to forget ` +
                `the deleted ones`,
            "KeysExhausted",
        );
    }

    async function adoptExisting(inputs: I, found: L): Promise<pulumi.dynamic.CreateResult> {
        const id = a.idOf(found);
        const incarnation = newIncarnation();
        progress(`${what} ${id}: adopting`);
        const current = await a.reconcile(inputs, found, "adopting", incarnation);
        const settled = await settle(inputs, current, a.createDeadline(inputs), "adopted");
        if (settled === undefined) {
            throw new AcklessError(`adopting ${what} ${id}: it disappeared while being adopted`, "AdoptTargetNotFound");
        }
        progress(`${what} ${id}: adopted`);
        claim(a.kind, id, "adopted", incarnation);
        return { id, outs: withLifecycle(a.outputs(inputs, settled, {}), { incarnation, adopted: true, adoptDeclared: true }) };
    }

    /**
     * An update that failed on a resource deleted outside Pulumi since the last refresh (whichever call of the kind's
     * update met it) says so in every kind's words, with the fix (a refresh recreates it), not as AWS's raw 404.
     * Anything else, or a resource still there (or not readable now), keeps its own error.
     */
    async function goneOrAsIs(id: string, olds: Obj | undefined, err: unknown): Promise<unknown> {
        if (err instanceof GoneOnUpdateError) {
            return err;
        }
        let observed: L | undefined;
        try {
            observed = await a.find(id, olds);
        } catch {
            return err;
        }
        if (observed !== undefined && a.liveness(observed) !== "deleting") {
            return err;
        }
        const code = (err as { awsCode?: string }).awsCode ?? (err as { name?: string }).name ?? "NotFound";
        return goneOnUpdate(`${what} ${id}`, code);
    }

    /** R1: the engine recorded `id`: remove the create marker it still carries, if any. */
    async function confirm(id: string, props: Obj): Promise<void> {
        const observed = await a.find(id, props);
        if (observed !== undefined && a.tagsOf(observed)[PENDING_CREATE_TAG] !== undefined) {
            await a.clearMarker(observed);
        }
    }

    return {
        async check(olds: Obj, news: Obj): Promise<pulumi.dynamic.CheckResult> {
            const given: Obj = { ...(news ?? {}) };
            // R1: the program's run nonce, never an input (a new one every run would be a diff every time).
            noteRun(given.__run);
            delete given.__run;
            // R3: only a first create adopts; an existing resource, or its replacement, never does.
            const adoptOk = adoptionAllowed(olds, given.__identity);
            // R4: a resource whose program declares adopt is kept (vanished) when found gone, whichever incarnation it is.
            noteAdoptDeclared(given.__identity, hasAdopt(given.adopt));
            const adopt = checkAdopt(given.adopt, a.adoptId.what, a.adoptId.pattern);
            if (!adoptOk) {
                delete given.adopt;
            }
            const { inputs, failures } = await a.validate(given, olds, {
                creating: isNew(olds),
                adoption: adoptOk ? adopt.adoption : undefined,
                adoptionUnknown: adoptOk && adopt.unknown,
            });
            failures.push(...adopt.failures);
            if (!adoptOk) {
                delete (inputs as Obj).adopt;
            } else if (failures.length === 0 && adopt.adoption) {
                await withRegion(regionOf(inputs), () => previewAdoption(inputs, adopt.adoption!, failures));
            }
            return { inputs, failures };
        },

        async diff(id: string, olds: Obj, news: Obj): Promise<pulumi.dynamic.DiffResult> {
            noteRecorded(a.kind, id, olds?.[INCARNATION_OUTPUT]);
            return withVanished(olds, await a.diff(id, olds ?? {}, news ?? {}), a.replaceField);
        },

        async create(inputs: Obj): Promise<pulumi.dynamic.CreateResult> {
            const adoption = adoptionOf(inputs);
            if (adoption) {
                const found = await adoptable(adoption.id);
                if (found !== undefined) {
                    return adoptExisting(inputs as I, found);
                }
                if (adoption.mode === "adopt") {
                    throw adoptMissing(what, adoption.id);
                }
                logWillCreate(what, adoption.id);
            }
            return createNew(inputs as I);
        },

        async read(id: string, props: Obj): Promise<pulumi.dynamic.ReadResult> {
            noteRecorded(a.kind, id, props?.[INCARNATION_OUTPUT]);
            let observed = await a.find(id, props);
            if (observed !== undefined && a.readWaitsWhileDeleting && a.liveness(observed) === "deleting") {
                progress(`${what} ${id} is deleting; waiting until it is gone`);
                await a.waitGone!(id);
                observed = undefined;
            }
            if (observed !== undefined && newerUnfinishedCreate(props, a.tagsOf(observed))) {
                progress(
                    `${what} ${id}: what holds this id now is a newer create that no run has recorded yet (incarnation ` +
                        `${a.tagsOf(observed)[INCARNATION_TAG]}, not this entry's ${props[INCARNATION_OUTPUT]}): this entry's own resource is gone, ` +
                        `and the next pulumi up takes the new one over`,
                );
                observed = undefined;
            }
            if (observed === undefined) {
                return goneRead(what, id, props);
            }
            const outs = carryOver(props, a.outputs(props ?? {}, observed, {}));
            a.readNotes?.(id, props, outs, observed);
            return { id, props: outs };
        },

        async update(id: string, olds: Obj, news: Obj): Promise<pulumi.dynamic.UpdateResult> {
            noteRecorded(a.kind, id, olds?.[INCARNATION_OUTPUT]);
            let outs: Obj;
            try {
                outs = await a.update(id, olds ?? {}, news as I);
            } catch (err) {
                throw await goneOrAsIs(id, olds, err);
            }
            if (typeof olds?.[UNRECORDED_OUTPUT] === "string") {
                // An update is of a recorded resource: a marker its program never got to remove goes now.
                await confirm(id, olds);
            }
            return {
                outs: withLifecycle(outs, {
                    incarnation: olds?.[INCARNATION_OUTPUT],
                    adopted: olds?.[ADOPTED_OUTPUT] === true,
                    adoptDeclared: olds?.[ADOPT_DECLARED_OUTPUT] === true || declaresAdopt((news as Obj)?.__identity),
                }),
            };
        },

        confirm,

        async delete(id: string, props: Obj): Promise<void> {
            noteRecorded(a.kind, id);
            await guardedDelete(a.kind, what, id, props, async () => {
                let observed: L | undefined;
                if (typeof props?.[INCARNATION_OUTPUT] === "string") {
                    // R2, durable half: never delete what a newer incarnation owns.
                    let tags;
                    if (a.liveTags) {
                        tags = await a.liveTags(id, props);
                    } else {
                        observed = await a.find(id, props);
                        tags = observed === undefined ? undefined : a.tagsOf(observed);
                    }
                    if (tags === undefined) {
                        progress(`${what} ${id} is already gone`);
                        return;
                    }
                    if (ownedByNewerIncarnation(what, id, props, tags)) {
                        return;
                    }
                }
                await a.remove(id, props, observed);
            });
        },
    };
}
