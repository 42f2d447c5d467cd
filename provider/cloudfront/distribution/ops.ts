/**
 * cloudfront.Distribution: the steps of update, delete and adoption, on top
 * of the AWS calls (sdk.ts, ../tags.ts) and the wait (wait.ts). The rules
 * around them (when to delete, what to take over, which incarnation) are the
 * lifecycle driver's.
 */
import { AcklessError, describeAwsError, goneOnUpdate, isAwsError } from "../../common/errors";
import { envNumber } from "../../common/env";
import type { Obj } from "../../common/diff";
import { progress, warn } from "../../common/log";
import { describeTagChanges, isLifecycleTagKey, reconciledTags, Tags, userTags } from "../../common/tags";
import { Deadline, DeadlineExceeded, now, retrying } from "../../common/wait";
import { INCARNATION_TAG } from "../../lifecycle/rules";
import { describeChanges } from "../ownership";
import { readTags, writeTags } from "../tags";
import {
    callerReferenceMismatch,
    configChanges,
    configDelta,
    declaredPaths,
    describeState,
    mergeOntoLive,
    minutes,
    observedConfig,
    outputsOf,
    previouslyOwned,
    statusOf,
} from "./delta";
import { deleteDistributionCall, findDistribution, findDistributionStatus, MAX_PRECONDITION_RETRIES, updateConfig } from "./sdk";
import {
    DEFAULT_DELETE_TIMEOUT_MINUTES,
    DEFAULT_DEPLOY_TIMEOUT_MINUTES,
    DistributionInputs,
    DistributionStatus,
    ObservedDistribution,
} from "./types";
import { waitDeployed, waitDistributionDeployed } from "./wait";

/**
 * 409 DistributionNotDisabled right after Deployed: CloudFront can still
 * refuse the delete for a while; retried for up to this long after the first
 * 409 (terraform-provider-aws allows 3 minutes; ACKLESS_NOT_DISABLED_RETRY_S),
 * within the delete's deadline, backing off from 0.5 s to 10 s.
 */
export const NOT_DISABLED_RETRY_MS = 180_000;
const notDisabledRetryMs = () => envNumber("ACKLESS_NOT_DISABLED_RETRY_S", NOT_DISABLED_RETRY_MS / 1000) * 1000;
/** At most this many 409 retries (with the 10 s cap, more than 3 minutes' worth). */
export const MAX_NOT_DISABLED_RETRIES = 30;

/** The deadline of the wait for Deployed after a create, adoption or update (deployTimeoutMinutes). */
export const deployDeadline = (inputs: Obj) => new Deadline(minutes(inputs.deployTimeoutMinutes, DEFAULT_DEPLOY_TIMEOUT_MINUTES) * 60_000);

/**
 * Disable, wait, delete, resumable from any state: gone is done; InProgress
 * waits for Deployed; Enabled flips Enabled on the raw GetDistributionConfig
 * result and waits; then DeleteDistribution with the ETag of the latest
 * configuration. 412 on the delete re-reads (up to MAX_PRECONDITION_RETRIES),
 * 409 right after Deployed is retried for up to 3 minutes, both through
 * `retrying`; NoSuchDistribution at any step means done. Status reads go
 * through the shared reader and poller (sdk.ts). One deadline for the whole
 * sequence. The lifecycle driver's delete guards run before it.
 */
export async function deleteDistribution(id: string, timeoutMinutes: number = DEFAULT_DELETE_TIMEOUT_MINUTES): Promise<void> {
    const deadline = new Deadline(timeoutMinutes * 60_000);
    const DELETING = "deleting (DeleteDistribution)";
    let step = "reading the distribution";
    let last: DistributionStatus | undefined;
    let disabledEtag: string | undefined;
    let preconditionRetries = 0;
    let notDisabledSince: number | undefined;

    /** One pass of the sequence, from a fresh read to DeleteDistribution. */
    async function pass(): Promise<void> {
        let reread: DistributionStatus | undefined;
        for (;;) {
            step = "reading the distribution";
            last = reread ?? (await findDistributionStatus(id));
            reread = undefined;
            if (!last) {
                progress(`CloudFront distribution ${id} is gone`);
                return;
            }
            if (last.status !== "Deployed") {
                step = last.enabled
                    ? "waiting for a pending change to deploy before disabling"
                    : "waiting for the disabled distribution to finish deploying";
                last = await waitDistributionDeployed(id, step, deadline);
                if (!last) {
                    return;
                }
            }
            if (last.enabled) {
                step = "disabling (UpdateDistribution with Enabled=false)";
                progress(`CloudFront distribution ${id}: disabling`);
                const disabled = await updateConfig(
                    id,
                    "disabling",
                    (live) => (live.Enabled ? { ...live, Enabled: false } : false),
                    deadline,
                    (etag) => (disabledEtag = etag),
                );
                if (disabled === false) {
                    return;
                }
                step = "waiting for the disabled distribution to finish deploying";
                last = await waitDistributionDeployed(id, step, deadline);
                if (!last) {
                    return;
                }
                if (last.enabled) {
                    continue; // re-enabled behind our back: start over
                }
            }
            // Delete with the ETag of the distribution's latest configuration:
            // the one of the read that just saw it disabled and Deployed, else
            // the one our own disable answered (a deployment completing does not
            // change it; should anything else have changed it, DeleteDistribution
            // answers 412 and the sequence re-reads), else read now.
            let etag = last.found?.etag ?? disabledEtag;
            if (!etag) {
                step = "reading the ETag to delete with";
                const fresh = await findDistribution(id);
                if (!fresh) {
                    progress(`CloudFront distribution ${id} is gone`);
                    return;
                }
                if (fresh.enabled || fresh.status !== "Deployed") {
                    // Changed behind our back (or a list lagging behind): go on from what this read saw.
                    reread = { ...statusOf(fresh), found: fresh };
                    continue;
                }
                etag = fresh.etag;
            }
            disabledEtag = undefined;
            step = DELETING;
            if (await deleteDistributionCall(id, etag)) {
                progress(`CloudFront distribution ${id} deleted`);
            }
            return;
        }
    }

    try {
        // 409 DistributionNotDisabled: a time budget from the first one, backing off 0.5 s to 10 s, within the deadline.
        await retrying(
            // 412 PreconditionFailed on the delete: re-read and retry at once, MAX_PRECONDITION_RETRIES in all.
            () =>
                retrying(
                    pass,
                    (err) => step === DELETING && isAwsError(err, "PreconditionFailed") && preconditionRetries < MAX_PRECONDITION_RETRIES,
                    {
                        maxAttempts: MAX_PRECONDITION_RETRIES + 1,
                        delayMs: 0,
                        maxDelayMs: 0,
                        onRetry: () => progress(`CloudFront distribution ${id}: the ETag changed (412), re-reading (retry ${++preconditionRetries})`),
                    },
                ),
            (err) => {
                if (step !== DELETING || !isAwsError(err, "DistributionNotDisabled")) {
                    return false;
                }
                notDisabledSince ??= now();
                return now() - notDisabledSince < notDisabledRetryMs();
            },
            {
                maxAttempts: MAX_NOT_DISABLED_RETRIES + 1,
                deadline,
                clipToDeadline: true,
                delayMs: 500,
                maxDelayMs: 10_000,
                onRetry: (_err, n) =>
                    progress(
                        `CloudFront distribution ${id}: not yet deletable (409 DistributionNotDisabled), retrying in ${Math.min(10_000, 500 * 2 ** (n - 1)) / 1000} s`,
                    ),
            },
        );
    } catch (err) {
        const where = `while ${step}; the distribution was last seen ${describeState(last)}`;
        const resume = "Run `pulumi destroy` again to resume from where it stopped.";
        if (err instanceof DeadlineExceeded) {
            throw new AcklessError(
                `deleting CloudFront distribution ${id}: the ${timeoutMinutes}-minute deadline (deleteTimeoutMinutes) passed ${where}. ${resume}`,
                "DeadlineExceeded",
                err,
            );
        }
        const inner = err instanceof AcklessError ? err : describeAwsError(`${step}`, err);
        throw new AcklessError(`deleting CloudFront distribution ${id} failed ${where}: ${inner.message}. ${resume}`, inner.awsCode, err);
    }
}

/**
 * Adoption and takeover: UpdateDistribution with the declared configuration
 * over the live ETag when they differ (a takeover keeps the live
 * CallerReference, a step of its walk), user tags reconciled (system tags
 * untouched) and `incarnation` tagged. Returns it as now observed.
 */
export async function reconcile(
    inputs: DistributionInputs,
    found: ObservedDistribution,
    how: "adopting" | "taking over",
    incarnation: string,
): Promise<ObservedDistribution> {
    const id = found.id;
    const takeover = how === "taking over";
    const desired = takeover ? { ...inputs.distributionConfig, CallerReference: found.config.CallerReference } : inputs.distributionConfig;
    const mismatch = callerReferenceMismatch(found.config, desired);
    if (mismatch) {
        throw new AcklessError(mismatch, "AdoptMismatch");
    }
    const changes = configChanges(found.config, desired);
    const tagText = describeTagChanges(found.tags, inputs.tags);
    progress(
        `${how} CloudFront distribution ${id}${changes.length > 0 || tagText ? ` (${[...changes, ...(tagText ? [tagText] : [])].join("; ")})` : ""}`,
    );
    let current = found;
    if (changes.length > 0) {
        const result = await updateConfig(id, how, (live) => (configChanges(live, desired).length === 0 ? false : mergeOntoLive(live, desired, [])));
        if (result === false) {
            throw new AcklessError(`${how} CloudFront distribution ${id}: it disappeared meanwhile`, "NoSuchDistribution");
        }
        if (result === true) {
            const after = await findDistribution(id);
            if (!after) {
                throw new AcklessError(`${how} CloudFront distribution ${id}: it disappeared meanwhile`, "NoSuchDistribution");
            }
            current = { ...after, tags: found.tags };
        }
    }
    const wanted = { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation };
    await writeTags(`CloudFront distribution ${id}`, found.arn, found.tags, wanted);
    return { ...current, tags: { ...reconciledTags(found.tags, inputs.tags), ...ackless(found.tags), [INCARNATION_TAG]: incarnation } };
}

/** ackless's own tags (pending-create, incarnation): tag reconciliation leaves them. */
const ackless = (tags: Tags): Tags => Object.fromEntries(Object.entries(tags).filter(([k]) => isLifecycleTagKey(k)));

/**
 * Update in place: UpdateDistribution of what changed (field ownership:
 * ../ownership.ts), the user's tags, then the wait for Deployed (a timeout
 * warns: the distribution serves while InProgress).
 */
export async function update(id: string, olds: Obj, news: DistributionInputs): Promise<Obj> {
    const desired = news.distributionConfig;
    // CallerReference cannot change in place (a change replaces); the
    // stored one may be a step of the walk (<ref>.1) while the inputs keep <ref>.
    const previous = previouslyOwned(olds);
    const delta = configDelta(olds.distributionConfig, desired, previous);
    const gone = () => goneOnUpdate(`CloudFront distribution ${id}`, "NoSuchDistribution");
    if (delta.length > 0) {
        progress(`CloudFront distribution ${id}: updating its configuration: ${describeChanges(delta)}`);
        // Sent only when the live configuration differs in what is owned now or was before (a field
        // newly declared with the value it already has is owned from now on, with no UpdateDistribution).
        const owned = [...new Set([...previous, ...declaredPaths(desired)])];
        const updated = await updateConfig(id, "updating", (live) =>
            configDelta(observedConfig(live, owned, false), desired, previous).length === 0 ? false : mergeOntoLive(live, desired, previous),
        );
        if (updated === false) {
            throw gone();
        }
    }
    let current = await findDistribution(id);
    if (!current) {
        throw gone();
    }
    const observed = (await readTags(current.arn)) ?? {};
    await writeTags(`CloudFront distribution ${id}`, current.arn, observed, news.tags);
    const tags = reconciledTags(observed, news.tags);
    if (current.status !== "Deployed" && news.waitForDeployment !== false) {
        const step = "waiting for the update to deploy";
        try {
            const deployed = await waitDeployed(current, step, deployDeadline(news));
            if (!deployed) {
                throw new AcklessError(`CloudFront distribution ${id} disappeared while ${step}`, "NoSuchDistribution");
            }
            current = deployed;
        } catch (err) {
            if (!(err instanceof DeadlineExceeded)) {
                throw err;
            }
            warn(`CloudFront distribution ${id}: ${err.message}; it keeps deploying on AWS (status InProgress)`);
            current = (await findDistribution(id)) ?? current;
        }
    }
    return outputsOf(news, current, tags, declaredPaths(desired));
}
