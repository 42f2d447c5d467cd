// ESLint (flat config): ESLint's and typescript-eslint's recommended rules, plus the type-aware rules that catch
// real mistakes in this code base (a promise nobody awaits, awaiting a non-promise); relaxed only where the
// existing code has a reason. `npm run lint` runs it (scripts/lint.sh).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const NODE_GLOBALS = Object.fromEntries(
    [
        "require",
        "module",
        "exports",
        "process",
        "console",
        "__dirname",
        "__filename",
        "Buffer",
        "URL",
        "setTimeout",
        "clearTimeout",
        "setInterval",
        "clearInterval",
        "setImmediate",
    ].map((name) => [name, name === "module" || name === "exports" ? "writable" : "readonly"]),
);

export default tseslint.config(
    { ignores: ["dist/", "node_modules/", ".ackless/", ".venv/", "bench-results/", "tools/", "emulator/", "**/*.generated.ts"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/await-thenable": "error",
            // AWS SDK shapes, JSON from the Pulumi engine and the emulator: `any` is used on purpose at those edges.
            "@typescript-eslint/no-explicit-any": "off",
            // `_name` marks a value left unused on purpose (destructuring to drop a key, an unused parameter).
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" },
            ],
            // `interface Inputs extends ObjectTarget {}` names a shape for the Pulumi provider's signatures.
            "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
        },
    },
    {
        // require() on purpose: the kind descriptors, the registry and the provider code stored in state load kinds lazily
        // (delegate.ts), the CLI loads one command's module only, tests read package.json and installed copies.
        files: ["provider/kinds.ts", "provider/registry.ts", "provider/delegate.ts", "provider/cli.ts", "test/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // chai's property assertions (`expect(x).to.be.empty`) are expressions.
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-unused-expressions": "off" },
    },
    {
        // Plain Node.js scripts (CommonJS).
        files: ["**/*.js", "**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: NODE_GLOBALS },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
