/**
 * Progress messages from inside provider methods. In the dynamic-provider
 * host, pulumi.log reaches the engine, which shows it under the resource.
 */
import * as pulumi from "@pulumi/pulumi";

export function progress(message: string): void {
    try {
        void pulumi.log.info(message);
    } catch {
        // Not running under the engine (unit tests): stay quiet.
    }
    if (process.env.ACKLESS_DEBUG) {
        process.stderr.write(`[ackless] ${message}\n`);
    }
}

export function warn(message: string): void {
    try {
        void pulumi.log.warn(message);
    } catch {
        process.stderr.write(`[ackless] warning: ${message}\n`);
    }
}
