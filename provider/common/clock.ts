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

let active: Clock = systemClock;

/**
 * The clock provider code runs on (sleep, Deadline, waitFor, retrying, the
 * shared pollers, coalescers and rate limits): the system clock, or the fake
 * one a unit test installed with installClock. It delegates at each call, so
 * objects made before a test installs a clock follow it too.
 */
export const clock: Clock = {
    now: () => active.now(),
    setTimer: (ms, fn) => active.setTimer(ms, fn),
};

/** Makes `c` the clock provider code runs on (unit tests); returns a function that puts the previous one back. */
export function installClock(c: Clock): () => void {
    const previous = active;
    active = c;
    return () => {
        active = previous;
    };
}

/** Resolves after `ms` on `clock`. */
export function sleepOn(clock: Clock, ms: number): Promise<void> {
    return new Promise((resolve) => clock.setTimer(ms, resolve));
}
