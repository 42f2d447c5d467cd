/**
 * The generated TypeScript project: index.ts (one block per custom resource:
 * the retain step, the ackless resource adopting the AWS resource with
 * `retainOnDelete`, the deletion step), package.json, tsconfig.json (strict),
 * Pulumi.yaml and a README saying what was read, what to set and what to run.
 */
import { typescriptProject } from "../common/project";
import { crRef, finalizerOf } from "../k8s/ack";
import { ackApiVersion, ackKindEntry, ackRef } from "../handover/ack";
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
    [file: string]: string;
    "index.ts": string;
    "package.json": string;
    "tsconfig.json": string;
    "Pulumi.yaml": string;
    "README.md": string;
}

const scope = (s: Source) => (s.namespaces ? `namespace${s.namespaces.length > 1 ? "s" : ""} ${s.namespaces.join(", ")}` : "all namespaces");

const kubectlView = (s: Source) => `kubectl config view --raw --flatten --minify --context ${s.context}`;

function block(h: HandOver, rewrites: string[] = []): string {
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
        `    { dependsOn: [${[v, ...rewrites].join(", ")}] },\n);\n` +
        `export const ${v}Id = ${v}.id;\n`
    );
}

const stepOf = (kind: string, cr: { metadata: { namespace?: string; name: string } }) => `${kind}/${cr.metadata.namespace ?? ""}/${cr.metadata.name}`;

/** The program module each import file's `pulumi import --out` writes: import.json -> imported.ts. */
export const importedModule = (file: string) => file.replace(/^import/, "imported").replace(/\.json$/, "");

function rewriteBlocks(acc: Accounting): { text: string; byTarget: Map<HandOver, string[]> } {
    const byTarget = new Map<HandOver, string[]>();
    const text = acc.rewrites
        .map((r, i) => {
            const v = `rewrite${i + 1}`;
            byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), v]);
            const target = {
                apiVersion: ackApiVersion(ackKindEntry(r.kind)!),
                kind: r.kind,
                plural: ackKindEntry(r.kind)!.plural,
                namespace: r.cr.metadata.namespace,
                name: r.cr.metadata.name,
                uid: r.cr.metadata.uid,
            };
            return (
                `// ${ackRef(r.kind, r.cr)} ${r.field} names ${crRef(r.target.kind, r.target.cr)}, which is handed over below:\n` +
                `// replaced by its id before that custom resource is deleted.\n` +
                `const ${v} = new k8s.ReferenceRewrite(${JSON.stringify(`rewrite/${stepOf(r.kind, r.cr)}${r.refPointer}`)}, {\n` +
                `    ...cluster,\n${properties({ ...target, refPointer: r.refPointer, idPointer: r.idPointer, ref: r.ref, value: r.id }, "    ")}});\n`
            );
        })
        .join("\n");
    return { text, byTarget };
}

function retireBlocks(acc: Accounting): string {
    if (acc.imported.length === 0) {
        return "";
    }
    const calls = acc.imported.map((i) => {
        const target = {
            apiVersion: ackApiVersion(i.entry),
            kind: i.entry.kind,
            plural: i.entry.plural,
            namespace: i.cr.metadata.namespace,
            name: i.cr.metadata.name,
            uid: i.cr.metadata.uid,
        };
        return (
            `retireImported(${JSON.stringify(stepOf(i.entry.kind, i.cr))}, ${literal(target)}, ${JSON.stringify(`finalizers.${i.entry.service}.services.k8s.aws/${i.entry.kind}`)}, ` +
            `${literal(i.entries.map((e) => ({ type: e.type, name: e.name, id: e.id })))});\n`
        );
    });
    return (
        `\n// Imported to @pulumi/aws (${Object.keys(acc.files).join(", ")}): each custom resource is retired (retain, then deleted)\n` +
        `// once every resource of its import entries is in this stack: declared by the code \`pulumi import --out\` wrote\n` +
        `// (${Object.keys(acc.files)
            .map((f) => `${importedModule(f)}.ts`)
            .join(", ")}) with the id import.json names. Until then it stays with ACK, and \`pulumi up\` says so.\n` +
        `// The config \`alreadyImported\` (a list of "<type>::<name>") marks entries as in Pulumi state without code here\n` +
        `// (imported into another stack); ackless's own e2e uses it in place of \`pulumi import\`, which needs the @pulumi/aws plugin.\n` +
        `const alreadyImported = new Set(config.getObject<string[]>("alreadyImported") ?? []);\n` +
        `function retireImported(step: string, cr: Omit<k8s.RetainPolicyArgs, "kubeconfig">, finalizer: string, entries: { type: string; name: string; id: string }[]) {\n` +
        `    const key = (e: { type: string; name: string }) => \`\${e.type}::\${e.name}\`;\n` +
        `    const missing = entries.filter((e) => !declared.has(key(e)) && !alreadyImported.has(key(e)));\n` +
        `    if (missing.length > 0) {\n` +
        `        pulumi.log.warn(\`\${step} stays with ACK: \${missing.map((e) => \`\${key(e)} (\${e.id})\`).join(", ")} not in this stack yet; run pulumi import --file import.json (README.md)\`);\n` +
        `        return;\n` +
        `    }\n` +
        `    const retain = new k8s.RetainPolicy(\`retain/\${step}\`, { ...cluster, ...cr });\n` +
        `    const importedIds = entries.map((e) => ({ what: key(e), expected: e.id, actual: declared.get(key(e))?.id ?? (alreadyImported.has(key(e)) ? e.id : undefined) }));\n` +
        `    const inStack = entries.flatMap((e) => declared.get(key(e)) ?? []);\n` +
        `    new k8s.CustomResourceDeletion(\`delete/\${step}\`, { ...cluster, ...cr, finalizer, controllerGraceSeconds, importedIds }, { dependsOn: [retain, ...inStack] });\n` +
        `}\n\n` +
        calls.join("")
    );
}

export function indexTs(plan: Plan, source: Source, now: Date, acc: Accounting = EMPTY): string {
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
        `import * as k8s from "ackless/k8s";\n` +
        (acc.imported.length
            ? `// Every resource the program declares, by type and name; then the code pulumi import wrote.\n` +
              `import { declared } from "./declared";\n` +
              Object.keys(acc.files)
                  .map((f) => `import "./${importedModule(f)}";\n`)
                  .join("")
            : "") +
        `\n` +
        `const config = new pulumi.Config();\n\n` +
        `// How the hand-over steps reach the cluster (stored encrypted in the stack's config):\n` +
        `//   pulumi config set --secret kubeconfig "$(${kubectlView(source)})"\n` +
        `const cluster = { kubeconfig: config.requireSecret("kubeconfig") };\n` +
        `// How long a running ACK controller gets to remove its finalizer before ackless does (0: no controller runs).\n` +
        `const controllerGraceSeconds = config.getNumber("controllerGraceSeconds") ?? 30;\n`;
    const rewrites = rewriteBlocks(acc);
    const blocks = plan.handOvers.map((h) => block(h, rewrites.byTarget.get(h)));
    const left = [...plan.leftOut, ...acc.leftOut, ...acc.fieldExports];
    const leftOut = left.length ? `\n// Left out (still managed by ACK):\n${left.map((l) => `//   ${l.ref}: ${l.reason}\n`).join("")}` : "";
    return `${header}\n${rewrites.text ? `${rewrites.text}\n` : ""}${blocks.join("\n")}${retireBlocks(acc)}${leftOut}`;
}

function importSection(acc: Accounting): string {
    if (acc.imported.length === 0) {
        return "";
    }
    const files = Object.keys(acc.files);
    const rows = acc.imported.map(
        (i) => `| ${ackRef(i.entry.kind, i.cr)} | ${i.entries.map((e) => `\`${e.type}\` ${e.id}`).join("<br>")} | ${i.file} |`,
    );
    return (
        `Imported to @pulumi/aws (${files.join(", ")}), retired by the first \`pulumi up\` after \`pulumi import\`:\n\n` +
        `| custom resource | @pulumi/aws resources (import id) | file |\n| --- | --- | --- |\n${rows.join("\n")}\n\n` +
        (files.length > 1
            ? `The custom resources are in ${files.length} AWS accounts or regions; import each file with that account's credentials and region:\n\n${files.map((f) => `- ${f}: ${acc.placements[f]}`).join("\n")}\n\n`
            : "")
    );
}

function importSteps(acc: Accounting): string {
    if (acc.imported.length === 0) {
        return "";
    }
    return (
        `npm install @pulumi/aws      # the import's provider\n` +
        Object.keys(acc.files)
            .map((f) => `pulumi import --file ${f} --out ${importedModule(f)}.ts --yes   # into this stack; writes the code`)
            .join("\n") +
        `\n`
    );
}

export function readme(plan: Plan, source: Source, projectName: string, acc: Accounting = EMPTY): string {
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
        importSection(acc) +
        (acc.rewrites.length
            ? `References rewritten to ids before the custom resource they name is deleted:\n\n${acc.rewrites.map((r) => `- ${ackRef(r.kind, r.cr)} \`${r.field}\` -> ${r.id}`).join("\n")}\n\n`
            : "") +
        ([...plan.leftOut, ...acc.leftOut, ...acc.fieldExports].length
            ? `Left out (still managed by ACK):\n\n${[...plan.leftOut, ...acc.leftOut, ...acc.fieldExports].map((l) => `- ${l.ref}: ${l.reason}`).join("\n")}\n\n`
            : "") +
        `## Hand over\n\n` +
        "```sh\n" +
        `npm install\n` +
        `pulumi stack init <stack>\n` +
        `pulumi config set --secret kubeconfig "$(${kubectlView(source)})"\n` +
        (config.length ? `${config.join("\n")}\n` : "") +
        importSteps(acc) +
        `pulumi preview   # adopts, changes nothing until up\n` +
        `pulumi up        # retain, adopt, delete each custom resource\n` +
        `ackless handover-status --context ${source.context}   # what ACK still manages\n` +
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

/** declared.ts (the resources the program declares, by type and name) and a placeholder for each import file's code. */
function importModules(acc: Accounting): Record<string, string> {
    const files: Record<string, string> = {
        "declared.ts":
            `// Every custom resource the program declares, by "<type>::<name>" (a stack transformation sees each one\n` +
            `// as it is registered): the retire steps in index.ts look up the resources pulumi import wrote here.\n` +
            `import * as pulumi from "@pulumi/pulumi";\n\n` +
            `export const declared = new Map<string, pulumi.CustomResource>();\n` +
            `pulumi.runtime.registerStackTransformation((args) => {\n` +
            `    if (args.resource instanceof pulumi.CustomResource) {\n` +
            `        declared.set(\`\${args.type}::\${args.name}\`, args.resource);\n` +
            `    }\n` +
            `    return undefined;\n` +
            `});\n`,
    };
    for (const f of Object.keys(acc.files)) {
        files[`${importedModule(f)}.ts`] =
            `// Replaced by the code of:  pulumi import --file ${f} --out ${importedModule(f)}.ts\n` +
            `// (README.md). Until then nothing of ${f} is in this stack, and its custom resources stay with ACK.\n` +
            `export {};\n`;
    }
    return files;
}

export function programFiles(plan: Plan, source: Source, projectName: string, acc: Accounting = EMPTY, now = new Date()): ProgramFiles {
    return {
        ...typescriptProject(projectName, `ACK resources handed over to Pulumi by ackless adopt-ack (context ${source.context})`),
        "index.ts": indexTs(plan, source, now, acc),
        "README.md": readme(plan, source, projectName, acc),
        ...(acc.imported.length ? importModules(acc) : {}),
    };
}
