/**
 * A clock for unit tests of the shared pollers, coalescers and rate limits:
 * time moves only when the test calls advance(), and timers fire in order.
 * With `autoAdvance`, time also runs by itself: once pending promise chains
 * have settled, it jumps to the earliest timer and fires it, so code that
 * sleeps, polls or waits for a deadline runs at once, in order, on virtual time.
 */
import { resetShared } from "../../provider/common/batch";
import { Clock, installClock } from "../../provider/common/clock";

interface Timer {
    at: number;
    seq: number;
    fn: () => void;
}

export class FakeClock implements Clock {
    private t: number;
    private timers: Timer[] = [];
    private seq = 0;
    private readonly autoAdvance: boolean;
    private running = false;

    constructor(opts: { start?: number; autoAdvance?: boolean } = {}) {
        this.t = opts.start ?? 1_000_000;
        this.autoAdvance = opts.autoAdvance ?? false;
    }

    now(): number {
        return this.t;
    }

    setTimer(ms: number, fn: () => void): () => void {
        const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
        this.timers.push(timer);
        if (this.autoAdvance && !this.running) {
            this.running = true;
            void this.run();
        }
        return () => {
            this.timers = this.timers.filter((x) => x !== timer);
        };
    }

    /** Lets pending promise chains run (real macrotask turn). */
    async settle(): Promise<void> {
        for (let i = 0; i < 5; i++) {
            await new Promise<void>((resolve) => setImmediate(resolve));
        }
    }

    /** Moves time forward by `ms`, firing every timer due on the way, in order. */
    async advance(ms: number): Promise<void> {
        const target = this.t + ms;
        await this.settle();
        for (;;) {
            this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
            const next = this.timers[0];
            if (!next || next.at > target) {
                break;
            }
            this.timers.shift();
            this.t = next.at;
            next.fn();
            await this.settle();
        }
        this.t = target;
        await this.settle();
    }

    /** autoAdvance: fires the earliest timer each time pending promise chains have settled, until none is left. */
    private async run(): Promise<void> {
        try {
            for (;;) {
                await this.settle();
                this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
                const next = this.timers.shift();
                if (!next) {
                    return;
                }
                this.t = Math.max(this.t, next.at);
                next.fn();
            }
        } finally {
            this.running = false;
        }
    }

    /** Timers still pending. */
    get pending(): number {
        return this.timers.length;
    }
}

/**
 * Mocha helper: every test of the enclosing describe runs on a fake clock that
 * advances by itself (provider code's sleep, Deadline, waitFor, retrying,
 * pollers and rate limits: common/clock.ts). It starts at the real time and
 * the shared pollers are forgotten around each test, so no state crosses
 * between fake and real time. Returns a getter for the test's clock.
 */
export function useFakeTime(): () => FakeClock {
    let current: FakeClock | undefined;
    let restore: (() => void) | undefined;
    beforeEach(() => {
        resetShared();
        current = new FakeClock({ start: Date.now(), autoAdvance: true });
        restore = installClock(current);
    });
    afterEach(() => {
        restore?.();
        restore = undefined;
        resetShared();
    });
    return () => {
        if (!current) throw new Error("useFakeTime: the clock exists only inside a test or hook");
        return current;
    };
}
