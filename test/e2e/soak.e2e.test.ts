/**
 * The randomized lifecycle tester (test/soak/, `npm run soak`) on a short
 * seeded run, so that the tester itself keeps working: 40 operations drawn
 * from the whole mix (program edits, engine commands, kill -9, out-of-band
 * changes, faults), the invariants after each, then the finale (up --refresh
 * converges, preview is clean, destroy leaves only what was retained).
 * And every reproduction a soak ever wrote for a defect (test/soak/repros/)
 * replays with no divergence.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { repoRoot } from "../helpers/pulumi";
import { describeOp } from "../soak/ops";
import { replay, Reproduction, soak, summaryLine } from "../soak/soak";

export const CI_SOAK = { ops: 40, seed: "ci-40" };

describe("e2e: soak: seeded random operations keep AWS and Pulumi in agreement", function () {
    let emu: Emulator;

    before(async () => {
        // The run's shared emulator; every soak and replay starts by resetting it (runner.Session.start).
        emu = await sharedEmulator();
    });

    it(`${CI_SOAK.ops} operations of seed ${CI_SOAK.seed}: 0 divergences`, async function () {
        // About 4 minutes on 2 busy cores; the engine's start-up dominates each command.
        this.timeout(20 * 60_000);
        const lines: string[] = [];
        const report = await soak(emu, {
            ...CI_SOAK,
            faults: true,
            shrinkMinutes: 0,
            reproDir: fs.mkdtempSync(path.join(os.tmpdir(), "ackless-soak-repro-")),
            log: (l) => lines.push(l),
        });
        const summary = summaryLine(report);
        console.log(`      ${summary}`);
        expect(report.failure, `divergence:\n${lines.join("\n")}`).to.equal(undefined);
        expect(summary).to.match(new RegExp(`^${CI_SOAK.ops} operations, 0 divergences`));
        // The run did real work on the engine and AWS, across the mix.
        const f = report.figures;
        expect(f.awsCalls).to.be.greaterThan(50);
        const engine = ["up", "upRefresh", "upReplace", "upTarget", "destroyTarget", "kill"].reduce((n, t) => n + (f.byType[t] ?? 0), 0);
        expect(engine, "engine commands that change AWS").to.be.at.least(8);
        expect((f.byType.add ?? 0) + (f.byType.adopt ?? 0), "resources added or adopted").to.be.at.least(3);
        expect(f.skipped, "the generator draws operations that apply").to.be.below(CI_SOAK.ops / 4);
    });

    const reproDir = path.join(repoRoot, "test", "soak", "repros");
    for (const file of fs.existsSync(reproDir)
        ? fs
              .readdirSync(reproDir)
              .filter((f) => f.endsWith(".json"))
              .sort()
        : []) {
        const repro: Reproduction = JSON.parse(fs.readFileSync(path.join(reproDir, file), "utf8"));
        it(`regression ${file} (${repro.signature}, ${repro.ops.length} operations): replays with no divergence`, async function () {
            if (repro.open) {
                // A defect found and reproduced, whose fix is not in yet: reported as pending, never as passing.
                console.log(`      open defect: ${repro.defect ?? repro.signature}; ${repro.open}`);
                this.skip();
            }
            this.timeout(20 * 60_000);
            const lines: string[] = [];
            const r = await replay(emu, repro.kinds, repro.ops, { log: (l) => lines.push(l) });
            expect(r.failure?.divergences, `${repro.ops.map(describeOp).join("; ")}\n${lines.join("\n")}`).to.equal(undefined);
        });
    }
});
