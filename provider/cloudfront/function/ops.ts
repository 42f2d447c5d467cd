/**
 * cloudfront.Function: the steps of create, update, delete and adoption on
 * top of the AWS calls (sdk.ts) and waits (wait.ts): UpdateFunction and
 * PublishFunction over a fresh ETag (412 re-reads), the delete with its
 * bounded FunctionInUse retry. The rules around them (what to take over, when
 * a delete may run) are the lifecycle driver's.
 */
import { AcklessError, describeAwsError, goneOnUpdate, isAwsError } from "../../common/errors";
import { progress } from "../../common/log";
import { diffFields, Obj } from "../../common/diff";
import { Tags, userTags } from "../../common/tags";
import { Deadline, pollDefaults, retrying } from "../../common/wait";
import { deleteWhileInUse } from "../../common/in-use";
import type { CreateAnswer, LifecycleTags } from "../../lifecycle/adapter";
import { INCARNATION_TAG, PENDING_CREATE_TAG } from "../../lifecycle/rules";
import { adoptionChanges, CONTENT_FIELDS, desiredContent, rules, sameContent, StageContent } from "./delta";
import {
    createFunctionCall,
    deleteFunctionCall,
    describeStage,
    devEtag,
    distributionsUsing,
    findFunction,
    functionArn,
    functionTags,
    liveEtag,
    publishFunctionCall,
    readStage,
    tagFunction,
    testFunctionCall,
    updateFunctionCall,
} from "./sdk";
import { describeFailure, FunctionTest, judge, TestAnswer, testsOf } from "./tests";
import type { FunctionInputs, FunctionOutputs, ObservedFunction } from "./types";
import { inUseTimeoutMs, waitLiveVisible } from "./wait";

/** Attempts on a 412 (stale ETag) before giving up. */
export const MAX_PRECONDITION_ATTEMPTS = 5;

const preconditionRetry = () => ({
    maxAttempts: MAX_PRECONDITION_ATTEMPTS,
    delayMs: pollDefaults().minDelayMs,
    maxDelayMs: pollDefaults().maxDelayMs,
});

/**
 * Publishes DEVELOPMENT with `etag`. A 412 means either a stale ETag or
 * "nothing to publish" (DEVELOPMENT already equals LIVE, terraform-provider-aws
 * #49572): re-read both stages; equal means done, otherwise retry with the
 * fresh ETag (bounded). Before each PublishFunction, `tests` run against
 * DEVELOPMENT with the very ETag that is then published (runTests): what is
 * published is what was tested. Returns the status AWS reported and the
 * DEVELOPMENT ETag that is now live.
 */
export async function publish(name: string, etag: string, tests: FunctionTest[] = []): Promise<{ status?: string; etag: string }> {
    let ifMatch = etag;
    let status: string | undefined;
    await retrying(
        async (n) => {
            if (n > 1) {
                const dev = await readStage(name, "DEVELOPMENT");
                if (!dev) {
                    throw new AcklessError(`CloudFront function "${name}" disappeared while publishing it`, "NoSuchFunctionExists");
                }
                ifMatch = dev.etag;
                if (sameContent(dev, await readStage(name, "LIVE"))) {
                    return; // someone (or an earlier attempt) already published it
                }
            }
            await runTests(name, ifMatch, tests);
            progress(`publishing CloudFront function ${name} (DEVELOPMENT -> LIVE)`);
            status = await publishFunctionCall(name, ifMatch);
        },
        (err) => isAwsError(err, "PreconditionFailed"),
        preconditionRetry(),
    ).catch((err) => {
        throw err instanceof AcklessError ? err : describeAwsError(`publishing CloudFront function "${name}"`, err);
    });
    return { status, etag: ifMatch };
}

/**
 * Runs each test with TestFunction against DEVELOPMENT over `etag`, all of
 * them, and throws FunctionTestFailed naming every failing one (its
 * differences, the function's error message and log lines). A 412 is thrown
 * as it is (publish() re-reads and tests the fresh ETag).
 */
export async function runTests(name: string, etag: string, tests: FunctionTest[]): Promise<void> {
    const failed: string[] = [];
    for (const test of tests) {
        progress(`testing CloudFront function ${name}: ${test.name}`);
        let answer: TestAnswer;
        try {
            answer = await testFunctionCall(name, etag, test.event);
        } catch (err) {
            if (isAwsError(err, "PreconditionFailed")) {
                throw err;
            }
            throw describeAwsError(`testing CloudFront function "${name}" (test "${test.name}") before publishing it; nothing was published`, err);
        }
        const problems = judge(test, answer);
        if (problems.length > 0) {
            failed.push(describeFailure(test, answer, problems));
        }
    }
    if (failed.length > 0) {
        throw new AcklessError(
            `CloudFront function "${name}" was not published: ${failed.length} of ${tests.length} test${tests.length > 1 ? "s" : ""} failed. ` +
                `LIVE keeps serving the code it had; DEVELOPMENT holds the new code, unpublished. Fix the code (or the test) and run pulumi up again.\n` +
                failed.join("\n"),
            "FunctionTestFailed",
        );
    }
}

/**
 * UpdateFunction of the DEVELOPMENT stage with a fresh ETag; a 412 re-reads and
 * retries. Fields the program does not own are sent with their live values.
 * Returns the new ETag and status, and the content sent.
 */
export async function updateDevelopment(name: string, inputs: FunctionInputs): Promise<{ etag: string; status?: string; content: StageContent }> {
    let result: { etag: string; status?: string; content: StageContent } = { etag: "", content: desiredContent(inputs) };
    await retrying(
        async () => {
            const current = await describeStage(name, "DEVELOPMENT");
            if (current === undefined) {
                throw goneOnUpdate(`CloudFront function "${name}"`, "NoSuchFunctionExists");
            }
            progress(`updating CloudFront function ${name} (DEVELOPMENT stage)`);
            const content = desiredContent(inputs, current);
            result = { ...(await updateFunctionCall(name, current.etag, content)), content };
        },
        (err) => isAwsError(err, "PreconditionFailed"),
        preconditionRetry(),
    ).catch((err) => {
        throw err instanceof AcklessError ? err : describeAwsError(`updating CloudFront function "${name}"`, err);
    });
    return result;
}

/**
 * One create with the name `name`: CreateFunction WITHOUT tags (CloudFront has
 * answered a create with tags with 409), then at once TagResource with the
 * user's tags and the lifecycle's (`ackless:pending-create`, `ackless:incarnation`).
 * A taken name answers its holder as read now.
 */
export async function createFunction(inputs: FunctionInputs, name: string, lifecycle: LifecycleTags): Promise<CreateAnswer<ObservedFunction>> {
    const dev = await createFunctionCall(name, inputs);
    if (dev === undefined) {
        return { heldBy: await findFunction(name) };
    }
    const tags = userTags(inputs.tags);
    const allTags = { ...tags, [PENDING_CREATE_TAG]: lifecycle.pendingCreate, [INCARNATION_TAG]: lifecycle.incarnation };
    try {
        await tagFunction(name, dev.arn, {}, allTags);
    } catch (err) {
        const e = err as AcklessError;
        if (inputs.publish !== false) {
            // Never published, holding this code and no incarnation: the next create takes it over (the adapter's markerOf).
            throw new AcklessError(
                `${e.message} (CloudFront function ${name} was created but not tagged; it was never published, so the next pulumi up takes it over)`,
                e.awsCode,
                err,
            );
        }
        // With publish: false nothing would tell it from a completed function: remove it.
        let cleaned = "it was deleted again";
        await deleteFunctionCall(name, dev.etag).catch((cause) => {
            cleaned = `deleting it failed too (${(cause as Error).message}); delete it by hand`;
        });
        throw new AcklessError(`${e.message} (CloudFront function ${name} was created but not tagged; ${cleaned})`, e.awsCode, err);
    }
    return { made: { name, dev, live: undefined, tags, systemTags: {}, allTags } };
}

/**
 * Brings a function this create made or took over (or adopted) to ready:
 * publishes DEVELOPMENT when `publish` is on and LIVE does not serve it, then
 * waits for the LIVE stage to show in reads (R5). Returns it as now observed.
 */
export async function settle(inputs: FunctionInputs, fn: ObservedFunction, deadline: Deadline): Promise<ObservedFunction> {
    if (inputs.publish === false || sameContent(fn.dev, fn.live)) {
        return fn;
    }
    const published = await publish(fn.name, fn.dev.etag, testsOf(inputs));
    const live = await waitLiveVisible(fn.name, deadline);
    const status = published.status ?? fn.dev.status;
    const dev = { ...fn.dev, etag: published.etag, status };
    return { ...fn, dev, live: { ...dev, etag: live } };
}

/**
 * Adoption and takeover: UpdateFunction when the DEVELOPMENT code or config
 * differs from the declared one; the user's tags reconciled (system tags
 * untouched) and `incarnation` tagged. Publishing is settle()'s. Returns the
 * function as now observed.
 */
export async function reconcile(inputs: FunctionInputs, fn: ObservedFunction, how: string, incarnation: string): Promise<ObservedFunction> {
    const name = fn.name;
    const changes = adoptionChanges(inputs, fn).filter((c) => c !== "publish DEVELOPMENT to LIVE");
    progress(`${how} CloudFront function ${name}${changes.length > 0 ? ` (${changes.join("; ")})` : ""}`);
    const contentChanged = !sameContent(desiredContent(inputs, fn.dev), fn.dev);
    if (contentChanged) {
        await updateDevelopment(name, inputs);
    }
    // A takeover of an untagged unfinished create (see markerOf) marks it now: it stays recognisable if this run fails too.
    const marker: Tags = how === "taking over" && fn.allTags[PENDING_CREATE_TAG] === undefined ? { [PENDING_CREATE_TAG]: name } : {};
    const tagged = await tagFunction(name, fn.dev.arn, fn.allTags, { ...userTags(inputs.tags), [INCARNATION_TAG]: incarnation, ...marker });
    if (!contentChanged && !tagged) {
        return fn;
    }
    const after = await findFunction(name);
    if (!after) {
        throw new AcklessError(`${how} CloudFront function "${name}": it disappeared meanwhile`, "NoSuchFunctionExists");
    }
    return after;
}

/** Update in place: UpdateFunction for content, PublishFunction when LIVE then differs, tags against the live ones. */
export async function update(id: string, olds: Obj, news: FunctionInputs): Promise<FunctionOutputs> {
    const inputs = news;
    const name = id;
    const changed = diffFields(olds, news, rules).changed;
    let etag: string = olds.etag ?? "";
    let status: string = olds.status ?? "";
    let contentChanged = false;
    // What DEVELOPMENT holds: as last observed (olds), with the declared fields applied once sent.
    let content = desiredContent(inputs, olds as StageContent);

    if (changed.some((f) => CONTENT_FIELDS.has(f))) {
        contentChanged = true;
        const out = await updateDevelopment(name, inputs);
        etag = out.etag;
        status = out.status ?? status;
        content = out.content;
    }

    // Is DEVELOPMENT now different from LIVE? Known without a read when the
    // last observation had LIVE == DEVELOPMENT (LIVE then holds the old
    // content): it differs exactly when we just changed the content.
    // Otherwise read LIVE and compare.
    let published: boolean;
    let live: string = olds.liveEtag ?? "";
    if (olds.published === true) {
        published = !contentChanged;
    } else if (contentChanged || inputs.publish !== false) {
        const liveStage = await readStage(name, "LIVE");
        live = liveStage?.etag ?? "";
        published = sameContent(content, liveStage);
        if (!contentChanged && !published && inputs.publish !== false) {
            // Publish drift only: publishing needs DEVELOPMENT's current ETag.
            etag = (await devEtag(name)) ?? etag;
        }
    } else {
        published = false;
    }

    if (inputs.publish !== false && !published) {
        const out = await publish(name, etag, testsOf(inputs));
        status = out.status ?? status;
        etag = out.etag;
        published = true;
        live = (await liveEtag(name)) ?? "";
    }

    let arn: string = olds.arn ?? "";
    if (changed.includes("tags")) {
        arn = arn || ((await functionArn(name)) ?? "");
        // Diff against the live tags, not the state: a tag changed outside
        // Pulumi since the last refresh is reconciled too.
        // Gone (deleted outside Pulumi): tagging it would only fail with AWS's 404.
        const live = await functionTags(name, arn);
        if (live === undefined) {
            throw goneOnUpdate(`CloudFront function "${name}"`, "NoSuchFunctionExists");
        }
        await tagFunction(name, arn, live, inputs.tags);
    }

    return {
        ...inputs,
        name,
        comment: content.comment,
        runtime: content.runtime,
        keyValueStoreAssociations: content.keyValueStoreAssociations,
        tags: userTags(inputs.tags),
        systemTags: olds.systemTags ?? {},
        arn,
        status,
        etag,
        liveEtag: live,
        published,
    };
}

/**
 * Deletes the function over a fresh ETag; gone at any point means done. AWS
 * answers FunctionInUse while a distribution still associates it (it lets go
 * once that distribution's update is deployed): retried until
 * ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS, then an error naming the distributions.
 */
export async function deleteNamed(name: string, props: Obj | undefined): Promise<void> {
    await deleteWhileInUse({
        what: `CloudFront function "${name}"`,
        inUseCode: "FunctionInUse",
        user: "distribution",
        fix: "remove the function from their FunctionAssociations (or delete them) first",
        timeoutMs: inUseTimeoutMs(),
        attempt: async () => {
            const etag = await devEtag(name);
            if (etag !== undefined) {
                await deleteFunctionCall(name, etag);
            }
        },
        users: async () => (props?.arn ? await distributionsUsing(String(props.arn)) : []),
    });
}
