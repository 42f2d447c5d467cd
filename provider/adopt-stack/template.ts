/**
 * CloudFormation templates (JSON or YAML, short-form intrinsics like `!Ref`
 * included): read them and give every resource `DeletionPolicy: Retain`.
 */
import * as yaml from "js-yaml";
import { AcklessError } from "../common/errors";

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

const schema = yaml.DEFAULT_SCHEMA.extend(
    Object.entries(INTRINSICS).flatMap(([tag, long]) =>
        (["scalar", "sequence", "mapping"] as const).map(
            (kind) =>
                new yaml.Type(`!${tag}`, {
                    kind,
                    construct: (data: unknown) => {
                        // !GetAtt A.B is ["A", "B"] in the long form.
                        if (tag === "GetAtt" && typeof data === "string") {
                            const dot = data.indexOf(".");
                            return { [long]: dot < 0 ? [data] : [data.slice(0, dot), data.slice(dot + 1)] };
                        }
                        return { [long]: data ?? "" };
                    },
                }),
        ),
    ),
);

export type Template = { Resources?: Record<string, { Type?: string; DeletionPolicy?: string; [k: string]: unknown }>; [k: string]: unknown };

/** Parses a template body (JSON, else YAML). */
export function parseTemplate(body: string | object): Template {
    if (typeof body === "object" && body !== null) {
        return body as Template;
    }
    const text = body.trim();
    try {
        if (text.startsWith("{")) {
            return JSON.parse(text) as Template;
        }
        const parsed = yaml.load(text, { schema });
        if (!parsed || typeof parsed !== "object") {
            throw new Error("not a mapping");
        }
        return parsed as Template;
    } catch (e) {
        throw new AcklessError(`cannot read the stack's template: ${(e as Error).message}`);
    }
}

/**
 * The template with `DeletionPolicy: Retain` on every resource, as JSON
 * (UpdateStack accepts JSON whatever the original format), and the logical
 * ids that did not have it.
 */
export function retainEverything(body: string | object): { body: string; retained: string[] } {
    const template = parseTemplate(body);
    const retained: string[] = [];
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
        if (resource && resource.DeletionPolicy !== "Retain") {
            resource.DeletionPolicy = "Retain";
            retained.push(id);
        }
    }
    return { body: JSON.stringify(template, null, 2), retained };
}
