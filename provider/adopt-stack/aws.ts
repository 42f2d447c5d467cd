/**
 * One wrapper for every AWS call the hand-over makes: a permission failure
 * becomes a plain message naming the missing IAM action, anything else goes
 * through describeAwsError.
 */
import { AcklessError, awsCode, describeAwsError, isAwsError } from "../common/errors";

const DENIED = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"];

/** Runs `fn`, the call of IAM action `action` (e.g. "cloudformation:DescribeStacks"), for `what`. */
export async function call<T>(action: string, what: string, fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } catch (e) {
        if (e instanceof AcklessError) {
            throw e;
        }
        const described = describeAwsError(what, e);
        if (isAwsError(e, ...DENIED)) {
            throw new AcklessError(
                `missing permission ${action}: the credentials in use may not call it (${what}); grant "${action}" in IAM and run again. ${described.message}`,
                awsCode(e),
                e,
            );
        }
        throw described;
    }
}

/** Runs a command's body with the AWS clients in `region` (they read AWS_REGION), then puts it back; an error is one line on stderr, exit 1. */
export async function inRegion(command: string, region: string, body: () => Promise<number>): Promise<number> {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = region;
    try {
        return await body();
    } catch (e) {
        process.stderr.write(`ackless ${command}: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
    } finally {
        if (saved === undefined) {
            delete process.env.AWS_REGION;
        } else {
            process.env.AWS_REGION = saved;
        }
    }
}
