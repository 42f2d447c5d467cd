/**
 * cloudfront.Function: the lifecycle driver's adapter (../../lifecycle/adapter.ts),
 * and the provider the registry loads.
 *
 * What is particular to CloudFront functions:
 * - the key is the name (keys.ts): a declared name is used as is, a generated
 *   one is derived from the resource's identity and walked (`<name>_1`...);
 * - CreateFunction is sent without tags (CloudFront has answered a create with
 *   tags with 409), then TagResource adds the user's tags and the lifecycle's;
 *   a function made before that, or left between the two calls, is an
 *   unfinished create when it was never published and holds this resource's
 *   code (any code, for a generated name), and carries no incarnation;
 * - a function has two stages: settle publishes DEVELOPMENT to LIVE and waits
 *   for LIVE to show; it is never `failed` or `deleting`;
 * - delete retries FunctionInUse while a distribution lets go of it (ops.ts);
 * - a name is free again once its function is deleted (keyFreedOnDelete): a
 *   taken name whose holder does not show yet is waited for, not walked past.
 */
import { AcklessError } from "../../common/errors";
import { warn } from "../../common/log";
import { Deadline } from "../../common/wait";
import type { KindAdapter } from "../../lifecycle/adapter";
import { lifecycleProvider } from "../../lifecycle/driver";
import { INCARNATION_TAG, PENDING_CREATE_TAG, propagationTimeoutMs } from "../../lifecycle/rules";
import { adoptionChanges, driftNotes, functionDiff, outputsOf } from "./delta";
import { nthName } from "./keys";
import { createFunction, deleteNamed, reconcile, settle, update } from "./ops";
import { clearMarker, findFunction, functionPoller, functionTags } from "./sdk";
import { FunctionInputs, FunctionOutputs, KIND, NAME_PATTERN, ObservedFunction } from "./types";
import { validate } from "./validate";

const WHAT = "CloudFront function";

export const adapter: KindAdapter<FunctionInputs, ObservedFunction> = {
    kind: KIND,
    what: WHAT,
    keyName: "name",
    adoptId: { what: "a CloudFront function name ([A-Za-z0-9_-]{1,64})", pattern: NAME_PATTERN },
    replaceField: "name",
    readyTimeout: "fail",
    readWaitsWhileDeleting: false,

    validate,
    planAdoption(inputs, fn) {
        // Known now: kept among the inputs so dependents see it at preview.
        inputs.arn = fn.dev.arn;
        return { failures: [], changes: adoptionChanges(inputs, fn) };
    },

    createKey: (inputs) => ({ base: inputs.name, walk: inputs.__nameGenerated === true }),
    nthKey: nthName,
    createWithKey: createFunction,
    // A function's name is free again once it is deleted: a 409 whose holder does not show (eventual consistency after
    // the create of an attempt whose answer was lost) is retried on the same name, never walked past (an orphan).
    keyFreedOnDelete: true,
    keyTaken: (name, holder) =>
        new AcklessError(
            `creating ${WHAT} "${name}": a function with this name already exists in the account` +
                `${holder === undefined ? " (or was just deleted)" : holder.live ? " and is published" : ""}, and it is not an unfinished create of this resource. ` +
                `If it is yours, take it over with adopt: { id: "${name}" }; if this is a replacement of a function with a declared ` +
                `name, the old one must go first: set the deleteBeforeReplace resource option; otherwise choose another name ` +
                `(or omit name to get a generated one)`,
            "FunctionAlreadyExists",
        ),

    idOf: (fn) => fn.name,
    find: (name) => findFunction(name),
    liveness: () => "live",
    tagsOf: (fn) => fn.allTags,
    liveTags: (name, props) => functionTags(name, typeof props?.arn === "string" ? props.arn : undefined),
    visibility: functionPoller,
    markerOf(fn, inputs) {
        const tagged = fn.allTags[PENDING_CREATE_TAG];
        if (tagged) {
            return tagged;
        }
        // Made before creates were tagged, or left between CreateFunction and TagResource: create publishes
        // last, so a function never published, without an incarnation, holding this resource's code (any
        // code under a generated name, this resource's own) is unfinished. With publish: false nothing tells.
        const legacy =
            fn.allTags[INCARNATION_TAG] === undefined &&
            fn.live === undefined &&
            inputs.publish !== false &&
            (inputs.__nameGenerated === true || fn.dev.code === inputs.code);
        return legacy ? fn.name : undefined;
    },

    settle,
    // The driver's R5 wait has its own budget; settle's wait for the LIVE stage gets the same again.
    createDeadline: () => new Deadline(propagationTimeoutMs()),
    clearMarker,
    reconcile,
    outputs: (base, fn) => outputsOf(base, fn),

    diff: functionDiff,
    update,
    readNotes(id, props, outs, fn) {
        for (const note of driftNotes(id, props, outs as FunctionOutputs, fn)) {
            warn(note);
        }
    },

    remove: (name, props) => deleteNamed(name, props),
};

export const provider = lifecycleProvider(adapter);
