/**
 * cloudfront.Distribution: the wait until Deployed. Every waiting
 * distribution of a stack is served by one shared poller (sdk.ts): one batch
 * of reads per tick (GetDistribution for a few, ListDistributions pages for
 * many), whatever the number of distributions waiting.
 */
import { progress } from "../../common/log";
import type { Deadline } from "../../common/wait";
import { describeState } from "./delta";
import { distributionPoller } from "./sdk";
import type { DistributionStatus, FoundDistribution } from "./types";

/** Waits until Deployed (or gone: undefined). Throws DeadlineExceeded naming `step`. */
export function waitDistributionDeployed(id: string, step: string, deadline: Deadline): Promise<DistributionStatus | undefined> {
    progress(`CloudFront distribution ${id}: ${step}`);
    return distributionPoller().wait({
        id,
        step,
        done: (d) => d === undefined || d.status === "Deployed",
        describe: describeState,
        deadline,
        progress: (m) => progress(`CloudFront distribution ${id}: ${m}`),
    });
}

/**
 * Waits until `observed` is Deployed: the distribution as then observed
 * (`observed` updated with the poller's status; configuration, ETag and tags
 * do not change when a deployment completes), undefined when it went away.
 * DeadlineExceeded is the caller's.
 */
export async function waitDeployed<D extends FoundDistribution>(observed: D, step: string, deadline: Deadline): Promise<D | undefined> {
    const d = await waitDistributionDeployed(observed.id, step, deadline);
    if (!d) {
        return undefined;
    }
    const { found, ...status } = d;
    return { ...observed, ...status, ...(found ?? {}) };
}
