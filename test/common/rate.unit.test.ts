/**
 * ackless's client-side request budget (common/rate.ts), on a fake clock, and
 * its place in front of every AWS request (common/clients.ts).
 */
import { DescribeNatGatewaysCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { ec2, resetClients, withRegion } from "../../provider/common/clients";
import { category, parseLimits, resetRateLimits, throttle, TokenBucket } from "../../provider/common/rate";
import { FakeClock } from "../helpers/fake-clock";
import { withEnv } from "../helpers/env";

describe("common/rate: the request budget", () => {
    afterEach(() => resetRateLimits());

    it("a bucket serves its burst at once, then its refill rate, in order", async () => {
        const clock = new FakeClock();
        const bucket = new TokenBucket(5, 10, clock);
        const servedAt: number[] = [];
        const start = clock.now();
        const takers = Array.from({ length: 20 }, () => bucket.take().then(() => servedAt.push(clock.now() - start)));
        await clock.advance(0);
        expect(servedAt).to.have.length(10);
        await clock.advance(1000);
        expect(servedAt).to.have.length(15);
        await clock.advance(1000);
        await Promise.all(takers);
        expect(servedAt).to.have.length(20);
        expect(servedAt).to.deep.equal([...servedAt].sort((a, b) => a - b));
        expect(servedAt.at(-1)).to.equal(2000);
    });

    it("reads and writes: Describe/Get/List are reads, everything else writes", () => {
        expect(["DescribeNatGateways", "GetDistribution", "ListTagsForResource"].map(category)).to.deep.equal(["read", "read", "read"]);
        expect(["CreateNatGateway", "DeleteDistribution", "CreateTags", "PublishFunction"].map(category)).to.deep.equal([
            "write",
            "write",
            "write",
            "write",
        ]);
    });

    it("ACKLESS_RATE_LIMITS: defaults sized to EC2's documented buckets, overrides, off, and errors naming the entry", () => {
        const d = parseLimits(undefined)!;
        expect(d["ec2.read"]).to.deep.equal({ perSecond: 20, burst: 100 });
        expect(parseLimits("ec2.read=2/4")!["ec2.read"]).to.deep.equal({ perSecond: 2, burst: 4 });
        expect(parseLimits("ec2.read=2/4")!["cloudfront.read"]).to.deep.equal(d["cloudfront.read"]);
        expect(parseLimits("off")).to.equal(undefined);
        expect(() => parseLimits("ec2.read=fast")).to.throw(
            /ACKLESS_RATE_LIMITS: "ec2.read=fast" is not <service>.<read\|write>=<per second>\/<burst>/,
        );
    });

    it("throttle(): per API, service and region; other APIs and regions have their own budget", async () => {
        await withEnv({ ACKLESS_RATE_LIMITS: "ec2.read=1/2" }, async () => {
            const clock = new FakeClock();
            let done = 0;
            const calls = [
                ...Array.from({ length: 4 }, () => throttle("ec2", "us-east-1", "DescribeNatGateways", clock)),
                throttle("ec2", "us-east-1", "DescribeSubnets", clock),
                throttle("ec2", "eu-west-1", "DescribeNatGateways", clock),
            ].map((p) => p.then(() => done++));
            await clock.advance(0);
            expect(done).to.equal(4); // 2 of the burst + the other API + the other region
            await clock.advance(2000);
            await Promise.all(calls);
            expect(done).to.equal(6);
        });
    });

    it("every request an AWS client of ackless sends takes a token: a burst of 3 then 1/s is visible on a real HTTP endpoint", async () => {
        const seen: number[] = [];
        const server = http.createServer((req, res) => {
            seen.push(Date.now());
            req.resume();
            req.on("end", () => {
                res.setHeader("content-type", "text/xml");
                res.end(
                    '<DescribeNatGatewaysResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><natGatewaySet/></DescribeNatGatewaysResponse>',
                );
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as AddressInfo).port;
        try {
            await withEnv(
                {
                    ACKLESS_RATE_LIMITS: "ec2.read=5/3",
                    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
                    AWS_ACCESS_KEY_ID: "testing",
                    AWS_SECRET_ACCESS_KEY: "testing",
                },
                async () => {
                    resetClients();
                    await withRegion("us-east-1", () => Promise.all(Array.from({ length: 6 }, () => ec2().send(new DescribeNatGatewaysCommand({})))));
                },
            );
        } finally {
            server.close();
            resetClients();
        }
        expect(seen).to.have.length(6);
        // 3 at once, then 3 more at 5/s: the last no earlier than ~0.6 s after the first.
        expect(seen[5] - seen[0]).to.be.at.least(500);
    });
});
