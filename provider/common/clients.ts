/**
 * AWS clients, built inside provider methods (never captured into state).
 *
 * Region, credentials and endpoint come from the standard AWS SDK sources:
 * AWS_REGION / AWS_PROFILE / the shared config files / instance roles, and the
 * SDK's endpoint override (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_CLOUDFRONT,
 * AWS_ENDPOINT_URL_EC2...). ackless has no emulator-specific code path.
 * Throttling is absorbed by the SDK's adaptive retry mode.
 */
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { EC2Client } from "@aws-sdk/client-ec2";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
// The KeyValueStore data plane is signed with SigV4A: this registers the SDK's
// pure-JS signer (without it, or the CRT one, every call fails).
import "@aws-sdk/signature-v4a";
import * as dns from "dns";
import * as http from "http";
import { AsyncLocalStorage } from "async_hooks";
import { resetShared } from "./batch";
import { throttle } from "./rate";

const cache = new Map<string, unknown>();

// The AWS SDK warns on every process start under a Node.js it will stop
// supporting (Node.js 20: releases after January 2027 need 22). ackless runs
// on Node.js 22 or later (its engines field), so under every Pulumi resource
// the warning would only repeat noise for a user still on 20; set
// AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/**
 * The region of the resource a provider call works on (`withRegion`), so
 * that read, refresh and delete always use the region stored in state, not
 * whatever the environment says today.
 */
export interface AwsScope {
    region?: string;
    /** The `aws:profile` stack config, as @pulumi/aws honours it. */
    profile?: string;
}
const scope = new AsyncLocalStorage<AwsScope>();

/** Runs `fn` with every client of ackless using this region (regional ones) and profile, when given. */
export function withAws<T>(where: AwsScope, fn: () => Promise<T>): Promise<T> {
    const outer = scope.getStore() ?? {};
    const next = { region: where.region || outer.region, profile: where.profile || outer.profile };
    return next.region || next.profile ? scope.run(next, fn) : fn();
}

/** Runs `fn` with every regional client of ackless in `region` (when given). */
export function withRegion<T>(region: string | undefined, fn: () => Promise<T>): Promise<T> {
    return withAws({ region }, fn);
}

/** The region and profile the current provider call works in (to carry into shared work, common/batch.ts). */
export function currentAwsScope(): AwsScope {
    return { ...(scope.getStore() ?? {}) };
}

function profile(): string | undefined {
    return scope.getStore()?.profile || undefined;
}

function region(): string {
    return scope.getStore()?.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1";
}

/** The profile (`aws:profile`, else AWS_PROFILE; undefined: the default chain) and region calls in this scope use, for messages. */
export function awsWhere(): { profile?: string; region: string } {
    return { profile: profile() ?? (process.env.AWS_PROFILE || undefined), region: region() };
}

/**
 * The region the AWS SDK's own chain resolves (AWS_REGION, AWS_DEFAULT_REGION,
 * the AWS_PROFILE's `region` in the shared config files), or undefined.
 */
export async function sdkDefaultRegion(): Promise<string | undefined> {
    try {
        return (await new EC2Client({ profile: profile() }).config.region()) || undefined;
    } catch {
        return undefined;
    }
}

/**
 * Retries: the SDK's own AWS_MAX_ATTEMPTS and AWS_RETRY_MODE win when set;
 * otherwise ackless uses the adaptive mode (client-side rate limiting after
 * throttling) with 8 attempts (ACKLESS_AWS_MAX_ATTEMPTS, the older knob, still
 * changes that default).
 */
export function retryConfig(env: NodeJS.ProcessEnv = process.env): { retryMode?: "adaptive"; maxAttempts?: number } {
    const out: { retryMode?: "adaptive"; maxAttempts?: number } = {};
    if (!env.AWS_RETRY_MODE) {
        out.retryMode = "adaptive";
    }
    if (!env.AWS_MAX_ATTEMPTS) {
        out.maxAttempts = Number(env.ACKLESS_AWS_MAX_ATTEMPTS) || 8;
    }
    return out;
}
const retry = () => retryConfig();

/**
 * Where the current provider call's AWS requests go: region, endpoint and
 * profile. Clients, and the shared pollers of common/batch.ts, are kept per
 * scope, so two regions or two profiles never share one.
 */
export function awsScopeKey(service: string): string {
    const r = service.startsWith("cloudfront") ? "us-east-1" : region();
    const endpoint =
        service === "cloudfront-keyvaluestore"
            ? (process.env.AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE ?? process.env.AWS_ENDPOINT_URL)
            : process.env.AWS_ENDPOINT_URL;
    return `${service}|${r}|${endpoint ?? ""}|${profile() ?? process.env.AWS_PROFILE ?? ""}`;
}

interface Stackable {
    middlewareStack: { add(mw: any, opts: any): void };
}

/**
 * Every request a client sends (each retry too) first takes a token of
 * ackless's request budget for its API, service and region (common/rate.ts).
 */
function budgeted<C extends Stackable>(client: C, service: string, where: string): C {
    client.middlewareStack.add(
        (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
            await throttle(service, where, String(context.commandName ?? "").replace(/Command$/, ""));
            return next(args);
        },
        // Below the SDK's retry middleware (finalizeRequest, high), so that each attempt pays.
        { step: "finalizeRequest", priority: "low", name: "acklessRequestBudget" },
    );
    return client;
}

function cached<T>(service: string, make: () => T): T {
    const k = awsScopeKey(service);
    if (!cache.has(k)) {
        cache.set(k, make());
    }
    return cache.get(k) as T;
}

/** CloudFront is global; its API lives in us-east-1. */
export function cloudfront(): CloudFrontClient {
    return cached("cloudfront", () =>
        budgeted(new CloudFrontClient({ region: "us-east-1", profile: profile(), ...retry() }), "cloudfront", "us-east-1"),
    );
}

export function ec2(): EC2Client {
    return cached("ec2", () => budgeted(new EC2Client({ region: region(), profile: profile(), ...retry() }), "ec2", region()));
}

export function cloudformation(): CloudFormationClient {
    return cached("cloudformation", () =>
        budgeted(new CloudFormationClient({ region: region(), profile: profile(), ...retry() }), "cloudformation", region()),
    );
}

/**
 * Resolves every name under `localhost` to the loopback (RFC 6761, 6.3), as
 * Node's resolver does not. The KeyValueStore client always sends to
 * `{account}.{endpoint host}` (its endpoint rules), so an endpoint override
 * of `http://localhost:PORT` becomes `123456789012.localhost:PORT`. Any other
 * name is resolved as usual.
 */
function localhostLookup(hostname: string, options: dns.LookupOptions, callback: (...args: any[]) => void): void {
    dns.lookup(hostname === "localhost" || hostname.endsWith(".localhost") ? "127.0.0.1" : hostname, options, callback as never);
}

/**
 * The CloudFront KeyValueStore data plane (`cloudfront-keyvaluestore`, SigV4A,
 * global). Its endpoint is the SDK's (derived from each call's store ARN), or
 * the override AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE / AWS_ENDPOINT_URL.
 */
export function keyValueStore(): CloudFrontKeyValueStoreClient {
    return cached("cloudfront-keyvaluestore", () =>
        budgeted(
            new CloudFrontKeyValueStoreClient({
                region: "us-east-1",
                profile: profile(),
                ...retry(),
                requestHandler: { httpAgent: new http.Agent({ keepAlive: true, lookup: localhostLookup as never }) },
            }),
            "cloudfront-keyvaluestore",
            "us-east-1",
        ),
    );
}

/** Test hook: forget cached clients (after changing the environment). */
export function resetClients(): void {
    cache.clear();
    resetShared();
}

type ProviderMethods = {
    check(olds: any, news: any): Promise<any>;
    diff(id: string, olds: any, news: any): Promise<any>;
    create(inputs: any): Promise<any>;
    read(id: string, props: any): Promise<any>;
    update(id: string, olds: any, news: any): Promise<any>;
    delete(id: string, props: any): Promise<void>;
    confirm?(id: string, props: any): Promise<void>;
};

/**
 * Every AWS call of a resource's provider method made as that resource says:
 * its stored `region` (regional kinds) and the `aws:profile` its program set
 * (`__profile`, kept in the outputs so refresh and destroy use it too).
 */
export function awsScoped<P extends ProviderMethods>(p: P, regional: boolean): P {
    const where = (...sources: any[]): AwsScope => ({
        region: regional ? sources.map((x) => x?.region).find((r) => typeof r === "string" && r) : undefined,
        profile: sources.map((x) => x?.__profile).find((r) => typeof r === "string" && r),
    });
    const keepProfile = (outs: any, profile: string | undefined) =>
        profile && outs && typeof outs === "object" ? { ...outs, __profile: profile } : outs;
    return {
        ...p,
        check: (olds, news) => withAws({ profile: where(news).profile }, () => p.check(olds, news)),
        diff: (id, olds, news) => p.diff(id, olds, news),
        create: async (inputs) => {
            const w = where(inputs);
            const r = await withAws(w, () => p.create(inputs));
            return { ...r, outs: keepProfile(r.outs, w.profile) };
        },
        read: async (id, props) => {
            const w = where(props);
            const r = await withAws(w, () => p.read(id, props));
            return r.id ? { ...r, props: keepProfile(r.props, w.profile) } : r;
        },
        update: async (id, olds, news) => {
            const w = where(olds, news);
            const r = await withAws(w, () => p.update(id, olds, news));
            return { ...r, outs: keepProfile(r.outs, where(news, olds).profile) };
        },
        delete: (id, props) => withAws(where(props), () => p.delete(id, props)),
        ...(p.confirm ? { confirm: (id: string, props: any) => withAws(where(props), () => p.confirm!(id, props)) } : {}),
    };
}
