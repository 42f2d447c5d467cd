/**
 * Shared reads and waits across every resource of a stack.
 *
 * All dynamic resources of a stack run in one provider-host process. When a
 * large stack waits for 100 NAT gateways, asking AWS once per gateway per
 * poll floods the account's request budget (EC2 throttles per account and
 * region) and slows the team's other tools. So:
 *
 * - a Coalescer turns the single-id reads that arrive within a short window
 *   (or while a call is already in flight) into one batched AWS call, such as
 *   one DescribeNatGateways for many ids;
 * - a Poller serves every resource waiting for a status with one tick: each
 *   tick reads all waiting ids through the Coalescer, so 32 waiting gateways
 *   cost one call per tick, not 32.
 *
 * One Coalescer and one Poller exist per (service, region, credentials,
 * kind): see `shared()`. A lone waiter polls on the same schedule as
 * common/wait's waitFor (250 ms, growing to 2 s), so a single resource sees a
 * state change as fast as before; with several waiters, ticks are at least
 * ACKLESS_POLL_SHARED_MS (default 500 ms) apart.
 */
import { envNumber } from "./env";
import { Clock, clock as currentClock } from "./clock";
import { Deadline, DeadlineExceeded, pollDefaults } from "./wait";

/** An AWS call that reads many ids at once. */
export interface BatchSource<V> {
    /** Most ids one call may carry. */
    maxBatch: number;
    /** Reads `ids` in one call. An id absent from the answer does not exist (or is not visible yet). */
    fetch(ids: string[]): Promise<Map<string, V>>;
    /**
     * Whether an error of a call carrying several ids may concern one id only
     * (a malformed id, say): then each id is read alone, so one bad id does
     * not fail the others. Throttling and network errors are not: retrying
     * per id would only multiply calls.
     */
    isolate?(err: unknown): boolean;
}

interface Pending<V> {
    resolve(value: V | undefined): void;
    reject(err: unknown): void;
}

export interface CoalescerOptions {
    /** How long the first read of a batch waits for others to join (default 25 ms, ACKLESS_BATCH_WINDOW_MS). */
    windowMs?: number;
    /**
     * The same, while reads from several resources keep coming (the last call,
     * less than a second ago, carried more than one id):
     * a refresh of hundreds of resources then makes a few large calls rather
     * than many small ones (default 100 ms, ACKLESS_BATCH_BUSY_WINDOW_MS).
     */
    busyWindowMs?: number;
    clock?: Clock;
}

const envMs = (name: string, dflt: number) => envNumber(name, dflt, { allowZero: true });

export class Coalescer<V> {
    private pending = new Map<string, Pending<V>[]>();
    private cancelTimer?: () => void;
    private inFlight = false;
    private readonly windowMs: number;
    private readonly busyWindowMs: number;
    private lastCallAt = -Infinity;
    private lastBatchSize = 0;
    private readonly clock: Clock;

    constructor(
        private readonly source: BatchSource<V>,
        opts: CoalescerOptions = {},
    ) {
        this.windowMs = opts.windowMs ?? envMs("ACKLESS_BATCH_WINDOW_MS", 25);
        this.busyWindowMs = Math.max(this.windowMs, opts.busyWindowMs ?? envMs("ACKLESS_BATCH_BUSY_WINDOW_MS", 100));
        this.clock = opts.clock ?? currentClock;
    }

    /** The value of `id` as the next batched call reads it; undefined when it does not exist. */
    get(id: string): Promise<V | undefined> {
        return new Promise<V | undefined>((resolve, reject) => {
            const list = this.pending.get(id) ?? [];
            list.push({ resolve, reject });
            this.pending.set(id, list);
            this.schedule();
        });
    }

    private schedule(): void {
        // One call at a time: what arrives meanwhile forms the next batch.
        if (this.cancelTimer || this.inFlight || this.pending.size === 0) {
            return;
        }
        const busy = this.lastBatchSize > 1 && this.clock.now() - this.lastCallAt < 1000;
        this.cancelTimer = this.clock.setTimer(busy ? this.busyWindowMs : this.windowMs, () => {
            this.cancelTimer = undefined;
            void this.flush();
        });
    }

    private async flush(): Promise<void> {
        const batch = this.pending;
        this.pending = new Map();
        this.inFlight = true;
        this.lastCallAt = this.clock.now();
        this.lastBatchSize = batch.size;
        try {
            const ids = [...batch.keys()];
            const chunks: string[][] = [];
            for (let i = 0; i < ids.length; i += Math.max(1, this.source.maxBatch)) {
                chunks.push(ids.slice(i, i + Math.max(1, this.source.maxBatch)));
            }
            await Promise.all(chunks.map((chunk) => this.run(chunk, batch)));
        } finally {
            this.inFlight = false;
            this.schedule();
        }
    }

    private async run(ids: string[], waiters: Map<string, Pending<V>[]>): Promise<void> {
        let got: Map<string, V>;
        try {
            got = await this.source.fetch(ids);
        } catch (err) {
            if (ids.length > 1 && this.source.isolate?.(err)) {
                await Promise.all(ids.map((id) => this.run([id], waiters)));
                return;
            }
            for (const id of ids) {
                for (const w of waiters.get(id) ?? []) {
                    w.reject(err);
                }
            }
            return;
        }
        for (const id of ids) {
            for (const w of waiters.get(id) ?? []) {
                w.resolve(got.get(id));
            }
        }
    }
}

/** What one resource waits for. */
export interface WaitSpec<V> {
    id: string;
    /** Names the wait in progress and timeout messages ("NAT gateway nat-1: waiting for available"). */
    step: string;
    /** Whether the wait is over for this value (undefined: AWS does not show the id). */
    done(value: V | undefined): boolean;
    /** Names the current state in progress messages. */
    describe(value: V | undefined): string;
    deadline: Deadline;
    progress?(message: string): void;
}

interface Waiter<V> {
    spec: WaitSpec<V>;
    /** The gap before this waiter's next poll, and the one after it (growing by half each poll, up to the cap). */
    gapMs: number;
    delayMs: number;
    started: number;
    lastProgress: number;
    resolve(value: V | undefined): void;
    reject(err: unknown): void;
}

export interface PollerOptions {
    /** First delay between polls of a lone waiter (default ACKLESS_POLL_MIN_MS, 250 ms). */
    minDelayMs?: number;
    /** Most time between two polls of a waiter (default ACKLESS_POLL_MAX_MS, 2 s). */
    maxDelayMs?: number;
    /** Least time between ticks while several resources wait (default ACKLESS_POLL_SHARED_MS, 500 ms). */
    sharedMs?: number;
    /** How often each waiter reports progress (default ACKLESS_PROGRESS_MS, 15 s). */
    progressEveryMs?: number;
    clock?: Clock;
}

export class Poller<V> {
    private waiters = new Set<Waiter<V>>();
    private cancelTick?: () => void;
    private tickAt = Infinity;
    private lastTickAt = -Infinity;
    private ticking = false;
    private readonly opts: Required<Omit<PollerOptions, "clock">>;
    private readonly clock: Clock;

    constructor(
        private readonly reader: Coalescer<V>,
        opts: PollerOptions = {},
    ) {
        const d = pollDefaults();
        this.opts = {
            minDelayMs: opts.minDelayMs ?? d.minDelayMs,
            maxDelayMs: opts.maxDelayMs ?? d.maxDelayMs,
            sharedMs: opts.sharedMs ?? envMs("ACKLESS_POLL_SHARED_MS", 500),
            progressEveryMs: opts.progressEveryMs ?? d.progressEveryMs,
        };
        this.clock = opts.clock ?? currentClock;
    }

    /** How many resources are waiting now. */
    get waiting(): number {
        return this.waiters.size;
    }

    /**
     * Resolves with the first value for which `spec.done` holds, read by the
     * shared ticks. Rejects with DeadlineExceeded when the deadline passes
     * first, or with the read's error for this id (other waiters go on).
     */
    wait(spec: WaitSpec<V>): Promise<V | undefined> {
        return new Promise<V | undefined>((resolve, reject) => {
            const now = this.clock.now();
            this.waiters.add({ spec, gapMs: this.opts.minDelayMs, delayMs: this.opts.minDelayMs, started: now, lastProgress: now, resolve, reject });
            // The first poll: now for a lone waiter; while others wait, the
            // next tick (which reads every waiter), at most ACKLESS_POLL_SHARED_MS
            // after the last one, so a stream of new waiters does not turn
            // into a stream of calls.
            if (!this.ticking) {
                const spacing = this.waiters.size > 1 ? this.lastTickAt + Math.min(this.opts.sharedMs, this.opts.maxDelayMs) - now : 0;
                this.scheduleTick(Math.max(0, spacing));
            }
        });
    }

    private scheduleTick(delayMs: number): void {
        const at = this.clock.now() + delayMs;
        if (this.cancelTick && at >= this.tickAt) {
            return;
        }
        this.cancelTick?.();
        this.tickAt = at;
        this.cancelTick = this.clock.setTimer(delayMs, () => {
            this.cancelTick = undefined;
            this.tickAt = Infinity;
            void this.tick();
        });
    }

    private async tick(): Promise<void> {
        this.ticking = true;
        this.lastTickAt = this.clock.now();
        const polled = [...this.waiters];
        try {
            await Promise.all(polled.map((w) => this.poll(w)));
        } finally {
            this.ticking = false;
            this.next();
        }
    }

    private async poll(w: Waiter<V>): Promise<void> {
        let value: V | undefined;
        try {
            value = await this.reader.get(w.spec.id);
        } catch (err) {
            this.waiters.delete(w);
            w.reject(err);
            return;
        }
        if (w.spec.done(value)) {
            this.waiters.delete(w);
            w.resolve(value);
            return;
        }
        const now = this.clock.now();
        if (now - w.lastProgress >= this.opts.progressEveryMs) {
            w.lastProgress = now;
            w.spec.progress?.(`${w.spec.step}: still ${w.spec.describe(value)} after ${Math.round((now - w.started) / 1000)} s`);
        }
        if (now >= w.spec.deadline.at) {
            this.waiters.delete(w);
            w.reject(
                new DeadlineExceeded(
                    w.spec.step,
                    `${w.spec.step}: gave up after ${Math.round((now - w.started) / 1000)} s, still ${w.spec.describe(value)}`,
                ),
            );
            return;
        }
        w.gapMs = w.delayMs;
        w.delayMs = Math.min(this.opts.maxDelayMs, Math.ceil(w.delayMs * 1.5));
    }

    /** The next tick: the most eager waiter's delay, spaced out while several wait, and never past a deadline. */
    private next(): void {
        if (this.waiters.size === 0) {
            return;
        }
        const now = this.clock.now();
        let delay = Math.min(...[...this.waiters].map((w) => w.gapMs));
        if (this.waiters.size > 1) {
            delay = Math.max(delay, Math.min(this.opts.sharedMs, this.opts.maxDelayMs));
        }
        const firstDeadline = Math.min(...[...this.waiters].map((w) => w.spec.deadline.at));
        delay = Math.min(delay, Math.max(50, firstDeadline - now));
        this.scheduleTick(delay);
    }
}

/** One instance per key for the life of the provider host (the pollers and coalescers of each service, region and kind). */
const instances = new Map<string, unknown>();
export function shared<T>(key: string, make: () => T): T {
    if (!instances.has(key)) {
        instances.set(key, make());
    }
    return instances.get(key) as T;
}

/** Test hook: forget every shared poller and coalescer. */
export function resetShared(): void {
    instances.clear();
}
