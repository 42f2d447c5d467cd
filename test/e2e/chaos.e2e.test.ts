/**
 * Chaos (issue 18): the real engine against the emulator with seeded fault
 * injection: throttling (each service's real code and status), 500s, and
 * requests AWS carried out whose response was lost. The lifecycle rules
 * (lifecycle/rules.ts) make every retried create find what its first
 * attempt made, and every retried update or delete converge.
 * - each create path with its create call's response dropped once: one resource;
 * - moderate rates: every command succeeds;
 * - harsh rates: a command may fail (naming the AWS error), and after faults
 *   stop one `up --refresh` and one `destroy` leave no orphan.
 */
import { CloudFrontClient, ListDistributionsCommand, ListFunctionsCommand } from "@aws-sdk/client-cloudfront";
import { DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { Emulator, FaultConfig, sharedEmulator } from "../helpers/emulator";
import { newProject, TestProject } from "../helpers/pulumi";
import { createSubnet } from "../emulator/fixtures";

const program = `
const pulumi = require("@pulumi/pulumi");
const { cloudfront, ec2 } = require("ackless");
const c = new pulumi.Config();
const v = c.get("v") || "1";
const kinds = (c.get("kinds") || "nat,fn,dist").split(",");
const n = Number(c.get("n") || "2");
const out = {};
for (let i = 0; i < n; i++) {
    if (kinds.includes("nat")) out["nat" + i] = new ec2.NatGateway("nat" + i, { subnetId: c.require("subnetId"), connectivityType: "private", tags: { v } }).id;
    if (kinds.includes("fn")) out["fn" + i] = new cloudfront.Function("fn" + i, { code: "function handler(event) { return event.request; }", comment: "v" + v }).id;
    if (kinds.includes("dist")) out["dist" + i] = new cloudfront.Distribution("dist" + i, {
        distributionConfig: {
            Comment: "v" + v,
            Origins: { Items: [{ Id: "o", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
            DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        },
        tags: { v },
    }).id;
}
module.exports = out;
`;

/** What a failed command must name: an AWS error code or the network failure. */
const NAMED_ERROR = /AWS [A-Za-z.]+|Throttling|RequestLimitExceeded|InternalError|ECONNRESET|EPIPE|socket hang up|failed before AWS answered/;

describe("e2e: chaos: faults never orphan or duplicate a resource", function () {
    let emu: Emulator;
    let ec2: EC2Client;
    let cf: CloudFrontClient;
    let subnetId: string;

    before(async () => {
        emu = await sharedEmulator({ deploySeconds: 0, natSeconds: 0 });
        const opts = { endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
        ec2 = new EC2Client(opts);
        cf = new CloudFrontClient(opts);
    });
    after(async () => {
        await emu?.stop();
    });

    const live = async () => {
        await emu.clearFaults();
        const nats = ((await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [])
            .filter((g) => g.State !== "deleted" && g.State !== "deleting")
            .map((g) => g.NatGatewayId!);
        const fns = ((await cf.send(new ListFunctionsCommand({ Stage: "DEVELOPMENT" }))).FunctionList?.Items ?? []).map((f) => f.Name!);
        const dists = ((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? []).map((d) => d.Id!);
        return [...nats, ...fns, ...dists].sort();
    };
    const inState = async (project: TestProject) =>
        (await project.resources())
            .filter((r) => r.type.includes("ackless:"))
            .map((r) => r.id!)
            .sort();

    async function stack(name: string, config: Record<string, string>): Promise<TestProject> {
        await emu.reset();
        await emu.clearFaults();
        subnetId = (await createSubnet(ec2)).subnetId;
        // Fast polls; the SDK's own retries (adaptive, 8 attempts) absorb the faults.
        return newProject(name, program, { ...emu.env(), ACKLESS_POLL_MIN_MS: "50", ACKLESS_POLL_MAX_MS: "200" }, { subnetId, ...config });
    }

    for (const [kind, op] of [
        ["nat", "CreateNatGateway"],
        ["fn", "CreateFunction"],
        ["dist", "CreateDistributionWithTags"],
    ] as const) {
        it(`${op} carried out but its response lost: the SDK's retry finds the first attempt, one resource`, async () => {
            const project = await stack(`chaos-drop-${kind}`, { kinds: kind, n: "1" });
            try {
                await emu.setFaults({ drop: 1, operations: [op], maxFaults: 1 });
                await emu.resetCalls();
                await project.stack.up();
                const calls = (await emu.calls()).filter((c) => c.operation === op);
                expect(calls[0].fault, "the first create's response was dropped").to.equal("drop");
                expect(calls.length, "the SDK retried the create").to.be.at.least(2);
                expect(await live()).to.deep.equal(await inState(project));
                expect(await live()).to.have.length(1);
                await project.stack.destroy();
                expect(await live()).to.deep.equal([]);
            } finally {
                await project.cleanup();
            }
        });
    }

    it("moderate faults (15% throttled, 5% 500, 3% dropped after processing): up, refresh, a changed up and destroy all succeed", async () => {
        const project = await stack("chaos-moderate", { n: "1" });
        try {
            const faults: FaultConfig = { seed: 7, throttle: 0.15, internal: 0.05, drop: 0.03 };
            await emu.setFaults(faults);
            await emu.resetCalls();
            await project.stack.up();
            await project.stack.refresh();
            await project.stack.setConfig("v", { value: "2" });
            await project.stack.up();
            expect(await live()).to.deep.equal(await inState(project));
            await emu.setFaults(faults);
            await project.stack.destroy();
            const calls = await emu.calls();
            const injected = calls.filter((c) => c.fault && c.fault !== "latency");
            expect(injected.length, "faults were injected").to.be.greaterThan(0);
            console.log(
                `      moderate: ${calls.length} AWS calls, ${injected.length} faults (${["throttle", "internal", "drop"].map((f) => `${f} ${injected.filter((c) => c.fault === f).length}`).join(", ")})`,
            );
            expect(await live()).to.deep.equal([]);
            expect(await inState(project)).to.deep.equal([]);
        } finally {
            await project.cleanup();
        }
    });

    it("harsh faults (35% throttled, 10% 500, 10% dropped): commands may fail naming the AWS error; then up --refresh and destroy leave no orphan", async () => {
        const project = await stack("chaos-harsh", { n: "1" });
        try {
            await emu.setFaults({ seed: 11, throttle: 0.35, internal: 0.1, drop: 0.1 });
            const failures: string[] = [];
            const attempt = async (what: string, run: () => Promise<unknown>) => {
                try {
                    await run();
                } catch (err) {
                    const text = String((err as Error).message ?? err);
                    expect(text, `${what} failed without naming the AWS error`).to.match(NAMED_ERROR);
                    failures.push(what);
                }
            };
            await attempt("up", () => project.stack.up());
            await attempt("refresh", () => project.stack.refresh());
            await project.stack.setConfig("v", { value: "2" });
            await attempt("changed up", () => project.stack.up());
            console.log(`      harsh: failed commands: ${failures.join(", ") || "none"}`);
            await emu.clearFaults();
            await project.stack.up({ refresh: true });
            expect(await live(), "after faults stop: AWS and state agree (no orphan, no duplicate)").to.deep.equal(await inState(project));
            expect(await inState(project)).to.have.length(3);
            await project.stack.destroy();
            expect(await live()).to.deep.equal([]);
        } finally {
            await project.cleanup();
        }
    });
});
