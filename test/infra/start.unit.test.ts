/** helpers/start.ts: servers started side by side are never left behind when one of them fails to start. */
import { expect } from "chai";
import { startAll, Stoppable } from "../helpers/start";

class Server implements Stoppable {
    stopped = 0;
    constructor(readonly name: string) {}
    async stop(): Promise<void> {
        this.stopped++;
    }
}

const failing = (message: string): Promise<Server> => Promise.reject(new Error(message));

describe("test helpers: startAll", () => {
    it("resolves with every server, in order, and stops none", async () => {
        const a = new Server("a");
        const b = new Server("b");
        const [x, y] = await startAll(Promise.resolve(a), Promise.resolve(b));
        expect([x.name, y.name]).to.deep.equal(["a", "b"]);
        expect([a.stopped, b.stopped]).to.deep.equal([0, 0]);
    });

    it("one fails to start: the one that started is stopped and the failure is thrown", async () => {
        const started = new Server("emulator");
        let slowResolved = false;
        const slow = new Promise<Server>((resolve) => setImmediate(() => ((slowResolved = true), resolve(started))));
        const err = await startAll(failing("kube-apiserver did not start"), slow).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(slowResolved, "waits for the other start to finish").to.equal(true);
        expect((err as Error).message).to.equal("kube-apiserver did not start");
        expect(started.stopped).to.equal(1);
    });

    it("both fail: both reasons are reported", async () => {
        const err = await startAll(failing("one"), failing("two")).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(AggregateError);
        expect((err as AggregateError).errors.map((e: Error) => e.message)).to.deep.equal(["one", "two"]);
    });
});
