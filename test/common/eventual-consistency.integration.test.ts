/**
 * Lifecycle R5 on every create path, against the emulator's
 * notFoundAfterCreateSeconds switch: reads of a just-created resource answer
 * NotFound for a while, as AWS's eventually consistent read APIs may. Every
 * create must wait for it, not take it as gone: one resource, no error, no
 * second one (a private NAT gateway would otherwise walk to a new token).
 */
import { CloudFrontClient, ListDistributionsCommand, ListFunctionsCommand } from "@aws-sdk/client-cloudfront";
import { DescribeNatGatewaysCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { provider as distribution } from "../../provider/cloudfront/distribution/adapter";
import { provider as fn } from "../../provider/cloudfront/function/adapter";
import { provider as nat } from "../../provider/ec2/nat-gateway/adapter";
import { useEmulator } from "../helpers/emulator";
import { setProviderEnv } from "../helpers/env";
import { createSubnet } from "../emulator/fixtures";

describe("lifecycle R5: every create waits out NotFound right after the create (emulator notFoundAfterCreateSeconds)", function () {
    const emu = useEmulator({ notFoundAfterCreateSeconds: 2 });
    let restoreEnv: () => void = () => undefined;
    const clients = () => {
        const opts = { endpoint: emu().endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
        return { ec2: new EC2Client(opts), cf: new CloudFrontClient(opts) };
    };

    beforeEach(() => {
        restoreEnv = setProviderEnv({ ...emu().env(), ACKLESS_POLL_MIN_MS: "50", ACKLESS_POLL_MAX_MS: "200" });
    });
    afterEach(() => restoreEnv());

    it("ec2.NatGateway (private): one gateway, available, no walk to a second token", async () => {
        const { subnetId } = await createSubnet(clients().ec2);
        const inputs = (await nat.check({}, { __identity: "r5/test//nat", subnetId, connectivityType: "private" })).inputs;
        const r = await nat.create(inputs);
        expect(r.outs.state).to.equal("available");
        expect(r.outs.clientToken).to.equal(inputs.__clientToken);
        const all = (await clients().ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
        expect(all.map((g) => g.NatGatewayId)).to.deep.equal([r.id]);
        const notFound = (await emu().calls()).filter((c) => c.operation === "DescribeNatGateways" && c.status === 400);
        expect(notFound.length, "the emulator did answer NotFound first").to.be.greaterThan(0);
    });

    it("cloudfront.Function: one function, published, its LIVE ETag filled", async () => {
        const inputs = (await fn.check({}, { __identity: "r5/test//fn", autoNamePrefix: "fn", code: "function handler(e) { return e.request; }" }))
            .inputs;
        const r = await fn.create(inputs as any);
        expect(r.outs.published).to.equal(true);
        expect(r.outs.liveEtag).to.be.a("string").and.not.equal("");
        const all = (await clients().cf.send(new ListFunctionsCommand({ Stage: "DEVELOPMENT" }))).FunctionList?.Items ?? [];
        expect(all.map((f) => f.Name)).to.deep.equal([r.id]);
    });

    it("cloudfront.Distribution: one distribution, Deployed, the pending-create marker gone", async () => {
        const inputs = (
            await distribution.check(
                {},
                {
                    __identity: "r5/test//site",
                    distributionConfig: {
                        Origins: {
                            Items: [
                                {
                                    Id: "o",
                                    DomainName: "example.com",
                                    CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
                                },
                            ],
                        },
                        DefaultCacheBehavior: {
                            TargetOriginId: "o",
                            ViewerProtocolPolicy: "allow-all",
                            CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                        },
                    },
                },
            )
        ).inputs;
        const r = await distribution.create(inputs);
        expect(r.outs.status).to.equal("Deployed");
        const all = (await clients().cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
        expect(all.map((d) => d.Id)).to.deep.equal([r.id]);
        const untag = (await emu().calls()).filter((c) => c.operation === "UntagResource");
        expect(untag).to.have.length(1);
        expect(untag[0].status ?? 200).to.be.below(300);
    });
});
