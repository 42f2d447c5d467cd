/**
 * Mocha root hooks (loaded by .mocharc.json). Tests call provider methods
 * directly in this one process, which real runs never share across
 * commands: each test starts with no lifecycle claims (lifecycle/rules.ts R2).
 * The run's shared emulator (helpers/emulator.ts) is stopped when the run ends.
 */
import { forgetClaims } from "../../provider/lifecycle/rules";
import { stopSharedEmulator } from "./emulator";

/**
 * Under `mocha --parallel` each worker process runs many files, and root
 * afterAll hooks run after each file: the worker keeps its shared emulator
 * across its files instead, and stops it when the worker ends (its exit, or
 * the pool's SIGTERM; the emulator's own exit handler kills it then too).
 */
const worker = process.env.MOCHA_WORKER_ID !== undefined;
if (worker) {
    process.once("SIGTERM", () => {
        void stopSharedEmulator().finally(() => process.exit(0));
    });
}

export const mochaHooks = {
    beforeEach(): void {
        forgetClaims();
    },
    async afterAll(): Promise<void> {
        if (!worker) {
            await stopSharedEmulator();
        }
    },
};
