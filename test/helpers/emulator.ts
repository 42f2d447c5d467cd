// Starts the local AWS emulator (python3 -m emulator: moto + ackless extensions) for tests.
// Only Node built-ins are used.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export interface EmulatorConfig {
    deploySeconds?: number;
    natSeconds?: number;
    /** Elastic IPs a public NAT gateway may have (AWS's default quota: 2). */
    natEipQuota?: number;
    /** For this long after a distribution reads Deployed, DeleteDistribution still answers 409 (default 0). */
    notDisabledSeconds?: number;
    /** For this long after a create, reads of the new NAT gateway, distribution or function answer NotFound (default 0). */
    notFoundAfterCreateSeconds?: number;
    /**
     * Set-valued lists of a distribution config (methods, aliases, header names...) come back in a canonical order,
     * not the request's, as CloudFront does (default CANONICAL_SET_ORDER_DEFAULT; null: back to the default).
     */
    canonicalSetOrder?: boolean | null;
    /** A public NAT gateway in a VPC without an internet gateway fails Gateway.NotAttached, as in AWS (default off; null: the default). */
    natRequireInternetGateway?: boolean | null;
    /** CloudFront KeyValueStore PROVISIONING to READY (default 0: READY on the first read after the create). */
    kvsSeconds?: number;
    /**
     * TestFunction's compute limit for a CloudFront function, in ms (default FUNCTION_TIME_LIMIT_MS_DEFAULT): ComputeUtilization
     * is the share of it the handler used, and a handler still running at the limit fails.
     */
    functionTimeLimitMs?: number;
    /**
     * Check every AWS call against the caller's IAM policies (emulator/iam.py; default off, or on when started with
     * iam: true; reset() puts it back). Key id "testing" is the account root; keys of IAM users get their policies.
     */
    iamEnforce?: boolean | null;
    /**
     * Off: CreateFunction carrying Tags is refused with 409, as CloudFront did from late April 2026
     * (cloudformation-coverage-roadmap #2508); default on (null: the default).
     */
    functionTagsOnCreate?: boolean | null;
}

/** The emulator's default for functionTimeLimitMs (emulator/state.py). */
export const FUNCTION_TIME_LIMIT_MS_DEFAULT = 100;

/** The emulator's default for canonicalSetOrder (emulator/state.py). */
export const CANONICAL_SET_ORDER_DEFAULT = true;

/**
 * Fault injection (POST /ackless/faults; see emulator/faults.py). Setting replaces the whole config; {} turns faults off.
 * Operations are named "CreateFunction" or "cloudfront:CreateFunction".
 */
export interface FaultConfig {
    /** Same seed and same sequence of calls per operation: same faults (default 0). */
    seed?: number | string;
    /** Rate in [0, 1]: not carried out; EC2 answers 503 RequestLimitExceeded, CloudFront 400 Throttling. */
    throttle?: number;
    /** Rate in [0, 1]: not carried out; 500 InternalError in the service's error shape. */
    internal?: number;
    /** Rate in [0, 1]: carried out, then the connection is closed without a response. throttle + internal + drop <= 1. */
    drop?: number;
    /** Rate in [0, 1] at which a call waits latencySeconds before it is handled. */
    latencyRate?: number;
    latencySeconds?: number;
    /** Every call of the operation waits this many seconds before it is handled (not limited by `operations`). */
    latency?: Record<string, number>;
    /** The operations the rates apply to (default: all). */
    operations?: string[];
    /** At most this many throttle/internal/drop faults in all (latency not counted); null: no limit. */
    maxFaults?: number | null;
}

export type FaultKind = "throttle" | "internal" | "drop" | "latency";

export interface EmulatorCall {
    service: string;
    operation: string;
    status?: number;
    /** The fault injected on this call ("latency" only when it was delayed and nothing else). */
    fault?: FaultKind;
    /** Seconds the call waited before it was handled. */
    delaySeconds?: number;
    /** The access key id and region of the call's SigV4 signature. */
    accessKeyId?: string;
    region?: string;
}

/** startEmulator / useEmulator options: transition times and a fault config (--faults at start; useEmulator sets it before each test). */
export interface EmulatorOptions extends EmulatorConfig {
    faults?: FaultConfig;
    /** Start with IAM enforcement on (--iam): the value reset() returns to. */
    iam?: boolean;
}

export interface Emulator {
    endpoint: string;
    port: number;
    /** Clears all state and the call log; transition times and faults stay as they are. */
    reset(): Promise<void>;
    /** reset(), and every runtime setting (config, faults) back to what the emulator started with. */
    resetAll(): Promise<void>;
    setConfig(config: EmulatorConfig): Promise<Required<EmulatorConfig>>;
    getConfig(): Promise<Required<EmulatorConfig>>;
    calls(): Promise<EmulatorCall[]>;
    resetCalls(): Promise<void>;
    /** Adds tags (aws: ones too) bypassing the reserved-key check: a CloudFront ARN, or an EC2 resource id. */
    seedTags(target: { arn: string } | { resourceId: string; region?: string }, tags: Record<string, string>): Promise<void>;
    failNat(natGatewayId: string, failureCode?: string, failureMessage?: string): Promise<void>;
    /** Forces a distribution's status. InProgress holds until holdSeconds pass (forever if omitted) or the next change. */
    setDistributionStatus(id: string, status: "InProgress" | "Deployed", holdSeconds?: number): Promise<void>;
    /** Replaces the fault config (restarting the fault sequence); returns it with every key filled in. */
    setFaults(faults: FaultConfig): Promise<Required<FaultConfig>>;
    getFaults(): Promise<Required<FaultConfig>>;
    /** No faults from now on. */
    clearFaults(): Promise<void>;
    env(): Record<string, string>;
    stop(): Promise<void>;
}

export function repoRoot(): string {
    let dir = __dirname;
    for (;;) {
        if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "emulator", "__main__.py"))) {
            return dir;
        }
        const parent = path.dirname(dir);
        if (parent === dir) throw new Error(`cannot find the repository root (package.json + emulator/) above ${__dirname}`);
        dir = parent;
    }
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const addr = srv.address();
            const port = typeof addr === "object" && addr ? addr.port : 0;
            srv.close(() => resolve(port));
        });
    });
}

async function api<T>(endpoint: string, method: "GET" | "POST", route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${endpoint}/ackless/${route}`, {
        method,
        headers: { "content-type": "application/json" },
        body: method === "POST" ? JSON.stringify(body ?? {}) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} /ackless/${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
}

const START_TIMEOUT_MS = 30_000;

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    // For measuring how many emulators a run starts: one line per start-up.
    if (process.env.ACKLESS_EMULATOR_START_LOG) fs.appendFileSync(process.env.ACKLESS_EMULATOR_START_LOG, `${endpoint}\n`);
    const args = ["-m", "emulator", "--port", String(port)];
    if (opts.deploySeconds !== undefined) args.push("--deploy-seconds", String(opts.deploySeconds));
    if (opts.natSeconds !== undefined) args.push("--nat-seconds", String(opts.natSeconds));
    if (opts.notFoundAfterCreateSeconds !== undefined) args.push("--not-found-after-create-seconds", String(opts.notFoundAfterCreateSeconds));
    if (opts.kvsSeconds !== undefined) args.push("--kvs-seconds", String(opts.kvsSeconds));
    if (opts.faults !== undefined) args.push("--faults", JSON.stringify(opts.faults));
    if (opts.iam) args.push("--iam");
    const child: ChildProcess = spawn(process.env.ACKLESS_PYTHON || "python3", args, {
        cwd: repoRoot(),
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, PYTHONUNBUFFERED: "1" },
    });
    let stderr = "";
    let stdout = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
        stderr = (stderr + d).slice(-20_000);
    });
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    // A test process that exits (mocha's --exit, a crash) never leaves its emulator behind.
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    const exitPromise = new Promise<void>((resolve) =>
        child.once("exit", (code, signal) => {
            exited = { code, signal };
            process.removeListener("exit", killOnExit);
            resolve();
        }),
    );

    await new Promise<void>((resolve, reject) => {
        let done = false;
        const finish = (err?: Error) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            clearInterval(poll);
            if (err) {
                child.kill("SIGKILL");
                reject(err);
            } else resolve();
        };
        const fail = (why: string) =>
            new Error(`emulator did not start (${why}) on ${endpoint}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`);
        const timer = setTimeout(() => finish(fail(`timeout after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        child.stdout!.setEncoding("utf8").on("data", (d: string) => {
            stdout = (stdout + d).slice(-20_000);
            if (stdout.includes("emulator listening on")) finish();
        });
        child.once("error", (e) => finish(fail(`spawn error: ${e.message}`)));
        void exitPromise.then(() => finish(fail(`exited with ${exited?.code ?? exited?.signal}`)));
        // Fallback: a successful internal API request also means it is up.
        const poll = setInterval(() => {
            fetch(`${endpoint}/ackless/config`)
                .then((r) => (r.ok ? finish() : undefined))
                .catch(() => undefined);
        }, 250);
    });

    const emulator: Emulator = {
        endpoint,
        port,
        async reset() {
            await api(endpoint, "POST", "reset");
        },
        async resetAll() {
            await api(endpoint, "POST", "reset", { settings: true });
        },
        setConfig: (config) => api(endpoint, "POST", "config", config),
        getConfig: () => api(endpoint, "GET", "config"),
        async calls() {
            return (await api<{ calls: EmulatorCall[] }>(endpoint, "GET", "calls")).calls;
        },
        async resetCalls() {
            await api(endpoint, "POST", "calls/reset");
        },
        async seedTags(target, tags) {
            await api(endpoint, "POST", "seed-tags", { ...target, tags });
        },
        async failNat(natGatewayId, failureCode = "InternalError", failureMessage = "Forced failure") {
            await api(endpoint, "POST", "nat-fail", { natGatewayId, failureCode, failureMessage });
        },
        async setDistributionStatus(id, status, holdSeconds) {
            await api(endpoint, "POST", "set-distribution", { id, status, holdSeconds });
        },
        setFaults: (faults) => api(endpoint, "POST", "faults", faults),
        getFaults: () => api(endpoint, "GET", "faults"),
        async clearFaults() {
            await api(endpoint, "POST", "faults", {});
        },
        env() {
            return {
                AWS_ENDPOINT_URL: endpoint,
                // The KeyValueStore data plane's SDK calls {account}.{endpoint host}: a name under localhost, which a client
                // reaches with an agent that resolves *.localhost to the loopback (test/emulator/cloudfront-kvs-data.contract.test.ts).
                AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: `http://localhost:${port}`,
                AWS_ACCESS_KEY_ID: "testing",
                AWS_SECRET_ACCESS_KEY: "testing",
                AWS_REGION: "us-east-1",
            };
        },
        async stop() {
            if (exited) return;
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
            await exitPromise;
            clearTimeout(timer);
        },
    };
    return emulator;
}

/** The settings of opts, applied to an emulator that was just fully reset. */
async function apply(emulator: Emulator, opts: EmulatorOptions): Promise<void> {
    const { faults, ...config } = opts;
    if (Object.values(config).some((v) => v !== undefined)) await emulator.setConfig(config);
    if (faults !== undefined) await emulator.setFaults(faults);
}

let shared: Promise<Emulator> | undefined;

/**
 * The one emulator of this test run: started on first use (no start flags), stopped when the run ends
 * (stopSharedEmulator, a root hook in hooks.ts). Each call resets it fully (state, call log, and every runtime
 * setting back to the defaults: resetAll), then sets the transition times and faults of opts, as start flags would.
 * The handle's stop() does nothing: the run owns the process. Tests of the start flags themselves use startEmulator.
 */
export async function sharedEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
    shared ??= startEmulator().catch((err) => {
        shared = undefined;
        throw err;
    });
    const emulator = await shared;
    await emulator.resetAll();
    await apply(emulator, opts);
    return { ...emulator, stop: async () => undefined };
}

/** Stops the run's shared emulator, if one was started (root after-all hook). */
export async function stopSharedEmulator(): Promise<void> {
    const started = shared;
    shared = undefined;
    await (await started?.catch(() => undefined))?.stop();
}

/**
 * Mocha helper: the run's shared emulator for a describe block. Before each test it is fully reset (state, call
 * log, every runtime setting) and set to opts (transition times default 0, no faults). Returns a getter because the
 * emulator exists only once before() ran.
 */
export function useEmulator(opts: EmulatorOptions = {}): () => Emulator {
    let emulator: Emulator | undefined;
    before(async function () {
        this.timeout(START_TIMEOUT_MS + 5_000);
        emulator = await sharedEmulator();
    });
    beforeEach(async () => {
        await emulator!.resetAll();
        await apply(emulator!, opts);
    });
    return () => {
        if (!emulator) throw new Error("emulator not started: call the getter inside a test or hook");
        return emulator;
    };
}
