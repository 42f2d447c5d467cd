/**
 * The `ackless` command itself, run as a user runs it (node on the compiled
 * bin): --version, help, an unknown command.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { repoRoot } from "../helpers/pulumi";

const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, "dist/provider/cli.js"), ...args], { encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("the ackless command", () => {
    const version = require(path.join(repoRoot, "package.json")).version;

    for (const flag of ["--version", "-v", "version"]) {
        it(`${flag} prints the installed package's version`, () => {
            expect(run(flag)).to.deep.equal({ code: 0, out: `ackless ${version}\n`, err: "" });
        });
    }

    it("help lists every command, --version included, and exits 0", () => {
        const r = run("help");
        expect(r.code).to.equal(0);
        for (const c of ["preview", "apply", "drift", "adopt-stack", "adopt-ack", "handover-status", "--version"]) {
            expect(r.out).to.include(`  ${c}`);
        }
    });

    it("an unknown command names itself, shows the list and exits 1", () => {
        const r = run("frobnicate");
        expect(r.code).to.equal(1);
        expect(r.err).to.include('unknown command "frobnicate"').and.include('Run "ackless help"').and.include("adopt-stack");
        expect(r.err).to.not.include("Did you mean");
    });

    it("a misspelt command is suggested", () => {
        const r = run("adopt-stak");
        expect(r.code).to.equal(1);
        expect(r.err).to.include('Did you mean "ackless adopt-stack"?');
        expect(run("--verison").err).to.include('Did you mean "ackless --version"?');
    });
});
