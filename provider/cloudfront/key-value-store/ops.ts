/**
 * cloudfront.KeyValueStore: the steps of create, update, delete and adoption
 * on top of the AWS calls (sdk.ts) and waits (wait.ts): the comment updated
 * over a fresh ETag (412 re-reads), the owned keys written with UpdateKeys
 * over the data ETag, the delete with its bounded in-use retry. The rules
 * around them are the lifecycle driver's.
 */
import { AcklessError, describeAwsError, goneOnUpdate, isAwsError } from "../../common/errors";
import { progress } from "../../common/log";
import { diffFields, Obj } from "../../common/diff";
import { userTags } from "../../common/tags";
import { Deadline, pollDefaults, retrying } from "../../common/wait";
import { deleteWhileInUse } from "../../common/in-use";
import type { CreateAnswer, LifecycleTags } from "../../lifecycle/adapter";
import { INCARNATION_TAG, PENDING_CREATE_TAG } from "../../lifecycle/rules";
import { adoptionChanges, itemChanges, ownedView, rules } from "./delta";
import {
    createStoreCall,
    dataEtag,
    deleteStoreCall,
    describeStore,
    findStore,
    functionsUsing,
    listItems,
    tagStore,
    updateKeysCall,
    updateStoreCall,
} from "./sdk";
import type { Items, KeyValueStoreInputs, KeyValueStoreOutputs, ObservedStore } from "./types";
import { READY } from "./types";
import { inUseTimeoutMs, isFailedStatus, waitReady } from "./wait";

/** Attempts on a stale ETag before giving up. */
export const MAX_PRECONDITION_ATTEMPTS = 5;

/**
 * Changes sent in one UpdateKeys: a bounded request (terraform-provider-aws's
 * `aws_cloudfrontkeyvaluestore_keys_exclusive` sends 50 a batch by default).
 */
export const MAX_KEYS_PER_UPDATE = 50;

const preconditionRetry = () => ({
    maxAttempts: MAX_PRECONDITION_ATTEMPTS,
    delayMs: pollDefaults().minDelayMs,
    maxDelayMs: pollDefaults().maxDelayMs,
});

/**
 * A data-plane write whose `If-Match` was stale: AWS answers
 * `ValidationException: Pre-Condition failed during update of Key-Value-Store`
 * (measured; docs/aws-contract.md), the API reference suggests ConflictException.
 */
export const staleDataEtag = (err: unknown) =>
    isAwsError(err, "ConflictException") || (isAwsError(err, "ValidationException") && /pre-?condition/i.test((err as Error).message ?? ""));

/**
 * One create with the name `name`: CreateKeyValueStore with the user's tags
 * and the lifecycle's (`ackless:pending-create`, `ackless:incarnation`). A
 * taken name answers its holder as read now.
 */
export async function createStore(inputs: KeyValueStoreInputs, name: string, lifecycle: LifecycleTags): Promise<CreateAnswer<ObservedStore>> {
    const tags = userTags(inputs.tags);
    const allTags = { ...tags, [PENDING_CREATE_TAG]: lifecycle.pendingCreate, [INCARNATION_TAG]: lifecycle.incarnation };
    const view = await createStoreCall(name, inputs.comment ?? "", allTags);
    if (view === undefined) {
        return { heldBy: await findStore(name) };
    }
    return { made: { ...view, tags, systemTags: {}, allTags } };
}

/**
 * Writes the owned keys: puts each declared key whose live value differs,
 * deletes the keys owned before (`previouslyOwned`) that are no longer
 * declared; other keys are left alone. UpdateKeys over a fresh data ETag, at
 * most MAX_KEYS_PER_UPDATE changes each; a stale ETag re-reads and retries.
 * Returns the owned keys' values as now written.
 */
export async function writeItems(name: string, arn: string, desired: Items | undefined, previouslyOwned: string[]): Promise<Items> {
    const what = `writing the items of CloudFront key value store "${name}"`;
    try {
        const live = await listItems(arn);
        const { puts, deletes } = itemChanges(desired, previouslyOwned, live);
        const changes: [string, string | undefined][] = [...Object.entries(puts), ...deletes.map((k) => [k, undefined] as [string, undefined])];
        if (changes.length > 0) {
            progress(`CloudFront key value store ${name}: putting ${Object.keys(puts).length} key(s), deleting ${deletes.length}`);
        }
        for (let i = 0; i < changes.length; i += MAX_KEYS_PER_UPDATE) {
            const batch = changes.slice(i, i + MAX_KEYS_PER_UPDATE);
            const batchPuts: Items = Object.fromEntries(batch.filter(([, v]) => v !== undefined) as [string, string][]);
            const batchDeletes = batch.filter(([, v]) => v === undefined).map(([k]) => k);
            await retrying(async () => updateKeysCall(arn, await dataEtag(arn), batchPuts, batchDeletes), staleDataEtag, preconditionRetry());
        }
        return ownedView(Object.keys(desired ?? {}), { ...live, ...puts });
    } catch (err) {
        throw err instanceof AcklessError ? err : describeAwsError(what, err);
    }
}

/** The live values of the owned keys (undefined: the store is not READY, so its data cannot be read). */
export async function readOwnedItems(store: ObservedStore, owned: string[]): Promise<Items | undefined> {
    if (store.status !== READY) {
        return undefined;
    }
    try {
        return ownedView(owned, await listItems(store.arn));
    } catch (err) {
        throw describeAwsError(`reading the items of CloudFront key value store "${store.name}"`, err);
    }
}

/**
 * Brings a store this create made or took over (or adopted) to ready: waits
 * for READY, then writes the declared keys. Returns it as now observed
 * (undefined when it went away; failed when AWS says so).
 */
export async function settle(inputs: KeyValueStoreInputs, store: ObservedStore, deadline: Deadline): Promise<ObservedStore | undefined> {
    let current = store;
    if (store.status !== READY) {
        const view = await waitReady(store.name, deadline);
        if (view === undefined) {
            return undefined;
        }
        current = { ...store, ...view };
        if (isFailedStatus(view.status)) {
            return current;
        }
    }
    if (inputs.items === undefined) {
        return current;
    }
    return { ...current, items: await writeItems(current.name, current.arn, inputs.items, []) };
}

/** UpdateKeyValueStore of the comment over a fresh ETag; a 412 re-reads and retries. */
export async function updateComment(name: string, comment: string): Promise<{ etag: string; status: string }> {
    let result = { etag: "", status: "" };
    await retrying(
        async () => {
            const current = await describeStore(name);
            if (current === undefined) {
                throw goneOnUpdate(`CloudFront key value store "${name}"`, "EntityNotFound");
            }
            progress(`updating the comment of CloudFront key value store ${name}`);
            const out = await updateStoreCall(name, current.etag, comment);
            result = { etag: out.etag, status: out.status };
        },
        (err) => isAwsError(err, "PreconditionFailed"),
        preconditionRetry(),
    ).catch((err) => {
        throw err instanceof AcklessError ? err : describeAwsError(`updating CloudFront key value store "${name}"`, err);
    });
    return result;
}

/**
 * Adoption and takeover: the comment updated when it differs, the user's tags
 * reconciled (system tags untouched) and `incarnation` tagged. The keys are
 * settle()'s (the store may still be PROVISIONING). Returns it as now observed.
 */
export async function reconcile(inputs: KeyValueStoreInputs, store: ObservedStore, how: string, incarnation: string): Promise<ObservedStore> {
    const name = store.name;
    const changes = adoptionChanges(inputs, store).filter((c) => !c.startsWith("items:"));
    progress(`${how} CloudFront key value store ${name}${changes.length > 0 ? ` (${changes.join("; ")})` : ""}`);
    const commentChanged = (inputs.comment ?? "") !== store.comment;
    if (commentChanged) {
        await updateComment(name, inputs.comment ?? "");
    }
    const tagged = await tagStore(name, store.arn, store.allTags, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation });
    if (!commentChanged && !tagged) {
        return store;
    }
    const after = await findStore(name);
    if (!after) {
        throw new AcklessError(`${how} CloudFront key value store "${name}": it disappeared meanwhile`, "EntityNotFound");
    }
    return after;
}

/** Update in place: the comment (UpdateKeyValueStore), the owned keys (UpdateKeys), the tags against the live ones. */
export async function update(id: string, olds: Obj, news: KeyValueStoreInputs): Promise<KeyValueStoreOutputs> {
    const name = id;
    const changed = diffFields(olds, news, rules).changed;
    let etag: string = olds.etag ?? "";
    let status: string = olds.status ?? "";
    let arn: string = olds.arn ?? "";
    if (!arn) {
        arn = (await describeStore(name))?.arn ?? "";
    }
    if (!arn) {
        throw goneOnUpdate(`CloudFront key value store "${name}"`, "EntityNotFound");
    }
    if (changed.includes("comment")) {
        const out = await updateComment(name, news.comment ?? "");
        etag = out.etag || etag;
        status = out.status || status;
    }
    let items = news.items;
    if (changed.includes("items")) {
        const owned = olds.items && typeof olds.items === "object" ? Object.keys(olds.items) : [];
        items = await writeItems(name, arn, news.items, owned);
        if (news.items === undefined) {
            items = undefined;
        }
    }
    if (changed.includes("tags")) {
        // Against the live tags, not the state: a tag changed outside Pulumi since the last refresh is reconciled too.
        // Gone (deleted outside Pulumi): tagging it would only fail with AWS's 404.
        const live = (await findStore(name))?.allTags;
        if (live === undefined) {
            throw goneOnUpdate(`CloudFront key value store "${name}"`, "EntityNotFound");
        }
        await tagStore(name, arn, live, userTags(news.tags));
    }
    const out: KeyValueStoreOutputs = {
        ...news,
        name,
        tags: userTags(news.tags),
        systemTags: olds.systemTags ?? {},
        arn,
        storeId: olds.storeId ?? "",
        status,
        etag,
    };
    if (items === undefined) {
        delete out.items;
    } else {
        out.items = items;
    }
    return out;
}

/**
 * Deletes the store over a fresh ETag; gone at any point means done. AWS
 * answers CannotDeleteEntityWhileInUse while a function (DEVELOPMENT or LIVE)
 * associates it: retried until ACKLESS_KVS_IN_USE_TIMEOUT_MS (a function being
 * deleted in the same run lets go meanwhile), then an error naming the functions.
 */
export async function deleteNamed(name: string, props: Obj | undefined): Promise<void> {
    await deleteWhileInUse({
        what: `CloudFront key value store "${name}"`,
        inUseCode: "CannotDeleteEntityWhileInUse",
        user: "CloudFront function",
        fix: "remove the store from their keyValueStoreAssociations (or delete them) first",
        timeoutMs: inUseTimeoutMs(),
        attempt: async () => {
            const current = await describeStore(name);
            if (current !== undefined) {
                await deleteStoreCall(name, current.etag);
            }
        },
        users: async () => {
            const arn: string = props?.arn || (await describeStore(name).catch(() => undefined))?.arn || "";
            return arn ? await functionsUsing(arn) : [];
        },
    });
}
