/**
 * The lifecycle driver (provider/lifecycle/driver.ts) against a fake kind: one
 * test per rule, including the cases in which the kinds used to disagree
 * (the incarnation of a takeover, how a takeover is recorded, the delete
 * guard without an ARN, what an R5 timeout does, update carry-over).
 */
import { expect } from "chai";
import { DeadlineExceeded, Deadline } from "../../provider/common/wait";
import { Tags } from "../../provider/common/tags";
import { KindAdapter, Liveness } from "../../provider/lifecycle/adapter";
import { lifecycleProvider, MAX_KEYS } from "../../provider/lifecycle/driver";
import { forgetClaims, INCARNATION_TAG, PENDING_CREATE_TAG, UNKNOWN_IDENTITY_FOR_TESTS } from "./fake-support";

interface Thing {
    id: string;
    key: string;
    state: "pending" | "live" | "deleting" | "failed";
    tags: Tags;
    size: number;
}

interface Inputs {
    size: number;
    key?: string;
    tags?: Tags;
    adopt?: unknown;
    __identity?: string;
}

/** An in-memory AWS with one resource type, and a call log. */
class FakeCloud {
    things = new Map<string, Thing>();
    calls: string[] = [];
    n = 0;
    /** Reads of a new thing answer "not found" this many times (R5). */
    invisibleReads = 0;
    /** What settle does: "ready" (pending -> live), "fail" (-> failed), "timeout", "throw", "gone". */
    settle: "ready" | "fail" | "timeout" | "throw" | "gone" = "ready";
    hidden = new Map<string, number>();
    add(t: Partial<Thing> & { key: string }): Thing {
        const thing: Thing = { id: `t-${++this.n}`, state: "live", tags: {}, size: 1, ...t };
        this.things.set(thing.id, thing);
        return thing;
    }
    live(): Thing[] {
        return [...this.things.values()];
    }
}

function fakeAdapter(cloud: FakeCloud, over: Partial<KindAdapter<Inputs, Thing>> = {}): KindAdapter<Inputs, Thing> {
    const copy = (t: Thing | undefined) => (t ? { ...t, tags: { ...t.tags } } : undefined);
    return {
        kind: "test:Thing",
        what: "thing",
        keyName: "Token",
        adoptId: { what: "a thing id (t-...)", pattern: /^t-\d+$/ },
        replaceField: "size",
        readyTimeout: "fail",
        readWaitsWhileDeleting: true,
        async validate(news) {
            const failures = typeof news.size === "number" ? [] : [{ property: "size", reason: "size is required: a number" }];
            return { inputs: { ...news } as Inputs, failures };
        },
        planAdoption(inputs, t) {
            return { failures: [], changes: inputs.size !== t.size ? [`size: ${t.size} -> ${inputs.size}`] : [] };
        },
        createKey: (inputs) => ({ base: inputs.key ?? `key-${inputs.__identity ?? "x"}`, walk: inputs.key === undefined }),
        nthKey: (base, n) => (n === 0 ? base : `${base}.${n}`),
        async createWithKey(inputs, key, lifecycle) {
            cloud.calls.push(`create ${key}`);
            const holder = cloud.live().find((t) => t.key === key);
            if (holder) {
                return { heldBy: copy(holder) };
            }
            const t = cloud.add({
                key,
                state: "pending",
                size: inputs.size,
                tags: { ...(inputs.tags ?? {}), [PENDING_CREATE_TAG]: lifecycle.pendingCreate, [INCARNATION_TAG]: lifecycle.incarnation },
            });
            if (cloud.invisibleReads > 0) {
                cloud.hidden.set(t.id, cloud.invisibleReads);
            }
            return { made: copy(t)! };
        },
        keyTaken: (key, holder) => new Error(`Token ${key} is taken${holder ? ` by ${holder.id}` : ""}`),
        idOf: (t) => t.id,
        async find(id) {
            cloud.calls.push(`find ${id}`);
            const hidden = cloud.hidden.get(id) ?? 0;
            if (hidden > 0) {
                cloud.hidden.set(id, hidden - 1);
                return undefined;
            }
            return copy(cloud.things.get(id));
        },
        liveness: (t): Liveness => (t.state === "failed" ? "failed" : t.state === "deleting" ? "deleting" : "live"),
        failure: () => ({ code: "Thing.Broken", message: "it broke" }),
        tagsOf: (t) => t.tags,
        markerOf: (t) => t.tags[PENDING_CREATE_TAG],
        async settle(_inputs, t, deadline) {
            const live = cloud.things.get(t.id);
            switch (cloud.settle) {
                case "timeout":
                    throw new DeadlineExceeded("waiting for ready", `waiting for ready: gave up after ${deadline.timeoutMs / 1000} s, still pending`);
                case "throw":
                    throw Object.assign(new Error("publishing failed: AccessDenied"), { awsCode: "AccessDenied" });
                case "gone":
                    cloud.things.delete(t.id);
                    return undefined;
                case "fail":
                    live!.state = "failed";
                    return copy(live);
                default:
                    live!.state = "live";
                    return copy(live);
            }
        },
        createDeadline: () => new Deadline(1000),
        async clearMarker(t) {
            cloud.calls.push(`clear ${t.id}`);
            delete cloud.things.get(t.id)!.tags[PENDING_CREATE_TAG];
        },
        async reconcile(inputs, t, how, incarnation) {
            cloud.calls.push(`reconcile ${t.id} ${how}`);
            const live = cloud.things.get(t.id)!;
            live.size = inputs.size;
            live.tags[INCARNATION_TAG] = incarnation;
            return copy(live)!;
        },
        outputs: (base, t, ctx) => ({ size: t.size, state: t.state, key: ctx.key ?? base.key, adopted: false, stray: base.stray }),
        diff: (_id, olds, news) => ({ changes: olds.size !== news.size, replaces: olds.size !== news.size ? ["size"] : [] }),
        async update(id, _olds, news) {
            cloud.things.get(id)!.size = news.size;
            return { size: news.size, adopted: false };
        },
        async remove(id) {
            cloud.calls.push(`remove ${id}`);
            cloud.things.delete(id);
        },
        async waitGone(id) {
            cloud.calls.push(`waitGone ${id}`);
            cloud.things.delete(id);
        },
        ...over,
    };
}

describe("lifecycle driver (unit, fake kind)", () => {
    let cloud: FakeCloud;
    let p: ReturnType<typeof lifecycleProvider>;
    const saved = { ...process.env };
    beforeEach(() => {
        forgetClaims();
        cloud = new FakeCloud();
        p = lifecycleProvider(fakeAdapter(cloud));
        process.env.ACKLESS_POLL_MIN_MS = "1";
        process.env.ACKLESS_POLL_MAX_MS = "2";
        process.env.ACKLESS_PROPAGATION_TIMEOUT_S = "0.2";
    });
    afterEach(() => {
        process.env = { ...saved };
    });

    describe("R1: create walks keys and takes over only an unfinished create", () => {
        it("a fresh key makes one resource, ready, marker cleared, with an incarnation", async () => {
            const r = await p.create({ size: 2, __identity: "a" });
            expect(cloud.live()).to.have.length(1);
            const t = cloud.things.get(r.id)!;
            expect(t.state).to.equal("live");
            expect(t.tags[PENDING_CREATE_TAG]).to.equal(undefined);
            expect(r.outs.incarnation).to.equal(t.tags[INCARNATION_TAG]).and.to.be.a("string");
            expect(r.outs.key).to.equal("key-a");
        });

        it("a holder marked with this key (an interrupted create) is taken over as a new incarnation; no second resource", async () => {
            const orphan = cloud.add({ key: "key-a", state: "pending", tags: { [PENDING_CREATE_TAG]: "key-a", [INCARNATION_TAG]: "first" } });
            const r = await p.create({ size: 2, __identity: "a" });
            expect(r.id).to.equal(orphan.id);
            expect(cloud.live()).to.have.length(1);
            expect(r.outs.incarnation).to.be.a("string").and.not.equal("first");
            expect(cloud.things.get(orphan.id)!.tags[INCARNATION_TAG]).to.equal(r.outs.incarnation);
            expect(cloud.calls).to.include(`reconcile ${orphan.id} taking over`);
            expect(cloud.things.get(orphan.id)!.tags[PENDING_CREATE_TAG]).to.equal(undefined);
            // Recorded as taken over for the new incarnation: the old state entry's delete leaves it alone (R2).
            await p.delete(orphan.id, { incarnation: "an-older-one" });
            expect(cloud.things.has(orphan.id)).to.equal(true);
        });

        describe("a create Pulumi may not have recorded (its `pulumi up` killed after the create finished)", () => {
            /** One `pulumi up`: the program's check (with its run nonce), then create, in a fresh provider process. */
            const up = async (run: string, inputs: Inputs) => {
                forgetClaims();
                const checked = await p.check({}, { ...inputs, __run: run });
                expect(checked.inputs).to.not.have.property("__run");
                return p.create(checked.inputs!);
            };

            it("keeps its marker and reports the run that must confirm it; the next up takes it over, no second resource", async () => {
                const first = await up("run-1", { size: 2, __identity: "killed" });
                expect(first.outs.unrecorded).to.equal("run-1");
                expect(cloud.things.get(first.id)!.state).to.equal("live");
                expect(cloud.things.get(first.id)!.tags[PENDING_CREATE_TAG]).to.equal("key-killed");
                // The engine died before recording it: the program never confirmed it, the state has no entry.
                const retry = await up("run-2", { size: 2, __identity: "killed" });
                expect(retry.id).to.equal(first.id);
                expect(cloud.live()).to.have.length(1);
                expect(retry.outs.key).to.equal("key-killed");
                // A new incarnation: a stale entry naming the id (unseen by this process) never deletes it.
                expect(retry.outs.incarnation).to.not.equal(first.outs.incarnation);
                await p.delete(first.id, first.outs);
                expect(cloud.things.has(first.id)).to.equal(true);
            });

            it("once the program confirms it (the engine recorded it), it is a completed one: never taken over", async () => {
                const first = await up("run-1", { size: 2, __identity: "kept" });
                await p.confirm(first.id, first.outs);
                expect(cloud.things.get(first.id)!.tags[PENDING_CREATE_TAG]).to.equal(undefined);
                const replacement = await up("run-2", { size: 2, __identity: "kept" });
                expect(replacement.id).to.not.equal(first.id);
                expect(replacement.outs.key).to.equal("key-kept.1");
            });

            for (const seen of ["diff", "read", "update", "delete of another entry"] as const) {
                it(`still marked, but shown in state by a ${seen} in this process: never taken over, its marker removed`, async () => {
                    const first = await up("run-1", { size: 2, __identity: "seen" });
                    forgetClaims();
                    if (seen === "diff") await p.diff(first.id, first.outs, { size: 2 });
                    if (seen === "read") await p.read(first.id, first.outs);
                    if (seen === "update") await p.update(first.id, first.outs, { size: 3 });
                    if (seen === "delete of another entry") {
                        cloud.things.get(first.id)!.tags[INCARNATION_TAG] = "newer";
                        await p.delete(first.id, { incarnation: "older" });
                    }
                    await noteRunAgain("run-2");
                    const replacement = await p.create({ size: 3, __identity: "seen" });
                    expect(replacement.id).to.not.equal(first.id);
                    expect(cloud.things.has(first.id)).to.equal(true);
                    expect(cloud.things.get(first.id)!.tags[PENDING_CREATE_TAG]).to.equal(undefined);
                });
            }

            describe("a kind whose ids are names: the entry's resource deleted, a failed run made a new one at the same id", () => {
                /** The entry's resource (incarnation of `outs`) replaced, at its id, by a marked create of another incarnation. */
                const remadeAtSameId = async (identity: string) => {
                    const first = await up("run-1", { size: 2, __identity: identity });
                    await p.confirm(first.id, first.outs);
                    cloud.things.set(first.id, {
                        id: first.id,
                        key: `key-${identity}`,
                        state: "live",
                        size: 2,
                        tags: { [PENDING_CREATE_TAG]: `key-${identity}`, [INCARNATION_TAG]: "made-by-the-failed-run" },
                    });
                    forgetClaims();
                    return first;
                };

                for (const seen of ["read", "diff"] as const) {
                    it(`shown the old entry by a ${seen}, the next create still takes the new one over: one resource, no walk`, async () => {
                        const first = await remadeAtSameId(`remade-${seen}`);
                        if (seen === "read") {
                            const r = await p.read(first.id, first.outs);
                            expect(r.id, "the entry's own resource is gone").to.equal("");
                        } else {
                            await p.diff(first.id, first.outs, { size: 2 });
                        }
                        await noteRunAgain("run-2");
                        const again = await p.create({ size: 2, __identity: `remade-${seen}` });
                        expect(again.id).to.equal(first.id);
                        expect(again.outs.key).to.equal(`key-remade-${seen}`);
                        expect(cloud.live()).to.have.length(1);
                        expect(cloud.calls).to.include(`reconcile ${first.id} taking over`);
                        // The old entry's delete (of the replacement) leaves the taken-over resource alone (R2).
                        await p.delete(first.id, first.outs);
                        expect(cloud.things.has(first.id)).to.equal(true);
                    });
                }

                it("read of an entry whose program declares adopt keeps it, vanished, so the next up replaces it", async () => {
                    const first = await remadeAtSameId("remade-adopt");
                    const r = await p.read(first.id, { ...first.outs, adoptDeclared: true });
                    expect(r.id).to.equal(first.id);
                    expect(r.props).to.include({ vanished: true });
                });

                it("the same incarnation still marked is the entry's own: live, never taken over", async () => {
                    const first = await up("run-1", { size: 2, __identity: "same" });
                    forgetClaims();
                    const r = await p.read(first.id, first.outs);
                    expect(r.id).to.equal(first.id);
                    expect(r.props).to.not.have.property("vanished");
                });
            });

            it("an update of an entry still marked removes the marker and the output", async () => {
                const first = await up("run-1", { size: 2, __identity: "upd" });
                const u = await p.update(first.id, first.outs, { size: 4 });
                expect(u.outs).to.not.have.property("unrecorded");
                expect(cloud.things.get(first.id)!.tags[PENDING_CREATE_TAG]).to.equal(undefined);
            });

            it("without a program to confirm it (no run nonce), create removes the marker itself, as before", async () => {
                const r = await p.create({ size: 2, __identity: "legacy" });
                expect(r.outs).to.not.have.property("unrecorded");
                expect(cloud.things.get(r.id)!.tags[PENDING_CREATE_TAG]).to.equal(undefined);
            });

            /** The run nonce as the next check of the same process would note it. */
            function noteRunAgain(run: string) {
                return p.check({}, { size: 1, __run: run, __identity: UNKNOWN_IDENTITY_FOR_TESTS });
            }
        });

        it("a completed holder (no marker) is never taken over: the walk makes a new one", async () => {
            const original = cloud.add({ key: "key-a", tags: { [INCARNATION_TAG]: "orig" } });
            const r = await p.create({ size: 2, __identity: "a" });
            expect(r.id).to.not.equal(original.id);
            expect(r.outs.key).to.equal("key-a.1");
            expect(cloud.things.get(original.id)!.tags[INCARNATION_TAG]).to.equal("orig");
        });

        it("a completed original holding what the new one needs (exclusiveWith) is deleted first, then the walk makes the new one", async () => {
            const original = cloud.add({ key: "key-a", size: 2, tags: { [INCARNATION_TAG]: "orig" } });
            const held: string[] = [];
            const q = lifecycleProvider(
                fakeAdapter(cloud, {
                    exclusiveWith: (inputs, t) => {
                        held.push(t.id);
                        return t.size === inputs.size ? `size ${t.size}` : undefined;
                    },
                }),
            );
            const r = await q.create({ size: 2, __identity: "a" });
            expect(held).to.deep.equal([original.id]);
            expect(cloud.things.has(original.id)).to.equal(false);
            expect(cloud.calls.indexOf(`remove ${original.id}`)).to.be.lessThan(cloud.calls.indexOf("create key-a.1"));
            expect(r.outs.key).to.equal("key-a.1");
            expect(cloud.live().map((t) => t.id)).to.deep.equal([r.id]);
            // The engine's later delete of the old state entry finds it gone and leaves the new one alone.
            await q.delete(original.id, { incarnation: "orig" });
            expect(cloud.live().map((t) => t.id)).to.deep.equal([r.id]);
        });

        it("exclusiveWith is never asked about an unfinished create, a declared key's holder, or a deleting one; nothing else is deleted", async () => {
            const asked: string[] = [];
            const exclusiveWith = (_i: Inputs, t: Thing) => (asked.push(t.id), "everything");
            const mine = cloud.add({ key: "mine" });
            const q = lifecycleProvider(fakeAdapter(cloud, { exclusiveWith }));
            await q.create({ size: 2, key: "mine" }).catch(() => undefined);
            cloud.add({ key: "key-b", state: "deleting" });
            cloud.add({ key: "key-b.1", state: "pending", tags: { [PENDING_CREATE_TAG]: "other" } });
            const other = await q.create({ size: 2, __identity: "b" });
            expect(asked).to.deep.equal([]);
            expect(cloud.things.has(mine.id)).to.equal(true);
            expect(other.outs.key).to.equal("key-b.2");
            // Without the hook (or when it answers undefined) a completed original is kept: the walk creates beside it.
            const original = cloud.add({ key: "key-c", tags: { [INCARNATION_TAG]: "orig" } });
            const r = await lifecycleProvider(fakeAdapter(cloud, { exclusiveWith: () => undefined })).create({ size: 2, __identity: "c" });
            expect(cloud.things.has(original.id)).to.equal(true);
            expect(r.outs.key).to.equal("key-c.1");
        });

        describe("an original the walk cannot find (originalHolding: renamed, or other creation fields)", () => {
            /**
             * The fake kind whose originalHolding answers a live thing tagged owner "me" of the same size, and whose
             * new things fail (as AWS fails a second holder of an Elastic IP) while such a thing exists.
             */
            const withOwners = () => {
                const holding = (size: number) => cloud.live().find((x) => x.tags.owner === "me" && x.size === size && x.state !== "failed");
                return lifecycleProvider(
                    fakeAdapter(cloud, {
                        async originalHolding(inputs) {
                            cloud.calls.push("originalHolding");
                            const t = holding(inputs.size);
                            return t ? { original: { ...t, tags: { ...t.tags } }, held: `size ${t.size}` } : undefined;
                        },
                        async settle(_inputs, t) {
                            const live = cloud.things.get(t.id)!;
                            live.state = holding(live.size) && holding(live.size)!.id !== t.id ? "failed" : "live";
                            return { ...live, tags: { ...live.tags } };
                        },
                    }),
                );
            };

            it("the new one fails while a completed, live original holds what it needs: the original is deleted, the next key makes it", async () => {
                const original = cloud.add({ key: "old-key", size: 2, tags: { owner: "me", [INCARNATION_TAG]: "orig" } });
                const r = await withOwners().create({ size: 2, __identity: "renamed" });
                const failed = cloud.calls.find((c) => c.startsWith("remove ") && c !== `remove ${original.id}`);
                expect(cloud.calls.filter((c) => /^(create|remove|originalHolding)/.test(c))).to.deep.equal([
                    "create key-renamed",
                    failed,
                    "originalHolding",
                    `remove ${original.id}`,
                    "create key-renamed.1",
                ]);
                expect(cloud.live().map((t) => t.id)).to.deep.equal([r.id]);
                expect(r.outs.key).to.equal("key-renamed.1");
            });

            it("a create that does not fail never asks; an unfinished (marked) original is left alone and the create fails", async () => {
                await withOwners().create({ size: 5, __identity: "plain" });
                expect(cloud.calls).to.not.include("originalHolding");
                const marked = cloud.add({ key: "old-1", size: 2, state: "pending", tags: { owner: "me", [PENDING_CREATE_TAG]: "old-1" } });
                const err = await withOwners()
                    .create({ size: 2, __identity: "x" })
                    .catch((e) => e);
                expect(err.message).to.match(/failed: Thing\.Broken/);
                expect(cloud.things.has(marked.id)).to.equal(true);
                expect(cloud.calls.filter((c) => c === `remove ${marked.id}`)).to.deep.equal([]);
            });

            it("nothing of this resource holding it: the failure is reported as before, nothing else deleted", async () => {
                const other = cloud.add({ key: "old-3", size: 4, tags: { owner: "someone else" } });
                cloud.settle = "fail";
                const p2 = lifecycleProvider(fakeAdapter(cloud, { originalHolding: async () => undefined }));
                const err = await p2.create({ size: 4, __identity: "z" }).catch((e) => e);
                expect(err.message).to.match(/failed: Thing\.Broken: it broke; it was deleted so the next pulumi up can retry/);
                expect(cloud.live().map((t) => t.id)).to.deep.equal([other.id]);
            });
        });

        it("a holder marked with another key is not ours either", async () => {
            cloud.add({ key: "key-a", state: "pending", tags: { [PENDING_CREATE_TAG]: "key-b" } });
            const r = await p.create({ size: 2, __identity: "a" });
            expect(r.outs.key).to.equal("key-a.1");
        });

        it("deleting and already-deleted holders use their key up", async () => {
            cloud.add({ key: "key-a", state: "deleting", tags: { [PENDING_CREATE_TAG]: "key-a" } });
            const adapter = fakeAdapter(cloud);
            const base = adapter.createWithKey.bind(adapter);
            adapter.createWithKey = async (inputs, key, tags) => (key === "key-a.1" ? { heldBy: undefined } : base(inputs, key, tags));
            const r = await lifecycleProvider(adapter).create({ size: 2, __identity: "a" });
            expect(r.outs.key).to.equal("key-a.2");
        });

        describe("a kind whose keys are freed on delete (keyFreedOnDelete: names)", () => {
            /** The fake kind with keyFreedOnDelete, whose create of `key` answers "taken, holder unknown" `times` times first. */
            function unseenHolder(key: string, times: number) {
                const adapter = fakeAdapter(cloud, { keyFreedOnDelete: true });
                const base = adapter.createWithKey.bind(adapter);
                let left = times;
                adapter.createWithKey = async (inputs, k, tags) => {
                    if (k === key && left > 0) {
                        left--;
                        cloud.calls.push(`create ${k} (holder unseen)`);
                        return { heldBy: undefined };
                    }
                    return base(inputs, k, tags);
                };
                return lifecycleProvider(adapter);
            }

            it("a taken key whose holder does not show yet is retried until it shows, never walked past: the lost attempt is taken over", async () => {
                // An earlier attempt of this create made it (its answer was lost); reads do not show it yet.
                const lost = cloud.add({ key: "key-a", state: "pending", tags: { [PENDING_CREATE_TAG]: "key-a" } });
                const r = await unseenHolder("key-a", 3).create({ size: 2, __identity: "a" });
                expect(r.id).to.equal(lost.id);
                expect(cloud.live()).to.have.length(1);
                const creates = cloud.calls.filter((c) => c.startsWith("create"));
                expect(creates).to.deep.equal([...Array(3).fill("create key-a (holder unseen)"), "create key-a"]);
            });

            it("a name freed meanwhile is made with that same key, not the next", async () => {
                const r = await unseenHolder("key-a", 2).create({ size: 2, __identity: "a" });
                expect(r.outs.key).to.equal("key-a");
                expect(cloud.live()).to.have.length(1);
            });

            it("a holder that never shows fails the create naming the key and the retry; nothing is made", async () => {
                const lost = cloud.add({ key: "key-a", state: "pending", tags: { [PENDING_CREATE_TAG]: "key-a" } });
                const err = await unseenHolder("key-a", 1_000_000)
                    .create({ size: 2, __identity: "a" })
                    .catch((e) => e);
                expect(err.awsCode).to.equal("KeyHolderNotVisible");
                expect(err.message).to.match(/the Token key-a is taken, but reading it still shows nothing after .*Run pulumi up again/);
                expect(cloud.live().map((t) => t.id)).to.deep.equal([lost.id]);
            });

            it("without it, the same answer is a deleted holder's and the walk goes on (why names need it)", async () => {
                cloud.add({ key: "key-a", state: "pending", tags: { [PENDING_CREATE_TAG]: "key-a" } });
                const adapter = fakeAdapter(cloud);
                const base = adapter.createWithKey.bind(adapter);
                adapter.createWithKey = async (inputs, k, tags) => (k === "key-a" ? { heldBy: undefined } : base(inputs, k, tags));
                const r = await lifecycleProvider(adapter).create({ size: 2, __identity: "a" });
                expect(r.outs.key).to.equal("key-a.1");
                expect(cloud.live()).to.have.length(2);
            });
        });

        it("a failed holder of an earlier attempt is deleted, then the walk goes on", async () => {
            const failed = cloud.add({ key: "key-a", state: "failed", tags: { [PENDING_CREATE_TAG]: "key-a" } });
            const r = await p.create({ size: 2, __identity: "a" });
            expect(cloud.things.has(failed.id)).to.equal(false);
            expect(r.outs.key).to.equal("key-a.1");
        });

        it("a declared key is never walked: a completed holder fails with the kind's message, nothing is made", async () => {
            const holder = cloud.add({ key: "mine" });
            const err = await p.create({ size: 2, key: "mine" }).catch((e) => e);
            expect(err.message).to.equal(`Token mine is taken by ${holder.id}`);
            expect(cloud.live()).to.have.length(1);
        });

        it("a declared key's own interrupted create is taken over all the same", async () => {
            const orphan = cloud.add({ key: "mine", state: "pending", tags: { [PENDING_CREATE_TAG]: "mine" } });
            const r = await p.create({ size: 2, key: "mine" });
            expect(r.id).to.equal(orphan.id);
        });

        it(`gives up after ${MAX_KEYS} keys, naming them`, async () => {
            for (let n = 0; n < MAX_KEYS; n++) {
                cloud.add({ key: n === 0 ? "key-a" : `key-a.${n}` });
            }
            const err = await p.create({ size: 2, __identity: "a" }).catch((e) => e);
            expect(err.awsCode).to.equal("KeysExhausted");
            expect(err.message).to.match(/the 20 Tokens of this resource \(key-a, key-a\.1, \.\.\.\)/);
            expect(cloud.live()).to.have.length(MAX_KEYS);
        });
    });

    describe("R2: a delete never removes what this run created, adopted or took over for another incarnation", () => {
        it("in process: the old entry of an id this run created is dropped, the resource kept", async () => {
            const r = await p.create({ size: 1, __identity: "a" });
            await p.delete(r.id, { size: 1 }); // an older state entry without an incarnation
            await p.delete(r.id, { incarnation: "older" });
            expect(cloud.things.has(r.id)).to.equal(true);
            await p.delete(r.id, r.outs);
            expect(cloud.things.has(r.id)).to.equal(false);
        });

        it("durable: a live incarnation tag newer than the entry's keeps the resource (every kind, with or without an ARN)", async () => {
            const t = cloud.add({ key: "k", tags: { [INCARNATION_TAG]: "newer" } });
            await p.delete(t.id, { incarnation: "older" });
            expect(cloud.things.has(t.id)).to.equal(true);
            await p.delete(t.id, { incarnation: "newer" });
            expect(cloud.things.has(t.id)).to.equal(false);
        });

        it("an entry without an incarnation deletes without a guard read; a gone resource is done", async () => {
            const t = cloud.add({ key: "k", tags: { [INCARNATION_TAG]: "x" } });
            await p.delete(t.id, {});
            expect(cloud.calls).to.deep.equal([`remove ${t.id}`]);
            cloud.calls = [];
            await p.delete("t-999", { incarnation: "x" });
            expect(cloud.calls).to.deep.equal(["find t-999"]);
        });
    });

    describe("R3: adoption happens once, on a first create", () => {
        it("check keeps adopt on a first create only, and previews the adoption", async () => {
            const t = cloud.add({ key: "k", size: 1 });
            const first = await p.check({}, { size: 2, adopt: { id: t.id }, __identity: "r3" });
            expect(first.failures).to.deep.equal([]);
            expect(first.inputs!.adopt).to.deep.equal({ id: t.id });
            const existing = await p.check({ size: 2 }, { size: 2, adopt: { id: t.id }, __identity: "r3" });
            expect(existing.inputs!.adopt).to.equal(undefined);
            // The engine's re-check of a replacement (no old inputs) of a resource seen with old inputs.
            const recheck = await p.check({}, { size: 3, adopt: { id: t.id }, __identity: "r3" });
            expect(recheck.inputs!.adopt).to.equal(undefined);
        });

        it("adopt: reconciles the live resource, marks it adopted, tags a new incarnation; mode adopt of a missing id fails", async () => {
            const t = cloud.add({ key: "k", size: 1, tags: { [INCARNATION_TAG]: "someone-elses" } });
            const r = await p.create({ size: 2, adopt: { id: t.id } });
            expect(r.id).to.equal(t.id);
            expect(r.outs.adopted).to.equal(true);
            expect(cloud.things.get(t.id)!.size).to.equal(2);
            expect(cloud.things.get(t.id)!.tags[INCARNATION_TAG]).to.equal(r.outs.incarnation).and.not.equal("someone-elses");
            const check = await p.check({}, { size: 2, adopt: { id: "t-404" }, __identity: "other" });
            expect(check.failures!.map((f) => f.property)).to.deep.equal(["adopt"]);
            const err = await p.create({ size: 2, adopt: { id: "t-404" } }).catch((e) => e);
            expect(err.awsCode).to.equal("AdoptTargetNotFound");
            expect(cloud.live()).to.have.length(1);
        });

        it("adopt-or-create of a missing id creates; a failed resource is never adopted", async () => {
            const made = await p.create({ size: 2, adopt: { id: "t-404", mode: "adopt-or-create" }, __identity: "a" });
            expect(made.outs.adopted).to.equal(undefined);
            const failed = cloud.add({ key: "f", state: "failed" });
            const check = await p.check({}, { size: 2, adopt: { id: failed.id }, __identity: "b" });
            expect(check.failures![0].reason).to.match(/is failed \(Thing.Broken: it broke\); a failed thing cannot be adopted/);
        });
        it("a refused adoption of a resource that already carries an incarnation names the targeted-replacement fix (remove adopt)", async () => {
            const refusing = lifecycleProvider(
                fakeAdapter(cloud, {
                    planAdoption: (inputs, t) => ({
                        failures: inputs.size !== t.size ? [{ property: "size", reason: `size cannot change: ${t.size} is live` }] : [],
                        changes: [],
                    }),
                }),
            );
            const managed = cloud.add({ key: "m", size: 1, tags: { [INCARNATION_TAG]: "i-1" } });
            const foreign = cloud.add({ key: "f", size: 1 });
            // The engine's re-check of `up --replace` / `state taint` of an adopted resource: no old inputs, adopt declared.
            const recheck = await refusing.check({}, { size: 2, adopt: { id: managed.id }, __identity: "r3-managed" });
            expect(recheck.failures!.map((f) => f.property)).to.deep.equal(["size"]);
            expect(recheck.failures![0].reason).to.match(/^size cannot change: 1 is live\. thing t-\d+ already carries ackless:incarnation\./);
            expect(recheck.failures![0].reason).to.match(/pulumi up --replace.*pulumi state taint.*remove adopt from the program/);
            // A first adoption of something ackless never managed keeps the kind's message alone.
            const first = await refusing.check({}, { size: 2, adopt: { id: foreign.id }, __identity: "r3-foreign" });
            expect(first.failures!.map((f) => f.reason)).to.deep.equal(["size cannot change: 1 is live"]);
        });
    });

    describe("R4: an adopted resource deleted outside Pulumi stays, marked vanished, and is replaced", () => {
        it("read keeps an adopted one as vanished, drops a created one; diff of a vanished one replaces, deleting first", async () => {
            const adopted = await p.read("t-1", { size: 1, adopted: true, incarnation: "i" });
            expect(adopted).to.deep.equal({ id: "t-1", props: { size: 1, adopted: true, incarnation: "i", vanished: true } });
            expect(await p.read("t-1", { size: 1 })).to.deep.equal({ id: "", props: {} });
            const d = await p.diff("t-1", adopted.props, { size: 1 });
            expect(d).to.include({ changes: true, deleteBeforeReplace: true });
            expect(d.replaces).to.deep.equal(["size"]);
        });

        it("covers every incarnation of a resource whose program declares adopt: a created replacement found gone stays, vanished", async () => {
            const original = cloud.add({ key: "k", size: 1 });
            const first = await p.check({}, { size: 1, adopt: { id: original.id }, __identity: "r4-declared" });
            const adopted = await p.create(first.inputs!);
            // A program change replaces it: check with the old inputs, the engine's re-check, then a create that never adopts (R3).
            await p.check(first.inputs!, { size: 2, adopt: { id: original.id }, __identity: "r4-declared" });
            const again = await p.check({}, { size: 2, adopt: { id: original.id }, __identity: "r4-declared" });
            expect(again.inputs!.adopt).to.equal(undefined);
            const made = await p.create(again.inputs!);
            expect(made.id).to.not.equal(adopted.id);
            expect(made.outs).to.not.have.property("adopted");
            expect(made.outs.adoptDeclared).to.equal(true);
            // Deleted outside Pulumi; a later process's refresh keeps it, vanished, so the next up replaces it (not adopt again).
            cloud.things.delete(made.id);
            forgetClaims();
            const read = await p.read(made.id, made.outs);
            expect(read).to.deep.include({ id: made.id });
            expect(read.props).to.include({ vanished: true, adoptDeclared: true });
            expect((await p.diff(made.id, read.props, again.inputs!)).deleteBeforeReplace).to.equal(true);
            // An update keeps the mark; a resource whose program never declared adopt is dropped as before.
            const t = cloud.add({ key: "u", size: 1 });
            expect((await p.update(t.id, { size: 1, adoptDeclared: true }, { size: 3 })).outs.adoptDeclared).to.equal(true);
            const plain = await p.create({ size: 1, __identity: "r4-plain" });
            expect(plain.outs).to.not.have.property("adoptDeclared");
            cloud.things.delete(plain.id);
            expect(await p.read(plain.id, plain.outs)).to.deep.equal({ id: "", props: {} });
        });

        it("a read that finds it deleting waits until it is gone", async () => {
            const t = cloud.add({ key: "k", state: "deleting" });
            expect(await p.read(t.id, { size: 1 })).to.deep.equal({ id: "", props: {} });
            expect(cloud.calls).to.include(`waitGone ${t.id}`);
        });
    });

    describe("R5 and the timeout policy", () => {
        it("a new resource reads as not found for a while: waited for, never taken as gone (one create call)", async () => {
            cloud.invisibleReads = 3;
            const r = await p.create({ size: 1, __identity: "a" });
            expect(cloud.calls.filter((c) => c.startsWith("create"))).to.deep.equal(["create key-a"]);
            expect(cloud.calls.filter((c) => c === `find ${r.id}`).length).to.be.greaterThan(3);
        });

        it("still invisible after the propagation timeout: fails naming the key; it stays marked, and the retry takes it over", async () => {
            cloud.invisibleReads = 1_000_000;
            const err = await p.create({ size: 1, __identity: "a" }).catch((e) => e);
            expect(err.awsCode).to.equal("NotVisibleAfterCreate");
            expect(err.message).to.match(/was created \(Token key-a\).*same Token finds this thing/);
            const [t] = cloud.live();
            expect(t.tags[PENDING_CREATE_TAG]).to.equal("key-a");
            cloud.hidden.clear();
            forgetClaims();
            const retry = await p.create({ size: 1, __identity: "a" });
            expect(retry.id).to.equal(t.id);
            expect(cloud.live()).to.have.length(1);
        });

        it("ready wait runs out: `fail` kinds fail naming the retry (resource kept, marked); `warn` kinds finish", async () => {
            cloud.settle = "timeout";
            const err = await p.create({ size: 1, __identity: "a" }).catch((e) => e);
            expect(err.awsCode).to.equal("DeadlineExceeded");
            expect(err.message).to.match(/not ready after 1 s .*still pending.*same Token finds it/);
            expect(cloud.live()[0].tags[PENDING_CREATE_TAG]).to.equal("key-a");
            const warned = lifecycleProvider(fakeAdapter(cloud, { readyTimeout: "warn" }));
            const r = await warned.create({ size: 1, __identity: "b" });
            expect(r.outs.state).to.equal("pending");
        });

        it("any other failure once it exists: the error says the next up takes it over; nothing is deleted", async () => {
            cloud.settle = "throw";
            const err = await p.create({ size: 1, __identity: "a" }).catch((e) => e);
            expect(err.awsCode).to.equal("AccessDenied");
            expect(err.message).to.match(/publishing failed: AccessDenied \(thing t-1 stays marked as an unfinished create/);
            expect(cloud.things.has("t-1")).to.equal(true);
        });

        it("a resource AWS reports failed is deleted by the create that made it, with AWS's reason", async () => {
            cloud.settle = "fail";
            const err = await p.create({ size: 1, __identity: "a" }).catch((e) => e);
            expect(err.awsCode).to.equal("Thing.Broken");
            expect(err.message).to.match(/thing t-1 failed: Thing.Broken: it broke; it was deleted so the next pulumi up can retry/);
            expect(cloud.live()).to.have.length(0);
        });

        it("gone while settling: the key is used up and the next one makes it", async () => {
            const adapter = fakeAdapter(cloud);
            let first = true;
            const settle = adapter.settle.bind(adapter);
            adapter.settle = async (inputs, t, deadline) => {
                if (first) {
                    first = false;
                    cloud.things.delete(t.id);
                    return undefined;
                }
                return settle(inputs, t, deadline);
            };
            const r = await lifecycleProvider(adapter).create({ size: 1, __identity: "a" });
            expect(r.outs.key).to.equal("key-a.1");
        });
    });

    describe("update and read carry the lifecycle outputs over, once, for every kind", () => {
        it("adopted and incarnation come from the old state, whatever the kind returns; vanished never", async () => {
            const t = cloud.add({ key: "k" });
            const u = await p.update(t.id, { size: 1, adopted: true, incarnation: "i", vanished: true }, { size: 5 });
            expect(u.outs).to.deep.equal({ size: 5, adopted: true, incarnation: "i" });
            const plain = await p.update(t.id, { size: 5 }, { size: 6 });
            expect(plain.outs).to.deep.equal({ size: 6 });
            const r = await p.read(t.id, { size: 6, incarnation: "i" });
            expect(r.props).to.include({ incarnation: "i" });
            expect(r.props).to.not.have.property("adopted");
        });
    });

    describe("an update that meets a resource deleted outside Pulumi (one rule, whatever call of the kind met it)", () => {
        const notFound = () => Object.assign(new Error("404: no such thing"), { name: "NoSuchThing", $metadata: { httpStatusCode: 404 } });
        const failingUpdate = (err: () => Error) =>
            lifecycleProvider(
                fakeAdapter(cloud, {
                    async update() {
                        throw err();
                    },
                }),
            );

        it("gone (or deleting): fails naming the resource and the fix, with AWS's code, not the raw 404", async () => {
            const t = cloud.add({ key: "k" });
            cloud.things.delete(t.id);
            const err = await failingUpdate(notFound)
                .update(t.id, { size: 1 }, { size: 2 })
                .catch((e) => e);
            expect(err.message).to.equal(
                `updating thing ${t.id}: it no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) to recreate it`,
            );
            expect(err.awsCode).to.equal("NoSuchThing");
            const d = cloud.add({ key: "d", state: "deleting" });
            const err2 = await failingUpdate(notFound)
                .update(d.id, { size: 1 }, { size: 2 })
                .catch((e) => e);
            expect(err2.message).to.match(/it no longer exists; run `pulumi refresh`/);
        });

        it("still there: the kind's own error, as it was", async () => {
            const t = cloud.add({ key: "k" });
            const denied = () => Object.assign(new Error("AccessDenied: not allowed"), { awsCode: "AccessDenied" });
            const err = await failingUpdate(denied)
                .update(t.id, { size: 1 }, { size: 2 })
                .catch((e) => e);
            expect(err.message).to.equal("AccessDenied: not allowed");
        });

        it("unreadable now (the re-read fails too): the kind's own error, never a guess that it is gone", async () => {
            const t = cloud.add({ key: "k" });
            const adapter = fakeAdapter(cloud, {
                async update() {
                    throw notFound();
                },
                async find() {
                    throw new Error("connect ETIMEDOUT");
                },
            });
            const err = await lifecycleProvider(adapter)
                .update(t.id, { size: 1 }, { size: 2 })
                .catch((e) => e);
            expect(err.message).to.equal("404: no such thing");
        });
    });

    it("check reports the kind's failures and the adopt failures, naming each field", async () => {
        const r = await p.check({}, { adopt: { id: "nope" }, __identity: UNKNOWN_IDENTITY_FOR_TESTS });
        expect(r.failures!.map((f) => f.property).sort()).to.deep.equal(["adopt", "size"]);
        expect(r.failures!.find((f) => f.property === "adopt")!.reason).to.match(/adopt.id "nope" is not a thing id/);
    });
});
