/**
 * Lifecycle R1, the program's half (provider/delegate.ts confirmWhenRecorded):
 * the pending-create marker is removed, through the installed package's
 * registry, only when the engine answered the registration with this run's
 * nonce, in the resource's own region and profile; a failure to remove it is a
 * warning, never a failed program. Runs under pulumi.runtime.setMocks, with the
 * registry's `confirm` replaced by a recorder.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { confirmWhenRecorded } from "../../provider/delegate";

// The very module the stored provider code and confirmWhenRecorded load (public API: delegate.ts).
const registry = require("ackless/dist/provider/registry");

const TYPE = "test:index:Recorded";

class Recorded extends pulumi.CustomResource {
    declare readonly unrecorded: pulumi.Output<string | undefined>;
    constructor(name: string, props: { answer?: string }) {
        super(TYPE, name, { answer: props.answer, unrecorded: undefined });
    }
}

interface Confirmed {
    kind: string;
    id: string;
    scope: { region?: string; __profile?: string };
}

describe("lifecycle R1: confirmWhenRecorded removes the marker only once the engine has recorded the create", function () {
    let confirmed: Confirmed[] = [];
    let failWith: string | undefined;
    let warnings: string[] = [];
    const waiters: (() => void)[] = [];
    const realProvider = registry.provider;
    const realWarn = pulumi.log.warn;

    before(async () => {
        await pulumi.runtime.setMocks(
            {
                // The engine's answer: `unrecorded` is whatever the provider's create returned (here, `answer`).
                newResource: (a) => ({ id: `id-${a.name}`, state: { unrecorded: a.inputs.answer } }),
                call: () => ({}),
            },
            "soak",
            "test",
            false,
        );
        registry.provider = (kind: string) => ({
            async confirm(id: string, scope: Confirmed["scope"]) {
                confirmed.push({ kind, id, scope });
                waiters.splice(0).forEach((w) => w());
                if (failWith) throw new Error(failWith);
            },
        });
        (pulumi.log as any).warn = (message: string) => {
            warnings.push(message);
            waiters.splice(0).forEach((w) => w());
            return Promise.resolve();
        };
    });

    after(() => {
        registry.provider = realProvider;
        (pulumi.log as any).warn = realWarn;
    });

    beforeEach(() => {
        confirmed = [];
        warnings = [];
        failWith = undefined;
    });

    /** Resolves once `done()` holds (checked after every confirm and warning), so no test sleeps. */
    function until(done: () => boolean): Promise<void> {
        return new Promise((resolve) => {
            const check = () => (done() ? resolve() : waiters.push(check));
            check();
        });
    }

    it("confirms in the resource's region and profile when the engine answers with this run's nonce", async () => {
        const r = new Recorded("mine", { answer: "run-1" });
        confirmWhenRecorded(r, "ackless:ec2:NatGateway", "run-1", { region: pulumi.output("eu-west-1"), __profile: "p" });
        await until(() => confirmed.length === 1);
        expect(confirmed).to.deep.equal([{ kind: "ackless:ec2:NatGateway", id: "id-mine", scope: { region: "eu-west-1", __profile: "p" } }]);
    });

    it("leaves the marker of a resource whose answer is another run's nonce, or none (an update, a read)", async () => {
        const stale = new Recorded("stale", { answer: "run-0" });
        const none = new Recorded("none", {});
        const mine = new Recorded("mine2", { answer: "run-2" });
        confirmWhenRecorded(stale, "ackless:cloudfront:Function", "run-2", {});
        confirmWhenRecorded(none, "ackless:cloudfront:Function", "run-2", {});
        // Registered last, confirmed last: once it is, the two before it have been decided.
        confirmWhenRecorded(mine, "ackless:cloudfront:Function", "run-2", {});
        await until(() => confirmed.length >= 1);
        await Promise.all([stale.unrecorded, none.unrecorded, mine.id].map((o) => new Promise((r) => o.apply(r))));
        await new Promise((r) => setImmediate(r));
        expect(confirmed.map((c) => c.id)).to.deep.equal(["id-mine2"]);
    });

    it("does nothing without a nonce (a preview, which records nothing)", async () => {
        const r = new Recorded("preview", { answer: undefined });
        const mine = new Recorded("mine3", { answer: "run-3" });
        confirmWhenRecorded(r, "ackless:cloudfront:Distribution", undefined, {});
        confirmWhenRecorded(mine, "ackless:cloudfront:Distribution", "run-3", {});
        await until(() => confirmed.length >= 1);
        expect(confirmed.map((c) => c.id)).to.deep.equal(["id-mine3"]);
    });

    it("turns a failed removal into a warning naming the resource and the next update, not a failed program", async () => {
        failWith = "ThrottlingException: Rate exceeded";
        const r = new Recorded("throttled", { answer: "run-4" });
        confirmWhenRecorded(r, "ackless:cloudfront:KeyValueStore", "run-4", {});
        await until(() => warnings.length === 1);
        expect(confirmed).to.have.length(1);
        expect(warnings[0]).to.contain("id-throttled").and.contain("ThrottlingException").and.contain("next update removes it");
    });
});
