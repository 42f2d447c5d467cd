/** cloudfront.Distribution: the checked inputs, and the distribution as a read observes it. */
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import type { Obj } from "../../common/diff";
import type { Tags } from "../../common/tags";

export const KIND = "cloudfront:Distribution";

/**
 * The Route 53 hosted zone of every CloudFront distribution, for alias
 * records (the AWS Route 53 developer guide; aws-cdk's CloudFrontTarget and
 * @pulumi/aws's Distribution.hostedZoneId give the same constant).
 */
export const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

export const DEFAULT_DELETE_TIMEOUT_MINUTES = 60;
export const DEFAULT_DEPLOY_TIMEOUT_MINUTES = 60;

/** The checked inputs, as stored in state. */
export interface DistributionInputs extends Obj {
    /** The configuration as check() filled it (CallerReference, Comment, Enabled, every Quantity). */
    distributionConfig: Obj;
    tags?: Tags;
    waitForDeployment?: boolean;
    deployTimeoutMinutes?: number;
    deleteTimeoutMinutes?: number;
    adopt?: unknown;
    /** Resource identity from the public class (project/stack/parent/name). */
    __identity?: string;
    /** The CallerReference is ackless's (derived in check), so create may walk it. */
    __callerReferenceGenerated?: boolean;
}

/** A distribution as GetDistribution shows it. */
export interface FoundDistribution {
    id: string;
    arn: string;
    domainName: string;
    status: string;
    enabled: boolean;
    etag: string;
    lastModifiedTime?: string;
    config: DistributionConfig;
}

/** A distribution and its tags (user, system and ackless's own): what one read of the kind observes. */
export interface ObservedDistribution extends FoundDistribution {
    tags: Tags;
}

/** What a wait needs to know of a distribution: ListDistributions' summary carries it for many at once. */
export interface DistributionStatus {
    id: string;
    arn: string;
    domainName: string;
    status: string;
    enabled: boolean;
    lastModifiedTime?: string;
    /** The whole distribution, with its ETag, when this status was read with GetDistribution. */
    found?: FoundDistribution;
}
