/**
 * TypeScript literals for the generated program: plain data printed as
 * readable object literals (identifier keys unquoted, one property a line),
 * with `Code` values printed as they are (an expression such as
 * `rewrite.arn` or `config.require("egressSubnetId")`), each with an
 * optional trailing comment saying where the value came from.
 */

/** A TypeScript expression placed in a literal as is. */
export class Code {
    constructor(
        readonly text: string,
        /** A comment printed after the property holding it. */
        readonly comment?: string,
    ) {}
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const key = (k: string) => (IDENTIFIER.test(k) ? k : JSON.stringify(k));

/** `text` as a template literal when that reads better than a JSON string (multi-line, nothing to escape). */
export function stringLiteral(text: string): string {
    if (text.includes("\n") && !/[`\\\r]|\$\{/.test(text)) {
        return `\`${text}\``;
    }
    return JSON.stringify(text);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** `value` as a TypeScript expression; nested lines indented from `indent`. undefined properties are left out. */
export function literal(value: unknown, indent = ""): string {
    if (value instanceof Code) {
        return value.text;
    }
    if (typeof value === "string") {
        return stringLiteral(value);
    }
    if (typeof value === "number" || typeof value === "boolean" || value === null) {
        return JSON.stringify(value);
    }
    const inner = `${indent}    `;
    if (Array.isArray(value)) {
        const items = value.filter((v) => v !== undefined);
        if (items.length === 0) {
            return "[]";
        }
        if (items.every((v) => typeof v !== "object" || v === null || v instanceof Code)) {
            const flat = `[${items.map((v) => literal(v, inner)).join(", ")}]`;
            if (flat.length + indent.length < 100 && !flat.includes("\n")) {
                return flat;
            }
        }
        return `[\n${items.map((v) => `${inner}${literal(v, inner)},${trailing(v)}\n`).join("")}${indent}]`;
    }
    if (isPlainObject(value)) {
        const entries = Object.entries(value).filter(([, v]) => v !== undefined);
        if (entries.length === 0) {
            return "{}";
        }
        if (entries.every(([, v]) => typeof v !== "object" || v === null || (v instanceof Code && !v.comment))) {
            const flat = `{ ${entries.map(([k, v]) => `${key(k)}: ${literal(v, inner)}`).join(", ")} }`;
            if (flat.length + indent.length < 90 && !flat.includes("\n")) {
                return flat;
            }
        }
        return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},${trailing(v)}\n`).join("")}${indent}}`;
    }
    throw new Error(`cannot write ${typeof value} ${String(value)} as a TypeScript literal`);
}

function trailing(v: unknown): string {
    return v instanceof Code && v.comment ? ` // ${v.comment}` : "";
}

/** Object properties `name: value,` one a line at `indent` (the body of an object literal). */
export function properties(props: Record<string, unknown>, indent: string): string {
    return Object.entries(props)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${indent}${key(k)}: ${literal(v, indent)},${trailing(v)}\n`)
        .join("");
}
