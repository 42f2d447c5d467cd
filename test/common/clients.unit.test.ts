/**
 * The AWS clients honour the SDK's standard retry settings
 * (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE) and default to adaptive with 8 attempts.
 */
import { expect } from "chai";
import { cloudfront, ec2 } from "../../provider/common/clients";
import { setProviderEnv } from "../helpers/env";

describe("AWS clients: retry settings", () => {
    const cases: [string, Record<string, string>, number, string][] = [
        ["nothing set: adaptive, 8 attempts", { AWS_MAX_ATTEMPTS: "", AWS_RETRY_MODE: "", ACKLESS_AWS_MAX_ATTEMPTS: "" }, 8, "adaptive"],
        [
            "AWS_MAX_ATTEMPTS and AWS_RETRY_MODE win",
            { AWS_MAX_ATTEMPTS: "2", AWS_RETRY_MODE: "standard", ACKLESS_AWS_MAX_ATTEMPTS: "" },
            2,
            "standard",
        ],
        [
            "ACKLESS_AWS_MAX_ATTEMPTS changes only the default",
            { AWS_MAX_ATTEMPTS: "", AWS_RETRY_MODE: "", ACKLESS_AWS_MAX_ATTEMPTS: "5" },
            5,
            "adaptive",
        ],
    ];
    for (const [label, env, attempts, mode] of cases) {
        it(label, async () => {
            const restore = setProviderEnv({ AWS_REGION: "us-east-1", ...env });
            try {
                for (const client of [ec2(), cloudfront()]) {
                    expect(await client.config.maxAttempts()).to.equal(attempts);
                    const retryMode = client.config.retryMode;
                    expect(typeof retryMode === "function" ? await retryMode() : retryMode).to.equal(mode);
                }
            } finally {
                restore();
            }
        });
    }
});
