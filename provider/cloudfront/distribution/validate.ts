/**
 * cloudfront.Distribution, check(): what the configuration must satisfy
 * before anything is sent to AWS, each failure naming the field's path:
 * - the CloudFront API model (../validate-model.ts, rules generated from the
 *   AWS SDK's model: field names, types, required fields, enums, ranges,
 *   lengths, patterns);
 * - what the model cannot say: unique keys in keyed lists (origin and origin
 *   group Ids, PathPatterns, error codes, event types, header names), cache
 *   behaviors targeting a known origin, ARN shapes (ARN_SHAPES);
 * - tags (count, key and value length and characters, from the model);
 * - the deadlines and waitForDeployment.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isObject, known, Obj, UNKNOWN } from "../../common/diff";
import { validateTags } from "../../common/tags";
import type { CheckContext } from "../../lifecycle/adapter";
import { KEYS } from "../ownership";
import { ModelFailure, validateShape, validateTagMap } from "../validate-model";
import { fillDefaults, normalizeConfig } from "./delta";
import type { DistributionInputs } from "./types";

/**
 * All of check(): the configuration with its defaults (the CallerReference
 * derived once, then kept from the old inputs), and a failure per problem,
 * naming the field's path and the fix. `adopt` is the driver's.
 */
export async function validate(
    news: Obj,
    olds: Obj | undefined,
    ctx: CheckContext,
): Promise<{ inputs: DistributionInputs; failures: pulumi.dynamic.CheckFailure[] }> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const inputs = { ...news } as DistributionInputs;
    const cfg = news.distributionConfig;
    if (!isObject(cfg)) {
        if (known(cfg)) {
            failures.push({ property: "distributionConfig", reason: "distributionConfig: required (Origins, DefaultCacheBehavior, ...)" });
        }
    } else {
        const declared = normalizeConfig(cfg).CallerReference;
        const previous = olds?.distributionConfig?.CallerReference;
        inputs.distributionConfig = fillDefaults(cfg, previous, news.__identity);
        // A reference the program does not declare is ackless's: create
        // may walk it (<ref>.1, ...) past used ones.
        if (declared === undefined) {
            inputs.__callerReferenceGenerated = true;
        } else {
            delete inputs.__callerReferenceGenerated;
        }
        // An adopted distribution keeps its own CallerReference: none is
        // generated for an adoption, nor later for a resource that was
        // adopted (its inputs never held one).
        const adopting = ctx.adoption !== undefined || ctx.adoptionUnknown;
        if (declared === undefined && previous === undefined && (ctx.creating ? adopting : true)) {
            delete inputs.distributionConfig.CallerReference;
        }
        validateDistributionConfig(inputs.distributionConfig, failures);
    }
    const tagReasons = validateTags("tags", known(news.tags) ? news.tags : undefined);
    for (const reason of tagReasons) {
        failures.push({ property: "tags", reason });
    }
    if (tagReasons.length === 0 && known(news.tags)) {
        validateDistributionTags(news.tags, failures);
    }
    for (const k of ["deleteTimeoutMinutes", "deployTimeoutMinutes"]) {
        const v = news[k];
        if (v !== undefined && v !== null && known(v) && !(typeof v === "number" && Number.isFinite(v) && v > 0)) {
            failures.push({ property: k, reason: `${k}: must be a positive number of minutes (got ${JSON.stringify(v)})` });
        }
    }
    const w = news.waitForDeployment;
    if (w !== undefined && w !== null && known(w) && typeof w !== "boolean") {
        failures.push({ property: "waitForDeployment", reason: "waitForDeployment: must be true or false" });
    }
    return { inputs, failures };
}

/**
 * ARN shapes the model leaves open, by member name (facts from the CloudFront
 * developer guide: Lambda@Edge takes a numbered function version, viewer
 * certificates come from ACM in us-east-1, web ACLs are WAFv2 global ones).
 */
export const ARN_SHAPES: Record<string, { pattern: RegExp; what: string }> = {
    LambdaFunctionARN: {
        pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}:\d+$/,
        what: "a Lambda function ARN with a numbered version (arn:aws:lambda:us-east-1:ACCOUNT:function:NAME:VERSION; not $LATEST or an alias)",
    },
    ACMCertificateArn: {
        pattern: /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/,
        what: "an ACM certificate ARN in us-east-1 (arn:aws:acm:us-east-1:ACCOUNT:certificate/ID)",
    },
    RealtimeLogConfigArn: {
        pattern: /^arn:aws[a-z-]*:cloudfront::\d{12}:realtime-log-config\/.+$/,
        what: "a real-time log configuration ARN (arn:aws:cloudfront::ACCOUNT:realtime-log-config/NAME)",
    },
    WebACLId: {
        pattern: /^(arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
        what: "a WAFv2 web ACL ARN with scope CLOUDFRONT (arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID) or a WAF Classic web ACL id",
    },
};
/** Any other member whose name ends in Arn/ARN. */
const ANY_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

/** Every check of a configuration (as check() filled it); failures name the field's path, one per path. */
export function validateDistributionConfig(cfg: Obj, failures: pulumi.dynamic.CheckFailure[]): void {
    const semantic: pulumi.dynamic.CheckFailure[] = [];
    checkConfig(cfg, semantic);
    const more: ModelFailure[] = [];
    checkKeysAndArns(cfg, "distributionConfig", more);
    // CallerReference: ackless derives one, and an adoption keeps the live one.
    validateShape(cfg, "DistributionConfig", "distributionConfig", more, new Set(["CallerReference"]));
    const seen = new Set(semantic.map((f) => f.reason.split(":")[0]));
    failures.push(...semantic);
    for (const f of more) {
        if (!seen.has(f.path)) {
            seen.add(f.path);
            failures.push({ property: "distributionConfig", reason: f.reason });
        }
    }
}

/** Tags as CloudFront takes them (count, key and value length and characters). */
export function validateDistributionTags(tags: unknown, failures: pulumi.dynamic.CheckFailure[]): void {
    const out: ModelFailure[] = [];
    validateTagMap(tags, "tags", out);
    failures.push(...out.map((f) => ({ property: "tags", reason: f.reason })));
}

function checkKeysAndArns(value: unknown, path: string, out: ModelFailure[], holder?: string): void {
    if (Array.isArray(value)) {
        const key = holder ? KEYS[holder] : undefined;
        const seen = new Map<string, number>();
        value.forEach((item, i) => {
            const p = `${path}[${i}]`;
            if (key && isObject(item) && item[key] !== undefined && item[key] !== UNKNOWN) {
                const k = JSON.stringify(item[key]);
                if (seen.has(k)) {
                    out.push({
                        path: `${p}.${key}`,
                        reason: `${p}.${key}: ${k} is used twice (also at ${path}[${seen.get(k)}]); each ${key} may appear once in ${holder}`,
                    });
                } else {
                    seen.set(k, i);
                }
            }
            checkKeysAndArns(item, p, out);
        });
        return;
    }
    if (!isObject(value)) {
        return;
    }
    for (const [k, v] of Object.entries(value)) {
        const p = `${path}.${k}`;
        if (typeof v === "string" && v !== UNKNOWN && v !== "" && (ARN_SHAPES[k] || /(Arn|ARN)$/.test(k))) {
            const shape = ARN_SHAPES[k];
            if (shape ? !shape.pattern.test(v) : !ANY_ARN.test(v)) {
                out.push({
                    path: p,
                    reason: `${p}: ${JSON.stringify(v)} is not ${shape ? shape.what : "an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"}`,
                });
            }
        }
        checkKeysAndArns(v, p, out, k === "Items" ? holder : k);
    }
}

export function checkConfig(cfg: Obj, failures: pulumi.dynamic.CheckFailure[]): void {
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
