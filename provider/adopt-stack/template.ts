/**
 * CloudFormation templates (JSON or YAML, short-form intrinsics like `!Ref`
 * included): read their structure, and give every resource
 * `DeletionPolicy: Retain` and `UpdateReplacePolicy: Retain`.
 *
 * The policies are added by editing the template's text in place, never by
 * re-serialising a parsed copy: every other byte (an unquoted 2010-09-09,
 * 1.10, 0755, comments, short-form tags, key order, layout, line endings)
 * goes back to CloudFormation exactly as the user wrote it. The edit is then
 * checked: the edited text must read as the original with only the two
 * policies of each resource changed, or nothing is sent.
 */
import * as yaml from "js-yaml";
import { isDeepStrictEqual } from "util";
import { AcklessError } from "../common/errors";

export const POLICIES = ["DeletionPolicy", "UpdateReplacePolicy"] as const;
type Policy = (typeof POLICIES)[number];
const RETAIN = "Retain";

/** Short-form intrinsic tags, each to its long form `{ "Fn::X": value }`. */
const INTRINSICS: Record<string, string> = {
    Ref: "Ref",
    Condition: "Condition",
    Base64: "Fn::Base64",
    Cidr: "Fn::Cidr",
    FindInMap: "Fn::FindInMap",
    GetAtt: "Fn::GetAtt",
    GetAZs: "Fn::GetAZs",
    ImportValue: "Fn::ImportValue",
    Join: "Fn::Join",
    Select: "Fn::Select",
    Split: "Fn::Split",
    Sub: "Fn::Sub",
    Transform: "Fn::Transform",
    And: "Fn::And",
    Equals: "Fn::Equals",
    If: "Fn::If",
    Not: "Fn::Not",
    Or: "Fn::Or",
    ToJsonString: "Fn::ToJsonString",
    Length: "Fn::Length",
};

/**
 * Reading only: the failsafe schema keeps every scalar as the string it is in
 * the text (no timestamps, no numbers), so two readings compare as text.
 */
const schema = yaml.FAILSAFE_SCHEMA.extend(
    Object.entries(INTRINSICS).flatMap(([tag, long]) =>
        (["scalar", "sequence", "mapping"] as const).map(
            (kind) => new yaml.Type(`!${tag}`, { kind, construct: (data: unknown) => ({ [long]: data ?? "" }) }),
        ),
    ),
);

export type TemplateResource = { Type?: unknown; DeletionPolicy?: unknown; UpdateReplacePolicy?: unknown; [k: string]: unknown };
export type Template = { Resources?: Record<string, TemplateResource>; [k: string]: unknown };

function bodyText(body: string | object): string {
    return typeof body === "string" ? body : JSON.stringify(body, null, 2);
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** Parses a template body (JSON, else YAML) for its structure; scalars stay strings in YAML. */
export function parseTemplate(body: string | object): Template {
    if (typeof body === "object" && body !== null) {
        return body as Template;
    }
    let parsed: unknown = parseJson(body);
    if (parsed === undefined) {
        try {
            parsed = yaml.load(body, { schema });
        } catch (e) {
            throw new AcklessError(`cannot read the stack's template: ${(e as Error).message}`);
        }
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new AcklessError("cannot read the stack's template: not a mapping");
    }
    return parsed as Template;
}

/** Logical ids whose DeletionPolicy is not Retain: what a DeleteStack would delete. */
export function deletedOnStackDelete(body: string | object): string[] {
    return Object.entries(parseTemplate(body).Resources ?? {})
        .filter(([, r]) => r && r.DeletionPolicy !== RETAIN)
        .map(([id]) => id);
}

/** Why the text could not be edited safely. */
export class CannotEdit extends Error {}

interface TextEdit {
    start: number;
    end: number;
    text: string;
}

function applyEdits(text: string, edits: TextEdit[]): string {
    let out = text;
    for (const e of [...edits].sort((a, b) => b.start - a.start)) {
        out = out.slice(0, e.start) + e.text + out.slice(e.end);
    }
    return out;
}

// ---------------------------------------------------------------- flow syntax (JSON, and YAML `{...}`)

type FlowNode =
    | { kind: "map"; start: number; end: number; entries: FlowEntry[] }
    | { kind: "seq"; start: number; end: number }
    | { kind: "scalar"; start: number; end: number; value: string };

interface FlowEntry {
    key: string;
    keyStart: number;
    value: FlowNode;
}

const FLOW_INDICATORS = ",[]{}";

/** A reader of JSON (json = true) or of a YAML flow collection, recording where each node is. */
class FlowReader {
    pos: number;
    constructor(
        readonly text: string,
        readonly json: boolean,
        start = 0,
    ) {
        this.pos = start;
    }

    fail(what: string): never {
        throw new CannotEdit(`${what} at offset ${this.pos}`);
    }

    skip(): void {
        const t = this.text;
        while (this.pos < t.length) {
            const c = t[this.pos];
            if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\uFEFF") {
                this.pos++;
            } else if (!this.json && c === "#" && (this.pos === 0 || /\s/.test(t[this.pos - 1]))) {
                while (this.pos < t.length && t[this.pos] !== "\n") {
                    this.pos++;
                }
            } else {
                return;
            }
        }
    }

    node(): FlowNode {
        this.skip();
        // YAML tags (!Ref...) and anchors (&a) before a node.
        while (!this.json && (this.text[this.pos] === "!" || this.text[this.pos] === "&")) {
            while (this.pos < this.text.length && !/\s/.test(this.text[this.pos]) && !FLOW_INDICATORS.includes(this.text[this.pos])) {
                this.pos++;
            }
            this.skip();
        }
        switch (this.text[this.pos]) {
            case "{":
                return this.map();
            case "[":
                return this.seq();
            case '"':
                return this.doubleQuoted();
            case "'":
                return this.json ? this.fail("unexpected '") : this.singleQuoted();
            case "*":
                return this.fail("a YAML alias");
            default:
                return this.plain();
        }
    }

    map(): FlowNode {
        const start = this.pos++;
        const entries: FlowEntry[] = [];
        for (;;) {
            this.skip();
            if (this.text[this.pos] === "}") {
                this.pos++;
                return { kind: "map", start, end: this.pos, entries };
            }
            const key = this.node();
            if (key.kind !== "scalar") {
                this.fail("a complex mapping key");
            }
            this.skip();
            if (this.text[this.pos] !== ":") {
                this.fail("expected ':'");
            }
            this.pos++;
            entries.push({ key: key.value, keyStart: key.start, value: this.node() });
            this.separator("}");
        }
    }

    seq(): FlowNode {
        const start = this.pos++;
        for (;;) {
            this.skip();
            if (this.text[this.pos] === "]") {
                this.pos++;
                return { kind: "seq", start, end: this.pos };
            }
            this.node();
            this.separator("]");
        }
    }

    separator(close: string): void {
        this.skip();
        if (this.text[this.pos] === ",") {
            this.pos++;
        } else if (this.text[this.pos] !== close) {
            this.fail(`expected ',' or '${close}'`);
        }
    }

    doubleQuoted(): FlowNode {
        const start = this.pos++;
        while (this.pos < this.text.length && this.text[this.pos] !== '"') {
            this.pos += this.text[this.pos] === "\\" ? 2 : 1;
        }
        if (this.pos >= this.text.length) {
            this.fail("unterminated string");
        }
        this.pos++;
        const raw = this.text.slice(start, this.pos);
        const value = parseJson(raw);
        return { kind: "scalar", start, end: this.pos, value: typeof value === "string" ? value : raw.slice(1, -1) };
    }

    singleQuoted(): FlowNode {
        const start = this.pos++;
        for (;;) {
            if (this.pos >= this.text.length) {
                this.fail("unterminated string");
            }
            if (this.text[this.pos] === "'") {
                if (this.text[this.pos + 1] !== "'") {
                    break;
                }
                this.pos++;
            }
            this.pos++;
        }
        this.pos++;
        return { kind: "scalar", start, end: this.pos, value: this.text.slice(start + 1, this.pos - 1).replace(/''/g, "'") };
    }

    /** A plain scalar on one line: up to a flow indicator, `: `, ` #` or the end of the line. */
    plain(): FlowNode {
        const t = this.text;
        const start = this.pos;
        let end = start;
        while (this.pos < t.length) {
            const c = t[this.pos];
            const next = t[this.pos + 1] ?? " ";
            if (c === "\n" || c === "\r" || FLOW_INDICATORS.includes(c)) {
                break;
            }
            if (this.json && /\s/.test(c)) {
                break;
            }
            if (!this.json && ((c === ":" && (/\s/.test(next) || FLOW_INDICATORS.includes(next))) || (c === "#" && /\s/.test(t[this.pos - 1])))) {
                break;
            }
            this.pos++;
            if (!/\s/.test(c)) {
                end = this.pos;
            }
        }
        if (end === start) {
            this.fail("unexpected character");
        }
        return { kind: "scalar", start, end, value: t.slice(start, end) };
    }
}

const lastEntry = (map: { entries: FlowEntry[] }, key: string) => [...map.entries].reverse().find((e) => e.key === key);

/** Edits that give the flow mapping of one resource both Retain policies; true when something changes. */
function flowResourceEdits(map: Extract<FlowNode, { kind: "map" }>, text: string, json: boolean, edits: TextEdit[]): boolean {
    const quote = (s: string) => (json ? `"${s}"` : s);
    const missing: Policy[] = [];
    let changed = false;
    for (const policy of POLICIES) {
        const entry = lastEntry(map, policy);
        if (!entry) {
            missing.push(policy);
        } else if (!(entry.value.kind === "scalar" && entry.value.value === RETAIN)) {
            edits.push({ start: entry.value.start, end: entry.value.end, text: quote(RETAIN) });
            changed = true;
        }
    }
    if (missing.length > 0) {
        const lines = missing.map((p) => `${quote(p)}: ${quote(RETAIN)}`);
        const first = map.entries[0];
        if (!first) {
            edits.push({ start: map.start + 1, end: map.start + 1, text: lines.join(", ") });
        } else {
            // Before the first entry, laid out like it (its own line when it has one).
            const gap = text.slice(map.start + 1, first.keyStart);
            const sep = gap.includes("\n") && !gap.includes("#") ? `,${gap}` : ", ";
            edits.push({ start: first.keyStart, end: first.keyStart, text: lines.join(sep) + sep });
        }
        changed = true;
    }
    return changed;
}

function flowResourcesEdits(resources: FlowNode, text: string, json: boolean, edits: TextEdit[]): string[] {
    if (resources.kind !== "map") {
        throw new CannotEdit("Resources is not a mapping");
    }
    const retained: string[] = [];
    for (const r of resources.entries) {
        if (r.value.kind !== "map") {
            throw new CannotEdit(`resource ${r.key} is not a mapping`);
        }
        if (flowResourceEdits(r.value, text, json, edits)) {
            retained.push(r.key);
        }
    }
    return retained;
}

function editFlowDocument(text: string, json: boolean): { edits: TextEdit[]; retained: string[] } {
    const reader = new FlowReader(text, json);
    const root = reader.node();
    reader.skip();
    if (root.kind !== "map" || reader.pos < text.length) {
        throw new CannotEdit("the template is not one mapping");
    }
    const resources = lastEntry(root, "Resources");
    const edits: TextEdit[] = [];
    return { edits, retained: resources ? flowResourcesEdits(resources.value, text, json, edits) : [] };
}

// ---------------------------------------------------------------- YAML block syntax

interface Line {
    text: string;
    start: number;
}

function splitLines(text: string): Line[] {
    const lines: Line[] = [];
    const re = /([^\r\n]*)(\r\n|\n|\r|$)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
        lines.push({ text: m[1], start: m.index });
        if (m[2] === "") {
            break;
        }
    }
    return lines;
}

const indentOf = (l: Line) => l.text.length - l.text.replace(/^ +/, "").length;
const isContent = (l: Line) => {
    const t = l.text.trim();
    return t !== "" && !t.startsWith("#");
};
/** `key:` at the start of a line's content, quoted or not; the rest after the colon. */
const KEY = /^\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]}&*!|>-][^:#]*?)\s*:(?=\s|$)(.*)$/;

function keyOf(l: Line): { key: string; rest: string } | undefined {
    const m = KEY.exec(l.text);
    if (!m) {
        return undefined;
    }
    const raw = m[1];
    const key = raw.startsWith('"') ? (parseJson(raw) as string) : raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
    return { key, rest: m[2] };
}

/** The value part of `key: value  # comment` without the comment. */
const withoutComment = (rest: string) => rest.replace(/(^|\s)#.*$/, "").trim();

/** Index after the last line of the entry that starts at line `i` (its continuation lines are indented more). */
function entryEnd(lines: Line[], i: number, end: number, indent: number): number {
    let last = i;
    for (let k = i + 1; k < end; k++) {
        if (isContent(lines[k])) {
            if (indentOf(lines[k]) <= indent) {
                break;
            }
            last = k;
        }
    }
    return last + 1;
}

/** Edits giving one block-mapping resource (its key line at `i`, its body up to `end`) both policies. */
function blockResourceEdits(lines: Line[], i: number, end: number, id: string, eol: string, edits: TextEdit[]): boolean {
    const body = lines
        .slice(i + 1, end)
        .map((l, n) => ({ l, n: i + 1 + n }))
        .filter(({ l }) => isContent(l));
    if (body.length === 0) {
        throw new CannotEdit(`resource ${id} has no body`);
    }
    const indent = indentOf(body[0].l);
    if (indent <= indentOf(lines[i]) || /^\s*-(\s|$)/.test(body[0].l.text)) {
        throw new CannotEdit(`resource ${id} is not a mapping`);
    }
    const entries = body.filter(({ l }) => indentOf(l) === indent).map(({ l, n }) => ({ n, key: keyOf(l) }));
    if (entries.some((e) => !e.key)) {
        throw new CannotEdit(`resource ${id} has an entry that is not \`key: value\``);
    }
    let changed = false;
    const missing: Policy[] = [];
    for (const policy of POLICIES) {
        const entry = [...entries].reverse().find((e) => e.key!.key === policy);
        if (!entry) {
            missing.push(policy);
            continue;
        }
        const stop = entryEnd(lines, entry.n, end, indent);
        const value = withoutComment(entry.key!.rest);
        if (stop === entry.n + 1 && [RETAIN, `"${RETAIN}"`, `'${RETAIN}'`].includes(value)) {
            continue;
        }
        const line = lines[entry.n];
        const comment = stop === entry.n + 1 ? (/(\s+#.*)$/.exec(entry.key!.rest.replace(/^\s*("[^"]*"|'[^']*')/, ""))?.[1] ?? "") : "";
        const last = lines[stop - 1];
        edits.push({ start: line.start, end: last.start + last.text.length, text: `${" ".repeat(indent)}${policy}: ${RETAIN}${comment}` });
        changed = true;
    }
    if (missing.length > 0) {
        const added = missing.map((p) => `${" ".repeat(indent)}${p}: ${RETAIN}`);
        // After a one-line `Type:`, else before the first entry.
        const type = entries.find((e) => e.key!.key === "Type");
        if (type && entryEnd(lines, type.n, end, indent) === type.n + 1) {
            const at = lines[type.n].start + lines[type.n].text.length;
            edits.push({ start: at, end: at, text: added.map((a) => eol + a).join("") });
        } else {
            const at = lines[body[0].n].start;
            edits.push({ start: at, end: at, text: added.map((a) => a + eol).join("") });
        }
        changed = true;
    }
    return changed;
}

function editBlockDocument(text: string): { edits: TextEdit[]; retained: string[] } {
    const lines = splitLines(text);
    const eol = /\r\n|\n|\r/.exec(text)?.[0] ?? "\n";
    const at = lines.findIndex((l) => indentOf(l) === 0 && keyOf(l)?.key === "Resources");
    const edits: TextEdit[] = [];
    if (at < 0) {
        return { edits, retained: [] };
    }
    const rest = withoutComment(keyOf(lines[at])!.rest);
    if (rest.startsWith("{")) {
        const reader = new FlowReader(text, false, lines[at].start + lines[at].text.indexOf("{"));
        return { edits, retained: flowResourcesEdits(reader.node(), text, false, edits) };
    }
    if (rest !== "") {
        throw new CannotEdit("Resources is not a mapping");
    }
    let end = at + 1;
    while (end < lines.length && !(isContent(lines[end]) && indentOf(lines[end]) === 0)) {
        end++;
    }
    const content = lines.map((l, n) => ({ l, n })).filter(({ l, n }) => n > at && n < end && isContent(l));
    if (content.length === 0) {
        return { edits, retained: [] };
    }
    const indent = indentOf(content[0].l);
    const starts = content.filter(({ l }) => indentOf(l) <= indent);
    if (starts.some(({ l }) => indentOf(l) < indent) || /^\s*-(\s|$)/.test(content[0].l.text)) {
        throw new CannotEdit("Resources is not a mapping");
    }
    const retained: string[] = [];
    starts.forEach(({ l, n }, k) => {
        const key = keyOf(l);
        if (!key) {
            throw new CannotEdit(`line ${n + 1} is not \`LogicalId:\``);
        }
        const value = withoutComment(key.rest);
        const next = k + 1 < starts.length ? starts[k + 1].n : end;
        let changed: boolean;
        if (value === "" || /^&\S+$/.test(value)) {
            changed = blockResourceEdits(lines, n, next, key.key, eol, edits);
        } else if (value.startsWith("{")) {
            const reader = new FlowReader(text, false, l.start + l.text.indexOf("{", l.text.indexOf(":")));
            const map = reader.node();
            changed = flowResourceEdits(map as Extract<FlowNode, { kind: "map" }>, text, false, edits);
        } else {
            throw new CannotEdit(`resource ${key.key} is written as \`${value}\`, not as a mapping`);
        }
        if (changed) {
            retained.push(key.key);
        }
    });
    return { edits, retained };
}

// ---------------------------------------------------------------- the edit, checked

/** The template as read, with both policies set to Retain on every resource. */
function expectedAfter(template: Template): Template {
    const copy = structuredClone(template);
    for (const r of Object.values(copy.Resources ?? {})) {
        if (r && typeof r === "object") {
            for (const p of POLICIES) {
                r[p] = RETAIN;
            }
        }
    }
    return copy;
}

/**
 * The template with `DeletionPolicy: Retain` and `UpdateReplacePolicy:
 * Retain` on every resource, in its own format and otherwise byte for byte
 * as it was, and the logical ids whose policies this changed.
 */
export function retainEverything(body: string | object): { body: string; retained: string[] } {
    const text = bodyText(body);
    const original = parseTemplate(text);
    const json = parseJson(text) !== undefined;
    let edited: string;
    let retained: string[];
    try {
        const result = json || /^[\s\uFEFF]*\{/.test(text) ? editFlowDocument(text, json) : editBlockDocument(text);
        edited = applyEdits(text, result.edits);
        retained = result.retained;
        if (!isDeepStrictEqual(parseTemplate(edited), expectedAfter(original))) {
            throw new CannotEdit("the edited text does not read as the template with only the policies changed");
        }
    } catch (e) {
        if (!(e instanceof CannotEdit) && !(e instanceof AcklessError)) {
            throw e;
        }
        throw new AcklessError(
            `cannot add the Retain policies to the template without rewriting it (${e.message}); ` +
                `add DeletionPolicy: Retain and UpdateReplacePolicy: Retain to every resource yourself (an update of the stack) and run again`,
        );
    }
    return { body: edited, retained };
}
