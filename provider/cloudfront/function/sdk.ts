/**
 * cloudfront.Function: every AWS call. Reads answer "does it exist and what
 * is it" with one not-found notion (undefined: NoSuchFunctionExists); each
 * stage is read with an explicit Stage. Writes: CreateFunction, UpdateFunction,
 * PublishFunction and DeleteFunction with the ETag they are given (the 412
 * re-reads are ops.ts's), and tags through ../tags.ts.
 */
import {
    CreateFunctionCommand,
    DeleteFunctionCommand,
    DescribeFunctionCommand,
    DistributionSummary,
    FunctionConfig,
    GetFunctionCommand,
    ListDistributionsCommand,
    PublishFunctionCommand,
    UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { Coalescer, Poller, shared } from "../../common/batch";
import { awsScopeKey, cloudfront, currentAwsScope, withAws } from "../../common/clients";
import { AcklessError, describeAwsError, isAwsError } from "../../common/errors";
import { splitTags, Tags } from "../../common/tags";
import { clearPendingCreate, readTags, writeTags } from "../tags";
import { PENDING_CREATE_TAG } from "../../lifecycle/rules";
import { functionConfig } from "./delta";
import { DEFAULT_RUNTIME, FunctionInputs, ObservedFunction, StageView } from "./types";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export type Stage = "DEVELOPMENT" | "LIVE";

function configOf(config: FunctionConfig | undefined): Pick<StageView, "comment" | "runtime" | "keyValueStoreAssociations"> {
    return {
        comment: config?.Comment ?? "",
        runtime: config?.Runtime ?? DEFAULT_RUNTIME,
        keyValueStoreAssociations: (config?.KeyValueStoreAssociations?.Items ?? []).map((i) => i.KeyValueStoreARN ?? "").filter((a) => a),
    };
}

// ------------------------------------------------------------------- reads

/** One stage, read with an explicit Stage (Describe for config and ETag, Get for the code). Undefined when absent. */
export async function readStage(name: string, stage: Stage): Promise<StageView | undefined> {
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

/** DescribeFunction of one stage: its ETag and ARN, or undefined when the function (or that stage) is not there. */
export async function describeStage(name: string, stage: Stage): Promise<{ etag: string; arn: string } | undefined> {
    try {
        const out = await cloudfront().send(new DescribeFunctionCommand({ Name: name, Stage: stage }));
        return { etag: out.ETag ?? "", arn: out.FunctionSummary?.FunctionMetadata?.FunctionARN ?? "" };
    } catch (err) {
        if (isAwsError(err, "NoSuchFunctionExists")) {
            return undefined;
        }
        throw describeAwsError(`reading ${stage === "LIVE" ? "the LIVE stage of " : ""}CloudFront function "${name}"`, err);
    }
}

/** The DEVELOPMENT stage's current ETag, or undefined when the function is gone. */
export const devEtag = async (name: string) => (await describeStage(name, "DEVELOPMENT"))?.etag;

/** The LIVE stage's ETag, or undefined when it does not show (never published, or not visible yet). */
export const liveEtag = async (name: string) => (await describeStage(name, "LIVE"))?.etag;

/** Does the function exist and what is it: both stages and the tags. Undefined when gone. */
export async function findFunction(name: string): Promise<ObservedFunction | undefined> {
    const dev = await readStage(name, "DEVELOPMENT");
    if (!dev) {
        return undefined;
    }
    const live = await readStage(name, "LIVE");
    const allTags = await readTags(dev.arn);
    if (allTags === undefined) {
        return undefined; // deleted between the reads
    }
    return { name, dev, live, ...splitTags(allTags), allTags };
}

/** The function's ARN; undefined when it is gone. */
export async function functionArn(name: string): Promise<string | undefined> {
    return (await describeStage(name, "DEVELOPMENT"))?.arn;
}

/** Best effort: the ARN of an existing function (state written before the ARN was kept in the inputs); undefined on any failure. */
export async function arnOf(name: string): Promise<string | undefined> {
    return functionArn(name).catch(() => undefined);
}

/** Every tag of the function (`arn` when known, else read by name); undefined when it is gone. */
export async function functionTags(name: string, arn: string | undefined): Promise<Tags | undefined> {
    const resource = arn || (await functionArn(name));
    return resource ? readTags(resource) : undefined;
}

/**
 * The shared reader of DEVELOPMENT stages (one DescribeFunction per name:
 * CloudFront reads one function per call) and its poller, for the wait until
 * a new function shows in reads (lifecycle R5).
 */
function devReader(): Coalescer<{ etag: string; arn: string }> {
    const scope = currentAwsScope();
    return shared(
        `${awsScopeKey("cloudfront")}|function|reader`,
        () =>
            new Coalescer<{ etag: string; arn: string }>({
                maxBatch: 1,
                fetch: async (names) => {
                    const found = new Map<string, { etag: string; arn: string }>();
                    for (const name of names) {
                        const dev = await withAws(scope, () => describeStage(name, "DEVELOPMENT"));
                        if (dev) {
                            found.set(name, dev);
                        }
                    }
                    return found;
                },
            }),
    );
}

export function functionPoller(): Poller<{ etag: string; arn: string }> {
    return shared(`${awsScopeKey("cloudfront")}|function|poller`, () => new Poller(devReader()));
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

// ------------------------------------------------------------------ writes

/**
 * CreateFunction with `name`, WITHOUT tags: CloudFront has answered a create
 * with tags with 409 "Unable to create function with tags at this time"
 * (docs/aws-contract.md); the caller tags it next. The DEVELOPMENT stage as
 * the answer shows it, or undefined when the name is taken (FunctionAlreadyExists).
 */
export async function createFunctionCall(name: string, inputs: FunctionInputs): Promise<StageView | undefined> {
    try {
        const out = await cloudfront().send(
            new CreateFunctionCommand({ Name: name, FunctionConfig: functionConfig(inputs), FunctionCode: encoder.encode(inputs.code) }),
        );
        const summary = out.FunctionSummary;
        return {
            etag: out.ETag ?? "",
            code: inputs.code,
            ...configOf(summary?.FunctionConfig ?? functionConfig(inputs)),
            arn: summary?.FunctionMetadata?.FunctionARN ?? "",
            status: summary?.Status ?? "UNPUBLISHED",
        };
    } catch (err) {
        if (isAwsError(err, "FunctionAlreadyExists")) {
            return undefined;
        }
        throw describeAwsError(`creating CloudFront function "${name}"`, err);
    }
}

/** UpdateFunction of the DEVELOPMENT stage over `ifMatch`: its new ETag and status. AWS errors are thrown as they are (ops.ts re-reads on 412). */
export async function updateFunctionCall(name: string, ifMatch: string, inputs: FunctionInputs): Promise<{ etag: string; status?: string }> {
    const out = await cloudfront().send(
        new UpdateFunctionCommand({
            Name: name,
            IfMatch: ifMatch,
            FunctionConfig: functionConfig(inputs),
            FunctionCode: encoder.encode(inputs.code),
        }),
    );
    return { etag: out.ETag ?? "", status: out.FunctionSummary?.Status };
}

/** PublishFunction of DEVELOPMENT over `ifMatch`: the status AWS reports. AWS errors are thrown as they are (ops.ts re-reads on 412). */
export async function publishFunctionCall(name: string, ifMatch: string): Promise<string | undefined> {
    const out = await cloudfront().send(new PublishFunctionCommand({ Name: name, IfMatch: ifMatch }));
    return out.FunctionSummary?.Status;
}

/** DeleteFunction over `ifMatch`; false when it is already gone. Other AWS errors are thrown as they are (ops.ts retries). */
export async function deleteFunctionCall(name: string, ifMatch: string): Promise<boolean> {
    try {
        await cloudfront().send(new DeleteFunctionCommand({ Name: name, IfMatch: ifMatch }));
        return true;
    } catch (err) {
        if (isAwsError(err, "NoSuchFunctionExists")) {
            return false;
        }
        throw err;
    }
}

/** Tags the function: the user's tags reconciled from `observed` to `desired`, and any ackless tag `desired` carries. */
export async function tagFunction(name: string, arn: string, observed: Tags | undefined, desired: Tags): Promise<boolean> {
    if (!arn) {
        throw new AcklessError(`tagging CloudFront function "${name}": its ARN is not known`, "NoSuchFunctionExists");
    }
    return writeTags(`CloudFront function ${name}`, arn, observed, desired);
}

/** R1: the create is done; removes the `ackless:pending-create` tag when the function carries it. Warns, never throws. */
export async function clearMarker(fn: ObservedFunction): Promise<void> {
    if (fn.allTags[PENDING_CREATE_TAG] !== undefined) {
        await clearPendingCreate(`CloudFront function ${fn.name}`, fn.dev.arn);
    }
}
