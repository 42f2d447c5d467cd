/**
 * Runs the real Pulumi engine (CLI + our language host + the
 * pulumi-resource-pulumi-nodejs dynamic-provider host) on a throwaway project
 * with a local file:// backend, through the Automation API.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

export const repoRoot = (() => {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, "package.json")) || !fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
        const up = path.dirname(dir);
        if (up === dir) {
            throw new Error("cannot find the ackless repository root");
        }
        dir = up;
    }
    return dir;
})();

export function pulumiRoot(): string {
    const root = process.env.ACKLESS_PULUMI_ROOT;
    if (!root) {
        throw new Error("ACKLESS_PULUMI_ROOT is not set: run the tests with `npm test` (scripts/test.sh), which bootstraps the Pulumi toolchain");
    }
    return root;
}

export interface TestProject {
    dir: string;
    stack: Stack;
    /** Every resource in the stack's state, by type and name. */
    resources(): Promise<{ type: string; name: string; id?: string; outputs?: any; inputs?: any }[]>;
    /** The raw exported state (deployment). */
    state(): Promise<any>;
    /** The output (stdout, stderr, error messages) of every up/preview/refresh/destroy run through `stack`. */
    transcript: string[];
    /**
     * Removes the stack and the directory. First checks that no AWS credential the project was given
     * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, except the emulator's public dummy
     * "testing") appears in the transcript or the exported state, and throws naming the leak if one does.
     */
    cleanup(): Promise<void>;
}

/** The credential values of `env` that must never be printed or stored (the emulator's public "testing" is not one). */
export function credentialValues(env: Record<string, string | undefined>): string[] {
    return ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"].map((k) => env[k]).filter((v): v is string => !!v && v !== "testing");
}

/** The places in `texts` where one of `secrets` appears, as "<secret's first 4 chars>... in: <context>". */
export function leaks(texts: string[], secrets: string[]): string[] {
    const out: string[] = [];
    for (const text of texts) {
        for (const secret of secrets) {
            const at = text.indexOf(secret);
            if (at >= 0) out.push(`${secret.slice(0, 4)}... in: ${text.slice(Math.max(0, at - 200), at).replace(/\s+/g, " ")}`);
        }
    }
    return out;
}

/**
 * A project in a fresh temp dir whose program is `program` (JavaScript; it can
 * `require("ackless")`). `env` reaches the program and the providers.
 * `typescript: true`: `program` is index.ts, run by Pulumi through ts-node
 * (type-checked against the dir's tsconfig.json), as a TypeScript project is.
 * `existingProgram: true`: `dir` already holds Pulumi.yaml and the program
 * (a generated one); `program` is ignored.
 */
export async function newProject(
    name: string,
    program: string,
    env: Record<string, string> = {},
    config: Record<string, string> = {},
    options: { dir?: string; linkNodeModules?: boolean; typescript?: boolean; existingProgram?: boolean } = {},
): Promise<TestProject> {
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `ackless-${name}-`));
    const backend = path.join(dir, ".state");
    fs.mkdirSync(backend);
    if (!options.existingProgram) {
        const main = options.typescript ? "index.ts" : "index.js";
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: ${options.typescript === true}\nmain: ${main}\n`,
        );
        fs.writeFileSync(path.join(dir, main), program);
    }
    // The program and the dynamic-provider host resolve ackless and
    // @pulumi/pulumi from here, as a user's installed copy would.
    if (options.linkNodeModules !== false) {
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
    }
    const pulumiCommand = await PulumiCommand.get({ root: pulumiRoot() });
    const envVars: Record<string, string> = {
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "ackless-test-only",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_HOME: path.join(dir, ".pulumi-home"),
        PATH: `${path.join(pulumiRoot(), "bin")}:${process.env.PATH}`,
        ACKLESS_POLL_MIN_MS: "100",
        ACKLESS_POLL_MAX_MS: "300",
        ...env,
    };
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: "test", workDir: dir }, { pulumiCommand, envVars });
    for (const [k, v] of Object.entries(config)) {
        await stack.setConfig(k, { value: v });
    }
    const state = async () => (await stack.exportStack()).deployment;
    // Record what every command printed, for the credentials check in cleanup().
    const transcript: string[] = [];
    for (const method of ["up", "preview", "refresh", "destroy"] as const) {
        const original = (stack as any)[method].bind(stack);
        (stack as any)[method] = async (...args: unknown[]) => {
            try {
                const result = await original(...args);
                transcript.push(result.stdout ?? "", result.stderr ?? "");
                return result;
            } catch (e) {
                transcript.push(String((e as Error)?.message ?? e));
                throw e;
            }
        };
    }
    return {
        dir,
        stack,
        state,
        transcript,
        async resources() {
            const d = await state();
            return (d.resources ?? [])
                .filter((r: any) => !r.type.startsWith("pulumi:"))
                .map((r: any) => ({ type: r.type, name: r.urn.split("::").pop(), id: r.id, outputs: r.outputs, inputs: r.inputs }));
        },
        async cleanup() {
            const secrets = credentialValues(envVars);
            let found: string[] = [];
            if (secrets.length > 0) {
                let exported = "";
                try {
                    exported = JSON.stringify(await stack.exportStack());
                } catch {
                    // no stack to export
                }
                found = leaks([...transcript, exported], secrets);
            }
            try {
                await stack.workspace.removeStack("test", { force: true });
            } catch {
                // already gone
            }
            fs.rmSync(dir, { recursive: true, force: true });
            if (found.length > 0) {
                throw new Error(`AWS credentials appear in the output or state of project ${name}:\n${found.join("\n")}`);
            }
        },
    };
}

/** Summaries of an up/preview: counts by operation. */
export function changeCounts(summary: Record<string, number> | undefined): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(summary ?? {})) {
        if (k !== "same" && v) {
            out[k] = v;
        }
    }
    return out;
}

/** Every descendant process of `pid` (from /proc), for tests that kill -9 a whole `pulumi` run. */
export function descendants(pid: number): number[] {
    const parents = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
        } catch {
            // exited meanwhile
        }
    }
    const out: number[] = [];
    const walk = (p: number) => {
        for (const c of parents.get(p) ?? []) {
            out.push(c);
            walk(c);
        }
    };
    walk(pid);
    return out;
}
