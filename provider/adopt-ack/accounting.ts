/**
 * Every custom resource of the 29 kinds of the two ACK controllers accounted
 * for, in one plan (printed before anything is written):
 *
 * - handed over: the three kinds ackless manages (./plan.ts), in the program;
 * - imported: every other kind, as entries of import.json for @pulumi/aws
 *   (../handover/ack.ts), split into one file per AWS account and region when
 *   the custom resources differ in them; the program retires them (retain,
 *   delete the custom resource) once they are in the stack's state;
 * - left out, with the reason.
 *
 * And the order: references from other custom resources to a handed-over one
 * (a RouteTable's `routes[].natGatewayRef`, a DistributionTenant's
 * `distributionRef`) are rewritten to the literal id before the custom
 * resource they name is deleted; FieldExports that read a retired custom
 * resource are listed as left out.
 */
import { ACK_TABLE, ackImports, ackRef, importSkipReason, placementOf, AckKindEntry } from "../handover/ack";
import type { ImportEntry, NotImported } from "../handover/imports";
import type { AckObject } from "../k8s/ack";
import type { HandOver, LeftOut, Plan } from "./plan";

/** A custom resource written to import.json. */
export interface Imported {
    entry: AckKindEntry;
    cr: AckObject;
    entries: ImportEntry[];
    /** The import file it is in. */
    file: string;
}

/** An incoming reference to a handed-over custom resource, replaced by the id before that one is deleted. */
export interface Rewrite {
    /** The referring custom resource. */
    kind: string;
    cr: AckObject;
    /** JSON pointer of the reference field (`/spec/routes/0/natGatewayRef`) and of the id field it becomes. */
    refPointer: string;
    idPointer: string;
    /** The reference as it is (the patch tests it is unchanged). */
    ref: unknown;
    /** `spec.routes[0].natGatewayRef`, for messages. */
    field: string;
    id: string;
    target: HandOver;
}

export interface Accounting {
    imported: Imported[];
    /** Custom resources of the other kinds that are not imported, with the reason. */
    leftOut: LeftOut[];
    /** Parts of imported custom resources that cannot be imported (a route without a destination...). */
    notImported: NotImported[];
    rewrites: Rewrite[];
    /** FieldExports reading a retired custom resource. */
    fieldExports: LeftOut[];
    /** The import files and their entries; one, `import.json`, unless account or region differ. */
    files: Record<string, ImportEntry[]>;
    /** `account <id> region <r>` of each file, when split. */
    placements: Record<string, string>;
    /** Per kind of the 29: how many handed over, imported, left out (kinds with none read are absent). */
    counts: Record<string, { handedOver: number; imported: number; leftOut: number }>;
}

/** The incoming references the controllers define to the kinds ackless hands over (their generator.yaml). */
const INCOMING: { kind: string; list?: string; ref: string; id: string; target: string }[] = [
    { kind: "RouteTable", list: "routes", ref: "natGatewayRef", id: "natGatewayID", target: "NATGateway" },
    { kind: "DistributionTenant", ref: "distributionRef", id: "distributionID", target: "Distribution" },
];

const key = (kind: string, ns: string, name: string) => `${kind}/${ns}/${name}`;

function rewritesOf(kind: string, cr: AckObject, handedOver: Map<string, HandOver>): Rewrite[] {
    const out: Rewrite[] = [];
    const ns = cr.metadata.namespace ?? "";
    for (const inc of INCOMING.filter((i) => i.kind === kind)) {
        const holders: { value: any; pointer: string; field: string }[] = inc.list
            ? (Array.isArray(cr.spec?.[inc.list]) ? cr.spec[inc.list] : []).map((v: any, i: number) => ({
                  value: v,
                  pointer: `/spec/${inc.list}/${i}`,
                  field: `spec.${inc.list}[${i}]`,
              }))
            : [{ value: cr.spec, pointer: "/spec", field: "spec" }];
        for (const h of holders) {
            const ref = h.value?.[inc.ref];
            const name = ref?.from?.name;
            if (typeof name !== "string" || name === "") {
                continue;
            }
            const target = handedOver.get(key(inc.target, ref.from.namespace || ns, name));
            if (target) {
                out.push({
                    kind,
                    cr,
                    refPointer: `${h.pointer}/${inc.ref}`,
                    idPointer: `${h.pointer}/${inc.id}`,
                    ref,
                    field: `${h.field}.${inc.ref}`,
                    id: target.awsId,
                    target,
                });
            }
        }
    }
    return out;
}

const sanitize = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "-");

export function account(p: Plan, others: { entry: AckKindEntry; cr: AckObject }[], fieldExports: AckObject[] = []): Accounting {
    const lookup = (kind: string, ns: string, name: string) =>
        others.find((o) => o.entry.kind === kind && (o.cr.metadata.namespace ?? "") === ns && o.cr.metadata.name === name)?.cr;
    const handedOver = new Map(p.handOvers.map((h) => [key(h.kind.kind, h.cr.metadata.namespace ?? "", h.cr.metadata.name), h]));
    const leftOut: LeftOut[] = [];
    const notImported: NotImported[] = [];
    const rewrites: Rewrite[] = [];
    const pending: { entry: AckKindEntry; cr: AckObject; entries: ImportEntry[]; placement: string; where: string }[] = [];
    const counts: Accounting["counts"] = {};
    const count = (kind: string, what: "handedOver" | "imported" | "leftOut") => {
        counts[kind] = counts[kind] ?? { handedOver: 0, imported: 0, leftOut: 0 };
        counts[kind][what]++;
    };
    p.handOvers.forEach((h) => count(h.kind.kind, "handedOver"));
    p.leftOut.forEach((l) => count(l.ref.split(" ")[0], "leftOut"));
    for (const { entry, cr } of others) {
        rewrites.push(...rewritesOf(entry.kind, cr, handedOver));
        const reason = importSkipReason(entry, cr);
        if (reason) {
            leftOut.push({ ref: ackRef(entry.kind, cr), reason });
            count(entry.kind, "leftOut");
            continue;
        }
        const out = ackImports(entry, cr, lookup);
        notImported.push(...out.notImported);
        const { region, account } = placementOf(cr);
        pending.push({
            entry,
            cr,
            entries: out.entries,
            placement: `${account ?? "unknown"}/${region ?? "unknown"}`,
            where: `account ${account ?? "(not recorded)"} region ${region ?? "(not recorded)"}`,
        });
        count(entry.kind, "imported");
    }
    const groups = [...new Set(pending.map((x) => x.placement))].sort();
    const fileOf = (placement: string) => (groups.length <= 1 ? "import.json" : `import-${sanitize(placement.replace("/", "-"))}.json`);
    const files: Record<string, ImportEntry[]> = {};
    const placements: Record<string, string> = {};
    const imported: Imported[] = pending.map((x) => {
        const file = fileOf(x.placement);
        (files[file] = files[file] ?? []).push(...x.entries);
        placements[file] = x.where;
        return { entry: x.entry, cr: x.cr, entries: x.entries, file };
    });
    const retired = new Set([...handedOver.keys(), ...imported.map((i) => key(i.entry.kind, i.cr.metadata.namespace ?? "", i.cr.metadata.name))]);
    const fe: LeftOut[] = [];
    for (const f of fieldExports) {
        const r = f.spec?.from?.resource ?? {};
        const ns = f.metadata.namespace ?? "";
        if (typeof r.kind === "string" && retired.has(key(r.kind, ns, String(r.name ?? "")))) {
            const to = f.spec?.to ?? {};
            fe.push({
                ref: `FieldExport ${ns}/${f.metadata.name}`,
                reason:
                    `it reads ${r.kind} ${ns}/${r.name} (${f.spec?.from?.path ?? "?"}), which this hand-over retires: from then on ` +
                    `${to.kind ?? "its target"} ${to.namespace ?? ns}/${to.name ?? "?"} keeps its last value. Feed it from the stack's outputs ` +
                    `(a ConfigMap or Secret in your program), then delete the FieldExport`,
            });
        }
    }
    return { imported, leftOut, notImported, rewrites, fieldExports: fe, files, placements, counts };
}

/** Every kind of the 29 that is read, with its counts, in table order. */
export function countLines(acc: Accounting): string[] {
    const width = Math.max(...ACK_TABLE.map((k) => k.kind.length));
    return ACK_TABLE.filter((k) => acc.counts[k.kind]).map((k) => {
        const c = acc.counts[k.kind];
        const parts = [
            c.handedOver ? `${c.handedOver} handed over` : "",
            c.imported ? `${c.imported} imported` : "",
            c.leftOut ? `${c.leftOut} left out` : "",
        ].filter((s) => s);
        return `${k.kind.padEnd(width)}  ${parts.join(", ")}`;
    });
}
