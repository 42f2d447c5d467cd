/**
 * Adoption, shared by every resource: take over an existing AWS resource
 * instead of creating one (like ACK's `adoption-policy` annotation).
 *
 * - `adopt: { id }` (mode `adopt`, the default): the resource must exist;
 *   when it does not, create fails (and check fails at preview when it can
 *   tell) and nothing is created.
 * - `adopt: { id, mode: "adopt-or-create" }`: adopt it when it exists,
 *   create it from the declared inputs otherwise.
 *
 * Adoption happens in create(): read the existing resource, then reconcile it
 * to the declared inputs (configuration and user tags; system tags are never
 * touched) in the same step. Afterwards the resource is managed like any
 * other: `adopt` takes no part in diffs, so changing or removing it changes
 * nothing. Pulumi's own `import` option cannot be used: it does not work for
 * dynamic providers (pulumi/pulumi #3550).
 */
import type * as pulumi from "@pulumi/pulumi";
import { awsWhere } from "../common/clients";
import { AcklessError } from "../common/errors";
import { UNKNOWN } from "../common/diff";
import { progress, warn } from "../common/log";

export type AdoptMode = "adopt" | "adopt-or-create";

export interface AdoptArgs {
    /** The existing resource: a distribution id, a function name, a NAT gateway id. */
    id: string;
    /** `adopt` fails when it does not exist; `adopt-or-create` creates it then. Default `adopt`. */
    mode?: AdoptMode;
}

export const ADOPT_MODES: readonly AdoptMode[] = ["adopt", "adopt-or-create"];

/** A checked, fully known adopt input. */
export interface Adoption {
    id: string;
    mode: AdoptMode;
}

/** True when the adopt input is set (known or not). */
export function hasAdopt(value: unknown): boolean {
    return value !== undefined && value !== null;
}

/**
 * Check-time validation of `adopt`. Returns the failures (naming `adopt.id` /
 * `adopt.mode` and the fix) and, when the value is fully known and valid, the
 * adoption with its mode defaulted. `idPattern` (optional) checks the id's
 * shape; `idWhat` names what the id is ("a distribution id (E...)").
 */
export function checkAdopt(
    value: unknown,
    idWhat: string,
    idPattern?: RegExp,
): { adoption?: Adoption; failures: pulumi.dynamic.CheckFailure[]; unknown: boolean } {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!hasAdopt(value)) {
        return { failures, unknown: false };
    }
    if (value === UNKNOWN) {
        return { failures, unknown: true };
    }
    if (typeof value !== "object" || Array.isArray(value)) {
        failures.push({ property: "adopt", reason: `adopt must be an object { id: ${idWhat}, mode?: "adopt" | "adopt-or-create" }` });
        return { failures, unknown: false };
    }
    const v = value as Record<string, unknown>;
    let unknown = false;
    const extra = Object.keys(v).filter((k) => k !== "id" && k !== "mode");
    if (extra.length > 0) {
        failures.push({
            property: "adopt",
            reason: `adopt: unknown field${extra.length > 1 ? "s" : ""} ${extra.join(", ")}; only id and mode are accepted`,
        });
    }
    if (v.id === UNKNOWN) {
        unknown = true;
    } else if (typeof v.id !== "string" || v.id === "") {
        failures.push({ property: "adopt", reason: `adopt.id is required: ${idWhat} of the existing resource to take over` });
    } else if (idPattern && !idPattern.test(v.id)) {
        failures.push({ property: "adopt", reason: `adopt.id ${JSON.stringify(v.id)} is not ${idWhat}` });
    }
    if (v.mode === UNKNOWN) {
        unknown = true;
    } else if (v.mode !== undefined && v.mode !== null && !(ADOPT_MODES as readonly unknown[]).includes(v.mode)) {
        failures.push({
            property: "adopt",
            reason: `adopt.mode ${JSON.stringify(v.mode)} is not known: use "adopt" (fail when it does not exist) or "adopt-or-create"`,
        });
    }
    if (failures.length > 0 || unknown) {
        return { failures, unknown };
    }
    return { adoption: { id: v.id as string, mode: (v.mode as AdoptMode | undefined) ?? "adopt" }, failures, unknown: false };
}

/** The adoption asked for by checked inputs, or undefined (unset, or not known). */
export function adoptionOf(inputs: { adopt?: unknown } | undefined): Adoption | undefined {
    return checkAdopt(inputs?.adopt, "an id").adoption;
}

/** True when check() runs for a resource not in the state yet (a create). */
export function isNew(olds: unknown): boolean {
    return !olds || typeof olds !== "object" || Object.keys(olds as object).length === 0;
}

/**
 * The error create() (and check()) give when mode `adopt` names something that
 * does not exist. AWS answers "not found" too for an id that lives in another
 * account (or, for a regional resource, another region): the message says
 * which profile and region were asked, and how to see the account.
 */
export function adoptMissing(what: string, id: string): AcklessError {
    const { profile, region } = awsWhere();
    const global = /^CloudFront /.test(what); // CloudFront ids are account-wide, not regional
    const credentials = profile ? `profile "${profile}"` : "the default credentials (no profile set)";
    const where = `the account of ${credentials} owns it${global ? "" : ` and that it is in region ${region}`}`;
    return new AcklessError(
        `adopt: ${what} ${id} does not exist, so there is nothing to adopt and nothing was created. ` +
            `An id that belongs to another AWS account reads as not found${global ? "" : ", as does one from another region"}: ` +
            `check that ${where} (\`aws sts get-caller-identity${profile ? ` --profile ${profile}` : ""}\` names the account), and check adopt.id; ` +
            `or set adopt.mode to "adopt-or-create" to create it when it is missing`,
        "AdoptTargetNotFound",
    );
}

/**
 * Check-time failure for the same case (preview stops before anything is created). Check has no old inputs on a
 * first create and also on a targeted replace (the engine re-checks `up --replace` and `state taint` without them),
 * so the message names that case and its fix too.
 */
export function adoptMissingFailure(what: string, id: string): pulumi.dynamic.CheckFailure {
    return { property: "adopt", reason: `${adoptMissing(what, id).message}. ${ADOPT_RECHECK_HINT}` };
}

/**
 * The fix for an adoption refused on the engine's re-check of a targeted replacement (no old inputs): the resource is
 * already in the stack, so the user removes `adopt`. Named by every such refusal (adoptMissingFailure, and the driver's
 * preview of an adoption of a resource that already carries an ackless incarnation).
 */
export const ADOPT_RECHECK_HINT =
    "If this resource is already in the stack and you ran `pulumi up --replace` or `pulumi state taint` (the engine checks " +
    "a targeted replacement without its old inputs, so adopt is checked again), remove adopt from the program: the " +
    "adoption has already happened";

/**
 * The preview message: "<what> <id>: will adopt <id>: changes: a; b" or
 * "...: no changes". Logged through pulumi.log (shown under the resource in
 * preview and up).
 */
export function adoptionPlan(what: string, id: string, changes: string[]): string {
    return `${what}: will adopt ${id}: ${changes.length > 0 ? `changes: ${changes.join("; ")}` : "no changes (it already matches the program)"}`;
}

export function logAdoptionPlan(what: string, id: string, changes: string[]): string {
    const message = adoptionPlan(what, id, changes);
    progress(message);
    return message;
}

/** The message for `adopt-or-create` when the resource is missing. */
export function logWillCreate(what: string, id: string): string {
    const message = `${what}: ${id} does not exist; adopt-or-create will create it`;
    progress(message);
    return message;
}

/**
 * The first step of every create: with an adoption, take over the existing
 * resource (`adoptExisting` answers undefined when it does not exist); a
 * missing one fails in mode `adopt`, or is created in `adopt-or-create`.
 */
export async function adoptOrCreate<T>(
    what: string,
    adoption: Adoption | undefined,
    adoptExisting: (adoption: Adoption) => Promise<T | undefined>,
    create: () => Promise<T>,
): Promise<T> {
    if (adoption) {
        const adopted = await adoptExisting(adoption);
        if (adopted) {
            return adopted;
        }
        if (adoption.mode === "adopt") {
            throw adoptMissing(what, adoption.id);
        }
        logWillCreate(what, adoption.id);
    }
    return create();
}

/**
 * The first step of every preview of an adoption: a read-only look for the
 * resource. Returns what `find` found; when it is missing, records the check
 * failure (mode `adopt`) or logs that it will be created (`adopt-or-create`)
 * and returns undefined. A read that fails is not fatal at preview: it is
 * logged and up will try again. `fatal` picks errors that must fail preview.
 */
export async function findForAdoption<T>(
    what: string,
    id: string,
    mode: AdoptMode,
    failures: pulumi.dynamic.CheckFailure[],
    find: () => Promise<T | undefined>,
    fatal: (err: unknown) => boolean = () => false,
): Promise<T | undefined> {
    let found: T | undefined;
    try {
        found = await find();
    } catch (err) {
        if (fatal(err)) {
            failures.push({ property: "adopt", reason: (err as Error).message });
        } else {
            warn(`${what} ${id}: could not read it at preview to plan the adoption (${(err as Error).message}); up will`);
        }
        return undefined;
    }
    if (found === undefined) {
        if (mode === "adopt") {
            failures.push(adoptMissingFailure(what, id));
        } else {
            logWillCreate(what, id);
        }
    }
    return found;
}
