/**
 * The test tiers (scripts/test.sh) are known from the file names: every test
 * file says its tier, and a unit test starts no emulator, engine or server.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../helpers/emulator";

const TIER = /\.(unit|contract|integration|e2e)\.test\.ts$/;

function testFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? testFiles(p) : e.name.endsWith(".test.ts") ? [path.relative(repoRoot(), p)] : [];
    });
}

describe("test tiers: file names", () => {
    const files = testFiles(path.join(repoRoot(), "test"));

    it("every test file names its tier (.unit, .contract, .integration or .e2e before .test.ts)", () => {
        expect(files.length).to.be.greaterThan(50);
        expect(files.filter((f) => !TIER.test(f))).to.deep.equal([]);
    });

    it("benchmarks are in no tier: test/bench holds *.bench.ts, which no tier's glob (*.<tier>.test.js) matches", () => {
        const bench = fs.readdirSync(path.join(repoRoot(), "test", "bench"));
        expect(bench.length).to.be.greaterThan(0);
        expect(bench.filter((f) => !f.endsWith(".bench.ts"))).to.deep.equal([]);
    });

    it("unit tests start no emulator, Pulumi engine or Kubernetes API server", () => {
        const servers = /\b(startEmulator|sharedEmulator|useEmulator|newProject|startKube)\(/;
        const offenders = files.filter((f) => f.endsWith(".unit.test.ts") && servers.test(fs.readFileSync(path.join(repoRoot(), f), "utf8")));
        expect(offenders).to.deep.equal([]);
    });
});
