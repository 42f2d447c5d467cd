/**
 * cloudfront.Function, tags: the user's (never `aws:` keys) and the
 * lifecycle's incarnation tag.
 */
import { TagResourceCommand, UntagResourceCommand } from "@aws-sdk/client-cloudfront";
import { cloudfront } from "../../common/clients";
import { describeAwsError } from "../../common/errors";
import { tagChanges, Tags, toKeyValueList } from "../../common/tags";

export async function applyTags(arn: string, observed: Tags | undefined, desired: Tags | undefined): Promise<void> {
    const { set, remove } = tagChanges(observed, desired);
    const cf = cloudfront();
    try {
        if (remove.length > 0) {
            await cf.send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: remove } }));
        }
        if (Object.keys(set).length > 0) {
            await cf.send(new TagResourceCommand({ Resource: arn, Tags: { Items: toKeyValueList(set) } }));
        }
    } catch (err) {
        throw describeAwsError(`tagging CloudFront function ${arn}`, err);
    }
}
