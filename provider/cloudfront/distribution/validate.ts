/**
 * cloudfront.Distribution, check(): what the configuration must satisfy
 * before anything is sent to AWS.
 */
import type * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../../common/diff";
import { isObject, Obj } from "./delta";

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

