/**
 * A large stack as a good citizen of the account (issue 16): 50 NAT gateways
 * and 10 distributions through the real engine at --parallel 32. Every
 * waiting resource shares one poller per kind and region, and reads arriving
 * together become one call, so the status reads counted in the emulator's
 * call log stay well below one per resource, and the stack's state and AWS
 * agree after up, refresh and destroy.
 */
import { CloudFrontClient, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { Emulator, EmulatorCall, sharedEmulator } from "../helpers/emulator";
import { newProject, TestProject } from "../helpers/pulumi";
import { createSubnet } from "../emulator/fixtures";

const GATEWAYS = 50;
const DISTRIBUTIONS = 10;
const PARALLEL = 32;

const program = `
const pulumi = require("@pulumi/pulumi");
const { cloudfront, ec2 } = require("ackless");
const config = new pulumi.Config();
const subnetId = config.require("subnetId");
const gateways = [];
for (let i = 0; i < ${GATEWAYS}; i++) {
    gateways.push(new ec2.NatGateway("nat-" + i, { subnetId, connectivityType: "private", tags: { n: String(i) } }));
}
const sites = [];
for (let i = 0; i < ${DISTRIBUTIONS}; i++) {
    sites.push(new cloudfront.Distribution("site-" + i, {
        distributionConfig: {
            Comment: "scale " + i,
            Origins: { Items: [{ Id: "web", DomainName: "example.com",
                CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
            DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "redirect-to-https",
                CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        },
    }));
}
exports.natIds = gateways.map((g) => g.id);
exports.distributionIds = sites.map((s) => s.id);
`;

/** NAT status reads and distribution status reads among the calls. */
function statusReads(calls: EmulatorCall[]): { nat: number; distribution: number } {
    return {
        nat: calls.filter((c) => c.operation === "DescribeNatGateways").length,
        distribution: calls.filter((c) => c.operation === "GetDistribution" || c.operation === "ListDistributions").length,
    };
}

describe("e2e: a large stack shares its reads and waits (50 NAT gateways, 10 distributions, --parallel 32)", function () {
    let emu: Emulator;
    let ec2: EC2Client;
    let cf: CloudFrontClient;
    let project: TestProject;

    const liveGateways = async () => ((await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? []).filter((n) => n.State !== "deleted");
    const liveDistributions = async () => (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
    const stateIds = async (prefix: string) =>
        (await project.resources())
            .filter((r) => r.name.startsWith(prefix))
            .map((r) => r.id)
            .sort();

    before(async () => {
        emu = await sharedEmulator({ natSeconds: 1, deploySeconds: 1 });
        const creds = { accessKeyId: "testing", secretAccessKey: "testing" };
        ec2 = new EC2Client({ endpoint: emu.endpoint, region: "us-east-1", credentials: creds });
        cf = new CloudFrontClient({ endpoint: emu.endpoint, region: "us-east-1", credentials: creds });
        const { subnetId } = await createSubnet(ec2);
        // The shipped polling schedule (the test helpers' default is faster), so the counts are the ones users get.
        project = await newProject("scale", program, { ...emu.env(), ACKLESS_POLL_MIN_MS: "250", ACKLESS_POLL_MAX_MS: "2000" }, { subnetId });
    });

    after(async () => {
        await project?.cleanup();
        await emu?.stop();
    });

    it("up: every resource made, state and AWS agree, and status reads stay far below one per resource per poll", async () => {
        await emu.resetCalls();
        await project.stack.up({ parallel: PARALLEL });
        const calls = await emu.calls();
        const reads = statusReads(calls);
        if (process.env.ACKLESS_TEST_COUNTS)
            console.log(JSON.stringify(calls.reduce((m: Record<string, number>, c) => ((m[c.operation] = (m[c.operation] ?? 0) + 1), m), {})));

        const gateways = await liveGateways();
        expect(gateways).to.have.length(GATEWAYS);
        expect(gateways.every((n) => n.State === "available")).to.equal(true);
        expect(await stateIds("nat-")).to.deep.equal(gateways.map((n) => n.NatGatewayId).sort());
        const sites = await liveDistributions();
        expect(sites).to.have.length(DISTRIBUTIONS);
        expect(sites.every((d) => d.Status === "Deployed")).to.equal(true);
        expect(await stateIds("site-")).to.deep.equal(sites.map((d) => d.Id).sort());

        // Each gateway on its own needs at least 2 reads (visible, then available), each distribution at least 2;
        // without sharing, this up made about 6 per gateway (test/bench/scale.bench.ts).
        expect(reads.nat, `DescribeNatGateways in up: ${reads.nat}`).to.be.below(GATEWAYS);
        expect(reads.distribution, `GetDistribution + ListDistributions in up: ${reads.distribution}`).to.be.below(2 * DISTRIBUTIONS);
    });

    it("refresh: the gateways' reads are coalesced into a few DescribeNatGateways; nothing changes", async () => {
        await emu.resetCalls();
        const result = await project.stack.refresh({ parallel: PARALLEL });
        const calls = await emu.calls();
        const reads = statusReads(calls);
        if (process.env.ACKLESS_TEST_COUNTS)
            console.log(JSON.stringify(calls.reduce((m: Record<string, number>, c) => ((m[c.operation] = (m[c.operation] ?? 0) + 1), m), {})));
        expect(result.summary.resourceChanges?.update ?? 0).to.equal(0);
        expect(reads.nat, `DescribeNatGateways in refresh: ${reads.nat}`).to.be.at.most(10);
        expect(await stateIds("nat-")).to.have.length(GATEWAYS);
    });

    it("destroy: everything deleted on AWS, the state empty, with shared waits", async () => {
        await emu.resetCalls();
        await project.stack.destroy({ parallel: PARALLEL });
        const calls = await emu.calls();
        const reads = statusReads(calls);
        if (process.env.ACKLESS_TEST_COUNTS)
            console.log(JSON.stringify(calls.reduce((m: Record<string, number>, c) => ((m[c.operation] = (m[c.operation] ?? 0) + 1), m), {})));
        expect(await liveGateways()).to.have.length(0);
        expect(await liveDistributions()).to.have.length(0);
        expect(await project.resources()).to.have.length(0);
        // Without sharing: about 6 per gateway. Shared ticks (at least 500 ms apart) make it a few per second of waiting.
        expect(reads.nat, `DescribeNatGateways in destroy: ${reads.nat}`).to.be.below(2 * GATEWAYS);
        // Per distribution: a fresh read for the ETag it is deleted with; the waits are shared.
        expect(reads.distribution, `GetDistribution + ListDistributions in destroy: ${reads.distribution}`).to.be.below(3 * DISTRIBUTIONS);
    });
});
