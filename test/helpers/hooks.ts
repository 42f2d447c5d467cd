/**
 * Mocha root hooks (loaded by .mocharc.json). Tests call provider methods
 * directly in this one process, which real runs never share across
 * commands: each test starts with no lifecycle claims (lifecycle/rules.ts R2).
 */
import { forgetClaims } from "../../provider/lifecycle/rules";

export const mochaHooks = {
    beforeEach(): void {
        forgetClaims();
    },
};
