/**
 * cloudfront.Distribution, AWS calls: find by id (one not-found notion:
 * undefined), tags, and the CallerReference holder look-up.
 */
import { GetDistributionCommand, GetDistributionConfigCommand, ListDistributionsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudfront";
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { cloudfront } from "../../common/clients";
import { describeAwsError, isAwsError } from "../../common/errors";
import { progress } from "../../common/log";
import { fromKeyValueList, Tags } from "../../common/tags";

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

/** Does it exist and what is it: undefined when CloudFront says NoSuchDistribution. */
export async function findDistribution(id: string): Promise<FoundDistribution | undefined> {
    try {
        const out = await cloudfront().send(new GetDistributionCommand({ Id: id }));
        const d = out.Distribution!;
        return {
            id: d.Id ?? id,
            arn: d.ARN ?? "",
            domainName: d.DomainName ?? "",
            status: d.Status ?? "",
            enabled: d.DistributionConfig?.Enabled ?? false,
            etag: out.ETag ?? "",
            lastModifiedTime: d.LastModifiedTime ? new Date(d.LastModifiedTime).toISOString() : undefined,
            config: d.DistributionConfig ?? ({} as DistributionConfig),
        };
    } catch (err) {
        if (isAwsError(err, "NoSuchDistribution")) {
            return undefined;
        }
        throw describeAwsError(`reading CloudFront distribution ${id}`, err);
    }
}

/** The distribution's tags, or undefined when it is gone. */
export async function findTags(arn: string): Promise<Tags | undefined> {
    try {
        const out = await cloudfront().send(new ListTagsForResourceCommand({ Resource: arn }));
        return fromKeyValueList(out.Tags?.Items);
    } catch (err) {
        if (isAwsError(err, "NoSuchResource", "NoSuchDistribution")) {
            return undefined;
        }
        throw describeAwsError(`reading the tags of ${arn}`, err);
    }
}

export const describeState = (d: FoundDistribution | undefined) =>
    d ? `${d.enabled ? "enabled" : "disabled"} and ${d.status}` : "gone";

/** The distribution id at the end of a DistributionAlreadyExists message ("... Already exists: E123"), if any. */
export function idInAlreadyExists(err: unknown): string | undefined {
    const message = (err as { message?: string } | undefined)?.message ?? "";
    return /Already exists:\s*([A-Za-z0-9]+)\s*\.?\s*$/.exec(message)?.[1];
}

/**
 * Which distribution holds a CallerReference, found by reading every
 * distribution's configuration (ListDistributions summaries do not carry it):
 * page by page, remembering what it read, stopping as soon as it is found.
 */
export class CallerReferenceScan {
    private readonly holders = new Map<string, string>();
    private marker: string | undefined;
    private done = false;

    async holderOf(reference: string): Promise<string | undefined> {
        const cf = cloudfront();
        while (!this.holders.has(reference) && !this.done) {
            let page;
            try {
                page = await cf.send(new ListDistributionsCommand({ Marker: this.marker, MaxItems: 100 }));
            } catch (err) {
                throw describeAwsError("listing CloudFront distributions (to find the one holding a CallerReference)", err);
            }
            const list = page.DistributionList;
            for (const item of list?.Items ?? []) {
                if (!item.Id) {
                    continue;
                }
                try {
                    const cfg = await cf.send(new GetDistributionConfigCommand({ Id: item.Id }));
                    const ref = cfg.DistributionConfig?.CallerReference;
                    if (ref !== undefined) {
                        this.holders.set(ref, item.Id);
                    }
                } catch (err) {
                    if (!isAwsError(err, "NoSuchDistribution")) {
                        throw describeAwsError(`reading the configuration of CloudFront distribution ${item.Id}`, err);
                    }
                }
            }
            this.marker = list?.NextMarker;
            this.done = !list?.IsTruncated || !this.marker;
        }
        return this.holders.get(reference);
    }
}

/**
 * The live distribution holding `reference` after CreateDistribution said
 * DistributionAlreadyExists, or undefined when it is gone (the reference was
 * used by a distribution since deleted).
 */
export async function findReferenceHolder(reference: string, err: unknown, scan: CallerReferenceScan): Promise<FoundDistribution | undefined> {
    const named = idInAlreadyExists(err);
    if (named) {
        const d = await findDistribution(named);
        if (!d) {
            return undefined;
        }
        if (d.config.CallerReference === reference) {
            return d;
        }
        // AWS named another distribution than the one holding it: look for ourselves.
    }
    progress(`CloudFront: looking for the distribution holding CallerReference ${reference} (ListDistributions + GetDistributionConfig)`);
    const id = await scan.holderOf(reference);
    return id ? findDistribution(id) : undefined;
}

