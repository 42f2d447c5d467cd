/**
 * cloudfront.KeyValueStore: every AWS call. The store itself is the CloudFront
 * API's (CreateKeyValueStore, DescribeKeyValueStore, UpdateKeyValueStore,
 * DeleteKeyValueStore: one not-found notion, EntityNotFound); its keys are the
 * `cloudfront-keyvaluestore` data plane's (ListKeys, UpdateKeys over the
 * store's data ETag), signed with SigV4A by the client in common/clients.ts.
 * Tags go through ../tags.ts. The retries on a stale ETag are ops.ts's.
 */
import {
    CreateKeyValueStoreCommand,
    DeleteKeyValueStoreCommand,
    DescribeKeyValueStoreCommand,
    KeyValueStore,
    ListFunctionsCommand,
    UpdateKeyValueStoreCommand,
} from "@aws-sdk/client-cloudfront";
import { DescribeKeyValueStoreCommand as DescribeDataCommand, ListKeysCommand, UpdateKeysCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { cloudfront, keyValueStore } from "../../common/clients";
import { describeAwsError, isAwsError } from "../../common/errors";
import { splitTags, Tags, toKeyValueList } from "../../common/tags";
import { PENDING_CREATE_TAG } from "../../lifecycle/rules";
import { clearPendingCreate, readTags, writeTags } from "../tags";
import type { Items, ObservedStore } from "./types";

/** The store's fields (no tags) as a control-plane answer shows them. */
export type StoreView = Omit<ObservedStore, "tags" | "systemTags" | "allTags" | "items">;

function viewOf(kvs: KeyValueStore | undefined, etag: string | undefined, name: string): StoreView {
    return {
        name: kvs?.Name ?? name,
        id: kvs?.Id ?? "",
        arn: kvs?.ARN ?? "",
        comment: kvs?.Comment ?? "",
        status: kvs?.Status ?? "",
        etag: etag ?? "",
    };
}

// ------------------------------------------------------------- control plane

/** DescribeKeyValueStore: the store and its ETag, or undefined when there is none by that name. */
export async function describeStore(name: string): Promise<StoreView | undefined> {
    try {
        const out = await cloudfront().send(new DescribeKeyValueStoreCommand({ Name: name }));
        return viewOf(out.KeyValueStore, out.ETag, name);
    } catch (err) {
        if (isAwsError(err, "EntityNotFound")) {
            return undefined;
        }
        throw describeAwsError(`reading CloudFront key value store "${name}"`, err);
    }
}

/** The store and its tags; undefined when it is gone. */
export async function findStore(name: string): Promise<ObservedStore | undefined> {
    const view = await describeStore(name);
    if (!view) {
        return undefined;
    }
    const allTags = await readTags(view.arn);
    if (allTags === undefined) {
        return undefined; // deleted between the reads
    }
    return { ...view, ...splitTags(allTags), allTags };
}

/**
 * CreateKeyValueStore with `name`, its comment and `tags` (the user's and the
 * lifecycle's). Undefined when the name is taken (EntityAlreadyExists).
 */
export async function createStoreCall(name: string, comment: string, tags: Tags): Promise<StoreView | undefined> {
    const list = toKeyValueList(tags);
    try {
        const out = await cloudfront().send(
            new CreateKeyValueStoreCommand({ Name: name, Comment: comment, ...(list.length > 0 ? { Tags: { Items: list } } : {}) }),
        );
        return viewOf(out.KeyValueStore, out.ETag, name);
    } catch (err) {
        if (isAwsError(err, "EntityAlreadyExists")) {
            return undefined;
        }
        throw describeAwsError(`creating CloudFront key value store "${name}"`, err);
    }
}

/** UpdateKeyValueStore (the comment) over `ifMatch`. AWS errors are thrown as they are (ops.ts re-reads on 412). */
export async function updateStoreCall(name: string, ifMatch: string, comment: string): Promise<StoreView> {
    const out = await cloudfront().send(new UpdateKeyValueStoreCommand({ Name: name, IfMatch: ifMatch, Comment: comment }));
    return viewOf(out.KeyValueStore, out.ETag, name);
}

/** DeleteKeyValueStore over `ifMatch`; false when it is already gone. Other AWS errors are thrown as they are (ops.ts retries). */
export async function deleteStoreCall(name: string, ifMatch: string): Promise<boolean> {
    try {
        await cloudfront().send(new DeleteKeyValueStoreCommand({ Name: name, IfMatch: ifMatch }));
        return true;
    } catch (err) {
        if (isAwsError(err, "EntityNotFound")) {
            return false;
        }
        throw err;
    }
}

/** Functions whose DEVELOPMENT or LIVE stage associates the store `arn` (ListFunctions of each stage, paged). */
export async function functionsUsing(arn: string): Promise<string[]> {
    const names = new Set<string>();
    for (const Stage of ["DEVELOPMENT", "LIVE"] as const) {
        let marker: string | undefined;
        do {
            const out = await cloudfront().send(new ListFunctionsCommand({ Stage, Marker: marker }));
            for (const f of out.FunctionList?.Items ?? []) {
                if ((f.FunctionConfig?.KeyValueStoreAssociations?.Items ?? []).some((a) => a.KeyValueStoreARN === arn) && f.Name) {
                    names.add(f.Name);
                }
            }
            marker = out.FunctionList?.NextMarker || undefined;
        } while (marker);
    }
    return [...names].sort();
}

/** Tags the store: the user's tags reconciled from `observed` to `desired`, and any ackless tag `desired` carries. */
export function tagStore(name: string, arn: string, observed: Tags | undefined, desired: Tags): Promise<boolean> {
    return writeTags(`CloudFront key value store ${name}`, arn, observed, desired);
}

/** R1: the create is done; removes the `ackless:pending-create` tag when the store carries it. Warns, never throws. */
export async function clearMarker(store: ObservedStore): Promise<void> {
    if (store.allTags[PENDING_CREATE_TAG] !== undefined) {
        await clearPendingCreate(`CloudFront key value store ${store.name}`, store.arn);
    }
}

// ---------------------------------------------------------------- data plane

/** The store's data ETag (the data plane's DescribeKeyValueStore): what PutKey, DeleteKey and UpdateKeys must match. */
export async function dataEtag(arn: string): Promise<string> {
    const out = await keyValueStore().send(new DescribeDataCommand({ KvsARN: arn }));
    return out.ETag ?? "";
}

/** Every key and value of the store (ListKeys, 50 a page). */
export async function listItems(arn: string): Promise<Items> {
    const items: Items = {};
    let token: string | undefined;
    do {
        const out = await keyValueStore().send(new ListKeysCommand({ KvsARN: arn, MaxResults: 50, NextToken: token }));
        for (const item of out.Items ?? []) {
            if (item.Key !== undefined) {
                items[item.Key] = item.Value ?? "";
            }
        }
        token = out.NextToken || undefined;
    } while (token);
    return items;
}

/** UpdateKeys over `ifMatch`: puts and deletes all or nothing; the new data ETag. AWS errors are thrown as they are. */
export async function updateKeysCall(arn: string, ifMatch: string, puts: Items, deletes: string[]): Promise<string> {
    const out = await keyValueStore().send(
        new UpdateKeysCommand({
            KvsARN: arn,
            IfMatch: ifMatch,
            ...(Object.keys(puts).length > 0 ? { Puts: Object.entries(puts).map(([Key, Value]) => ({ Key, Value })) } : {}),
            ...(deletes.length > 0 ? { Deletes: deletes.map((Key) => ({ Key })) } : {}),
        }),
    );
    return out.ETag ?? "";
}
