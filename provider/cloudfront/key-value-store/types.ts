/** cloudfront.KeyValueStore: the checked inputs, the outputs as stored in state, and a store as reads observe it. */
import type { Tags } from "../../common/tags";

export const KIND = "cloudfront:KeyValueStore";

export { NAME_PATTERN } from "../names";

/** CreateKeyValueStore / UpdateKeyValueStore: a comment of at most 128 characters. */
export const MAX_COMMENT_CHARS = 128;

/** Data-plane quotas (docs/aws-contract.md, "CloudFront KeyValueStores"): a key 1 to 512 bytes, a key with its value at most 1 KB. */
export const MAX_KEY_BYTES = 512;
export const MAX_ITEM_BYTES = 1024;
/** A store holds at most 5 MB (keys and values). */
export const MAX_STORE_BYTES = 5 * 1024 * 1024;

/** Statuses CloudFront reports: PROVISIONING, then READY. */
export const READY = "READY";

export type Items = Record<string, string>;

/** Inputs after check(): defaults filled in. */
export interface KeyValueStoreInputs {
    name: string;
    comment: string;
    /**
     * The keys the program owns and their values; undefined: the program owns
     * no keys (the store's data is left alone).
     */
    items?: Items;
    tags: Tags;
    /** The Pulumi resource name, set by the public class; the base of the generated name. */
    autoNamePrefix?: string;
    adopt?: unknown;
    /** Resource identity from the public class (project/stack/parent/name). */
    __identity?: string;
    /** The name was generated (derived from __identity), so create may walk it. */
    __nameGenerated?: boolean;
}

/** Outputs kept in state. */
export interface KeyValueStoreOutputs extends KeyValueStoreInputs {
    arn: string;
    /** The store's id (a UUID, the last part of its ARN). */
    storeId: string;
    status: string;
    /** The store's control-plane ETag (UpdateKeyValueStore, DeleteKeyValueStore). */
    etag: string;
    systemTags: Tags;
    adopted?: boolean;
    incarnation?: string;
}

/** A store as one read observes it. */
export interface ObservedStore {
    name: string;
    id: string;
    arn: string;
    comment: string;
    status: string;
    etag: string;
    /** The user's tags. */
    tags: Tags;
    /** AWS's (`aws:` keys). */
    systemTags: Tags;
    /** Every tag as read, ackless's own included. */
    allTags: Tags;
    /**
     * The live values of the owned keys (those `items` declares), when the read
     * looked at the data (a READY store whose state owns keys); a key absent
     * live is absent here.
     */
    items?: Items;
}
