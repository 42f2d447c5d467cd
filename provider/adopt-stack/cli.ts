/**
 * `ackless adopt-stack <stack-name>`: hands a CloudFormation stack's NAT
 * gateways, CloudFront distributions and functions over to a generated
 * Pulumi program that adopts them; `--retire-stack` then makes
 * CloudFormation let go (DeletionPolicy and UpdateReplacePolicy: Retain
 * everywhere through a change set that changes nothing else, DeleteStack).
 */
import * as path from "path";
import { parseArgs } from "util";
import { AcklessError } from "../common/errors";
import { writeFiles } from "../common/files";
import { planHandOver, Plan, summaryText } from "./handover";
import { retireStack, settledStack } from "./stack";

export const description = "write a Pulumi program adopting a CloudFormation stack's resources; --retire-stack to let the stack go";

const HELP = `Usage: ackless adopt-stack <stack-name> [--region R] [--out DIR] [--force]
       ackless adopt-stack <stack-name> --retire-stack [--region R] [--out DIR]

Lists the resources of CloudFormation stack <stack-name>. The kinds ackless
manages (AWS::EC2::NatGateway, AWS::CloudFront::Distribution,
AWS::CloudFront::Function) are read from AWS and written to a ready-to-run
Pulumi program (TypeScript: Pulumi.yaml, package.json, tsconfig.json, index.ts) declaring
each with \`adopt\`, its current config and its user tags (never aws: ones).
Every other resource is listed with the reason it is left out; ids the
program needs from them (subnet, Elastic IP allocation) become stack config
defaulting to their current values.

With --retire-stack, after \`pulumi up\` adopted the resources: sets
DeletionPolicy: Retain and UpdateReplacePolicy: Retain on every resource of
the stack through a change set, and executes it only when it changes nothing
else (it lists what it found and stops otherwise); then deletes the stack, so
CloudFormation lets go without deleting anything. The template goes back as
written (YAML stays YAML, every scalar and comment untouched). A stack with
nested stacks is refused (hand those over first). No program is written
unless --out is given.

Options:
  --region R            the stack's region (default: AWS_REGION, else us-east-1)
  --out DIR             where to write the program (default: ./<stack-name>-pulumi)
  --force               overwrite Pulumi.yaml, package.json, tsconfig.json and index.ts in DIR
  --retire-stack        retain every resource and delete the stack (see above)
  --timeout-minutes N   how long to wait for the stack update and delete (default 30)
  -h, --help            this help

Exit: 0 done, 1 error (missing stack, stack in a failed, in-progress or
REVIEW_IN_PROGRESS state, nested stacks or a change set that would change a
resource with --retire-stack, missing permission: the message names the IAM
action).
`;

interface Options {
    stackName: string;
    region?: string;
    out?: string;
    force: boolean;
    retire: boolean;
    timeoutMinutes: number;
    help: boolean;
}

export function parseOptions(argv: string[]): Options {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
            region: { type: "string" },
            out: { type: "string" },
            force: { type: "boolean" },
            "retire-stack": { type: "boolean" },
            "timeout-minutes": { type: "string" },
            help: { type: "boolean", short: "h" },
        },
    });
    const help = values.help === true;
    if (!help && positionals.length !== 1) {
        throw new AcklessError(
            positionals.length === 0 ? "give the stack name: ackless adopt-stack <stack-name>" : `one stack at a time, got ${positionals.join(" ")}`,
        );
    }
    const timeoutMinutes = values["timeout-minutes"] === undefined ? 30 : Number(values["timeout-minutes"]);
    if (!(timeoutMinutes > 0)) {
        throw new AcklessError(`--timeout-minutes expects a positive number, got "${values["timeout-minutes"]}"`);
    }
    return {
        stackName: positionals[0] ?? "",
        region: values.region,
        out: values.out,
        force: values.force === true,
        retire: values["retire-stack"] === true,
        timeoutMinutes,
        help,
    };
}

/** Writes the program; refuses to overwrite its files without --force. */
export function writeProgram(plan: Plan, dir: string, force: boolean): void {
    writeFiles({ ...plan.files }, dir, force);
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    let opts: Options;
    try {
        opts = parseOptions(argv);
    } catch (e) {
        process.stderr.write(`ackless adopt-stack: ${(e as Error).message}\n\n${HELP}`);
        return 1;
    }
    if (opts.help) {
        process.stdout.write(HELP);
        return 0;
    }
    // The AWS clients read the region from the environment.
    const savedRegion = process.env.AWS_REGION;
    const region = opts.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
    process.env.AWS_REGION = region;
    const say = (m: string) => process.stderr.write(`ackless adopt-stack: ${m}\n`);
    try {
        const stack = await settledStack(opts.stackName, region);
        const plan = await planHandOver(stack, region);
        const outDir = opts.out ?? (opts.retire ? undefined : path.resolve(`${opts.stackName}-pulumi`));
        if (outDir) {
            writeProgram(plan, path.resolve(outDir), opts.force);
        }
        process.stdout.write(summaryText(plan, outDir && path.resolve(outDir)));
        if (opts.retire) {
            const result = await retireStack(stack, { timeoutMs: opts.timeoutMinutes * 60_000, progress: say, resources: plan.resources });
            process.stdout.write(
                `ackless adopt-stack: stack "${opts.stackName}" deleted; CloudFormation let go of its ${plan.adopted.length + plan.leftOut.length} resource(s) without deleting any` +
                    `${result.retained.length ? ` (DeletionPolicy and UpdateReplacePolicy: Retain set on ${result.retained.join(", ")})` : ""}.\n`,
            );
        }
        return 0;
    } catch (e) {
        process.stderr.write(`ackless adopt-stack: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
    } finally {
        if (savedRegion === undefined) {
            delete process.env.AWS_REGION;
        } else {
            process.env.AWS_REGION = savedRegion;
        }
    }
}
