/**
 * Points the providers at a test AWS (the emulator, or a fake server) for the
 * duration of a test: sets environment variables, forgets cached AWS clients,
 * and returns the function that puts both back.
 */
import { resetClients } from "../../provider/common/clients";

export function setProviderEnv(vars: Record<string, string>): () => void {
    const saved: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(vars)) {
        saved[k] = process.env[k];
        process.env[k] = v;
    }
    resetClients();
    return () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        resetClients();
    };
}

/** Runs `fn` with these environment variables (and fresh AWS clients), then restores both. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const restore = setProviderEnv(vars);
    try {
        return await fn();
    } finally {
        restore();
    }
}
