/**
 * The region is part of a NAT gateway's identity (issue 14): `aws:region`
 * decides where it is made, the region is stored in state, a refresh or a
 * destroy under another default region still finds it (never drops a live
 * gateway from state), changing it previews as a replacement, and no region
 * at all fails the preview naming the ways to set one.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { changeCounts, newProject, TestProject } from "../helpers/pulumi";
import { createSubnet } from "../emulator/fixtures";

const program = `
const pulumi = require("@pulumi/pulumi");
const { ec2 } = require("ackless");
const c = new pulumi.Config();
const nat = new ec2.NatGateway("nat", { subnetId: c.require("subnetId"), connectivityType: "private" });
exports.id = nat.id;
exports.region = nat.region;
`;

describe("e2e: a NAT gateway's region: aws:region decides, state remembers", function () {
    let emu: Emulator;
    let project: TestProject | undefined;
    const client = (region: string) =>
        new EC2Client({ endpoint: emu.endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const liveIn = async (region: string) =>
        ((await client(region).send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [])
            .filter((g) => g.State !== "deleted")
            .map((g) => g.NatGatewayId);
    const env = () => (project!.stack.workspace as any).envVars as Record<string, string>;

    before(async () => {
        emu = await sharedEmulator({ natSeconds: 0 });
    });
    after(async () => {
        await project?.cleanup();
        await emu?.stop();
    });

    it("pulumi config set aws:region us-west-2 makes the gateway in us-west-2 (the environment says us-east-1)", async () => {
        const { subnetId } = await createSubnet(client("us-west-2"));
        project = await newProject("region", program, emu.env(), { subnetId, "aws:region": "us-west-2" });
        const up = await project.stack.up();
        expect(up.outputs.region.value).to.equal("us-west-2");
        expect(await liveIn("us-west-2")).to.deep.equal([up.outputs.id.value]);
        expect(await liveIn("us-east-1")).to.deep.equal([]);
    });

    it("a refresh under another default region keeps it in state; the next preview is clean", async () => {
        const id = (await project!.stack.outputs()).id.value;
        env().AWS_REGION = "eu-west-1";
        const refresh = await project!.stack.refresh();
        expect(changeCounts(refresh.summary.resourceChanges)).to.deep.equal({});
        expect((await project!.resources()).find((r) => r.name === "nat")?.id).to.equal(id);
        expect(changeCounts((await project!.stack.preview()).changeSummary)).to.deep.equal({});
    });

    it("changing the region previews as a replacement", async () => {
        await project!.stack.setConfig("aws:region", { value: "us-east-2" });
        const preview = await project!.stack.preview();
        expect(changeCounts(preview.changeSummary)).to.deep.equal({ replace: 1 });
        await project!.stack.setConfig("aws:region", { value: "us-west-2" });
    });

    it("destroy under another default region deletes it where it lives", async () => {
        await project!.stack.destroy();
        expect(await liveIn("us-west-2")).to.deep.equal([]);
        env().AWS_REGION = "us-east-1";
    });

    it("with no region anywhere, preview fails naming aws:region, AWS_REGION and the profile", async () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-noregion-"));
        fs.writeFileSync(path.join(empty, "config"), "");
        const { AWS_REGION: _r, ...rest } = emu.env();
        const p = await newProject(
            "noregion",
            program,
            { ...rest, AWS_CONFIG_FILE: path.join(empty, "config"), AWS_DEFAULT_REGION: "" },
            { subnetId: "subnet-0123456789abcdef0" },
        );
        // The test process's own AWS_REGION must not leak into the engine's environment.
        delete (p.stack.workspace as any).envVars.AWS_REGION;
        const saved = process.env.AWS_REGION;
        delete process.env.AWS_REGION;
        try {
            let err: any;
            await p.stack.preview().catch((e) => (err = e));
            expect(String(err?.message))
                .to.include("no AWS region for this NAT gateway")
                .and.include("aws:region")
                .and.include("AWS_REGION")
                .and.include("profile");
        } finally {
            if (saved !== undefined) process.env.AWS_REGION = saved;
            await p.cleanup();
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });
});
