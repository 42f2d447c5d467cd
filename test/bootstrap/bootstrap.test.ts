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

const version = `v${require(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json")).version}`;

describe("bootstrap: the Pulumi toolchain step", function () {
    const dirs: string[] = [];
    const tmp = () => {
        const d = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-boot-"));
        dirs.push(d);
        return d;
    };
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("without Go (and no pulumi to reuse) it stops with what is missing and how to fix it", () => {
        const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: tmp(), PATH: path.dirname(process.execPath) + ":/usr/bin:/bin" });
        expect(code).to.equal(1);
        expect(out).to.include(`Go is not on PATH, and the Pulumi CLI ${version} must be built from Go modules`);
        expect(out).to.include("Fix: install Go");
    });

    it("when the module proxy refuses, it says so and names the way out", () => {
        const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: tmp(), ACKLESS_FORCE_BUILD: "1", GOPROXY: "off", GOMODCACHE: tmp() });
        expect(code).to.equal(1);
        expect(out).to.include("building the Pulumi CLI");
        expect(out).to.include("failed while downloading Go modules");
        expect(out).to.include("go env GOPROXY");
    });

    it("a pulumi of the pinned version on PATH, with its language host, is used instead of building", () => {
        const bin = tmp();
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "pulumi-language-nodejs"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
        const cache = tmp();
        // No Go on PATH: building would fail, so success proves nothing was built.
        const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: cache, PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin` });
        expect(code, out).to.equal(0);
        expect(out).to.include(`using pulumi ${version} from PATH`);
        expect(fs.readlinkSync(path.join(cache, `pulumi-${version}`, "bin", "pulumi"))).to.equal(path.join(bin, "pulumi"));
        expect(fs.existsSync(path.join(cache, `pulumi-${version}`, "bin", "pulumi-resource-pulumi-nodejs"))).to.equal(true);
    });

    it("a pulumi of another version on PATH is not used", () => {
        const bin = tmp();
        fs.writeFileSync(path.join(bin, "pulumi"), "#!/bin/sh\necho v3.1.0\n", { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "pulumi-language-nodejs"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
        const { code, out } = bootstrap({ ACKLESS_CACHE_DIR: tmp(), PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin` });
        expect(code).to.equal(1);
        expect(out).to.not.include("from PATH (");
        expect(out).to.include("Go is not on PATH");
    });

    it("with the toolchain cached it builds nothing", () => {
        const { code, out } = bootstrap({});
        expect(code, out).to.equal(0);
        expect(out).to.not.include("building");
        expect(out).to.include(`ready: pulumi ${version}`);
    });
});
