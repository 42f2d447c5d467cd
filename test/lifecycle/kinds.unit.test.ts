/** The kind descriptors (provider/kinds.ts) agree with the code they name. */
import { expect } from "chai";
import { KINDS } from "../../provider/kinds";
import { provider as registry } from "../../provider/registry";
import { ACK_KINDS } from "../../provider/k8s/ack";
import { MANAGED_TYPES } from "../../provider/adopt-stack/read";

describe("kind descriptors", () => {
    it("each names a unique token, claim, class and ACK/CloudFormation kind", () => {
        for (const field of ["token", "claim", "name", "ackKind", "cloudFormationType"] as const) {
            const values = KINDS.map((k) => k[field]).filter((v) => v !== undefined);
            expect(new Set(values).size, field).to.equal(values.length);
        }
        for (const k of KINDS) {
            expect(k.token).to.equal(`ackless:${k.module}:${k.cls}`);
            expect(k.name).to.equal(`${k.module}.${k.cls}`);
        }
    });

    it("the registry serves every kind, and each adapter claims under its descriptor's claim key", () => {
        for (const k of KINDS) {
            const p = registry(k.token);
            expect(Object.keys(p).sort()).to.deep.equal(["check", "confirm", "create", "delete", "diff", "read", "update"]);
            const folder = k.cls.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
            const mod = require(`../../provider/${k.module}/${folder}/adapter`);
            if (mod.adapter) {
                expect(mod.adapter.kind).to.equal(k.claim);
            }
        }
        expect(() => registry("ackless:nope:Nope")).to.throw(/does not know the resource kind "ackless:nope:Nope"/);
    });

    it("both hand-overs take their kinds from the descriptors", () => {
        expect(ACK_KINDS.map((a) => a.kind).sort()).to.deep.equal(
            KINDS.map((k) => k.ackKind)
                .filter((k) => k !== undefined)
                .sort(),
        );
        expect(Object.keys(MANAGED_TYPES).sort()).to.deep.equal(KINDS.map((k) => k.cloudFormationType).sort());
    });
});
