/**
 * The generated TypeScript project: index.ts (one block per custom resource:
 * the retain step, the ackless resource adopting the AWS resource with
 * `retainOnDelete`, the deletion step), package.json, tsconfig.json (strict),
 * Pulumi.yaml and a README saying what was read, what to set and what to run.
 */
import { typescriptProject } from "../common/project";
import { crRef, finalizerOf } from "../k8s/ack";
import { literal, properties } from "./literal";
import { HandOver, Plan, stepTarget } from "./plan";
import type { Accounting } from "./accounting";

const EMPTY: Accounting = { imported: [], leftOut: [], notImported: [], rewrites: [], fieldExports: [], files: {}, placements: {}, counts: {} };

export interface Source {
    /** Where the kubeconfig came from, and its context. */
    kubeconfig: string;
    context: string;
    /** The namespaces read (undefined: all). */
    namespaces?: string[];
}

export interface ProgramFiles {
    "index.ts": string;
    "package.json": string;
    "tsconfig.json": string;
    "Pulumi.yaml": string;
    "README.md": string;
}

const scope = (s: Source) => (s.namespaces ? `namespace${s.namespaces.length > 1 ? "s" : ""} ${s.namespaces.join(", ")}` : "all namespaces");

const kubectlView = (s: Source) => `kubectl config view --raw --flatten --minify --context ${s.context}`;

function block(h: HandOver): string {
    const v = h.variable;
    const step = `${h.kind.kind}/${h.cr.metadata.namespace ?? ""}/${h.cr.metadata.name}`;
    const notes = h.notes.map((n) => `// ${n}\n`).join("");
    return (
        `// ${crRef(h.kind, h.cr)} -> ${h.cls} ${h.awsId}\n` +
        notes +
        `const ${v}Cr = ${literal({ ...stepTarget(h) })};\n` +
        `const ${v}Retain = new k8s.RetainPolicy(${JSON.stringify(`retain/${step}`)}, { ...cluster, ...${v}Cr });\n` +
        `const ${v} = new ${h.cls}(\n    ${JSON.stringify(h.resourceName)},\n    {\n${properties({ adopt: { id: h.awsId } }, "        ")}` +
        `${properties(h.inputs, "        ")}    },\n    { dependsOn: [${v}Retain], retainOnDelete: true },\n);\n` +
        `new k8s.CustomResourceDeletion(\n    ${JSON.stringify(`delete/${step}`)},\n` +
        `    { ...cluster, ...${v}Cr, finalizer: ${JSON.stringify(finalizerOf(h.kind))}, controllerGraceSeconds },\n` +
        `    { dependsOn: [${v}] },\n);\n` +
        `export const ${v}Id = ${v}.id;\n`
    );
}

export function indexTs(plan: Plan, source: Source, now: Date): string {
    const classes = new Set(plan.handOvers.map((h) => h.cls.split(".")[0]));
    const imports = ["cloudfront", "ec2"].filter((m) => classes.has(m));
    const header =
        `// Handed over from ACK by \`ackless adopt-ack\` on ${now.toISOString().slice(0, 10)}: the ACK custom resources of\n` +
        `// ${scope(source)} (kubeconfig ${source.kubeconfig}, context ${source.context}). Yours to edit from now on.\n` +
        `//\n` +
        `// Each custom resource is three resources, run in this order by the first \`pulumi up\`:\n` +
        `//   1. k8s.RetainPolicy sets services.k8s.aws/deletion-policy: retain on it, so an ACK controller\n` +
        `//      lets go of the AWS resource without deleting it;\n` +
        `//   2. the ackless resource takes the AWS resource over (\`adopt\`), with the custom resource's spec\n` +
        `//      as its inputs: edit them here like any other input;\n` +
        `//   3. k8s.CustomResourceDeletion deletes the custom resource (removing ACK's finalizer itself\n` +
        `//      when no controller does, only after verifying the retain annotation).\n` +
        `// Steps 1 and 3 are no-ops once the custom resource is gone.\n` +
        `//\n` +
        `// After the first successful \`pulumi up\`:\n` +
        `//   - drop \`adopt\`: it only matters for that first up; removing it changes nothing;\n` +
        `//   - drop \`retainOnDelete: true\` once this stack should delete what it declares: until then\n` +
        `//     \`pulumi destroy\`, or removing a resource from this program, leaves it running in AWS;\n` +
        `//   - you may delete the k8s.RetainPolicy and k8s.CustomResourceDeletion resources (with the\n` +
        `//     \`dependsOn\` on them, \`cluster\` and the kubeconfig config): removing them changes nothing.\n` +
        `import * as pulumi from "@pulumi/pulumi";\n` +
        (imports.length ? `import { ${imports.join(", ")} } from "ackless";\n` : "") +
        `import * as k8s from "ackless/k8s";\n\n` +
        `const config = new pulumi.Config();\n\n` +
        `// How the hand-over steps reach the cluster (stored encrypted in the stack's config):\n` +
        `//   pulumi config set --secret kubeconfig "$(${kubectlView(source)})"\n` +
        `const cluster = { kubeconfig: config.requireSecret("kubeconfig") };\n` +
        `// How long a running ACK controller gets to remove its finalizer before ackless does (0: no controller runs).\n` +
        `const controllerGraceSeconds = config.getNumber("controllerGraceSeconds") ?? 30;\n`;
    const blocks = plan.handOvers.map(block);
    const leftOut = plan.leftOut.length
        ? `\n// Left out (still managed by ACK):\n${plan.leftOut.map((l) => `//   ${l.ref}: ${l.reason}\n`).join("")}`
        : "";
    return `${header}\n${blocks.join("\n")}${leftOut}`;
}

export function readme(plan: Plan, source: Source, projectName: string): string {
    const rows = plan.handOvers.map((h) => `| ${crRef(h.kind, h.cr)} | \`${h.cls}\` \`${h.resourceName}\` | ${h.awsId} |`);
    const config = plan.config.map((c) => `pulumi config set ${c.key} <id>   # ${c.what}, for ${c.usedBy}`);
    return (
        `# ${projectName}\n\n` +
        `Written by \`ackless adopt-ack\` from the ACK custom resources of ${scope(source)} (context \`${source.context}\`).\n` +
        `One \`pulumi up\` hands them over to Pulumi; from then on this program is yours to edit.\n\n` +
        `| custom resource | declared as | AWS id |\n| --- | --- | --- |\n${rows.join("\n")}\n\n` +
        (plan.config.length
            ? `References to custom resources that were not read are stack config:\n\n${plan.config.map((c) => `- \`${c.key}\`: ${c.what}, for ${c.usedBy}: ${c.why}`).join("\n")}\n\n`
            : "") +
        (plan.leftOut.length ? `Left out (still managed by ACK):\n\n${plan.leftOut.map((l) => `- ${l.ref}: ${l.reason}`).join("\n")}\n\n` : "") +
        `## Hand over\n\n` +
        "```sh\n" +
        `npm install\n` +
        `pulumi stack init <stack>\n` +
        `pulumi config set --secret kubeconfig "$(${kubectlView(source)})"\n` +
        (config.length ? `${config.join("\n")}\n` : "") +
        `pulumi preview   # adopts, changes nothing until up\n` +
        `pulumi up        # retain, adopt, delete each custom resource\n` +
        "```\n\n" +
        `AWS credentials and region come from the usual AWS environment. With no ACK controller running,\n` +
        `\`pulumi config set controllerGraceSeconds 0\` skips the wait for one to remove its finalizer.\n\n` +
        `## After the first \`pulumi up\`\n\n` +
        `- Remove \`adopt\` from each resource (it only matters for the first up; removing it changes nothing).\n` +
        `- Keep \`retainOnDelete: true\` while \`pulumi destroy\` must leave the AWS resources running; remove it once this\n` +
        `  stack should delete what it declares.\n` +
        `- The \`k8s.RetainPolicy\` and \`k8s.CustomResourceDeletion\` resources are no-ops from now on; delete them (and\n` +
        `  \`cluster\`, the \`dependsOn\` on them and the \`kubeconfig\` config) whenever you like.\n`
    );
}

export function programFiles(plan: Plan, source: Source, projectName: string, acc: Accounting = EMPTY, now = new Date()): ProgramFiles {
    return {
        ...typescriptProject(projectName, `ACK resources handed over to Pulumi by ackless adopt-ack (context ${source.context})`),
        "index.ts": indexTs(plan, source, now),
        "README.md": readme(plan, source, projectName),
    };
}
