/**
 * cloudfront.Distribution, status waits: until Deployed.
 */
import { AcklessError } from "../../common/errors";
import { progress, warn } from "../../common/log";
import { waitVisibleOn } from "../../lifecycle/rules";
import { Deadline, DeadlineExceeded } from "../../common/wait";
import type { Obj } from "./delta";
import { describeState, distributionPoller, DistributionStatus, findDistribution, FoundDistribution } from "./sdk";

export const DEFAULT_DELETE_TIMEOUT_MINUTES = 60;
export const DEFAULT_DEPLOY_TIMEOUT_MINUTES = 60;

export function minutes(value: unknown, dflt: number): number {
    return typeof value === "number" && value > 0 ? value : dflt;
}

/**
 * Waits until Deployed (or gone: undefined), through the shared poller: all
 * distributions waiting in a stack cost one batch of reads per tick
 * (GetDistribution for a few, ListDistributions pages for many).
 * Throws DeadlineExceeded naming `step`.
 */
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

/** R5: waits until the new distribution shows in reads (GetDistribution / ListDistributions may not know it at first). */
export function waitDistributionVisible(id: string, deadline?: Deadline): Promise<DistributionStatus | undefined> {
    return waitVisibleOn(`CloudFront distribution ${id}`, distributionPoller(), id, deadline);
}

/** Waits for Deployed after create/update when asked; a timeout warns (the distribution exists) instead of failing. */
export async function settle(id: string, inputs: Obj, fallback: FoundDistribution, step: string): Promise<FoundDistribution> {
    if (inputs.waitForDeployment === false) {
        return fallback;
    }
    const deadline = new Deadline(minutes(inputs.deployTimeoutMinutes, DEFAULT_DEPLOY_TIMEOUT_MINUTES) * 60_000);
    try {
        const d = await waitDistributionDeployed(id, step, deadline);
        if (!d) {
            throw new AcklessError(`CloudFront distribution ${id} disappeared while ${step}`);
        }
        // The status from the shared poller; configuration and ETag do not change when a deployment completes.
        const { found, ...status } = d;
        return found ?? { ...fallback, ...status };
    } catch (err) {
        if (err instanceof DeadlineExceeded) {
            warn(`CloudFront distribution ${id}: ${err.message}; it keeps deploying on AWS (status InProgress)`);
            return (await findDistribution(id)) ?? fallback;
        }
        throw err;
    }
}

