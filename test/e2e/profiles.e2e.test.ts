/**
 * AWS profiles for real (issue 14): a temporary AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE with two profiles, each with its own region and
 * keys, and no credentials or region in the environment. The `aws:profile`
 * stack config (as @pulumi/aws honours it), or AWS_PROFILE, decides the
 * credentials every AWS call is signed with (the emulator logs the access key
 * id of each signature) and the region a NAT gateway lands in; refresh and
 * destroy keep using them. No credential reaches the state.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { newProject, TestProject } from "../helpers/pulumi";
import { createSubnet } from "../emulator/fixtures";

const program = `
const pulumi = require("@pulumi/pulumi");
const { cloudfront, ec2 } = require("ackless");
const c = new pulumi.Config();
const nat = new ec2.NatGateway("nat", { subnetId: c.require("subnetId"), connectivityType: "private" });
const fn = new cloudfront.Function("fn", { code: "function handler(event) { return event.request; }" });
exports.natId = nat.id;
exports.region = nat.region;
exports.fn = fn.id;
`;

/** The key the test's own checks sign with (left out of the assertions). */
const TEST_RUNNER_KEY = "AKIATESTRUNNER000000";

const PROFILES = {
    east: { key: "AKIAEASTEXAMPLE00001", secret: "east-secret-do-not-store", region: "us-east-2" },
    west: { key: "AKIAWESTEXAMPLE00002", secret: "west-secret-do-not-store", region: "us-west-1" },
};

describe("e2e: AWS profiles decide credentials and region", function () {
    let emu: Emulator;
    let dir: string;
    let env: Record<string, string>;
    const ec2In = (region: string) =>
        new EC2Client({ endpoint: emu.endpoint, region, credentials: { accessKeyId: TEST_RUNNER_KEY, secretAccessKey: "testing" } });

    before(async () => {
        emu = await sharedEmulator({ natSeconds: 0 });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-profiles-"));
        fs.writeFileSync(
            path.join(dir, "config"),
            Object.entries(PROFILES)
                .map(([name, p]) => `[profile ${name}]\nregion = ${p.region}\n`)
                .join("\n"),
        );
        fs.writeFileSync(
            path.join(dir, "credentials"),
            Object.entries(PROFILES)
                .map(([name, p]) => `[${name}]\naws_access_key_id = ${p.key}\naws_secret_access_key = ${p.secret}\n`)
                .join("\n"),
        );
        const { AWS_ACCESS_KEY_ID: _k, AWS_SECRET_ACCESS_KEY: _s, AWS_REGION: _r, ...rest } = emu.env();
        env = { ...rest, AWS_CONFIG_FILE: path.join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials") };
    });
    after(async () => {
        await emu?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Runs the program's whole life with `how` selecting the profile; checks every signature and the region. */
    async function lifecycle(name: string, how: { config?: string; envProfile?: string }, expected: (typeof PROFILES)["east"]) {
        const { subnetId } = await createSubnet(ec2In(expected.region));
        const project: TestProject = await newProject(
            name,
            program,
            { ...env, ...(how.envProfile ? { AWS_PROFILE: how.envProfile } : {}) },
            { subnetId, ...(how.config ? { "aws:profile": how.config } : {}) },
        );
        // No credentials or region from the environment: neither the test runner's nor the emulator helper's.
        const engineEnv = (project.stack.workspace as any).envVars as Record<string, string>;
        const saved: Record<string, string | undefined> = {};
        for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"]) {
            if (!(k === "AWS_PROFILE" && how.envProfile)) {
                delete engineEnv[k];
                saved[k] = process.env[k];
                delete process.env[k];
            }
        }
        try {
            await emu.resetCalls();
            const up = await project.stack.up();
            expect(up.outputs.region.value).to.equal(expected.region);
            const live = (await ec2In(expected.region).send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
            expect(live.map((g) => g.NatGatewayId)).to.include(up.outputs.natId.value);
            await project.stack.refresh();
            await project.stack.destroy();
            const calls = (await emu.calls()).filter((c) => (c.service === "ec2" || c.service === "cloudfront") && c.accessKeyId !== TEST_RUNNER_KEY);
            expect(calls.length).to.be.greaterThan(5);
            expect([...new Set(calls.map((c) => c.accessKeyId))], "every call signed with the profile's key").to.deep.equal([expected.key]);
            expect([...new Set(calls.filter((c) => c.service === "ec2").map((c) => c.region))]).to.deep.equal([expected.region]);
            const state = JSON.stringify(await project.state());
            expect(state).to.not.include(expected.secret);
            expect(state).to.not.include(expected.key);
        } finally {
            for (const [k, v] of Object.entries(saved)) {
                if (v !== undefined) process.env[k] = v;
            }
            await project.cleanup();
        }
    }

    it("pulumi config set aws:profile west: west's keys sign every call, the gateway lands in west's region", async () => {
        await lifecycle("profile-config", { config: "west" }, PROFILES.west);
    });

    it("AWS_PROFILE=east (no aws:profile): east's keys and region", async () => {
        await lifecycle("profile-env", { envProfile: "east" }, PROFILES.east);
    });
});
