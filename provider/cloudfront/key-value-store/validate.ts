/**
 * cloudfront.KeyValueStore: check(), what the inputs must satisfy before
 * anything is sent to AWS. Each failure names its field's path and the fix.
 * `adopt` itself is the lifecycle driver's (../../lifecycle/adopt.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import { isObject, known, Obj } from "../../common/diff";
import { validateTags } from "../../common/tags";
import type { CheckContext } from "../../lifecycle/adapter";
import { ModelFailure, validateTagMap } from "../validate-model";
import { resolveName } from "../names";
import { describeStore } from "./sdk";
import { KeyValueStoreInputs, MAX_COMMENT_CHARS, MAX_ITEM_BYTES, MAX_KEY_BYTES, MAX_STORE_BYTES } from "./types";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** The inputs with defaults (the generated name, and the ARN once known), and one failure per problem. */
export async function validate(
    news: Obj,
    olds: Obj | undefined,
    ctx: CheckContext,
): Promise<{ inputs: KeyValueStoreInputs; failures: pulumi.dynamic.CheckFailure[] }> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Obj = { ...news };

    resolveName(inputs, news, olds, ctx, "a key value store", "kvs", fail);

    if (inputs.comment === undefined || inputs.comment === null) {
        inputs.comment = "";
    } else if (known(inputs.comment)) {
        if (typeof inputs.comment !== "string") {
            fail("comment", "comment must be a string");
        } else if (inputs.comment.length > MAX_COMMENT_CHARS) {
            fail("comment", `comment is ${inputs.comment.length} characters long; CloudFront takes at most ${MAX_COMMENT_CHARS}: shorten it`);
        }
    }

    if (inputs.items === null) {
        delete inputs.items;
    } else if (inputs.items !== undefined && known(inputs.items)) {
        checkItems(inputs.items, fail);
    }

    if (inputs.tags === undefined || inputs.tags === null) {
        inputs.tags = {};
    } else if (known(inputs.tags)) {
        for (const reason of validateTags("tags", inputs.tags)) {
            fail("tags", reason);
        }
        const model: ModelFailure[] = [];
        validateTagMap(inputs.tags, "tags", model);
        for (const f of model) {
            fail("tags", f.reason);
        }
    }

    // Keep the ARN among the inputs once the store exists, so that a comment
    // or items change at preview does not make `arn` unknown and show a
    // change on every function associating it (see the function's validate.ts).
    delete inputs.arn;
    if (failures.length === 0 && typeof olds?.name === "string" && olds.name === inputs.name) {
        const arn = typeof olds.arn === "string" && olds.arn ? olds.arn : (await describeStore(inputs.name).catch(() => undefined))?.arn;
        if (arn) {
            inputs.arn = arn;
        }
    }
    return { inputs: inputs as KeyValueStoreInputs, failures };
}

/**
 * `items`: a map of keys to string values within the data plane's quotas
 * (docs/aws-contract.md): a key 1 to 512 bytes, a key and its value at most
 * 1024 bytes together, the declared items at most 5 MB.
 */
export function checkItems(items: unknown, fail: (property: string, reason: string) => void): void {
    if (!isObject(items)) {
        fail("items", "items must be a map of keys to string values");
        return;
    }
    let total = 0;
    for (const [key, value] of Object.entries(items)) {
        const path = `items[${JSON.stringify(key)}]`;
        if (key.length === 0) {
            fail("items", "items: a key must not be empty");
            continue;
        }
        if (bytes(key) > MAX_KEY_BYTES) {
            fail(path, `${path}: the key is ${bytes(key)} bytes; CloudFront takes keys of at most ${MAX_KEY_BYTES} bytes: shorten it`);
            continue;
        }
        if (!known(value)) {
            continue;
        }
        if (typeof value !== "string") {
            fail(path, `${path}: the value must be a string (JSON.stringify a structured value; cf.kvs() reads it back with format "json")`);
            continue;
        }
        const size = bytes(key) + bytes(value);
        total += size;
        if (size > MAX_ITEM_BYTES) {
            fail(path, `${path}: the key and its value are ${size} bytes together; CloudFront takes at most ${MAX_ITEM_BYTES}: shorten the value`);
        }
    }
    if (total > MAX_STORE_BYTES) {
        fail("items", `items: the declared keys and values are ${total} bytes; a key value store holds at most ${MAX_STORE_BYTES} bytes (5 MB)`);
    }
}
