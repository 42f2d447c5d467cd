/**
 * Runs the built `ackless` command (dist/provider/cli.js) as a child process,
 * as a user would, with only PATH, HOME and `env` in its environment.
 */
import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./pulumi";

export function runAckless(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(repoRoot, "dist", "provider", "cli.js"), ...args], {
            cwd: os.tmpdir(),
            env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
    });
}
