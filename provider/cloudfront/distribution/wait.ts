/**
 * cloudfront.Distribution, status waits: until Deployed.
 */
import { AcklessError } from "../../common/errors";
import { progress, warn } from "../../common/log";
import { Deadline, DeadlineExceeded, waitFor } from "../../common/wait";
import type { Obj } from "./delta";
import { describeState, findDistribution, FoundDistribution } from "./sdk";

export const DEFAULT_DELETE_TIMEOUT_MINUTES = 60;
export const DEFAULT_DEPLOY_TIMEOUT_MINUTES = 60;

export function minutes(value: unknown, dflt: number): number {
    return typeof value === "number" && value > 0 ? value : dflt;
}

/** Polls until Deployed (or gone: undefined). Throws DeadlineExceeded naming `step`. */
export function waitDistributionDeployed(id: string, step: string, deadline: Deadline): Promise<FoundDistribution | undefined> {
    progress(`CloudFront distribution ${id}: ${step}`);
    return waitFor(
        step,
        () => findDistribution(id),
        (d) => d === undefined || d.status === "Deployed",
        describeState,
        deadline,
        { progress: (m) => progress(`CloudFront distribution ${id}: ${m}`) },
    );
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
        return d;
    } catch (err) {
        if (err instanceof DeadlineExceeded) {
            warn(`CloudFront distribution ${id}: ${err.message}; it keeps deploying on AWS (status InProgress)`);
            return (await findDistribution(id)) ?? fallback;
        }
        throw err;
    }
}

