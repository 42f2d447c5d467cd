/**
 * A delete AWS refuses while another resource still uses the target
 * (CloudFront's FunctionInUse, CannotDeleteEntityWhileInUse): the users let go
 * on their own when their own update or delete, often in the same run, is
 * done. So the delete is retried, with a progress line now and then, until a
 * time budget runs out; then the error names the users and the fix.
 */
import { AcklessError, describeAwsError, isAwsError } from "./errors";
import { progress } from "./log";
import { Deadline, now, pollDefaults, retrying } from "./wait";

export interface InUseDelete {
    /** What is deleted, for messages: `CloudFront function "web"`. */
    what: string;
    /** The AWS error code that means "still in use". */
    inUseCode: string;
    /** What uses it, singular: "distribution", "CloudFront function". */
    user: string;
    /** The fix, ending the error: "remove the function from their FunctionAssociations (or delete them) first". */
    fix: string;
    /** The time budget, in ms. */
    timeoutMs: number;
    /** One delete attempt over a fresh ETag; gone must resolve (not throw). A 412 or the in-use code is retried. */
    attempt: () => Promise<void>;
    /** Names of the resources still using it (best effort: an error here leaves them unnamed). */
    users: () => Promise<string[]>;
}

export async function deleteWhileInUse(d: InUseDelete): Promise<void> {
    const deadline = new Deadline(d.timeoutMs);
    const started = now();
    const { minDelayMs, maxDelayMs } = pollDefaults();
    const what = d.what.replace(/"/g, "");
    try {
        await retrying(d.attempt, (err) => isAwsError(err, d.inUseCode, "PreconditionFailed"), {
            maxAttempts: Number.MAX_SAFE_INTEGER,
            deadline,
            delayMs: minDelayMs,
            maxDelayMs,
            onRetry: (err, n) => {
                if (isAwsError(err, d.inUseCode) && (n === 1 || n % 10 === 0)) {
                    progress(
                        `deleting ${what}: still associated with a ${d.user} after ` +
                            `${Math.round((now() - started) / 1000)} s; retrying until ${Math.round(d.timeoutMs / 1000)} s`,
                    );
                }
            },
        });
    } catch (err) {
        if (isAwsError(err, d.inUseCode)) {
            let users: string[] = [];
            try {
                users = await d.users();
            } catch {
                // best effort: the error below still names what was deleted
            }
            throw new AcklessError(
                `deleting ${d.what}: AWS ${d.inUseCode} after ${Math.round((now() - started) / 1000)} s: ` +
                    (users.length > 0
                        ? `still associated with ${d.user}${users.length > 1 ? "s" : ""} ${users.join(", ")}; `
                        : `still associated with a ${d.user}; `) +
                    d.fix,
                d.inUseCode,
                err,
            );
        }
        throw err instanceof AcklessError ? err : describeAwsError(`deleting ${d.what}`, err);
    }
}
