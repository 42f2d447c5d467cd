/**
 * cloudfront.KeyValueStore: a CloudFront KeyValueStore, the data a
 * CloudFront Function (cloudfront-js-2.0) reads with `cf.kvs()`, with the
 * keys the program declares written through the data plane.
 *
 * This file holds only the public API; the implementation lives in
 * adapter.ts (driven by the lifecycle driver) and is reached through the
 * delegating provider.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AdoptArgs } from "../../lifecycle/adopt";
import { awsProfile, resourceIdentity, runNonce } from "../../common/identity";
import { confirmWhenRecorded, delegatingProvider } from "../../delegate";

export interface KeyValueStoreArgs {
    /**
     * The store's name, unique in the account: 1 to 64 letters, digits,
     * hyphens or underscores. Changing it replaces the store. When omitted, a
     * name is generated from the resource name plus "-" and 7 hex characters,
     * and kept for the resource's life.
     */
    name?: pulumi.Input<string>;
    /** A comment (at most 128 characters). Updated in place. */
    comment?: pulumi.Input<string>;
    /**
     * Keys and values the program owns (each key at most 512 bytes, a key and
     * its value at most 1 KB together). Only these keys are written: keys put
     * by anything else are left alone, and a key removed from `items` is
     * deleted from the store. Omitted: the program owns no keys.
     */
    items?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Tags on the store. Keys starting with `aws:` or `ackless:` are reserved and rejected. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Take over an existing store instead of creating one: `{ id: "<store name>", mode?: "adopt" | "adopt-or-create" }`.
     * `name` must equal `adopt.id` or be omitted. Its comment and user tags are brought to these inputs, and the
     * declared `items` written; other keys stay. Changing or removing `adopt` later changes nothing.
     */
    adopt?: pulumi.Input<AdoptArgs>;
}

export class KeyValueStore extends pulumi.dynamic.Resource {
    /** The store's ARN: put it in a function's `keyValueStoreAssociations`. */
    declare readonly arn: pulumi.Output<string>;
    /** The store's name (given or generated). */
    declare readonly name: pulumi.Output<string>;
    /** The store's id (a UUID). */
    declare readonly storeId: pulumi.Output<string>;
    declare readonly comment: pulumi.Output<string>;
    /** The owned keys' values, as last written or read. */
    declare readonly items: pulumi.Output<Record<string, string> | undefined>;
    /** AWS status: PROVISIONING, then READY. */
    declare readonly status: pulumi.Output<string>;
    /** The store's ETag (control plane). */
    declare readonly etag: pulumi.Output<string>;
    declare readonly tags: pulumi.Output<Record<string, string>>;
    /** Tags AWS reserves (`aws:` keys), read only. */
    declare readonly systemTags: pulumi.Output<Record<string, string>>;
    /** Set by the create that made it until the program has confirmed the engine recorded it (lifecycle R1). */
    declare readonly unrecorded: pulumi.Output<string | undefined>;

    constructor(name: string, args: KeyValueStoreArgs = {}, opts?: pulumi.CustomResourceOptions) {
        const run = runNonce();
        super(
            delegatingProvider("ackless:cloudfront:KeyValueStore"),
            name,
            {
                name: args.name,
                comment: args.comment,
                items: args.items,
                tags: args.tags,
                adopt: args.adopt,
                autoNamePrefix: name,
                __identity: resourceIdentity(name, opts),
                __profile: awsProfile(),
                __run: run,
                unrecorded: undefined,
                arn: undefined,
                storeId: undefined,
                status: undefined,
                etag: undefined,
                systemTags: undefined,
            },
            opts,
            "ackless",
            "KeyValueStore",
        );
        confirmWhenRecorded(this, "ackless:cloudfront:KeyValueStore", run, { __profile: awsProfile() });
    }
}
