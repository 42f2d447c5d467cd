/**
 * The generated Pulumi program (TypeScript that compiles under `strict`,
 * with its package.json and tsconfig.json): one ackless resource per
 * taken-over CloudFormation resource, declared with `adopt` and its current
 * config and user tags; ids of resources left to CloudFormation (subnet,
 * Elastic IP allocation) as stack config defaulting to their current values.
 */
import { projectName, typescriptProject } from "../common/project";
import { Read } from "./read";

export interface Adopted {
    logicalId: string;
    read: Read;
}

export interface ProgramFiles {
    "Pulumi.yaml": string;
    "package.json": string;
    "tsconfig.json": string;
    "index.ts": string;
}

/** A config value the program reads, with its current value as default. */
export interface ConfigRef {
    key: string;
    value: string;
    /** The adopted resource (logical id) that uses it. */
    usedBy: string;
}

const RESERVED = new Set(
    "pulumi ackless cloudfront ec2 config exports require module break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof let new null return super switch this throw true try typeof var void while with yield await static implements interface package private protected public arguments eval undefined".split(
        " ",
    ),
);

function lowerFirst(s: string): string {
    return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A TypeScript identifier for each logical id (unique, never a reserved word). */
export function variableNames(logicalIds: string[]): Map<string, string> {
    const used = new Set<string>();
    const out = new Map<string, string>();
    for (const id of logicalIds) {
        let base = lowerFirst(id.replace(/[^A-Za-z0-9_$]/g, "_"));
        if (!/^[A-Za-z_$]/.test(base)) {
            base = `r${base}`;
        }
        const first = RESERVED.has(base) ? `${base}Resource` : base;
        let name = first;
        for (let n = 2; used.has(name); n++) {
            name = `${first}${n}`;
        }
        used.add(name);
        out.set(id, name);
    }
    return out;
}

/** JSON as a TypeScript literal, indented for its place in the program. */
function lit(value: unknown, indent: string): string {
    return JSON.stringify(value, null, 4).replace(/\n/g, `\n${indent}`);
}

function field(name: string, value: string): string {
    return `    ${name}: ${value},\n`;
}

function configValue(key: string, value: string): string {
    return `config.get(${JSON.stringify(key)}) ?? ${JSON.stringify(value)}`;
}

function resourceBlock(a: Adopted, variable: string, configRefs: ConfigRef[]): string {
    const r = a.read;
    const ref = (suffix: string, value: string) => {
        const key = `${variable}${suffix}`;
        configRefs.push({ key, value, usedBy: a.logicalId });
        return configValue(key, value);
    };
    let fields = field("adopt", `{ id: ${JSON.stringify(r.id)} }`);
    let cls: string;
    let comment = `// ${a.logicalId}: ${r.kind} ${r.id}`;
    switch (r.kind) {
        case "AWS::EC2::NatGateway":
            cls = "ec2.NatGateway";
            if (r.availabilityMode === "regional") {
                comment += ` (regional, ${r.availabilityZoneAddresses ? "manual" : "automatic"} mode)`;
                fields += field("availabilityMode", JSON.stringify("regional"));
                fields += field("vpcId", ref("VpcId", r.vpcId ?? ""));
                if (r.availabilityZoneAddresses) {
                    fields += field("availabilityZoneAddresses", lit(r.availabilityZoneAddresses, "    "));
                }
                break;
            }
            comment += r.vpcId ? ` (VPC ${r.vpcId}${r.privateIp ? `, private IP ${r.privateIp}` : ""})` : "";
            fields += field("subnetId", ref("SubnetId", r.subnetId ?? ""));
            if (r.allocationId) {
                fields += field("allocationId", ref("AllocationId", r.allocationId));
            }
            fields += field("connectivityType", JSON.stringify(r.connectivityType));
            break;
        case "AWS::CloudFront::Distribution":
            cls = "cloudfront.Distribution";
            fields += field("distributionConfig", lit(r.distributionConfig, "    "));
            break;
        case "AWS::CloudFront::Function":
            cls = "cloudfront.Function";
            fields += field("name", JSON.stringify(r.id));
            fields += field("runtime", JSON.stringify(r.runtime));
            fields += field("code", JSON.stringify(r.code));
            fields += field("comment", JSON.stringify(r.comment));
            if (r.keyValueStoreAssociations.length > 0) {
                fields += field("keyValueStoreAssociations", lit(r.keyValueStoreAssociations, "    "));
            }
            if (!r.publish) {
                comment += "\n// LIVE is not DEVELOPMENT: publish is off so adopting does not publish; set it to true to publish";
                fields += field("publish", "false");
            }
            break;
        case "AWS::CloudFront::KeyValueStore":
            // No items: the program owns no keys, so adopting leaves every key of the store as it is.
            cls = "cloudfront.KeyValueStore";
            fields += field("comment", JSON.stringify(r.comment));
            break;
    }
    if (r.systemTagKeys.length > 0) {
        comment += `\n// AWS's own tags (${r.systemTagKeys.join(", ")}) stay on it and are not declared here.`;
    }
    fields += field("tags", lit(r.tags, "    "));
    return (
        `${comment}\n` +
        `const ${variable} = new ${cls}(${JSON.stringify(a.logicalId)}, {\n${fields}}, { retainOnDelete: true });\n` +
        `export const ${variable}Id = ${variable}.id;\n`
    );
}

/** The program's `index.ts` and the config it reads. */
export function programText(stackName: string, region: string, adopted: Adopted[], now = new Date()): { text: string; configRefs: ConfigRef[] } {
    const names = variableNames(adopted.map((a) => a.logicalId));
    const configRefs: ConfigRef[] = [];
    const blocks = adopted.map((a) => resourceBlock(a, names.get(a.logicalId)!, configRefs));
    const namespaces = ["cloudfront", "ec2"].filter((ns) => blocks.some((b) => b.includes(`= new ${ns}.`)));
    const header =
        `// Taken over from CloudFormation stack ${JSON.stringify(stackName)} (${region}) by \`ackless adopt-stack\` on ${now.toISOString().slice(0, 10)}.\n` +
        `// Every resource is declared with \`adopt\`: the first \`pulumi up\` takes over the existing resource\n` +
        `// (its config and tags reconciled to what is written here) instead of creating one.\n` +
        `// retainOnDelete keeps the AWS resources if they leave this program or the stack is destroyed;\n` +
        `// remove it once Pulumi should delete them.\n` +
        `// Ids of resources left outside (subnets, Elastic IP allocations) are stack config defaulting to\n` +
        `// their current values: \`pulumi config set <key> <id>\` to change them.\n` +
        `// Edit it like any Pulumi program: \`pulumi preview\` shows what a change does before \`pulumi up\`.\n` +
        (configRefs.length > 0 ? `import * as pulumi from "@pulumi/pulumi";\n` : "") +
        (namespaces.length > 0 ? `import { ${namespaces.join(", ")} } from "ackless";\n` : "") +
        (configRefs.length > 0 ? `\nconst config = new pulumi.Config();\n` : "");
    return { text: `${header}\n${blocks.join("\n")}`, configRefs };
}

export function programFiles(
    stackName: string,
    region: string,
    adopted: Adopted[],
    now = new Date(),
): { files: ProgramFiles; configRefs: ConfigRef[] } {
    const { text, configRefs } = programText(stackName, region, adopted, now);
    return {
        configRefs,
        files: {
            ...typescriptProject(projectName(stackName), `Taken over from CloudFormation stack ${stackName} (${region}) by ackless adopt-stack`),
            "index.ts": text,
        },
    };
}
