/**
 * Benchmark: `pulumi destroy` of one enabled cloudfront.Distribution when the
 * emulator takes T seconds from InProgress to Deployed (T = 5 and 30).
 *
 * Prints, per T: the destroy's wall time minus T (target <= 2 s), the engine
 * floor (a destroy with nothing to wait for: one disabled, Deployed
 * distribution), the AWS calls by operation next to the minimum sequence, and
 * the bytes of provider code stored in state per resource (target <= 4 KB).
 * Polling uses the production defaults (250 ms, backing off to a 2 s cap).
 *
 * Run: npx tsc -p tsconfig.json && source .ackless/env.sh && node dist/test/bench/distribution-delete.bench.js [T...]
 */
import { CloudFrontClient, CreateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { deleteDistribution } from "../../provider/cloudfront/distribution/ops";
import { resetClients } from "../../provider/common/clients";
import { Emulator, startEmulator } from "../helpers/emulator";
import { newProject } from "../helpers/pulumi";

const program = (enabled: boolean) => `
const { cloudfront } = require("ackless");
const site = new cloudfront.Distribution("site", {
    distributionConfig: {
        Enabled: ${enabled},
        Origins: { Items: [{ Id: "web", DomainName: "example.com",
            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "redirect-to-https",
            CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    },
});
exports.id = site.id;
`;

/** The fewest calls a disable-wait-delete can make: read, read config, disable, one poll that sees Deployed, delete. */
const MINIMUM: Record<string, number> = { GetDistribution: 2, GetDistributionConfig: 1, UpdateDistribution: 1, DeleteDistribution: 1 };

interface Run {
    seconds: number;
    calls: Record<string, number>;
    providerBytes: number;
}

async function destroyRun(emu: Emulator, name: string, enabled: boolean, deploySeconds: number): Promise<Run> {
    // Production polling defaults, not the fast test ones.
    const project = await newProject(name, program(enabled), { ...emu.env(), ACKLESS_POLL_MIN_MS: "250", ACKLESS_POLL_MAX_MS: "2000" });
    try {
        await emu.setConfig({ deploySeconds: 0 });
        await project.stack.up();
        const [res] = await project.resources();
        const providerBytes = Buffer.byteLength(res.inputs.__provider, "utf8");
        await emu.setConfig({ deploySeconds });
        await emu.resetCalls();
        const t0 = process.hrtime.bigint();
        await project.stack.destroy();
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        const calls: Record<string, number> = {};
        for (const c of await emu.calls()) {
            if (c.service === "cloudfront") calls[c.operation] = (calls[c.operation] ?? 0) + 1;
        }
        return { seconds, calls, providerBytes };
    } finally {
        await project.cleanup();
    }
}

/** The same delete without the engine: the provider's own lag after Deployed. */
async function providerRun(emu: Emulator, deploySeconds: number): Promise<number> {
    Object.assign(process.env, emu.env(), { ACKLESS_POLL_MIN_MS: "250", ACKLESS_POLL_MAX_MS: "2000" });
    resetClients();
    const cf = new CloudFrontClient({
        endpoint: emu.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await emu.setConfig({ deploySeconds: 0 });
    const created = await cf.send(
        new CreateDistributionCommand({
            DistributionConfig: {
                CallerReference: `bench-${Date.now()}`,
                Comment: "",
                Enabled: true,
                Origins: {
                    Quantity: 1,
                    Items: [
                        {
                            Id: "web",
                            DomainName: "example.com",
                            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
                        },
                    ],
                },
                DefaultCacheBehavior: {
                    TargetOriginId: "web",
                    ViewerProtocolPolicy: "redirect-to-https",
                    CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                },
            },
        }),
    );
    await emu.setConfig({ deploySeconds });
    const t0 = process.hrtime.bigint();
    await deleteDistribution(created.Distribution!.Id!, 60);
    return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main() {
    const ts = process.argv
        .slice(2)
        .map(Number)
        .filter((n) => n > 0);
    const Ts = ts.length ? ts : [5, 30];
    const emu = await startEmulator();
    try {
        await destroyRun(emu, "bench-warmup", false, 0);
        const floor = await destroyRun(emu, "bench-floor", false, 0);
        console.log(
            `engine floor (destroy of a disabled, Deployed distribution): ${floor.seconds.toFixed(2)} s; calls ${JSON.stringify(floor.calls)}`,
        );
        console.log("");
        console.log(
            "| T (s) | destroy wall (s) | wall - T (s) | wall - T - floor (s) | provider only: delete - T (s) | calls (actual / minimum) | __provider bytes |",
        );
        console.log("|---|---|---|---|---|---|---|");
        for (const T of Ts) {
            const r = await destroyRun(emu, `bench-${T}`, true, T);
            const direct = await providerRun(emu, T);
            const ops = [...new Set([...Object.keys(MINIMUM), ...Object.keys(r.calls)])]
                .map((op) => `${op} ${r.calls[op] ?? 0}/${MINIMUM[op] ?? 0}`)
                .join(", ");
            console.log(
                `| ${T} | ${r.seconds.toFixed(2)} | ${(r.seconds - T).toFixed(2)} | ${(r.seconds - T - floor.seconds).toFixed(2)} | ${(direct - T).toFixed(2)} | ${ops} | ${r.providerBytes} |`,
            );
        }
    } finally {
        await emu.stop();
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
