#!/usr/bin/env node
// Reads an unpacked @pulumi/aws package (npm pack @pulumi/aws, then tar xzf) and prints the facts the hand-over
// tables are checked against: for each resource module of the ec2, ec2transitgateway, vpc and cloudfront folders, its type token (the
// class's __pulumiType), whether its docs have an "## Import" section, and whether they say it cannot be imported.
// Usage: node scripts/pulumi-aws-facts.js <package dir> > test/handover/pulumi-aws-facts.json
"use strict";
const fs = require("fs");
const path = require("path");

const dir = process.argv[2];
if (!dir || !fs.existsSync(path.join(dir, "package.json"))) {
    console.error("usage: node scripts/pulumi-aws-facts.js <unpacked @pulumi/aws package dir>");
    process.exit(1);
}
const version = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
const modules = {};
for (const folder of ["ec2", "ec2transitgateway", "vpc", "cloudfront"]) {
    for (const file of fs.readdirSync(path.join(dir, folder)).sort()) {
        if (!file.endsWith(".js")) continue;
        const js = fs.readFileSync(path.join(dir, folder, file), "utf8");
        const m = /__pulumiType = '([^']+)'/.exec(js);
        if (!m) continue;
        const dts = fs.readFileSync(path.join(dir, folder, file.replace(/\.js$/, ".d.ts")), "utf8");
        modules[`${folder}/${file.slice(0, -3)}`] = {
            token: m[1],
            // Its docs show the import: an "## Import" section, or the `pulumi import <token>` command line.
            importDocumented: dts.includes("## Import") || dts.includes(`pulumi import ${m[1]} `),
            ...(dts.includes("You cannot import this resource.") ? { notImportable: true } : {}),
        };
    }
}
process.stdout.write(JSON.stringify({ package: "@pulumi/aws", version, modules }, null, 1) + "\n");
