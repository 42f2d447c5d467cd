/**
 * cloudfront.Distribution: a CloudFront distribution managed by a Pulumi
 * dynamic provider. The provider code stored in state only delegates to the
 * installed ackless package (see ../../delegate.ts); the implementation is
 * in adapter.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import type { AdoptArgs } from "../../lifecycle/adopt";
import { awsProfile, resourceIdentity, runNonce } from "../../common/identity";
import { confirmWhenRecorded, delegatingProvider } from "../../delegate";

/** Fields ackless fills when omitted (see DistributionArgs.distributionConfig). */
type FilledKeys = "Quantity" | "CallerReference" | "Comment" | "Enabled";

/**
 * The AWS SDK shape, with every value accepting a Pulumi Input and the fields
 * ackless fills (`Quantity` everywhere, `CallerReference`, `Comment`,
 * `Enabled`) optional.
 */
export type DeepInput<T> = T extends string | number | boolean | null | undefined
    ? T
    : T extends Date
      ? T
      : T extends (infer U)[]
        ? pulumi.Input<DeepInput<U>>[]
        : { [K in keyof T as K extends FilledKeys ? never : K]: pulumi.Input<DeepInput<T[K]>> } & {
              [K in keyof T as K extends FilledKeys ? K : never]?: pulumi.Input<DeepInput<T[K]>>;
          };

/** A distribution configuration as a program writes it. */
export type DistributionConfigArgs = DeepInput<DistributionConfig>;

export interface DistributionArgs {
    /**
     * The distribution's configuration, in the AWS SDK / CloudFront API shape
     * (`DistributionConfig`: `Origins`, `DefaultCacheBehavior`, `CacheBehaviors`,
     * `Aliases`, `ViewerCertificate`, `PriceClass`, ...), field names as in the
     * CloudFront API reference. ackless fills:
     * - `CallerReference`: when omitted, derived from the resource's identity
     *   (`ackless-<hash>` of project, stack, parent and name) and kept across
     *   updates, so a create retried after an interrupted `pulumi up` finds the
     *   distribution the first attempt made instead of creating a second one.
     *   Changing it replaces the distribution. A declared one is used as is:
     *   CloudFront accepts each CallerReference only once.
     * - `Comment`: `""` when omitted.
     * - `Enabled`: `true` when omitted.
     * - every `Quantity`: computed from the sibling `Items` (an empty or
     *   missing `Items` list gives `Quantity: 0`); you never write `Quantity`.
     *
     * Every other change is applied in place with `UpdateDistribution`, sent
     * on top of the live configuration: top-level fields you never declared
     * keep their live values; a field you declared before and remove is reset
     * to CloudFront's default.
     */
    distributionConfig: pulumi.Input<DistributionConfigArgs>;
    /**
     * Tags to put on the distribution. Keys starting with `aws:` (any case)
     * are reserved by AWS and rejected at preview; tags AWS adds itself are
     * read back in `systemTags`.
     */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Wait for the distribution to reach `Deployed` after create and update
     * (default `true`). With `false` the operation returns as soon as AWS
     * accepted it and `status` reads `InProgress`.
     */
    waitForDeployment?: pulumi.Input<boolean>;
    /**
     * How long create and update wait for `Deployed`, in minutes (default 60).
     * When it passes, ackless warns and finishes the operation (the
     * distribution exists and keeps deploying).
     */
    deployTimeoutMinutes?: pulumi.Input<number>;
    /**
     * The deadline for the whole delete (disable, wait for Deployed, delete),
     * in minutes (default 60). When it passes, the delete fails with a message
     * saying where it stopped; running `pulumi destroy` again resumes from
     * there.
     */
    deleteTimeoutMinutes?: pulumi.Input<number>;
    /**
     * Take over an existing distribution instead of creating one: `{ id: "E...", mode?: "adopt" | "adopt-or-create" }`.
     * With mode `adopt` (default) a missing distribution is an error at preview and nothing is created; with
     * `adopt-or-create` it is created from these inputs. The adopted distribution is updated to
     * `distributionConfig` (keeping its own CallerReference, which cannot change) and its user tags to `tags`;
     * its `aws:` tags are left alone. Changing or removing `adopt` later changes nothing.
     */
    adopt?: pulumi.Input<AdoptArgs>;
}

export class Distribution extends pulumi.dynamic.Resource {
    /** The configuration as last observed on AWS, limited to the fields you set. */
    declare readonly distributionConfig: pulumi.Output<DistributionConfig>;
    /** The distribution's ARN (`arn:aws:cloudfront::ACCOUNT:distribution/ID`). */
    declare readonly arn: pulumi.Output<string>;
    /** The CloudFront domain name (`dxxxx.cloudfront.net`). */
    declare readonly domainName: pulumi.Output<string>;
    /** `InProgress` or `Deployed`. */
    declare readonly status: pulumi.Output<string>;
    /** The current ETag (changes with every update). */
    declare readonly etag: pulumi.Output<string>;
    /** Whether the distribution serves requests. */
    declare readonly enabled: pulumi.Output<boolean>;
    /** The user's tags as observed (no `aws:` keys). */
    declare readonly tags: pulumi.Output<Record<string, string>>;
    /** Tags AWS manages (`aws:` keys), read-only. */
    declare readonly systemTags: pulumi.Output<Record<string, string>>;
    /** When the distribution was last modified (ISO 8601). */
    declare readonly lastModifiedTime: pulumi.Output<string>;
    /**
     * The Route 53 hosted zone id of every CloudFront distribution (Z2FDTNDATAQYW2), for alias records:
     * `aliases: [{ name: site.domainName, zoneId: site.hostedZoneId, evaluateTargetHealth: false }]`.
     */
    declare readonly hostedZoneId: pulumi.Output<string>;
    /** The CallerReference the distribution was made with (derived by ackless, declared, or the adopted one's). */
    declare readonly callerReference: pulumi.Output<string>;
    declare readonly waitForDeployment: pulumi.Output<boolean | undefined>;
    declare readonly deployTimeoutMinutes: pulumi.Output<number | undefined>;
    /** Set by the create that made it until the program has confirmed the engine recorded it (lifecycle R1). */
    declare readonly unrecorded: pulumi.Output<string | undefined>;
    declare readonly deleteTimeoutMinutes: pulumi.Output<number | undefined>;

    constructor(name: string, args: DistributionArgs, opts?: pulumi.CustomResourceOptions) {
        // Identity for the derived CallerReference (see manager.ts).
        const identity = resourceIdentity(name, opts);
        const run = runNonce();
        super(
            delegatingProvider("ackless:cloudfront:Distribution"),
            name,
            {
                distributionConfig: args.distributionConfig,
                tags: args.tags,
                waitForDeployment: args.waitForDeployment,
                deployTimeoutMinutes: args.deployTimeoutMinutes,
                deleteTimeoutMinutes: args.deleteTimeoutMinutes,
                adopt: args.adopt,
                __identity: identity,
                __profile: awsProfile(),
                __run: run,
                unrecorded: undefined,
                arn: undefined,
                domainName: undefined,
                status: undefined,
                etag: undefined,
                enabled: undefined,
                systemTags: undefined,
                lastModifiedTime: undefined,
                hostedZoneId: undefined,
                callerReference: undefined,
            },
            opts,
            "ackless",
            "Distribution",
        );
        confirmWhenRecorded(this, "ackless:cloudfront:Distribution", run, { __profile: awsProfile() });
    }
}
