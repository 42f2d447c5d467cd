/**
 * programs/ack-handover: hand ACK-managed AWS resources over to Pulumi.
 *
 * Reads the ACK Distribution, Function and NATGateway custom resources of a
 * cluster (at program time) and, for each one that can be handed over, in one
 * `pulumi up`:
 *   1. k8s.RetainPolicy sets services.k8s.aws/deletion-policy: retain on it,
 *      so a running controller lets go without touching AWS;
 *   2. the matching ackless resource adopts the AWS resource, with the custom
 *      resource's spec as its desired configuration (dependsOn 1);
 *   3. k8s.CustomResourceDeletion deletes the custom resource (dependsOn 2),
 *      removing ACK's finalizer itself when no controller does.
 * Custom resources that cannot be handed over are skipped with a reason.
 *
 * The custom resources are gone after the hand-over, so the program records
 * what it handed over in its stack output `handedOver` and reads it back
 * (a StackReference to its own stack) to keep declaring those resources:
 * later runs are no-ops instead of deleting what was adopted.
 *
 * Config (`pulumi config set ack-handover:<key> <value>`):
 *   kubeconfig             kubeconfig text or path (use --secret for text);
 *                          default $KUBECONFIG, then ~/.kube/config
 *   context                kubeconfig context (default: its current-context)
 *   namespaces             namespaces to take over: a JSON list or a comma-
 *                          separated list (default: all)
 *   dropAckTags            true: drop ACK's own services.k8s.aws/* tags from
 *                          the user tags, so the hand-over removes them from
 *                          AWS (default false: kept as user tags)
 *   controllerGraceSeconds how long a running ACK controller gets to remove
 *                          its finalizer before ackless does (default 30)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { cloudfront, ec2 } from "../../provider";
import { ack, CustomResourceDeletion, CustomResources, KubeError, RetainPolicy } from "../../provider/k8s";

type AckObject = ack.AckObject;

interface Skipped {
    kind: string;
    namespace: string;
    name: string;
    reason: string;
}

function kubeconfigText(cfg: pulumi.Config): string {
    const given = cfg.get("kubeconfig") ?? process.env.KUBECONFIG?.split(path.delimiter)[0] ?? path.join(os.homedir(), ".kube", "config");
    if (given.includes("\n")) {
        return given;
    }
    const file = given.startsWith("~/") ? path.join(os.homedir(), given.slice(2)) : given;
    if (!fs.existsSync(file)) {
        throw new Error(`ack-handover: no kubeconfig: "${file}" does not exist; set ack-handover:kubeconfig to the kubeconfig's path or (as a secret) its text`);
    }
    return fs.readFileSync(file, "utf8");
}

function namespacesOf(cfg: pulumi.Config): string[] | undefined {
    const raw = cfg.get("namespaces");
    if (!raw || raw.trim() === "") {
        return undefined;
    }
    const list = raw.trim().startsWith("[") ? (JSON.parse(raw) as string[]) : raw.split(",");
    const names = list.map((n) => String(n).trim()).filter((n) => n !== "");
    return names.length ? names : undefined;
}

async function listKind(client: CustomResources, kind: ack.AckKind, namespaces: string[] | undefined): Promise<AckObject[]> {
    const apiVersion = ack.apiVersionOf(kind);
    const out: AckObject[] = [];
    for (const namespace of namespaces ?? [undefined]) {
        try {
            for (const item of await client.list<AckObject>({ apiVersion, plural: kind.plural, namespace })) {
                out.push({ ...item, apiVersion, kind: kind.kind });
            }
        } catch (err) {
            if (err instanceof KubeError && err.status === 404) {
                continue; // the CRD is not installed: nothing of this kind
            }
            throw err;
        }
    }
    return out;
}

/** What earlier runs handed over (this stack's own `handedOver` output). */
async function previousHandOvers(): Promise<AckObject[]> {
    const self = new pulumi.StackReference("handover-record", {
        name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
    });
    const value = await self.getOutputValue("handedOver");
    return Array.isArray(value) ? (value as AckObject[]) : [];
}

export = async () => {
    const cfg = new pulumi.Config();
    const context = cfg.get("context");
    const text = kubeconfigText(cfg);
    const kubeconfig = pulumi.secret(text);
    const namespaces = namespacesOf(cfg);
    const dropAckTags = cfg.getBoolean("dropAckTags") ?? false;
    // Handed-over resources keep retainOnDelete, as adopt-stack's programs do:
    // a destroy of this stack, or a resource leaving it, never deletes them.
    // The one documented opt-out: `pulumi config set retainOnDelete false`, then `pulumi up`.
    const retainOnDelete = cfg.getBoolean("retainOnDelete") ?? true;
    const controllerGraceSeconds = cfg.getNumber("controllerGraceSeconds") ?? 30;
    const client = CustomResources.load({ kubeconfig: text, context });

    const previous = await previousHandOvers();
    const previousByKey = new Map(previous.map((r) => [`${r.kind}/${r.metadata.namespace}/${r.metadata.name}`, r]));

    const handOver: string[] = [];
    const skipped: Skipped[] = [];
    const handedOver: AckObject[] = [];
    const seen = new Set<string>();

    const declare = (kind: ack.AckKind, cr: AckObject, continuing: boolean) => {
        const ns = cr.metadata.namespace ?? "";
        const key = `${kind.kind}/${ns}/${cr.metadata.name}`;
        const awsId = kind.awsId(cr)!;
        const target = {
            kubeconfig,
            context,
            apiVersion: ack.apiVersionOf(kind),
            kind: kind.kind,
            plural: kind.plural,
            namespace: ns || undefined,
            name: cr.metadata.name,
            uid: cr.metadata.uid,
        };
        const retain = new RetainPolicy(`retain/${key}`, target);
        const adopt = { id: awsId, mode: "adopt" as const };
        const opts = { dependsOn: [retain], retainOnDelete };
        let adopted: pulumi.CustomResource;
        let what: string;
        if (kind.kind === "Distribution") {
            adopted = new cloudfront.Distribution(key, { ...ack.distributionArgs(cr, { dropAckTags }), adopt }, opts);
            what = "cloudfront.Distribution";
        } else if (kind.kind === "Function") {
            adopted = new cloudfront.Function(key, { ...ack.functionArgs(cr, { dropAckTags }), adopt }, opts);
            what = "cloudfront.Function";
        } else {
            adopted = new ec2.NatGateway(key, { ...ack.natGatewayArgs(cr, { dropAckTags }), adopt }, opts);
            what = "ec2.NatGateway";
        }
        new CustomResourceDeletion(`delete/${key}`, { ...target, finalizer: ack.finalizerOf(kind), controllerGraceSeconds }, { dependsOn: [adopted] });
        const line = `${ack.crRef(kind, cr)} -> ${what} ${awsId}`;
        handOver.push(line);
        handedOver.push(ack.recordOf(cr));
        void pulumi.log.info(
            continuing
                ? `handed over: ${line}`
                : `hand over ${line}: set ${ack.ACK.deletionPolicy}: retain, adopt ${awsId}, delete the custom resource`,
        );
    };

    for (const kind of ack.ACK_KINDS) {
        for (const cr of await listKind(client, kind, namespaces)) {
            const key = `${kind.kind}/${cr.metadata.namespace}/${cr.metadata.name}`;
            const before = previousByKey.get(key);
            if (before && before.metadata.uid === cr.metadata.uid) {
                // Mid-way through an earlier hand-over: finish it, whatever its state now.
                seen.add(key);
                declare(kind, before, true);
                continue;
            }
            const reason = ack.skipReason(kind, cr);
            if (reason) {
                skipped.push({ kind: kind.kind, namespace: cr.metadata.namespace ?? "", name: cr.metadata.name, reason });
                void pulumi.log.warn(`skipping ${ack.crRef(kind, cr)}: ${reason}`);
                continue;
            }
            seen.add(key);
            declare(kind, cr, false);
        }
    }
    // Handed over by earlier runs (their custom resources are gone): keep declaring them.
    for (const [key, record] of previousByKey) {
        if (!seen.has(key)) {
            declare(ack.ackKind(record.kind!), record, true);
        }
    }
    if (handOver.length === 0) {
        void pulumi.log.info("nothing to hand over");
    }
    return { handOver, skipped, handedOver };
};
