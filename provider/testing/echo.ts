/**
 * Echo: the smallest real dynamic resource, for the engine smoke test. It
 * keeps its state in a file, so refresh and destroy have something real to
 * read and remove. Not part of the public API.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider } from "../delegate";

export interface EchoArgs {
    path: pulumi.Input<string>;
    content: pulumi.Input<string>;
}

export class Echo extends pulumi.dynamic.Resource {
    declare readonly path: pulumi.Output<string>;
    declare readonly content: pulumi.Output<string>;
    /** `process.version` of the dynamic-provider host that last created or updated it. */
    declare readonly hostNode: pulumi.Output<string>;
    constructor(name: string, args: EchoArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            delegatingProvider("ackless:test:Echo"),
            name,
            { path: args.path, content: args.content, hostNode: undefined },
            opts,
            "ackless",
            "Echo",
        );
    }
}

export const provider = {
    async check(_olds: any, news: any) {
        const failures = typeof news.path === "string" && news.path ? [] : [{ property: "path", reason: "path is required" }];
        return { inputs: news, failures };
    },
    async diff(_id: string, olds: any, news: any) {
        const replaces = olds.path !== news.path ? ["path"] : [];
        return { changes: olds.path !== news.path || olds.content !== news.content, replaces };
    },
    async create(inputs: any) {
        fs.writeFileSync(inputs.path, inputs.content);
        return { id: inputs.path, outs: { path: inputs.path, content: inputs.content, hostNode: process.version } };
    },
    async read(id: string, props: any) {
        if (!fs.existsSync(id)) {
            return { id: "", props: {} };
        }
        return { id, props: { ...props, path: id, content: fs.readFileSync(id, "utf8") } };
    },
    async update(id: string, _olds: any, news: any) {
        fs.writeFileSync(id, news.content);
        return { outs: { path: id, content: news.content, hostNode: process.version } };
    },
    async delete(id: string) {
        fs.rmSync(id, { force: true });
    },
};
