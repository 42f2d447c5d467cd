/** describeAwsError: AWS codes kept, network failures and missing credentials told apart. */
import { expect } from "chai";
import { awsCode, describeAwsError, isAwsError } from "../../provider/common/errors";

describe("common/errors", () => {
    it("keeps the AWS code, the HTTP status and a plain explanation", () => {
        const err = Object.assign(new Error("The request failed because it didn't meet the preconditions"), {
            name: "PreconditionFailed",
            $metadata: { httpStatusCode: 412 },
        });
        expect(isAwsError(err, "PreconditionFailed")).to.equal(true);
        expect(awsCode(err)).to.equal("PreconditionFailed");
        const d = describeAwsError("updating X", err);
        expect(d.message).to.equal(
            "updating X: AWS PreconditionFailed (HTTP 412): The request failed because it didn't meet the preconditions; the resource changed since it was read (stale ETag)",
        );
        expect(d.awsCode).to.equal("PreconditionFailed");
    });

    it("network errors say the request may not have reached AWS", () => {
        const byName = describeAwsError("deleting X", Object.assign(new Error("socket hang up"), { name: "ECONNRESET" }));
        expect(byName.message).to.equal("deleting X: could not reach AWS (ECONNRESET: socket hang up)");
        const bySysCode = describeAwsError("deleting X", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }));
        expect(bySysCode.message).to.include("could not reach AWS");
    });

    it("missing credentials and our own bugs are not reported as network trouble", () => {
        const creds = describeAwsError(
            "reading X",
            Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
        );
        expect(creds.message).to.include("no AWS credentials found").and.include("AWS_PROFILE");
        const bug = describeAwsError("reading X", new TypeError("Cannot read properties of undefined (reading 'Tags')"));
        expect(bug.message).to.equal("reading X: failed before AWS answered (TypeError: Cannot read properties of undefined (reading 'Tags'))");
        expect(bug.message).to.not.include("could not reach AWS");
    });

    it("an expired SSO session says so and names `aws sso login` with the profile", () => {
        const saved = process.env.AWS_PROFILE;
        process.env.AWS_PROFILE = "prod-admin";
        try {
            // The SDK's wording (credential-provider-sso / token-providers) for an expired cached SSO token.
            for (const [name, text] of [
                [
                    "CredentialsProviderError",
                    "The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.",
                ],
                ["TokenProviderError", "Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile."],
            ]) {
                const e = describeAwsError("creating NAT gateway", Object.assign(new Error(text), { name }));
                expect(e.message).to.include("your AWS SSO session has expired").and.include("`aws sso login --profile prod-admin`");
                expect(e.awsCode).to.equal(name);
            }
            // Other missing credentials keep their own message.
            const other = describeAwsError(
                "reading X",
                Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
            );
            expect(other.message).to.not.include("SSO");
        } finally {
            if (saved === undefined) delete process.env.AWS_PROFILE;
            else process.env.AWS_PROFILE = saved;
        }
    });
    it("a permission error names the missing action, the resource and the docs page (CloudFront and EC2 wording)", () => {
        const cf = Object.assign(
            new Error(
                "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudfront:TagResource on resource: arn:aws:cloudfront::123456789012:distribution/* because no identity-based policy allows the cloudfront:TagResource action",
            ),
            { name: "AccessDenied", $metadata: { httpStatusCode: 403 } },
        );
        expect(describeAwsError("creating CloudFront distribution", cf).message).to.match(
            /^creating CloudFront distribution: AWS AccessDenied \(HTTP 403\): User: .*; the credentials in use are missing IAM permission cloudfront:TagResource on arn:aws:cloudfront::123456789012:distribution\/\*: allow it in their policy \(.*docs\/iam\.md\)$/,
        );
        const ec2 = Object.assign(
            new Error(
                "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ec2:CreateTags on resource: arn:aws:ec2:us-east-1:123456789012:natgateway/* because no identity-based policy allows the ec2:CreateTags action. Encoded authorization failure message: abc",
            ),
            { name: "UnauthorizedOperation", $metadata: { httpStatusCode: 403 } },
        );
        expect(describeAwsError("creating NAT gateway", ec2).message).to.include(
            "the credentials in use are missing IAM permission ec2:CreateTags on arn:aws:ec2:us-east-1:123456789012:natgateway/*: allow it",
        );
        // AWS's older wording names no action: the docs page is still named.
        const bare = Object.assign(new Error("You are not authorized to perform this operation."), {
            name: "UnauthorizedOperation",
            $metadata: { httpStatusCode: 403 },
        });
        expect(describeAwsError("x", bare).message).to.include("lack permission for this call").and.include("docs/iam.md");
    });
});
