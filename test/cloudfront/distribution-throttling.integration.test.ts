/**
 * cloudfront.Distribution provider under throttling: the real SDK client
 * against a local HTTP server, so the SDK's own (adaptive) retries, which
 * sleep in real time, are what is tested.
 */
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { provider } from "../../provider/cloudfront/distribution/adapter";
import { setProviderEnv } from "../helpers/env";

describe("cloudfront.Distribution provider: throttling (real SDK client, local HTTP server)", () => {
    let server: http.Server;
    let requests: string[] = [];
    let restoreEnv: () => void = () => undefined;

    before(async () => {
        server = http.createServer((req, res) => {
            requests.push(`${req.method} ${req.url}`);
            const throttle = requests.length <= 2;
            const code = throttle ? "Throttling" : "NoSuchDistribution";
            res.writeHead(throttle ? 400 : 404, { "content-type": "text/xml", "x-amzn-requestid": "r" });
            res.end(
                `<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
            );
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const env = {
            AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            AWS_ACCESS_KEY_ID: "testing",
            AWS_SECRET_ACCESS_KEY: "testing",
        };
        restoreEnv = setProviderEnv(env);
    });
    after(async () => {
        restoreEnv();
        await new Promise<void>((r) => server.close(() => r()));
    });

    it("throttled GetDistribution calls are retried by the SDK (adaptive mode) and the delete completes", async () => {
        requests = [];
        await provider.delete("D1", {});
        expect(requests).to.deep.equal(Array(3).fill("GET /2020-05-31/distribution/D1"));
    });
});
