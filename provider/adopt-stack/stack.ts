/**
 * The CloudFormation side of the hand-over: find the stack, check it is in a
 * state that can be handed over, list its resources, and retire it
 * (DeletionPolicy and UpdateReplacePolicy: Retain on every resource through
 * a change set that must change nothing else, then DeleteStack).
 */
import {
    Change,
    CreateChangeSetCommand,
    DeleteChangeSetCommand,
    DeleteStackCommand,
    DescribeChangeSetCommand,
    DescribeChangeSetCommandOutput,
    DescribeStacksCommand,
    ExecuteChangeSetCommand,
    GetTemplateCommand,
    ListStackResourcesCommand,
    Stack,
    StackResourceSummary,
} from "@aws-sdk/client-cloudformation";
import { cloudformation } from "../common/clients";
import { AcklessError, isAwsError } from "../common/errors";
import { Deadline, waitFor } from "../common/wait";
import { call } from "./aws";
import { deletedOnStackDelete, POLICIES, retainEverything } from "./template";

/** States whose resources are settled and can be handed over. */
const SETTLED = new Set(["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"]);

export const NESTED_STACK = "AWS::CloudFormation::Stack";

/** The largest template UpdateStack / CreateChangeSet accept inline (TemplateBody). */
const INLINE_TEMPLATE_BYTES = 51_200;

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
    if (status === "REVIEW_IN_PROGRESS") {
        // Not an operation that finishes by itself: waiting would never help.
        throw new AcklessError(
            `stack "${name}" is REVIEW_IN_PROGRESS: it was made by a change set (type CREATE) that was never executed, so it has no resources ` +
                `and nothing to hand over; execute that change set (aws cloudformation list-change-sets --stack-name ${name}, then execute-change-set) ` +
                `and run again once the stack is CREATE_COMPLETE, or delete the stack if it is not wanted`,
        );
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

/** Every resource of the stack (ListStackResources, all pages: DescribeStackResources stops at 100). */
export async function stackResources(name: string): Promise<StackResourceSummary[]> {
    const all: StackResourceSummary[] = [];
    let token: string | undefined;
    do {
        const out = await call("cloudformation:ListStackResources", `listing the resources of stack "${name}"`, () =>
            cloudformation().send(new ListStackResourcesCommand({ StackName: name, NextToken: token })),
        );
        all.push(...(out.StackResourceSummaries ?? []));
        token = out.NextToken || undefined;
    } while (token);
    return all;
}

/** The stack's processed template (what macros expand to), as text; "" when there is none. */
export async function stackTemplate(name: string): Promise<string> {
    const out = await call("cloudformation:GetTemplate", `reading the template of stack "${name}"`, () =>
        cloudformation().send(new GetTemplateCommand({ StackName: name, TemplateStage: "Processed" })),
    );
    return out?.TemplateBody ?? "";
}

/** The account id, from the stack's ARN (arn:aws:cloudformation:REGION:ACCOUNT:stack/...). */
export function accountOf(stack: Stack): string | undefined {
    return stack.StackId?.split(":")[4] || undefined;
}

/** A stack's name from its id (arn:...:stack/NAME/uuid), or the id itself. */
export function stackNameOf(id: string): string {
    return /:stack\/([^/]+)\//.exec(id)?.[1] ?? id;
}

/** Nested stacks still owning resources (not deleted). */
export function nestedStacks(resources: StackResourceSummary[]): StackResourceSummary[] {
    return resources.filter((r) => r.ResourceType === NESTED_STACK && r.ResourceStatus !== "DELETE_COMPLETE");
}

export interface RetireOptions {
    timeoutMs: number;
    progress?: (message: string) => void;
    /** The stack's resources when the caller listed them already. */
    resources?: StackResourceSummary[];
}

export interface RetireResult {
    /** Logical ids given the Retain policies by this run (the others had them already). */
    retained: string[];
    stackId: string;
}

/** Waits until the stack's operation ends: the stack as it is then, or undefined once it is gone. */
function settled(stackId: string, step: string, deadline: Deadline, say: (m: string) => void): Promise<Stack | undefined> {
    return waitFor(
        step,
        () => findStack(stackId),
        (s) => !s || !(s.StackStatus ?? "").endsWith("_IN_PROGRESS"),
        (s) => s?.StackStatus ?? "gone",
        deadline,
        { progress: say },
    );
}

/** Refuses a stack with nested stacks: retiring it would leave them owning their resources. */
function refuseNested(name: string, resources: StackResourceSummary[]): void {
    const nested = nestedStacks(resources);
    if (nested.length === 0) {
        return;
    }
    const names = nested.map((r) => stackNameOf(r.PhysicalResourceId ?? r.LogicalResourceId ?? "?"));
    throw new AcklessError(
        `stack "${name}" has nested stack(s) ${nested.map((r, i) => `${r.LogicalResourceId} (${names[i]})`).join(", ")}: ` +
            `--retire-stack does not retire nested stacks, and deleting "${name}" alone would leave them owning their resources; nothing was changed. ` +
            `Hand each one over first with ${names.map((n) => `\`ackless adopt-stack ${n}\``).join(", ")} (then pulumi up); ` +
            `then, through an update of "${name}", give every resource of "${name}" and of the nested templates DeletionPolicy: Retain and UpdateReplacePolicy: Retain, ` +
            `delete "${name}", and delete each nested stack left behind`,
    );
}

const POLICY_ATTRIBUTES = new Set<string>(POLICIES);

/** True for a change that only sets DeletionPolicy / UpdateReplacePolicy: the resource itself is untouched. */
export function onlyPolicies(change: Change): boolean {
    const rc = change.ResourceChange;
    if ((change.Type ?? "Resource") !== "Resource" || !rc || rc.Action !== "Modify") {
        return false;
    }
    const scope = rc.Scope ?? [];
    return (
        (rc.Replacement ?? "False") === "False" &&
        (rc.PolicyAction === undefined || rc.PolicyAction === "Retain") &&
        scope.length > 0 &&
        scope.every((s) => POLICY_ATTRIBUTES.has(s)) &&
        (rc.Details ?? []).every((d) => POLICY_ATTRIBUTES.has(d.Target?.Attribute ?? ""))
    );
}

/** One line per change: action, logical id, type, physical id, replacement, what triggers it. */
export function describeChange(change: Change): string {
    const rc = change.ResourceChange ?? {};
    const causes = (rc.Details ?? []).map((d) => {
        const t = d.Target ?? {};
        const what = [t.Attribute, t.Name].filter(Boolean).join(".");
        return `${what}${d.ChangeSource ? ` by ${d.ChangeSource}${d.CausingEntity ? ` ${d.CausingEntity}` : ""}` : ""}`;
    });
    return (
        `${rc.Action ?? change.Type ?? "?"} ${rc.LogicalResourceId ?? "?"} (${rc.ResourceType ?? "?"})${rc.PhysicalResourceId ? ` ${rc.PhysicalResourceId}` : ""}` +
        `: replacement ${rc.Replacement ?? "n/a"}` +
        (rc.PolicyAction ? `, ${rc.PolicyAction}` : "") +
        (rc.Scope?.length ? `, scope ${rc.Scope.join("/")}` : "") +
        (causes.length ? ` (${causes.join(", ")})` : "")
    );
}

/** The change set with every page of its Changes. */
async function describeChangeSet(name: string, changeSetId: string): Promise<DescribeChangeSetCommandOutput> {
    let first: DescribeChangeSetCommandOutput | undefined;
    const changes: Change[] = [];
    let token: string | undefined;
    do {
        const page = await call("cloudformation:DescribeChangeSet", `describing the change set for stack "${name}"`, () =>
            cloudformation().send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId, NextToken: token })),
        );
        first ??= page;
        changes.push(...(page.Changes ?? []));
        token = page.NextToken || undefined;
    } while (token);
    return { ...first!, Changes: changes, NextToken: undefined };
}

const NO_CHANGES = /didn't contain changes|no updates are to be performed/i;

/**
 * Sets the Retain policies through a change set: creates it, refuses (listing
 * what it found) unless it only changes the policies, executes it when it
 * does, and deletes it in every case it was not executed.
 */
async function applyPolicies(stack: Stack, body: string, deadline: Deadline, say: (m: string) => void): Promise<void> {
    const name = stack.StackName!;
    const stackId = stack.StackId!;
    const created = await call("cloudformation:CreateChangeSet", `creating a change set for stack "${name}"`, () =>
        cloudformation().send(
            new CreateChangeSetCommand({
                StackName: stackId,
                ChangeSetName: `ackless-retire-${Date.now()}`,
                ChangeSetType: "UPDATE",
                Description: "ackless adopt-stack --retire-stack: DeletionPolicy and UpdateReplacePolicy Retain on every resource",
                TemplateBody: body,
                Parameters: (stack.Parameters ?? []).map((p) => ({ ParameterKey: p.ParameterKey, UsePreviousValue: true })),
                Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
            }),
        ),
    );
    const changeSetId = created.Id!;
    let executed = false;
    try {
        const cs = await waitFor(
            `waiting for the change set of stack "${name}"`,
            () => describeChangeSet(name, changeSetId),
            (c) => !["CREATE_PENDING", "CREATE_IN_PROGRESS"].includes(c.Status ?? ""),
            (c) => c.Status ?? "?",
            deadline,
            { progress: say },
        );
        if (cs.Status === "FAILED") {
            if (NO_CHANGES.test(cs.StatusReason ?? "")) {
                // Whether the policies are in place is checked on the stored template next.
                say(`CloudFormation reports that the change set of stack "${name}" changes nothing (${cs.StatusReason})`);
                return;
            }
            throw new AcklessError(`the change set for stack "${name}" failed: ${cs.StatusReason ?? "no reason given"}; nothing was changed`);
        }
        const others = (cs.Changes ?? []).filter((c) => !onlyPolicies(c));
        if (others.length > 0) {
            throw new AcklessError(
                `stack "${name}": the update that adds the Retain policies would also change ${others.length} resource(s), so --retire-stack stops here; nothing was changed:\n` +
                    others.map((c) => `  ${describeChange(c)}`).join("\n") +
                    `\nCloudFormation reads SSM parameter types and {{resolve:...}} references again and re-expands macros on every update. ` +
                    `Bring the stack up to date first (an update that applies these changes, or parameters/template that undo them) and run again.`,
            );
        }
        if (cs.ExecutionStatus !== "AVAILABLE") {
            throw new AcklessError(`the change set for stack "${name}" cannot be executed (${cs.ExecutionStatus}); nothing was changed`);
        }
        say(
            `setting DeletionPolicy and UpdateReplacePolicy: Retain on stack "${name}" (change set with ${cs.Changes?.length ?? 0} policy-only change(s))`,
        );
        await call("cloudformation:ExecuteChangeSet", `executing the change set for stack "${name}"`, () =>
            cloudformation().send(new ExecuteChangeSetCommand({ ChangeSetName: changeSetId })),
        );
        executed = true;
    } finally {
        if (!executed) {
            await call("cloudformation:DeleteChangeSet", `deleting the change set of stack "${name}"`, () =>
                cloudformation().send(new DeleteChangeSetCommand({ ChangeSetName: changeSetId })),
            ).catch((e) => say(`could not delete change set ${changeSetId}: ${(e as Error).message}`));
        }
    }
    const updated = await settled(stackId, `waiting for stack "${name}" to finish its update`, deadline, say);
    if (!updated || updated.StackStatus !== "UPDATE_COMPLETE") {
        throw new AcklessError(
            `stack "${name}" did not take the Retain policies: it is ${updated?.StackStatus ?? "gone"}${updated?.StackStatusReason ? ` (${updated.StackStatusReason})` : ""}; nothing was deleted`,
        );
    }
}

/**
 * Lets CloudFormation go without deleting anything: refuses nested stacks,
 * sets DeletionPolicy and UpdateReplacePolicy: Retain on every resource of
 * the template (a change set that must change nothing else), checks the
 * stored template now retains every resource, then deletes the stack and
 * waits until it is gone.
 */
export async function retireStack(stack: Stack, options: RetireOptions): Promise<RetireResult> {
    const name = stack.StackName!;
    const stackId = stack.StackId!;
    const deadline = new Deadline(options.timeoutMs);
    const say = options.progress ?? (() => undefined);

    refuseNested(name, options.resources ?? (await stackResources(stackId)));
    const original = await call("cloudformation:GetTemplate", `reading the template of stack "${name}"`, () =>
        cloudformation().send(new GetTemplateCommand({ StackName: stackId, TemplateStage: "Original" })),
    );
    const { body, retained } = retainEverything(original.TemplateBody ?? "");
    if (retained.length > 0) {
        if (Buffer.byteLength(body) > INLINE_TEMPLATE_BYTES) {
            throw new AcklessError(
                `the template of stack "${name}" with the Retain policies is ${Buffer.byteLength(body)} bytes, over the ${INLINE_TEMPLATE_BYTES.toLocaleString("en")} bytes CloudFormation accepts inline; ` +
                    `add DeletionPolicy: Retain and UpdateReplacePolicy: Retain yourself (through S3) and run again`,
            );
        }
        await applyPolicies(stack, body, deadline, say);
    }
    // Never delete a stack whose stored template still deletes something.
    // (the processed stage: what macros such as AWS::Serverless expand to)
    const stored = await call("cloudformation:GetTemplate", `reading the template of stack "${name}"`, () =>
        cloudformation().send(new GetTemplateCommand({ StackName: stackId, TemplateStage: "Processed" })),
    );
    const left = deletedOnStackDelete(stored.TemplateBody ?? "");
    if (left.length > 0) {
        throw new AcklessError(
            `stack "${name}" still has resources without DeletionPolicy: Retain after the update (${left.join(", ")}); the stack was not deleted`,
        );
    }
    say(`deleting stack "${name}" (every resource is retained)`);
    await call("cloudformation:DeleteStack", `deleting stack "${name}"`, () => cloudformation().send(new DeleteStackCommand({ StackName: stackId })));
    const last = await settled(stackId, `waiting for stack "${name}" to be deleted`, deadline, say);
    if (last) {
        throw new AcklessError(
            `stack "${name}" was not deleted: it is ${last.StackStatus}${last.StackStatusReason ? ` (${last.StackStatusReason})` : ""}; its resources are retained`,
        );
    }
    return { retained, stackId };
}
