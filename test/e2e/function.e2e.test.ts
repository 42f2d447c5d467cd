/**
 * cloudfront.Function with the real Pulumi engine against the emulator: a
 * function associated with a distribution, code updates published in the
 * same run as a distribution update, out-of-band drift found by
 * `preview --refresh` and repaired by `up --refresh`, and destroy.
 */
import {
    CloudFrontClient,
    DescribeFunctionCommand,
    GetDistributionConfigCommand,
    GetFunctionCommand,
    ListDistributionsCommand,
    UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { useEmulator } from "../helpers/emulator";
import { changeCounts, newProject, TestProject } from "../helpers/pulumi";

const FUNCTION_TYPE = "pulumi-nodejs:dynamic/ackless:Function";
const DISTRIBUTION_TYPE = "pulumi-nodejs:dynamic/ackless:Distribution";

const V1 = "function handler(event) { return event.request; }";
const V2 = "function handler(event) { var r = event.request; r.uri = '/v2' + r.uri; return r; }";
const OOB = "function handler(event) { return { statusCode: 503 }; }";

function program(code: string, comment: string): string {
    return `
const { cloudfront } = require("ackless");
const rewrite = new cloudfront.Function("rewrite", {
    code: ${JSON.stringify(code)},
    comment: "rewrites paths",
    tags: { team: "edge" },
});
const site = new cloudfront.Distribution("site", {
    distributionConfig: {
        Comment: ${JSON.stringify(comment)},
        Enabled: true,
        Origins: { Items: [{ Id: "origin", DomainName: "example.com",
            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
        DefaultCacheBehavior: {
            TargetOriginId: "origin",
            ViewerProtocolPolicy: "redirect-to-https",
            CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
            FunctionAssociations: { Items: [{ FunctionARN: rewrite.arn, EventType: "viewer-request" }] },
        },
    },
});
exports.functionName = rewrite.name;
exports.functionArn = rewrite.arn;
exports.published = rewrite.published;
exports.etag = rewrite.etag;
exports.liveEtag = rewrite.liveEtag;
exports.distributionId = site.id;
`;
}

describe("e2e: cloudfront.Function with a distribution on the real Pulumi engine", function () {
    const emu = useEmulator();
    let project: TestProject | undefined;
    let cf: CloudFrontClient;

    before(() => {
        // useEmulator starts it in its own before(); make the client lazily.
    });
    after(async () => {
        await project?.cleanup();
    });

    const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
    async function stages(name: string) {
        const dev = await cf.send(new GetFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
        const live = await cf.send(new GetFunctionCommand({ Name: name, Stage: "LIVE" }));
        const devEtag = (await cf.send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }))).ETag;
        const liveEtag = (await cf.send(new DescribeFunctionCommand({ Name: name, Stage: "LIVE" }))).ETag;
        return { dev: text(dev.FunctionCode), live: text(live.FunctionCode), devEtag, liveEtag };
    }
    async function associated(distributionId: string): Promise<string[]> {
        const cfg = await cf.send(new GetDistributionConfigCommand({ Id: distributionId }));
        return (cfg.DistributionConfig!.DefaultCacheBehavior!.FunctionAssociations?.Items ?? []).map((i) => i.FunctionARN!);
    }
    const setProgram = (code: string, comment: string) => fs.writeFileSync(path.join(project!.dir, "index.js"), program(code, comment));

    // One scenario in steps: the emulator is reset before each `it`, so it is a single test.
    it("up, code + distribution update in one run, drift via preview --refresh, up --refresh, destroy", async () => {
        const e = emu();
        cf = new CloudFrontClient({ endpoint: e.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
        project = await newProject("fn-e2e", program(V1, "v1"), e.env());

        // 1. up: the function is created and published, the distribution associates its ARN.
        const up1 = await project.stack.up();
        expect(changeCounts(up1.summary.resourceChanges)).to.deep.equal({ create: 3 });
        const name: string = up1.outputs.functionName.value;
        const arn: string = up1.outputs.functionArn.value;
        const distributionId: string = up1.outputs.distributionId.value;
        expect(name).to.match(/^rewrite-[0-9a-f]{7}$/);
        expect(up1.outputs.published.value).to.equal(true);
        let s = await stages(name);
        expect(s).to.include({ dev: V1, live: V1, devEtag: up1.outputs.etag.value, liveEtag: up1.outputs.liveEtag.value });
        expect(await associated(distributionId)).to.deep.equal([arn]);
        const types = (await project.resources()).map((r) => r.type).sort();
        expect(types).to.deep.equal([DISTRIBUTION_TYPE, FUNCTION_TYPE]);
        expect((await project.stack.preview()).changeSummary).to.not.have.property("update");

        // 2. change the code and the distribution in the same up: no 412, published, still associated.
        setProgram(V2, "v2");
        const up2 = await project.stack.up();
        expect(changeCounts(up2.summary.resourceChanges)).to.deep.equal({ update: 2 });
        expect(up2.outputs.functionName.value).to.equal(name);
        expect(up2.outputs.published.value).to.equal(true);
        s = await stages(name);
        expect(s).to.include({ dev: V2, live: V2, devEtag: up2.outputs.etag.value, liveEtag: up2.outputs.liveEtag.value });
        expect(await associated(distributionId)).to.deep.equal([arn]);
        expect((await cf.send(new GetDistributionConfigCommand({ Id: distributionId }))).DistributionConfig!.Comment).to.equal("v2");

        // 3. someone updates DEVELOPMENT without publishing: preview --refresh shows the drift.
        await cf.send(
            new UpdateFunctionCommand({
                Name: name,
                IfMatch: s.devEtag,
                FunctionConfig: { Comment: "rewrites paths", Runtime: "cloudfront-js-2.0" },
                FunctionCode: new TextEncoder().encode(OOB),
            }),
        );
        const preview = await project.stack.preview({ refresh: true });
        if (process.env.FN_E2E_DEBUG) console.log(preview.stdout);
        expect(preview.changeSummary.update).to.equal(1);
        expect(preview.stdout).to.contain("DEVELOPMENT code was changed outside Pulumi");
        // The preview changed nothing.
        expect((await stages(name)).dev).to.equal(OOB);

        // 4. up --refresh: DEVELOPMENT is the program's code again and LIVE serves it.
        const up3 = await project.stack.up({ refresh: true });
        expect(up3.summary.resourceChanges?.update).to.equal(1);
        s = await stages(name);
        expect(s).to.include({ dev: V2, live: V2, devEtag: up3.outputs.etag.value, liveEtag: up3.outputs.liveEtag.value });
        expect(up3.outputs.published.value).to.equal(true);
        expect(await associated(distributionId)).to.deep.equal([arn]);
        expect(changeCounts((await project.stack.preview({ refresh: true })).changeSummary)).to.deep.equal({});

        // 5. destroy removes both (the distribution first; no FunctionInUse).
        const destroy = await project.stack.destroy();
        expect(destroy.summary.resourceChanges?.delete).to.equal(3);
        let gone: any;
        try {
            await cf.send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
        } catch (err) {
            gone = err;
        }
        expect(gone?.name).to.equal("NoSuchFunctionExists");
        const list = await cf.send(new ListDistributionsCommand({}));
        expect(list.DistributionList?.Items ?? []).to.deep.equal([]);
        expect(await project.resources()).to.deep.equal([]);
    });
});
