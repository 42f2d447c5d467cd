/**
 * Benchmark: a large stack against the emulator (issue 16).
 *
 *   node dist/test/bench/scale.bench.js   (after `source .ackless/env.sh`)
 *
 * For each N in BENCH_SIZES (default "100,300"): one stack of N public NAT
 * gateways (each with its own Elastic IP), N/10 regional NAT gateways
 * (automatic mode, in the subnet's VPC) and N/5 distributions, run at
 * --parallel BENCH_PARALLEL (default 32), with the emulator's transitions at
 * BENCH_TRANSITION_S (default 2 s). Prints, for up, an update giving N/10 of
 * the zonal gateways a secondary Elastic IP (in place), refresh and destroy:
 * - the AWS calls by operation (from the emulator's call log), the NAT status
 *   reads (DescribeNatGateways) and distribution status reads (GetDistribution
 *   + ListDistributions);
 * - wall time;
 * - the same operations on a stack of N + N/5 trivial dynamic resources
 *   (Echo, a file each) in the same run: the engine's own floor.
 * To compare with an older commit, copy the compiled dist/test/bench/scale.bench.js
 * into that checkout's dist/test/bench/ and run it there.
 */
import { AllocateAddressCommand, EC2Client } from "@aws-sdk/client-ec2";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EmulatorCall, startEmulator } from "../helpers/emulator";
import { newProject } from "../helpers/pulumi";
import { createSubnet } from "../emulator/fixtures";

const SIZES = (process.env.BENCH_SIZES ?? "100,300").split(",").map(Number);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 32);
const TRANSITION_S = Number(process.env.BENCH_TRANSITION_S ?? 2);

const awsProgram = (n: number) => `
const pulumi = require("@pulumi/pulumi");
const { cloudfront, ec2 } = require("ackless");
const config = new pulumi.Config();
const subnetId = config.require("subnetId");
const vpcId = config.require("vpcId");
const allocations = config.require("allocations").split(",");
const secondaries = (config.get("secondaries") || "").split(",").filter((a) => a);
for (let i = 0; i < ${n}; i++) {
    new ec2.NatGateway("nat-" + i, { subnetId, allocationId: allocations[i], secondaryAllocationIds: secondaries[i] ? [secondaries[i]] : undefined });
}
for (let i = 0; i < ${Math.floor(n / 10)}; i++) {
    new ec2.NatGateway("regional-" + i, { availabilityMode: "regional", vpcId });
}
for (let i = 0; i < ${Math.floor(n / 5)}; i++) {
    new cloudfront.Distribution("site-" + i, {
        distributionConfig: {
            Comment: "bench " + i,
            Origins: { Items: [{ Id: "web", DomainName: "example.com",
                CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
            DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "redirect-to-https",
                CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        },
    });
}
`;

const echoProgram = (n: number, dir: string) => `
const { Echo } = require("ackless/dist/provider/testing/echo");
for (let i = 0; i < ${n}; i++) {
    new Echo("echo-" + i, { path: ${JSON.stringify(dir)} + "/echo-" + i, content: String(i) });
}
`;

const secs = (ms: number) => (ms / 1000).toFixed(1);

function summary(calls: EmulatorCall[]): { nat: number; dist: number; total: number; byOp: string } {
    const byOp: Record<string, number> = {};
    for (const c of calls) byOp[c.operation] = (byOp[c.operation] ?? 0) + 1;
    return {
        nat: byOp.DescribeNatGateways ?? 0,
        dist: (byOp.GetDistribution ?? 0) + (byOp.ListDistributions ?? 0),
        total: calls.length,
        byOp: Object.entries(byOp)
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => `${k} ${v}`)
            .join(", "),
    };
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
    const t = Date.now();
    await fn();
    return Date.now() - t;
}

async function run(n: number): Promise<void> {
    const emu = await startEmulator({ natSeconds: TRANSITION_S, deploySeconds: TRANSITION_S });
    const ec2 = new EC2Client({ endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const { subnetId, vpcId } = await createSubnet(ec2);
    const allocate = async (count: number) => {
        const out: string[] = [];
        for (let i = 0; i < count; i++) {
            out.push((await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!);
        }
        return out;
    };
    const allocations = await allocate(n);
    const secondaries = await allocate(Math.floor(n / 10));
    // The shipped polling schedule (the test helpers' default is faster).
    const env = { ...emu.env(), ACKLESS_POLL_MIN_MS: "250", ACKLESS_POLL_MAX_MS: "2000" };
    const project = await newProject(`scale-${n}`, awsProgram(n), env, { subnetId, vpcId, allocations: allocations.join(",") });
    const echoDir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-echo-"));
    const floor = await newProject(`floor-${n}`, echoProgram(n + Math.floor(n / 10) + Math.floor(n / 5), echoDir), {});
    const withSecondaries = async () => {
        await project.stack.setConfig("secondaries", { value: secondaries.join(",") });
        return project.stack.up({ parallel: PARALLEL });
    };
    try {
        const rows: string[] = [];
        for (const [name, op, floorOp] of [
            ["up", () => project.stack.up({ parallel: PARALLEL }), () => floor.stack.up({ parallel: PARALLEL })],
            ["update: N/10 secondary EIPs", withSecondaries, () => floor.stack.up({ parallel: PARALLEL })],
            ["refresh", () => project.stack.refresh({ parallel: PARALLEL }), () => floor.stack.refresh({ parallel: PARALLEL })],
            ["destroy", () => project.stack.destroy({ parallel: PARALLEL }), () => floor.stack.destroy({ parallel: PARALLEL })],
        ] as const) {
            await emu.resetCalls();
            const ms = await timed(op);
            const s = summary(await emu.calls());
            const floorMs = await timed(floorOp);
            rows.push(
                `| ${n} + ${Math.floor(n / 10)} + ${Math.floor(n / 5)} | ${name} | ${s.nat} | ${s.dist} | ${s.total} | ${secs(ms)} s | ${secs(floorMs)} s |`,
            );
            console.log(`  N=${n} ${name}: ${s.byOp}`);
        }
        console.log(
            `\n| zonal + regional gateways + distributions | step | NAT status reads | distribution status reads | all AWS calls | wall time | engine floor (Echo) |`,
        );
        console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
        for (const r of rows) console.log(r);
        console.log("");
    } finally {
        await project.cleanup();
        await floor.cleanup();
        fs.rmSync(echoDir, { recursive: true, force: true });
        await emu.stop();
    }
}

async function main(): Promise<void> {
    console.log(`scale benchmark: --parallel ${PARALLEL}, transitions ${TRANSITION_S} s`);
    for (const n of SIZES) {
        await run(n);
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
