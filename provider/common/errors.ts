/**
 * AWS errors, named once. Every provider classifies AWS failures with these
 * helpers and surfaces the rest with their AWS code and a plain explanation.
 */

/** The parts of an AWS SDK v3 service exception ackless looks at. */
export interface AwsErrorShape {
    name?: string;
    Code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** The AWS error code of `err` (`error.name` in SDK v3), or undefined. */
export function awsCode(err: unknown): string | undefined {
    if (!err || typeof err !== "object") {
        return undefined;
    }
    const e = err as AwsErrorShape;
    return e.Code ?? e.name;
}

/** The HTTP status AWS answered with, or undefined (network errors). */
export function httpStatus(err: unknown): number | undefined {
    return (err as AwsErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/** True when `err` is an AWS error with one of `codes`. */
export function isAwsError(err: unknown, ...codes: string[]): boolean {
    const code = awsCode(err);
    return code !== undefined && codes.includes(code);
}

const networkCodes = new Set([
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EPIPE",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "TimeoutError",
    "RequestTimeout",
    "NetworkingError",
    "AbortError",
]);

/** Errors of the connection, not of AWS: the request may never have arrived. */
export function isNetworkError(code: string | undefined): boolean {
    return code !== undefined && networkCodes.has(code);
}

/** Plain explanations for the AWS codes users meet most often. */
const explanations: Record<string, string> = {
    InvalidClientTokenId: "the AWS access key is not valid; check AWS_ACCESS_KEY_ID or your profile",
    ExpiredToken: "the AWS session token has expired; refresh your credentials",
    PreconditionFailed: "the resource changed since it was read (stale ETag)",
    DistributionNotDisabled: "CloudFront deletes a distribution only once it is disabled and Deployed",
    FunctionInUse: "a distribution still associates this function",
    Throttling: "AWS throttled the requests; retried with backoff but still refused",
    ThrottlingException: "AWS throttled the requests; retried with backoff but still refused",
    RequestLimitExceeded: "AWS throttled the requests; retried with backoff but still refused",
    InvalidArgument: "CloudFront rejected a field of the request",
    InvalidParameterValue: "EC2 rejected a field of the request",
};

/** The page that lists, per command, the IAM actions ackless calls and why (policies in docs/iam/). */
export const IAM_DOCS = "docs/iam.md";

const DENIED_CODES = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"]);

/**
 * The plain explanation of a permission error: the missing action and the
 * resource when AWS names them ("... is not authorized to perform: <action>
 * on resource: <arn> ..."), and where the policies ackless needs are.
 */
export function explainDenied(message: string): string {
    const m = /not authorized to perform: (\S+?)(?: on resource: (\S+?))?(?:\s|$|\.\s|\.$)/.exec(message);
    const fix = `the policies ackless needs per command, with the reason for each action, are in ${IAM_DOCS}`;
    if (!m) {
        return `the credentials in use lack permission for this call; grant it in IAM (${fix})`;
    }
    const [, action, resource] = m;
    return `the credentials in use are missing IAM permission ${action}${resource ? ` on ${resource}` : ""}: allow it in their policy (${fix})`;
}

/** A credential or token provider's error saying the SSO session (its cached token) has expired or is invalid. */
function isExpiredSso(code: string | undefined, message: string): boolean {
    return (
        (code === "CredentialsProviderError" || code === "TokenProviderError" || code === "UnauthorizedException") &&
        /\bSSO\b.*(expired|invalid|refresh)|(expired|invalid).*\bSSO\b|token is expired/i.test(message)
    );
}

/** An Error that keeps the AWS code visible to the user. */
export class AcklessError extends Error {
    constructor(
        message: string,
        readonly awsCode?: string,
        readonly cause?: unknown,
    ) {
        super(message);
        this.name = "AcklessError";
    }
}

/** What goneOnUpdate makes: an update that found its resource deleted outside Pulumi. */
export class GoneOnUpdateError extends AcklessError {}

/** An update found the resource gone (deleted outside Pulumi since the last refresh): a refresh recreates it. */
export function goneOnUpdate(what: string, awsCode: string): AcklessError {
    return new GoneOnUpdateError(
        `updating ${what}: it no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) to recreate it`,
        awsCode,
    );
}

/**
 * Wraps an AWS failure as "<what>: AWS <Code> (HTTP n): <message>; <plain explanation>".
 * Network errors (no HTTP status) say so.
 */
export function describeAwsError(what: string, err: unknown): AcklessError {
    const code = awsCode(err);
    const status = httpStatus(err);
    const message = (err as AwsErrorShape | undefined)?.message ?? String(err);
    if (status === undefined) {
        const sysCode = (err as { code?: string } | undefined)?.code;
        if (isNetworkError(code) || isNetworkError(sysCode)) {
            return new AcklessError(`${what}: could not reach AWS (${code ?? sysCode}: ${message})`, code, err);
        }
        if (isExpiredSso(code, message)) {
            const profile = process.env.AWS_PROFILE;
            return new AcklessError(
                `${what}: your AWS SSO session has expired (${message}); sign in again with ` +
                    `\`aws sso login${profile ? ` --profile ${profile}` : ""}\`, then run the command again`,
                code,
                err,
            );
        }
        if (code === "CredentialsProviderError") {
            return new AcklessError(
                `${what}: no AWS credentials found (${message}); set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role is available`,
                code,
                err,
            );
        }
        return new AcklessError(`${what}: failed before AWS answered (${code ?? "Error"}: ${message})`, code, err);
    }
    const plain = code ? (DENIED_CODES.has(code) ? explainDenied(message) : explanations[code]) : undefined;
    return new AcklessError(`${what}: AWS ${code ?? "error"} (HTTP ${status}): ${message}${plain ? `; ${plain}` : ""}`, code, err);
}
