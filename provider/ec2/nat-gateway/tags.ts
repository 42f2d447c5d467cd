/** ec2.NatGateway: user tags (CreateTags / DeleteTags) and the lifecycle marker. */
import { CreateTagsCommand, DeleteTagsCommand, NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import { ec2 } from "../../common/clients";
import { describeAwsError } from "../../common/errors";
import { warn } from "../../common/log";
import { PENDING_CREATE_TAG } from "../../common/lifecycle";
import { fromKeyValueList, tagChanges, Tags, toKeyValueList } from "../../common/tags";

export const markerOf = (nat: AwsNatGateway) => fromKeyValueList(nat.Tags)[PENDING_CREATE_TAG];

/** R1: the create is done; without the marker no later create takes this gateway over. */
export async function clearMarker(id: string): Promise<void> {
    try {
        await ec2().send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: PENDING_CREATE_TAG }] }));
    } catch (err) {
        warn(`NAT gateway ${id}: could not remove the ${PENDING_CREATE_TAG} tag (${describeAwsError("DeleteTags", err).message}); remove it by hand`);
    }
}

// ------------------------------------------------------------------ tags

/** CreateTags / DeleteTags for the user's tags only; `aws:` keys are never sent. */
export async function applyTags(id: string, observed: Tags, desired: Tags | undefined): Promise<void> {
    const { set, remove } = tagChanges(observed, desired);
    try {
        if (Object.keys(set).length) {
            await ec2().send(new CreateTagsCommand({ Resources: [id], Tags: toKeyValueList(set) }));
        }
        if (remove.length) {
            await ec2().send(new DeleteTagsCommand({ Resources: [id], Tags: remove.map((Key) => ({ Key })) }));
        }
    } catch (err) {
        throw describeAwsError(`tagging NAT gateway ${id}`, err);
    }
}
