/**
 * k8s.CustomResourceDeletion: deletes an ACK custom resource whose
 * deletion-policy is retain, so the AWS resource stays where it is.
 *
 * create:
 *   1. verify `services.k8s.aws/deletion-policy: retain` on the object, then
 *      DELETE it with preconditions on its uid and resourceVersion (so it is
 *      deleted exactly as verified: never after someone removed the retain);
 *   2. give a running ACK controller `controllerGraceSeconds` to drop its
 *      finalizer (it does so without touching AWS, because of retain);
 *   3. when the finalizer is still there (no controller running), verify the
 *      retain annotation again and remove the finalizer itself, with a JSON
 *      patch that tests the annotation and the finalizer in the same request,
 *      and say so;
 *   4. wait until the object is gone.
 * A 409/422 in steps 1 and 3 (the object changed under us) is retried after
 * reading and verifying again, with a backoff from 100 ms doubling to 3 s,
 * until the deadline: never a tight loop against the API server.
 * read/delete: nothing to do; the object being gone is the desired state.
 */
import * as pulumi from "@pulumi/pulumi";
import { ACK } from "./ack";
import { CustomResources, KubeError } from "./kube";
import { progress, warn } from "../common/log";
import { Deadline, DeadlineExceeded, pollDefaults, retrying, waitFor } from "../common/wait";
import {
    checkTarget,
    defined,
    clientFor,
    describeTarget,
    findObject,
    isConflict,
    ObjectTarget,
    refOf,
    pointer,
    TARGET_FIELDS,
    targetId,
    targetOf,
} from "./target";

const RETAIN = "retain";

export interface DeletionInputs extends ObjectTarget {
    /** The controller's finalizer, e.g. finalizers.cloudfront.services.k8s.aws/Distribution. */
    finalizer: string;
    /** How long a running controller gets to drop its finalizer (default 30). */
    controllerGraceSeconds?: number;
    /** Deadline for the whole deletion (default 300). */
    timeoutSeconds?: number;
    /** Import entries whose resource must be in the stack with this id before the custom resource goes. */
    importedIds?: { what: string; expected: string; actual?: string }[];
}

export type RemovedBy = "controller" | "ackless" | "nobody";

function pick(inputs: any): DeletionInputs {
    return {
        ...targetOf(inputs),
        finalizer: inputs.finalizer,
        controllerGraceSeconds: inputs.controllerGraceSeconds ?? undefined,
        timeoutSeconds: inputs.timeoutSeconds ?? undefined,
        importedIds: Array.isArray(inputs.importedIds) ? inputs.importedIds : undefined,
    };
}

/** Refuses (throws) unless every imported id is in the stack as import.json names it. */
export function checkImported(t: DeletionInputs): void {
    const missing = (t.importedIds ?? []).filter((i) => !i.actual || i.actual !== i.expected);
    if (missing.length > 0) {
        throw new Error(
            `refusing to delete ${describeTarget(t)}: its AWS resource is not in this stack's state as import.json names it (` +
                missing.map((m) => `${m.what}: expected ${m.expected}, the stack has ${m.actual || "nothing"}`).join("; ") +
                `). Run pulumi import --file import.json (README.md) first; the custom resource stays with ACK until then`,
        );
    }
}

const policyOf = (obj: any) => obj?.metadata?.annotations?.[ACK.deletionPolicy];
const finalizersOf = (obj: any): string[] => obj?.metadata?.finalizers ?? [];

function refuse(t: DeletionInputs, obj: any): Error {
    return new Error(
        `refusing to delete ${describeTarget(t)}: its ${ACK.deletionPolicy} annotation is ${JSON.stringify(policyOf(obj) ?? null)}, not "${RETAIN}", ` +
            `so an ACK controller would delete the AWS resource. Run the hand-over again (it sets the annotation first), or set the annotation to "${RETAIN}" yourself`,
    );
}

/** First wait after a conflict, and the cap the doubling stops at. */
export const CONFLICT_BACKOFF = { delayMs: 100, maxDelayMs: 3000 };

/**
 * Runs `attempt` (read, verify, write) again while it fails with a conflict
 * `retryable` accepts and `deadline` has not passed, waiting longer each time.
 * The last wait can end at most one cap (3 s) after the deadline.
 */
function onConflict<T>(deadline: Deadline, retryable: (err: unknown) => boolean, attempt: () => Promise<T>): Promise<T> {
    return retrying(
        () => attempt(),
        (err) => retryable(err) && !deadline.expired(),
        { maxAttempts: Infinity, deadline, ...CONFLICT_BACKOFF },
    );
}

const isStatus = (err: unknown, status: number) => err instanceof KubeError && err.status === status;

/** Step 1: DELETE the object exactly as verified. Returns the object as it was verified, or undefined when already gone. */
export async function deleteVerified(client: CustomResources, t: DeletionInputs, deadline: Deadline): Promise<any | undefined> {
    // 409: the preconditions failed (changed since we read it): read and verify again.
    return onConflict(
        deadline,
        (err) => isStatus(err, 409),
        async () => {
            const obj = await findObject(client, t);
            if (!obj) {
                return undefined;
            }
            if (policyOf(obj) !== RETAIN) {
                throw refuse(t, obj);
            }
            if (obj.metadata?.deletionTimestamp) {
                return obj; // already being deleted (a previous run), and retained
            }
            try {
                await client.delete(refOf(t), {
                    apiVersion: "v1",
                    kind: "DeleteOptions",
                    propagationPolicy: "Background",
                    preconditions: { uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
                });
            } catch (err) {
                if (isStatus(err, 404)) {
                    return undefined;
                }
                throw err;
            }
            progress(`${describeTarget(t)}: deleted (${ACK.deletionPolicy}: ${RETAIN} verified)`);
            return obj;
        },
    );
}

/** Step 3: remove `finalizer`, in one request that also tests the retain annotation. True when removed. */
export async function removeFinalizerVerified(client: CustomResources, t: DeletionInputs, deadline: Deadline): Promise<boolean> {
    // 409/422: changed under us (a test failed): read and verify again.
    return onConflict(deadline, isConflict, async () => {
        const obj = await findObject(client, t);
        if (!obj) {
            return false;
        }
        const index = finalizersOf(obj).indexOf(t.finalizer);
        if (index < 0) {
            return false;
        }
        if (policyOf(obj) !== RETAIN) {
            throw refuse(t, obj);
        }
        try {
            await client.jsonPatch(refOf(t), [
                { op: "test", path: "/metadata/uid", value: obj.metadata.uid },
                { op: "test", path: `/metadata/annotations/${pointer(ACK.deletionPolicy)}`, value: RETAIN },
                { op: "test", path: `/metadata/finalizers/${index}`, value: t.finalizer },
                { op: "remove", path: `/metadata/finalizers/${index}` },
            ]);
        } catch (err) {
            if (isStatus(err, 404)) {
                return false;
            }
            throw err;
        }
        return true;
    });
}

export async function deleteCustomResource(t: DeletionInputs): Promise<RemovedBy> {
    checkImported(t);
    const client = clientFor(t);
    const deadline = new Deadline((t.timeoutSeconds ?? 300) * 1000);
    const what = describeTarget(t);
    const verified = await deleteVerified(client, t, deadline);
    if (!verified) {
        progress(`${what}: already gone`);
        return "nobody";
    }
    const hadFinalizer = finalizersOf(verified).includes(t.finalizer);
    const graceMs = Math.max(0, (t.controllerGraceSeconds ?? 30) * 1000);
    const polls = { ...pollDefaults(), progress };
    // Step 2: a running controller drops its finalizer (retain: AWS untouched).
    let current: any = await findObject(client, t);
    if (current && hadFinalizer && graceMs > 0) {
        progress(`${what}: waiting up to ${graceMs / 1000} s for the ACK controller to remove its finalizer ${t.finalizer}`);
        try {
            current = await waitFor(
                `${what}: finalizer ${t.finalizer}`,
                () => findObject(client, t),
                (o) => !o || !finalizersOf(o).includes(t.finalizer),
                () => "present",
                new Deadline(Math.min(graceMs, deadline.remainingMs())),
                polls,
            );
        } catch (err) {
            if (!(err instanceof DeadlineExceeded)) {
                throw err; // a failed read (403, network) is not "the controller did not answer"
            }
            current = await findObject(client, t);
        }
    }
    let removedBy: RemovedBy = hadFinalizer ? "controller" : "nobody";
    if (current && finalizersOf(current).includes(t.finalizer)) {
        // Step 3: no controller took it off; do it ourselves, retain verified in the same request.
        if (await removeFinalizerVerified(client, t, deadline)) {
            removedBy = "ackless";
            const msg =
                `${what}: no ACK controller removed its finalizer ${t.finalizer}` +
                (graceMs > 0 ? ` within ${graceMs / 1000} s` : "") +
                `; removed it myself after verifying ${ACK.deletionPolicy}: ${RETAIN} (the AWS resource is untouched)`;
            progress(msg);
        }
    }
    // Step 4: gone (other finalizers are someone else's: wait for them, then say whose).
    try {
        await waitFor(
            `${what}: deletion`,
            () => findObject(client, t),
            (o) => !o,
            (o) => `present with finalizers [${finalizersOf(o).join(", ")}]`,
            deadline,
            polls,
        );
    } catch (err) {
        if (!(err instanceof DeadlineExceeded)) {
            throw err;
        }
        const o = await findObject(client, t);
        throw new Error(
            `${what} is still there after deletion: finalizers [${finalizersOf(o).join(", ")}] are not ACK's; ` +
                `whatever owns them must finish (or remove them), then run pulumi up again (${(err as Error).message})`,
        );
    }
    return removedBy;
}

export const provider: Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> = {
    async check(_olds: any, news: any) {
        const failures = checkTarget(news);
        if (typeof news.finalizer !== "string" || news.finalizer === "") {
            failures.push({
                property: "finalizer",
                reason: "finalizer is required: the ACK controller's finalizer, finalizers.<service>.services.k8s.aws/<Kind>",
            });
        }
        for (const f of ["controllerGraceSeconds", "timeoutSeconds"]) {
            const v = news[f];
            if (v !== undefined && v !== null && (typeof v !== "number" || !(v >= 0))) {
                failures.push({ property: f, reason: `${f} must be a number of seconds, 0 or more` });
            }
        }
        return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async diff(_id: string, olds: any, news: any) {
        const replaces = TARGET_FIELDS.filter((f) => (olds[f] ?? "") !== (news[f] ?? ""));
        const changes: string[] = [...replaces];
        for (const f of ["kubeconfig", "context", "finalizer", "controllerGraceSeconds", "timeoutSeconds"]) {
            if ((olds[f] ?? null) !== (news[f] ?? null)) {
                changes.push(f);
            }
        }
        if (JSON.stringify(olds.importedIds ?? null) !== JSON.stringify(news.importedIds ?? null)) {
            changes.push("importedIds");
        }
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: any) {
        const t = pick(inputs);
        const removedBy = await deleteCustomResource(t);
        return { id: targetId(t), outs: defined({ ...t, deleted: true, finalizerRemovedBy: removedBy }) };
    },

    async read(id: string, props: any) {
        return { id, props };
    },

    async update(_id: string, olds: any, news: any) {
        return { outs: defined({ ...pick(news), deleted: true, finalizerRemovedBy: olds.finalizerRemovedBy ?? "nobody" }) };
    },

    async delete(_id: string, props: any) {
        const t = pick(props);
        if (await findObject(clientFor(t), t).catch(() => undefined)) {
            warn(`${describeTarget(t)} exists again; leaving it alone`);
        }
    },
};
