// cloudfront.KeyValueStore provider against the emulator: create (PROVISIONING -> READY, then the items), read, comment
// and items updates (owned keys only), tags, adoption, delete, and delete while a function uses the store.
import {
    CreateFunctionCommand,
    CreateKeyValueStoreCommand,
    DeleteFunctionCommand,
    DescribeFunctionCommand,
    DescribeKeyValueStoreCommand,
    ListTagsForResourceCommand,
    UpdateKeyValueStoreCommand,
} from "@aws-sdk/client-cloudfront";
import { DescribeKeyValueStoreCommand as DescribeDataCommand, ListKeysCommand, PutKeyCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { expect } from "chai";
import { keyValueStore } from "../../provider/common/clients";
import { provider } from "../../provider/cloudfront/key-value-store/adapter";
import type { KeyValueStoreOutputs } from "../../provider/cloudfront/key-value-store/types";
import type { FieldDiff } from "../../provider/common/diff";
import { useEmulator } from "../helpers/emulator";
import { clients, code, expectAwsError, pollUntil, unique } from "../emulator/fixtures";
import { setProviderEnv } from "../helpers/env";

describe("cloudfront.KeyValueStore provider against the emulator", function () {
    this.timeout(60_000);
    const emu = useEmulator({ kvsSeconds: 0.3 });
    const cf = () => clients(emu()).cf;
    let restoreEnv: () => void = () => undefined;

    beforeEach(() => {
        restoreEnv = setProviderEnv({ ...emu().env(), ACKLESS_POLL_MIN_MS: "20", ACKLESS_POLL_MAX_MS: "50", ACKLESS_KVS_IN_USE_TIMEOUT_MS: "1500" });
    });
    afterEach(() => restoreEnv());

    async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
        const r = await provider.check(olds, news);
        expect(r.failures).to.deep.equal([]);
        return r.inputs as any;
    }
    async function createStore(extra: Record<string, unknown> = {}) {
        const inputs = await checked({ name: unique("kvs"), comment: "c1", ...extra });
        const created = await provider.create(inputs);
        return { inputs, id: created.id as string, outs: created.outs as KeyValueStoreOutputs };
    }
    const liveItems = async (arn: string) => {
        const out = await keyValueStore().send(new ListKeysCommand({ KvsARN: arn, MaxResults: 50 }));
        return Object.fromEntries((out.Items ?? []).map((i) => [i.Key!, i.Value!]));
    };
    const putForeign = async (arn: string, Key: string, Value: string) => {
        const etag = (await keyValueStore().send(new DescribeDataCommand({ KvsARN: arn }))).ETag!;
        await keyValueStore().send(new PutKeyCommand({ KvsARN: arn, Key, Value, IfMatch: etag }));
    };
    const diffOf = async (id: string, olds: any, news: any) => (await provider.diff(id, olds, news)) as FieldDiff;
    const ops = async () => (await emu().calls()).filter((c) => c.service.startsWith("cloudfront")).map((c) => `${c.service}:${c.operation}`);

    it("create waits for READY, then writes the items; outputs carry the ARN, id, status, etag and tags; read finds no drift", async () => {
        const { id, outs } = await createStore({ items: { a: "1", b: "two" }, tags: { team: "edge" } });
        const described = await cf().send(new DescribeKeyValueStoreCommand({ Name: id }));
        expect(outs).to.include({
            name: id,
            comment: "c1",
            status: "READY",
            arn: described.KeyValueStore!.ARN,
            storeId: described.KeyValueStore!.Id,
            etag: described.ETag,
        });
        expect(outs.items).to.deep.equal({ a: "1", b: "two" });
        expect(await liveItems(outs.arn)).to.deep.equal({ a: "1", b: "two" });
        const tags = await cf().send(new ListTagsForResourceCommand({ Resource: outs.arn }));
        // The user's tags and this incarnation; the pending-create marker is gone.
        expect(tags.Tags!.Items).to.deep.equal([
            { Key: "team", Value: "edge" },
            { Key: "ackless:incarnation", Value: outs.incarnation },
        ]);
        // The data plane is written only once the store is READY (the emulator answers 409 before).
        const calls = await ops();
        const created = calls.indexOf("cloudfront:CreateKeyValueStore");
        const written = calls.indexOf("cloudfront-keyvaluestore:UpdateKeys");
        expect(created).to.be.greaterThan(-1);
        expect(written).to.be.greaterThan(created);
        expect(calls.slice(created, written)).to.include("cloudfront:DescribeKeyValueStore");
        expect(calls.filter((o) => o.endsWith(":UpdateKeys"))).to.have.length(1);
        const read = await provider.read(id, outs);
        expect(read.props).to.deep.include({ items: { a: "1", b: "two" }, status: "READY", tags: { team: "edge" }, systemTags: {} });
        expect((await diffOf(id, read.props, outs)).changes).to.equal(false);
    });

    it("items own only the declared keys: other keys stay, a removed declared key is deleted, a changed one is put", async () => {
        const { id, inputs, outs } = await createStore({ items: { a: "1", b: "2" } });
        await putForeign(outs.arn, "foreign", "x");
        const news = await checked({ ...inputs, items: { a: "10", c: "3" } }, inputs);
        const d = await diffOf(id, outs, news);
        expect(d.changed).to.deep.equal(["items"]);
        expect(d.replaces).to.deep.equal([]);
        const updated = (await provider.update(id, outs, news)).outs as KeyValueStoreOutputs;
        expect(updated.items).to.deep.equal({ a: "10", c: "3" });
        expect(await liveItems(outs.arn)).to.deep.equal({ a: "10", c: "3", foreign: "x" });
        // Dropping items altogether deletes the keys it owned, and still leaves the foreign one.
        const none = await checked({ name: id, comment: "c1" }, news);
        expect((await diffOf(id, updated, none)).changed).to.deep.equal(["items"]);
        const after = (await provider.update(id, updated, none)).outs as KeyValueStoreOutputs;
        expect(after.items).to.equal(undefined);
        expect(await liveItems(outs.arn)).to.deep.equal({ foreign: "x" });
    });

    it("read shows an owned key changed outside Pulumi, and the next update writes it back", async () => {
        const { id, inputs, outs } = await createStore({ items: { a: "1" } });
        await putForeign(outs.arn, "a", "tampered");
        const read = await provider.read(id, outs);
        expect(read.props.items).to.deep.equal({ a: "tampered" });
        const d = await diffOf(id, read.props, inputs);
        expect(d.changed).to.deep.equal(["items"]);
        await provider.update(id, read.props, inputs);
        expect(await liveItems(outs.arn)).to.deep.equal({ a: "1" });
    });

    it("a comment change updates in place over a fresh ETag (a stale one in state is re-read) and keeps the ARN", async () => {
        const { id, inputs, outs } = await createStore();
        // Someone else changes the comment: the ETag in state is stale now.
        const d0 = await cf().send(new DescribeKeyValueStoreCommand({ Name: id }));
        await cf().send(new UpdateKeyValueStoreCommand({ Name: id, IfMatch: d0.ETag, Comment: "other" }));
        const news = await checked({ ...inputs, comment: "c2" }, inputs);
        expect(news.arn).to.equal(outs.arn);
        expect((await diffOf(id, outs, news)).changed).to.deep.equal(["comment"]);
        const updated = (await provider.update(id, outs, news)).outs as KeyValueStoreOutputs;
        const d1 = await cf().send(new DescribeKeyValueStoreCommand({ Name: id }));
        expect(d1.KeyValueStore!.Comment).to.equal("c2");
        expect(updated).to.include({ comment: "c2", etag: d1.ETag, arn: outs.arn });
        // A name change replaces.
        expect((await diffOf(id, outs, { ...news, name: unique("kvs") })).replaces).to.deep.equal(["name"]);
    });

    it("tags update against the live tags, leaving the incarnation alone", async () => {
        const { id, inputs, outs } = await createStore({ tags: { a: "1", b: "2" } });
        const news = await checked({ ...inputs, tags: { a: "1", c: "3" } }, inputs);
        await provider.update(id, outs, news);
        const tags = await cf().send(new ListTagsForResourceCommand({ Resource: outs.arn }));
        expect(Object.fromEntries(tags.Tags!.Items!.map((t) => [t.Key, t.Value]))).to.deep.equal({
            a: "1",
            c: "3",
            "ackless:incarnation": outs.incarnation,
        });
    });

    it("a tags-only update of a store deleted outside Pulumi says it no longer exists and to refresh, not AWS's 404 of TagResource", async () => {
        const { id, inputs, outs } = await createStore({ tags: { a: "1" } });
        await provider.delete(id, outs);
        const news = await checked({ ...inputs, tags: { a: "2" } }, inputs);
        const err = await provider.update(id, outs, news).then(
            () => undefined,
            (e) => e,
        );
        expect(err?.message).to.equal(
            `updating CloudFront key value store "${id}": it no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) to recreate it`,
        );
        expect(err.awsCode).to.equal("EntityNotFound");
    });

    it("a generated name is derived from the identity; a completed store holding it is walked past, never taken over", async () => {
        const identity = `proj/stack/${unique("res")}`;
        const first = await checked({ autoNamePrefix: "store", __identity: identity });
        expect(first.name).to.match(/^store-[0-9a-f]{7}$/);
        const a = await provider.create(first);
        const again = await checked({ autoNamePrefix: "store", __identity: identity });
        expect(again.name).to.equal(first.name);
        const b = await provider.create(again);
        expect(b.id).to.equal(`${first.name}_1`);
        expect(a.id).to.equal(first.name);
    });

    it("a declared name already taken by another store fails naming adopt", async () => {
        const name = unique("kvs");
        await cf().send(new CreateKeyValueStoreCommand({ Name: name }));
        const inputs = await checked({ name });
        let err: Error | undefined;
        await provider.create(inputs).catch((e) => (err = e));
        expect(err?.message).to.match(new RegExp(`a key value store with this name already exists.*adopt: \\{ id: "${name}" \\}`));
    });

    it("adopts an existing store: comment and user tags reconciled, declared items put, other keys left alone", async () => {
        const name = unique("kvs");
        const made = await cf().send(new CreateKeyValueStoreCommand({ Name: name, Comment: "old", Tags: { Items: [{ Key: "old", Value: "s" }] } }));
        const arn = made.KeyValueStore!.ARN!;
        // The data plane answers once READY.
        await pollUntil(
            () => cf().send(new DescribeKeyValueStoreCommand({ Name: name })),
            (s) => s.KeyValueStore!.Status === "READY",
        );
        await putForeign(arn, "keep", "me");
        const inputs = await checked({ adopt: { id: name }, comment: "new", items: { a: "1" }, tags: { team: "x" } });
        expect(inputs.name).to.equal(name);
        expect(inputs.arn).to.equal(arn);
        const created = await provider.create(inputs);
        expect(created.id).to.equal(name);
        expect(created.outs).to.include({ adopted: true, comment: "new", arn });
        expect(created.outs.items).to.deep.equal({ a: "1" });
        expect(await liveItems(arn)).to.deep.equal({ a: "1", keep: "me" });
        const tags = await cf().send(new ListTagsForResourceCommand({ Resource: arn }));
        expect(Object.fromEntries(tags.Tags!.Items!.map((t) => [t.Key, t.Value]))).to.deep.equal({
            team: "x",
            "ackless:incarnation": created.outs.incarnation,
        });
    });

    it("delete removes the store; a second delete of a gone store is done", async () => {
        const { id, outs } = await createStore();
        await provider.delete(id, outs);
        await expectAwsError(cf().send(new DescribeKeyValueStoreCommand({ Name: id })), "EntityNotFound", 404);
        await provider.delete(id, outs);
    });

    it("delete while a function uses the store retries, then fails naming the function; once it lets go the delete succeeds", async () => {
        const { id, outs } = await createStore();
        const fn = unique("fn");
        const made = await cf().send(
            new CreateFunctionCommand({
                Name: fn,
                FunctionConfig: {
                    Comment: "",
                    Runtime: "cloudfront-js-2.0",
                    KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: outs.arn }] },
                },
                FunctionCode: code("function handler(event) { return event.request; }"),
            }),
        );
        let err: any;
        await provider.delete(id, outs).catch((e) => (err = e));
        expect(err?.awsCode).to.equal("CannotDeleteEntityWhileInUse");
        expect(err.message).to.include(`still associated with CloudFront function ${fn}`);
        expect((await ops()).filter((o) => o === "cloudfront:DeleteKeyValueStore").length).to.be.greaterThan(1);
        await cf().send(new DescribeKeyValueStoreCommand({ Name: id })); // still there
        const etag = (await cf().send(new DescribeFunctionCommand({ Name: fn }))).ETag ?? made.ETag;
        await cf().send(new DeleteFunctionCommand({ Name: fn, IfMatch: etag }));
        await provider.delete(id, outs);
        await expectAwsError(cf().send(new DescribeKeyValueStoreCommand({ Name: id })), "EntityNotFound", 404);
    });

    it("check rejects bad input, naming the field", async () => {
        const r = await provider.check(
            {},
            {
                name: "bad name",
                comment: "x".repeat(129),
                items: { ["k".repeat(513)]: "v", big: "v".repeat(1022), n: 5 },
                tags: { "aws:x": "1" },
            },
        );
        const byField = Object.fromEntries((r.failures ?? []).map((f) => [f.property, f.reason]));
        expect(byField.name).to.match(/not valid/);
        expect(byField.comment).to.match(/129 characters.*at most 128/);
        expect(byField[`items[${JSON.stringify("k".repeat(513))}]`]).to.match(/513 bytes.*at most 512/);
        expect(byField['items["big"]']).to.match(/1025 bytes together.*at most 1024/);
        expect(byField['items["n"]']).to.match(/must be a string/);
        expect(byField.tags).to.match(/aws:/);
    });
});
