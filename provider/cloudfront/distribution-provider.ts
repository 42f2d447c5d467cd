/**
 * The CloudFront distribution provider (kind "ackless:cloudfront:Distribution").
 *
 * Layout, as for every ackless resource:
 * - config:  fillDefaults / normalizeConfig / observedConfig (what we send and compare)
 * - find:    findDistribution (one not-found notion: undefined)
 * - wait:    waitDistributionDeployed
 * - delete:  deleteDistribution, a resumable sequence (gone / InProgress / Enabled / disabled)
 * - create:  createDistribution, idempotent through the CallerReference (below)
 * - provider: check, diff, create, read, update, delete
 *
 * The CallerReference. CloudFront creates a new distribution for every new
 * CallerReference and answers one it has seen before (its distribution live
 * or deleted) with 409 DistributionAlreadyExists. A `pulumi up` killed while
 * create waits for Deployed (up to an hour) leaves a distribution Pulumi does
 * not know about, and the next `pulumi up` creates again (check() with no old
 * inputs). So when the program does not declare a CallerReference, check()
 * derives it from the resource's identity (project, stack, parent URN, name:
 * `__identity`, passed by the public class): `ackless-<hash>`, the same on
 * every attempt, then kept from the old inputs. On DistributionAlreadyExists
 * create finds the distribution holding the reference (the id at the end of
 * AWS's message, else ListDistributions + GetDistributionConfig) and:
 * - takes it over when it exists, is not being deleted, and still carries
 *   the `ackless:pending-create` tag with this reference: create sets that
 *   tag on the new distribution and removes it once the create is done, so
 *   only an interrupted create's orphan has it. Its configuration and tags
 *   are reconciled as an adoption's are, then create waits as usual;
 * - never takes over a holder without that tag (lifecycle R1): a completed
 *   distribution, such as the original of a forced replacement, or the
 *   distribution of another stack with the same project, stack and resource
 *   names (two local backends sharing an AWS account). Create walks to the
 *   next reference and makes a new distribution instead;
 * - when its distribution is gone (or being deleted), walks to `<ref>.1`,
 *   `<ref>.2`... (bounded; see ../common/identity.ts). The reference the
 *   distribution was made with shows in the `distributionConfig` output; the
 *   inputs keep the base, and diff treats `<ref>.n` as equal to `<ref>`.
 * A declared CallerReference is never walked: DistributionAlreadyExists then
 * fails, naming the distribution and suggesting `adopt`.
 * A forced replacement keeps the reference; diff asks for delete-before-
 * replace when a derived reference is unchanged, and a targeted replace
 * (which skips diff) walks past the live original (R1).
 */
import { randomUUID } from "crypto";
import {
    CreateDistributionWithTagsCommand,
    DeleteDistributionCommand,
    DistributionConfig,
    GetDistributionCommand,
    GetDistributionConfigCommand,
    ListDistributionsCommand,
    ListTagsForResourceCommand,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import type * as pulumi from "@pulumi/pulumi";
import { cloudfront } from "../common/clients";
import { deepEqual, diffFields, FieldRule, UNKNOWN } from "../common/diff";
import { AcklessError, describeAwsError, isAwsError } from "../common/errors";
import { identityToken, nthToken, tokenStep } from "../common/identity";
import {
    adoptedOutputs,
    adoptionAllowed,
    claim,
    goneRead,
    guardedDelete,
    INCARNATION_TAG,
    newIncarnation,
    ownedByNewerIncarnation,
    PENDING_CREATE_TAG,
    waitVisible,
    withVanished,
} from "../common/lifecycle";
import { progress, warn } from "../common/log";
import {
    adoptionOf,
    adoptMissing,
    AdoptMode,
    findForAdoption,
    checkAdopt,
    hasAdopt,
    isNew,
    logAdoptionPlan,
    logWillCreate,
} from "../common/adopt";
import {
    describeTagChanges,
    fromKeyValueList,
    reconciledTags,
    sameTags,
    splitTags,
    tagChanges,
    Tags,
    toKeyValueList,
    userTags,
    validateTags,
} from "../common/tags";
import { Deadline, DeadlineExceeded, retrying, sleep, waitFor } from "../common/wait";

/**
 * The Route 53 hosted zone of every CloudFront distribution, for alias
 * records (the AWS Route 53 developer guide; aws-cdk's CloudFrontTarget and
 * @pulumi/aws's Distribution.hostedZoneId give the same constant).
 */
export const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

export const DEFAULT_DELETE_TIMEOUT_MINUTES = 60;
export const DEFAULT_DEPLOY_TIMEOUT_MINUTES = 60;
/** 412 PreconditionFailed: re-read the ETag and retry this many times. */
export const MAX_PRECONDITION_RETRIES = 5;
/** 409 DistributionNotDisabled right after Deployed: retry this many times (backoff 0.5 s -> 4 s, about 20 s). */
export const MAX_NOT_DISABLED_RETRIES = 8;
/** How many CallerReferences (`<ref>`, `<ref>.1`, ...) create walks past deleted distributions before giving up. */
export const MAX_CALLER_REFERENCES = 20;

type Obj = Record<string, any>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

// ---------------------------------------------------------------- config

/**
 * The comparable form of a configuration: no null/undefined values, and list
 * wrappers with an empty `Items` reduced to `{Quantity: 0}` (AWS omits empty
 * lists on read).
 */
export function normalizeConfig(value: any): any {
    if (Array.isArray(value)) {
        return value.map(normalizeConfig);
    }
    if (value instanceof Date) {
        return value.toISOString();
    }
    if (!isObject(value)) {
        return value;
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
        if (v === undefined || v === null) {
            continue;
        }
        out[k] = normalizeConfig(v);
    }
    if (Array.isArray(out.Items) && out.Items.length === 0) {
        delete out.Items;
        out.Quantity = 0;
    }
    return out;
}

/** Sets every `Quantity` from its sibling `Items` (known lists only). */
function fillQuantities(value: any): void {
    if (Array.isArray(value)) {
        value.forEach(fillQuantities);
        return;
    }
    if (!isObject(value)) {
        return;
    }
    for (const v of Object.values(value)) {
        fillQuantities(v);
    }
    if (Array.isArray(value.Items)) {
        value.Quantity = value.Items.length;
        if (value.Items.length === 0) {
            delete value.Items;
        }
    }
}

/**
 * The CallerReference of a resource that declares none: `ackless-<hash>` of
 * its identity (`__identity`, from the public class), so every attempt to
 * create it sends the same one; UNKNOWN while the identity is unknown;
 * `ackless-<uuid>` when there is no identity (the provider used directly).
 */
export function derivedCallerReference(identity: unknown): string {
    if (identity === UNKNOWN) {
        return UNKNOWN;
    }
    if (typeof identity !== "string" || identity === "") {
        return `ackless-${randomUUID()}`;
    }
    return identityToken(["ackless:cloudfront:Distribution", identity])!;
}

/**
 * The configuration ackless sends: the user's, normalized, with
 * CallerReference (derived once, then kept), Comment "", Enabled true and
 * every Quantity filled.
 */
export function fillDefaults(config: Obj, previousCallerReference?: string, identity?: unknown): Obj {
    const out = normalizeConfig(config);
    out.CallerReference = out.CallerReference ?? previousCallerReference ?? derivedCallerReference(identity);
    out.Comment = out.Comment ?? "";
    out.Enabled = out.Enabled ?? true;
    fillQuantities(out);
    return out;
}

/**
 * The observed configuration limited to the shape of the desired one (the
 * fields the user set), so CloudFront's defaults for fields the user left out
 * are not drift while a change to a field the user set is. Extra list items
 * are kept whole.
 */
export function projectConfig(observed: any, shape: any): any {
    if (shape === undefined) {
        return observed;
    }
    if (Array.isArray(shape)) {
        return Array.isArray(observed) ? observed.map((o, i) => (i < shape.length ? projectConfig(o, shape[i]) : o)) : observed;
    }
    if (isObject(shape)) {
        if (!isObject(observed)) {
            return observed;
        }
        const out: Obj = {};
        for (const k of Object.keys(shape)) {
            if (observed[k] !== undefined) {
                out[k] = projectConfig(observed[k], shape[k]);
            }
        }
        return out;
    }
    return observed;
}

/** What read/create/update store as `distributionConfig`: the observed config projected on the desired one. */
export function observedConfig(observed: DistributionConfig | undefined, desired: Obj | undefined): Obj {
    return projectConfig(normalizeConfig(observed ?? {}), isObject(desired) ? normalizeConfig(desired) : undefined);
}

// ---------------------------------------------------------------- find

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
async function findTags(arn: string): Promise<Tags | undefined> {
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

const describeState = (d: FoundDistribution | undefined) =>
    d ? `${d.enabled ? "enabled" : "disabled"} and ${d.status}` : "gone";

// ---------------------------------------------------------------- wait

/** Polls until Deployed (or gone: undefined). Throws DeadlineExceeded naming `step`. */
export function waitDistributionDeployed(id: string, step: string, deadline: Deadline): Promise<FoundDistribution | undefined> {
    progress(`CloudFront distribution ${id}: ${step}`);
    return waitFor(
        step,
        () => findDistribution(id),
        (d) => d === undefined || d.status === "Deployed",
        describeState,
        deadline,
        { progress: (m) => progress(`CloudFront distribution ${id}: ${m}`) },
    );
}

// ---------------------------------------------------------------- update

/**
 * GetDistributionConfig for a fresh ETag, `change` the config, and
 * UpdateDistribution(IfMatch); 412 re-reads and retries. Returns false when
 * the distribution is gone, "unchanged" when `change` returned false.
 */
/**
 * The configuration to send with UpdateDistribution, built on the live one
 * (UpdateDistribution replaces the whole configuration):
 * - top-level fields the program declares replace the live ones;
 * - fields the program never declared keep their live values, so adopting or
 *   updating a distribution never drops aliases, certificates, logging or WAF
 *   settings someone else set;
 * - fields the program declared before (`previous`) and no longer does are
 *   left out, so CloudFront resets them to its defaults, as a user who deletes
 *   a field from the program expects;
 * - CallerReference is immutable and always the live one.
 */
export function mergeOntoLive(live: DistributionConfig, desired: Obj, previous?: Obj): DistributionConfig {
    const base: Obj = { ...live };
    for (const key of Object.keys(previous ?? {})) {
        if (!(key in desired)) {
            delete base[key];
        }
    }
    return { ...base, ...desired, CallerReference: live.CallerReference } as DistributionConfig;
}

async function updateConfig(
    id: string,
    what: string,
    change: (live: DistributionConfig) => DistributionConfig | false,
    deadline?: Deadline,
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
                await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: live.ETag, DistributionConfig: next }));
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

// ---------------------------------------------------------------- delete

/**
 * Disable, wait, delete, resumable from any state: gone is done; InProgress
 * waits for Deployed; Enabled flips Enabled on the raw GetDistributionConfig
 * result and waits; then DeleteDistribution with the ETag just read. 412
 * re-reads, 409 right after Deployed retries briefly, NoSuchDistribution at
 * any step means done. One deadline for the whole sequence.
 */
export async function deleteDistribution(
    id: string,
    timeoutMinutes: number = DEFAULT_DELETE_TIMEOUT_MINUTES,
    props?: Obj,
): Promise<void> {
    const deadline = new Deadline(timeoutMinutes * 60_000);
    let ownerChecked = !props?.incarnation;
    let step = "reading the distribution";
    let last: FoundDistribution | undefined;
    let preconditionRetries = 0;
    let notDisabledRetries = 0;
    const cf = cloudfront();
    try {
        for (;;) {
            step = "reading the distribution";
            last = await findDistribution(id);
            if (!last) {
                progress(`CloudFront distribution ${id} is gone`);
                return;
            }
            if (!ownerChecked) {
                // Lifecycle R2, durable half: never delete a newer incarnation's distribution.
                ownerChecked = true;
                if (ownedByNewerIncarnation("CloudFront distribution", id, props, await findTags(last.arn))) {
                    return;
                }
            }
            if (last.status !== "Deployed") {
                step = last.enabled
                    ? "waiting for a pending change to deploy before disabling"
                    : "waiting for the disabled distribution to finish deploying";
                last = await waitDistributionDeployed(id, step, deadline);
                if (!last) {
                    return;
                }
            }
            if (last.enabled) {
                step = "disabling (UpdateDistribution with Enabled=false)";
                progress(`CloudFront distribution ${id}: disabling`);
                const disabled = await updateConfig(id, "disabling", (live) => (live.Enabled ? { ...live, Enabled: false } : false), deadline);
                if (disabled === false) {
                    return;
                }
                step = "waiting for the disabled distribution to finish deploying";
                last = await waitDistributionDeployed(id, step, deadline);
                if (!last) {
                    return;
                }
                if (last.enabled) {
                    continue; // re-enabled behind our back: start over
                }
            }
            step = "deleting (DeleteDistribution)";
            try {
                await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: last.etag }));
                progress(`CloudFront distribution ${id} deleted`);
                return;
            } catch (err) {
                if (isAwsError(err, "NoSuchDistribution")) {
                    return;
                }
                if (isAwsError(err, "PreconditionFailed") && preconditionRetries < MAX_PRECONDITION_RETRIES) {
                    preconditionRetries++;
                    progress(`CloudFront distribution ${id}: the ETag changed (412), re-reading (retry ${preconditionRetries})`);
                    continue;
                }
                if (isAwsError(err, "DistributionNotDisabled") && notDisabledRetries < MAX_NOT_DISABLED_RETRIES && !deadline.expired()) {
                    notDisabledRetries++;
                    const delay = Math.min(4000, 500 * 2 ** (notDisabledRetries - 1));
                    progress(`CloudFront distribution ${id}: not yet deletable (409 DistributionNotDisabled), retrying in ${delay / 1000} s`);
                    await sleep(Math.min(delay, Math.max(50, deadline.remainingMs())));
                    continue;
                }
                throw err;
            }
        }
    } catch (err) {
        const where = `while ${step}; the distribution was last seen ${describeState(last)}`;
        const resume = "Run `pulumi destroy` again to resume from where it stopped.";
        if (err instanceof DeadlineExceeded) {
            throw new AcklessError(
                `deleting CloudFront distribution ${id}: the ${timeoutMinutes}-minute deadline (deleteTimeoutMinutes) passed ${where}. ${resume}`,
                "DeadlineExceeded",
                err,
            );
        }
        const inner = err instanceof AcklessError ? err : describeAwsError(`${step}`, err);
        throw new AcklessError(`deleting CloudFront distribution ${id} failed ${where}: ${inner.message}. ${resume}`, inner.awsCode, err);
    }
}

// ---------------------------------------------------------------- provider

function minutes(value: unknown, dflt: number): number {
    return typeof value === "number" && value > 0 ? value : dflt;
}

function outputsOf(inputs: Obj, d: FoundDistribution, observedTags: Tags): Obj {
    const { tags, systemTags } = splitTags(observedTags);
    const outs: Obj = {
        distributionConfig: observedConfig(d.config, inputs.distributionConfig),
        tags,
        systemTags,
        arn: d.arn,
        domainName: d.domainName,
        status: d.status,
        etag: d.etag,
        enabled: d.enabled,
        lastModifiedTime: d.lastModifiedTime ?? "",
        hostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID,
        callerReference: d.config.CallerReference ?? "",
    };
    for (const k of ["waitForDeployment", "deployTimeoutMinutes", "deleteTimeoutMinutes", "incarnation"]) {
        if (inputs[k] !== undefined && inputs[k] !== null) {
            outs[k] = inputs[k];
        }
    }
    if (inputs.adopted === true) {
        outs.adopted = true;
    }
    return outs;
}

/** Waits for Deployed after create/update when asked; a timeout warns (the distribution exists) instead of failing. */
async function settle(id: string, inputs: Obj, fallback: FoundDistribution, step: string): Promise<FoundDistribution> {
    if (inputs.waitForDeployment === false) {
        return fallback;
    }
    const deadline = new Deadline(minutes(inputs.deployTimeoutMinutes, DEFAULT_DEPLOY_TIMEOUT_MINUTES) * 60_000);
    try {
        const d = await waitDistributionDeployed(id, step, deadline);
        if (!d) {
            throw new AcklessError(`CloudFront distribution ${id} disappeared while ${step}`);
        }
        return d;
    } catch (err) {
        if (err instanceof DeadlineExceeded) {
            warn(`CloudFront distribution ${id}: ${err.message}; it keeps deploying on AWS (status InProgress)`);
            return (await findDistribution(id)) ?? fallback;
        }
        throw err;
    }
}

function checkConfig(cfg: Obj, failures: pulumi.dynamic.CheckFailure[]): void {
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const origins = cfg.Origins?.Items;
    const ids = new Set<string>();
    let idsKnown = true;
    if (origins === UNKNOWN || cfg.Origins === UNKNOWN) {
        idsKnown = false;
    } else if (!Array.isArray(origins) || origins.length === 0) {
        idsKnown = false; // one message is enough
        fail(
            "distributionConfig",
            "distributionConfig.Origins.Items: a distribution needs at least one origin ({Id, DomainName, ...}); none was given",
        );
    } else {
        origins.forEach((o: any, i: number) => {
            const at = `distributionConfig.Origins.Items[${i}]`;
            if (o === UNKNOWN || o?.Id === UNKNOWN) {
                idsKnown = false;
                return;
            }
            if (typeof o?.Id !== "string" || o.Id === "") {
                fail("distributionConfig", `${at}.Id: every origin needs an Id (the name cache behaviors use as TargetOriginId)`);
            } else if (ids.has(o.Id)) {
                fail("distributionConfig", `${at}.Id: the origin Id "${o.Id}" is used twice; origin Ids must be unique`);
            } else {
                ids.add(o.Id);
            }
            if (o?.DomainName === undefined || o.DomainName === "") {
                fail("distributionConfig", `${at}.DomainName: every origin needs a DomainName`);
            }
        });
    }
    const groups = cfg.OriginGroups?.Items;
    if (Array.isArray(groups)) {
        for (const g of groups) {
            if (g?.Id === UNKNOWN) {
                idsKnown = false;
            } else if (typeof g?.Id === "string") {
                ids.add(g.Id);
            }
        }
    } else if (groups === UNKNOWN) {
        idsKnown = false;
    }
    const known = [...ids].map((x) => `"${x}"`).join(", ") || "none";
    const checkTarget = (at: string, target: unknown) => {
        if (target === UNKNOWN || !idsKnown) {
            return;
        }
        if (typeof target !== "string" || target === "") {
            fail("distributionConfig", `${at}: required; set it to the Id of one of the origins (${known})`);
        } else if (!ids.has(target)) {
            fail("distributionConfig", `${at}: "${target}" is not the Id of any origin or origin group (known: ${known})`);
        }
    };
    if (cfg.DefaultCacheBehavior === UNKNOWN) {
        // decided at deployment
    } else if (!isObject(cfg.DefaultCacheBehavior)) {
        fail("distributionConfig", "distributionConfig.DefaultCacheBehavior: required (TargetOriginId, ViewerProtocolPolicy, and a cache policy)");
    } else {
        checkTarget("distributionConfig.DefaultCacheBehavior.TargetOriginId", cfg.DefaultCacheBehavior.TargetOriginId);
    }
    const behaviors = cfg.CacheBehaviors?.Items;
    if (Array.isArray(behaviors)) {
        behaviors.forEach((b: any, i: number) => {
            if (b !== UNKNOWN) {
                checkTarget(`distributionConfig.CacheBehaviors.Items[${i}].TargetOriginId`, b?.TargetOriginId);
            }
        });
    }
}

// ---------------------------------------------------------------- tags

/** TagResource / UntagResource for the user's tags only; `aws:` keys are never sent. */
async function applyTags(id: string, arn: string, observed: Tags, desired: Tags | undefined): Promise<void> {
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

// ---------------------------------------------------------------- adopt

/**
 * The top-level configuration fields of a live distribution that differ from
 * the declared ones (compared as update does: the live configuration
 * projected on the declared fields). CallerReference is not compared: it
 * cannot change, adoption keeps the live one.
 */
export function configChanges(live: DistributionConfig, desired: Obj): string[] {
    const want = normalizeConfig(desired);
    delete want.CallerReference;
    const have = observedConfig(live, want);
    return Object.keys(want)
        .sort()
        .filter((k) => want[k] !== UNKNOWN && !deepEqual(have[k], want[k]))
        .map((k) => `distributionConfig.${k}`);
}

/** A declared CallerReference must be the adopted distribution's (it cannot change). */
function callerReferenceMismatch(live: DistributionConfig, desired: Obj): string | undefined {
    const declared = desired?.CallerReference;
    if (typeof declared === "string" && declared !== live.CallerReference) {
        return (
            `adopt: distributionConfig.CallerReference ${JSON.stringify(declared)} differs from the adopted distribution's ` +
            `${JSON.stringify(live.CallerReference)}; it cannot change: omit CallerReference (the live one is kept) or declare the live one`
        );
    }
    return undefined;
}

/** Preview of an adoption: a read-only look at the distribution, logged as "will adopt <id>: changes: ...". */
async function previewAdoption(inputs: Obj, id: string, mode: AdoptMode, failures: pulumi.dynamic.CheckFailure[]): Promise<void> {
    const seen = await findForAdoption("CloudFront distribution", id, mode, failures, async () => {
        const d = await findDistribution(id);
        return d ? { found: d, tags: await findTags(d.arn) } : undefined;
    });
    if (!seen) {
        return;
    }
    const { found, tags } = seen;
    const cfg = isObject(inputs.distributionConfig) ? inputs.distributionConfig : {};
    const mismatch = callerReferenceMismatch(found.config, cfg);
    if (mismatch) {
        failures.push({ property: "distributionConfig", reason: mismatch });
        return;
    }
    const changes = configChanges(found.config, cfg);
    const described = changes.length > 0 ? [`UpdateDistribution of ${changes.join(", ")}`] : [];
    const tagText = inputs.tags === UNKNOWN ? "tags: (known at deployment)" : describeTagChanges(tags, inputs.tags);
    logAdoptionPlan("CloudFront distribution", id, tagText ? [...described, tagText] : described);
}

/**
 * Adoption in create: UpdateDistribution with the declared configuration over
 * the live ETag when they differ (keeping the live CallerReference), user tags
 * reconciled (system tags untouched), then the distribution as observed.
 * Also how create takes over its own orphan (`takeover`: the distribution an
 * interrupted earlier create made with this resource's CallerReference).
 */
async function adoptDistribution(inputs: Obj, found: FoundDistribution, takeover = false): Promise<pulumi.dynamic.CreateResult> {
    const id = found.id;
    const [adopting, adopted] = takeover ? ["taking over", "taken over"] : ["adopting", "adopted"];
    const desired = takeover
        ? { ...(inputs.distributionConfig as Obj), CallerReference: found.config.CallerReference }
        : (inputs.distributionConfig as Obj);
    const mismatch = callerReferenceMismatch(found.config, desired);
    if (mismatch) {
        throw new AcklessError(mismatch, "AdoptMismatch");
    }
    const observedTags = (await findTags(found.arn)) ?? {};
    const changes = configChanges(found.config, desired);
    const tagText = describeTagChanges(observedTags, inputs.tags);
    progress(`${adopting} CloudFront distribution ${id}${changes.length > 0 || tagText ? ` (${[...changes, ...(tagText ? [tagText] : [])].join("; ")})` : ""}`);
    let updated = false;
    if (changes.length > 0) {
        const result = await updateConfig(id, adopting, (live) =>
            configChanges(live, desired).length === 0 ? false : mergeOntoLive(live, desired),
        ).catch((err) => {
            throw err instanceof AcklessError ? err : describeAwsError(`${adopting} CloudFront distribution ${id} (UpdateDistribution)`, err);
        });
        if (result === false) {
            throw new AcklessError(`${adopting} CloudFront distribution ${id}: it disappeared while being ${adopted}`, "NoSuchDistribution");
        }
        updated = result === true;
    }
    // A takeover keeps the incarnation its first attempt tagged; an adoption starts one.
    const incarnation = (takeover && observedTags[INCARNATION_TAG]) || newIncarnation();
    await applyTags(id, found.arn, observedTags, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation });
    if (takeover) {
        await clearPendingCreate(id, found.arn);
    }
    let current = (await findDistribution(id)) ?? found;
    if (updated || current.status !== "Deployed") {
        try {
            current = await settle(id, inputs, current, `waiting for the ${adopted} distribution to deploy`);
        } catch (err) {
            warn(`CloudFront distribution ${id} was ${adopted}, but waiting for it failed: ${(err as Error).message}`);
        }
    }
    progress(`CloudFront distribution ${id} ${adopted}`);
    claim(KIND, id, takeover ? "took over" : "adopted", incarnation);
    const outs = outputsOf({ ...inputs, incarnation }, current, reconciledTags(observedTags, inputs.tags));
    return { id, outs: takeover ? outs : adoptedOutputs(outs) };
}

// ---------------------------------------------------------------- create

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
class CallerReferenceScan {
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
/**
 * The tag create puts on a distribution it makes with a derived
 * CallerReference, and removes once the create is done: only the orphan of an
 * interrupted create still has it, which is how a retried create knows the
 * distribution holding its reference is its own.
 */
export { PENDING_CREATE_TAG };
const KIND = "cloudfront:Distribution";

async function clearPendingCreate(id: string, arn: string): Promise<void> {
    try {
        await cloudfront().send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: [PENDING_CREATE_TAG] } }));
    } catch (err) {
        // Not fatal: the next update reconciles tags to the program's and drops it.
        warn(`CloudFront distribution ${id}: could not remove the ${PENDING_CREATE_TAG} tag (${describeAwsError("UntagResource", err).message})`);
    }
}

async function findReferenceHolder(reference: string, err: unknown, scan: CallerReferenceScan): Promise<FoundDistribution | undefined> {
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

/**
 * A distribution on its way out: disabled while the program wants it enabled
 * (ackless never creates it so; the delete sequence disables first).
 */
function isBeingDeleted(d: FoundDistribution, desired: Obj): boolean {
    return !d.enabled && desired?.Enabled !== false;
}

/**
 * CreateDistributionWithTags, idempotent across attempts (see the header):
 * the checked inputs' CallerReference (or, for adopt-or-create, the derived
 * one) and on DistributionAlreadyExists take over our own orphan, or walk to
 * the next reference (derived references only).
 */
async function createDistribution(inputs: Obj): Promise<pulumi.dynamic.CreateResult> {
    const desired = inputs.distributionConfig as Obj;
    const declared = desired?.CallerReference !== undefined && inputs.__callerReferenceGenerated !== true;
    const base: string = desired?.CallerReference ?? derivedCallerReference(inputs.__identity);
    const tags = userTags(inputs.tags);
    const scan = new CallerReferenceScan();
    const incarnation = newIncarnation();
    const steps = declared ? 1 : MAX_CALLER_REFERENCES;
    for (let n = 0; n < steps; n++) {
        const reference = nthToken(base, n);
        const config = { ...(desired as DistributionConfig), CallerReference: reference } as DistributionConfig;
        const sentTags = { ...tags, [INCARNATION_TAG]: incarnation, ...(declared ? {} : { [PENDING_CREATE_TAG]: reference }) };
        let created;
        try {
            created = await cloudfront().send(
                new CreateDistributionWithTagsCommand({
                    DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: toKeyValueList(sentTags) } },
                }),
            );
        } catch (err) {
            if (!isAwsError(err, "DistributionAlreadyExists")) {
                throw describeAwsError("creating CloudFront distribution", err);
            }
            const holder = await findReferenceHolder(reference, err, scan);
            if (declared) {
                throw new AcklessError(
                    holder
                        ? `creating CloudFront distribution: distributionConfig.CallerReference ${JSON.stringify(reference)} is already used by ` +
                              `distribution ${holder.id} (${describeState(holder)}), and CloudFront accepts a CallerReference only once. ` +
                              `If ${holder.id} is this resource's distribution (made by an interrupted earlier \`pulumi up\`), take it over with ` +
                              `\`adopt: { id: "${holder.id}" }\`; to create another distribution, declare a new CallerReference or omit it (ackless then derives one)`
                        : `creating CloudFront distribution: distributionConfig.CallerReference ${JSON.stringify(reference)} was already used by a ` +
                              `distribution that has since been deleted${idInAlreadyExists(err) ? ` (${idInAlreadyExists(err)})` : ""}, and CloudFront ` +
                              `accepts a CallerReference only once: declare a new CallerReference or omit it (ackless then derives one)`,
                    "DistributionAlreadyExists",
                    err,
                );
            }
            if (holder && !isBeingDeleted(holder, desired)) {
                const holderTags = (await findTags(holder.arn)) ?? {};
                if (holderTags[PENDING_CREATE_TAG] !== reference) {
                    // R1: a completed distribution (the original of a replacement,
                    // or another stack's with the same names) is never taken over.
                    progress(
                        `CloudFront: CallerReference ${reference} belongs to distribution ${holder.id}, a completed distribution ` +
                            `(the one this resource replaces, or another stack's with the same names), which is never taken over; ` +
                            `trying ${nthToken(base, n + 1)}`,
                    );
                    continue;
                }
                progress(
                    `CloudFront distribution ${holder.id} already holds CallerReference ${reference} and is marked as an unfinished create ` +
                        `of this resource (an interrupted earlier \`pulumi up\`): taking it over instead of creating a second one`,
                );
                return adoptDistribution(inputs, holder, true);
            }
            progress(
                `CloudFront: CallerReference ${reference} belongs to ${holder ? `distribution ${holder.id}, which is being deleted` : "a distribution already deleted"}; ` +
                    `trying ${nthToken(base, n + 1)}`,
            );
            continue;
        }
        const dist = created.Distribution!;
        const id = dist.Id!;
        progress(`CloudFront distribution ${id} created (${dist.DomainName})`);
        const initial: FoundDistribution = {
            id,
            arn: dist.ARN ?? "",
            domainName: dist.DomainName ?? "",
            status: dist.Status ?? "InProgress",
            enabled: dist.DistributionConfig?.Enabled ?? config.Enabled ?? true,
            etag: created.ETag ?? "",
            lastModifiedTime: dist.LastModifiedTime ? new Date(dist.LastModifiedTime).toISOString() : undefined,
            config: dist.DistributionConfig ?? config,
        };
        // Nothing after CreateDistribution may fail the create (the distribution would be orphaned).
        let final = initial;
        claim(KIND, id, "created", incarnation);
        try {
            // R5: GetDistribution may not know a new distribution yet.
            await waitVisible(`CloudFront distribution ${id}`, () => findDistribution(id));
            final = await settle(id, inputs, initial, "waiting for the new distribution to deploy");
        } catch (err) {
            warn(`CloudFront distribution ${id} was created, but waiting for it failed: ${(err as Error).message}`);
        }
        if (!declared) {
            await clearPendingCreate(id, initial.arn);
        }
        return { id, outs: outputsOf({ ...inputs, incarnation }, final, tags) };
    }
    throw new AcklessError(
        `creating CloudFront distribution: the ${MAX_CALLER_REFERENCES} CallerReferences of this resource (${base}, ${nthToken(base, 1)}, ...) ` +
            `all belong to other distributions (deleted, or completed ones that are never taken over); declare a new distributionConfig.CallerReference`,
        "DistributionAlreadyExists",
    );
}

/**
 * Whether an old CallerReference (the one the distribution was made with) is
 * the new one: equal, or, for a derived reference, a step of its walk.
 */
function sameCallerReference(old: unknown, next: unknown, derived: boolean): boolean {
    if (old === next) {
        return true;
    }
    return derived && typeof old === "string" && typeof next === "string" && tokenStep(next, old) !== undefined;
}

export const provider = {
    async check(olds: Obj, news: Obj): Promise<pulumi.dynamic.CheckResult> {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const inputs: Obj = { ...news };
        // adopt: only a create adopts; on an existing resource it is ignored
        // (and dropped from the inputs, so a replacement never adopts).
        const creating = isNew(olds);
        // R3 (common/lifecycle): only a first create adopts; a replacement never does.
        const adoptOk = adoptionAllowed(olds, news.__identity);
        const adopt = checkAdopt(news.adopt, "a CloudFront distribution id (E...)", /^[A-Za-z0-9]{1,64}$/);
        if (!adoptOk) {
            delete inputs.adopt;
        }
        const cfg = news.distributionConfig;
        if (!isObject(cfg)) {
            if (cfg !== UNKNOWN) {
                failures.push({ property: "distributionConfig", reason: "distributionConfig: required (Origins, DefaultCacheBehavior, ...)" });
            }
        } else {
            const declared = normalizeConfig(cfg).CallerReference;
            const previous = olds?.distributionConfig?.CallerReference;
            inputs.distributionConfig = fillDefaults(cfg, previous, news.__identity);
            // A reference the program does not declare is ackless's: create
            // may walk it (<ref>.1, ...) past deleted distributions.
            if (declared === undefined) {
                inputs.__callerReferenceGenerated = true;
            } else {
                delete inputs.__callerReferenceGenerated;
            }
            // An adopted distribution keeps its own CallerReference: none is
            // generated for an adoption, nor later for a resource that was
            // adopted (its inputs never held one).
            if (declared === undefined && previous === undefined && (creating ? hasAdopt(news.adopt) : true)) {
                delete inputs.distributionConfig.CallerReference;
            }
            checkConfig(inputs.distributionConfig, failures);
        }
        for (const reason of validateTags("tags", news.tags === UNKNOWN ? undefined : news.tags)) {
            failures.push({ property: "tags", reason });
        }
        for (const k of ["deleteTimeoutMinutes", "deployTimeoutMinutes"]) {
            const v = news[k];
            if (v !== undefined && v !== null && v !== UNKNOWN && !(typeof v === "number" && Number.isFinite(v) && v > 0)) {
                failures.push({ property: k, reason: `${k}: must be a positive number of minutes (got ${JSON.stringify(v)})` });
            }
        }
        const w = news.waitForDeployment;
        if (w !== undefined && w !== null && w !== UNKNOWN && typeof w !== "boolean") {
            failures.push({ property: "waitForDeployment", reason: "waitForDeployment: must be true or false" });
        }
        failures.push(...adopt.failures);
        if (failures.length === 0 && adoptOk && adopt.adoption) {
            await previewAdoption(inputs, adopt.adoption.id, adopt.adoption.mode, failures);
        }
        return { inputs, failures };
    },

    async diff(_id: string, olds: Obj, news: Obj): Promise<pulumi.dynamic.DiffResult> {
        const oc: Obj = isObject(olds.distributionConfig) ? olds.distributionConfig : {};
        const nc: Obj = isObject(news.distributionConfig) ? normalizeConfig(news.distributionConfig) : {};
        const flat = (src: Obj, cfg: Obj) => {
            const out: Obj = { tags: src.tags, "distributionConfig.CallerReference": cfg.CallerReference };
            for (const [k, v] of Object.entries(cfg)) {
                out[`distributionConfig.${k}`] = v;
            }
            for (const k of ["waitForDeployment", "deployTimeoutMinutes", "deleteTimeoutMinutes"]) {
                out[k] = src[k];
            }
            return out;
        };
        const keys = new Set([...Object.keys(oc), ...Object.keys(nc)]);
        keys.delete("CallerReference");
        const derived = news.__callerReferenceGenerated === true;
        const sameReference = (a: unknown, b: unknown) => sameCallerReference(a, b, derived);
        const rules: FieldRule[] = [
            { name: "distributionConfig.CallerReference", replaces: true, equal: sameReference },
            ...[...keys].sort().map((k) => ({ name: `distributionConfig.${k}` })),
            { name: "tags", equal: (a, b) => sameTags(a as Tags, b as Tags) },
            { name: "waitForDeployment", equal: (a, b) => (a ?? true) === (b ?? true) },
            { name: "deployTimeoutMinutes", equal: (a, b) => minutes(a, DEFAULT_DEPLOY_TIMEOUT_MINUTES) === minutes(b, DEFAULT_DEPLOY_TIMEOUT_MINUTES) },
            { name: "deleteTimeoutMinutes", equal: (a, b) => minutes(a, DEFAULT_DELETE_TIMEOUT_MINUTES) === minutes(b, DEFAULT_DELETE_TIMEOUT_MINUTES) },
        ];
        const d = diffFields(flat(olds, oc), flat(news, nc), rules);
        // A replacement that keeps a derived CallerReference (forced: `--replace`,
        // replaceOnChanges) deletes first: created first, the new distribution
        // would find the old one holding the reference and take it over.
        const deleteBeforeReplace = derived && nc.CallerReference !== undefined && sameReference(oc.CallerReference, nc.CallerReference);
        // The engine takes top-level input names.
        return withVanished(olds, { ...d, replaces: d.replaces!.length > 0 ? ["distributionConfig"] : [], deleteBeforeReplace }, "distributionConfig");
    },

    async create(inputs: Obj): Promise<pulumi.dynamic.CreateResult> {
        const adoption = adoptionOf(inputs);
        if (adoption) {
            const found = await findDistribution(adoption.id);
            if (found) {
                return adoptDistribution(inputs, found);
            }
            if (adoption.mode === "adopt") {
                throw adoptMissing("CloudFront distribution", adoption.id);
            }
            logWillCreate("CloudFront distribution", adoption.id);
        }
        return createDistribution(inputs);
    },

    async read(id: string, props: Obj): Promise<pulumi.dynamic.ReadResult> {
        const d = await findDistribution(id);
        const tags = d ? await findTags(d.arn) : undefined;
        if (!d || tags === undefined) {
            return goneRead("CloudFront distribution", id, props);
        }
        return { id, props: outputsOf(props ?? {}, d, tags) };
    },

    async update(id: string, olds: Obj, news: Obj): Promise<pulumi.dynamic.UpdateResult> {
        const desired = news.distributionConfig as Obj;
        let current: FoundDistribution | undefined;
        // CallerReference cannot change in place (a change replaces); the
        // stored one may be a step of the walk (<ref>.1) while the inputs keep <ref>.
        const { CallerReference: _oldRef, ...oldConfig } = (olds.distributionConfig ?? {}) as Obj;
        const { CallerReference: _newRef, ...newConfig } = normalizeConfig(desired) as Obj;
        if (!deepEqual(oldConfig, newConfig)) {
            progress(`CloudFront distribution ${id}: updating its configuration`);
            const updated = await updateConfig(id, "updating", (live) =>
                mergeOntoLive(live, desired, olds.distributionConfig as Obj | undefined),
            );
            if (updated === false) {
                throw new AcklessError(`updating CloudFront distribution ${id}: it no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) to recreate it`, "NoSuchDistribution");
            }
        }
        current = await findDistribution(id);
        if (!current) {
            throw new AcklessError(`updating CloudFront distribution ${id}: it no longer exists; run \`pulumi up --refresh\` to recreate it`, "NoSuchDistribution");
        }
        const observed = (await findTags(current.arn)) ?? {};
        await applyTags(id, current.arn, observed, news.tags);
        const tags = reconciledTags(observed, news.tags);
        if (current.status !== "Deployed") {
            current = await settle(id, news, current, "waiting for the update to deploy");
        }
        return { outs: outputsOf({ ...news, adopted: olds.adopted, incarnation: olds.incarnation }, current, tags) };
    },

    async delete(id: string, props: Obj): Promise<void> {
        await guardedDelete(KIND, "CloudFront distribution", id, props, () =>
            deleteDistribution(id, minutes(props?.deleteTimeoutMinutes, DEFAULT_DELETE_TIMEOUT_MINUTES), props),
        );
    },
};
