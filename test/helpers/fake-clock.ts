/**
 * A clock for unit tests of the shared pollers, coalescers and rate limits:
 * time moves only when the test calls advance(), and timers fire in order.
 */
import { Clock } from "../../provider/common/clock";

interface Timer {
    at: number;
    seq: number;
    fn: () => void;
}

export class FakeClock implements Clock {
    private t = 1_000_000;
    private timers: Timer[] = [];
    private seq = 0;

    now(): number {
        return this.t;
    }

    setTimer(ms: number, fn: () => void): () => void {
        const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
        this.timers.push(timer);
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

    /** Timers still pending. */
    get pending(): number {
        return this.timers.length;
    }
}
