/**
 * `ackless adopt-ack`: reads the cluster's custom resources of the 29 kinds
 * of the ACK cloudfront and ec2 controllers through the kubeconfig, prints one
 * plan accounting for each, and writes a TypeScript Pulumi program that hands
 * over the Distributions, Functions and NATGateways in one `pulumi up`
 * (retain, adopt, delete the custom resource) and retires the others once
 * `pulumi import --file import.json` has put them in the stack.
 */
import * as path from "path";
import { parseArgs } from "util";
import { AcklessError } from "../common/errors";
import { writeFiles } from "../common/files";
import { projectName } from "../common/project";
import { crRef } from "../k8s/ack";
import { ackRef } from "../handover/ack";
import { importFile } from "../handover/imports";
import { account, Accounting, countLines } from "./accounting";
import { describeReferenced } from "./references";
import { plan, Plan } from "./plan";
import { programFiles, Source } from "./program";
import { connect, readCluster } from "./read";

export const description = "take a cluster's ACK custom resources (29 kinds) over: a Pulumi program (TypeScript) and import.json";

const HELP = `Usage: ackless adopt-ack [--kubeconfig FILE] [--context NAME] [-n NS ... | -A] [--out DIR] [--force]

Reads the custom resources of the 29 kinds of the ACK cloudfront and ec2
controllers, prints one plan accounting for every one (handed over, imported,
left out with the reason; counts per kind), then writes:
  - import.json (one file per AWS account and region when they differ): every
    custom resource of the 26 kinds ackless does not manage, in Pulumi's
    bulk-import format for @pulumi/aws (pulumi import --file import.json);
  - a TypeScript Pulumi program (index.ts, declared.ts, imported.ts,
    package.json, tsconfig.json, Pulumi.yaml, README.md) that rewrites
    references to the handed-over custom resources to ids, retires the
    imported ones once they are in the stack, and in which each
    Distribution, Function and NATGateway that ACK synced is:
  - the ackless resource (cloudfront.Distribution, cloudfront.Function,
    ec2.NatGateway) with the spec as typed inputs, \`adopt\` and
    \`retainOnDelete: true\`;
  - k8s.RetainPolicy (deletion-policy: retain) before it and
    k8s.CustomResourceDeletion (deletes the custom resource) after it.
One \`pulumi up\` hands them over; then edit the program like any other.

ACK references (spec.subnetRef, spec.allocationRef,
viewerCertificate.acmCertificateRef) are resolved through the referenced
custom resource's status; a reference to one that is not read (missing,
another namespace, never synced) becomes stack config, named in the program
and the README. A distribution's function association to a function handed
over with it refers to that function's \`arn\`.

Options:
  --kubeconfig FILE     the kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME        its context (default: its current-context)
  -n, --namespace NS    a namespace to read (repeatable; default: the context's namespace, else "default")
  -A, --all-namespaces  read every namespace
  --drop-ack-tags       leave ACK's own services.k8s.aws/* tags out (the hand-over removes them from AWS)
  --out DIR             where to write the program (default: ./ack-handover)
  --force               overwrite the program's files in DIR
  -h, --help            this help

Exit: 0 written (also when nothing can be handed over: the summary says why),
1 error (no kubeconfig or context, the API server refused: the message says which).
`;

export interface Options {
    kubeconfig?: string;
    context?: string;
    namespaces: string[];
    all: boolean;
    dropAckTags: boolean;
    out: string;
    force: boolean;
    help: boolean;
}

export function parseOptions(argv: string[]): Options {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
            kubeconfig: { type: "string" },
            context: { type: "string" },
            namespace: { type: "string", short: "n", multiple: true },
            "all-namespaces": { type: "boolean", short: "A" },
            "drop-ack-tags": { type: "boolean" },
            out: { type: "string" },
            force: { type: "boolean" },
            help: { type: "boolean", short: "h" },
        },
    });
    if (positionals.length > 0) {
        throw new AcklessError(`unexpected argument ${positionals.join(" ")} (namespaces go with --namespace)`);
    }
    const namespaces = (values.namespace ?? [])
        .flatMap((n) => n.split(","))
        .map((n) => n.trim())
        .filter((n) => n !== "");
    if (values["all-namespaces"] && namespaces.length > 0) {
        throw new AcklessError("--all-namespaces and --namespace exclude each other");
    }
    return {
        kubeconfig: values.kubeconfig,
        context: values.context,
        namespaces,
        all: values["all-namespaces"] === true,
        dropAckTags: values["drop-ack-tags"] === true,
        out: values.out ?? "ack-handover",
        force: values.force === true,
        help: values.help === true,
    };
}

/** The plan, printed before anything is written: every custom resource of the 29 kinds, handed over, imported or left out. */
export function planText(p: Plan, acc: Accounting): string {
    const handed = p.handOvers.length;
    const imported = acc.imported.length;
    const left = p.leftOut.length + acc.leftOut.length;
    const files = Object.keys(acc.files);
    const lines = [
        `ackless adopt-ack plan: ${handed + imported + left} custom resources of the ACK cloudfront and ec2 controllers' 29 kinds: ` +
            `${handed} handed over (program), ${imported} imported (${files.length ? files.join(", ") : "import.json"}), ${left} left out`,
    ];
    lines.push(...countLines(acc).map((l) => `    ${l}`));
    for (const h of p.handOvers) {
        lines.push(`  + hand over ${crRef(h.kind, h.cr)} -> ${h.cls} ${h.awsId} (${h.variable})`);
        for (const r of h.resolutions) {
            lines.push(
                r.outcome === "resolved"
                    ? `      ${r.found.field} -> ${describeReferenced(r.found)}: ${r.value}`
                    : `      ${r.found.field} -> config (${r.why})`,
            );
        }
    }
    for (const i of acc.imported) {
        const [own, ...extra] = i.entries;
        lines.push(`  ~ import ${ackRef(i.entry.kind, i.cr)} -> ${own.type} ${own.id} (${i.file})`);
        lines.push(...extra.map((e) => `      and ${e.type} ${e.id}`));
    }
    for (const r of acc.rewrites) {
        lines.push(
            `  > rewrite ${ackRef(r.kind, r.cr)} ${r.field} -> ${r.idPointer.split("/").pop()} ${r.id} (before ${crRef(r.target.kind, r.target.cr)} is deleted)`,
        );
    }
    for (const l of [...p.leftOut, ...acc.leftOut, ...acc.fieldExports]) {
        lines.push(`  - left ${l.ref}: ${l.reason}`);
    }
    for (const n of acc.notImported) {
        lines.push(`  - not imported: ${n.source} ${n.name}: ${n.reason}`);
    }
    if (files.length > 1) {
        lines.push(`  The custom resources are in ${files.length} AWS accounts or regions: one import file each.`);
        lines.push(...files.map((f) => `    ${f}: ${acc.placements[f]}`));
    }
    for (const c of p.config) {
        lines.push(`  config: pulumi config set ${c.key} <id>   (${c.what}, for ${c.usedBy})`);
    }
    return `${lines.join("\n")}\n`;
}

export function writtenText(files: string[], dir: string, acc: Accounting): string {
    const importStep = Object.keys(acc.files).length ? "pulumi import --file <each import file> (README.md), " : "";
    return `Written to ${dir}: ${files.join(", ")}.\nNext: cd ${dir} && npm install, then follow README.md (kubeconfig secret, ${importStep}pulumi up, ackless handover-status).\n`;
}

export async function run(argv: string[]): Promise<number> {
    let opts: Options;
    try {
        opts = parseOptions(argv);
    } catch (e) {
        process.stderr.write(`ackless adopt-ack: ${(e as Error).message}\n\n${HELP}`);
        return 1;
    }
    if (opts.help) {
        process.stdout.write(HELP);
        return 0;
    }
    try {
        const conn = connect({ kubeconfig: opts.kubeconfig, context: opts.context });
        const namespaces = opts.all ? undefined : opts.namespaces.length ? opts.namespaces : [conn.namespace];
        const read = await readCluster(conn.api, namespaces);
        const p = plan(read.resources, read.seen, { dropAckTags: opts.dropAckTags });
        const acc = account(p, read.others, read.fieldExports);
        const dir = path.resolve(opts.out);
        const source: Source = { kubeconfig: conn.source, context: conn.context, namespaces };
        process.stdout.write(planText(p, acc));
        const files: Record<string, string> = { ...programFiles(p, source, projectName(path.basename(dir)), acc) };
        for (const [file, entries] of Object.entries(acc.files)) {
            files[file] = importFile(entries);
        }
        writeFiles(files, dir, opts.force);
        process.stdout.write(writtenText(Object.keys(files).sort(), dir, acc));
        return 0;
    } catch (e) {
        process.stderr.write(`ackless adopt-ack: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
    }
}
