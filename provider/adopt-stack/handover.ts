/**
 * The hand-over plan: every resource of the stack, in exactly one of three
 * places: taken over (read now, declared in the generated program), written
 * to import.json (@pulumi/aws type token and import id, from
 * `provider/handover/cloudformation.ts`), or left out with the reason.
 */
import { Stack, StackResourceSummary } from "@aws-sdk/client-cloudformation";
import { CFN_IMPORTS, cfnImport, resolveProperties } from "../handover/cloudformation";
import { ImportEntry, importFile } from "../handover/imports";
import { Adopted, ConfigRef, programFiles, ProgramFiles } from "./program";
import { allocationIds, CannotAdopt, MANAGED_TYPES, Read, readDistribution, readFunction, readKeyValueStore, readNatGateway } from "./read";
import { accountOf, NESTED_STACK, stackNameOf, stackResources, stackTemplate } from "./stack";
import { parseTemplate } from "./template";

export interface LeftOut {
    logicalId: string;
    type: string;
    physicalId: string;
    reason: string;
}

/** A stack resource written to import.json. */
export interface Imported extends ImportEntry {
    logicalId: string;
    /** Its CloudFormation type. */
    source: string;
    physicalId: string;
    /** Config keys of the program that hold its id, when the program uses it. */
    note?: string;
}

export interface Plan {
    stackName: string;
    /** Every resource of the stack, as ListStackResources gave them. */
    resources: StackResourceSummary[];
    stackId: string;
    region: string;
    adopted: Adopted[];
    imported: Imported[];
    leftOut: LeftOut[];
    configRefs: ConfigRef[];
    /** The program's files, and import.json when something is imported. */
    files: ProgramFiles & { "import.json"?: string };
}

async function readOne(r: StackResourceSummary, stack: Stack): Promise<Read> {
    const id = r.PhysicalResourceId!;
    switch (r.ResourceType) {
        case "AWS::EC2::NatGateway":
            return readNatGateway(id);
        case "AWS::CloudFront::Distribution":
            return readDistribution(id, accountOf(stack));
        case "AWS::CloudFront::KeyValueStore":
            return readKeyValueStore(id);
        default:
            return readFunction(id);
    }
}

export async function planHandOver(stack: Stack, region: string): Promise<Plan> {
    const resources = await stackResources(stack.StackId ?? stack.StackName!);
    const adopted: Adopted[] = [];
    const leftOut: LeftOut[] = [];
    const toImport: StackResourceSummary[] = [];
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
        if (!r.PhysicalResourceId) {
            leftOut.push({ ...base, reason: `CloudFormation has no physical id for it (${r.ResourceStatus ?? "unknown status"})` });
            continue;
        }
        if (!MANAGED_TYPES[base.type]) {
            toImport.push(r);
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
    const imported = await importsOf(stack, region, resources, toImport, leftOut);
    const { files, configRefs } = programFiles(stack.StackName!, region, adopted);
    // Say which of them the program refers to, and as which config.
    for (const l of [...leftOut, ...imported]) {
        const refs = configRefs.filter((c) => c.value === l.physicalId || ("id" in l && c.value === l.id) || publicIpOf(adopted, c) === l.physicalId);
        if (refs.length > 0) {
            const note = `the program takes it as config ${refs.map((c) => `${c.key} (now ${c.value}, used by ${c.usedBy})`).join(", ")}`;
            if ("reason" in l) {
                l.reason += `; ${note}`;
            } else {
                l.note = note;
            }
        }
    }
    const withImports = imported.length > 0 ? { ...files, "import.json": importFile(imported) } : files;
    return { stackName: stack.StackName!, resources, stackId: stack.StackId!, region, adopted, imported, leftOut, configRefs, files: withImports };
}

/** The import entries of the resources ackless does not manage; the ones with no entry go to `leftOut` with the reason. */
async function importsOf(
    stack: Stack,
    region: string,
    all: StackResourceSummary[],
    toImport: StackResourceSummary[],
    leftOut: LeftOut[],
): Promise<Imported[]> {
    if (toImport.length === 0) {
        return [];
    }
    const template = parseTemplate((await stackTemplate(stack.StackId ?? stack.StackName!)) || "{}");
    const ctx = {
        physicalIds: new Map(all.filter((r) => r.PhysicalResourceId).map((r) => [r.LogicalResourceId!, r.PhysicalResourceId!])),
        parameters: Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey!, p.ResolvedValue ?? p.ParameterValue ?? ""])),
        region,
        account: accountOf(stack),
    };
    const eips = toImport.filter((r) => CFN_IMPORTS[r.ResourceType!]?.needs === "AllocationId").map((r) => r.PhysicalResourceId!);
    const allocations = eips.length > 0 ? await allocationIds(eips) : new Map<string, string>();
    const imported: Imported[] = [];
    for (const r of toImport) {
        const logicalId = r.LogicalResourceId!;
        const physicalId = r.PhysicalResourceId!;
        const allocation = allocations.get(physicalId);
        const mapped = cfnImport({
            logicalId,
            type: r.ResourceType!,
            physicalId,
            properties: resolveProperties(template.Resources?.[logicalId]?.Properties, ctx),
            attributes: allocation ? { AllocationId: allocation } : {},
        });
        if ("reason" in mapped) {
            leftOut.push({ logicalId, type: r.ResourceType!, physicalId, reason: mapped.reason });
        } else {
            imported.push({ logicalId, source: r.ResourceType!, physicalId, type: mapped.token, name: logicalId, id: mapped.id });
        }
    }
    return imported;
}

/** An Elastic IP's physical id is its public IP: match it to the allocation the NAT gateway uses. */
function publicIpOf(adopted: Adopted[], ref: ConfigRef): string | undefined {
    const a = adopted.find((x) => x.logicalId === ref.usedBy);
    return a?.read.kind === "AWS::EC2::NatGateway" && a.read.allocationId === ref.value ? a.read.publicIp : undefined;
}

export function summaryText(plan: Plan, outDir: string | undefined): string {
    const total = plan.adopted.length + plan.imported.length + plan.leftOut.length;
    const lines = [
        `ackless adopt-stack: stack "${plan.stackName}" (${plan.region}): ${total} resource(s): ` +
            `${plan.adopted.length} to take over in the program, ${plan.imported.length} to import.json, ${plan.leftOut.length} left out`,
    ];
    for (const a of plan.adopted) {
        const tags = Object.keys(a.read.tags).length;
        lines.push(
            `  + adopt   ${a.logicalId} (${a.read.kind}) ${a.read.id}: ${tags} user tag(s), ${a.read.systemTagKeys.length} aws: tag(s) left alone`,
        );
    }
    for (const i of plan.imported) {
        lines.push(`  > import  ${i.logicalId} (${i.source}) ${i.physicalId}: ${i.type} ${i.id}${i.note ? `; ${i.note}` : ""}`);
    }
    for (const l of plan.leftOut) {
        lines.push(`  - left    ${l.logicalId} (${l.type}) ${l.physicalId}: ${l.reason}`);
    }
    if (outDir) {
        lines.push(
            `Program written to ${outDir} (Pulumi.yaml, package.json, tsconfig.json, index.ts: TypeScript, strict)` +
                (plan.imported.length > 0 ? `, and import.json (${plan.imported.length} resource(s) for @pulumi/aws).` : "."),
        );
        lines.push(
            `Next: cd ${outDir} && npm install && pulumi stack init` +
                (plan.imported.length > 0
                    ? ` && pulumi import --file import.json (needs the @pulumi/aws plugin; add the code it prints to index.ts)`
                    : "") +
                ` && pulumi up; then \`ackless handover-status --stack ${plan.stackName}\` and \`ackless adopt-stack ${plan.stackName} --retire-stack\` to make CloudFormation let go.`,
        );
    }
    return `${lines.join("\n")}\n`;
}
