/**
 * k8s.CustomResourceDeletion (the ACK hand-over's deletion step): a 409/422
 * from the Kubernetes API is retried after a backoff (100 ms doubling to 3 s)
 * within the deadline, not in a tight loop. Counted against a fake API
 * client over a bounded time: a loop without backoff makes thousands of
 * requests in the same time.
 */
import { expect } from "chai";
import { ACK } from "../../provider/k8s/ack";
import { CustomResources, KubeError } from "../../provider/k8s/kube";
import { CONFLICT_BACKOFF, DeletionInputs, deleteVerified, removeFinalizerVerified } from "../../provider/k8s/custom-resource-deletion-provider";
import { Deadline } from "../../provider/common/wait";
import { rejection } from "./helpers";
import { FakeClock, useFakeTime } from "../helpers/fake-clock";

const FINALIZER = "finalizers.cloudfront.services.k8s.aws/Distribution";
const target: DeletionInputs = {
    kubeconfig: "unused",
    apiVersion: "cloudfront.services.k8s.aws/v1alpha1",
    kind: "Distribution",
    plural: "distributions",
    namespace: "ns",
    name: "d1",
    uid: "uid-1",
    finalizer: FINALIZER,
};
const object = () => ({
    metadata: { uid: "uid-1", resourceVersion: "7", annotations: { [ACK.deletionPolicy]: "retain" }, finalizers: [FINALIZER] },
});

/** A fake API server: GET answers the object; DELETE / PATCH answer `status` for the first `failures` calls, then succeed. */
function fakeClient(status: number, failures = Infinity) {
    const writes: number[] = [];
    const answer = async () => {
        writes.push(clock().now());
        if (writes.length <= failures) {
            throw new KubeError(status, "Conflict", `HTTP ${status}`);
        }
        return {};
    };
    const client = { getOrUndefined: async () => object(), delete: answer, jsonPatch: answer } as unknown as CustomResources;
    return { client, writes };
}

/** The fake clock the describe below runs on (set there). */
let clock: () => FakeClock;

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

describe("k8s.CustomResourceDeletion conflict retries back off (unit, fake API server)", function () {
    clock = useFakeTime();
    this.timeout(20_000);

    for (const status of [409, 422]) {
        it(`removing the finalizer: a ${status} that never stops gets a handful of attempts within a 1 s deadline, each wait longer, then the ${status}`, async () => {
            const { client, writes } = fakeClient(status);
            const started = clock().now();
            const err = await rejection(removeFinalizerVerified(client, target, new Deadline(1000)));
            expect(err).to.be.instanceOf(KubeError).and.have.property("status", status);
            // 0, 100, 300, 700, 1500 ms: five attempts; a tight loop would make thousands.
            expect(writes.length).to.be.within(4, 6);
            const waits = gaps(writes);
            expect(waits[0]).to.be.at.least(CONFLICT_BACKOFF.delayMs - 5);
            waits.slice(1).forEach((w, i) => expect(w).to.be.at.least(waits[i] * 1.8));
            expect(clock().now() - started).to.be.below(1000 + CONFLICT_BACKOFF.maxDelayMs + 500);
        });
    }

    it("deleting: a 409 that stops after two answers succeeds on the third attempt, after waits of ~100 and ~200 ms", async () => {
        const { client, writes } = fakeClient(409, 2);
        const verified = await deleteVerified(client, target, new Deadline(10_000));
        expect(verified.metadata.uid).to.equal("uid-1");
        expect(writes).to.have.length(3);
        const [first, second] = gaps(writes);
        expect(first).to.be.within(95, 180);
        expect(second).to.be.within(195, 330);
    });

    it("deleting: a 409 that never stops is bounded by the deadline too", async () => {
        const { client, writes } = fakeClient(409);
        const err = await rejection(deleteVerified(client, target, new Deadline(700)));
        expect(err).to.have.property("status", 409);
        expect(writes.length).to.be.within(3, 5);
    });

    it("deleting: a 422 is not a conflict for DELETE and fails at once", async () => {
        const { client, writes } = fakeClient(422);
        const err = await rejection(deleteVerified(client, target, new Deadline(10_000)));
        expect(err).to.have.property("status", 422);
        expect(writes).to.have.length(1);
    });
});
