/**
 * docs/edge.md's real-cluster steps: a production stack gets its own backend
 * and its own secrets, never the local toolchain environment (.ackless/env.sh
 * points PULUMI_BACKEND_URL at a git-ignored directory and sets a public
 * passphrase).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../helpers/pulumi";

describe("docs/edge.md: the real-cluster steps", () => {
    const doc = fs.readFileSync(path.join(repoRoot, "docs", "edge.md"), "utf8");
    const section = doc.split(/^## /m).find((s) => s.startsWith("Against a real cluster and real AWS\n")) ?? "";
    const commands = (/```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "")
        .split("\n")
        .map((l) => l.replace(/#.*$/, "").trim())
        .filter(Boolean);

    it("never source the local environment, and undo it if it was sourced", () => {
        expect(commands).to.not.be.empty;
        expect(commands.filter((c) => /(^|\s)(source|\.)\s+\S*\.ackless\/env\.sh/.test(c))).to.deep.equal([]);
        expect(commands.find((c) => c.startsWith("unset ")))
            .to.include("PULUMI_BACKEND_URL")
            .and.include("PULUMI_CONFIG_PASSPHRASE");
    });

    it("log in to a backend of their own and create the stack with its own secrets provider", () => {
        const login = commands.findIndex((c) => c.startsWith("pulumi login "));
        const init = commands.findIndex((c) => c.startsWith("pulumi stack init "));
        expect(login).to.be.greaterThan(-1);
        expect(commands[login]).to.not.include("file://");
        expect(init).to.be.greaterThan(login);
        expect(commands[init]).to.match(/--secrets-provider/);
        expect(section).to.not.include("ackless-local-only\n");
    });
});
