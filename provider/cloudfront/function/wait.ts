/**
 * cloudfront.Function, waits: for a just-published LIVE stage to show in
 * reads (lifecycle R5), and how long delete waits for a function to be
 * released by its distributions (FunctionInUse).
 */
import { envNumber } from "../../common/env";
import { AcklessError } from "../../common/errors";
import { Deadline } from "../../common/wait";
import { propagationDeadline, propagationTimeoutMs, waitVisible } from "../../lifecycle/rules";
import { liveEtag } from "./sdk";

/** How long delete keeps retrying FunctionInUse (default 5 min; ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS). */
export function inUseTimeoutMs(): number {
    return envNumber("ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS", 5 * 60_000);
}

/**
 * R5: the LIVE stage a publish just made may read NotFound for a while.
 * Its ETag once it shows; an AcklessError naming the retry when it never did
 * within the propagation timeout (or `deadline`, if sooner).
 */
export async function waitLiveVisible(name: string, deadline?: Deadline): Promise<string> {
    const limit = propagationDeadline(deadline);
    const etag = await waitVisible(`CloudFront function ${name} (LIVE)`, () => liveEtag(name), limit);
    if (etag === undefined) {
        throw new AcklessError(
            `CloudFront function ${name} was published, but reading its LIVE stage still does not show it after ${Math.round(limit.timeoutMs / 1000)} s ` +
                `(ACKLESS_PROPAGATION_TIMEOUT_S, default ${Math.round(propagationTimeoutMs() / 1000)} s); run pulumi up again: it finds this ` +
                `function and publishes it only if LIVE still differs`,
            "LiveNotVisible",
        );
    }
    return etag;
}
