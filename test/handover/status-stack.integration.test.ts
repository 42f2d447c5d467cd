/**
 * Reading the hand-over program's Pulumi state (pulumiState, the real Pulumi CLI, no
 * server): a missing Pulumi CLI and a directory that is not a Pulumi project are each one
 * plain error saying what to pass, never a stack trace or a silent "nothing left".
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pulumiState } from "../../provider/handover/status-stack";
import { rejection } from "../adopt-stack/helpers";
import { pulumiRoot } from "../helpers/pulumi";

describe("handover: reading the program's Pulumi state", function () {
    this.timeout(60_000);
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ackless-state-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("no Pulumi CLI where ACKLESS_PULUMI_ROOT points: says to install it or set the variable", async () => {
        const e = await rejection(pulumiState({ dir }, { ...process.env, ACKLESS_PULUMI_ROOT: path.join(dir, "no-pulumi") }));
        expect(e.message)
            .to.contain("cannot run pulumi to read the Pulumi stack selected of")
            .and.contain("install the Pulumi CLI or set ACKLESS_PULUMI_ROOT");
    });

    it("a directory that is no Pulumi project: pulumi stack export fails, and the error says to pass --program and --pulumi-stack", async () => {
        const env = {
            ...process.env,
            ACKLESS_PULUMI_ROOT: pulumiRoot(),
            PULUMI_BACKEND_URL: `file://${dir}`,
            PULUMI_HOME: path.join(dir, ".pulumi-home"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
        };
        const e = await rejection(pulumiState({ dir, stack: "prod" }, env));
        expect(e.message).to.contain(`cannot read the Pulumi stack "prod" of ${dir}: pulumi stack export failed`).and.contain("pass --program DIR");
    });
});
