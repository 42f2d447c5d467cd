/**
 * From the custom resources read to what the program declares: for each
 * custom resource that can be handed over, the ackless resource with its
 * inputs (ACK's spec mapped to the ackless input names and the CloudFront API
 * shape, references resolved or turned into config), and why the others are
 * left out.
 */
import { ACK, ackTags, AckKind, AckObject, apiVersionOf, crRef, finalizerOf, skipReason, toCloudFrontShape } from "../k8s/ack";
import { Code, stringLiteral } from "./literal";
import { referencesOf, resolve, Resolution, Seen } from "./references";
import { KINDS } from "../kinds";

export type AcklessClass = "cloudfront.Function" | "cloudfront.Distribution" | "ec2.NatGateway";

export interface HandOver {
    kind: AckKind;
    cr: AckObject;
    /** The ackless class the program declares. */
    cls: AcklessClass;
    /** The AWS id adopted. */
    awsId: string;
    /** The TypeScript variable holding the resource. */
    variable: string;
    /** The Pulumi resource name. */
    resourceName: string;
    /** The resource's inputs (without `adopt`), `Code` where a value is an expression. */
    inputs: Record<string, unknown>;
    resolutions: Resolution[];
    /** Lines of comment above the resource. */
    notes: string[];
}

/** A value the program reads from stack config: a reference that points outside what was read. */
export interface ConfigValue {
    key: string;
    /** What to set it to (for the comment and the README). */
    what: string;
    why: string;
    usedBy: string;
}

export interface LeftOut {
    ref: string;
    reason: string;
}

export interface Plan {
    handOvers: HandOver[];
    leftOut: LeftOut[];
    config: ConfigValue[];
}

export interface PlanOptions {
    /** Leave ACK's own `services.k8s.aws/*` tags out of the declared tags (the hand-over then removes them). */
    dropAckTags?: boolean;
}

/** The ackless class of each ACK kind, from the kind descriptors (../kinds.ts). */
const CLASS: Record<string, AcklessClass> = Object.fromEntries(KINDS.filter((k) => k.ackKind).map((k) => [k.ackKind, k.name as AcklessClass]));

/** Declaration order, the descriptors': functions first (distributions use their ARNs), then distributions, then NAT gateways. */
const ORDER = KINDS.map((k) => k.ackKind);

const RESERVED = new Set(
    (
        "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
        "instanceof let new null return super switch this throw true try typeof var void while with yield await static implements interface " +
        "package private protected public arguments eval undefined pulumi config cluster cloudfront ec2 k8s"
    ).split(" "),
);

function camel(name: string): string {
    const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
    let out = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join("");
    if (!/^[A-Za-z_$]/.test(out)) {
        out = `r${out}`;
    }
    return out;
}

/**
 * A variable and a resource name for each custom resource: its name in
 * camelCase (`my-site` -> `mySite`) and as is; qualified with the kind, then
 * the namespace, when names collide.
 */
export function names(items: { kind: string; namespace: string; name: string }[]): { variable: string; resourceName: string }[] {
    const used = new Set<string>();
    const sameName = (i: (typeof items)[number]) => items.filter((o) => o.name === i.name);
    return items.map((i) => {
        const clashKind = sameName(i).some((o) => o.kind !== i.kind);
        const clashNs = sameName(i).some((o) => o.kind === i.kind && o.namespace !== i.namespace);
        let variable = camel([clashNs ? i.namespace : "", i.name, clashKind || RESERVED.has(camel(i.name)) ? i.kind : ""].filter((s) => s).join("-"));
        for (let n = 2; used.has(variable); n++) {
            variable = `${variable}${n}`;
        }
        used.add(variable);
        return { variable, resourceName: clashNs ? `${i.namespace}/${i.name}` : i.name };
    });
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Sets `value` at `path` in a copy-on-write clone of `obj`'s plain objects. */
function setAt(obj: any, path: string[], value: unknown): any {
    const [head, ...rest] = path;
    const copy = { ...(obj ?? {}) };
    copy[head] = rest.length === 0 ? value : setAt(copy[head], rest, value);
    return copy;
}

/** The spec with each reference's id field set to its resolution (a literal id, or the config expression). */
function resolvedSpec(spec: any, resolutions: Resolution[], config: (r: Resolution) => Code): any {
    let out = spec ?? {};
    for (const r of resolutions) {
        const path = [...r.found.ref.refPath.slice(0, -1), r.found.ref.idField];
        const value = r.outcome === "resolved" ? new Code(JSON.stringify(r.value), r.source) : config(r);
        out = setAt(out, path, value);
    }
    return out;
}

/** ACK's spec.availabilityZoneAddresses ([{availabilityZone | availabilityZoneID, allocationIDs}]) in the ackless input shape. */
function zoneAddresses(list: unknown): Record<string, unknown>[] | undefined {
    if (!Array.isArray(list) || list.length === 0) {
        return undefined;
    }
    return list.map((z: any) => ({
        ...(str(z?.availabilityZone) ? { availabilityZone: z.availabilityZone } : { availabilityZoneId: z?.availabilityZoneID }),
        allocationIds: Array.isArray(z?.allocationIDs) ? z.allocationIDs : [],
    }));
}

/** The code as it reads: a template literal when it is multi-line and needs no escaping. */
function codeValue(base64: unknown): Code {
    return new Code(stringLiteral(Buffer.from(String(base64 ?? ""), "base64").toString("utf8")));
}

function tagsNote(cr: AckObject, tags: Record<string, string> | undefined, dropped: boolean): string[] {
    const ackKeys = Object.keys(ackTags(cr.spec?.tags, false) ?? {}).filter((k) => k.startsWith(ACK.tagPrefix));
    if (ackKeys.length === 0) {
        return [];
    }
    const one = ackKeys.length === 1;
    return dropped
        ? [
              `ACK's own tag${one ? "" : "s"} (${ackKeys.join(", ")}) ${one ? "is" : "are"} left out: the first \`pulumi up\` removes ${one ? "it" : "them"} from AWS.`,
          ]
        : [
              `${ackKeys.join(", ")} ${one ? "is ACK's own tag" : "are ACK's own tags"}, kept as ${one ? "it is" : "they are"}; remove ${one ? "it" : "them"} here to remove ${one ? "it" : "them"} from AWS.`,
          ];
}

/** Links each distribution's function associations to the handed-over function with that ARN. */
function linkFunctions(value: unknown, functionsByArn: Map<string, HandOver>): unknown {
    if (Array.isArray(value)) {
        return value.map((v) => linkFunctions(v, functionsByArn));
    }
    if (value === null || typeof value !== "object" || value instanceof Code) {
        return value;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
        const fn = k === "FunctionARN" && typeof v === "string" ? functionsByArn.get(v) : undefined;
        out[k] = fn ? new Code(`${fn.variable}.arn`, `${crRef(fn.kind, fn.cr)}, handed over above`) : linkFunctions(v, functionsByArn);
    }
    return out;
}

/** Why the generated program's `publish` is what it is: what ACK did with the function's LIVE stage. */
export function publishComment(autoPublish: boolean, liveETag: string | undefined): string {
    if (autoPublish) {
        return `ACK published it on every change (${ACK.autoPublish}: "true")`;
    }
    return liveETag
        ? `ACK did not publish changes (no ${ACK.autoPublish}: "true"), but LIVE holds a published version (status.liveETag); true publishes on every change`
        : `ACK never published it (no ${ACK.autoPublish}: "true", no status.liveETag); true publishes on every change`;
}

function inputsOf(h: HandOver, spec: any, opts: PlanOptions, functionsByArn: Map<string, HandOver>): Record<string, unknown> {
    const cr = h.cr;
    const tags = ackTags(spec.tags, !!opts.dropAckTags);
    switch (h.kind.kind) {
        case "Function": {
            // ACK's Function (cloudfront-controller v1.7.1) has no key value store associations: functionConfig is comment and runtime.
            const fc = spec.functionConfig ?? {};
            const publish = (cr.metadata.annotations ?? {})[ACK.autoPublish] === "true";
            return {
                name: spec.name,
                runtime: str(fc.runtime),
                comment: typeof fc.comment === "string" ? fc.comment : undefined,
                code: codeValue(spec.functionCode),
                publish: new Code(String(publish), publishComment(publish, str(cr.status?.liveETag))),
                tags,
            };
        }
        case "Distribution": {
            const config = toCloudFrontShape(spec.distributionConfig ?? {}) as Record<string, unknown>;
            const callerReference = str(cr.status?.callerReference);
            return {
                distributionConfig: linkFunctions(
                    {
                        ...(callerReference
                            ? { CallerReference: new Code(JSON.stringify(callerReference), "the distribution's own (it never changes)") }
                            : {}),
                        ...config,
                    },
                    functionsByArn,
                ),
                tags,
            };
        }
        default: {
            const region = str(cr.status?.ackResourceMetadata?.region);
            const regional = spec.availabilityMode === "regional";
            return {
                availabilityMode: regional ? "regional" : undefined,
                vpcId: regional ? spec.vpcID : undefined,
                availabilityZoneAddresses: regional ? zoneAddresses(spec.availabilityZoneAddresses) : undefined,
                subnetId: regional ? undefined : spec.subnetID,
                allocationId: spec.allocationID || undefined,
                connectivityType: str(spec.connectivityType),
                region: region ? new Code(JSON.stringify(region), "the region ACK managed it in") : undefined,
                tags,
            };
        }
    }
}

export function plan(resources: { kind: AckKind; cr: AckObject }[], seen: Seen, opts: PlanOptions = {}): Plan {
    const leftOut: LeftOut[] = [];
    const eligible: { kind: AckKind; cr: AckObject }[] = [];
    for (const r of resources) {
        const reason = skipReason(r.kind, r.cr);
        if (reason) {
            leftOut.push({ ref: crRef(r.kind, r.cr), reason });
        } else {
            eligible.push(r);
        }
    }
    eligible.sort((a, b) => ORDER.indexOf(a.kind.kind) - ORDER.indexOf(b.kind.kind));
    const named = names(eligible.map((r) => ({ kind: r.kind.kind, namespace: r.cr.metadata.namespace ?? "", name: r.cr.metadata.name })));
    const config: ConfigValue[] = [];
    const functionsByArn = new Map<string, HandOver>();
    const handOvers: HandOver[] = eligible.map((r, i) => {
        const h: HandOver = {
            kind: r.kind,
            cr: r.cr,
            cls: CLASS[r.kind.kind],
            awsId: r.kind.awsId(r.cr)!,
            ...named[i],
            inputs: {},
            resolutions: referencesOf(r.kind.kind, r.cr).map((f) => resolve(f, seen)),
            notes: [],
        };
        const toConfig = (res: Resolution): Code => {
            const key = `${h.variable}${res.found.ref.input.charAt(0).toUpperCase()}${res.found.ref.input.slice(1)}`;
            const why = res.outcome === "config" ? res.why : "";
            config.push({ key, what: `the ${res.found.ref.target.kind}'s id (${res.found.ref.input})`, why, usedBy: crRef(r.kind, r.cr) });
            h.notes.push(
                `${res.found.field}: ${why}.`,
                `  Set the id it stands for before \`pulumi up\`: pulumi config set ${key} <${res.found.ref.input}>`,
            );
            return new Code(`config.require(${JSON.stringify(key)})`, `${res.found.field}, see above`);
        };
        const spec = resolvedSpec(r.cr.spec, h.resolutions, toConfig);
        h.inputs = inputsOf(h, spec, opts, functionsByArn);
        const meta = r.cr.status?.ackResourceMetadata ?? {};
        if (str(meta.ownerAccountID)) {
            h.notes.push(
                `ACK managed it in AWS account ${meta.ownerAccountID}${str(meta.region) ? ` (${meta.region})` : ""}: run \`pulumi up\` with credentials for that account.`,
            );
        }
        h.notes.push(...tagsNote(r.cr, h.inputs.tags as Record<string, string> | undefined, !!opts.dropAckTags));
        const arn = str(r.cr.status?.ackResourceMetadata?.arn);
        if (r.kind.kind === "Function" && arn) {
            functionsByArn.set(arn, h);
        }
        return h;
    });
    return { handOvers, leftOut, config };
}

/** The target of the hand-over steps (k8s.RetainPolicy, k8s.CustomResourceDeletion). */
export function stepTarget(h: HandOver) {
    return {
        apiVersion: apiVersionOf(h.kind),
        kind: h.kind.kind,
        plural: h.kind.plural,
        namespace: h.cr.metadata.namespace,
        name: h.cr.metadata.name,
        uid: h.cr.metadata.uid,
    };
}

export { finalizerOf };
