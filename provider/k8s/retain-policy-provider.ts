/**
 * k8s.RetainPolicy: sets `services.k8s.aws/deletion-policy: retain` on an ACK
 * custom resource, so a running ACK controller, when the custom resource is
 * deleted, drops its finalizer without touching the AWS resource.
 *
 * - create: patch the annotation (JSON patch guarded by the object's uid).
 * - read: observe the annotation (`policy`), so a changed annotation shows as
 *   drift; a custom resource that is gone (deleted by the hand-over) keeps the
 *   state as it is.
 * - update: re-apply the annotation when it drifted.
 * - delete: nothing; "retain" is the safe value, leaving it never deletes
 *   anything in AWS.
 */
import * as pulumi from "@pulumi/pulumi";
import { ACK } from "./ack";
import { CustomResources } from "./kube";
import { progress } from "../common/log";
import {
    checkTarget,
    defined,
    clientFor,
    describeTarget,
    findObject,
    ObjectTarget,
    refOf,
    pointer,
    TARGET_FIELDS,
    targetId,
    targetOf,
} from "./target";

export const RETAIN = "retain";

interface Inputs extends ObjectTarget {}
interface Outputs extends Inputs {
    /** The deletion-policy annotation as last observed ("" when absent). */
    policy: string;
}

/** Sets the annotation on the object named by t; returns the object's annotation afterwards. */
export async function setRetain(client: CustomResources, t: ObjectTarget): Promise<string> {
    const obj = await findObject(client, t);
    if (!obj) {
        throw new Error(
            `${describeTarget(t)}${t.uid ? ` (uid ${t.uid})` : ""} does not exist (any more): cannot set ${ACK.deletionPolicy}: ${RETAIN} on it`,
        );
    }
    const annotations = obj.metadata?.annotations;
    if (annotations?.[ACK.deletionPolicy] === RETAIN) {
        return RETAIN;
    }
    const ops: any[] = [{ op: "test", path: "/metadata/uid", value: obj.metadata.uid }];
    if (!annotations) {
        ops.push({ op: "add", path: "/metadata/annotations", value: {} });
    }
    ops.push({ op: "add", path: `/metadata/annotations/${pointer(ACK.deletionPolicy)}`, value: RETAIN });
    const patched = await client.jsonPatch(refOf(t), ops);
    progress(`${describeTarget(t)}: set ${ACK.deletionPolicy}: ${RETAIN} (was ${annotations?.[ACK.deletionPolicy] ?? "unset"})`);
    return patched?.metadata?.annotations?.[ACK.deletionPolicy] ?? "";
}

const pick = (inputs: any): Inputs => targetOf(inputs);

export const provider: Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> = {
    async check(_olds: any, news: any) {
        const failures = checkTarget(news);
        return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async diff(_id: string, olds: Outputs, news: Inputs) {
        const replaces = TARGET_FIELDS.filter((f) => (olds[f] ?? "") !== (news[f] ?? ""));
        const changes: string[] = [...replaces];
        if ((olds.policy ?? RETAIN) !== RETAIN) {
            changes.push("policy");
        }
        if (olds.kubeconfig !== news.kubeconfig) {
            changes.push("kubeconfig");
        }
        if ((olds.context ?? "") !== (news.context ?? "")) {
            changes.push("context");
        }
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: any) {
        const t = pick(inputs);
        const policy = await setRetain(clientFor(t), t);
        return { id: targetId(t), outs: defined({ ...t, policy }) };
    },

    async read(id: string, props: any) {
        const t = pick(props);
        const obj = await findObject(clientFor(t), t);
        if (!obj) {
            // Handed over: the custom resource is gone, which is the point.
            return { id, props };
        }
        return { id, props: defined({ ...props, policy: obj.metadata?.annotations?.[ACK.deletionPolicy] ?? "" }) };
    },

    async update(id: string, _olds: any, news: any) {
        const t = pick(news);
        const client = clientFor(t);
        if (!(await findObject(client, t))) {
            return { outs: defined({ ...t, policy: RETAIN }) };
        }
        const policy = await setRetain(client, t);
        return { outs: defined({ ...t, policy }) };
    },

    async delete(_id: string, props: any) {
        progress(`${describeTarget(pick(props))}: leaving ${ACK.deletionPolicy}: ${RETAIN} in place`);
    },
};
