/**
 * The lifecycle driver: the six provider methods of every AWS kind, written
 * once, with the rules of ./rules.ts (R1-R5) as code. A kind supplies a
 * KindAdapter (./adapter.ts) and gets a provider:
 *
 *   check   adoption once (R3), `adopt` checked and previewed, the kind's validation
 *   create  adoption, or the key walk: takeover of an unfinished create only (R1),
 *           claim (R2), visibility wait (R5), settle, marker cleared
 *   read    gone, vanished (R4), a deleting resource waited for
 *   diff    the kind's, plus R4 (a vanished resource is replaced, deleting first)
 *   update  the kind's, with `adopted` and `incarnation` carried over
 *   delete  in-process guard (R2 claims) and durable guard (incarnation tag), gone = done
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
import { AcklessError } from "../common/errors";
import { progress, warn } from "../common/log";
import { Deadline, DeadlineExceeded } from "../common/wait";
import type { KindAdapter, Obj } from "./adapter";
import { adoptionOf, adoptMissing, checkAdopt, findForAdoption, isNew, logAdoptionPlan, logWillCreate, type Adoption } from "./adopt";
import {
    ADOPTED_OUTPUT,
    adoptionAllowed,
    claim,
    goneRead,
    guardedDelete,
    INCARNATION_OUTPUT,
    INCARNATION_TAG,
    newIncarnation,
    ownedByNewerIncarnation,
    propagationDeadline,
    propagationTimeoutMs,
    VANISHED_OUTPUT,
    waitVisible,
    waitVisibleOn,
    withVanished,
} from "./rules";

/** How many keys (`<base>`, then each step of the walk) a create tries before giving up. */
export const MAX_KEYS = 20;

/** The error code of an adoption refused because AWS reports the resource `failed`. */
export const ADOPT_FAILED = "AdoptFailedResource";

export type Provider = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">>;

/** The region a regional kind's inputs name (check runs before the registry scopes anything to it). */
const regionOf = (inputs: Obj): string | undefined => (typeof inputs?.region === "string" && inputs.region ? inputs.region : undefined);

/**
 * The lifecycle outputs (`adopted`, `incarnation`) of the old state entry on
 * top of `outs`, never undefined (the engine rejects undefined values), and
 * `vanished` never carried.
 */
export function carryOver(olds: Obj | undefined, outs: Obj): Obj {
    return withLifecycle(outs, olds?.[INCARNATION_OUTPUT], olds?.[ADOPTED_OUTPUT] === true);
}

/** `outs` with exactly these lifecycle outputs: the incarnation (when known) and `adopted` (R4), never `vanished`. */
function withLifecycle(outs: Obj, incarnation: unknown, adopted: boolean): Obj {
    const { [ADOPTED_OUTPUT]: _a, [INCARNATION_OUTPUT]: _i, [VANISHED_OUTPUT]: _v, ...rest } = outs;
    return {
        ...rest,
        ...(adopted ? { [ADOPTED_OUTPUT]: true } : {}),
        ...(typeof incarnation === "string" ? { [INCARNATION_OUTPUT]: incarnation } : {}),
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
        failures.push(...plan.failures);
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
            try {
                await a.remove(id, undefined, settled);
            } catch (err) {
                cleaned = `deleting it failed too (${(err as Error).message}); the next pulumi up deletes it and retries`;
            }
            throw new AcklessError(`${what} ${id} failed: ${f.code}: ${f.message}; ${cleaned}`, f.code);
        }
        await a.clearMarker(settled);
        return { id, outs: withLifecycle(a.outputs(inputs, settled, { key }), incarnation, false) };
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
            const answer = await a.createWithKey(inputs, key, { incarnation, pendingCreate: key });
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
            const ours = a.markerOf(holder, inputs) === key;
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
            // R1: an unfinished create of this resource (an interrupted earlier `pulumi up`): take it over.
            progress(
                `${what} ${id} already holds ${a.keyName} ${key} and is marked as an unfinished create of this resource (an interrupted earlier ` +
                    `\`pulumi up\`): taking it over instead of creating a second one`,
            );
            // A takeover keeps the incarnation its first attempt tagged.
            const kept = a.tagsOf(holder)[INCARNATION_TAG] || incarnation;
            claim(a.kind, id, "took over", kept);
            const current = await a.reconcile(inputs, holder, "taking over", kept);
            const done = await finish(inputs, current, key, kept, "took over", deadline);
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
        return { id, outs: withLifecycle(a.outputs(inputs, settled, {}), incarnation, true) };
    }

    return {
        async check(olds: Obj, news: Obj): Promise<pulumi.dynamic.CheckResult> {
            const given: Obj = { ...(news ?? {}) };
            // R3: only a first create adopts; an existing resource, or its replacement, never does.
            const adoptOk = adoptionAllowed(olds, given.__identity);
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
            let observed = await a.find(id, props);
            if (observed !== undefined && a.readWaitsWhileDeleting && a.liveness(observed) === "deleting") {
                progress(`${what} ${id} is deleting; waiting until it is gone`);
                await a.waitGone!(id);
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
            return { outs: carryOver(olds, await a.update(id, olds ?? {}, news as I)) };
        },

        async delete(id: string, props: Obj): Promise<void> {
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
