/**
 * cloudfront.Distribution, tags: the user's (never `aws:` keys) and the
 * lifecycle's pending-create marker.
 */
import { TagResourceCommand, UntagResourceCommand } from "@aws-sdk/client-cloudfront";
import { cloudfront } from "../../common/clients";
import { describeAwsError } from "../../common/errors";
import { PENDING_CREATE_TAG } from "../../lifecycle/rules";
import { warn } from "../../common/log";
import { tagChanges, Tags, toKeyValueList } from "../../common/tags";

/** TagResource / UntagResource for the user's tags only; `aws:` keys are never sent. */
export async function applyTags(id: string, arn: string, observed: Tags, desired: Tags | undefined): Promise<void> {
    const { set, remove } = tagChanges(observed, desired);
    try {
        if (Object.keys(set).length > 0) {
            await cloudfront().send(new TagResourceCommand({ Resource: arn, Tags: { Items: toKeyValueList(set) } }));
        }
        if (remove.length > 0) {
            await cloudfront().send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: remove } }));
        }
    } catch (err) {
        throw describeAwsError(`tagging CloudFront distribution ${id}`, err);
    }
}

/**
 * The tag create puts on a distribution it makes with a derived
 * CallerReference, and removes once the create is done: only the orphan of an
 * interrupted create still has it, which is how a retried create knows the
 * distribution holding its reference is its own.
 */
export { PENDING_CREATE_TAG };

export async function clearPendingCreate(id: string, arn: string): Promise<void> {
    try {
        await cloudfront().send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: [PENDING_CREATE_TAG] } }));
    } catch (err) {
        // Not fatal: the next update reconciles tags to the program's and drops it.
        warn(`CloudFront distribution ${id}: could not remove the ${PENDING_CREATE_TAG} tag (${describeAwsError("UntagResource", err).message})`);
    }
}

