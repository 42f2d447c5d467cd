/**
 * Deterministic idempotency tokens, shared by every resource whose create
 * AWS deduplicates with a caller-chosen token (EC2 ClientToken, CloudFront
 * CallerReference).
 *
 * A retried create must find what an earlier, interrupted attempt made
 * instead of making a second one. That earlier attempt usually ran in
 * another process (a `pulumi up` killed while create waited), and Pulumi
 * stored nothing about it, so the token cannot be random: it is derived from
 * the resource's identity (project, stack, parent URN, name), which the
 * public class passes to the provider as the `__identity` input, and from the
 * inputs that decide what is created.
 *
 * A token AWS will not accept again (its resource was deleted, or is being
 * deleted) is "used up": create walks `<base>`, `<base>.1`, `<base>.2`...
 * The walk is deterministic too, so a retry walks the same sequence and stops
 * at the resource its first attempt made.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "./diff";

/**
 * The identity a public resource class passes as `__identity`:
 * `<project>/<stack>/<parent URN>/<name>`. Stable for the resource across
 * runs, different for any other resource of the stack.
 */
export function resourceIdentity(name: string, opts?: pulumi.ResourceOptions): pulumi.Output<string> {
    const parent = opts?.parent ? opts.parent.urn : pulumi.output("");
    return pulumi.output(parent).apply((p) => `${pulumi.getProject()}/${pulumi.getStack()}/${p}/${name}`);
}

/**
 * The identities the resource had under its `aliases` (a renamed resource
 * keeps its old name as an alias), built as resourceIdentity builds them:
 * each alias object's name (else the resource's), its parent (else the
 * resource's), its stack and project (else this one's).
 * An alias given as a URN is left out: its parent's URN is not in it.
 */
export function aliasIdentities(name: string, opts?: pulumi.ResourceOptions): pulumi.Output<string[]> {
    const parentUrn = (p: unknown): pulumi.Input<string> | undefined =>
        p === undefined || p === null ? undefined : pulumi.Resource.isInstance(p) ? p.urn : (p as pulumi.Input<string>);
    const ids = (opts?.aliases ?? []).flatMap((alias) => {
        if (typeof alias !== "object" || alias === null || pulumi.Output.isInstance(alias)) {
            return [];
        }
        const a = alias as pulumi.Alias;
        // The parent as the alias names it, else the resource's own. (An alias naming the root stack resource as its parent
        // gives an identity no resource had: resourceIdentity writes no parent as "". It matches nothing, safely.)
        const parent = parentUrn(a.parent) ?? (opts?.parent ? opts.parent.urn : "");
        return [
            pulumi
                .all([a.project ?? pulumi.getProject(), a.stack ?? pulumi.getStack(), parent, a.name ?? name])
                .apply(([project, stack, p, n]) => `${project}/${stack}/${p}/${n}`),
        ];
    });
    return pulumi.all(ids).apply((list) => [...new Set(list)]);
}

/** The value of the owner tag (lifecycle OWNER_TAG) of the resource with this identity. */
export function ownerToken(identity: string): string {
    return identityToken(["owner", identity])!;
}

const RUN = crypto.randomUUID();

/**
 * The `__run` input every AWS resource class sends: a nonce of this program
 * run, so that the provider's create can tell the program which creates it
 * must confirm once the engine has recorded them (lifecycle R1, delete.ts).
 * Undefined in a preview, which records nothing.
 */
export function runNonce(): string | undefined {
    return pulumi.runtime.isDryRun() ? undefined : RUN;
}

/**
 * `ackless-<40 hex digits>`: a hash of `parts` (the identity first, then the
 * inputs that decide what is created); undefined while any part is unknown.
 */
export function identityToken(parts: unknown[]): string | undefined {
    if (parts.some((p) => p === UNKNOWN)) {
        return undefined;
    }
    const hash = crypto.createHash("sha256").update(JSON.stringify(parts)).digest("hex");
    return `ackless-${hash.slice(0, 40)}`;
}

/** The n-th token of the walk (n = 0 is the base): `<base>.<n>`. */
export function nthToken(base: string, n: number): string {
    return n === 0 ? base : `${base}.${n}`;
}

/** The walk step `token` is at from `base` (0 for the base itself), or undefined when it is not on that walk. */
export function tokenStep(base: string, token: string): number | undefined {
    if (token === base) {
        return 0;
    }
    if (!token.startsWith(`${base}.`)) {
        return undefined;
    }
    const rest = token.slice(base.length + 1);
    return /^[1-9][0-9]{0,5}$/.test(rest) ? Number(rest) : undefined;
}

/**
 * The `aws:profile` stack config (as @pulumi/aws honours it), passed by every
 * AWS resource class as `__profile`: the provider then makes each AWS call
 * with that profile's credentials (and region, where none is set).
 */
export function awsProfile(): string | undefined {
    return new pulumi.Config("aws").get("profile") || undefined;
}
