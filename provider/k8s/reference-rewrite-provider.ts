/**
 * k8s.ReferenceRewrite: one JSON patch that tests the object's uid and the
 * reference as it was read, removes the reference and sets the id field.
 *
 * - create: rewrite (or nothing when the id is already there and the
 *   reference gone, or the custom resource is gone); a reference that changed
 *   since it was read fails, naming it (the program is generated again).
 * - read, update, delete: nothing; the rewritten spec is the desired state,
 *   and the id is the value the controller resolved anyway.
 */
import * as pulumi from "@pulumi/pulumi";
import { progress } from "../common/log";
import {
    checkTarget,
    clientFor,
    defined,
    describeTarget,
    findObject,
    isConflict,
    ObjectTarget,
    refOf,
    TARGET_FIELDS,
    targetId,
    targetOf,
} from "./target";

interface Inputs extends ObjectTarget {
    refPointer: string;
    idPointer: string;
    ref: Record<string, unknown>;
    value: string;
}

const pick = (i: any): Inputs => ({ ...targetOf(i), refPointer: i.refPointer, idPointer: i.idPointer, ref: i.ref, value: i.value });

/** The value at a JSON pointer (RFC 6901). */
export function atPointer(obj: unknown, ptr: string): unknown {
    return ptr
        .split("/")
        .slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce<any>((o, k) => (o == null ? undefined : o[k]), obj);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function rewrite(t: Inputs): Promise<"rewritten" | "already" | "gone"> {
    const client = clientFor(t);
    const what = `${describeTarget(t)} ${t.refPointer}`;
    const obj = await findObject(client, t);
    if (!obj) {
        return "gone";
    }
    const ref = atPointer(obj, t.refPointer);
    if (ref === undefined && atPointer(obj, t.idPointer) === t.value) {
        return "already";
    }
    if (!same(ref, t.ref)) {
        throw new Error(
            `${what} is ${JSON.stringify(ref ?? null)}, not ${JSON.stringify(t.ref)} as read by adopt-ack: it changed since; ` +
                `run ackless adopt-ack again to write the program for the cluster as it is now`,
        );
    }
    try {
        await client.jsonPatch(refOf(t), [
            { op: "test", path: "/metadata/uid", value: obj.metadata.uid },
            { op: "test", path: t.refPointer, value: t.ref },
            { op: "remove", path: t.refPointer },
            { op: "add", path: t.idPointer, value: t.value },
        ]);
    } catch (err) {
        if (isConflict(err)) {
            throw new Error(`${what} changed while being rewritten (the patch's test failed): run pulumi up again (${(err as Error).message})`);
        }
        throw err;
    }
    progress(`${what}: reference replaced by ${t.idPointer.split("/").pop()} ${t.value}`);
    return "rewritten";
}

export const provider: Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> = {
    async check(_olds: any, news: any) {
        const failures = checkTarget(news);
        for (const f of ["refPointer", "idPointer"]) {
            if (typeof news[f] !== "string" || !news[f].startsWith("/spec/")) {
                failures.push({ property: f, reason: `${f} is required: a JSON pointer under /spec (/spec/routes/0/natGatewayRef)` });
            }
        }
        if (typeof news.value !== "string" || news.value === "") {
            failures.push({ property: "value", reason: "value is required: the id the reference resolves to" });
        }
        if (news.ref === null || typeof news.ref !== "object") {
            failures.push({ property: "ref", reason: "ref is required: the reference as read ({ from: { name } })" });
        }
        return failures.length ? { inputs: news, failures } : { inputs: news };
    },
    async diff(_id: string, olds: any, news: any) {
        const replaces = [...TARGET_FIELDS, "refPointer", "idPointer", "value"].filter((f) => (olds[f] ?? "") !== (news[f] ?? ""));
        return { changes: replaces.length > 0 || !same(olds.ref, news.ref), replaces, deleteBeforeReplace: false };
    },
    async create(inputs: any) {
        const t = pick(inputs);
        const outcome = await rewrite(t);
        return { id: `${targetId(t)}${t.refPointer}`, outs: defined({ ...t, outcome }) };
    },
    async read(id: string, props: any) {
        return { id, props };
    },
    async update(_id: string, olds: any, news: any) {
        return { outs: defined({ ...pick(news), outcome: olds.outcome }) };
    },
    async delete() {
        // The id is what the controller resolved anyway; putting the reference back would name a deleted custom resource.
    },
};
