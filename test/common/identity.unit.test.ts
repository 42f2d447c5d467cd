/**
 * The identities a resource class sends (provider/common/identity.ts): those of
 * its aliases, which own its NAT gateways too (the `ackless:owner` tag), are
 * built exactly as resourceIdentity builds its own, so a gateway made under an
 * old name is found after a rename. Runs under pulumi.runtime.setMocks.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { aliasIdentities, ownerToken, resourceIdentity } from "../../provider/common/identity";

const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));

describe("resource identities of aliases (owner tags after a rename)", function () {
    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (a) => ({ id: `id-${a.name}`, state: a.inputs }),
                call: () => ({}),
            },
            "proj",
            "dev",
            false,
        );
    });

    it("an alias by name is the identity the resource had under that name; URN strings are left out; duplicates once", async () => {
        const ids = await value(
            aliasIdentities("nat2", {
                aliases: [
                    { name: "nat1" },
                    "urn:pulumi:dev::proj::ackless:index:NatGateway::nat0",
                    { name: "nat1" },
                    { name: "x", stack: "prod", project: "p2" },
                ],
            }),
        );
        expect(ids).to.deep.equal([await value(resourceIdentity("nat1")), "p2/prod//x"]);
        expect(ids[0]).to.equal("proj/dev//nat1");
    });

    it("under a parent, an alias by name keeps the parent, as the resource's own identity does", async () => {
        const parent = new pulumi.ComponentResource("test:index:Net", "net");
        const [id] = await value(aliasIdentities("nat2", { parent, aliases: [{ name: "nat1" }] }));
        expect(id).to.equal(await value(resourceIdentity("nat1", { parent })));
        expect(id).to.match(/^proj\/dev\/urn:pulumi:dev::proj::test:index:Net::net\/nat1$/);
        expect(await value(aliasIdentities("nat2", {}))).to.deep.equal([]);
    });

    it("the owner value is stable for an identity and differs between identities", () => {
        expect(ownerToken("proj/dev//nat1")).to.equal(ownerToken("proj/dev//nat1"));
        expect(ownerToken("proj/dev//nat1")).to.not.equal(ownerToken("proj/dev//nat2"));
        expect(ownerToken("proj/dev//nat1")).to.match(/^ackless-[0-9a-f]{40}$/);
    });
});
