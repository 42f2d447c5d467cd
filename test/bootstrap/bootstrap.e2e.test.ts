/**
 * scripts/bootstrap.sh's Pulumi toolchain step, run for real with a throwaway
 * cache directory: clear errors when Go or the module proxy is missing, a
 * matching pulumi on PATH used as is, and the cached toolchain reused.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "../helpers/pulumi";

function bootstrap(env: Record<string, string | undefined>) {
    const r = spawnSync("bash", ["scripts/bootstrap.sh", "--pulumi-only"], {
        cwd: repoRoot,
        env: { ...process.env, ACKLESS_FORCE_BUILD: undefined, ...env } as NodeJS.ProcessEnv,
        encoding: "utf8",
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The npm SDK's version, and the CLI's that tools/pulumi/go.mod pins (at or above it). */
const version = `v${require(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json")).version}`;
const cliVersion = /\tgithub\.com\/pulumi\/pulumi\/pkg\/v3 (v\S+)/.exec(fs.readFileSync(path.join(repoRoot, "tools/pulumi/go.mod"), "utf8"))![1];
const nodeDir = path.dirname(process.execPath);
/** A `pulumi` (with its language host) in a directory of its own that prints this version. */
function fakePulumi(dir: string, v: string) {
    fs.writeFileSync(path.join(dir, "pulumi"), `#!/bin/sh\necho ${v}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "pulumi-language-nodejs"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
}

describe("bootstrap: the Pulumi toolchain step", function () {
    const dirs: string[] = [];
    const tmp = () => {
        const d = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-boot-"));
        dirs.push(d);
        return d;
    };
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("without Go (and no pulumi to reuse) it stops with what is missing and how to fix it", () => {
        const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: tmp(), PATH: nodeDir + ":/usr/bin:/bin" });
        expect(code).to.equal(1);
        expect(out).to.include(`Go is not on PATH, and the Pulumi CLI ${cliVersion} must be built from Go modules`);
        expect(out).to.include("Fix: install Go");
    });

    it("when the module proxy refuses, it says so and names the way out", () => {
        const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: tmp(), ACKLESS_FORCE_BUILD: "1", GOPROXY: "off", GOMODCACHE: tmp() });
        expect(code).to.equal(1);
        expect(out).to.include("building the Pulumi CLI");
        expect(out).to.include("failed while downloading Go modules");
        expect(out).to.include("go env GOPROXY");
    });

    for (const [label, v] of [
        ["the SDK's own version", version],
        ["a newer version", "v3.999.0"],
    ]) {
        it(`a pulumi of ${label} on PATH, with its language host, is used instead of building`, () => {
            const bin = tmp();
            fakePulumi(bin, v);
            const cache = tmp();
            // No Go on PATH: building would fail, so success proves nothing was built.
            const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: cache, PATH: `${bin}:${nodeDir}:/usr/bin:/bin` });
            expect(code, out).to.equal(0);
            expect(out).to.include(`using pulumi ${v} from PATH`);
            expect(fs.readlinkSync(path.join(cache, `pulumi-${cliVersion}`, "bin", "pulumi"))).to.equal(path.join(bin, "pulumi"));
            expect(fs.existsSync(path.join(cache, `pulumi-${cliVersion}`, "bin", "pulumi-resource-pulumi-nodejs"))).to.equal(true);
        });
    }

    it("a pulumi older than the SDK on PATH is not used", () => {
        const bin = tmp();
        fakePulumi(bin, "v3.1.0");
        const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: tmp(), PATH: `${bin}:${nodeDir}:/usr/bin:/bin` });
        expect(code).to.equal(1);
        expect(out).to.not.include("from PATH (");
        expect(out).to.include("Go is not on PATH");
    });

    for (const oldVersion of ["20", "22.18.0"]) {
        it(`a machine node older than 22.19 (${oldVersion}) gives way to the newest cached Node.js 24, first on PATH`, () => {
            const old = tmp();
            // An "old" node: answers its version to the version probe and nothing else.
            fs.writeFileSync(path.join(old, "node"), `#!/bin/sh\necho ${oldVersion}\n`, { mode: 0o755 });
            const cache = tmp();
            for (const v of ["24.2.0", "24.10.1", "24.9.9"]) {
                fs.mkdirSync(path.join(cache, `node-v${v}`, "bin"), { recursive: true });
                // Stands for that release: the real node behind a wrapper.
                fs.writeFileSync(path.join(cache, `node-v${v}`, "bin", "node"), `#!/bin/sh\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
            }
            const bin = tmp();
            fakePulumi(bin, version);
            const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: cache, PATH: `${bin}:${old}:/usr/bin:/bin` });
            expect(code, out).to.equal(0);
            expect(out).to.include(`(${path.join(cache, "node-v24.10.1", "bin", "node")})`);
            expect(out).to.not.include("looking up the newest Node.js 24");
        });
    }

    it("a machine node of 22 or later is used as it is", () => {
        const cache = tmp();
        const bin = tmp();
        fakePulumi(bin, version);
        const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: cache, PATH: `${bin}:${nodeDir}:/usr/bin:/bin` });
        expect(code, out).to.equal(0);
        expect(out).to.include(`using Node.js ${process.version} (${path.join(nodeDir, "node")})`);
        expect(fs.readdirSync(cache).filter((d) => d.startsWith("node-"))).to.deep.equal([]);
    });

    it("with the toolchain cached it builds nothing", () => {
        const { code, out } = bootstrap({});
        expect(code, out).to.equal(0);
        expect(out).to.not.include("building");
        expect(out).to.include(`ready: pulumi ${cliVersion}`);
    });
});
