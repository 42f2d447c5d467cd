/**
 * What the hand-over tables are checked against: for each resource module of
 * @pulumi/aws's ec2, ec2transitgateway, vpc and cloudfront folders, its type token, whether its docs
 * say how to import it, and whether they say it cannot be imported. Read off
 * the published package by scripts/pulumi-aws-facts.js (facts, not code:
 * @pulumi/aws is not a dependency, and its provider plugin cannot be fetched
 * here). To check a newer version: npm pack @pulumi/aws in a scratch folder,
 * untar it, and run the script over its package folder.
 */
import * as fs from "fs";
import * as path from "path";

export interface PulumiAwsModule {
    token: string;
    importDocumented: boolean;
    notImportable?: boolean;
}

export const PULUMI_AWS: { package: string; version: string; modules: Record<string, PulumiAwsModule> } = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "..", "..", "test", "handover", "pulumi-aws-facts.json"), "utf8"),
);
