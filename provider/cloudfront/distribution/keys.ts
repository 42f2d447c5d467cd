/**
 * cloudfront.Distribution: the idempotency key of CreateDistribution, the
 * CallerReference.
 *
 * CloudFront creates a new distribution for every new CallerReference and
 * answers one it has seen before (its distribution live or deleted) with 409
 * DistributionAlreadyExists. A `pulumi up` killed while create waits for
 * Deployed (up to an hour) leaves a distribution Pulumi does not know about,
 * and the next `pulumi up` creates again. So when the program declares no
 * CallerReference, check() derives it from the resource's identity (project,
 * stack, parent URN, name: `__identity`, passed by the public class), the same
 * on every attempt, then kept from the old inputs. Only a derived reference is
 * walked (`<ref>.1`, `<ref>.2`...) past used ones; the walk and the takeover
 * rule are the lifecycle driver's (../../lifecycle). The reference the
 * distribution was made with shows in the `distributionConfig` output; the
 * inputs keep the base, and diff treats `<ref>.n` as equal to `<ref>`.
 */
import { randomUUID } from "crypto";
import { UNKNOWN } from "../../common/diff";
import { identityToken, tokenStep } from "../../common/identity";

export { nthToken } from "../../common/identity";

/**
 * The CallerReference of a resource that declares none: `ackless-<hash>` of
 * its identity, so every attempt to create it sends the same one; UNKNOWN
 * while the identity is unknown; `ackless-<uuid>` when there is no identity
 * (the provider used directly).
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
 * Whether an old CallerReference (the one the distribution was made with) is
 * the new one: equal, or, for a derived reference, a step of its walk.
 */
export function sameCallerReference(old: unknown, next: unknown, derived: boolean): boolean {
    if (old === next) {
        return true;
    }
    return derived && typeof old === "string" && typeof next === "string" && tokenStep(next, old) !== undefined;
}
