/**
 * The README's layout block (under "## Resources") matches the tree: every
 * entry of provider/ is named there, every kind folder has every role file the
 * block lists, and a file a kind has beyond the roles is named there too.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { KINDS } from "../../provider/kinds";
import { repoRoot } from "../helpers/emulator";

const root = repoRoot();
const provider = path.join(root, "provider");

function layoutBlock(): string {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const at = readme.indexOf("## Resources");
    expect(at, "README has a ## Resources section").to.be.greaterThan(-1);
    const open = readme.indexOf("```\nprovider/", at);
    expect(open, "the Resources section opens with the provider/ layout block").to.be.greaterThan(-1);
    return readme.slice(open + 4, readme.indexOf("```", open + 4));
}

/** The role files the block lists under `<service>/<kind>/`. */
function roles(block: string): string[] {
    const after = block.slice(block.indexOf("<service>/<kind>/"));
    return [...after.matchAll(/^ {6}([a-z-]+\.ts)\b/gm)].map((m) => m[1]);
}

function kindFolders(): string[] {
    return KINDS.map((k) => {
        const m = /require\("\.\/([^"]+)\/adapter"\)/.exec(k.load.toString());
        expect(m, `${k.name}: its loader requires ./<service>/<kind>/adapter`).to.not.equal(null);
        return m![1];
    });
}

describe("README layout matches the tree", () => {
    const block = layoutBlock();

    it("names every entry of provider/ (folders as `name/`, files as `name.ts`)", () => {
        const services = new Set(kindFolders().map((f) => f.split("/")[0]));
        const missing = fs
            .readdirSync(provider, { withFileTypes: true })
            .filter((e) => !services.has(e.name))
            .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
            .filter((name) => !new RegExp(`(^|\\s)${name.replace(/[.]/g, "\\.")}(\\s|$)`, "m").test(block));
        expect(missing).to.deep.equal([]);
    });

    it("every kind folder has every role file, and names its other files in the block", () => {
        const r = roles(block);
        expect(r).to.include.members(["types.ts", "keys.ts", "delta.ts", "validate.ts", "sdk.ts", "wait.ts", "ops.ts", "adapter.ts", "index.ts"]);
        const problems: string[] = [];
        for (const folder of kindFolders()) {
            const files = fs.readdirSync(path.join(provider, folder)).filter((f) => f.endsWith(".ts"));
            for (const role of r) if (!files.includes(role)) problems.push(`${folder}: no ${role}`);
            for (const f of files) if (!r.includes(f) && !block.includes(`${folder}/${f}`)) problems.push(`${folder}/${f}: not in the README layout`);
        }
        expect(problems).to.deep.equal([]);
    });
});
