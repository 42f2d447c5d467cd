/**
 * Names of the CloudFront kinds named by the user (functions, key value
 * stores): one rule set, written once. A name is the idempotency key of the
 * create (CreateFunction and CreateKeyValueStore refuse a taken name).
 *
 * A declared name is used as is. A generated one is derived from the
 * resource's identity (`<prefix>-<7 hex>`), so a create retried after a
 * killed run finds its first attempt; the lifecycle driver (../lifecycle)
 * walks it (`<name>`, `<name>_1`, `<name>_2`...) past resources that are not
 * an unfinished create of this resource.
 */
import * as crypto from "crypto";
import { identityToken, nthToken, tokenStep } from "../common/identity";
import { known, Obj, UNKNOWN } from "../common/diff";
import type { CheckContext } from "../lifecycle/adapter";

/** 1 to 64 letters, digits, hyphens or underscores: CloudFront's rule for function and key value store names. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The generated name: `<prefix>-<7 hex>`, derived from the resource identity
 * (random only when there is none, as for programs built before it existed).
 * At most 58 characters, leaving room for the walk's `_<n>`.
 */
export function autoName(prefix: string, identity?: unknown): string {
    const base = (prefix || "function").replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 50);
    const token = typeof identity === "string" && identity ? identityToken([identity]) : undefined;
    const hash = token ? token.slice("ackless-".length, "ackless-".length + 7) : crypto.randomBytes(4).toString("hex").slice(0, 7);
    return `${base}-${hash}`;
}

/** The n-th generated name of the walk: `<name>`, `<name>_1`, ... */
export function nthName(base: string, n: number): string {
    return nthToken(base, n).replace(/\.(\d+)$/, "_$1");
}

/** Whether `name` is `base` or a step of its walk. */
export function onNameWalk(base: unknown, name: unknown): boolean {
    if (typeof base !== "string" || typeof name !== "string") {
        return false;
    }
    return base === name || tokenStep(base, name.replace(/_(\d+)$/, ".$1")) !== undefined;
}

/**
 * check(): settles `inputs.name`. Declared: checked against NAME_PATTERN and,
 * when adopting, against `adopt.id` (these kinds are adopted by name). Not
 * declared: kept from the previous inputs, else the adopted resource's name,
 * else generated from the identity (`__nameGenerated` records that), else
 * unknown at this preview. `what` names the kind in messages ("a function").
 */
export function resolveName(
    inputs: Obj,
    news: Obj,
    olds: Obj | undefined,
    ctx: CheckContext,
    what: string,
    defaultPrefix: string,
    fail: (property: string, reason: string) => void,
): void {
    delete inputs.__nameGenerated;
    if (inputs.name === undefined || inputs.name === null || inputs.name === "") {
        if (typeof olds?.name === "string" && olds.name) {
            inputs.name = olds.name;
            if (olds.__nameGenerated === true) {
                inputs.__nameGenerated = true;
            }
        } else if (ctx.adoption) {
            inputs.name = ctx.adoption.id;
        } else if (ctx.adoptionUnknown || !known(news.__identity)) {
            inputs.name = UNKNOWN;
        } else {
            inputs.name = autoName(String(news.autoNamePrefix ?? defaultPrefix), news.__identity);
            inputs.__nameGenerated = true;
        }
    } else if (known(inputs.name) && (typeof inputs.name !== "string" || !NAME_PATTERN.test(inputs.name))) {
        fail("name", `name "${inputs.name}" is not valid: use 1 to 64 letters, digits, hyphens or underscores ([A-Za-z0-9_-]{1,64})`);
    } else if (ctx.adoption && known(inputs.name) && inputs.name !== ctx.adoption.id) {
        fail(
            "name",
            `name "${inputs.name}" differs from adopt.id "${ctx.adoption.id}": ${what} is adopted by its name; ` +
                `set name to "${ctx.adoption.id}" or omit it`,
        );
    }
}
