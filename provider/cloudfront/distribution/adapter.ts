/**
 * cloudfront.Distribution: the lifecycle driver's adapter
 * (../../lifecycle/adapter.ts), and the provider the registry loads.
 *
 * What is particular to distributions:
 * - the key is the CallerReference (keys.ts), walked only when ackless
 *   derived it; CloudFront answers a used one with 409
 *   DistributionAlreadyExists, and the holder is found from the id in AWS's
 *   message, else by ListDistributions + GetDistributionConfig (sdk.ts);
 * - a holder disabled while the program wants it enabled is on its way out
 *   (`deleting`): never taken over;
 * - create (and adoption) wait for Deployed unless waitForDeployment is
 *   false; a wait that runs out warns, because a distribution serves while
 *   InProgress;
 * - the configuration updates in place at any depth, owning only the fields
 *   the program declares (delta.ts, ../ownership.ts); the CallerReference
 *   replaces;
 * - delete disables, waits for Deployed and deletes (ops.ts).
 */
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { known } from "../../common/diff";
import { AcklessError } from "../../common/errors";
import { describeTagChanges, userTags } from "../../common/tags";
import { Deadline } from "../../common/wait";
import type { KindAdapter } from "../../lifecycle/adapter";
import { lifecycleProvider } from "../../lifecycle/driver";
import { INCARNATION_TAG, PENDING_CREATE_TAG } from "../../lifecycle/rules";
import { clearPendingCreate, readTags } from "../tags";
import {
    callerReferenceMismatch,
    configChanges,
    describeState,
    distributionDiff,
    isBeingDeleted,
    minutes,
    outputsOf,
    previouslyOwned,
} from "./delta";
import { derivedCallerReference, nthToken } from "./keys";
import { deleteDistribution, reconcile, update } from "./ops";
import {
    CallerReferenceScan,
    createDistributionCall,
    distributionPoller,
    findObservedDistribution,
    findReferenceHolder,
    idInAlreadyExists,
} from "./sdk";
import { DEFAULT_DELETE_TIMEOUT_MINUTES, DEFAULT_DEPLOY_TIMEOUT_MINUTES, DistributionInputs, KIND, ObservedDistribution } from "./types";
import { validate } from "./validate";
import { waitDeployed } from "./wait";

/** One holder search per create (its walk reads the account's configurations once). */
const scans = new WeakMap<object, CallerReferenceScan>();
/** The id AWS named for a used declared CallerReference whose distribution is gone, for keyTaken's message. */
const goneHolders = new Map<string, string | undefined>();

export const adapter: KindAdapter<DistributionInputs, ObservedDistribution> = {
    kind: KIND,
    what: "CloudFront distribution",
    keyName: "CallerReference",
    adoptId: { what: "a CloudFront distribution id (E...)", pattern: /^[A-Za-z0-9]{1,64}$/ },
    replaceField: "distributionConfig",
    readyTimeout: "warn",
    readWaitsWhileDeleting: false,

    validate,
    planAdoption(inputs, found) {
        const mismatch = callerReferenceMismatch(found.config, inputs.distributionConfig);
        if (mismatch) {
            return { failures: [{ property: "distributionConfig", reason: mismatch }], changes: [] };
        }
        const changes = configChanges(found.config, inputs.distributionConfig ?? {});
        const described = changes.length > 0 ? [`UpdateDistribution of ${changes.join(", ")}`] : [];
        const tagText = known(inputs.tags) ? describeTagChanges(found.tags, inputs.tags) : "tags: (known at deployment)";
        return { failures: [], changes: tagText ? [...described, tagText] : described };
    },

    createKey(inputs) {
        const reference = inputs.distributionConfig?.CallerReference;
        return {
            base: reference ?? derivedCallerReference(inputs.__identity),
            walk: reference === undefined || inputs.__callerReferenceGenerated === true,
        };
    },
    nthKey: nthToken,
    async createWithKey(inputs, key, lifecycle) {
        const config = { ...inputs.distributionConfig, CallerReference: key } as DistributionConfig;
        const tags = { ...userTags(inputs.tags), [INCARNATION_TAG]: lifecycle.incarnation, [PENDING_CREATE_TAG]: lifecycle.pendingCreate };
        const answer = await createDistributionCall(config, tags);
        if (!("used" in answer)) {
            return { made: { ...answer, tags } };
        }
        let scan = scans.get(inputs);
        if (!scan) {
            scans.set(inputs, (scan = new CallerReferenceScan()));
        }
        const holder = await findReferenceHolder(key, answer.used, scan);
        if (holder) {
            return { heldBy: holder };
        }
        if (!adapter.createKey(inputs).walk) {
            goneHolders.set(key, idInAlreadyExists(answer.used));
        }
        return { heldBy: undefined };
    },
    keyTaken(key, holder) {
        const gone = goneHolders.get(key);
        goneHolders.delete(key);
        return new AcklessError(
            holder
                ? `creating CloudFront distribution: distributionConfig.CallerReference ${JSON.stringify(key)} is already used by ` +
                      `distribution ${holder.id} (${describeState(holder)}), and CloudFront accepts a CallerReference only once. ` +
                      `If ${holder.id} is this resource's distribution (made by an interrupted earlier \`pulumi up\`), take it over with ` +
                      `\`adopt: { id: "${holder.id}" }\`; to create another distribution, declare a new CallerReference or omit it (ackless then derives one)`
                : `creating CloudFront distribution: distributionConfig.CallerReference ${JSON.stringify(key)} was already used by a ` +
                      `distribution that has since been deleted${gone ? ` (${gone})` : ""}, and CloudFront ` +
                      `accepts a CallerReference only once: declare a new CallerReference or omit it (ackless then derives one)`,
            "DistributionAlreadyExists",
        );
    },

    idOf: (d) => d.id,
    find: (id) => findObservedDistribution(id),
    liveness: (d, desired) => (desired && isBeingDeleted(d, desired.distributionConfig) ? "deleting" : "live"),
    tagsOf: (d) => d.tags,
    async liveTags(id, props) {
        if (typeof props?.arn === "string" && props.arn !== "") {
            return readTags(props.arn);
        }
        return (await findObservedDistribution(id))?.tags;
    },
    visibility: distributionPoller,
    markerOf: (d) => d.tags[PENDING_CREATE_TAG],

    async settle(inputs, observed, deadline) {
        if (inputs.waitForDeployment === false || observed.status === "Deployed") {
            return observed;
        }
        // deployTimeoutMinutes bounds the wait itself, from when it starts (within the create's deadline).
        const ms = minutes(inputs.deployTimeoutMinutes, DEFAULT_DEPLOY_TIMEOUT_MINUTES) * 60_000;
        return waitDeployed(observed, "waiting for it to deploy", new Deadline(Math.min(ms, deadline.remainingMs())));
    },
    // The visibility wait (R5), then deployTimeoutMinutes for Deployed.
    createDeadline: (inputs) => new Deadline(minutes(inputs.deployTimeoutMinutes, DEFAULT_DEPLOY_TIMEOUT_MINUTES) * 60_000),
    clearMarker: (d) => clearPendingCreate(`CloudFront distribution ${d.id}`, d.arn),
    reconcile,
    outputs: (base, d) => outputsOf(base, d, d.tags, previouslyOwned(base)),

    diff: distributionDiff,
    update,

    remove: (id, props) => deleteDistribution(id, minutes(props?.deleteTimeoutMinutes, DEFAULT_DELETE_TIMEOUT_MINUTES)),
};

export const provider = lifecycleProvider(adapter);
