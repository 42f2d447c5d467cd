/**
 * A user's own program, outside this repository, that installs ackless as a
 * dependency (from the packed tarball, as `npm install <path>` would) and
 * goes through up and destroy of a distribution on the real engine. This is
 * what proves the provider code stored in state resolves the installed
 * package, not this checkout.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloudFrontClient, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator";
import { newProject, repoRoot, TestProject } from "../helpers/pulumi";

function readmeSection(): string {
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    return readme.split(/^## /m).find((s) => s.startsWith("Use ackless in your project\n")) ?? "";
}

/** The ```<lang> block of the README section "Use ackless in your project". */
function readmeBlock(lang: "ts" | "json"): string {
    const block = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(readmeSection());
    if (!block) {
        throw new Error(`README.md has no \`\`\`${lang} block under "## Use ackless in your project"`);
    }
    return block[1];
}

/**
 * The provider kinds the code stored in existing stacks' state passes to
 * `require("ackless/dist/provider/registry").provider(kind)`. A contract with
 * every stack ever deployed: never remove or rename one.
 */
const STORED_KINDS = [
    "ackless:cloudfront:Distribution",
    "ackless:cloudfront:Function",
    "ackless:ec2:NatGateway",
    "ackless:k8s:RetainPolicy",
    "ackless:k8s:CustomResourceDeletion",
    "ackless:k8s:ReferenceRewrite",
    "ackless:test:Echo",
];

describe("e2e: a user's program that installs ackless from npm pack", function () {
    const emu = useEmulator({ deploySeconds: 1 });
    let project: TestProject | undefined;
    let dir: string;

    after(async () => {
        await project?.cleanup();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("npm pack of a fresh checkout (no dist/: prepare builds it), npm install <tarball> in a TypeScript project, exports map, help and --version, the README's program type-checked under strict, then up and destroy", async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-user-"));
        // A fresh checkout of the committed tree: no dist/, so only the prepare script can put code in the package.
        const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-checkout-"));
        execFileSync("bash", ["-c", `git -C "${repoRoot}" archive HEAD | tar -x -C "${checkout}"`]);
        expect(fs.existsSync(path.join(checkout, "dist"))).to.equal(false);
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(checkout, "node_modules"));
        const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: checkout, encoding: "utf8" })
            .trim()
            .split("\n")
            .pop()!;
        fs.rmSync(checkout, { recursive: true, force: true });
        const listing = execFileSync("tar", ["-tzf", path.join(dir, tarball)], { encoding: "utf8" });
        expect(tarball).to.equal(`ackless-${require(path.join(repoRoot, "package.json")).version}.tgz`);
        expect(readmeSection()).to.include(tarball);
        expect(listing).to.include("package/dist/provider/index.js").and.include("package/dist/provider/registry.js");
        expect(listing).to.include("package/LICENSE").and.include("package/CHANGELOG.md").and.include("package/dist/provider/cli.js");
        expect(listing).to.not.include("package/dist/test/").and.not.include("package/programs/").and.not.include("package/emulator/");

        // The README's installs: @pulumi/pulumi and the tarball, typescript and @types/node for development
        // (at this repository's versions, so the npm cache serves them).
        const ours = require(path.join(repoRoot, "package.json"));
        const installed = (name: string) => require(path.join(repoRoot, "node_modules", name, "package.json")).version;
        fs.writeFileSync(
            path.join(dir, "package.json"),
            JSON.stringify(
                {
                    name: "user-app",
                    private: true,
                    dependencies: { "@pulumi/pulumi": installed("@pulumi/pulumi"), ackless: `file:./${tarball}` },
                    devDependencies: { typescript: installed("typescript"), "@types/node": ours.devDependencies["@types/node"] },
                },
                null,
                2,
            ),
        );
        execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: dir, stdio: "pipe" });
        expect(fs.lstatSync(path.join(dir, "node_modules", "ackless")).isSymbolicLink()).to.equal(false);
        // The peer @pulumi/pulumi was installed beside it, once.
        expect(fs.existsSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"))).to.equal(true);
        expect(fs.existsSync(path.join(dir, "node_modules", "ackless", "node_modules", "@pulumi", "pulumi"))).to.equal(false);
        expect(execFileSync("npx", ["--no-install", "ackless", "--version"], { cwd: dir, encoding: "utf8" }).trim()).to.equal(
            `ackless ${require(path.join(repoRoot, "package.json")).version}`,
        );
        expect(execFileSync("npx", ["--no-install", "ackless", "help"], { cwd: dir, encoding: "utf8" }))
            .to.match(/^Usage: ackless <command>/)
            .and.include("adopt-stack");

        // The exports map, as the installed package resolves it from the user's project: the path stored
        // provider code requires (with every kind it names), the public entry points, and nothing else.
        const resolved = JSON.parse(
            execFileSync(
                process.execPath,
                [
                    "-e",
                    `const kinds = ${JSON.stringify(STORED_KINDS)};
const registry = require("ackless/dist/provider/registry");
const blocked = (p) => { try { require.resolve(p); return "resolved"; } catch (e) { return e.code; } };
console.log(JSON.stringify({
    registry: require.resolve("ackless/dist/provider/registry"),
    kinds: Object.fromEntries(kinds.map((k) => [k, ["check", "diff", "create", "read", "update", "delete"].filter((m) => typeof registry.provider(k)[m] === "function")])),
    root: Object.keys(require("ackless")).sort(),
    k8s: ["RetainPolicy", "CustomResourceDeletion", "ReferenceRewrite"].filter((n) => typeof require("ackless/k8s")[n] === "function"),
    internal: blocked("ackless/dist/provider/cloudfront/distribution-provider"),
}));`,
                ],
                { cwd: dir, encoding: "utf8" },
            ),
        );
        expect(resolved.registry).to.equal(fs.realpathSync(path.join(dir, "node_modules", "ackless", "dist", "provider", "registry.js")));
        for (const kind of STORED_KINDS) {
            expect(resolved.kinds[kind], kind).to.deep.equal(["check", "diff", "create", "read", "update", "delete"]);
        }
        expect(resolved.root).to.deep.equal(["cloudfront", "ec2"]);
        expect(resolved.k8s).to.deep.equal(["RetainPolicy", "CustomResourceDeletion", "ReferenceRewrite"]);
        expect(resolved.internal).to.equal("ERR_PACKAGE_PATH_NOT_EXPORTED");

        // The user's program is the README's, verbatim: one source for the docs and the test.
        const source = readmeBlock("ts");
        expect(source.split("\n").filter((l) => l.trim() && !l.trim().startsWith("//")).length).to.be.at.most(12);
        fs.writeFileSync(path.join(dir, "index.ts"), source);
        // The ackless/k8s subpath's types resolve too (typesVersions, for moduleResolution node).
        fs.writeFileSync(path.join(dir, "k8s-types.ts"), `import { RetainPolicy } from "ackless/k8s";\nexport type Retain = RetainPolicy;\n`);
        // The README's tsconfig.json too.
        const tsconfig = JSON.parse(readmeBlock("json"));
        expect(tsconfig.compilerOptions.strict).to.equal(true);
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ ...tsconfig, files: ["index.ts", "k8s-types.ts"] }));
        // Both module resolutions a project may use: nodenext reads the exports map's types, node (node10) main/types and typesVersions.
        const tsc = (...args: string[]) => {
            const r = spawnSync(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json", "--noEmit", ...args], {
                cwd: dir,
                encoding: "utf8",
            });
            expect(r.status, `tsc ${args.join(" ")}: ${r.stdout}${r.stderr}`).to.equal(0);
        };
        tsc();
        tsc("--module", "commonjs", "--moduleResolution", "node");
        // Pulumi runs index.ts itself (ts-node, type-checked with the project's typescript and tsconfig).
        project = await newProject("user-app", source, emu().env(), {}, { dir, linkNodeModules: false, typescript: true });
        const up = await project.stack.up();
        expect(up.summary.resourceChanges?.create).to.equal(2);
        expect(up.outputs.domainName.value).to.match(/\.cloudfront\.net$/);

        const stored: string = (await project.resources())[0].inputs.__provider;
        expect(stored).to.include('require("ackless/dist/provider/registry")').and.include('"ackless:cloudfront:Distribution"');
        expect(stored).to.not.include(emu().env().AWS_SECRET_ACCESS_KEY);

        const cf = new CloudFrontClient({
            endpoint: emu().endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
        expect((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items?.map((i) => i.Id)).to.deep.equal([up.outputs.id.value]);

        const destroy = await project.stack.destroy();
        expect(destroy.summary.resourceChanges?.delete).to.equal(2);
        expect((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? []).to.deep.equal([]);
    });
});
