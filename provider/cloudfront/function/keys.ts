/**
 * cloudfront.Function: the idempotency key of CreateFunction, the name.
 *
 * A declared name is used as is. A generated one is derived from the
 * resource's identity (`<prefix>-<hash>`), so a create retried after a killed
 * run finds its first attempt; the lifecycle driver (../../lifecycle) walks it
 * (`<name>`, `<name>_1`, `<name>_2`...) past functions that are not an
 * unfinished create of this resource.
 */
import * as crypto from "crypto";
import { identityToken, nthToken, tokenStep } from "../../common/identity";

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
