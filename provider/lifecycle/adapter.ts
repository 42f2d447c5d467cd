/**
 * What a resource kind gives the lifecycle driver (./driver.ts): a small,
 * fixed set of functions about its own AWS resource. The driver owns every
 * rule (rules.ts, R1-R5): the key walk and takeover of create, claims and the
 * delete guards, adoption once, vanished resources, visibility waits and the
 * timeout policy. A kind only answers questions ("what is this resource's
 * state", "create it with this key") and carries out its own AWS calls.
 *
 * Modelled on the ACK runtime, where one reconciler drives every resource
 * manager through `ReadOne / Create / Update / Delete` and per-resource hooks.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Poller } from "../common/batch";
import type { Obj } from "../common/diff";
import type { Tags } from "../common/tags";
import type { Deadline } from "../common/wait";
import type { Adoption } from "./adopt";

export type { Obj };

/**
 * What AWS says about a resource, as far as the rules care:
 * - `live`: exists and can be (or become) usable;
 * - `deleting`: AWS is removing it (NAT `deleting`, a distribution disabled
 *   while the program wants it enabled); a create never takes it over and a
 *   read waits until it is gone when the kind says `readWaitsWhileDeleting`;
 * - `failed`: it exists but can never serve (NAT `failed`); it is never
 *   adopted, and a create that made one deletes it and reports why.
 */
export type Liveness = "live" | "deleting" | "failed";

/** The answer of one create call with one idempotency key. */
export type CreateAnswer<L> =
    /** This call made a new resource. */
    | { made: L }
    /**
     * The key already names a resource (an earlier attempt's, a completed one,
     * or one being deleted): `holder` as read now, undefined when it is gone.
     */
    | { heldBy: L | undefined };

/** The idempotency key a resource is created with. */
export interface CreateKey {
    /** The base key: ClientToken, CallerReference, or name. */
    base: string;
    /**
     * Whether create may walk past a used key (`<base>`, then the next step):
     * true for a key ackless derived, false for one the program declared,
     * which is used as is (a used one fails with `keyTaken`).
     */
    walk: boolean;
}

/** The tags every create sends (lifecycle R1 and R2), besides the user's. */
export interface LifecycleTags {
    /** `ackless:incarnation`: names this incarnation (durable half of R2). */
    incarnation: string;
    /** `ackless:pending-create`: the key, until the create is done (R1). */
    pendingCreate: string;
}

/** What validate() is told about the resource being checked. */
export interface CheckContext {
    /** No old inputs: a create (or the re-check of a targeted replacement). */
    creating: boolean;
    /** The adoption that applies (R3: only a first create adopts), fully known. */
    adoption?: Adoption;
    /** An adoption applies but its value is not known yet (preview). */
    adoptionUnknown: boolean;
}

/** What outputs() is told about the resource. */
export interface OutputsContext {
    /** The key it was created with (create and takeover only). */
    key?: string;
}

/**
 * One resource kind. `I`: its checked inputs; `L`: the resource as one read
 * observes it (the "observed" value every function below takes).
 */
export interface KindAdapter<I extends Obj, L> {
    /** The kind's claim key (`ec2:NatGateway`), unique among kinds. */
    readonly kind: string;
    /** How messages name the resource: `NAT gateway`, `CloudFront function`. */
    readonly what: string;
    /** What the idempotency key is called in AWS's API: `ClientToken`, `CallerReference`, `name`. */
    readonly keyName: string;
    /** How `adopt.id` is described and checked: `a NAT gateway id (nat-...)`. */
    readonly adoptId: { what: string; pattern?: RegExp };
    /** The diff field whose replacement a vanished resource (R4) reports. */
    readonly replaceField: string;
    /**
     * When create's wait for the resource to be ready runs out: `warn` when
     * the resource already serves while it converges (a distribution
     * InProgress), `fail` when it does not (a NAT gateway still pending).
     */
    readonly readyTimeout: "warn" | "fail";
    /** Whether a read that finds the resource `deleting` waits until it is gone. */
    readonly readWaitsWhileDeleting: boolean;

    // ------------------------------------------------------------- check

    /**
     * All check-time validation of the kind (its validate.ts): the inputs with
     * defaults filled in, and one failure per problem, naming the field's path
     * and the fix. The driver has checked `adopt` already; `adopt` stays in the
     * inputs only when ctx.adoption applies.
     */
    validate(news: Obj, olds: Obj | undefined, ctx: CheckContext): Promise<{ inputs: I; failures: pulumi.dynamic.CheckFailure[] }>;

    /**
     * The check-time look at a resource to adopt (read-only): failures for
     * fields that cannot change in place, and the changes adopting it makes,
     * in words, for the preview. It may record in `inputs` what the read
     * made known (a function's ARN), so dependents see it at preview.
     */
    planAdoption(inputs: I, observed: L): { failures: pulumi.dynamic.CheckFailure[]; changes: string[] };

    // ------------------------------------------------------------ create

    /** The idempotency key of create (derived in check, or declared). */
    createKey(inputs: I): CreateKey;
    /** The n-th key of the walk (n = 0: the base). */
    nthKey(base: string, n: number): string;
    /**
     * One create call with `key`, sending the lifecycle tags with the user's.
     * A key already used answers `heldBy` (the holder read now, or undefined);
     * any other AWS error is thrown, described.
     */
    createWithKey(inputs: I, key: string, tags: LifecycleTags): Promise<CreateAnswer<L>>;
    /**
     * Whether a key is free again as soon as its holder is deleted (a name:
     * functions, key value stores). Then a used key whose holder cannot be
     * read is never a deleted one's: it is one AWS does not show yet, most
     * likely this very create's, whose answer was lost and whose retry was
     * refused. The create retries that key until it is made or its holder
     * shows (then the holder rules apply), instead of walking past it and
     * leaving the holder unrecorded. Without it, an unreadable holder is a
     * deleted one's and the walk goes on.
     */
    readonly keyFreedOnDelete?: boolean;
    /**
     * What `original` holds that the resource these inputs make needs for
     * itself (an Elastic IP, a fixed private IP), in words; undefined when both
     * can exist at once. `original` is a completed, live holder of one of this
     * resource's derived keys: the same identity and the same creation fields,
     * so an older incarnation of this very resource, which a targeted replace
     * (`up --replace`, `state taint`) creates beside before the engine deletes
     * it. When it answers, the create deletes the original first (a brief
     * outage, named in the progress output) instead of making a resource that
     * could never serve.
     */
    exclusiveWith?(inputs: I, original: L): string | undefined;
    /**
     * A live resource made for this same resource (the owner tag names its
     * identity or one of its aliases'), whatever fields it was created from,
     * that holds what a resource from these inputs needs for itself (as
     * exclusiveWith), and what it holds, in words; undefined when there is
     * none. A targeted replace (`up --replace`, `state taint`) of a resource
     * renamed with `aliases`, or whose creation fields change in the same run,
     * cannot find its original by the key walk, so the new resource fails (AWS
     * gives the hold to one at a time). Asked only then: a completed original
     * found here is deleted, and the walk goes on (an unfinished create is
     * left alone). Nothing is asked in the common path.
     */
    originalHolding?(inputs: I): Promise<{ original: L; held: string } | undefined>;
    /**
     * A used declared key: the error naming the holder and the fix (adopt it,
     * or declare another key). `holder` is undefined when it is gone.
     */
    keyTaken(key: string, holder: L | undefined): Error;

    // -------------------------------------------------------- observation

    /** The resource's id (the Pulumi id). */
    idOf(observed: L): string;
    /**
     * Does it exist and what is it: one not-found notion (undefined), used by
     * read, adoption, the delete guard and the visibility wait. `props` are
     * the state entry's outputs when there are any.
     */
    find(id: string, props?: Obj): Promise<L | undefined>;
    /** Its state as the rules see it; `desired` is given when judging a key's holder at create. */
    liveness(observed: L, desired?: I): Liveness;
    /** Why a `failed` one failed, from AWS (FailureCode and FailureMessage). */
    failure?(observed: L): { code: string; message: string };
    /** All of its tags (user, system and ackless's own), as `observed` holds them. */
    tagsOf(observed: L): Tags;
    /**
     * The live tags alone, undefined when the resource is gone: the delete
     * guard's read, for a kind that reads them more cheaply than find().
     */
    liveTags?(id: string, props: Obj | undefined): Promise<Tags | undefined>;
    /**
     * A shared poller (common/batch.ts) whose reads show the resource, for the
     * visibility wait after a create (R5): every resource waiting in a stack
     * then costs one batch of reads per tick. Without it, find() is polled.
     */
    visibility?(): Poller<unknown>;
    /**
     * The key of the unfinished create it is marked with (the
     * `ackless:pending-create` tag, or what the kind's resource shows in its
     * place), or undefined for a completed resource. R1: only a holder whose
     * marker is the key being tried is taken over.
     */
    markerOf(observed: L, inputs: I): string | undefined;

    // ------------------------------------------------------------ finish

    /**
     * Brings a resource this create made or took over to ready (a NAT gateway
     * `available`, a distribution `Deployed` when asked, a function
     * published), within `deadline`. Returns it as now observed, undefined
     * when it went away. DeadlineExceeded is the driver's to handle.
     */
    settle(inputs: I, observed: L, deadline: Deadline): Promise<L | undefined>;
    /** How long create may take to make and settle the resource. */
    createDeadline(inputs: I): Deadline;
    /** Removes the `ackless:pending-create` marker: the create is done. Best effort: warns, never throws. */
    clearMarker(observed: L): Promise<void>;
    /**
     * Adoption and takeover: brings `observed` to the declared inputs in place
     * (configuration and user tags; system tags untouched) and tags it with
     * `incarnation`. Throws, naming the field, when a field that cannot change
     * in place differs. Returns it as now observed.
     */
    reconcile(inputs: I, observed: L, how: "adopting" | "taking over", incarnation: string): Promise<L>;
    /**
     * The outputs stored in state for `observed`; `base` are the inputs
     * (create) or the old outputs (read). The driver sets the lifecycle
     * outputs (`incarnation`, `adopted`) itself.
     */
    outputs(base: Obj, observed: L, ctx: OutputsContext): Obj;

    // --------------------------------------------------- diff and update

    /** What differs; the driver adds R4 (a vanished resource is replaced, deleting first). */
    diff(id: string, olds: Obj, news: Obj): Promise<pulumi.dynamic.DiffResult> | pulumi.dynamic.DiffResult;
    /**
     * The in-place update to `news`, returning the outputs (the driver carries
     * `adopted` and `incarnation` over). Throws when the resource is gone,
     * telling the user to run `pulumi up --refresh`.
     */
    update(id: string, olds: Obj, news: I): Promise<Obj>;
    /** Warnings about drift a read found (optional). */
    readNotes?(id: string, props: Obj | undefined, outs: Obj, observed: L): void;

    // ------------------------------------------------------------ delete

    /**
     * Deletes the resource and waits until it is gone; gone at any point means
     * done. `observed` is the guard's read just before, when it made one
     * (undefined: read it yourself). Deadlines and
     * retries of the kind's own delete protocol live here.
     */
    remove(id: string, props: Obj | undefined, observed: L | undefined): Promise<void>;
    /** Waits until a `deleting` resource is gone (a read that finds it deleting, when readWaitsWhileDeleting). */
    waitGone?(id: string): Promise<void>;
}
