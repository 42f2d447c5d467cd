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
import { notInPulumi, pulumiState, remainingText } from "../handover/status-stack";
import { planHandOver, Plan, summaryText } from "./handover";
import { inRegion } from "./aws";
import { retireStack, settledStack } from "./stack";

export const description =
    "write a Pulumi program adopting a CloudFormation stack's resources and an import.json for the rest; --retire-stack to let the stack go";

const HELP = `Usage: ackless adopt-stack <stack-name> [--region R] [--out DIR] [--force]
       ackless adopt-stack <stack-name> --retire-stack [--region R] [--out DIR]

Lists the resources of CloudFormation stack <stack-name> and prints one plan
accounting for every one of them, before anything is written:
- the kinds ackless manages (AWS::EC2::NatGateway, AWS::CloudFront::Distribution,
  AWS::CloudFront::Function, AWS::CloudFront::KeyValueStore) are read from AWS
  and written to a ready-to-run Pulumi program (TypeScript: Pulumi.yaml,
  package.json, tsconfig.json, index.ts) declaring each with \`adopt\`, its
  current config and its user tags (never aws: ones);
- every other resource with a @pulumi/aws mapping (VPC, subnets, Elastic IPs,
  route tables, security groups, CloudFront policies...) is written to
  import.json, Pulumi's bulk-import file: \`pulumi import --file import.json\`
  (needs the @pulumi/aws provider plugin);
- the rest is listed as left out, with the reason.
Ids the program needs from other resources (subnet, Elastic IP allocation)
become stack config defaulting to their current values.

With --retire-stack, after \`pulumi import --file import.json\` and \`pulumi up\`
put every resource in the program's Pulumi state: checks that state
(\`pulumi stack export\` in --program DIR) holds every resource of the stack
and refuses, listing them, while any is missing (--orphan lets named ones go
unmanaged); then sets DeletionPolicy: Retain and UpdateReplacePolicy: Retain
on every resource of the stack through a change set, and executes it only
when it changes nothing else (it lists what it found and stops otherwise);
then deletes the stack, so CloudFormation lets go without deleting anything.
The template goes back as written (YAML stays YAML, every scalar and comment
untouched). A stack with nested stacks is refused (hand those over first).
No program is written unless --out is given.

Options:
  --region R            the stack's region (default: AWS_REGION, else us-east-1)
  --out DIR             where to write the program (default: ./<stack-name>-pulumi)
  --force               overwrite Pulumi.yaml, package.json, tsconfig.json, index.ts and import.json in DIR
  --retire-stack        retain every resource and delete the stack (see above), once every
                        resource is in the Pulumi state of the program
  --program DIR         with --retire-stack: the hand-over program whose state is checked
                        (default: --out, else ./<stack-name>-pulumi)
  --pulumi-stack S      with --retire-stack: its Pulumi stack (default: the selected one)
  --orphan ID[,ID]      with --retire-stack: logical ids left out of Pulumi on purpose
                        (retained by the deleted stack, managed by nothing)
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
    program?: string;
    pulumiStack?: string;
    orphan: string[];
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
            program: { type: "string" },
            "pulumi-stack": { type: "string" },
            orphan: { type: "string", multiple: true },
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
        program: values.program,
        pulumiStack: values["pulumi-stack"],
        orphan: (values.orphan ?? []).flatMap((o) => o.split(",")).filter(Boolean),
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
    const region = opts.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
    const say = (m: string) => process.stderr.write(`ackless adopt-stack: ${m}\n`);
    return inRegion("adopt-stack", region, async () => {
        const stack = await settledStack(opts.stackName, region);
        const plan = await planHandOver(stack, region);
        const outDir = opts.out ?? (opts.retire ? undefined : path.resolve(`${opts.stackName}-pulumi`));
        // The plan accounts for every resource, and is printed before anything is written.
        process.stdout.write(summaryText(plan, outDir && path.resolve(outDir)));
        if (outDir) {
            writeProgram(plan, path.resolve(outDir), opts.force);
        }
        if (opts.retire) {
            // Retire only once every resource is in Pulumi state: adopted by the program, imported, or let go with --orphan.
            const target = { dir: path.resolve(opts.program ?? opts.out ?? `${opts.stackName}-pulumi`), stack: opts.pulumiStack };
            const remaining = notInPulumi(plan, await pulumiState(target, env), new Set(opts.orphan));
            if (remaining.length > 0) {
                throw new AcklessError(
                    `stack "${opts.stackName}" is not retired: ${remaining.length} of its resource(s) are not in the Pulumi state of ${target.dir}` +
                        `${target.stack ? ` (stack ${target.stack})` : ""}, and retiring would leave them managed by nothing:\n${remainingText(remaining)}\n` +
                        `Run pulumi import --file import.json and pulumi up in the program first (ackless handover-status --stack ${opts.stackName} lists what is left); nothing was changed`,
                );
            }
            const result = await retireStack(stack, { timeoutMs: opts.timeoutMinutes * 60_000, progress: say, resources: plan.resources });
            process.stdout.write(
                `ackless adopt-stack: stack "${opts.stackName}" deleted; CloudFormation let go of its ${plan.adopted.length + plan.imported.length + plan.leftOut.length} resource(s) without deleting any` +
                    `${result.retained.length ? ` (DeletionPolicy and UpdateReplacePolicy: Retain set on ${result.retained.join(", ")})` : ""}.\n`,
            );
        }
        return 0;
    });
}
