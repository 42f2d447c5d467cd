/**
 * The CloudFormation side of the hand-over: find the stack, check it is in a
 * state that can be handed over, list its resources, and retire it
 * (DeletionPolicy: Retain on every resource, then DeleteStack).
 */
import {
    DeleteStackCommand,
    DescribeStackResourcesCommand,
    DescribeStacksCommand,
    GetTemplateCommand,
    Stack,
    StackResource,
    UpdateStackCommand,
} from "@aws-sdk/client-cloudformation";
import { cloudformation } from "../common/clients";
import { AcklessError, isAwsError } from "../common/errors";
import { Deadline, waitFor } from "../common/wait";
import { call } from "./aws";
import { retainEverything } from "./template";

/** States whose resources are settled and can be handed over. */
const SETTLED = new Set(["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"]);

/** The stack, or undefined when there is none of that name (or it is deleted). */
export async function findStack(name: string): Promise<Stack | undefined> {
    try {
        const out = await call("cloudformation:DescribeStacks", `describing stack "${name}"`, () =>
            cloudformation().send(new DescribeStacksCommand({ StackName: name })),
        );
        const stack = out.Stacks?.[0];
        return stack && stack.StackStatus !== "DELETE_COMPLETE" ? stack : undefined;
    } catch (e) {
        const cause = e instanceof AcklessError ? e.cause : e;
        if (isAwsError(cause, "ValidationError") && /does not exist/i.test((cause as Error).message ?? "")) {
            return undefined;
        }
        throw e;
    }
}

/** The stack, checked to exist and be settled; otherwise an error saying what to do. */
export async function settledStack(name: string, region: string): Promise<Stack> {
    const stack = await findStack(name);
    if (!stack) {
        throw new AcklessError(`stack "${name}" does not exist in region ${region}: check the name, and pass --region if it lives elsewhere`);
    }
    const status = stack.StackStatus ?? "UNKNOWN";
    if (SETTLED.has(status)) {
        return stack;
    }
    if (status.endsWith("_IN_PROGRESS")) {
        throw new AcklessError(
            `stack "${name}" is ${status}: an operation is under way; wait until it finishes (CREATE_COMPLETE, UPDATE_COMPLETE...) and run again`,
        );
    }
    if (status === "ROLLBACK_COMPLETE") {
        throw new AcklessError(
            `stack "${name}" is ROLLBACK_COMPLETE: its creation failed and CloudFormation deleted what it had created, so there is nothing to hand over; delete the stack`,
        );
    }
    throw new AcklessError(
        `stack "${name}" is in the failed state ${status}${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ""}: fix it in CloudFormation first (e.g. continue the rollback) and run again`,
    );
}

export async function stackResources(name: string): Promise<StackResource[]> {
    const out = await call("cloudformation:DescribeStackResources", `listing the resources of stack "${name}"`, () =>
        cloudformation().send(new DescribeStackResourcesCommand({ StackName: name })),
    );
    return out.StackResources ?? [];
}

/** The account id, from the stack's ARN (arn:aws:cloudformation:REGION:ACCOUNT:stack/...). */
export function accountOf(stack: Stack): string | undefined {
    return stack.StackId?.split(":")[4] || undefined;
}

export interface RetireOptions {
    timeoutMs: number;
    progress?: (message: string) => void;
}

export interface RetireResult {
    /** Logical ids given DeletionPolicy: Retain by this run (the others had it already). */
    retained: string[];
    stackId: string;
}

async function describeById(stackId: string): Promise<Stack | undefined> {
    return findStack(stackId);
}

/**
 * Lets CloudFormation go without deleting anything: sets DeletionPolicy:
 * Retain on every resource of the template (UpdateStack, previous parameter
 * values, wait for UPDATE_COMPLETE), checks the stored template now retains
 * every resource, then deletes the stack and waits until it is gone.
 */
export async function retireStack(stack: Stack, options: RetireOptions): Promise<RetireResult> {
    const name = stack.StackName!;
    const stackId = stack.StackId!;
    const deadline = new Deadline(options.timeoutMs);
    const say = options.progress ?? (() => undefined);

    const original = await call("cloudformation:GetTemplate", `reading the template of stack "${name}"`, () =>
        cloudformation().send(new GetTemplateCommand({ StackName: stackId, TemplateStage: "Original" })),
    );
    const { body, retained } = retainEverything(original.TemplateBody ?? "");
    if (retained.length > 0) {
        say(`setting DeletionPolicy: Retain on ${retained.length} resource(s) of stack "${name}" (UpdateStack)`);
        if (Buffer.byteLength(body) > 51_200) {
            throw new AcklessError(
                `the template of stack "${name}" with DeletionPolicy: Retain is ${Buffer.byteLength(body)} bytes, over the 51,200 bytes UpdateStack accepts inline; add DeletionPolicy: Retain yourself (through S3) and run again`,
            );
        }
        try {
            await call("cloudformation:UpdateStack", `updating stack "${name}" to retain its resources`, () =>
                cloudformation().send(
                    new UpdateStackCommand({
                        StackName: stackId,
                        TemplateBody: body,
                        Parameters: (stack.Parameters ?? []).map((p) => ({ ParameterKey: p.ParameterKey, UsePreviousValue: true })),
                        Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
                    }),
                ),
            );
        } catch (e) {
            const cause = e instanceof AcklessError ? e.cause : e;
            if (!(isAwsError(cause, "ValidationError") && /no updates are to be performed/i.test((cause as Error).message ?? ""))) {
                throw e;
            }
        }
        const updated = await waitFor(
            `waiting for stack "${name}" to finish its update`,
            () => describeById(stackId),
            (s) => !s || !(s.StackStatus ?? "").endsWith("_IN_PROGRESS"),
            (s) => s?.StackStatus ?? "gone",
            deadline,
            { progress: say },
        );
        if (!updated || !["UPDATE_COMPLETE"].includes(updated.StackStatus ?? "")) {
            throw new AcklessError(
                `stack "${name}" did not take DeletionPolicy: Retain: it is ${updated?.StackStatus ?? "gone"}${updated?.StackStatusReason ? ` (${updated.StackStatusReason})` : ""}; nothing was deleted`,
            );
        }
    }
    // Never delete a stack whose stored template still deletes something.
    // (the processed stage: what macros such as AWS::Serverless expand to)
    const stored = await call("cloudformation:GetTemplate", `reading the template of stack "${name}"`, () =>
        cloudformation().send(new GetTemplateCommand({ StackName: stackId, TemplateStage: "Processed" })),
    );
    const left = retainEverything(stored.TemplateBody ?? "").retained;
    if (left.length > 0) {
        throw new AcklessError(
            `stack "${name}" still has resources without DeletionPolicy: Retain after the update (${left.join(", ")}); the stack was not deleted`,
        );
    }
    say(`deleting stack "${name}" (every resource is retained)`);
    await call("cloudformation:DeleteStack", `deleting stack "${name}"`, () => cloudformation().send(new DeleteStackCommand({ StackName: stackId })));
    const last = await waitFor(
        `waiting for stack "${name}" to be deleted`,
        () => describeById(stackId),
        (s) => !s || !(s.StackStatus ?? "").endsWith("_IN_PROGRESS"),
        (s) => s?.StackStatus ?? "gone",
        deadline,
        { progress: say },
    );
    if (last) {
        throw new AcklessError(
            `stack "${name}" was not deleted: it is ${last.StackStatus}${last.StackStatusReason ? ` (${last.StackStatusReason})` : ""}; its resources are retained`,
        );
    }
    return { retained, stackId };
}
