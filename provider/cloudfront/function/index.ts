/**
 * cloudfront.Function: a CloudFront Function, published on create and on
 * update, with both stages (DEVELOPMENT and LIVE) visible in its outputs.
 *
 * This file holds only the public API; the implementation lives in
 * adapter.ts (driven by the lifecycle driver) and is reached through the
 * delegating provider.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AdoptArgs } from "../../lifecycle/adopt";
import { awsProfile, resourceIdentity, runNonce } from "../../common/identity";
import { confirmWhenRecorded, delegatingProvider } from "../../delegate";

export type FunctionRuntime = "cloudfront-js-1.0" | "cloudfront-js-2.0";

/** One test of a function (`tests`). */
export interface FunctionTest {
    /** Names the test in errors; unique among the function's tests. */
    name: string;
    /** A CloudFront Functions event object (`version: "1.0"`, `context.eventType`, `viewer`, `request`, and `response` for viewer-response). */
    event: Record<string, unknown>;
    /**
     * A deep subset of what the handler returns, as TestFunction's FunctionOutput shows it: `{ request: {...} }` or
     * `{ response: {...} }`. Objects match key by key; other values (arrays too) must be equal.
     */
    expect?: { request?: Record<string, unknown>; response?: Record<string, unknown> };
    /** The function must fail: `true`, or a string its error message contains. Not with `expect`. */
    expectError?: boolean | string;
    /** 0 to 100: the test fails when TestFunction reports a higher compute utilization. */
    maxComputeUtilization?: number;
}

export interface FunctionArgs {
    /**
     * The function's name, unique in the account: 1 to 64 letters, digits,
     * hyphens or underscores. Changing it replaces the function. When omitted,
     * a name is generated from the resource name plus "-" and 7 random hex
     * characters, and kept for the resource's life.
     */
    name?: pulumi.Input<string>;
    /** The JavaScript runtime: `cloudfront-js-1.0` or `cloudfront-js-2.0` (default). Updated in place. */
    runtime?: pulumi.Input<FunctionRuntime>;
    /**
     * The function's JavaScript source (at most 10,240 bytes). Checked for
     * syntax errors at preview. Updated in place, then published when `publish` is on.
     */
    code: pulumi.Input<string>;
    /**
     * A comment describing the function. Updated in place. `comment`, `runtime` and `keyValueStoreAssociations` are
     * owned only when declared: left out, the function keeps its live value (an adopted function keeps its
     * KeyValueStore); declared and later removed, it is reset (no comment, cloudfront-js-2.0, no store).
     */
    comment?: pulumi.Input<string>;
    /**
     * ARNs of CloudFront KeyValueStores the function reads (cloudfront-js-2.0).
     * Updated in place.
     */
    keyValueStoreAssociations?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Publish DEVELOPMENT to LIVE after every create and update that changes
     * it (default true). With it on, a LIVE stage that differs from
     * DEVELOPMENT shows as drift and the next `up` publishes.
     */
    publish?: pulumi.Input<boolean>;
    /**
     * Tests run with CloudFront's TestFunction against the DEVELOPMENT stage before every publish (create, update,
     * adoption): when one fails nothing is published, LIVE keeps serving the last good code, and the error names the
     * test, shows the difference, the function's error message and its logs. At preview they run when the function
     * already holds this code; otherwise at `up`. See docs/cloudfront-function.md.
     */
    tests?: pulumi.Input<pulumi.Input<FunctionTest>[]>;
    /** Tags on the function. Keys starting with `aws:` are reserved by AWS and rejected. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Take over an existing function instead of creating one: `{ id: "<function name>", mode?: "adopt" | "adopt-or-create" }`.
     * `name` must equal `adopt.id` or be omitted (the name is then `adopt.id`). With mode `adopt` (default) a missing
     * function is an error at preview and nothing is created; with `adopt-or-create` it is created from these inputs.
     * The adopted function is updated (and published, with `publish`) when its code or config differ, its user tags
     * reconciled to `tags`, its `aws:` tags left alone. Changing or removing `adopt` later changes nothing.
     */
    adopt?: pulumi.Input<AdoptArgs>;
}

export class Function extends pulumi.dynamic.Resource {
    /** The function's ARN: put it in a distribution's `FunctionAssociations`. */
    declare readonly arn: pulumi.Output<string>;
    /** The function's name (given or generated). */
    declare readonly name: pulumi.Output<string>;
    /** The runtime of the DEVELOPMENT stage. */
    declare readonly runtime: pulumi.Output<FunctionRuntime>;
    /** The code of the DEVELOPMENT stage. */
    declare readonly code: pulumi.Output<string>;
    /** The comment of the DEVELOPMENT stage. */
    declare readonly comment: pulumi.Output<string>;
    /** The KeyValueStore ARNs of the DEVELOPMENT stage. */
    declare readonly keyValueStoreAssociations: pulumi.Output<string[]>;
    /** Whether DEVELOPMENT is published on create and update. */
    declare readonly publish: pulumi.Output<boolean>;
    /** AWS status: UNPUBLISHED, UNASSOCIATED or ASSOCIATED. */
    declare readonly status: pulumi.Output<string>;
    /** The DEVELOPMENT stage's ETag. */
    declare readonly etag: pulumi.Output<string>;
    /** The LIVE stage's ETag ("" when never published). */
    declare readonly liveEtag: pulumi.Output<string>;
    /** True when LIVE serves the current DEVELOPMENT code and config. */
    declare readonly published: pulumi.Output<boolean>;
    /** The user's tags on the function, as observed. */
    declare readonly tags: pulumi.Output<Record<string, string>>;
    /** Tags AWS reserves (`aws:` keys), read only. */
    declare readonly systemTags: pulumi.Output<Record<string, string>>;
    /** Set by the create that made it until the program has confirmed the engine recorded it (lifecycle R1). */
    declare readonly unrecorded: pulumi.Output<string | undefined>;

    constructor(name: string, args: FunctionArgs, opts?: pulumi.CustomResourceOptions) {
        const run = runNonce();
        super(
            delegatingProvider("ackless:cloudfront:Function"),
            name,
            {
                name: args.name,
                runtime: args.runtime,
                code: args.code,
                comment: args.comment,
                keyValueStoreAssociations: args.keyValueStoreAssociations,
                publish: args.publish,
                tests: args.tests,
                tags: args.tags,
                adopt: args.adopt,
                // The base of the generated name (check() cannot see the resource name).
                autoNamePrefix: name,
                // project/stack/parent/name: the generated name is derived from it (lifecycle R1).
                __identity: resourceIdentity(name, opts),
                __profile: awsProfile(),
                __run: run,
                unrecorded: undefined,
                arn: undefined,
                status: undefined,
                etag: undefined,
                liveEtag: undefined,
                published: undefined,
                systemTags: undefined,
            },
            opts,
            "ackless",
            "Function",
        );
        confirmWhenRecorded(this, "ackless:cloudfront:Function", run, { __profile: awsProfile() });
    }
}
