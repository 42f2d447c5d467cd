/**
 * cloudfront.Distribution, the configuration as ackless sends, compares and
 * stores it: defaults, normalization, projection on the declared fields,
 * the merge onto the live configuration, and the outputs.
 */
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { Change, changes, describeChanges, mergeOwned, ownedPaths, project, toCanonical, toWire } from "../ownership";
import { splitTags, Tags } from "../../common/tags";
import { CLOUDFRONT_HOSTED_ZONE_ID, derivedCallerReference } from "./hooks";
import type { FoundDistribution } from "./sdk";

export type Obj = Record<string, any>;
export const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

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

