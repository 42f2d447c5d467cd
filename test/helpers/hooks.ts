/**
 * Mocha root hooks (loaded by .mocharc.json). Tests call provider methods
 * directly in this one process, which real runs never share across
 * commands: each test starts with no lifecycle claims (lifecycle/rules.ts R2).
 * The run's shared emulator (helpers/emulator.ts) is stopped when the run ends.
 */
import { forgetClaims } from "../../provider/lifecycle/rules";
import { stopSharedEmulator } from "./emulator";

export const mochaHooks = {
    beforeEach(): void {
        forgetClaims();
    },
    async afterAll(): Promise<void> {
        await stopSharedEmulator();
    },
};
