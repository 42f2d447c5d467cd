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
