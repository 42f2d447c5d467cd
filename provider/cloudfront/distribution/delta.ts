/**
 * cloudfront.Distribution, pure: the configuration as ackless sends, compares
 * and stores it (defaults, normalization, projection on the declared fields,
 * the merge onto the live configuration), the outputs, and diff.
 */
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { diffFields, FieldRule, isObject, Obj } from "../../common/diff";
import { progress } from "../../common/log";
import { sameTags, splitTags, Tags } from "../../common/tags";
import { Change, changes, describeChanges, mergeOwned, ownedPaths, project, toCanonical, toWire } from "../ownership";
import { derivedCallerReference, sameCallerReference } from "./keys";
import {
    CLOUDFRONT_HOSTED_ZONE_ID,
    DEFAULT_DELETE_TIMEOUT_MINUTES,
    DEFAULT_DEPLOY_TIMEOUT_MINUTES,
    DistributionStatus,
    FoundDistribution,
} from "./types";

/** A positive number of minutes, else the default. */
export function minutes(value: unknown, dflt: number): number {
    return typeof value === "number" && value > 0 ? value : dflt;
}

/**
 * The comparable form of a configuration: no null/undefined values, Dates as
 * ISO strings, every list wrapper's `Quantity` from its `Items` and an empty
 * `Items` left out (AWS omits empty lists on read).
 */
export function normalizeConfig(value: any): any {
    return toWire(toCanonical(value));
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
    return out;
}

/** The leaf paths a configuration (as check() fills it) declares: what the program owns (../ownership.ts). */
export function declaredPaths(desired: Obj | undefined): string[] {
    return isObject(desired) ? ownedPaths(toCanonical(desired)) : [];
}

/**
 * What the state holds as owned: `__owned` (written since ownership is kept),
 * else the paths of the stored `distributionConfig` (older state stored the
 * observed configuration projected on what the program declared).
 */
export function previouslyOwned(olds: Obj | undefined): string[] {
    return Array.isArray(olds?.__owned) ? olds!.__owned : declaredPaths(olds?.distributionConfig);
}

/**
 * What read/create/update store as `distributionConfig`: the observed
 * configuration limited to the owned fields (sets and keyed lists in a
 * canonical order), plus the CallerReference when the program's inputs hold
 * one. A never-declared field changing on AWS is then no drift; an owned one
 * at any depth is.
 */
export function observedConfig(observed: DistributionConfig | undefined, owned: string[], withCallerReference: boolean): Obj {
    const canonical = toCanonical(normalizeConfig(observed ?? {}));
    const view = toWire(project(canonical, owned));
    if (withCallerReference && canonical.CallerReference !== undefined) {
        view.CallerReference = canonical.CallerReference;
    }
    return view;
}

/**
 * The configuration to send with UpdateDistribution (it replaces the whole
 * configuration), built on the live one, at every depth (../ownership.ts):
 * declared fields applied, keyed lists merged by key, fields owned before
 * (`previous`) and no longer declared left out (CloudFront resets them to its
 * defaults), every field never declared kept, so an update never drops an
 * association, key group, policy or origin access control it did not
 * declare. CallerReference is immutable and always the live one.
 */
export function mergeOntoLive(live: DistributionConfig, desired: Obj, previous: string[]): DistributionConfig {
    const { CallerReference: _ref, ...want } = toCanonical(normalizeConfig(desired));
    const merged = toWire(mergeOwned(toCanonical(normalizeConfig(live)), want, previous));
    return { ...merged, CallerReference: live.CallerReference } as DistributionConfig;
}

/**
 * What applying `desired` changes, every path at any depth, on a
 * configuration whose owned part is `observed` (the stored view, or the live
 * configuration for an adoption), given the previously owned paths (none:
 * those `observed` holds). CallerReference is not compared.
 */
export function configDelta(observed: Obj | undefined, desired: Obj | undefined, previous: string[]): Change[] {
    const { CallerReference: _ref, ...want } = isObject(desired) ? toCanonical(normalizeConfig(desired)) : ({} as Obj);
    const have = toCanonical(normalizeConfig(observed ?? {}));
    return changes(have, want, previous);
}

/** The changes adopting a live distribution makes: its configuration limited to the declared fields, compared. */
export function configChanges(live: DistributionConfig, desired: Obj): string[] {
    const owned = declaredPaths(desired);
    return configDelta(observedConfig(live, owned, false), desired, owned).map((c) => describeChanges([c]));
}

/**
 * The outputs: the distribution as observed, its configuration limited to the
 * fields `owned` (declared by the program), and `__owned`, the owned paths.
 */
export function outputsOf(inputs: Obj, d: FoundDistribution, observedTags: Tags, owned: string[]): Obj {
    const { tags, systemTags } = splitTags(observedTags);
    const withRef = isObject(inputs.distributionConfig) && inputs.distributionConfig.CallerReference !== undefined;
    const outs: Obj = {
        distributionConfig: observedConfig(d.config, owned, withRef),
        __owned: owned,
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
    for (const k of ["waitForDeployment", "deployTimeoutMinutes", "deleteTimeoutMinutes"]) {
        if (inputs[k] !== undefined && inputs[k] !== null) {
            outs[k] = inputs[k];
        }
    }
    return outs;
}

// ------------------------------------------------------------------- diff

/** What differs: a CallerReference change replaces; every other field, at any depth, updates in place. */
export function distributionDiff(id: string, olds: Obj, news: Obj) {
    const oc: Obj = isObject(olds.distributionConfig) ? olds.distributionConfig : {};
    const nc: Obj = isObject(news.distributionConfig) ? normalizeConfig(news.distributionConfig) : {};
    const derived = news.__callerReferenceGenerated === true;
    const sameReference = (a: unknown, b: unknown) => sameCallerReference(a, b, derived);
    const rules: FieldRule[] = [
        { name: "distributionConfig.CallerReference", replaces: true, equal: sameReference },
        { name: "tags", equal: (a, b) => sameTags(a as Tags, b as Tags) },
        { name: "waitForDeployment", equal: (a, b) => (a ?? true) === (b ?? true) },
        { name: "deployTimeoutMinutes", equal: (a, b) => minutes(a, DEFAULT_DEPLOY_TIMEOUT_MINUTES) === minutes(b, DEFAULT_DEPLOY_TIMEOUT_MINUTES) },
        { name: "deleteTimeoutMinutes", equal: (a, b) => minutes(a, DEFAULT_DELETE_TIMEOUT_MINUTES) === minutes(b, DEFAULT_DELETE_TIMEOUT_MINUTES) },
    ];
    const flat = (src: Obj, cfg: Obj) => ({ ...src, "distributionConfig.CallerReference": cfg.CallerReference });
    const d = diffFields(flat(olds, oc), flat(news, nc), rules);
    // Every path the update changes, at any depth, resets included (field ownership: ../ownership.ts).
    const delta = isObject(news.distributionConfig) ? configDelta(oc, news.distributionConfig, previouslyOwned(olds)) : [];
    if (delta.length > 0) {
        progress(`CloudFront distribution ${id}: UpdateDistribution of ${describeChanges(delta)}`);
    }
    const changed = [...delta.map((c) => `distributionConfig.${c.path}`), ...d.changed];
    // A replacement that keeps a derived CallerReference (forced: `--replace`,
    // replaceOnChanges) deletes first: created first, the new distribution
    // would find the old one holding the reference.
    const deleteBeforeReplace = derived && nc.CallerReference !== undefined && sameReference(oc.CallerReference, nc.CallerReference);
    // The engine takes top-level input names.
    return { ...d, changes: changed.length > 0, changed, delta, replaces: d.replaces!.length > 0 ? ["distributionConfig"] : [], deleteBeforeReplace };
}

// --------------------------------------------------------- adopt, liveness

/** A declared CallerReference must be the adopted distribution's (it cannot change). */
export function callerReferenceMismatch(live: DistributionConfig, desired: Obj | undefined): string | undefined {
    const declared = desired?.CallerReference;
    if (typeof declared === "string" && declared !== live.CallerReference) {
        return (
            `adopt: distributionConfig.CallerReference ${JSON.stringify(declared)} differs from the adopted distribution's ` +
            `${JSON.stringify(live.CallerReference)}; it cannot change: omit CallerReference (the live one is kept) or declare the live one`
        );
    }
    return undefined;
}

/**
 * A distribution on its way out: disabled while the program wants it enabled
 * (ackless never creates it so; the delete sequence disables first).
 */
export function isBeingDeleted(d: { enabled: boolean }, desired: Obj | undefined): boolean {
    return !d.enabled && desired?.Enabled !== false;
}

export const describeState = (d: DistributionStatus | undefined) => (d ? `${d.enabled ? "enabled" : "disabled"} and ${d.status}` : "gone");

export const statusOf = (d: FoundDistribution): DistributionStatus => ({
    id: d.id,
    arn: d.arn,
    domainName: d.domainName,
    status: d.status,
    enabled: d.enabled,
    lastModifiedTime: d.lastModifiedTime,
});
