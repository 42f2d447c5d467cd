/**
 * CloudFront tags, for every CloudFront kind (distributions, functions, key
 * value stores): ListTagsForResource / TagResource / UntagResource on the
 * resource's ARN. Only the user's keys and ackless's own are ever sent; `aws:`
 * keys are never touched.
 */
import { ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand } from "@aws-sdk/client-cloudfront";
import { cloudfront } from "../common/clients";
import { describeAwsError, isAwsError } from "../common/errors";
import { warn } from "../common/log";
import { fromKeyValueList, tagChanges, Tags, toKeyValueList } from "../common/tags";
import { PENDING_CREATE_TAG } from "../lifecycle/rules";

/** Every tag of the resource (user, system, ackless's), or undefined when it is gone. */
export async function readTags(arn: string): Promise<Tags | undefined> {
    try {
        const out = await cloudfront().send(new ListTagsForResourceCommand({ Resource: arn }));
        return fromKeyValueList(out.Tags?.Items);
    } catch (err) {
        if (isAwsError(err, "NoSuchResource", "NoSuchDistribution", "NoSuchFunctionExists", "EntityNotFound")) {
            return undefined;
        }
        throw describeAwsError(`reading the tags of ${arn}`, err);
    }
}

/**
 * Reconciles the user's tags from `observed` to `desired` (and sets any
 * ackless tag `desired` carries). `what` names the resource in errors.
 * True when it changed anything.
 */
export async function writeTags(what: string, arn: string, observed: Tags | undefined, desired: Tags | undefined): Promise<boolean> {
    const { set, remove } = tagChanges(observed, desired);
    try {
        if (remove.length > 0) {
            await cloudfront().send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: remove } }));
        }
        if (Object.keys(set).length > 0) {
            await cloudfront().send(new TagResourceCommand({ Resource: arn, Tags: { Items: toKeyValueList(set) } }));
        }
    } catch (err) {
        throw describeAwsError(`tagging ${what}`, err);
    }
    return remove.length > 0 || Object.keys(set).length > 0;
}

/** R1: the create is done; without the marker no later create takes the resource over. Warns, never throws. */
export async function clearPendingCreate(what: string, arn: string): Promise<void> {
    try {
        await cloudfront().send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: [PENDING_CREATE_TAG] } }));
    } catch (err) {
        warn(`${what}: could not remove the ${PENDING_CREATE_TAG} tag (${describeAwsError("UntagResource", err).message}); remove it by hand`);
    }
}
