/**
 * The hand-over plan: every resource of the stack, either taken over (read
 * now, declared in the generated program) or left with the reason.
 */
import { Stack, StackResourceSummary } from "@aws-sdk/client-cloudformation";
import { Adopted, ConfigRef, programFiles, ProgramFiles } from "./program";
import { CannotAdopt, MANAGED_TYPES, Read, readDistribution, readFunction, readNatGateway } from "./read";
import { accountOf, NESTED_STACK, stackNameOf, stackResources } from "./stack";

export const NOT_MANAGED = "not managed by ackless; keep it in CloudFormation or reference its id as config";

export interface LeftOut {
    logicalId: string;
    type: string;
    physicalId: string;
    reason: string;
}

export interface Plan {
    stackName: string;
    /** Every resource of the stack, as ListStackResources gave them. */
    resources: StackResourceSummary[];
    stackId: string;
    region: string;
    adopted: Adopted[];
    leftOut: LeftOut[];
    configRefs: ConfigRef[];
    files: ProgramFiles;
}

async function readOne(r: StackResourceSummary, stack: Stack): Promise<Read> {
    const id = r.PhysicalResourceId!;
    switch (r.ResourceType) {
        case "AWS::EC2::NatGateway":
            return readNatGateway(id);
        case "AWS::CloudFront::Distribution":
            return readDistribution(id, accountOf(stack));
        default:
            return readFunction(id);
    }
}

export async function planHandOver(stack: Stack, region: string): Promise<Plan> {
    const resources = await stackResources(stack.StackId ?? stack.StackName!);
    const adopted: Adopted[] = [];
    const leftOut: LeftOut[] = [];
    for (const r of resources) {
        const base = { logicalId: r.LogicalResourceId ?? "?", type: r.ResourceType ?? "?", physicalId: r.PhysicalResourceId ?? "" };
        if (base.type === NESTED_STACK) {
            const nested = stackNameOf(base.physicalId || base.logicalId);
            leftOut.push({
                ...base,
                reason: `a nested stack: its own resources are not listed here; hand them over with \`ackless adopt-stack ${nested}\``,
            });
            continue;
        }
        if (!MANAGED_TYPES[base.type]) {
            leftOut.push({ ...base, reason: NOT_MANAGED });
            continue;
        }
        if (!r.PhysicalResourceId) {
            leftOut.push({ ...base, reason: `CloudFormation has no physical id for it (${r.ResourceStatus ?? "unknown status"})` });
            continue;
        }
        try {
            adopted.push({ logicalId: base.logicalId, read: await readOne(r, stack) });
        } catch (e) {
            if (e instanceof CannotAdopt) {
                leftOut.push({ ...base, reason: e.message });
                continue;
            }
            throw e;
        }
    }
    const { files, configRefs } = programFiles(stack.StackName!, region, adopted);
    // Say which left-out resources the program refers to, and as which config.
    for (const l of leftOut) {
        const refs = configRefs.filter((c) => c.value === l.physicalId || publicIpOf(adopted, c) === l.physicalId);
        if (refs.length > 0) {
            l.reason += `; the program takes it as config ${refs.map((c) => `${c.key} (now ${c.value}, used by ${c.usedBy})`).join(", ")}`;
        }
    }
    return { stackName: stack.StackName!, resources, stackId: stack.StackId!, region, adopted, leftOut, configRefs, files };
}

/** An Elastic IP's physical id is its public IP: match it to the allocation the NAT gateway uses. */
function publicIpOf(adopted: Adopted[], ref: ConfigRef): string | undefined {
    const a = adopted.find((x) => x.logicalId === ref.usedBy);
    return a?.read.kind === "AWS::EC2::NatGateway" && a.read.allocationId === ref.value ? a.read.publicIp : undefined;
}

export function summaryText(plan: Plan, outDir: string | undefined): string {
    const lines = [
        `ackless adopt-stack: stack "${plan.stackName}" (${plan.region}): ${plan.adopted.length} to take over, ${plan.leftOut.length} left out`,
    ];
    for (const a of plan.adopted) {
        const tags = Object.keys(a.read.tags).length;
        lines.push(
            `  + adopt   ${a.logicalId} (${a.read.kind}) ${a.read.id}: ${tags} user tag(s), ${a.read.systemTagKeys.length} aws: tag(s) left alone`,
        );
    }
    for (const l of plan.leftOut) {
        lines.push(`  - left    ${l.logicalId} (${l.type}) ${l.physicalId}: ${l.reason}`);
    }
    if (outDir) {
        lines.push(`Program written to ${outDir} (Pulumi.yaml, package.json, tsconfig.json, index.ts: TypeScript, strict).`);
        lines.push(
            `Next: cd ${outDir} && npm install && pulumi stack init && pulumi up; then \`ackless adopt-stack ${plan.stackName} --retire-stack\` to make CloudFormation let go.`,
        );
    }
    return `${lines.join("\n")}\n`;
}
