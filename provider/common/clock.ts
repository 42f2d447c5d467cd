/**
 * Time, behind an interface, so the shared pollers, coalescers and rate
 * limits can be tested with a fake clock (test/helpers/fake-clock.ts) instead
 * of real sleeps.
 */
export interface Clock {
    now(): number;
    /** Calls `fn` after `ms`; returns a function that cancels it. */
    setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
    now: () => Date.now(),
    setTimer(ms, fn) {
        const t = setTimeout(fn, Math.max(0, ms));
        return () => clearTimeout(t);
    },
};

/** Resolves after `ms` on `clock`. */
export function sleepOn(clock: Clock, ms: number): Promise<void> {
    return new Promise((resolve) => clock.setTimer(ms, resolve));
}
