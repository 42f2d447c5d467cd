/**
 * Benchmark: refreshing and recovering an ec2.NatGateway.
 *
 *   node dist/test/bench/nat-refresh.bench.js   (after `source .ackless/env.sh`)
 *
 * Prints:
 * - AWS calls per refresh of one gateway (from the emulator's call log);
 * - wall time of `pulumi up --refresh` that recovers a gateway deleted out of
 *   band, of a `pulumi up --refresh` with nothing to do (engine overhead), and
 *   the recovery's own cost: recovery - no-op - the emulator's pending ->
 *   available time (target: at most 2 s).
 */
import {
    AllocateAddressCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    DeleteNatGatewayCommand,
    DescribeNatGatewaysCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { startEmulator } from "../helpers/emulator";
import { newProject } from "../helpers/pulumi";

const NAT_SECONDS = Number(process.env.BENCH_NAT_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const program = `
const pulumi = require("@pulumi/pulumi");
const { ec2 } = require("ackless");
const config = new pulumi.Config();
const nat = new ec2.NatGateway("nat", { subnetId: config.require("subnetId"), allocationId: config.require("allocationId") });
exports.natId = nat.id;
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number) => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
    const emu = await startEmulator({ natSeconds: NAT_SECONDS });
    const aws = new EC2Client({ endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const vpc = await aws.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
    const subnet = await aws.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.1.0/24" }));
    const eip = await aws.send(new AllocateAddressCommand({ Domain: "vpc" }));
    const project = await newProject("nat-bench", program, emu.env(), {
        subnetId: subnet.Subnet!.SubnetId!,
        allocationId: eip.AllocationId!,
    });
    try {
        let natId: string = (await project.stack.up()).outputs.natId.value;

        // 1. AWS calls per refresh.
        await emu.resetCalls();
        await project.stack.refresh();
        const calls = (await emu.calls()).filter((c) => c.service === "ec2");
        const byOp: Record<string, number> = {};
        for (const c of calls) byOp[c.operation] = (byOp[c.operation] ?? 0) + 1;

        // 2. Recovery versus a no-op up --refresh.
        const noop: number[] = [];
        const recover: number[] = [];
        const recoverCalls: number[] = [];
        for (let i = 0; i < ROUNDS; i++) {
            let t = Date.now();
            await project.stack.up({ refresh: true });
            noop.push(Date.now() - t);

            await aws.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
            // Let the out-of-band delete finish first: it is not part of the recovery.
            for (;;) {
                const n = (await aws.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways?.[0];
                if (!n || n.State === "deleted") break;
                await new Promise((r) => setTimeout(r, 100));
            }
            await emu.resetCalls();
            t = Date.now();
            const up = await project.stack.up({ refresh: true });
            recover.push(Date.now() - t);
            recoverCalls.push((await emu.calls()).filter((c) => c.service === "ec2").length);
            const newId = up.outputs.natId.value;
            if (!newId || newId === natId) throw new Error(`recovery did not create a new gateway (${newId})`);
            natId = newId;
        }
        await project.stack.destroy();

        const paired = recover.map((r, i) => r - noop[i] - NAT_SECONDS * 1000);
        const own = median(paired);
        console.log("ec2.NatGateway refresh benchmark");
        console.log(
            `  AWS calls per refresh of one gateway: ${calls.length} (${Object.entries(byOp)
                .map(([k, v]) => `${k} x${v}`)
                .join(", ")})`,
        );
        console.log(`  emulator pending -> available time: ${NAT_SECONDS} s; rounds: ${ROUNDS}`);
        console.log(`  pulumi up --refresh, nothing to do: median ${secs(median(noop))} s (${noop.map(secs).join(", ")})`);
        console.log(
            `  pulumi up --refresh recovering a deleted gateway: median ${secs(median(recover))} s (${recover.map(secs).join(", ")}); EC2 calls ${recoverCalls.join(", ")}`,
        );
        console.log(`  recovery minus transition time: ${secs(median(recover) - NAT_SECONDS * 1000)} s`);
        console.log(
            `  recovery's own cost (recovery - same round's no-op up --refresh - transition): median ${secs(own)} s ` +
                `(${paired.map(secs).join(", ")}; target <= 2 s: ${own <= 2000 ? "met" : "NOT met"})`,
        );
    } finally {
        await project.cleanup();
        await emu.stop();
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
