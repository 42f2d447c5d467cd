/**
 * cloudfront.Function, AWS reads: one stage, both stages and tags (one
 * not-found notion: undefined), ETags, and the distributions using a function.
 */
import { DescribeFunctionCommand, DistributionSummary, FunctionConfig, GetFunctionCommand, ListDistributionsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudfront";
import { cloudfront } from "../../common/clients";
import { describeAwsError, isAwsError } from "../../common/errors";
import { fromKeyValueList, splitTags, Tags } from "../../common/tags";
import type { ObservedFunction, StageView } from "./delta";
import { DEFAULT_RUNTIME } from "./validate";

export const decoder = new TextDecoder();

export function configOf(config: FunctionConfig | undefined): Pick<StageView, "comment" | "runtime" | "keyValueStoreAssociations"> {
    return {
        comment: config?.Comment ?? "",
        runtime: config?.Runtime ?? DEFAULT_RUNTIME,
        keyValueStoreAssociations: (config?.KeyValueStoreAssociations?.Items ?? [])
            .map((i) => i.KeyValueStoreARN ?? "")
            .filter((a) => a),
    };
}

/** One stage, read with an explicit Stage (Describe for config and ETag, Get for the code). Undefined when absent. */
export async function readStage(name: string, stage: "DEVELOPMENT" | "LIVE"): Promise<StageView | undefined> {
    const cf = cloudfront();
    try {
        const described = await cf.send(new DescribeFunctionCommand({ Name: name, Stage: stage }));
        const got = await cf.send(new GetFunctionCommand({ Name: name, Stage: stage }));
        const summary = described.FunctionSummary;
        return {
            etag: described.ETag ?? "",
            code: decoder.decode(got.FunctionCode ?? new Uint8Array()),
            ...configOf(summary?.FunctionConfig),
            arn: summary?.FunctionMetadata?.FunctionARN ?? "",
            status: summary?.Status ?? "",
        };
    } catch (err) {
        if (isAwsError(err, "NoSuchFunctionExists")) {
            return undefined;
        }
        throw describeAwsError(`reading the ${stage} stage of CloudFront function "${name}"`, err);
    }
}

/** A stage's current ETag, or undefined when the function (or that stage) is not there. */
export async function stageEtag(name: string, stage: "DEVELOPMENT" | "LIVE"): Promise<string | undefined> {
    try {
        const out = await cloudfront().send(new DescribeFunctionCommand({ Name: name, Stage: stage }));
        return out.ETag ?? "";
    } catch (err) {
        if (isAwsError(err, "NoSuchFunctionExists")) {
            return undefined;
        }
        throw describeAwsError(`reading ${stage === "LIVE" ? "the LIVE stage of " : ""}CloudFront function "${name}"`, err);
    }
}

/** The DEVELOPMENT stage's current ETag, or undefined when the function is gone. */
export const devEtag = (name: string) => stageEtag(name, "DEVELOPMENT");

/** The LIVE stage's ETag, or "" when never published. */
export const liveEtag = async (name: string) => (await stageEtag(name, "LIVE")) ?? "";

/** The function's tags, all of them (user and system); undefined when the function is gone. */
export async function findTags(arn: string): Promise<Tags | undefined> {
    try {
        const out = await cloudfront().send(new ListTagsForResourceCommand({ Resource: arn }));
        return fromKeyValueList(out.Tags?.Items);
    } catch (err) {
        if (isAwsError(err, "NoSuchResource", "NoSuchFunctionExists")) {
            return undefined;
        }
        throw describeAwsError(`reading the tags of CloudFront function ${arn}`, err);
    }
}

/** Does the function exist and what is it: both stages and the tags. Undefined when gone. */
export async function findFunction(name: string): Promise<ObservedFunction | undefined> {
    const dev = await readStage(name, "DEVELOPMENT");
    if (!dev) {
        return undefined;
    }
    const live = await readStage(name, "LIVE");
    const observedTags = await findTags(dev.arn);
    if (observedTags === undefined) {
        return undefined; // deleted between the reads
    }
    const { tags, systemTags } = splitTags(observedTags);
    return { name, dev, live, tags, systemTags };
}

/** Best effort: the ARN of an existing function (state written before the ARN was kept in the inputs). */
export async function arnOf(name: string): Promise<string | undefined> {
    try {
        const out = await cloudfront().send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
        return out?.FunctionSummary?.FunctionMetadata?.FunctionARN;
    } catch {
        return undefined;
    }
}

/** Distributions whose cache behaviours associate `arn` (ListDistributions, scanned). */
export async function distributionsUsing(arn: string): Promise<string[]> {
    const ids: string[] = [];
    const uses = (d: DistributionSummary) =>
        [d.DefaultCacheBehavior, ...(d.CacheBehaviors?.Items ?? [])].some((b) =>
            (b?.FunctionAssociations?.Items ?? []).some((a) => a.FunctionARN === arn),
        );
    let marker: string | undefined;
    do {
        const out = await cloudfront().send(new ListDistributionsCommand({ Marker: marker }));
        for (const d of out.DistributionList?.Items ?? []) {
            if (uses(d) && d.Id) {
                ids.push(d.Id);
            }
        }
        marker = out.DistributionList?.IsTruncated ? out.DistributionList.NextMarker : undefined;
    } while (marker);
    return ids;
}

export const encoder = new TextEncoder();
