/**
 * The engine smoke test: a program with one dynamic resource through up,
 * preview, refresh and destroy, on the real Pulumi CLI, language host and
 * dynamic-provider host.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { changeCounts, newProject, TestProject } from "../helpers/pulumi";

describe("e2e: the real Pulumi engine runs an ackless dynamic resource", function () {
    let project: TestProject;
    const file = path.join(os.tmpdir(), `ackless-echo-${process.pid}-${Date.now()}.txt`);
    const program = (content: string) => `
const { Echo } = require("ackless/dist/provider/testing/echo");
const echo = new Echo("echo", { path: ${JSON.stringify(file)}, content: ${JSON.stringify(content)} });
exports.content = echo.content;
exports.hostNode = echo.hostNode;
`;

    after(async () => {
        fs.rmSync(file, { force: true });
        await project?.cleanup();
    });

    it("up creates the resource and records it in state", async () => {
        project = await newProject("smoke", program("hello"));
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 2 });
        expect(up.outputs.content.value).to.equal("hello");
        // The dynamic-provider host runs on the Node.js the bootstrap chose (24
        // from the registry when the machine's own is older than 22).
        const hostNode: string = up.outputs.hostNode.value;
        const chosen = execFileSync(process.env.ACKLESS_NODE ?? "node", ["--version"], { encoding: "utf8" }).trim();
        expect(hostNode).to.equal(chosen);
        expect(Number(hostNode.slice(1).split(".")[0])).to.be.at.least(22);
        if (/[/]node-v24\.[^/]+[/]bin[/]node$/.test(process.env.ACKLESS_NODE ?? "")) {
            expect(hostNode).to.match(/^v24\./);
        }
        expect(fs.readFileSync(file, "utf8")).to.equal("hello");
        const resources = await project.resources();
        expect(resources.map((r) => r.type)).to.deep.equal(["pulumi-nodejs:dynamic/ackless:Echo"]);
        const echo = resources.find((r) => r.name === "echo")!;
        expect(echo.id).to.equal(file);
        // The provider stored in state only delegates to the installed package.
        const stored: string = echo.inputs.__provider;
        expect(stored).to.include('require("ackless/dist/provider/registry")');
        expect(stored.length).to.be.lessThan(4096);
    });

    it("preview after up shows no changes", async () => {
        const preview = await project.stack.preview();
        expect(changeCounts(preview.changeSummary)).to.deep.equal({});
    });

    it("refresh reads the real resource and drops it from state when it is gone", async () => {
        let refresh = await project.stack.refresh();
        expect(changeCounts(refresh.summary.resourceChanges)).to.deep.equal({});
        fs.rmSync(file);
        refresh = await project.stack.refresh();
        expect(refresh.summary.resourceChanges?.delete).to.equal(1);
        expect((await project.resources()).find((r) => r.name === "echo")).to.equal(undefined);
        const up = await project.stack.up();
        expect(up.summary.resourceChanges?.create).to.equal(1);
        expect(fs.readFileSync(file, "utf8")).to.equal("hello");
    });

    it("destroy deletes the resource and empties the stack", async () => {
        const destroy = await project.stack.destroy();
        expect(destroy.summary.resourceChanges?.delete).to.equal(2);
        expect(fs.existsSync(file)).to.equal(false);
        expect(await project.resources()).to.deep.equal([]);
    });
});
