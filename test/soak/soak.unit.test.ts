/**
 * The soak's parts that need no engine: the seeded PRNG, program edits, the
 * operation generator, the invariant model, the shrinker and the closing line.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs, parseMix } from "./cli";
import { KINDS, soakProgram } from "./kinds";
import { checkInvariants, Snapshot, StateEntry } from "./model";
import { applyEdit, destroyableInPlace, Entry, Generator, newEntry, Op, replaceableInPlace, View } from "./ops";
import { hashSeed, Prng } from "./prng";
import { removeEmptySidecars } from "./sidecars";
import { shrink } from "./shrink";
import { summaryLine } from "./soak";

const draws = (seed: number | string, n: number) => {
    const p = new Prng(seed);
    return Array.from({ length: n }, () => p.next());
};

const entry = (name: string, over: Partial<StateEntry> = {}): StateEntry => ({
    urn: `urn:pulumi:test::soak::pulumi-nodejs:dynamic/ackless:NatGateway::${name}`,
    name,
    kind: "nat",
    id: `nat-${name}`,
    retain: false,
    protect: false,
    pendingDelete: false,
    ...over,
});
const snap = (live: string[], state: StateEntry[]): Snapshot => ({ live: new Map(live.map((id) => [id, "nat"])), state });

describe("soak: seeded PRNG", () => {
    it("one seed draws one sequence; another seed another", () => {
        expect(draws(42, 20)).to.deep.equal(draws(42, 20));
        expect(draws("42", 20), "a numeric string is the same seed").to.deep.equal(draws(42, 20));
        expect(draws(43, 20)).to.not.deep.equal(draws(42, 20));
        expect(draws("alpha", 5)).to.not.deep.equal(draws("beta", 5));
        expect(hashSeed("alpha")).to.equal(hashSeed("alpha"));
    });

    it("int stays in its bounds and reaches both; weighted never draws a zero weight", () => {
        const p = new Prng(1);
        const seen = new Set<number>();
        for (let i = 0; i < 500; i++) {
            const x = p.int(3, 6);
            expect(x).to.be.within(3, 6);
            seen.add(x);
            expect(p.weighted({ a: 1, b: 0, c: 3 })).to.not.equal("b");
        }
        expect([...seen].sort()).to.deep.equal([3, 4, 5, 6]);
        expect(p.weighted({ a: 0 })).to.equal(undefined);
        expect(() => p.pick([])).to.throw(/empty/);
    });
});

describe("soak: program edits", () => {
    it("add, edit, rename (keeping the old name as an alias), remove; a taken name does not apply", () => {
        let spec: Entry[] = applyEdit([], { t: "add", kind: "nat", name: "nat1" })!;
        expect(spec).to.deep.equal([newEntry("nat", "nat1")]);
        spec = applyEdit(spec, { t: "edit", name: "nat1", field: "tag" })!;
        spec = applyEdit(spec, { t: "forceReplace", name: "nat1" })!;
        spec = applyEdit(spec, { t: "rename", name: "nat1", to: "nat2" })!;
        expect(spec[0]).to.include({ name: "nat2", key: "nat1", tag: 2, r: 1 });
        expect(spec[0].aliases).to.deep.equal(["nat1"]);
        expect(applyEdit(spec, { t: "add", kind: "fn", name: "nat1" }), "an alias is a taken name").to.equal(undefined);
        expect(applyEdit(spec, { t: "remove", name: "nat1" }), "no longer declared under that name").to.equal(undefined);
        expect(applyEdit(spec, { t: "remove", name: "nat2" })).to.deep.equal([]);
    });

    it("one handle is adopted by one entry only", () => {
        const spec = applyEdit([], { t: "adopt", kind: "fn", handle: "h1", name: "a1", retain: true })!;
        expect(spec[0]).to.include({ adopt: "h1", retain: true });
        expect(applyEdit(spec, { t: "adopt", kind: "fn", handle: "h1", name: "a2", retain: false })).to.equal(undefined);
    });

    it("a declared AWS identity is never replaced create-before-delete, nor re-created beside its retained copy", () => {
        const spec: Entry[] = [
            { ...newEntry("fn", "f"), r: 1, retain: true },
            { ...newEntry("fn", "g"), r: 0, retain: true },
            { ...newEntry("nat", "n"), r: 3, retain: true },
        ];
        expect(["f", "g", "n"].map((n) => replaceableInPlace(spec, n))).to.deep.equal([false, true, true]);
        expect(["f", "g", "n", "gone"].map((n) => destroyableInPlace(spec, n))).to.deep.equal([false, true, true, true]);
        // Renamed in the program but not yet by an up: the state entry still has the old name, an alias of the entry.
        const renamed = applyEdit(spec, { t: "rename", name: "f", to: "f2" })!;
        expect(replaceableInPlace(renamed, "f")).to.equal(false);
        expect(destroyableInPlace(renamed, "f")).to.equal(false);
        // Retain turned off in the program but not yet recorded by an up: destroy (no program run) still retains.
        const unretained = applyEdit(spec, { t: "retain", name: "f", on: false })!;
        expect(destroyableInPlace(unretained, "f")).to.equal(true);
        expect(destroyableInPlace(unretained, "f", true)).to.equal(false);
        expect(destroyableInPlace(unretained, "g", true), "a generated identity is re-created beside its copy").to.equal(true);
    });
});

describe("soak: operation generator", () => {
    const view = (spec: Entry[], inState: string[] = [], over: Partial<View> = {}): View => ({
        spec,
        inState: new Set(inState),
        protectedInState: new Set(),
        free: [],
        faultsOn: false,
        consistencyOn: false,
        ...over,
    });

    it("the same seed and the same views draw the same operations", () => {
        const run = () => {
            const g = new Generator(new Prng(9), { kinds: ["nat", "fn"], faults: true });
            let spec: Entry[] = [];
            const ops: Op[] = [];
            for (let i = 0; i < 60; i++) {
                const op = g.next(
                    view(
                        spec,
                        spec.map((e) => e.name),
                    ),
                );
                ops.push(op);
                if (["add", "remove", "edit", "forceReplace", "rename", "protect", "retain"].includes(op.t))
                    spec = applyEdit(spec, op as any) ?? spec;
            }
            return ops;
        };
        expect(run()).to.deep.equal(run());
    });

    it("draws only operations that apply: declared names, unprotected removals, soaked kinds, no faults when off", () => {
        const g = new Generator(new Prng(3), { kinds: ["fn"], faults: false });
        let spec: Entry[] = [];
        const kinds = new Set<string>();
        for (let i = 0; i < 400; i++) {
            const v = view(
                spec,
                spec.map((e) => e.name),
                { protectedInState: new Set(spec.filter((e) => e.protect).map((e) => e.name)) },
            );
            const op = g.next(v);
            kinds.add(op.t);
            expect(["faults", "consistency"]).to.not.include(op.t);
            if ("kind" in op) expect(op.kind).to.equal("fn");
            if (op.t === "remove" || op.t === "forceReplace") expect(spec.find((e) => e.name === op.name)?.protect).to.equal(false);
            if (op.t === "forceReplace")
                expect(spec.find((e) => e.name === op.name)?.adopt, "never replaces an adoption not made yet").to.equal(undefined);
            if (op.t === "upReplace" || op.t === "taint" || op.t === "destroyTarget")
                expect(spec.find((e) => e.name === op.name)?.protect).to.equal(false);
            if (["remove", "edit", "forceReplace", "rename", "protect", "retain", "upTarget"].includes(op.t)) {
                expect(spec.map((e) => e.name)).to.include((op as any).name);
            }
            if (["add", "remove", "edit", "forceReplace", "rename", "protect", "retain"].includes(op.t)) {
                const next = applyEdit(spec, op as any);
                expect(next, `${JSON.stringify(op)} applies`).to.not.equal(undefined);
                spec = next!;
            }
            expect(spec.length).to.be.at.most(6);
        }
        for (const t of ["add", "remove", "edit", "up", "preview", "refresh", "upRefresh", "kill", "oobCreate", "oobDelete"]) {
            expect(kinds, `drew a ${t}`).to.include(t);
        }
    });

    it("--mix overrides weights: kill=0 never kills; an operation that cannot apply is never drawn, whatever its weight", () => {
        expect(parseMix("kill=0,up=2")).to.deep.equal({ kill: 0, up: 2 });
        expect(() => parseMix("kil=1")).to.throw(/operations: /);
        expect(() => parseMix("up=-1")).to.throw(/weight/);
        const g = new Generator(new Prng(11), { kinds: ["nat"], faults: false, weights: { kill: 0, remove: 100 } });
        for (let i = 0; i < 300; i++) {
            const op = g.next(view([]));
            expect(op.t).to.not.equal("kill");
            expect(op.t, "nothing declared: nothing to remove").to.not.equal("remove");
        }
    });

    it("draws public NAT gateways, never retained nor toggled to retained (their Elastic IP would stay with a kept copy)", () => {
        const g = new Generator(new Prng(5), { kinds: ["nat"], faults: false, maxEntries: 12 });
        let spec: Entry[] = [];
        let publicAdds = 0;
        for (let i = 0; i < 400; i++) {
            const op = g.next(view(spec, []));
            if (op.t === "add" && op.public) {
                publicAdds++;
                expect(op.retain, "a public gateway is added without retainOnDelete").to.equal(undefined);
            }
            if (op.t === "retain") expect(spec.find((e) => e.name === op.name)?.pub, `${op.name} is public`).to.equal(undefined);
            if (["add", "remove", "edit", "rename", "protect", "retain"].includes(op.t)) spec = applyEdit(spec, op as any) ?? spec;
        }
        expect(publicAdds).to.be.greaterThan(5);
        expect(spec.some((e) => e.pub) && spec.some((e) => !e.pub), "both public and private gateways declared").to.equal(true);
        const pub = applyEdit([], { t: "add", kind: "nat", name: "n1", retain: true, public: true })!;
        expect(pub[0]).to.include({ pub: true, retain: false });
        expect(applyEdit(pub, { t: "retain", name: "n1", on: true }), "retain does not apply to a public gateway").to.equal(undefined);
    });

    it("adopts only free out-of-band resources of a soaked kind", () => {
        const g = new Generator(new Prng(5), { kinds: ["nat"], faults: false });
        for (let i = 0; i < 300; i++) {
            const op = g.next(
                view([], [], {
                    free: [
                        { handle: "h1", kind: "nat" },
                        { handle: "h2", kind: "dist" },
                    ],
                }),
            );
            if (op.t === "adopt") expect(op).to.include({ handle: "h1", kind: "nat" });
        }
    });
});

describe("soak: invariants", () => {
    const a = entry("a");
    const b = entry("b");

    it("a clean step holds them all", () => {
        expect(checkInvariants(snap([a.id, b.id], [a, b]), snap([a.id, b.id], [a, b]), {}, new Set()).divergences).to.deep.equal([]);
    });

    it("orphan: live, not in state, not retained, not made outside", () => {
        const r = checkInvariants(snap([a.id], [a]), snap([a.id, "nat-x"], [a]), { engineMayDelete: true }, new Set());
        expect(r.divergences.map((d) => d.invariant)).to.deep.equal(["orphan"]);
        expect(r.divergences[0].message).to.contain("nat-x");
        expect(checkInvariants(snap([a.id], [a]), snap([a.id, "nat-x"], [a]), {}, new Set(["nat-x"])).divergences).to.deep.equal([]);
    });

    it("deleted: an engine command may delete what leaves its state; a refresh or a kept state entry may not", () => {
        const before = snap([a.id, b.id], [a, b]);
        expect(checkInvariants(before, snap([a.id], [a]), { engineMayDelete: true }, new Set()).divergences).to.deep.equal([]);
        expect(checkInvariants(before, snap([a.id], [a]), {}, new Set()).divergences.map((d) => d.invariant)).to.deep.equal(["deleted"]);
        const stillInState = checkInvariants(before, snap([a.id], [a, b]), { engineMayDelete: true }, new Set()).divergences;
        expect(stillInState.map((d) => d.invariant)).to.deep.equal(["deleted"]);
        expect(stillInState[0].message).to.contain("still in state as b");
        expect(checkInvariants(before, snap([a.id], [a, b]), { deletedOutOfBand: [b.id] }, new Set()).divergences).to.deep.equal([]);
        expect(
            checkInvariants(snap(["nat-x"], []), snap([], []), { engineMayDelete: true }, new Set(["nat-x"])).divergences.map((d) => d.invariant),
        ).to.deep.equal(["deleted"]);
    });

    it("retained: one that leaves the state with retainOnDelete stays live and becomes unmanaged", () => {
        const kept = entry("k", { retain: true });
        const ok = checkInvariants(snap([kept.id], [kept]), snap([kept.id], []), { engineMayDelete: true }, new Set());
        expect(ok).to.deep.equal({ divergences: [], retained: [kept.id] });
        const bad = checkInvariants(snap([kept.id], [kept]), snap([], []), { engineMayDelete: true }, new Set());
        expect(bad.divergences.map((d) => d.invariant)).to.deep.equal(["retained"]);
        const byProgram = checkInvariants(snap([a.id], [a]), snap([a.id], []), { engineMayDelete: true, retainInProgram: new Set(["a"]) }, new Set());
        expect(byProgram.divergences, "retainOnDelete set in the program the command ran").to.deep.equal([]);
    });

    it("duplicate: one id in state twice, unless one is an old entry pending delete", () => {
        const twin = entry("twin", { id: a.id });
        expect(checkInvariants(snap([a.id], [a]), snap([a.id], [a, twin]), {}, new Set()).divergences.map((d) => d.invariant)).to.deep.equal([
            "duplicate",
        ]);
        expect(checkInvariants(snap([a.id], [a]), snap([a.id], [a, { ...twin, pendingDelete: true }]), {}, new Set()).divergences).to.deep.equal([]);
    });

    it("target: a targeted command changes only its targets", () => {
        const before = snap([a.id, b.id], [a, b]);
        expect(checkInvariants(before, snap([b.id], [b]), { engineMayDelete: true, targets: [a.urn] }, new Set()).divergences).to.deep.equal([]);
        const r = checkInvariants(before, snap([a.id], [a]), { engineMayDelete: true, targets: [a.urn] }, new Set());
        expect(r.divergences.map((d) => d.invariant)).to.deep.equal(["target"]);
    });
});

describe("soak: what each successful command promises", () => {
    const a = entry("a");
    const b = entry("b");
    const model = (before: Snapshot, after: Snapshot, expect_: Parameters<typeof checkInvariants>[2]["expect"]) =>
        checkInvariants(before, after, { engineMayDelete: true, expect: expect_ }, new Set()).divergences.filter((d) => d.invariant === "model");

    it("after up, exactly the declared resources are in state", () => {
        expect(model(snap([a.id], []), snap([a.id, b.id], [a, b]), { declared: ["a", "b"] })).to.deep.equal([]);
        const missing = model(snap([], []), snap([a.id], [a]), { declared: ["a", "b"] });
        expect(missing).to.have.length(1);
        expect(missing[0].message).to.contain("declares [a, b]");
        expect(model(snap([a.id, b.id], [a, b]), snap([a.id, b.id], [a, b]), { declared: ["a"] })).to.have.length(1);
    });

    it("after a refresh, what is in state is live, unless an adopted one is marked vanished", () => {
        expect(model(snap([], [a]), snap([], [a]), { allLive: true })).to.have.length(1);
        expect(model(snap([], [a]), snap([], [{ ...a, vanished: true }]), { allLive: true })).to.deep.equal([]);
    });

    it("preview changes nothing; destroy --target removes its target", () => {
        expect(model(snap([a.id], [a]), snap([a.id], [a]), { unchanged: true })).to.deep.equal([]);
        expect(model(snap([a.id], [a]), snap([a.id], [{ ...a, id: "nat-other" }]), { unchanged: true })).to.have.length(1);
        expect(model(snap([a.id], [a]), snap([a.id], [a]), { absent: [a.urn] })).to.have.length(1);
    });
});

describe("soak: shrinker", () => {
    it("finds the two operations that together fail", async () => {
        const items = Array.from({ length: 40 }, (_, i) => i);
        let calls = 0;
        const best = await shrink(items, async (c) => {
            calls++;
            return c.includes(3) && c.includes(31);
        });
        expect(best).to.deep.equal([3, 31]);
        expect(calls).to.be.below(120);
    });

    it("keeps order, and stops at the deadline with the best list so far", async () => {
        const best = await shrink([5, 4, 3, 2, 1], async (c) => c.indexOf(4) >= 0 && c.indexOf(2) > c.indexOf(4));
        expect(best).to.deep.equal([4, 2]);
        const stopped = await shrink([1, 2, 3], async () => true, { deadline: Date.now() - 1 });
        expect(stopped).to.deep.equal([1, 2, 3]);
    });
});

describe("soak: program, arguments and closing line", () => {
    it("the program declares every kind of the table with its options", () => {
        const program = soakProgram(KINDS);
        for (const k of KINDS) expect(program).to.contain(`${k.key}: (e, opts, ctx)`);
        expect(program).to.contain("retainOnDelete: e.retain");
        expect(program).to.contain("aliases: e.aliases");
        expect(program, "a public NAT gateway declares the Elastic IP the runner gave it").to.contain(
            'connectivityType: "public", allocationId: e.eip',
        );
    });

    it("rejects unknown options and options without a value", () => {
        expect(parseArgs(["--ops", "5", "--seed=x"])).to.deep.equal({ ops: "5", seed: "x" });
        expect(() => parseArgs(["--opz", "5"])).to.throw(/unknown option --opz/);
        expect(() => parseArgs(["--ops"])).to.throw(/needs a value/);
    });

    it("says N operations, D divergences, then the figures", () => {
        const line = summaryLine({
            ops: [{ t: "up" }, { t: "preview" }],
            failure: undefined,
            figures: {
                ops: 2,
                byType: { up: 1, preview: 1 },
                skipped: 0,
                refused: 0,
                awsCalls: 17,
                faults: 3,
                faultRetries: 1,
                kills: 0,
                wallMs: 12_345,
            },
        });
        expect(line).to.match(/^2 operations, 0 divergences \| by type: up 1, preview 1 \|/);
        expect(line).to.contain("AWS calls 17, faults injected 3");
        expect(line).to.contain("wall time 12.3 s");
        expect(line).to.not.contain("stopped");
        expect(
            summaryLine({
                ops: [],
                figures: { ops: 0, byType: {}, skipped: 0, refused: 0, awsCalls: 0, faults: 0, faultRetries: 0, kills: 0, wallMs: 0 },
                stopped: true,
            }),
        ).to.match(/^0 operations, 0 divergences .*stopped early: no finale$/);
    });
});

describe("soak: repairing the state sidecar a kill truncated", () => {
    it("removes only empty .attrs sidecars, at any depth, and leaves state and non-empty sidecars alone", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "soak-sidecars-"));
        try {
            const stacks = path.join(root, "stacks", "soak");
            fs.mkdirSync(stacks, { recursive: true });
            fs.writeFileSync(path.join(stacks, "test.json"), "{}");
            fs.writeFileSync(path.join(stacks, "test.json.attrs"), "");
            fs.writeFileSync(path.join(stacks, "test.json.bak"), "");
            fs.writeFileSync(path.join(stacks, "other.json.attrs"), '{"user.metadata":{}}');
            fs.mkdirSync(path.join(root, "history"));
            fs.writeFileSync(path.join(root, "history", "h.json.attrs"), "");

            const removed = removeEmptySidecars(root)
                .map((f) => path.relative(root, f))
                .sort();

            expect(removed).to.deep.equal([path.join("history", "h.json.attrs"), path.join("stacks", "soak", "test.json.attrs")]);
            expect(fs.existsSync(path.join(stacks, "test.json.attrs"))).to.equal(false);
            expect(fs.existsSync(path.join(stacks, "test.json")), "the state itself stays").to.equal(true);
            expect(fs.existsSync(path.join(stacks, "test.json.bak")), "an empty file that is not a sidecar stays").to.equal(true);
            expect(fs.readFileSync(path.join(stacks, "other.json.attrs"), "utf8")).to.equal('{"user.metadata":{}}');
            expect(removeEmptySidecars(root), "nothing left to repair").to.deep.equal([]);
            expect(removeEmptySidecars(path.join(root, "absent")), "no backend yet").to.deep.equal([]);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
