/**
 * The TypeScript Pulumi project around a generated program (the adopt-*
 * generators): Pulumi.yaml running index.ts, package.json depending on the
 * installed ackless and @pulumi/pulumi, and a strict tsconfig.json.
 */
import * as fs from "fs";
import * as path from "path";

/**
 * What Pulumi needs to run index.ts: nodenext with a moduleResolution, as Pulumi requires; strict throughout;
 * skipLibCheck, so each `pulumi up` type-checks the program, not every library's declarations again.
 */
export const TSCONFIG = {
    compilerOptions: { strict: true, target: "ES2022", module: "nodenext", moduleResolution: "nodenext", skipLibCheck: true, outDir: "bin" },
    files: ["index.ts"],
};

const ACKLESS_PACKAGE_JSON = path.join(__dirname, "..", "..", "..", "package.json");

function readJson(file: string): any {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return undefined;
    }
}

/** ackless's own development range for a tool the generated project needs too (typescript, @types/node). */
function devDependency(name: string, fallback: string): string {
    return readJson(ACKLESS_PACKAGE_JSON)?.devDependencies?.[name] ?? fallback;
}

export interface ProjectFiles {
    "Pulumi.yaml": string;
    "package.json": string;
    "tsconfig.json": string;
}

/** A Pulumi project name from `name` (a stack name, a directory). */
export function projectName(name: string): string {
    return `${name}`.replace(/[^A-Za-z0-9_.-]/g, "-");
}

/** The project files for a program in index.ts named `name`, described by `description`. */
export function typescriptProject(name: string, description: string): ProjectFiles {
    const acklessVersion = readJson(ACKLESS_PACKAGE_JSON)?.version ?? "0.1.0";
    let pulumiVersion = "3.0.0";
    try {
        pulumiVersion = readJson(require.resolve("@pulumi/pulumi/package.json"))?.version ?? pulumiVersion;
    } catch {
        // keep the fallback
    }
    return {
        "Pulumi.yaml": `name: ${name}\ndescription: ${description}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
        "package.json": `${JSON.stringify(
            {
                name,
                private: true,
                main: "index.ts",
                dependencies: { "@pulumi/pulumi": `^${pulumiVersion}`, ackless: `^${acklessVersion}` },
                devDependencies: { typescript: devDependency("typescript", "^5.9.3"), "@types/node": devDependency("@types/node", "^24.10.0") },
            },
            null,
            2,
        )}\n`,
        "tsconfig.json": `${JSON.stringify(TSCONFIG, null, 2)}\n`,
    };
}
