/**
 * The CloudFront distribution provider (kind "ackless:cloudfront:Distribution"):
 * the six provider methods, wired to the lifecycle rules (../../common/lifecycle).
 *
 * Layout, as for every ackless resource:
 * - config:  delta.ts on ../ownership.ts: field ownership at every depth (what we send, compare and store)
 * - find:    findDistribution (one not-found notion: undefined)
 * - wait:    waitDistributionDeployed
 * - delete:  deleteDistribution, a resumable sequence (gone / InProgress / Enabled / disabled)
 * - create:  createDistribution, idempotent through the CallerReference (below)
 * - provider: check, diff, create, read, update, delete
 *
 * The CallerReference. CloudFront creates a new distribution for every new
 * CallerReference and answers one it has seen before (its distribution live
 * or deleted) with 409 DistributionAlreadyExists. A `pulumi up` killed while
 * create waits for Deployed (up to an hour) leaves a distribution Pulumi does
 * not know about, and the next `pulumi up` creates again (check() with no old
 * inputs). So when the program does not declare a CallerReference, check()
 * derives it from the resource's identity (project, stack, parent URN, name:
 * `__identity`, passed by the public class): `ackless-<hash>`, the same on
 * every attempt, then kept from the old inputs. On DistributionAlreadyExists
 * create finds the distribution holding the reference (the id at the end of
 * AWS's message, else ListDistributions + GetDistributionConfig) and:
 * - takes it over when it exists, is not being deleted, and still carries
 *   the `ackless:pending-create` tag with this reference: create sets that
 *   tag on the new distribution and removes it once the create is done, so
 *   only an interrupted create's orphan has it. Its configuration and tags
 *   are reconciled as an adoption's are, then create waits as usual;
 * - never takes over a holder without that tag (lifecycle R1): a completed
 *   distribution, such as the original of a forced replacement, or the
 *   distribution of another stack with the same project, stack and resource
 *   names (two local backends sharing an AWS account). Create walks to the
 *   next reference and makes a new distribution instead;
 * - when its distribution is gone (or being deleted), walks to `<ref>.1`,
 *   `<ref>.2`... (bounded; see ../common/identity.ts). The reference the
 *   distribution was made with shows in the `distributionConfig` output; the
 *   inputs keep the base, and diff treats `<ref>.n` as equal to `<ref>`.
 * A declared CallerReference is never walked: DistributionAlreadyExists then
 * fails, naming the distribution and suggesting `adopt`.
 * A forced replacement keeps the reference; diff asks for delete-before-
 * replace when a derived reference is unchanged, and a targeted replace
 * (which skips diff) walks past the live original (R1).
 */
import { CreateDistributionWithTagsCommand, DistributionConfig } from "@aws-sdk/client-cloudfront";
import type * as pulumi from "@pulumi/pulumi";
import { cloudfront } from "../../common/clients";
import { diffFields, FieldRule, UNKNOWN } from "../../common/diff";
import { AcklessError, describeAwsError, isAwsError } from "../../common/errors";
import { nthToken } from "../../common/identity";
import {
    adoptedOutputs,
    adoptionAllowed,
    claim,
    goneRead,
    guardedDelete,
    INCARNATION_TAG,
    newIncarnation,
    PENDING_CREATE_TAG,
    withVanished,
} from "../../lifecycle/rules";
import { progress, warn } from "../../common/log";
import {
    adoptionOf,
    adoptOrCreate,
    AdoptMode,
    findForAdoption,
    checkAdopt,
    hasAdopt,
    isNew,
    logAdoptionPlan,
} from "../../lifecycle/adopt";
import { describeTagChanges, reconciledTags, sameTags, Tags, toKeyValueList, userTags, validateTags } from "../../common/tags";
import { describeChanges } from "../ownership";
import { configChanges, configDelta, declaredPaths, fillDefaults, isObject, mergeOntoLive, normalizeConfig, Obj, observedConfig, outputsOf, previouslyOwned } from "./delta";
import {
    callerReferenceMismatch,
    deleteDistribution,
    derivedCallerReference,
    isBeingDeleted,
    KIND,
    MAX_CALLER_REFERENCES,
    sameCallerReference,
    updateConfig,
} from "./hooks";
import { CallerReferenceScan, describeState, findDistribution, findReferenceHolder, findTags, FoundDistribution, idInAlreadyExists } from "./sdk";
import { applyTags, clearPendingCreate } from "./tags";
import { validateDistributionConfig, validateDistributionTags } from "./validate";
import { DEFAULT_DELETE_TIMEOUT_MINUTES, DEFAULT_DEPLOY_TIMEOUT_MINUTES, minutes, settle, waitDistributionVisible } from "./wait";

export { PENDING_CREATE_TAG };
export { deleteDistribution, MAX_CALLER_REFERENCES, MAX_NOT_DISABLED_RETRIES, MAX_PRECONDITION_RETRIES } from "./hooks";

/** Preview of an adoption: a read-only look at the distribution, logged as "will adopt <id>: changes: ...". */
async function previewAdoption(inputs: Obj, id: string, mode: AdoptMode, failures: pulumi.dynamic.CheckFailure[]): Promise<void> {
    const seen = await findForAdoption("CloudFront distribution", id, mode, failures, async () => {
        const d = await findDistribution(id);
        return d ? { found: d, tags: await findTags(d.arn) } : undefined;
    });
    if (!seen) {
        return;
    }
    const { found, tags } = seen;
    const cfg = isObject(inputs.distributionConfig) ? inputs.distributionConfig : {};
    const mismatch = callerReferenceMismatch(found.config, cfg);
    if (mismatch) {
        failures.push({ property: "distributionConfig", reason: mismatch });
        return;
    }
    const changes = configChanges(found.config, cfg);
    const described = changes.length > 0 ? [`UpdateDistribution of ${changes.join(", ")}`] : [];
    const tagText = inputs.tags === UNKNOWN ? "tags: (known at deployment)" : describeTagChanges(tags, inputs.tags);
    logAdoptionPlan("CloudFront distribution", id, tagText ? [...described, tagText] : described);
}

/**
 * Adoption in create: UpdateDistribution with the declared configuration over
 * the live ETag when they differ (keeping the live CallerReference), user tags
 * reconciled (system tags untouched), then the distribution as observed.
 * Also how create takes over its own orphan (`takeover`: the distribution an
 * interrupted earlier create made with this resource's CallerReference).
 */
async function adoptDistribution(inputs: Obj, found: FoundDistribution, takeover = false): Promise<pulumi.dynamic.CreateResult> {
    const id = found.id;
    const [adopting, adopted] = takeover ? ["taking over", "taken over"] : ["adopting", "adopted"];
    const desired = takeover
        ? { ...(inputs.distributionConfig as Obj), CallerReference: found.config.CallerReference }
        : (inputs.distributionConfig as Obj);
    const mismatch = callerReferenceMismatch(found.config, desired);
    if (mismatch) {
        throw new AcklessError(mismatch, "AdoptMismatch");
    }
    const observedTags = (await findTags(found.arn)) ?? {};
    const changes = configChanges(found.config, desired);
    const tagText = describeTagChanges(observedTags, inputs.tags);
    progress(`${adopting} CloudFront distribution ${id}${changes.length > 0 || tagText ? ` (${[...changes, ...(tagText ? [tagText] : [])].join("; ")})` : ""}`);
    let updated = false;
    if (changes.length > 0) {
        const result = await updateConfig(id, adopting, (live) =>
            configChanges(live, desired).length === 0 ? false : mergeOntoLive(live, desired, []),
        ).catch((err) => {
            throw err instanceof AcklessError ? err : describeAwsError(`${adopting} CloudFront distribution ${id} (UpdateDistribution)`, err);
        });
        if (result === false) {
            throw new AcklessError(`${adopting} CloudFront distribution ${id}: it disappeared while being ${adopted}`, "NoSuchDistribution");
        }
        updated = result === true;
    }
    // A takeover keeps the incarnation its first attempt tagged; an adoption starts one.
    const incarnation = (takeover && observedTags[INCARNATION_TAG]) || newIncarnation();
    await applyTags(id, found.arn, observedTags, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation });
    if (takeover) {
        await clearPendingCreate(id, found.arn);
    }
    let current = (await findDistribution(id)) ?? found;
    if (updated || current.status !== "Deployed") {
        try {
            current = await settle(id, inputs, current, `waiting for the ${adopted} distribution to deploy`);
        } catch (err) {
            warn(`CloudFront distribution ${id} was ${adopted}, but waiting for it failed: ${(err as Error).message}`);
        }
    }
    progress(`CloudFront distribution ${id} ${adopted}`);
    claim(KIND, id, takeover ? "took over" : "adopted", incarnation);
    const outs = outputsOf({ ...inputs, incarnation }, current, reconciledTags(observedTags, inputs.tags), declaredPaths(desired));
    return { id, outs: takeover ? outs : adoptedOutputs(outs) };
}

/**
 * CreateDistributionWithTags, idempotent across attempts (see the header):
 * the checked inputs' CallerReference (or, for adopt-or-create, the derived
 * one) and on DistributionAlreadyExists take over our own orphan, or walk to
 * the next reference (derived references only).
 */
async function createDistribution(inputs: Obj): Promise<pulumi.dynamic.CreateResult> {
    const desired = inputs.distributionConfig as Obj;
    const declared = desired?.CallerReference !== undefined && inputs.__callerReferenceGenerated !== true;
    const base: string = desired?.CallerReference ?? derivedCallerReference(inputs.__identity);
    const tags = userTags(inputs.tags);
    const scan = new CallerReferenceScan();
    const incarnation = newIncarnation();
    const steps = declared ? 1 : MAX_CALLER_REFERENCES;
    for (let n = 0; n < steps; n++) {
        const reference = nthToken(base, n);
        const config = { ...(desired as DistributionConfig), CallerReference: reference } as DistributionConfig;
        const sentTags = { ...tags, [INCARNATION_TAG]: incarnation, ...(declared ? {} : { [PENDING_CREATE_TAG]: reference }) };
        let created;
        try {
            created = await cloudfront().send(
                new CreateDistributionWithTagsCommand({
                    DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: toKeyValueList(sentTags) } },
                }),
            );
        } catch (err) {
            if (!isAwsError(err, "DistributionAlreadyExists")) {
                throw describeAwsError("creating CloudFront distribution", err);
            }
            const holder = await findReferenceHolder(reference, err, scan);
            if (declared) {
                throw new AcklessError(
                    holder
                        ? `creating CloudFront distribution: distributionConfig.CallerReference ${JSON.stringify(reference)} is already used by ` +
                              `distribution ${holder.id} (${describeState(holder)}), and CloudFront accepts a CallerReference only once. ` +
                              `If ${holder.id} is this resource's distribution (made by an interrupted earlier \`pulumi up\`), take it over with ` +
                              `\`adopt: { id: "${holder.id}" }\`; to create another distribution, declare a new CallerReference or omit it (ackless then derives one)`
                        : `creating CloudFront distribution: distributionConfig.CallerReference ${JSON.stringify(reference)} was already used by a ` +
                              `distribution that has since been deleted${idInAlreadyExists(err) ? ` (${idInAlreadyExists(err)})` : ""}, and CloudFront ` +
                              `accepts a CallerReference only once: declare a new CallerReference or omit it (ackless then derives one)`,
                    "DistributionAlreadyExists",
                    err,
                );
            }
            if (holder && !isBeingDeleted(holder, desired)) {
                const holderTags = (await findTags(holder.arn)) ?? {};
                if (holderTags[PENDING_CREATE_TAG] !== reference) {
                    // R1: a completed distribution (the original of a replacement,
                    // or another stack's with the same names) is never taken over.
                    progress(
                        `CloudFront: CallerReference ${reference} belongs to distribution ${holder.id}, a completed distribution ` +
                            `(the one this resource replaces, or another stack's with the same names), which is never taken over; ` +
                            `trying ${nthToken(base, n + 1)}`,
                    );
                    continue;
                }
                progress(
                    `CloudFront distribution ${holder.id} already holds CallerReference ${reference} and is marked as an unfinished create ` +
                        `of this resource (an interrupted earlier \`pulumi up\`): taking it over instead of creating a second one`,
                );
                return adoptDistribution(inputs, holder, true);
            }
            progress(
                `CloudFront: CallerReference ${reference} belongs to ${holder ? `distribution ${holder.id}, which is being deleted` : "a distribution already deleted"}; ` +
                    `trying ${nthToken(base, n + 1)}`,
            );
            continue;
        }
        const dist = created.Distribution!;
        const id = dist.Id!;
        progress(`CloudFront distribution ${id} created (${dist.DomainName})`);
        const initial: FoundDistribution = {
            id,
            arn: dist.ARN ?? "",
            domainName: dist.DomainName ?? "",
            status: dist.Status ?? "InProgress",
            enabled: dist.DistributionConfig?.Enabled ?? config.Enabled ?? true,
            etag: created.ETag ?? "",
            lastModifiedTime: dist.LastModifiedTime ? new Date(dist.LastModifiedTime).toISOString() : undefined,
            config: dist.DistributionConfig ?? config,
        };
        // Nothing after CreateDistribution may fail the create (the distribution would be orphaned).
        let final = initial;
        claim(KIND, id, "created", incarnation);
        try {
            // R5: GetDistribution may not know a new distribution yet.
            await waitDistributionVisible(id);
            final = await settle(id, inputs, initial, "waiting for the new distribution to deploy");
        } catch (err) {
            warn(`CloudFront distribution ${id} was created, but waiting for it failed: ${(err as Error).message}`);
        }
        if (!declared) {
            await clearPendingCreate(id, initial.arn);
        }
        return { id, outs: outputsOf({ ...inputs, incarnation }, final, tags, declaredPaths(desired)) };
    }
    throw new AcklessError(
        `creating CloudFront distribution: the ${MAX_CALLER_REFERENCES} CallerReferences of this resource (${base}, ${nthToken(base, 1)}, ...) ` +
            `all belong to other distributions (deleted, or completed ones that are never taken over); declare a new distributionConfig.CallerReference`,
        "DistributionAlreadyExists",
    );
}
export const provider = {
    async check(olds: Obj, news: Obj): Promise<pulumi.dynamic.CheckResult> {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const inputs: Obj = { ...news };
        // adopt: only a create adopts; on an existing resource it is ignored
        // (and dropped from the inputs, so a replacement never adopts).
        const creating = isNew(olds);
        // R3 (common/lifecycle): only a first create adopts; a replacement never does.
        const adoptOk = adoptionAllowed(olds, news.__identity);
        const adopt = checkAdopt(news.adopt, "a CloudFront distribution id (E...)", /^[A-Za-z0-9]{1,64}$/);
        if (!adoptOk) {
            delete inputs.adopt;
        }
        const cfg = news.distributionConfig;
        if (!isObject(cfg)) {
            if (cfg !== UNKNOWN) {
                failures.push({ property: "distributionConfig", reason: "distributionConfig: required (Origins, DefaultCacheBehavior, ...)" });
            }
        } else {
            const declared = normalizeConfig(cfg).CallerReference;
            const previous = olds?.distributionConfig?.CallerReference;
            inputs.distributionConfig = fillDefaults(cfg, previous, news.__identity);
            // A reference the program does not declare is ackless's: create
            // may walk it (<ref>.1, ...) past deleted distributions.
            if (declared === undefined) {
                inputs.__callerReferenceGenerated = true;
            } else {
                delete inputs.__callerReferenceGenerated;
            }
            // An adopted distribution keeps its own CallerReference: none is
            // generated for an adoption, nor later for a resource that was
            // adopted (its inputs never held one).
            if (declared === undefined && previous === undefined && (creating ? hasAdopt(news.adopt) : true)) {
                delete inputs.distributionConfig.CallerReference;
            }
            validateDistributionConfig(inputs.distributionConfig, failures);
        }
        const tagReasons = validateTags("tags", news.tags === UNKNOWN ? undefined : news.tags);
        for (const reason of tagReasons) {
            failures.push({ property: "tags", reason });
        }
        if (tagReasons.length === 0 && news.tags !== UNKNOWN) {
            validateDistributionTags(news.tags, failures);
        }
        for (const k of ["deleteTimeoutMinutes", "deployTimeoutMinutes"]) {
            const v = news[k];
            if (v !== undefined && v !== null && v !== UNKNOWN && !(typeof v === "number" && Number.isFinite(v) && v > 0)) {
                failures.push({ property: k, reason: `${k}: must be a positive number of minutes (got ${JSON.stringify(v)})` });
            }
        }
        const w = news.waitForDeployment;
        if (w !== undefined && w !== null && w !== UNKNOWN && typeof w !== "boolean") {
            failures.push({ property: "waitForDeployment", reason: "waitForDeployment: must be true or false" });
        }
        failures.push(...adopt.failures);
        if (failures.length === 0 && adoptOk && adopt.adoption) {
            await previewAdoption(inputs, adopt.adoption.id, adopt.adoption.mode, failures);
        }
        return { inputs, failures };
    },

    async diff(id: string, olds: Obj, news: Obj): Promise<pulumi.dynamic.DiffResult> {
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
        // would find the old one holding the reference and take it over.
        const deleteBeforeReplace = derived && nc.CallerReference !== undefined && sameReference(oc.CallerReference, nc.CallerReference);
        // The engine takes top-level input names.
        const result = { ...d, changes: changed.length > 0, changed, delta, replaces: d.replaces!.length > 0 ? ["distributionConfig"] : [], deleteBeforeReplace };
        return withVanished(olds, result, "distributionConfig");
    },

    async create(inputs: Obj): Promise<pulumi.dynamic.CreateResult> {
        return adoptOrCreate(
            "CloudFront distribution",
            adoptionOf(inputs),
            async (adoption) => {
                const found = await findDistribution(adoption.id);
                return found && adoptDistribution(inputs, found);
            },
            () => createDistribution(inputs),
        );
    },

    async read(id: string, props: Obj): Promise<pulumi.dynamic.ReadResult> {
        const d = await findDistribution(id);
        const tags = d ? await findTags(d.arn) : undefined;
        if (!d || tags === undefined) {
            return goneRead("CloudFront distribution", id, props);
        }
        return { id, props: outputsOf(props ?? {}, d, tags, previouslyOwned(props)) };
    },

    async update(id: string, olds: Obj, news: Obj): Promise<pulumi.dynamic.UpdateResult> {
        const desired = news.distributionConfig as Obj;
        let current: FoundDistribution | undefined;
        // CallerReference cannot change in place (a change replaces); the
        // stored one may be a step of the walk (<ref>.1) while the inputs keep <ref>.
        const previous = previouslyOwned(olds);
        const delta = configDelta(olds.distributionConfig, desired, previous);
        if (delta.length > 0) {
            progress(`CloudFront distribution ${id}: updating its configuration: ${describeChanges(delta)}`);
            // Sent only when the live configuration differs in what is owned now or was before (a field
            // newly declared with the value it already has is owned from now on, with no UpdateDistribution).
            const owned = [...new Set([...previous, ...declaredPaths(desired)])];
            const updated = await updateConfig(id, "updating", (live) =>
                configDelta(observedConfig(live, owned, false), desired, previous).length === 0 ? false : mergeOntoLive(live, desired, previous),
            );
            if (updated === false) {
                throw new AcklessError(`updating CloudFront distribution ${id}: it no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) to recreate it`, "NoSuchDistribution");
            }
        }
        current = await findDistribution(id);
        if (!current) {
            throw new AcklessError(`updating CloudFront distribution ${id}: it no longer exists; run \`pulumi up --refresh\` to recreate it`, "NoSuchDistribution");
        }
        const observed = (await findTags(current.arn)) ?? {};
        await applyTags(id, current.arn, observed, news.tags);
        const tags = reconciledTags(observed, news.tags);
        if (current.status !== "Deployed") {
            current = await settle(id, news, current, "waiting for the update to deploy");
        }
        return { outs: outputsOf({ ...news, adopted: olds.adopted, incarnation: olds.incarnation }, current, tags, declaredPaths(desired)) };
    },

    async delete(id: string, props: Obj): Promise<void> {
        await guardedDelete(KIND, "CloudFront distribution", id, props, () =>
            deleteDistribution(id, minutes(props?.deleteTimeoutMinutes, DEFAULT_DELETE_TIMEOUT_MINUTES), props),
        );
    },
};
