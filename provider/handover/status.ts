/**
 * `ackless handover-status`: what the old owner still manages. For a cluster:
 * the custom resources of the 29 kinds of the ACK cloudfront and ec2
 * controllers (./ack.ts) still there, each with what the hand-over does with
 * it; when none is left, it says so and that the ACK controllers can be
 * uninstalled.
 */
import { parseArgs } from "util";
import { ACK_TABLE, ackApiVersion, AckCr, AckKindEntry, ackRef, at } from "./ack";
import { CustomResources, KubeError, loadKubeConfig } from "../k8s/kube";

export const description = "list what the ACK controllers still manage (custom resources of their 29 kinds); says when they can be uninstalled";

const HELP = `Usage: ackless handover-status [--kubeconfig FILE] [--context NAME] [-n NS ... | -A]

Lists the custom resources of the 29 kinds of the ACK cloudfront-controller and
ec2-controller that are still in the cluster (what those controllers still
manage), with what \`ackless adopt-ack\` does with each: hand over (program),
import (import.json), or left out. When none is left, says so: the ACK
controllers can then be uninstalled.

For a CloudFormation stack instead: ackless handover-status --stack NAME
(ackless handover-status --stack NAME --help for its options).

Options:
  --kubeconfig FILE     the kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME        its context (default: its current-context)
  -n, --namespace NS    a namespace to read (repeatable; default: every namespace)
  -A, --all-namespaces  every namespace (the default)
  -h, --help            this help

Exit: 0 nothing left, 2 custom resources left (listed), 1 error.
`;

/** The Kubernetes API surface the status needs (CustomResources, or a fake in unit tests). */
export interface ListApi {
    list<T = any>(ref: { apiVersion: string; plural: string; namespace?: string }): Promise<T[]>;
}

export interface Remaining {
    entry: AckKindEntry;
    cr: AckCr;
}

/** The custom resources of the 29 kinds in `namespaces` (undefined: all); a kind whose CRD is not installed has none. */
export async function remaining(api: ListApi, namespaces: string[] | undefined): Promise<Remaining[]> {
    const out: Remaining[] = [];
    for (const entry of ACK_TABLE) {
        for (const ns of namespaces ?? [undefined]) {
            try {
                const items = await api.list<AckCr>({ apiVersion: ackApiVersion(entry), plural: entry.plural, namespace: ns });
                out.push(...items.map((cr) => ({ entry, cr })));
            } catch (err) {
                if (!(err instanceof KubeError && err.status === 404)) {
                    throw err;
                }
            }
        }
    }
    return out;
}

function what(r: Remaining): string {
    const id = r.entry.idField ? at(r.cr, r.entry.idField) : undefined;
    const state = r.cr.metadata.deletionTimestamp ? ", being deleted" : "";
    const via = r.entry.handedOverAs
        ? `hand over as ${r.entry.handedOverAs}`
        : r.entry.token
          ? `import as ${r.entry.token}`
          : `left out: ${r.entry.leftOut}`;
    return `  ${ackRef(r.entry.kind, r.cr)} (${id ?? "no id"}${state}): ${via}`;
}

export function statusText(left: Remaining[], scope: string): string {
    if (left.length === 0) {
        return (
            `Nothing left: no custom resource of the 29 kinds of the ACK cloudfront and ec2 controllers in ${scope}.\n` +
            `The ACK controllers (cloudfront-controller, ec2-controller) manage nothing here any more and can be uninstalled.\n`
        );
    }
    return (
        `${left.length} custom resource${left.length === 1 ? "" : "s"} of the ACK cloudfront and ec2 controllers left in ${scope}: ` +
        `the controllers still manage ${left.length === 1 ? "it" : "them"}, keep them installed.\n` +
        `${left.map(what).join("\n")}\n` +
        `Run ackless adopt-ack for these, then pulumi import and pulumi up (docs/ack-handover.md).\n`
    );
}

export async function run(argv: string[]): Promise<number> {
    let values: Record<string, any>;
    try {
        ({ values } = parseArgs({
            args: argv,
            strict: true,
            options: {
                kubeconfig: { type: "string" },
                context: { type: "string" },
                namespace: { type: "string", short: "n", multiple: true },
                "all-namespaces": { type: "boolean", short: "A" },
                help: { type: "boolean", short: "h" },
            },
        }));
    } catch (e) {
        process.stderr.write(`ackless handover-status: ${(e as Error).message}\n\n${HELP}`);
        return 1;
    }
    if (values.help) {
        process.stdout.write(HELP);
        return 0;
    }
    try {
        const kc = loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context });
        const namespaces: string[] | undefined = values["all-namespaces"] || !values.namespace?.length ? undefined : values.namespace;
        const left = await remaining(new CustomResources(kc), namespaces);
        const scope = `${namespaces ? `namespace${namespaces.length > 1 ? "s" : ""} ${namespaces.join(", ")}` : "all namespaces"} (context ${kc.getCurrentContext()})`;
        process.stdout.write(statusText(left, scope));
        return left.length === 0 ? 0 : 2;
    } catch (e) {
        process.stderr.write(`ackless handover-status: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
    }
}
