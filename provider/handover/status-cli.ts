/**
 * `ackless handover-status`: what the old owner still manages. For a
 * cluster, the ACK controllers' custom resources (./status.ts); with
 * `--stack NAME`, a CloudFormation stack's resources not yet in Pulumi
 * (./status-stack.ts). Each says when nothing is left and the old owner can go.
 */
import * as cluster from "./status";
import * as stack from "./status-stack";

export const description = "what ACK (a cluster) or a CloudFormation stack (--stack NAME) still manages outside Pulumi; says when it can go";

export function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    return argv.some((a) => a === "--stack" || a.startsWith("--stack=")) ? stack.run(argv, env) : cluster.run(argv);
}
