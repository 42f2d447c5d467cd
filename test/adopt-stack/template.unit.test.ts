/**
 * adopt-stack templates: the Retain policies are added by editing the text,
 * so every scalar, tag, comment and layout goes back to CloudFormation as the
 * user wrote it (YAML and JSON), and a template that cannot be edited safely
 * is refused rather than rewritten.
 */
import { expect } from "chai";
import { deletedOnStackDelete, parseTemplate, retainEverything } from "../../provider/adopt-stack/template";

/** The edited text without the lines that only carry an added policy. */
const withoutAddedPolicies = (text: string) =>
    text
        .split(/(?<=\n)/)
        .filter((l) => !/^\s*(DeletionPolicy|UpdateReplacePolicy): Retain\r?\n?$/.test(l))
        .join("");

/** Edits `original`, checks that only policy lines were added, and returns the edited text. */
function onlyPoliciesAdded(original: string): string {
    const { body } = retainEverything(original);
    expect(withoutAddedPolicies(body)).to.equal(original);
    return body;
}

function yamlWith(extraProperties: string[], head = "AWSTemplateFormatVersion: 2010-09-09\n"): string {
    return (
        head +
        "Resources:\n" +
        "  Queue:\n" +
        "    Type: AWS::SQS::Queue\n" +
        "    Properties:\n" +
        extraProperties.map((p) => `      ${p}\n`).join("")
    );
}

describe("adopt-stack templates (unit)", () => {
    describe("YAML scalars go back as written", () => {
        // Each of these changes meaning or spelling under js-yaml's default schema.
        const scalars = [
            "2010-09-09",
            "1.10",
            "0755",
            "0x1F",
            "1e3",
            "12345678901234567890",
            "+12",
            ".5",
            "yes",
            "No",
            "on",
            "~",
            "null",
            "true",
            "2001-12-14t21:59:43.10-05:00",
            "'quoted 1.10'",
            '"double \\u00e9 0755"',
            "10.0.0.0/16",
            "arn:aws:s3:::bucket/*",
        ];
        for (const scalar of scalars) {
            it(`keeps ${scalar} byte for byte`, () => {
                const body = onlyPoliciesAdded(yamlWith([`Value: ${scalar}`, `List: [${scalar}, ${scalar}]`, `Map: { k: ${scalar} }`]));
                expect(body).to.contain(`      Value: ${scalar}\n`).and.contain(`List: [${scalar}, ${scalar}]`);
            });
        }

        it("keeps the unquoted AWSTemplateFormatVersion, comments, block scalars and blank lines", () => {
            const original = [
                "AWSTemplateFormatVersion: 2010-09-09 # the only version",
                "Description: >-",
                "  folded 1.10",
                "  text",
                "",
                "Resources:",
                "  # the queue",
                "  Queue:   # inline comment",
                "",
                "    Type: AWS::SQS::Queue",
                "    Metadata:",
                "      Script: |",
                "        #!/bin/sh",
                "        chmod 0755 /x",
                "    Properties:",
                "      DelaySeconds: 010",
                "Outputs:",
                "  Q: { Value: !Ref Queue }",
                "",
            ].join("\n");
            const body = onlyPoliciesAdded(original);
            expect(body).to.match(/^AWSTemplateFormatVersion: 2010-09-09 # the only version\n/);
            expect(body).to.contain("    Type: AWS::SQS::Queue\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n");
        });

        it("keeps CRLF line endings", () => {
            const original = yamlWith(["Value: 1.10"]).replace(/\n/g, "\r\n");
            const { body } = retainEverything(original);
            expect(body).to.contain("    Type: AWS::SQS::Queue\r\n    DeletionPolicy: Retain\r\n    UpdateReplacePolicy: Retain\r\n");
            expect(body).not.to.match(/[^\r]\n/);
        });
    });

    describe("short-form intrinsic tags survive", () => {
        const tagged = [
            "!Ref Vpc",
            "!GetAtt Vpc.CidrBlock",
            "!GetAtt [Vpc, CidrBlock]",
            '!Sub "${AWS::StackName}-q"',
            '!Sub ["${A}-x", { A: !Ref Vpc }]',
            "!Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]",
            "!Select [0, !GetAZs '']",
            "!Join ['', [a, !Ref Vpc]]",
            "!If [IsProd, !Ref Vpc, !Ref AWS::NoValue]",
            "!FindInMap [M, !Ref AWS::Region, 1.10]",
            "!ImportValue shared-vpc",
            "!Base64 '#!/bin/sh'",
            "!Split [',', !ImportValue list]",
            "!Equals [!Ref Env, prod]",
            "!Not [!Condition IsProd]",
            "!And [!Condition A, !Or [!Condition B, !Condition C]]",
            "!ToJsonString { a: 1.10 }",
            "!Length [a, b]",
        ];
        for (const value of tagged) {
            it(`keeps ${value}`, () => {
                expect(onlyPoliciesAdded(yamlWith([`Value: ${value}`]))).to.contain(`      Value: ${value}\n`);
            });
        }

        it("replaces a DeletionPolicy written with a tag by Retain", () => {
            const original = yamlWith(["Value: 1"]).replace(
                "    Type: AWS::SQS::Queue\n",
                "    Type: AWS::SQS::Queue\n    DeletionPolicy: !If [IsProd, Retain, Delete]\n",
            );
            const { body } = retainEverything(original);
            expect(body).to.contain("    DeletionPolicy: Retain\n").and.not.contain("!If");
        });
    });

    describe("existing policies", () => {
        it("replaces Delete/Snapshot in place (keeping a trailing comment), leaves Retain, adds the missing one", () => {
            const original = [
                "Resources:",
                "  A:",
                "    Type: AWS::SQS::Queue",
                "    DeletionPolicy: Delete   # was delete",
                "  B:",
                "    Type: AWS::RDS::DBInstance",
                '    UpdateReplacePolicy: "Snapshot"',
                "    DeletionPolicy: Retain",
                "  C:",
                "    DeletionPolicy: 'Retain'",
                "    UpdateReplacePolicy: Retain",
                "    Type: AWS::SNS::Topic",
                "  D:",
                "    Type: AWS::SNS::Topic",
                "    UpdateReplacePolicy:",
                "      Ref: Policy",
                "    Properties: {}",
                "",
            ].join("\n");
            const { body, retained } = retainEverything(original);
            expect(retained).to.deep.equal(["A", "B", "D"]);
            expect(body).to.contain("    Type: AWS::SQS::Queue\n    UpdateReplacePolicy: Retain\n    DeletionPolicy: Retain   # was delete\n");
            expect(body).to.contain("  B:\n    Type: AWS::RDS::DBInstance\n    UpdateReplacePolicy: Retain\n    DeletionPolicy: Retain\n");
            expect(body).to.contain("  C:\n    DeletionPolicy: 'Retain'\n    UpdateReplacePolicy: Retain\n    Type: AWS::SNS::Topic\n");
            expect(body).to.contain("    UpdateReplacePolicy: Retain\n    Properties: {}\n").and.not.contain("Ref: Policy");
            const resources = parseTemplate(body).Resources!;
            for (const r of Object.values(resources)) {
                expect([r.DeletionPolicy, r.UpdateReplacePolicy]).to.deep.equal(["Retain", "Retain"]);
            }
        });

        it("a template that already retains everything is unchanged", () => {
            const original = "Resources:\n  A:\n    Type: X\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n";
            expect(retainEverything(original)).to.deep.equal({ body: original, retained: [] });
        });
    });

    describe("flow-style resources and JSON", () => {
        it("edits a YAML flow mapping resource in place", () => {
            const original =
                yamlWith(["Value: 1.10"]) + '  Topic: { Type: "AWS::SNS::Topic", Properties: { TopicName: !Sub "${AWS::StackName}-t" } }\n';
            const { body, retained } = retainEverything(original);
            expect(retained).to.deep.equal(["Queue", "Topic"]);
            expect(body).to.contain(
                '  Topic: { DeletionPolicy: Retain, UpdateReplacePolicy: Retain, Type: "AWS::SNS::Topic", Properties: { TopicName: !Sub "${AWS::StackName}-t" } }\n',
            );
        });

        const jsonCases: [string, string][] = [
            [
                "pretty, 2 spaces",
                '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n    "Q": {\n      "Type": "AWS::SQS::Queue",\n      "Properties": { "DelaySeconds": 1.10, "Big": 12345678901234567890, "E": 1e3, "S": "\\u00e9" }\n    }\n  }\n}\n',
            ],
            ["tabs", '{\n\t"Resources": {\n\t\t"Q": {\n\t\t\t"Type": "AWS::SQS::Queue",\n\t\t\t"Properties": {"N": 1.10}\n\t\t}\n\t}\n}'],
            ["minified", '{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":{"N":1.10}}}}'],
        ];
        for (const [name, original] of jsonCases) {
            it(`JSON (${name}): only the two policies are added; numbers, escapes and layout untouched`, () => {
                const { body, retained } = retainEverything(original);
                expect(retained).to.deep.equal(["Q"]);
                const added = body.replace(/"(DeletionPolicy|UpdateReplacePolicy)": "Retain",\s*/g, "");
                expect(added).to.equal(original);
                expect(JSON.parse(body).Resources.Q).to.include({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
            });
        }

        it("JSON: an existing DeletionPolicy value is replaced in place", () => {
            const original = '{"Resources": {"Q": {"Type": "X", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain"}}}';
            expect(retainEverything(original).body).to.equal(
                '{"Resources": {"Q": {"Type": "X", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}}}',
            );
        });
    });

    describe("refusals", () => {
        for (const [name, text] of [
            ["a resource that is a YAML alias", "Resources:\n  A: &a\n    Type: X\n  B: *a\n"],
            ["a resource that is not a mapping", "Resources:\n  A: just-a-string\n"],
            ["an unknown tag", "Resources:\n  A:\n    Type: X\n    Properties: { V: !Unknown x }\n"],
        ]) {
            it(`refuses ${name} instead of rewriting the template`, () => {
                expect(() => retainEverything(text)).to.throw(/cannot (add the Retain policies|read the stack's template)/);
            });
        }
    });

    it("deletedOnStackDelete lists the resources without DeletionPolicy: Retain", () => {
        const text = "Resources:\n  A:\n    Type: X\n    DeletionPolicy: Retain\n  B:\n    Type: X\n  C: { Type: X, DeletionPolicy: Snapshot }\n";
        expect(deletedOnStackDelete(text)).to.deep.equal(["B", "C"]);
    });
});
