/**
 * cloudfront.KeyValueStore with the real Pulumi engine against the emulator:
 * a store with items and a cloudfront-js-2.0 function that associates it go
 * up in one run (the function after the store is READY), an items change
 * updates the store alone, and destroy removes the function first, then the
 * store, with no CannotDeleteEntityWhileInUse.
 */
import { CloudFrontClient, DescribeFunctionCommand, DescribeKeyValueStoreCommand } from "@aws-sdk/client-cloudfront";
import { ListKeysCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { keyValueStore } from "../../provider/common/clients";
import { useEmulator } from "../helpers/emulator";
import { withEnv } from "../helpers/env";
import { changeCounts, newProject, TestProject } from "../helpers/pulumi";

const STORE_TYPE = "pulumi-nodejs:dynamic/ackless:KeyValueStore";
const FUNCTION_TYPE = "pulumi-nodejs:dynamic/ackless:Function";

const CODE = [
    "import cf from 'cloudfront';",
    "const kvs = cf.kvs();",
    "async function handler(event) {",
    "    const target = await kvs.get('target');",
    "    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: target } } };",
    "}",
].join("\n");

function program(target: string): string {
    return `
const { cloudfront } = require("ackless");
const store = new cloudfront.KeyValueStore("redirects", {
    comment: "where to send viewers",
    items: { target: ${JSON.stringify(target)} },
    tags: { team: "edge" },
});
const fn = new cloudfront.Function("redirect", {
    code: ${JSON.stringify(CODE)},
    keyValueStoreAssociations: [store.arn],
});
exports.storeName = store.name;
exports.storeArn = store.arn;
exports.functionName = fn.name;
`;
}

describe("e2e: cloudfront.KeyValueStore with a function on the real Pulumi engine", function () {
    const emu = useEmulator({ kvsSeconds: 0.5 });
    let project: TestProject | undefined;

    after(async () => {
        await project?.cleanup();
    });

    it("up (store READY, items written, function associates it), items update, destroy removes the function first", async () => {
        const e = emu();
        const cf = new CloudFrontClient({
            endpoint: e.endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
        const items = (arn: string) =>
            withEnv(e.env(), async () => {
                const out = await keyValueStore().send(new ListKeysCommand({ KvsARN: arn }));
                return Object.fromEntries((out.Items ?? []).map((i) => [i.Key!, i.Value!]));
            });
        project = await newProject("kvs-e2e", program("https://example.com/a"), e.env());

        // 1. up: the store is made and READY (a function cannot associate a PROVISIONING one), then the function.
        const up1 = await project.stack.up();
        expect(changeCounts(up1.summary.resourceChanges)).to.deep.equal({ create: 3 });
        const storeName: string = up1.outputs.storeName.value;
        const storeArn: string = up1.outputs.storeArn.value;
        const functionName: string = up1.outputs.functionName.value;
        expect(storeName).to.match(/^redirects-[0-9a-f]{7}$/);
        expect((await cf.send(new DescribeKeyValueStoreCommand({ Name: storeName }))).KeyValueStore!.Status).to.equal("READY");
        expect(await items(storeArn)).to.deep.equal({ target: "https://example.com/a" });
        for (const Stage of ["DEVELOPMENT", "LIVE"] as const) {
            const fn = await cf.send(new DescribeFunctionCommand({ Name: functionName, Stage }));
            expect(fn.FunctionSummary!.FunctionConfig!.KeyValueStoreAssociations!.Items!.map((i) => i.KeyValueStoreARN)).to.deep.equal([storeArn]);
        }
        expect((await project.resources()).map((r) => r.type).sort()).to.deep.equal([FUNCTION_TYPE, STORE_TYPE]);
        expect(changeCounts((await project.stack.preview()).changeSummary)).to.deep.equal({});

        // 2. a new value: the store is updated in place, the function is untouched.
        fs.writeFileSync(path.join(project.dir, "index.js"), program("https://example.com/b"));
        const up2 = await project.stack.up();
        expect(changeCounts(up2.summary.resourceChanges)).to.deep.equal({ update: 1 });
        expect(up2.outputs.storeArn.value).to.equal(storeArn);
        expect(await items(storeArn)).to.deep.equal({ target: "https://example.com/b" });

        // 3. destroy: the function goes first, so the store's delete is never refused as in use.
        await e.resetCalls();
        const destroy = await project.stack.destroy();
        expect(destroy.summary.resourceChanges?.delete).to.equal(3);
        const calls = (await e.calls()).filter((c) => c.operation === "DeleteFunction" || c.operation === "DeleteKeyValueStore");
        expect(calls.map((c) => `${c.operation} ${c.status ?? ""}`.trim())).to.deep.equal(["DeleteFunction 204", "DeleteKeyValueStore 204"]);
        let gone: any;
        await cf.send(new DescribeKeyValueStoreCommand({ Name: storeName })).catch((err) => (gone = err));
        expect(gone?.name).to.equal("EntityNotFound");
        expect(await project.resources()).to.deep.equal([]);
    });
});
