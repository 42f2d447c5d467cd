/**
 * cloudfront.Distribution: every AWS call (tags through ../tags.ts, shared by
 * every CloudFront kind). Reads answer "does it exist and what is it" with
 * one not-found notion (NoSuchDistribution: undefined); status reads of many
 * distributions are coalesced (common/batch.ts). Writes: create with a
 * CallerReference, update over the live ETag (412 re-reads), delete.
 */
import {
    CreateDistributionWithTagsCommand,
    DeleteDistributionCommand,
    DistributionConfig,
    GetDistributionCommand,
    GetDistributionConfigCommand,
    ListDistributionsCommand,
    UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { Coalescer, Poller, shared } from "../../common/batch";
import { awsScopeKey, cloudfront, currentAwsScope, withAws } from "../../common/clients";
import { AcklessError, describeAwsError, isAwsError } from "../../common/errors";
import { progress } from "../../common/log";
import { Tags, toKeyValueList } from "../../common/tags";
import { Deadline, retrying } from "../../common/wait";
import { statusOf } from "./delta";
import { readTags } from "../tags";
import type { DistributionStatus, FoundDistribution, ObservedDistribution } from "./types";

/** 412 PreconditionFailed: re-read the ETag and retry this many times. */
export const MAX_PRECONDITION_RETRIES = 5;

// ------------------------------------------------------------------- reads

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

/** The distribution and its tags (../tags.ts); undefined when either read says it is gone. */
export async function findObservedDistribution(id: string): Promise<ObservedDistribution | undefined> {
    const d = await findDistribution(id);
    return d && withTags(d);
}

/** `d` with its tags, undefined when they say it is gone. */
async function withTags(d: FoundDistribution): Promise<ObservedDistribution | undefined> {
    const tags = await readTags(d.arn);
    return tags === undefined ? undefined : { ...d, tags };
}

/** Below this many ids a batch reads each with GetDistribution; from it on, ListDistributions pages. */
export const LIST_FROM_IDS = 2;

/**
 * The status of many distributions. A few are read with GetDistribution each.
 * More are read from ListDistributions pages (100 summaries a call), which
 * cost a call per page of the account's distributions whatever the number
 * waiting; an id the pages do not show is confirmed with GetDistribution
 * before it counts as gone (a list may lag behind a create).
 */
export async function distributionStatuses(ids: string[], listFrom: number = LIST_FROM_IDS): Promise<Map<string, DistributionStatus>> {
    const out = new Map<string, DistributionStatus>();
    const getEach = async (some: string[]) => {
        const found = await Promise.all(some.map((id) => findDistribution(id)));
        found.forEach((d, i) => d && out.set(some[i], { ...statusOf(d), found: d }));
    };
    if (ids.length < listFrom) {
        await getEach(ids);
        return out;
    }
    const wanted = new Set(ids);
    let Marker: string | undefined;
    try {
        do {
            const page = await cloudfront().send(new ListDistributionsCommand({ Marker, MaxItems: 100 }));
            for (const item of page.DistributionList?.Items ?? []) {
                // A summary without its Enabled or Status cannot decide a wait: such an id is read with GetDistribution below.
                if (item.Id && wanted.has(item.Id) && item.Enabled !== undefined && item.Status) {
                    out.set(item.Id, {
                        id: item.Id,
                        arn: item.ARN ?? "",
                        domainName: item.DomainName ?? "",
                        status: item.Status,
                        enabled: item.Enabled,
                        lastModifiedTime: item.LastModifiedTime ? new Date(item.LastModifiedTime).toISOString() : undefined,
                    });
                }
            }
            Marker = page.DistributionList?.IsTruncated ? page.DistributionList.NextMarker : undefined;
        } while (Marker && out.size < wanted.size);
    } catch (err) {
        throw describeAwsError(`listing CloudFront distributions (ListDistributions)`, err);
    }
    await getEach(ids.filter((id) => !out.has(id)));
    return out;
}

/** The shared status reader: status reads of distributions arriving together become one batch. */
export function distributionReader(): Coalescer<DistributionStatus> {
    const scope = currentAwsScope();
    return shared(
        `${awsScopeKey("cloudfront")}|distribution|reader`,
        () => new Coalescer<DistributionStatus>({ maxBatch: 1000, fetch: (ids) => withAws(scope, () => distributionStatuses(ids)) }),
    );
}

/** The shared poller: one batch per tick for every distribution waiting for Deployed. */
export function distributionPoller(): Poller<DistributionStatus> {
    return shared(`${awsScopeKey("cloudfront")}|distribution|poller`, () => new Poller(distributionReader()));
}

/** The distribution's status through the shared reader; undefined when it is gone. */
export function findDistributionStatus(id: string): Promise<DistributionStatus | undefined> {
    return distributionReader().get(id);
}

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
 * The live distribution holding `reference`, with its tags, after
 * CreateDistribution said DistributionAlreadyExists, or undefined when it is
 * gone (the reference was used by a distribution since deleted).
 */
export async function findReferenceHolder(reference: string, err: unknown, scan: CallerReferenceScan): Promise<ObservedDistribution | undefined> {
    const named = idInAlreadyExists(err);
    if (named) {
        const d = await findDistribution(named);
        if (!d) {
            return undefined;
        }
        if (d.config.CallerReference === reference) {
            return withTags(d);
        }
        // AWS named another distribution than the one holding it: look for ourselves.
    }
    progress(`CloudFront: looking for the distribution holding CallerReference ${reference} (ListDistributions + GetDistributionConfig)`);
    const id = await scan.holderOf(reference);
    return id ? findObservedDistribution(id) : undefined;
}

// ------------------------------------------------------------------ writes

/**
 * CreateDistributionWithTags with `config` and `tags` (the user's and the
 * lifecycle's): the new distribution, or `{ used }` when CloudFront answers
 * DistributionAlreadyExists (the CallerReference was used before), with the
 * error for findReferenceHolder.
 */
export async function createDistributionCall(config: DistributionConfig, tags: Tags): Promise<FoundDistribution | { used: unknown }> {
    let created;
    try {
        created = await cloudfront().send(
            new CreateDistributionWithTagsCommand({
                DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: toKeyValueList(tags) } },
            }),
        );
    } catch (err) {
        if (isAwsError(err, "DistributionAlreadyExists")) {
            return { used: err };
        }
        throw describeAwsError("creating CloudFront distribution", err);
    }
    const dist = created.Distribution;
    if (!dist?.Id) {
        throw new AcklessError("creating CloudFront distribution: AWS returned no distribution Id");
    }
    return {
        id: dist.Id,
        arn: dist.ARN ?? "",
        domainName: dist.DomainName ?? "",
        status: dist.Status ?? "InProgress",
        enabled: dist.DistributionConfig?.Enabled ?? config.Enabled ?? true,
        etag: created.ETag ?? "",
        lastModifiedTime: dist.LastModifiedTime ? new Date(dist.LastModifiedTime).toISOString() : undefined,
        config: dist.DistributionConfig ?? config,
    };
}

/**
 * GetDistributionConfig for a fresh ETag, `change` the config, and
 * UpdateDistribution(IfMatch); 412 re-reads and retries. Returns false when
 * the distribution is gone, "unchanged" when `change` returned false.
 */
export async function updateConfig(
    id: string,
    what: string,
    change: (live: DistributionConfig) => DistributionConfig | false,
    deadline?: Deadline,
    onUpdated?: (etag: string | undefined) => void,
): Promise<boolean | "unchanged"> {
    const cf = cloudfront();
    return retrying(
        async () => {
            let live;
            try {
                live = await cf.send(new GetDistributionConfigCommand({ Id: id }));
            } catch (err) {
                if (isAwsError(err, "NoSuchDistribution")) {
                    return false;
                }
                throw err;
            }
            const next = change(live.DistributionConfig!);
            if (next === false) {
                return "unchanged";
            }
            try {
                const out = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: live.ETag, DistributionConfig: next }));
                onUpdated?.(out.ETag);
            } catch (err) {
                if (isAwsError(err, "NoSuchDistribution")) {
                    return false;
                }
                throw err;
            }
            return true;
        },
        (err) => isAwsError(err, "PreconditionFailed"),
        {
            maxAttempts: MAX_PRECONDITION_RETRIES + 1,
            deadline,
            delayMs: 100,
            maxDelayMs: 1000,
            onRetry: (_err, n) => progress(`CloudFront distribution ${id}: ${what}: the ETag changed (412), re-reading (retry ${n})`),
        },
    ).catch((err) => {
        throw err instanceof AcklessError ? err : describeAwsError(`${what} CloudFront distribution ${id}`, err);
    });
}

/** DeleteDistribution with the ETag of its latest configuration; false when it is already gone. 412 and 409 are the caller's. */
export async function deleteDistributionCall(id: string, etag: string): Promise<boolean> {
    try {
        await cloudfront().send(new DeleteDistributionCommand({ Id: id, IfMatch: etag }));
        return true;
    } catch (err) {
        if (isAwsError(err, "NoSuchDistribution")) {
            return false;
        }
        throw err;
    }
}
