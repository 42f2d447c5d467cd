/**
 * cloudfront.Function, behaviour of its own: the generated name and its walk
 * (lifecycle R1), UpdateFunction and PublishFunction over a fresh ETag (412
 * re-reads), and the delete with its bounded FunctionInUse retry.
 */
import * as crypto from "crypto";
import { DeleteFunctionCommand, PublishFunctionCommand, UpdateFunctionCommand } from "@aws-sdk/client-cloudfront";
import { cloudfront } from "../../common/clients";
import { AcklessError, describeAwsError, isAwsError } from "../../common/errors";
import { identityToken, nthToken, tokenStep } from "../../common/identity";
import { ownedByNewerIncarnation } from "../../lifecycle/rules";
import { progress } from "../../common/log";
import { Deadline, now, pollDefaults, retrying } from "../../common/wait";
import { FunctionInputs, functionConfig, sameContent } from "./delta";
import { devEtag, distributionsUsing, encoder, findTags, readStage } from "./sdk";
import { inUseTimeoutMs } from "./wait";

export const KIND = "cloudfront:Function";

/** How many generated names create walks past completed functions (lifecycle R1). */
export const MAX_GENERATED_NAMES = 20;

/** Attempts on a 412 (stale ETag) before giving up. */
export const MAX_PRECONDITION_ATTEMPTS = 5;

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
 * Publishes DEVELOPMENT with `etag`. A 412 means either a stale ETag or
 * "nothing to publish" (DEVELOPMENT already equals LIVE, terraform-provider-aws
 * #49572): re-read both stages; equal means done, otherwise retry with the
 * fresh ETag (bounded). Returns the status AWS reported and the DEVELOPMENT
 * ETag that is now live.
 */
export async function publish(name: string, etag: string): Promise<{ status?: string; etag: string }> {
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
            progress(`publishing CloudFront function ${name} (DEVELOPMENT -> LIVE)`);
            const out = await cloudfront().send(new PublishFunctionCommand({ Name: name, IfMatch: ifMatch }));
            status = out.FunctionSummary?.Status;
        },
        (err) => isAwsError(err, "PreconditionFailed"),
        { maxAttempts: MAX_PRECONDITION_ATTEMPTS, delayMs: pollDefaults().minDelayMs, maxDelayMs: pollDefaults().maxDelayMs },
    ).catch((err) => {
        throw err instanceof AcklessError ? err : describeAwsError(`publishing CloudFront function "${name}"`, err);
    });
    return { status, etag: ifMatch };
}

/** UpdateFunction of the DEVELOPMENT stage with a fresh ETag; a 412 re-reads and retries. */
export async function updateDevelopment(name: string, inputs: FunctionInputs): Promise<{ etag: string; status?: string }> {
    let etag = "";
    let status: string | undefined;
    await retrying(
        async () => {
            const current = await devEtag(name);
            if (current === undefined) {
                throw new AcklessError(
                    `updating CloudFront function "${name}": it no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) to recreate it`,
                    "NoSuchFunctionExists",
                );
            }
            progress(`updating CloudFront function ${name} (DEVELOPMENT stage)`);
            const out = await cloudfront().send(
                new UpdateFunctionCommand({
                    Name: name,
                    IfMatch: current,
                    FunctionConfig: functionConfig(inputs),
                    FunctionCode: encoder.encode(inputs.code),
                }),
            );
            etag = out.ETag ?? "";
            status = out.FunctionSummary?.Status;
        },
        (err) => isAwsError(err, "PreconditionFailed"),
        { maxAttempts: MAX_PRECONDITION_ATTEMPTS, delayMs: pollDefaults().minDelayMs, maxDelayMs: pollDefaults().maxDelayMs },
    ).catch((err) => {
        throw err instanceof AcklessError ? err : describeAwsError(`updating CloudFront function "${name}"`, err);
    });
    return { etag, status };
}

export async function deleteNamed(id: string, props: any): Promise<void> {
    const name = id;
    if (props?.incarnation && props?.arn && ownedByNewerIncarnation("CloudFront function", name, props, await findTags(props.arn))) {
        return;
    }
    const deadline = new Deadline(inUseTimeoutMs());
    const started = now();
    const { minDelayMs, maxDelayMs } = pollDefaults();
    try {
        await retrying(
            async () => {
                const etag = await devEtag(name);
                if (etag === undefined) {
                    return; // gone means done
                }
                try {
                    await cloudfront().send(new DeleteFunctionCommand({ Name: name, IfMatch: etag }));
                } catch (err) {
                    if (isAwsError(err, "NoSuchFunctionExists")) {
                        return;
                    }
                    throw err;
                }
            },
            (err) => isAwsError(err, "FunctionInUse", "PreconditionFailed"),
            {
                maxAttempts: Number.MAX_SAFE_INTEGER,
                deadline,
                delayMs: minDelayMs,
                maxDelayMs,
                onRetry: (err, n) => {
                    if (isAwsError(err, "FunctionInUse") && (n === 1 || n % 10 === 0)) {
                        progress(
                            `deleting CloudFront function ${name}: still associated with a distribution after ` +
                                `${Math.round((now() - started) / 1000)} s; retrying until ${Math.round(inUseTimeoutMs() / 1000)} s`,
                        );
                    }
                },
            },
        );
    } catch (err) {
        if (isAwsError(err, "FunctionInUse")) {
            const arn: string = props?.arn || "";
            let users: string[] = [];
            try {
                users = arn ? await distributionsUsing(arn) : [];
            } catch {
                // best effort: the error below still names the function
            }
            throw new AcklessError(
                `deleting CloudFront function "${name}": AWS FunctionInUse after ${Math.round((now() - started) / 1000)} s: ` +
                    (users.length > 0
                        ? `still associated with distribution${users.length > 1 ? "s" : ""} ${users.join(", ")}; `
                        : "still associated with a distribution; ") +
                    `remove the function from their FunctionAssociations (or delete them) first`,
                "FunctionInUse",
                err,
            );
        }
        throw err instanceof AcklessError ? err : describeAwsError(`deleting CloudFront function "${name}"`, err);
    }
}
