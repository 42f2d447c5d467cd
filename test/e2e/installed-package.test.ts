/**
 * A user's own program, outside this repository, that installs ackless as a
 * dependency (from the packed tarball, as `npm install <path>` would) and
 * goes through up and destroy of a distribution on the real engine. This is
 * what proves the provider code stored in state resolves the installed
 * package, not this checkout.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloudFrontClient, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator";
import { newProject, repoRoot, TestProject } from "../helpers/pulumi";

describe("e2e: a user's program that installs ackless from npm pack", function () {
    const emu = useEmulator({ deploySeconds: 1 });
    let project: TestProject | undefined;
    let dir: string;

    after(async () => {
        await project?.cleanup();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("npm pack of a fresh checkout (no dist/: prepare builds it), npm install <tarball> in a TypeScript project, strict type-check, --version, then up and destroy", async () => {
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
        expect(listing).to.include("package/dist/provider/index.js").and.include("package/dist/provider/registry.js");
        expect(listing).to.not.include("package/dist/test/");

        fs.writeFileSync(
            path.join(dir, "package.json"),
            JSON.stringify({ name: "user-app", private: true, dependencies: { ackless: `file:./${tarball}` } }, null, 2),
        );
        execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: dir, stdio: "pipe" });
        expect(fs.lstatSync(path.join(dir, "node_modules", "ackless")).isSymbolicLink()).to.equal(false);
        // The peer @pulumi/pulumi was installed beside it, once.
        expect(fs.existsSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"))).to.equal(true);
        expect(fs.existsSync(path.join(dir, "node_modules", "ackless", "node_modules", "@pulumi", "pulumi"))).to.equal(false);
        expect(execFileSync("npx", ["--no-install", "ackless", "--version"], { cwd: dir, encoding: "utf8" }).trim()).to.equal(
            `ackless ${require(path.join(repoRoot, "package.json")).version}`,
        );

        // The user's program, in TypeScript, type-checked under strict against the installed package's types.
        const source = `import { cloudfront } from "ackless";

const d = new cloudfront.Distribution("site", {
    distributionConfig: {
        Origins: { Items: [{ Id: "origin", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    },
    tags: { team: "web" },
});
export const domainName = d.domainName;
export const id = d.id;
`;
        fs.writeFileSync(path.join(dir, "index.ts"), source);
        fs.writeFileSync(
            path.join(dir, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", esModuleInterop: true, types: [] }, files: ["index.ts"] }),
        );
        execFileSync(path.join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], { cwd: dir, stdio: "pipe" });
        const program = fs.readFileSync(path.join(dir, "index.js"), "utf8");
        fs.rmSync(path.join(dir, "Pulumi.yaml"), { force: true });
        project = await newProject("user-app", program, emu().env(), {}, { dir, linkNodeModules: false });
        const up = await project.stack.up();
        expect(up.summary.resourceChanges?.create).to.equal(2);
        expect(up.outputs.domainName.value).to.match(/\.cloudfront\.net$/);

        const stored: string = (await project.resources())[0].inputs.__provider;
        expect(stored).to.include('require("ackless/dist/provider/registry")');
        expect(stored).to.not.include(emu().env().AWS_SECRET_ACCESS_KEY);

        const cf = new CloudFrontClient({ endpoint: emu().endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
        expect((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items?.map((i) => i.Id)).to.deep.equal([up.outputs.id.value]);

        const destroy = await project.stack.destroy();
        expect(destroy.summary.resourceChanges?.delete).to.equal(2);
        expect((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? []).to.deep.equal([]);
    });
});
