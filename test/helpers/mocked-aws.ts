/**
 * Unit tests against a mocked AWS SDK client (aws-sdk-client-mock): the stub is made in before() (mockClient stubs
 * the class for every instance, and mocha loads all spec files before running any), reset before each test with
 * fresh clients, fake credentials, a region and fast polling, and restored after the file, environment included.
 */
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { resetClients } from "../../provider/common/clients";

export function useMockedAws<C>(client: new (...args: any[]) => C, env: Record<string, string> = {}): { readonly stub: AwsStub<any, any, any> } {
    const holder = {} as { stub: AwsStub<any, any, any> };
    const saved = { ...process.env };
    before(() => {
        holder.stub = mockClient(client as any);
    });
    beforeEach(() => {
        holder.stub.reset();
        resetClients();
        Object.assign(process.env, {
            ACKLESS_POLL_MIN_MS: "1",
            ACKLESS_POLL_MAX_MS: "2",
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "x",
            AWS_SECRET_ACCESS_KEY: "x",
            ...env,
        });
        delete process.env.AWS_ENDPOINT_URL;
    });
    after(() => {
        for (const k of Object.keys(process.env)) {
            if (!(k in saved)) delete process.env[k];
        }
        Object.assign(process.env, saved);
        holder.stub.restore();
        resetClients();
    });
    return holder;
}
