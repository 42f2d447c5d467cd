#!/usr/bin/env node
/**
 * Generates provider/cloudfront/model.generated.ts: the validation rules
 * `check` applies to cloudfront.Distribution's distributionConfig, to
 * cloudfront.Function's configuration and to tags, taken from two models:
 *
 * 1. the model the installed AWS SDK ships (@aws-sdk/client-cloudfront):
 *    its runtime schemas (`DistributionConfig$`, ...: member names, member
 *    types, nested structures and lists, required members) and its type
 *    declarations (dist-types/models/*.d.ts: which member takes which enum,
 *    the enum values the SDK exports, and the documentation of each member,
 *    for ranges stated in words: "The minimum timeout is 1 second, the
 *    maximum is 120 seconds");
 * 2. the public Smithy model of CloudFront (aws/api-models-aws,
 *    cloudfront/service/2020-05-31/cloudfront-2020-05-31.json), for what the
 *    SDK's dist leaves out: length, range and pattern traits (and ranges its
 *    documentation states, where the SDK's does not).
 * A few limits neither model states (SUPPLEMENT below) name their public source.
 *
 * Usage: node scripts/gen-cloudfront-rules.js [path/to/cloudfront-2020-05-31.json]
 * (default: $CLOUDFRONT_SMITHY_MODEL). Without a Smithy model the constraints
 * part is left empty and the script says so. The output is committed; rerun
 * after upgrading the SDK.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const sdkDir = path.dirname(require.resolve("@aws-sdk/client-cloudfront/package.json", { paths: [root] }));
const sdk = require(sdkDir);
const sdkVersion = require(path.join(sdkDir, "package.json")).version;
const ROOTS = ["DistributionConfig", "FunctionConfig", "Tags"];

// ------------------------------------------------------------ SDK: enums per member

const dts = ["models_0.d.ts", "models_1.d.ts"]
    .map((f) => path.join(sdkDir, "dist-types", "models", f))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f, "utf8"))
    .join("\n");
const memberTypes = {}; // interface -> member -> type name
const memberDocs = {}; // interface -> member -> documentation (the SDK's TSDoc, from the service model)
const shapeDocs = {}; // interface -> documentation
for (const m of dts.matchAll(/(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?export interface (\w+) \{([\s\S]*?)\n\}/g)) {
    const members = {};
    const docs = {};
    for (const line of m[3].matchAll(/(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?^ {4}(\w+)\??: (\w+)(\[\])? \| undefined;$/gm)) {
        members[line[2]] = line[3];
        docs[line[2]] = line[1] ?? "";
    }
    memberTypes[m[2]] = members;
    memberDocs[m[2]] = docs;
    shapeDocs[m[2]] = m[1] ?? "";
}
const enumValues = (typeName) => {
    const e = sdk[typeName];
    if (!e || typeof e !== "object" || Array.isArray(e) || Object.values(e).some((v) => typeof v !== "string")) {
        return undefined;
    }
    return Object.values(e);
};

// ------------------------------------------------------------ Smithy model: constraints

const modelPath = process.argv[2] || process.env.CLOUDFRONT_SMITHY_MODEL;
const smithy = modelPath ? JSON.parse(fs.readFileSync(modelPath, "utf8")).shapes : undefined;
const NS = "com.amazonaws.cloudfront#";
const stripHtml = (s) =>
    s
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim();

/**
 * Facts the models state nowhere in a form a script can read, each with its
 * public source (the CloudFront API reference and developer guide).
 */
const SUPPLEMENT = {
    "FunctionConfig.Comment": { maxLen: 128, from: 'CloudFront API reference, FunctionConfig: "The comment cannot be longer than 128 characters"' },
    "KeyValueStoreAssociations.Items": { maxLen: 1, from: "CloudFront developer guide, quotas: one key value store per function" },
    "FunctionAssociations.Items": {
        maxLen: 2,
        from: "CloudFront developer guide, quotas: a cache behavior takes one viewer-request and one viewer-response function",
    },
    "Tags.Items": { maxLen: 50, from: "CloudFront developer guide, quotas: tags that can be added to a distribution: 50" },
};

function constraintsOf(shapeName, memberName) {
    const out = {};
    const src = [];
    const sdkDoc = stripHtml(memberDocs[shapeName]?.[memberName] ?? "");
    docRanges(sdkDoc, out, src, "SDK documentation");
    if (memberName === "Items") {
        const upTo = /there can be up to (\d+) \w+ items in this list/i.exec(stripHtml(shapeDocs[shapeName] ?? ""));
        if (upTo) {
            out.maxLen = Number(upTo[1]);
            src.push(`SDK documentation of ${shapeName}: "${upTo[0]}"`);
        }
    }
    const extra = SUPPLEMENT[`${shapeName}.${memberName}`];
    if (extra) {
        for (const [k, v] of Object.entries(extra)) {
            if (k !== "from" && out[k] === undefined) out[k] = v;
        }
        src.push(extra.from);
    }
    const member = smithy?.[NS + shapeName]?.members?.[memberName];
    if (!member) {
        if (src.length > 0) out.from = src.join("; ");
        return out;
    }
    const target = smithy[member.target] ?? {};
    const traits = { ...(target.traits ?? {}), ...(member.traits ?? {}) };
    if (traits["smithy.api#length"]) {
        const l = traits["smithy.api#length"];
        if (l.min !== undefined && l.min > 0 && out.minLen === undefined) out.minLen = l.min;
        if (l.max !== undefined && out.maxLen === undefined) out.maxLen = l.max;
        src.push("Smithy model: length trait");
    }
    if (traits["smithy.api#range"]) {
        const r = traits["smithy.api#range"];
        if (r.min !== undefined && out.min === undefined) out.min = r.min;
        if (r.max !== undefined && out.max === undefined) out.max = r.max;
        src.push("Smithy model: range trait");
    }
    if (traits["smithy.api#pattern"]) {
        out.pattern = traits["smithy.api#pattern"];
        src.push("Smithy model: pattern trait");
    }
    docRanges(stripHtml(member.traits?.["smithy.api#documentation"] ?? ""), out, src, "Smithy model documentation");
    if (src.length > 0) {
        out.from = src.join("; ");
    }
    return out;
}

/** Ranges and lengths documentation states in words; only what is not known yet. */
function docRanges(doc, out, src, where) {
    const range = /The minimum (?:number|timeout|value) is (\d+)(?: seconds?)?, the maximum is (\d+)/i.exec(doc);
    if (range && out.min === undefined && out.max === undefined) {
        out.min = Number(range[1]);
        out.max = Number(range[2]);
        src.push(`${where}: "${range[0]}"`);
    }
    const longer = /cannot be longer than (\d+) characters/i.exec(doc);
    if (longer && out.maxLen === undefined) {
        out.maxLen = Number(longer[1]);
        src.push(`${where}: "${longer[0]}"`);
    }
    const between = /length should be between (\d+) and (\d+) characters/i.exec(doc);
    if (between && out.maxLen === undefined) {
        if (Number(between[1]) > 0) out.minLen = Number(between[1]);
        out.maxLen = Number(between[2]);
        src.push(`${where}: "${between[0]}"`);
    }
}

// ------------------------------------------------------------ walk the SDK schemas

const shapes = {};
const deref = (s) => (typeof s === "function" ? s() : Array.isArray(s) && typeof s[0] === "function" ? s[0]() : s);
const SIMPLE = { 0: "string", 1: "number", 2: "boolean", 4: "timestamp", 5: "timestamp", 6: "timestamp", 7: "timestamp", 21: "blob" };

function memberRule(schema, owner, name) {
    if (Array.isArray(schema) && schema.length === 2) {
        return memberRule(schema[0], owner, name); // [schema, member traits]
    }
    const s = deref(schema);
    if (typeof s === "number") {
        return { t: SIMPLE[s] ?? "string" };
    }
    if (!Array.isArray(s)) {
        return { t: "string" };
    }
    if (s[0] === 0) {
        return { t: SIMPLE[s[4]] ?? "string" }; // a named simple type (CommentType, ...)
    }
    if (s[0] === 1) {
        const item = memberRule(s[4], owner, name);
        return { t: "list", i: item };
    }
    if (s[0] === 3) {
        walk(s);
        return { t: "structure", s: s[2] };
    }
    return { t: "string" };
}

function walk(s) {
    const name = s[2];
    if (shapes[name]) {
        return;
    }
    const shape = { members: {}, required: s[4].slice(0, s[6] ?? 0) };
    shapes[name] = shape;
    s[4].forEach((member, i) => {
        const rule = memberRule(s[5][i], name, member);
        const typeName = memberTypes[name]?.[member];
        const values = typeName ? enumValues(typeName) : undefined;
        const target = rule.t === "list" ? rule.i : rule;
        if (values && target.t === "string") {
            target.enum = values;
            target.enumName = typeName;
        }
        Object.assign(rule, constraintsOf(name, member));
        if (rule.t === "list") {
            // Constraints on a list's items come from the item shape's member (e.g. Tag.Key), handled there.
        }
        shape.members[member] = rule;
    });
}

for (const r of ROOTS) {
    walk(sdk[`${r}$`]);
}

// ------------------------------------------------------------ count and write

let counts = { structures: 0, unknownField: 0, required: 0, type: 0, enum: 0, range: 0, length: 0, pattern: 0 };
for (const shape of Object.values(shapes)) {
    counts.structures++;
    counts.unknownField++;
    counts.required += shape.required.length;
    for (const rule of Object.values(shape.members)) {
        counts.type++;
        const t = rule.t === "list" ? rule.i : rule;
        if (t.enum) counts.enum++;
        if (rule.min !== undefined || rule.max !== undefined) counts.range++;
        if (rule.minLen !== undefined || rule.maxLen !== undefined) counts.length++;
        if (rule.pattern) counts.pattern++;
    }
}
const total = counts.unknownField + counts.required + counts.type + counts.enum + counts.range + counts.length + counts.pattern;
const header = `/**
 * GENERATED by scripts/gen-cloudfront-rules.js; do not edit by hand.
 *
 * Validation rules for CloudFront configurations, from the model the AWS SDK
 * ships (@aws-sdk/client-cloudfront ${sdkVersion}): its schemas (member names,
 * types, nesting, required members), its type declarations (which member takes
 * which enum; the enum values the SDK exports) and their documentation (ranges
 * and limits stated in words); then the public Smithy model of CloudFront
 * (aws/api-models-aws: cloudfront/service/2020-05-31/cloudfront-2020-05-31.json)
 * for length and pattern traits; and ${Object.keys(SUPPLEMENT).length} limits from the CloudFront API
 * reference and developer guide the models do not state. Each constraint names
 * its source in "from".
 *
 * ${total} rules over ${counts.structures} structures: ${counts.unknownField} known-member sets, ${counts.required} required members,
 * ${counts.type} member types, ${counts.enum} enums, ${counts.range} numeric ranges, ${counts.length} length limits, ${counts.pattern} patterns.
 */
`;
const body = `export interface MemberRule {
    /** The member's type. */
    t: "string" | "number" | "boolean" | "structure" | "list" | "timestamp" | "blob";
    /** A structure's shape name (t: "structure"). */
    s?: string;
    /** A list's item rule (t: "list"). */
    i?: MemberRule;
    enum?: string[];
    enumName?: string;
    min?: number;
    max?: number;
    minLen?: number;
    maxLen?: number;
    pattern?: string;
    /** Where a constraint comes from in the Smithy model. */
    from?: string;
}

export interface ShapeRule {
    members: Record<string, MemberRule>;
    required: string[];
}

export const SDK_VERSION = ${JSON.stringify(sdkVersion)};

export const RULE_COUNTS = ${JSON.stringify({ total, ...counts })};

export const SHAPES: Record<string, ShapeRule> = ${JSON.stringify(shapes, null, 4)};
`;
const out = path.join(root, "provider", "cloudfront", "model.generated.ts");
fs.writeFileSync(out, header + body);
process.stdout.write(
    `wrote ${path.relative(root, out)}: ${total} rules (${JSON.stringify(counts)})${smithy ? "" : "; no Smithy model given, constraints left out"}\n`,
);
