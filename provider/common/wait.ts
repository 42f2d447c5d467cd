/**
 * Waiting, written once: poll a status until it reaches a target, with a
 * deadline, a backoff that stays fast near the start and is capped so a state
 * change is noticed within the cap, and progress messages for the user.
 * All time here is the Clock's (common/clock.ts), so unit tests run it on
 * fake time.
 */
import { clock, sleepOn } from "./clock";
import { AcklessError } from "./errors";

/** The current time in ms, on the Clock: use it (not Date.now()) to measure waits and budgets. */
export const now = (): number => clock.now();

/** A point in time after which a long operation gives up. */
export class Deadline {
    readonly at: number;
    constructor(
        readonly timeoutMs: number,
        start: number = now(),
    ) {
        this.at = start + timeoutMs;
    }
    remainingMs(): number {
        return Math.max(0, this.at - now());
    }
    expired(): boolean {
        return now() >= this.at;
    }
}

export interface PollOptions {
    /** First delay between polls (default 250 ms, or ACKLESS_POLL_MIN_MS). */
    minDelayMs?: number;
    /** Cap on the delay between polls (default 2000 ms, or ACKLESS_POLL_MAX_MS). */
    maxDelayMs?: number;
    /** How often to report progress (default 15 s). */
    progressEveryMs?: number;
    /** Where progress goes (the provider passes pulumi.log.info). */
    progress?: (message: string) => void;
}

export function pollDefaults(): Required<Omit<PollOptions, "progress">> {
    const num = (name: string, dflt: number) => {
        const v = Number(process.env[name]);
        return Number.isFinite(v) && v > 0 ? v : dflt;
    };
    return {
        minDelayMs: num("ACKLESS_POLL_MIN_MS", 250),
        maxDelayMs: num("ACKLESS_POLL_MAX_MS", 2000),
        progressEveryMs: num("ACKLESS_PROGRESS_MS", 15000),
    };
}

/** Resolves after `ms` on the Clock. */
export const sleep = (ms: number): Promise<void> => sleepOn(clock, ms);

/** Thrown by waitFor when the deadline passes; `step` says where it stopped. */
export class DeadlineExceeded extends AcklessError {
    constructor(
        readonly step: string,
        message: string,
    ) {
        super(message, "DeadlineExceeded");
    }
}

/**
 * Polls `read` until `done(value)` holds. `describe(value)` names the current
 * state in progress messages. Throws DeadlineExceeded naming `step`.
 */
export async function waitFor<T>(
    step: string,
    read: () => Promise<T>,
    done: (value: T) => boolean,
    describe: (value: T) => string,
    deadline: Deadline,
    options: PollOptions = {},
): Promise<T> {
    const d = { ...pollDefaults(), ...options };
    const started = now();
    let delay = d.minDelayMs;
    let lastProgress = started;
    for (;;) {
        const value = await read();
        if (done(value)) {
            return value;
        }
        const t = now();
        if (t - lastProgress >= d.progressEveryMs) {
            lastProgress = t;
            options.progress?.(`${step}: still ${describe(value)} after ${Math.round((t - started) / 1000)} s`);
        }
        if (deadline.expired()) {
            throw new DeadlineExceeded(step, `${step}: gave up after ${Math.round((t - started) / 1000)} s, still ${describe(value)}`);
        }
        await sleep(Math.min(delay, Math.max(50, deadline.remainingMs())));
        delay = Math.min(d.maxDelayMs, Math.ceil(delay * 1.5));
    }
}

/**
 * Retries `attempt` while `retryable(err)` holds, up to `maxAttempts` and
 * within `deadline`, with a short backoff. With `clipToDeadline`, a backoff
 * never sleeps past the deadline (at most the time left, or 50 ms), so the
 * last attempt comes at the deadline rather than a full step after it.
 * Used for 412 (re-read and retry), 409 right after Deployed, and
 * FunctionInUse.
 */
export async function retrying<T>(
    attempt: (n: number) => Promise<T>,
    retryable: (err: unknown) => boolean,
    opts: {
        maxAttempts: number;
        deadline?: Deadline;
        delayMs?: number;
        maxDelayMs?: number;
        clipToDeadline?: boolean;
        onRetry?: (err: unknown, n: number) => void;
    },
): Promise<T> {
    let delay = opts.delayMs ?? 200;
    for (let n = 1; ; n++) {
        try {
            return await attempt(n);
        } catch (err) {
            if (!retryable(err) || n >= opts.maxAttempts || opts.deadline?.expired()) {
                throw err;
            }
            opts.onRetry?.(err, n);
            await sleep(opts.deadline && opts.clipToDeadline ? Math.min(delay, Math.max(50, opts.deadline.remainingMs())) : delay);
            delay = Math.min(opts.maxDelayMs ?? 2000, delay * 2);
        }
    }
}
