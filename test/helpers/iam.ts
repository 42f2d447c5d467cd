/**
 * IAM in the emulator for tests: switch enforcement on, make an IAM user bound
 * only to some of the documented policies (docs/iam/<name>.json), and read
 * from the call log which policy statement allowed which action.
 *
 * The IAM API is called over HTTP with SigV4 (the repository has no IAM
 * client), as the account root (key id "testing").
 */
import { createHash, createHmac } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { SignatureV4 } from "@smithy/signature-v4";
import { Emulator, EmulatorCall, repoRoot } from "./emulator";

/** The policies in docs/iam/, by file name without .json. */
export type PolicyName = "apply" | "read-only" | "adopt" | "handover-cloudformation";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
    Version: string;
    Statement: PolicyStatement[];
}

export function policyPath(name: PolicyName): string {
    return path.join(repoRoot(), "docs", "iam", `${name}.json`);
}

export function readPolicy(name: PolicyName): PolicyDocument {
    return JSON.parse(fs.readFileSync(policyPath(name), "utf8")) as PolicyDocument;
}

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A copy of `doc` without `action` in any statement (a statement left with no action is dropped). */
export function withoutAction(doc: PolicyDocument, action: string): PolicyDocument {
    const statements = doc.Statement.map((s) => ({ ...s, Action: asList(s.Action).filter((a) => a !== action) })).filter((s) => s.Action.length > 0);
    if (JSON.stringify(statements) === JSON.stringify(doc.Statement.map((s) => ({ ...s, Action: asList(s.Action) })))) {
        throw new Error(`${action} is in no statement of the policy`);
    }
    return { ...doc, Statement: statements };
}

/** SHA-256 for SignatureV4, from Node's crypto. */
class Sha256 {
    private readonly hash;
    constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
        this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", Buffer.from(secret as any));
    }
    update(data: string | ArrayBuffer | ArrayBufferView): void {
        this.hash.update(typeof data === "string" ? data : Buffer.from(data as any));
    }
    async digest(): Promise<Uint8Array> {
        return new Uint8Array(this.hash.digest());
    }
}

/** One IAM query API call as the account root; the XML response text. */
export async function iamCall(emu: Emulator, action: string, params: Record<string, string>): Promise<string> {
    const body = new URLSearchParams({ Action: action, Version: "2010-05-08", ...params }).toString();
    const signer = new SignatureV4({
        service: "iam",
        region: "us-east-1",
        sha256: Sha256,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    const signed = await signer.sign({
        method: "POST",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: emu.port,
        path: "/",
        headers: { host: `127.0.0.1:${emu.port}`, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body,
    });
    const res = await fetch(`${emu.endpoint}/`, { method: "POST", headers: signed.headers as Record<string, string>, body });
    const text = await res.text();
    if (!res.ok) throw new Error(`IAM ${action}: ${res.status} ${text}`);
    return text;
}

export interface IamUser {
    name: string;
    arn: string;
    accessKeyId: string;
    secretAccessKey: string;
    /** The emulator's environment (emu.env()) with this user's keys. */
    env(): Record<string, string>;
}

let made = 0;

/**
 * An IAM user whose only permissions are `policies` (docs/iam/<name>.json, or
 * a document under a name), each attached as a managed policy named after it.
 */
export async function createIamUser(
    emu: Emulator,
    policies: (PolicyName | { name: string; document: PolicyDocument })[],
    name?: string,
): Promise<IamUser> {
    const userName = name ?? `ackless-${process.pid}-${made++}`;
    const created = await iamCall(emu, "CreateUser", { UserName: userName });
    const arn = /<Arn>([^<]+)<\/Arn>/.exec(created)![1];
    for (const p of policies) {
        const policyName = typeof p === "string" ? p : p.name;
        const document = typeof p === "string" ? readPolicy(p) : p.document;
        const out = await iamCall(emu, "CreatePolicy", { PolicyName: `${policyName}-${userName}`, PolicyDocument: JSON.stringify(document) });
        const policyArn = /<Arn>([^<]+)<\/Arn>/.exec(out)![1];
        await iamCall(emu, "AttachUserPolicy", { UserName: userName, PolicyArn: policyArn });
    }
    const key = await iamCall(emu, "CreateAccessKey", { UserName: userName });
    const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(key)![1];
    const secretAccessKey = /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(key)![1];
    return {
        name: userName,
        arn,
        accessKeyId,
        secretAccessKey,
        env: () => ({ ...emu.env(), AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey }),
    };
}

/** Turns enforcement on (POST /ackless/config {"iamEnforce": true}); reset() turns it back to the start value. */
export async function enforceIam(emu: Emulator, on = true): Promise<void> {
    await emu.setConfig({ iamEnforce: on });
}

/** An IAM check the emulator recorded on a call (GET /ackless/calls). */
export interface IamCheck {
    action: string;
    resource: string;
    /** "<policy name>/<Sid>" of every statement that allowed it; empty: denied. */
    allowedBy: string[];
}

export type IamCall = EmulatorCall & { principal?: string; iam?: IamCheck[]; denied?: string };

/** The calls `user` made. */
export async function callsOf(emu: Emulator, user: IamUser): Promise<IamCall[]> {
    return ((await emu.calls()) as IamCall[]).filter((c) => c.principal === user.name);
}

/** Enforcement on, and a user bound only to `policies`: what an e2e runs ackless as. */
export async function underPolicies(emu: Emulator, policies: PolicyName[]): Promise<IamUser> {
    await enforceIam(emu);
    return createIamUser(emu, policies);
}

/** Every action the user was denied, with its resource. */
export function denials(calls: IamCall[]): string[] {
    return calls.flatMap((c) => (c.iam ?? []).filter((i) => i.allowedBy.length === 0).map((i) => `${c.operation}: ${i.action} on ${i.resource}`));
}

/**
 * The (statement, action) pairs of `policies` that no call needed: needed means
 * some check was allowed by that statement alone, so a pair only ever used
 * alongside another statement that allows the same is redundant, and listed.
 */
export function unneededActions(calls: IamCall[], user: IamUser | IamUser[], policies: PolicyName[]): string[] {
    // Each user's copy of a policy is named "<policy>-<user>": fold them into "<policy>".
    const names = new Set(asList(user).map((u) => u.name));
    const label = (allowedBy: string) => {
        const [policy, sid] = allowedBy.split("/");
        const owner = [...names].find((n) => policy.endsWith(`-${n}`));
        return owner ? `${policy.slice(0, -owner.length - 1)}/${sid}` : allowedBy;
    };
    const needed = new Set(
        calls.flatMap((c) => (c.iam ?? []).filter((i) => i.allowedBy.length === 1).map((i) => `${label(i.allowedBy[0])}|${i.action}`)),
    );
    const out: string[] = [];
    for (const p of policies) {
        readPolicy(p).Statement.forEach((s, i) => {
            for (const action of asList(s.Action)) {
                if (!needed.has(`${p}/${s.Sid ?? i}|${action}`)) out.push(`${p}.json ${s.Sid ?? i}: ${action}`);
            }
        });
    }
    return out;
}
