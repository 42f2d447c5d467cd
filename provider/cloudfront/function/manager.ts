/**
 * cloudfront.Function: the six provider methods behind the public resource
 * (index.ts), wired to the lifecycle rules. Loaded by the stored delegating provider through the
 * registry, inside the dynamic-provider host.
 *
 * Layout (same vocabulary as every ackless resource):
 *   - validate / check  : bad input rejected at preview, naming the field
 *   - findFunction      : "does it exist and what is it" (both stages, tags)
 *   - readStage         : one stage, read with an explicit Stage
 *   - publishIfNeeded   : publish only when DEVELOPMENT differs from LIVE
 *   - deleteFunction    : fresh ETag, bounded FunctionInUse retry
 *   - diff via diffFields, tags via common/tags
 *
 * Lifecycle (../../common/lifecycle.ts). A generated name is derived from the
 * resource's identity (`<prefix>-<hash>`), so a create retried after a
 * killed run finds its first attempt. CloudFront functions carry no tags of
 * their own in AWS's model, so the unfinished-create marker (R1) is the
 * function's state: create publishes last, and a function with this name
 * that was never published, holding the declared code (any code, for a
 * generated name), is an unfinished create and is taken over. A published
 * one is complete: a generated name walks to `<name>_1`, `<name>_2`...; a
 * declared name fails with the fix.
 */
import type * as pulumi from "@pulumi/pulumi";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-cloudfront";
import { cloudfront } from "../../common/clients";
import { diffFields, FieldDiff, UNKNOWN } from "../../common/diff";
import { AcklessError, describeAwsError, isAwsError } from "../../common/errors";
import { progress, warn } from "../../common/log";
import { adoptionOf, adoptOrCreate, AdoptMode, findForAdoption, checkAdopt, logAdoptionPlan } from "../../lifecycle/adopt";
import { userTags, validateTags } from "../../common/tags";
import {
    adoptedOutputs,
    adoptionAllowed,
    claim,
    goneRead,
    guardedDelete,
    INCARNATION_TAG,
    newIncarnation,
    withVanished,
} from "../../lifecycle/rules";
import {
    adoptionChanges,
    CONTENT_FIELDS,
    desiredContent,
    FunctionInputs,
    FunctionOutputs,
    functionConfig,
    isUnknown,
    ObservedFunction,
    outputsOf,
    rules,
    sameContent,
} from "./delta";
import { autoName, deleteNamed, KIND, MAX_GENERATED_NAMES, nthName, publish, updateDevelopment } from "./hooks";
import { arnOf, devEtag, encoder, findFunction, findTags, liveEtag, readStage } from "./sdk";
import { applyTags } from "./tags";
import { checkAgainstModel, DEFAULT_RUNTIME, MAX_CODE_BYTES, NAME_PATTERN, RUNTIMES, syntaxError } from "./validate";
import { waitLiveVisible } from "./wait";

export type { FunctionInputs, FunctionOutputs, ObservedFunction, StageView } from "./delta";
export { autoName, MAX_GENERATED_NAMES, MAX_PRECONDITION_ATTEMPTS } from "./hooks";
export { distributionsUsing, findFunction, readStage } from "./sdk";
export { DEFAULT_RUNTIME, MAX_CODE_BYTES, NAME_PATTERN, RUNTIMES, syntaxError } from "./validate";
export { inUseTimeoutMs } from "./wait";

export async function check(olds: any, news: any): Promise<pulumi.dynamic.CheckResult> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Record<string, any> = { ...news };

    // adopt: only a create adopts; on an existing resource it is ignored (and
    // dropped from the inputs, so a replacement never adopts a stale name).
    // R3 (common/lifecycle): only a first create adopts; a replacement never does.
    const creating = adoptionAllowed(olds, news.__identity);
    const adopt = checkAdopt(news.adopt, "a CloudFront function name ([A-Za-z0-9_-]{1,64})", NAME_PATTERN);
    failures.push(...adopt.failures);
    if (!creating) {
        delete inputs.adopt;
    }

    // name: explicit, else kept from the previous inputs, else the adopted
    // function's name, else auto-named.
    delete inputs.__nameGenerated;
    if (inputs.name === undefined || inputs.name === null || inputs.name === "") {
        if (typeof olds?.name === "string" && olds.name) {
            inputs.name = olds.name;
            if (olds.__nameGenerated === true) {
                inputs.__nameGenerated = true;
            }
        } else if (creating && adopt.adoption) {
            inputs.name = adopt.adoption.id;
        } else if ((creating && adopt.unknown) || isUnknown(news.__identity)) {
            inputs.name = UNKNOWN;
        } else {
            inputs.name = autoName(String(news.autoNamePrefix ?? ""), news.__identity);
            inputs.__nameGenerated = true;
        }
    } else if (!isUnknown(inputs.name) && (typeof inputs.name !== "string" || !NAME_PATTERN.test(inputs.name))) {
        fail("name", `name "${inputs.name}" is not valid: use 1 to 64 letters, digits, hyphens or underscores ([A-Za-z0-9_-]{1,64})`);
    } else if (creating && adopt.adoption && !isUnknown(inputs.name) && inputs.name !== adopt.adoption.id) {
        fail(
            "name",
            `name "${inputs.name}" differs from adopt.id "${adopt.adoption.id}": a function is adopted by its name; ` +
                `set name to "${adopt.adoption.id}" or omit it`,
        );
    }

    if (inputs.runtime === undefined || inputs.runtime === null) {
        inputs.runtime = DEFAULT_RUNTIME;
    } else if (!isUnknown(inputs.runtime) && !(RUNTIMES as readonly string[]).includes(inputs.runtime)) {
        fail("runtime", `runtime "${inputs.runtime}" is not known: use one of ${RUNTIMES.join(", ")} (default ${DEFAULT_RUNTIME})`);
    }

    if (!isUnknown(inputs.code)) {
        if (typeof inputs.code !== "string" || inputs.code.length === 0) {
            fail("code", "code is required: the function's JavaScript source");
        } else {
            const bytes = Buffer.byteLength(inputs.code, "utf8");
            if (bytes > MAX_CODE_BYTES) {
                fail("code", `code is ${bytes} bytes; CloudFront accepts at most ${MAX_CODE_BYTES} bytes (10 KB): shorten or minify it`);
            }
            const syntax = syntaxError(inputs.code);
            if (syntax) {
                fail("code", `code has a JavaScript syntax error at ${syntax}`);
            }
        }
    }

    if (inputs.comment === undefined || inputs.comment === null) {
        inputs.comment = "";
    } else if (!isUnknown(inputs.comment) && typeof inputs.comment !== "string") {
        fail("comment", "comment must be a string");
    }

    if (inputs.keyValueStoreAssociations === undefined || inputs.keyValueStoreAssociations === null) {
        inputs.keyValueStoreAssociations = [];
    } else if (!isUnknown(inputs.keyValueStoreAssociations)) {
        const kvs = inputs.keyValueStoreAssociations;
        if (!Array.isArray(kvs)) {
            fail("keyValueStoreAssociations", "keyValueStoreAssociations must be a list of key value store ARNs");
        } else {
            kvs.forEach((arn: unknown, i: number) => {
                if (!isUnknown(arn) && (typeof arn !== "string" || !arn.startsWith("arn:"))) {
                    fail(`keyValueStoreAssociations[${i}]`, `"${String(arn)}" is not an ARN (arn:aws:cloudfront::ACCOUNT:key-value-store/ID)`);
                }
            });
        }
    }

    if (inputs.publish === undefined || inputs.publish === null) {
        inputs.publish = true;
    } else if (!isUnknown(inputs.publish) && typeof inputs.publish !== "boolean") {
        fail("publish", "publish must be true or false");
    }

    if (inputs.tags === undefined || inputs.tags === null) {
        inputs.tags = {};
    } else if (!isUnknown(inputs.tags)) {
        for (const reason of validateTags("tags", inputs.tags)) {
            fail("tags", reason);
        }
    }

    if (failures.length === 0) {
        checkAgainstModel(inputs, fail);
    }

    // Keep the ARN among the inputs once the function exists. The dynamic
    // provider host does not preview updates, so during a preview the engine
    // shows a resource's new inputs as its outputs: without this, every code
    // change would make `arn` unknown and every distribution associating it
    // would show a spurious change.
    delete inputs.arn;
    if (failures.length === 0 && typeof olds?.name === "string" && olds.name === inputs.name) {
        inputs.arn = typeof olds.arn === "string" && olds.arn ? olds.arn : await arnOf(inputs.name);
        if (!inputs.arn) {
            delete inputs.arn;
        }
    }
    if (failures.length === 0 && creating && adopt.adoption) {
        await previewAdoption(inputs as FunctionInputs, adopt.adoption.id, adopt.adoption.mode, failures);
    }

    return { inputs, failures };
}

/**
 * Preview of an adoption: a read-only look at the function named by adopt.id,
 * logged as "will adopt <name>: changes: ...". A missing function fails the
 * check in mode "adopt" (nothing is created).
 */
async function previewAdoption(
    inputs: FunctionInputs,
    name: string,
    mode: AdoptMode,
    failures: pulumi.dynamic.CheckFailure[],
): Promise<void> {
    const found = await findForAdoption("CloudFront function", name, mode, failures, () => findFunction(name));
    if (!found) {
        return;
    }
    // Known now: keep it among the inputs so dependents see it at preview.
    inputs.arn = found.dev.arn;
    logAdoptionPlan("CloudFront function", name, adoptionChanges(inputs, found));
}

/**
 * Adoption in create: UpdateFunction when the DEVELOPMENT code or config
 * differs from the declared one, publish when asked and LIVE differs, user
 * tags reconciled (system tags untouched), then the function as observed.
 */
async function adoptFunction(inputs: FunctionInputs, found: ObservedFunction, takeover = false): Promise<pulumi.dynamic.CreateResult> {
    const name = found.name;
    const changes = adoptionChanges(inputs, found);
    progress(`${takeover ? "taking over" : "adopting"} CloudFront function ${name}${changes.length > 0 ? ` (${changes.join("; ")})` : ""}`);
    const want = desiredContent(inputs);
    let etag = found.dev.etag;
    let contentChanged = false;
    if (!sameContent(want, found.dev)) {
        etag = (await updateDevelopment(name, inputs)).etag;
        contentChanged = true;
    }
    if (inputs.publish !== false && (contentChanged || !sameContent(want, found.live))) {
        await publish(name, etag);
    }
    // Functions take tags since 2026 (TagResource on the function ARN): the incarnation goes on as a tag (lifecycle R2).
    const incarnation = newIncarnation();
    await applyTags(found.dev.arn, found.tags, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation });
    const after = await findFunction(name);
    if (!after) {
        throw new AcklessError(`adopting CloudFront function "${name}": it disappeared while being adopted`, "NoSuchFunctionExists");
    }
    progress(`CloudFront function ${name} ${takeover ? "taken over" : "adopted"}`);
    const outs = { ...outputsOf(inputs, after), name, incarnation: claim(KIND, name, takeover ? "took over" : "adopted", incarnation) };
    return { id: name, outs: takeover ? outs : adoptedOutputs(outs) };
}

export async function create(inputs: FunctionInputs): Promise<pulumi.dynamic.CreateResult> {
    const adoption = adoptionOf(inputs);
    return adoptOrCreate(
        "CloudFront function",
        adoption && adoption.id === inputs.name ? adoption : undefined,
        async () => {
            const found = await findFunction(inputs.name);
            return found && adoptFunction(inputs, found);
        },
        () => createFunction(inputs),
    );
}

/** A new function: the name, or for a generated name the first free step of its walk. */
async function createFunction(inputs: FunctionInputs): Promise<pulumi.dynamic.CreateResult> {
    const generated = inputs.__nameGenerated === true;
    const steps = generated ? MAX_GENERATED_NAMES : 1;
    for (let n = 0; n < steps; n++) {
        const name = nthName(inputs.name, n);
        const made = await createNamed(name, inputs);
        if (made) {
            return made;
        }
        // R1: a holder that is not an unfinished create of this resource.
        const holder = await findFunction(name);
        if (holder && isUnfinishedCreate(holder, inputs, generated)) {
            progress(
                `CloudFront function ${name} already exists, unpublished, as an interrupted earlier create of this resource left it: ` +
                    `taking it over instead of creating a second one`,
            );
            return adoptFunction({ ...inputs, name }, holder, true);
        }
        if (!generated) {
            throw new AcklessError(
                `creating CloudFront function "${name}": a function with this name already exists in the account` +
                    `${holder?.live ? " and is published" : ""}, and it is not an unfinished create of this resource. ` +
                    `If it is yours, take it over with adopt: { id: "${name}" }; if this is a replacement of a function with a declared ` +
                    `name, the old one must go first: set the deleteBeforeReplace resource option; otherwise choose another name ` +
                    `(or omit name to get a generated one)`,
                "FunctionAlreadyExists",
            );
        }
        progress(`CloudFront function ${name} is a completed function (another incarnation of this resource); trying ${nthName(inputs.name, n + 1)}`);
    }
    throw new AcklessError(
        `creating CloudFront function: the ${MAX_GENERATED_NAMES} generated names of this resource (${inputs.name}, ${nthName(inputs.name, 1)}, ...) ` +
            `are all taken by other functions; declare a name`,
        "FunctionAlreadyExists",
    );
}

/**
 * R1 for functions: create publishes last, so a function never published is
 * an unfinished create, when it holds this resource's code (a generated name
 * is this resource's own, so any code). A function made with publish: false
 * cannot be told apart, and is never taken over.
 */
function isUnfinishedCreate(holder: ObservedFunction, inputs: FunctionInputs, generated: boolean): boolean {
    return inputs.publish !== false && !holder.live && (generated || holder.dev.code === inputs.code);
}

/** CreateFunction, publish, tag: the create itself. Undefined when the name is taken (FunctionAlreadyExists). */
async function createNamed(name: string, inputs: FunctionInputs): Promise<pulumi.dynamic.CreateResult | undefined> {
    const cf = cloudfront();
    let created;
    try {
        created = await cf.send(
            new CreateFunctionCommand({ Name: name, FunctionConfig: functionConfig(inputs), FunctionCode: encoder.encode(inputs.code) }),
        );
    } catch (err) {
        if (isAwsError(err, "FunctionAlreadyExists")) {
            return undefined;
        }
        throw describeAwsError(`creating CloudFront function "${name}"`, err);
    }
    const arn = created.FunctionSummary?.FunctionMetadata?.FunctionARN ?? "";
    let etag = created.ETag ?? "";
    let status = created.FunctionSummary?.Status ?? "UNPUBLISHED";
    let live = "";
    const tags = userTags(inputs.tags);
    const incarnation = newIncarnation();
    try {
        if (inputs.publish !== false) {
            // At once, with the ETag CreateFunction just returned: no second pass.
            const published = await publish(name, etag);
            status = published.status ?? status;
            etag = published.etag;
            // R5: a just-created function's LIVE stage may read NotFound for a while.
            live = await waitLiveVisible(name);
        }
        await applyTags(arn, {}, { ...tags, [INCARNATION_TAG]: incarnation });
    } catch (err) {
        // Pulumi records nothing for a failed create: do not leave an orphan
        // behind that would block the next attempt with FunctionAlreadyExists.
        await rollback(name);
        throw err;
    }
    const outs: FunctionOutputs = {
        ...inputs,
        name,
        tags,
        systemTags: {},
        arn,
        status,
        etag,
        liveEtag: live,
        published: inputs.publish !== false,
        incarnation: claim(KIND, name, "created", incarnation),
    };
    return { id: name, outs };
}

/** Best-effort removal of a function whose create failed half-way. */
async function rollback(name: string): Promise<void> {
    try {
        const etag = await devEtag(name);
        if (etag !== undefined) {
            await cloudfront().send(new DeleteFunctionCommand({ Name: name, IfMatch: etag }));
        }
    } catch {
        progress(`could not remove CloudFront function ${name} after its create failed; delete it by hand`);
    }
}

export async function read(id: string, props: any): Promise<pulumi.dynamic.ReadResult> {
    const observed = await findFunction(id);
    if (!observed) {
        return goneRead("CloudFront function", id, props);
    }
    const { vanished: _vanished, ...known } = (props ?? {}) as Record<string, any>;
    const outs = outputsOf(known as FunctionInputs, observed);
    if (typeof props?.code === "string" && props.code !== outs.code) {
        warn(`CloudFront function ${id}: its DEVELOPMENT code was changed outside Pulumi; the next up restores the program's code`);
    }
    if (props?.publish !== false && !outs.published) {
        warn(
            `CloudFront function ${id}: the LIVE stage does not serve the DEVELOPMENT code ` +
                `(${observed.live ? "updated without publishing, or something else was published" : "never published"}); the next up publishes`,
        );
    }
    return { id, props: outs };
}

export async function diff(_id: string, olds: any, news: any): Promise<FieldDiff> {
    const result = withVanished(olds, diffFields(olds ?? {}, news ?? {}, rules), "name");
    // Drift: publish is on but LIVE does not serve DEVELOPMENT (updated without
    // publishing, or something else published): the next up publishes.
    if ((news?.publish ?? true) !== false && olds?.published === false && !result.changed.includes("publish")) {
        return { ...result, changes: true, changed: [...result.changed, "published"] };
    }
    return result;
}

export async function update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult> {
    const inputs = news as FunctionInputs;
    const name = id;
    const changed = diffFields(olds ?? {}, news ?? {}, rules).changed;
    let etag: string = olds?.etag ?? "";
    let status: string = olds?.status ?? "";
    let contentChanged = false;

    if (changed.some((f) => CONTENT_FIELDS.has(f))) {
        contentChanged = true;
        const out = await updateDevelopment(name, inputs);
        etag = out.etag;
        status = out.status ?? status;
    }

    // Is DEVELOPMENT now different from LIVE? Known without a read when the
    // last observation had LIVE == DEVELOPMENT (LIVE then holds the old
    // content): it differs exactly when we just changed the content.
    // Otherwise read LIVE and compare.
    let published: boolean;
    let live: string = olds?.liveEtag ?? "";
    if (olds?.published === true) {
        published = !contentChanged;
    } else if (contentChanged || inputs.publish !== false) {
        const desired = {
            code: inputs.code,
            comment: inputs.comment,
            runtime: inputs.runtime,
            keyValueStoreAssociations: inputs.keyValueStoreAssociations,
        };
        const liveStage = await readStage(name, "LIVE");
        live = liveStage?.etag ?? "";
        published = sameContent(desired, liveStage);
        if (!contentChanged && !published && inputs.publish !== false) {
            // Publish drift only: publishing needs DEVELOPMENT's current ETag.
            etag = (await devEtag(name)) ?? etag;
        }
    } else {
        published = false;
    }

    if (inputs.publish !== false && !published) {
        const out = await publish(name, etag);
        status = out.status ?? status;
        etag = out.etag;
        published = true;
        live = await liveEtag(name);
    }

    let arn: string = olds?.arn ?? "";
    if (changed.includes("tags")) {
        arn = arn || ((await readStage(name, "DEVELOPMENT"))?.arn ?? "");
        // Diff against the live tags, not the state: a tag changed outside
        // Pulumi since the last refresh is reconciled too.
        await applyTags(arn, (await findTags(arn)) ?? olds?.tags, inputs.tags);
    }

    const outs: FunctionOutputs = {
        ...inputs,
        name,
        tags: userTags(inputs.tags),
        systemTags: olds?.systemTags ?? {},
        arn,
        status,
        etag,
        liveEtag: live,
        published,
        // Lifecycle outputs carry over (never as undefined: the engine rejects undefined values).
        ...(olds?.adopted === true ? { adopted: true } : {}),
        ...(typeof olds?.incarnation === "string" ? { incarnation: olds.incarnation } : {}),
    };
    return { outs };
}

export async function deleteFunction(id: string, props: any): Promise<void> {
    await guardedDelete(KIND, "CloudFront function", id, props, () => deleteNamed(id, props));
}

export const provider = {
    check,
    diff,
    create,
    read,
    update,
    delete: deleteFunction,
};
