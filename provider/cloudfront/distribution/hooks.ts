/**
 * cloudfront.Distribution, behaviour of its own: the CallerReference,
 * updates over the live ETag (412 re-reads), and the delete sequence
 * (disable, wait for Deployed, delete).
 */
import { randomUUID } from "crypto";
import { DeleteDistributionCommand, DistributionConfig, GetDistributionConfigCommand, UpdateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { cloudfront } from "../../common/clients";
import { UNKNOWN } from "../../common/diff";
import { AcklessError, describeAwsError, isAwsError } from "../../common/errors";
import { identityToken, tokenStep } from "../../common/identity";
import { ownedByNewerIncarnation } from "../../lifecycle/rules";
import { progress } from "../../common/log";
import { Deadline, DeadlineExceeded, retrying, sleep } from "../../common/wait";
import type { Obj } from "./delta";
import { describeState, DistributionStatus, findDistribution, findDistributionStatus, findTags, statusOf } from "./sdk";
import { DEFAULT_DELETE_TIMEOUT_MINUTES, waitDistributionDeployed } from "./wait";

export const KIND = "cloudfront:Distribution";

/**
 * The Route 53 hosted zone of every CloudFront distribution, for alias
 * records (the AWS Route 53 developer guide; aws-cdk's CloudFrontTarget and
 * @pulumi/aws's Distribution.hostedZoneId give the same constant).
 */
export const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

/** 412 PreconditionFailed: re-read the ETag and retry this many times. */
export const MAX_PRECONDITION_RETRIES = 5;
/**
 * 409 DistributionNotDisabled right after Deployed: CloudFront can still
 * refuse the delete for a while; retried for up to this long after the first
 * 409 (terraform-provider-aws allows 3 minutes), within the delete's deadline,
 * backing off from 0.5 s to 10 s.
 */
export const NOT_DISABLED_RETRY_MS = 180_000;
const notDisabledRetryMs = () => {
    const v = Number(process.env.ACKLESS_NOT_DISABLED_RETRY_S);
    return Number.isFinite(v) && v > 0 ? v * 1000 : NOT_DISABLED_RETRY_MS;
};
/** At most this many 409 retries (with the 10 s cap, more than 3 minutes' worth). */
export const MAX_NOT_DISABLED_RETRIES = 30;
/** How many CallerReferences (`<ref>`, `<ref>.1`, ...) create walks past deleted distributions before giving up. */
export const MAX_CALLER_REFERENCES = 20;

/**
 * The CallerReference of a resource that declares none: `ackless-<hash>` of
 * its identity (`__identity`, from the public class), so every attempt to
 * create it sends the same one; UNKNOWN while the identity is unknown;
 * `ackless-<uuid>` when there is no identity (the provider used directly).
 */
export function derivedCallerReference(identity: unknown): string {
    if (identity === UNKNOWN) {
        return UNKNOWN;
    }
    if (typeof identity !== "string" || identity === "") {
        return `ackless-${randomUUID()}`;
    }
    return identityToken(["ackless:cloudfront:Distribution", identity])!;
}

/**
 * GetDistributionConfig for a fresh ETag, `change` the config, and
 * UpdateDistribution(IfMatch); 412 re-reads and retries. Returns false when
 * the distribution is gone, "unchanged" when `change` returned false.
 */
export async function updateConfig(
    id: string,
    what: string,
    change: (live: DistributionConfig) => DistributionConfig | false,
    deadline?: Deadline,
    onUpdated?: (etag: string | undefined) => void,
): Promise<boolean | "unchanged"> {
    const cf = cloudfront();
    return retrying(
        async () => {
            let live;
            try {
                live = await cf.send(new GetDistributionConfigCommand({ Id: id }));
            } catch (err) {
                if (isAwsError(err, "NoSuchDistribution")) {
                    return false;
                }
                throw err;
            }
            const next = change(live.DistributionConfig!);
            if (next === false) {
                return "unchanged";
            }
            try {
                const out = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: live.ETag, DistributionConfig: next }));
                onUpdated?.(out.ETag);
            } catch (err) {
                if (isAwsError(err, "NoSuchDistribution")) {
                    return false;
                }
                throw err;
            }
            return true;
        },
        (err) => isAwsError(err, "PreconditionFailed"),
        {
            maxAttempts: MAX_PRECONDITION_RETRIES + 1,
            deadline,
            delayMs: 100,
            maxDelayMs: 1000,
            onRetry: (_err, n) => progress(`CloudFront distribution ${id}: ${what}: the ETag changed (412), re-reading (retry ${n})`),
        },
    ).catch((err) => {
        throw err instanceof AcklessError ? err : describeAwsError(`${what} CloudFront distribution ${id}`, err);
    });
}

/**
 * Disable, wait, delete, resumable from any state: gone is done; InProgress
 * waits for Deployed; Enabled flips Enabled on the raw GetDistributionConfig
 * result and waits; then DeleteDistribution with the ETag of the latest
 * configuration. 412 re-reads, 409 right after Deployed is retried for up to
 * 3 minutes, NoSuchDistribution at any step means done. Status reads go
 * through the shared reader and poller (sdk.ts). One deadline for the whole
 * sequence.
 */
export async function deleteDistribution(
    id: string,
    timeoutMinutes: number = DEFAULT_DELETE_TIMEOUT_MINUTES,
    props?: Obj,
): Promise<void> {
    const deadline = new Deadline(timeoutMinutes * 60_000);
    let ownerChecked = !props?.incarnation;
    let step = "reading the distribution";
    let last: DistributionStatus | undefined;
    let disabledEtag: string | undefined;
    let reread: DistributionStatus | undefined;
    let preconditionRetries = 0;
    let notDisabledRetries = 0;
    let notDisabledSince: number | undefined;
    const cf = cloudfront();
    try {
        for (;;) {
            step = "reading the distribution";
            last = reread ?? (await findDistributionStatus(id));
            reread = undefined;
            if (!last) {
                progress(`CloudFront distribution ${id} is gone`);
                return;
            }
            if (!ownerChecked) {
                // Lifecycle R2, durable half: never delete a newer incarnation's distribution.
                ownerChecked = true;
                if (ownedByNewerIncarnation("CloudFront distribution", id, props, await findTags(last.arn))) {
                    return;
                }
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
                const disabled = await updateConfig(id, "disabling", (live) => (live.Enabled ? { ...live, Enabled: false } : false), deadline, (etag) => (disabledEtag = etag));
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
            // answers 412 and the loop re-reads), else read now.
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
            step = "deleting (DeleteDistribution)";
            try {
                await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: etag }));
                progress(`CloudFront distribution ${id} deleted`);
                return;
            } catch (err) {
                if (isAwsError(err, "NoSuchDistribution")) {
                    return;
                }
                if (isAwsError(err, "PreconditionFailed") && preconditionRetries < MAX_PRECONDITION_RETRIES) {
                    preconditionRetries++;
                    progress(`CloudFront distribution ${id}: the ETag changed (412), re-reading (retry ${preconditionRetries})`);
                    continue;
                }
                notDisabledSince ??= isAwsError(err, "DistributionNotDisabled") ? Date.now() : undefined;
                if (
                    isAwsError(err, "DistributionNotDisabled") &&
                    Date.now() - notDisabledSince! < notDisabledRetryMs() &&
                    notDisabledRetries < MAX_NOT_DISABLED_RETRIES &&
                    !deadline.expired()
                ) {
                    notDisabledRetries++;
                    const delay = Math.min(10_000, 500 * 2 ** (notDisabledRetries - 1));
                    progress(`CloudFront distribution ${id}: not yet deletable (409 DistributionNotDisabled), retrying in ${delay / 1000} s`);
                    await sleep(Math.min(delay, Math.max(50, deadline.remainingMs())));
                    continue;
                }
                throw err;
            }
        }
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

/** A declared CallerReference must be the adopted distribution's (it cannot change). */
export function callerReferenceMismatch(live: DistributionConfig, desired: Obj): string | undefined {
    const declared = desired?.CallerReference;
    if (typeof declared === "string" && declared !== live.CallerReference) {
        return (
            `adopt: distributionConfig.CallerReference ${JSON.stringify(declared)} differs from the adopted distribution's ` +
            `${JSON.stringify(live.CallerReference)}; it cannot change: omit CallerReference (the live one is kept) or declare the live one`
        );
    }
    return undefined;
}

/**
 * A distribution on its way out: disabled while the program wants it enabled
 * (ackless never creates it so; the delete sequence disables first).
 */
export function isBeingDeleted(d: { enabled: boolean }, desired: Obj): boolean {
    return !d.enabled && desired?.Enabled !== false;
}
/**
 * Whether an old CallerReference (the one the distribution was made with) is
 * the new one: equal, or, for a derived reference, a step of its walk.
 */
export function sameCallerReference(old: unknown, next: unknown, derived: boolean): boolean {
    if (old === next) {
        return true;
    }
    return derived && typeof old === "string" && typeof next === "string" && tokenStep(next, old) !== undefined;
}

