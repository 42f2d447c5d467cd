/**
 * cloudfront.Function `tests` with the real Pulumi engine against the
 * emulator: a program whose function fails its test cannot publish. LIVE
 * keeps the last good code, the error names the test; once DEVELOPMENT holds
 * the failing code the preview itself fails at `tests[0]`; the fixed code is
 * published; destroy.
 */
import { CloudFrontClient, GetFunctionCommand } from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { useEmulator } from "../helpers/emulator";
import { changeCounts, newProject, TestProject } from "../helpers/pulumi";

const GOOD = "function handler(event) { var r = event.request; if (r.uri.endsWith('/')) { r.uri += 'index.html'; } return r; }";
const BROKEN = "function handler(event) { console.log('uri ' + event.request.uri); return event.request.missing.uri; }";
const FIXED = "function handler(event) { var r = event.request; if (r.uri.slice(-1) === '/') { r.uri = r.uri + 'index.html'; } return r; }";

function program(code: string): string {
    return `
const { cloudfront } = require("ackless");
const fn = new cloudfront.Function("index", {
    code: ${JSON.stringify(code)},
    tests: [{
        name: "a directory gets index.html",
        event: { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "198.51.100.7" },
                 request: { method: "GET", uri: "/docs/", querystring: {}, headers: {}, cookies: {} } },
        expect: { request: { uri: "/docs/index.html" } },
    }],
});
exports.name = fn.name;
exports.code = fn.code;
exports.published = fn.published;
`;
}

describe("e2e: cloudfront.Function tests stop a broken function from publishing", function () {
    const emu = useEmulator();
    let project: TestProject | undefined;

    after(async () => {
        await project?.cleanup();
    });

    const failure = async (p: Promise<unknown>) => {
        try {
            await p;
        } catch (err) {
            return String((err as Error).message);
        }
        return undefined;
    };

    it("up publishes a passing function; a failing test blocks the publish, LIVE keeps the last good code; fixed, it publishes", async () => {
        const e = emu();
        const cf = new CloudFrontClient({
            endpoint: e.endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
        const stageCode = async (name: string, Stage: "DEVELOPMENT" | "LIVE") =>
            new TextDecoder().decode((await cf.send(new GetFunctionCommand({ Name: name, Stage }))).FunctionCode);
        const setProgram = (code: string) => fs.writeFileSync(path.join(project!.dir, "index.js"), program(code));
        project = await newProject("fn-tests-e2e", program(GOOD), e.env());

        const up1 = await project.stack.up();
        expect(changeCounts(up1.summary.resourceChanges)).to.deep.equal({ create: 2 }); // the stack and the function
        const name: string = up1.outputs.name.value;
        expect(up1.outputs.published.value).to.equal(true);
        expect(await stageCode(name, "LIVE")).to.equal(GOOD);

        // The broken code: DEVELOPMENT still holds GOOD at preview, so the tests run at up, before the publish.
        setProgram(BROKEN);
        expect((await project.stack.preview()).changeSummary).to.deep.include({ update: 1 });
        const upError = await failure(project.stack.up());
        expect(upError, "up must fail").to.be.a("string");
        expect(upError).to.include('test "a directory gets index.html" failed').and.include("was not published").and.include("uri /docs/");
        expect(await stageCode(name, "LIVE")).to.equal(GOOD);
        expect(await stageCode(name, "DEVELOPMENT")).to.equal(BROKEN);

        // Now DEVELOPMENT holds the broken code: the preview runs the tests and fails, naming tests[0].
        const previewError = await failure(project.stack.preview());
        expect(previewError, "preview must fail").to.be.a("string");
        expect(previewError).to.include("tests[0]").and.include('test "a directory gets index.html" failed');
        expect(await stageCode(name, "LIVE")).to.equal(GOOD);

        // Fixed: tested, published.
        setProgram(FIXED);
        const up3 = await project.stack.up();
        expect(up3.outputs.published.value).to.equal(true);
        expect(await stageCode(name, "LIVE")).to.equal(FIXED);

        await project.stack.destroy();
        expect(await project.resources()).to.deep.equal([]);
    });
});
