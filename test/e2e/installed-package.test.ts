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

    it("npm install <tarball>, then up and destroy a distribution", async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-user-"));
        const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: repoRoot, encoding: "utf8" })
            .trim()
            .split("\n")
            .pop()!;
        fs.writeFileSync(
            path.join(dir, "package.json"),
            JSON.stringify({ name: "user-app", private: true, dependencies: { ackless: `file:./${tarball}` } }, null, 2),
        );
        execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: dir, stdio: "pipe" });
        expect(fs.lstatSync(path.join(dir, "node_modules", "ackless")).isSymbolicLink()).to.equal(false);

        const program = `
const { cloudfront } = require("ackless");
const d = new cloudfront.Distribution("site", {
    distributionConfig: {
        Origins: { Items: [{ Id: "origin", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    },
    tags: { team: "web" },
});
exports.domainName = d.domainName;
exports.id = d.id;
`;
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
