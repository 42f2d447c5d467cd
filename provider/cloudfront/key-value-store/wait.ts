/**
 * cloudfront.KeyValueStore, waits: a new store is PROVISIONING, then READY
 * (a function cannot associate it, nor the data plane write it, before); and
 * how long delete waits for the functions that use it to let go.
 */
import { envNumber } from "../../common/env";
import { progress } from "../../common/log";
import { Deadline, waitFor } from "../../common/wait";
import { describeStore, StoreView } from "./sdk";
import { READY } from "./types";

/** How long delete keeps retrying CannotDeleteEntityWhileInUse (default 5 min; ACKLESS_KVS_IN_USE_TIMEOUT_MS). */
export function inUseTimeoutMs(): number {
    return envNumber("ACKLESS_KVS_IN_USE_TIMEOUT_MS", 5 * 60_000);
}

/** How long create waits for PROVISIONING to end (default 10 min; ACKLESS_KVS_READY_TIMEOUT_S). */
export function readyTimeoutMs(): number {
    return envNumber("ACKLESS_KVS_READY_TIMEOUT_S", 600) * 1000;
}

/** A status that can never turn READY (PROVISIONING_FAILED). */
export const isFailedStatus = (status: string) => /FAIL/i.test(status);

/**
 * Polls DescribeKeyValueStore until the store is READY (or failed), within
 * `deadline` (DeadlineExceeded otherwise). Undefined when it is gone.
 */
export async function waitReady(name: string, deadline: Deadline): Promise<StoreView | undefined> {
    const view = await waitFor(
        `CloudFront key value store ${name} to be ${READY}`,
        () => describeStore(name),
        (v) => v === undefined || v.status === READY || isFailedStatus(v.status),
        (v) => v?.status ?? "gone",
        deadline,
        { progress },
    );
    return view;
}
