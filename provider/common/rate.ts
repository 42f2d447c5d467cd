/**
 * A client-side request budget per AWS API, service and region, so ackless
 * never causes throttling by itself, even at `pulumi up --parallel 1000`.
 *
 * AWS throttles with token buckets per account and region. EC2 keeps one
 * bucket per API action: a non-mutating action (Describe*) holds 100 tokens
 * and refills 20 per second (docs/aws-contract.md, "Request throttling").
 * ackless keeps a bucket of its own per (service, region, action), sized no
 * larger than AWS's, in front of every request the SDK sends, retries
 * included. CloudFront does not publish the rates of its control-plane API;
 * ackless assumes a modest budget per action.
 *
 * Configure with ACKLESS_RATE_LIMITS, a comma-separated list of
 * `<service>.<read|write>=<per second>/<burst>` (services: ec2, cloudfront,
 * cloudformation), or `off`. Defaults:
 *   ec2.read=20/100, ec2.write=5/50, cloudfront.read=10/20,
 *   cloudfront.write=5/10, cloudformation.read=10/20, cloudformation.write=5/10
 * A request that waits for the budget longer than a second says so in the
 * resource's progress lines.
 */
import { Clock, clock as currentClock, sleepOn } from "./clock";
import { progress } from "./log";

export class TokenBucket {
    private tokens: number;
    private last: number;

    constructor(
        readonly perSecond: number,
        readonly burst: number,
        private readonly clock: Clock = currentClock,
    ) {
        this.tokens = burst;
        this.last = clock.now();
    }

    /**
     * Reserves one token and says how long to wait before using it (0 when
     * the bucket had one). Takers are served in order: the count may go below
     * zero, and each waits for the refill that covers its own token.
     */
    reserve(): number {
        const now = this.clock.now();
        // max(0, ...): a clock that steps back (a test swapping clocks) never takes tokens away.
        this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.perSecond);
        this.last = now;
        this.tokens -= 1;
        return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000);
    }

    /** Takes one token, waiting for it when needed; resolves with the time waited. */
    async take(): Promise<number> {
        const waitMs = this.reserve();
        if (waitMs > 0) {
            await sleepOn(this.clock, waitMs);
        }
        return waitMs;
    }
}

export interface Limit {
    perSecond: number;
    burst: number;
}

export const DEFAULT_LIMITS: Record<string, Limit> = {
    "ec2.read": { perSecond: 20, burst: 100 },
    "ec2.write": { perSecond: 5, burst: 50 },
    "cloudfront.read": { perSecond: 10, burst: 20 },
    "cloudfront.write": { perSecond: 5, burst: 10 },
    "cloudformation.read": { perSecond: 10, burst: 20 },
    "cloudformation.write": { perSecond: 5, burst: 10 },
};

/** The limits ACKLESS_RATE_LIMITS asks for (undefined: no limit at all). Throws naming the bad entry. */
export function parseLimits(text: string | undefined): Record<string, Limit> | undefined {
    if (text === undefined || text.trim() === "") {
        return { ...DEFAULT_LIMITS };
    }
    if (text.trim() === "off") {
        return undefined;
    }
    const out = { ...DEFAULT_LIMITS };
    for (const part of text
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^([a-z0-9]+\.(read|write))=([0-9.]+)\/([0-9]+)$/.exec(part);
        if (!m || !(Number(m[3]) > 0) || !(Number(m[4]) >= 1)) {
            throw new Error(
                `ACKLESS_RATE_LIMITS: "${part}" is not <service>.<read|write>=<per second>/<burst> (like ec2.read=20/100), and the whole value is not "off"`,
            );
        }
        out[m[1]] = { perSecond: Number(m[3]), burst: Number(m[4]) };
    }
    return out;
}

/** Describe*, Get*, List* are reads; everything else writes (EC2's non-mutating / mutating). */
export function category(operation: string): "read" | "write" {
    return /^(Describe|Get|List)/.test(operation) ? "read" : "write";
}

const buckets = new Map<string, TokenBucket>();
let parsed: { text: string | undefined; limits: Record<string, Limit> | undefined } | undefined;

function limits(): Record<string, Limit> | undefined {
    const text = process.env.ACKLESS_RATE_LIMITS;
    if (!parsed || parsed.text !== text) {
        parsed = { text, limits: parseLimits(text) };
        buckets.clear();
    }
    return parsed.limits;
}

/**
 * Waits for a token of `operation` on `service` in `region`. The AWS clients
 * of common/clients.ts call it before every request they send.
 */
export async function throttle(service: string, region: string, operation: string, clock: Clock = currentClock): Promise<void> {
    const all = limits();
    const limit = all?.[`${service}.${category(operation)}`];
    if (!limit) {
        return;
    }
    const key = `${service}|${region}|${operation}`;
    let bucket = buckets.get(key);
    if (!bucket) {
        bucket = new TokenBucket(limit.perSecond, limit.burst, clock);
        buckets.set(key, bucket);
    }
    const waitMs = bucket.reserve();
    if (waitMs >= 1000) {
        progress(
            `${operation} (${service}, ${region}): waiting ${(waitMs / 1000).toFixed(1)} s for ackless's request budget ` +
                `(${limit.perSecond}/s, burst ${limit.burst}; see ACKLESS_RATE_LIMITS)`,
        );
    }
    if (waitMs > 0) {
        await sleepOn(clock, waitMs);
    }
}

/** Test hook: forget every bucket. */
export function resetRateLimits(): void {
    buckets.clear();
    parsed = undefined;
}
