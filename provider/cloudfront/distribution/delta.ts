/**
 * cloudfront.Distribution, the configuration as ackless sends, compares and
 * stores it: defaults, normalization, projection on the declared fields,
 * the merge onto the live configuration, and the outputs.
 */
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { deepEqual, UNKNOWN } from "../../common/diff";
import { splitTags, Tags } from "../../common/tags";
import { CLOUDFRONT_HOSTED_ZONE_ID, derivedCallerReference } from "./hooks";
import type { FoundDistribution } from "./sdk";

export type Obj = Record<string, any>;
export const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

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

export function outputsOf(inputs: Obj, d: FoundDistribution, observedTags: Tags): Obj {
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

