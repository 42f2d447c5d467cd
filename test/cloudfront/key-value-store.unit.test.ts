// cloudfront.KeyValueStore provider, the steps particular to it with mocked CloudFront and data-plane clients: the
// owned keys' puts and deletes, UpdateKeys batches and the stale data ETag AWS reports as a ValidationException, the
// comment's 412 re-read, and the in-use delete that ends naming the functions.
import {
    CloudFrontClient,
    DeleteKeyValueStoreCommand,
    DescribeKeyValueStoreCommand,
    ListFunctionsCommand,
    UpdateKeyValueStoreCommand,
} from "@aws-sdk/client-cloudfront";
import {
    CloudFrontKeyValueStoreClient,
    DescribeKeyValueStoreCommand as DescribeDataCommand,
    ListKeysCommand,
    UpdateKeysCommand,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { resetClients } from "../../provider/common/clients";
import { useFakeTime } from "../helpers/fake-clock";
import { itemChanges } from "../../provider/cloudfront/key-value-store/delta";
import { deleteNamed, MAX_KEYS_PER_UPDATE, updateComment, writeItems } from "../../provider/cloudfront/key-value-store/ops";

const ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f6d0b8e-2f3c-4a7b-9a55-6f0e4f7d1a2b";

function awsError(name: string, status: number, message = `${name} from the mock`): Error {
    const e = new Error(message) as any;
    e.name = name;
    e.$metadata = { httpStatusCode: status };
    return e;
}
const store = (etag: string) => ({
    ETag: etag,
    KeyValueStore: { Name: "kvs", Id: "id", ARN, Comment: "", Status: "READY", LastModifiedTime: new Date(0) },
});

describe("cloudfront.KeyValueStore provider (mocked AWS)", function () {
    let cf: AwsStub<any, any, any>;
    let data: AwsStub<any, any, any>;
    const saved = { ...process.env };
    // The retries wait on the Clock: fake time, advanced as they sleep.
    useFakeTime();

    before(() => {
        cf = mockClient(CloudFrontClient);
        data = mockClient(CloudFrontKeyValueStoreClient);
    });
    beforeEach(() => {
        cf.reset();
        data.reset();
        resetClients();
        Object.assign(process.env, {
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "x",
            AWS_SECRET_ACCESS_KEY: "x",
            ACKLESS_POLL_MIN_MS: "1",
            ACKLESS_POLL_MAX_MS: "5",
            ACKLESS_KVS_IN_USE_TIMEOUT_MS: "60000",
        });
    });
    after(() => {
        cf.restore();
        data.restore();
        process.env = saved;
        resetClients();
    });

    it("itemChanges: puts declared keys whose value differs, deletes only keys owned before and no longer declared", () => {
        const live = { a: "1", b: "old", foreign: "x", gone: "g" };
        expect(itemChanges({ a: "1", b: "new", c: "3" }, ["a", "b", "gone", "never-there"], live)).to.deep.equal({
            puts: { b: "new", c: "3" },
            deletes: ["gone"],
        });
        // undefined items: nothing put; the keys owned before are deleted; the foreign key never.
        expect(itemChanges(undefined, ["a"], live)).to.deep.equal({ puts: {}, deletes: ["a"] });
    });

    it("writeItems re-reads the data ETag when AWS answers the stale one with ValidationException, and batches UpdateKeys", async () => {
        data.on(ListKeysCommand).resolves({ Items: [{ Key: "old", Value: "1" }] });
        data.on(DescribeDataCommand).resolvesOnce({ ETag: "e1" }).resolves({ ETag: "e2" });
        data.on(UpdateKeysCommand)
            .rejectsOnce(awsError("ValidationException", 400, "Pre-Condition failed during update of Key-Value-Store"))
            .resolves({ ETag: "e3", ItemCount: 1, TotalSizeInBytes: 2 });
        const desired = Object.fromEntries(Array.from({ length: MAX_KEYS_PER_UPDATE + 5 }, (_, i) => [`k${i}`, `v${i}`]));
        const written = await writeItems("kvs", ARN, desired, ["old"]);
        expect(written).to.deep.equal(desired);
        const calls = data.commandCalls(UpdateKeysCommand).map((c) => c.args[0].input);
        // The stale first attempt, its retry with the fresh ETag, then the second batch.
        expect(calls.map((c) => c.IfMatch)).to.deep.equal(["e1", "e2", "e2"]);
        expect(calls[1].Puts).to.have.length(MAX_KEYS_PER_UPDATE);
        expect(calls[2].Puts).to.have.length(5);
        expect(calls[2].Deletes).to.deep.equal([{ Key: "old" }]);
    });

    it("writeItems surfaces another data-plane error with its AWS code", async () => {
        data.on(ListKeysCommand).resolves({ Items: [] });
        data.on(DescribeDataCommand).resolves({ ETag: "e1" });
        data.on(UpdateKeysCommand).rejects(awsError("ServiceQuotaExceededException", 402));
        let err: any;
        await writeItems("kvs", ARN, { a: "1" }, []).catch((e) => (err = e));
        expect(err?.awsCode).to.equal("ServiceQuotaExceededException");
        expect(err.message).to.include('writing the items of CloudFront key value store "kvs"');
        expect(data.commandCalls(UpdateKeysCommand)).to.have.length(1);
    });

    it("the comment update re-reads the ETag on 412 and retries", async () => {
        cf.on(DescribeKeyValueStoreCommand).resolvesOnce(store("s1")).resolves(store("s2"));
        cf.on(UpdateKeyValueStoreCommand).rejectsOnce(awsError("PreconditionFailed", 412)).resolves(store("s3"));
        expect(await updateComment("kvs", "new")).to.deep.equal({ etag: "s3", status: "READY" });
        expect(cf.commandCalls(UpdateKeyValueStoreCommand).map((c) => c.args[0].input.IfMatch)).to.deep.equal(["s1", "s2"]);
    });

    it("delete retries CannotDeleteEntityWhileInUse, then fails naming the functions of either stage that use the store", async () => {
        cf.on(DescribeKeyValueStoreCommand).resolves(store("s1"));
        cf.on(DeleteKeyValueStoreCommand).rejects(awsError("CannotDeleteEntityWhileInUse", 409));
        const fn = (Name: string, arn?: string) => ({
            Name,
            FunctionConfig: {
                Comment: "",
                Runtime: "cloudfront-js-2.0",
                ...(arn ? { KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] } } : {}),
            },
            FunctionMetadata: { FunctionARN: `arn:aws:cloudfront::123456789012:function/${Name}` },
        });
        cf.on(ListFunctionsCommand, { Stage: "DEVELOPMENT" }).resolves({ FunctionList: { Items: [fn("dev-user", ARN), fn("other")] } as any });
        cf.on(ListFunctionsCommand, { Stage: "LIVE" }).resolves({ FunctionList: { Items: [fn("live-user", ARN)] } as any });
        let err: any;
        await deleteNamed("kvs", { arn: ARN }).catch((e) => (err = e));
        expect(err?.awsCode).to.equal("CannotDeleteEntityWhileInUse");
        expect(err.message).to.include("still associated with CloudFront functions dev-user, live-user");
        expect(cf.commandCalls(DeleteKeyValueStoreCommand).length).to.be.greaterThan(1);
    });

    it("delete of a store already gone is done without a delete call", async () => {
        cf.on(DescribeKeyValueStoreCommand).rejects(awsError("EntityNotFound", 404));
        await deleteNamed("kvs", { arn: ARN });
        expect(cf.commandCalls(DeleteKeyValueStoreCommand)).to.have.length(0);
    });
});
