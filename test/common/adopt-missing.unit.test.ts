/**
 * adopt with an id AWS reports as not found: the id may be right but belong to
 * another account (or region), so the message names the profile and region
 * that were asked and how to see the account.
 */
import { expect } from "chai";
import { adoptMissing, adoptMissingFailure } from "../../provider/lifecycle/adopt";
import { withAws } from "../../provider/common/clients";

describe("lifecycle/adopt: not found may mean another account", () => {
    it("a regional resource: names the profile, the region, the other-account cause and aws sts get-caller-identity", async () => {
        const err = await withAws({ profile: "prod", region: "eu-west-1" }, async () => adoptMissing("NAT gateway", "nat-0123456789abcdef0"));
        expect(err.awsCode).to.equal("AdoptTargetNotFound");
        expect(err.message).to.include(
            "adopt: NAT gateway nat-0123456789abcdef0 does not exist, so there is nothing to adopt and nothing was created",
        );
        expect(err.message).to.include("An id that belongs to another AWS account reads as not found, as does one from another region");
        expect(err.message).to.include('check that the account of profile "prod" owns it and that it is in region eu-west-1');
        expect(err.message).to.include("`aws sts get-caller-identity --profile prod` names the account");
        expect(err.message).to.include('set adopt.mode to "adopt-or-create"');
    });

    it("CloudFront (account-wide ids): the account only; without a profile, the default credentials", async () => {
        const saved = process.env.AWS_PROFILE;
        delete process.env.AWS_PROFILE;
        try {
            const err = adoptMissing("CloudFront distribution", "E2QWRUHEXAMPLE");
            expect(err.message).to.include(
                "An id that belongs to another AWS account reads as not found: check that the account of the default credentials (no profile set) owns it",
            );
            expect(err.message).to.include("`aws sts get-caller-identity` names the account");
            expect(err.message).to.not.include("region");
        } finally {
            if (saved !== undefined) {
                process.env.AWS_PROFILE = saved;
            }
        }
    });

    it("at check (preview): also names the targeted replace, whose re-check sees adopt again, and its fix", () => {
        const failure = adoptMissingFailure("CloudFront distribution", "E2QWRUHEXAMPLE");
        expect(failure.property).to.equal("adopt");
        expect(failure.reason).to.include("adopt: CloudFront distribution E2QWRUHEXAMPLE does not exist, so there is nothing to adopt");
        expect(failure.reason).to.include("you ran `pulumi up --replace` or `pulumi state taint`");
        expect(failure.reason).to.include("remove adopt from the program: the adoption has already happened");
    });
});
