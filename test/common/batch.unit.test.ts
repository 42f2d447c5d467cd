/**
 * The shared reader (Coalescer) and poller of common/batch.ts, on a fake
 * clock: fan-in of reads into one call, fan-out of answers, one bad id not
 * failing the others, and waits ending at their own deadline.
 */
import { expect } from "chai";
import { BatchSource, Coalescer, Poller } from "../../provider/common/batch";
import { Deadline, DeadlineExceeded } from "../../provider/common/wait";
import { FakeClock } from "../helpers/fake-clock";

class Malformed extends Error {}
class Throttled extends Error {}

/** A fake AWS: a status per id; records the ids of every call. */
function fakeSource(status: Map<string, string>, maxBatch = 100): BatchSource<string> & { calls: string[][] } {
    const calls: string[][] = [];
    return {
        calls,
        maxBatch,
        async fetch(ids) {
            calls.push([...ids]);
            if (ids.some((id) => id.startsWith("bad"))) {
                throw new Malformed(`malformed id in ${ids.join(",")}`);
            }
            if (ids.includes("throttled")) {
                throw new Throttled("Rate exceeded");
            }
            return new Map(ids.filter((id) => status.has(id)).map((id) => [id, status.get(id)!]));
        },
        isolate: (err) => err instanceof Malformed,
    };
}

describe("common/batch: Coalescer", () => {
    it("fan-in: reads arriving within the window become one call; fan-out: each gets its own answer, unknown ids undefined", async () => {
        const clock = new FakeClock();
        const status = new Map([
            ["a", "available"],
            ["b", "pending"],
        ]);
        const source = fakeSource(status);
        const c = new Coalescer(source, { windowMs: 25, clock });
        const got = Promise.all(["a", "b", "c", "a"].map((id) => c.get(id)));
        await clock.advance(25);
        expect(await got).to.deep.equal(["available", "pending", undefined, "available"]);
        expect(source.calls).to.deep.equal([["a", "b", "c"]]);
    });

    it("while many reads keep coming, the window widens (busy window), so a stream of reads makes few large calls", async () => {
        const clock = new FakeClock();
        const status = new Map(Array.from({ length: 40 }, (_, i) => [`id-${i}`, "available"] as [string, string]));
        const source = fakeSource(status);
        const c = new Coalescer(source, { windowMs: 25, busyWindowMs: 100, clock });
        const reads: Promise<unknown>[] = [];
        // Two reads now, then one every 10 ms.
        reads.push(c.get("id-0"), c.get("id-1"));
        for (let i = 2; i < 40; i++) {
            await clock.advance(10);
            reads.push(c.get(`id-${i}`));
        }
        await clock.advance(200);
        await Promise.all(reads);
        // The first call after 25 ms; then one per ~100 ms: ~5 calls, not one per 25 ms (~16).
        expect(source.calls.length).to.be.at.most(6);
        expect(source.calls.flat().sort()).to.deep.equal([...status.keys()].sort());
    });

    it("splits a batch at the call's id limit", async () => {
        const clock = new FakeClock();
        const ids = Array.from({ length: 250 }, (_, i) => `id-${i}`);
        const source = fakeSource(new Map(ids.map((id) => [id, "available"])), 100);
        const c = new Coalescer(source, { windowMs: 10, clock });
        const got = Promise.all(ids.map((id) => c.get(id)));
        await clock.advance(10);
        expect((await got).every((v) => v === "available")).to.equal(true);
        expect(source.calls.map((x) => x.length)).to.deep.equal([100, 100, 50]);
    });

    it("one call at a time: reads arriving while a call is in flight form the next batch", async () => {
        const clock = new FakeClock();
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const calls: string[][] = [];
        const c = new Coalescer<string>(
            {
                maxBatch: 100,
                async fetch(ids) {
                    calls.push(ids);
                    if (calls.length === 1) await gate;
                    return new Map(ids.map((id) => [id, "x"]));
                },
            },
            { windowMs: 25, clock },
        );
        const first = c.get("a");
        await clock.advance(25);
        const later = [c.get("b"), c.get("c")];
        await clock.advance(100);
        expect(calls).to.deep.equal([["a"]]);
        release();
        await clock.advance(25);
        expect(await first).to.equal("x");
        expect(await Promise.all(later)).to.deep.equal(["x", "x"]);
        expect(calls).to.deep.equal([["a"], ["b", "c"]]);
    });

    it("an error that may concern one id is isolated: the bad id fails, the others are answered", async () => {
        const clock = new FakeClock();
        const source = fakeSource(
            new Map([
                ["a", "available"],
                ["b", "pending"],
            ]),
        );
        const c = new Coalescer(source, { windowMs: 25, clock });
        const results = Promise.allSettled(["a", "bad-1", "b"].map((id) => c.get(id)));
        await clock.advance(25);
        const [a, bad, b] = await results;
        expect(a).to.deep.equal({ status: "fulfilled", value: "available" });
        expect(b).to.deep.equal({ status: "fulfilled", value: "pending" });
        expect(bad.status).to.equal("rejected");
        expect(source.calls).to.deep.equal([["a", "bad-1", "b"], ["a"], ["bad-1"], ["b"]]);
    });

    it("a throttling error is not split into one call per id: every read of the batch gets it", async () => {
        const clock = new FakeClock();
        const source = fakeSource(new Map([["a", "available"]]));
        const c = new Coalescer(source, { windowMs: 25, clock });
        const results = Promise.allSettled(["a", "throttled"].map((id) => c.get(id)));
        await clock.advance(25);
        expect((await results).map((r) => r.status)).to.deep.equal(["rejected", "rejected"]);
        expect(source.calls).to.have.length(1);
    });
});

describe("common/batch: Poller", () => {
    const opts = (clock: FakeClock) => ({ minDelayMs: 250, maxDelayMs: 2000, sharedMs: 1000, progressEveryMs: 15000, clock });

    it("fan-in: twenty waiting resources cost one call per tick; fan-out: each resolves when its own status arrives", async () => {
        const clock = new FakeClock();
        const ids = Array.from({ length: 20 }, (_, i) => `nat-${i}`);
        const status = new Map(ids.map((id) => [id, "pending"]));
        const source = fakeSource(status);
        const poller = new Poller(new Coalescer(source, { windowMs: 25, clock }), opts(clock));
        const done: string[] = [];
        const waits = ids.map((id) =>
            poller
                .wait({ id, step: id, done: (v) => v === "available", describe: (v) => String(v), deadline: new Deadline(60_000, clock.now()) })
                .then((v) => done.push(`${id}=${v}`)),
        );
        await clock.advance(3000);
        expect(done).to.deep.equal([]);
        for (const id of ids.slice(0, 10)) status.set(id, "available");
        await clock.advance(2100);
        expect(done).to.have.length(10);
        for (const id of ids.slice(10)) status.set(id, "available");
        await clock.advance(2100);
        await Promise.all(waits);
        expect(done).to.have.length(20);
        // Every call carried every waiting id: ~7 s of waiting is a handful of calls, not 20 per tick.
        expect(source.calls.length).to.be.at.most(10);
        expect(source.calls[0]).to.have.length(20);
        expect(source.calls.at(-1)).to.have.length(10);
        expect(poller.waiting).to.equal(0);
        expect(clock.pending).to.equal(0);
    });

    it("a lone waiter keeps the fast schedule (250 ms, growing to 2 s), so a single resource's latency does not suffer", async () => {
        const clock = new FakeClock();
        const status = new Map([["a", "InProgress"]]);
        const source = fakeSource(status);
        const poller = new Poller(new Coalescer(source, { windowMs: 0, clock }), opts(clock));
        let resolvedAt = 0;
        void poller
            .wait({ id: "a", step: "a", done: (v) => v === "Deployed", describe: String, deadline: new Deadline(60_000, clock.now()) })
            .then(() => (resolvedAt = clock.now()));
        const start = clock.now();
        await clock.advance(700);
        // Polls at 0, 250, 625 ms.
        expect(source.calls).to.have.length(3);
        await clock.advance(1300);
        status.set("a", "Deployed");
        await clock.advance(2100);
        expect(resolvedAt - start)
            .to.be.greaterThan(2000)
            .and.at.most(2000 + 2000);
    });

    it("while several wait, ticks are at least the shared spacing apart, even as new waiters keep arriving", async () => {
        const clock = new FakeClock();
        const status = new Map<string, string>();
        const source = fakeSource(status);
        const poller = new Poller(new Coalescer(source, { windowMs: 0, clock }), opts(clock));
        // A new waiter every 100 ms for 5 s.
        for (let i = 0; i < 50; i++) {
            status.set(`n${i}`, "pending");
            void poller
                .wait({ id: `n${i}`, step: "", done: () => false, describe: String, deadline: new Deadline(6_000, clock.now()) })
                .catch(() => undefined);
            await clock.advance(100);
        }
        // One waiter alone at first polls fast; afterwards at most one call per second.
        expect(source.calls.length).to.be.at.most(8);
        await clock.advance(10_000);
    });

    it("an error for one id fails that wait only; the others go on and resolve", async () => {
        const clock = new FakeClock();
        const status = new Map([
            ["a", "pending"],
            ["b", "pending"],
        ]);
        const source = fakeSource(status);
        const poller = new Poller(new Coalescer(source, { windowMs: 25, clock }), opts(clock));
        const spec = (id: string) => ({
            id,
            step: id,
            done: (v: string | undefined) => v === "available",
            describe: String,
            deadline: new Deadline(60_000, clock.now()),
        });
        const a = poller.wait(spec("a"));
        const bad = poller.wait(spec("bad-x"));
        const b = poller.wait(spec("b"));
        const badResult = bad.then(
            () => "resolved",
            (err) => err,
        );
        await clock.advance(1000);
        expect(await badResult).to.be.instanceOf(Malformed);
        status.set("a", "available");
        status.set("b", "available");
        await clock.advance(2100);
        expect(await a).to.equal("available");
        expect(await b).to.equal("available");
    });

    it("a wait whose deadline passes is cancelled with DeadlineExceeded and no longer polled; others keep waiting", async () => {
        const clock = new FakeClock();
        const status = new Map([
            ["short", "pending"],
            ["long", "pending"],
        ]);
        const source = fakeSource(status);
        const poller = new Poller(new Coalescer(source, { windowMs: 25, clock }), opts(clock));
        const short = poller
            .wait({
                id: "short",
                step: "NAT gateway short: waiting for available",
                done: (v) => v === "available",
                describe: String,
                deadline: new Deadline(3000, clock.now()),
            })
            .then(
                () => "resolved",
                (err) => err,
            );
        const long = poller.wait({
            id: "long",
            step: "long",
            done: (v) => v === "available",
            describe: String,
            deadline: new Deadline(60_000, clock.now()),
        });
        await clock.advance(4000);
        const err = await short;
        expect(err).to.be.instanceOf(DeadlineExceeded);
        expect((err as Error).message).to.match(/NAT gateway short: waiting for available: gave up after 3 s, still pending/);
        const before = source.calls.length;
        await clock.advance(4000);
        expect(source.calls.slice(before).every((ids) => ids.length === 1 && ids[0] === "long")).to.equal(true);
        status.set("long", "available");
        await clock.advance(2100);
        expect(await long).to.equal("available");
    });

    it("reports progress per waiter while it waits", async () => {
        const clock = new FakeClock();
        const source = fakeSource(new Map([["a", "pending"]]));
        const poller = new Poller(new Coalescer(source, { windowMs: 25, clock }), { ...opts(clock), progressEveryMs: 5000 });
        const lines: string[] = [];
        void poller
            .wait({
                id: "a",
                step: "NAT gateway a: waiting for available",
                done: () => false,
                describe: String,
                deadline: new Deadline(12_000, clock.now()),
                progress: (m) => lines.push(m),
            })
            .catch(() => undefined);
        await clock.advance(13_000);
        expect(lines.length).to.be.at.least(2);
        expect(lines[0]).to.match(/^NAT gateway a: waiting for available: still pending after \d+ s$/);
    });
});
