/**
 * What a CloudFormation stack still manages that is not in Pulumi: the
 * stack's resources (planned as `adopt-stack` plans them) checked against
 * the Pulumi state of the hand-over program (`pulumi stack export`, no
 * secrets shown). `ackless handover-status --stack NAME` prints it, and
 * `adopt-stack --retire-stack` refuses to retire a stack while anything is
 * on that list (or named with --orphan).
 *
 * In the state, a resource counts as handed over when:
 * - taken over by the program: an ackless resource of its class
 *   (`pulumi-nodejs:dynamic/ackless:<Class>`) whose id is the adopted id;
 * - written to import.json: a resource of the @pulumi/aws token whose id is
 *   the import id, or whose name is the entry's name (what
 *   `pulumi import --file import.json` gives; some @pulumi/aws ids differ
 *   from the import id, a route's for one);
 * - left out: any resource whose id is the physical id (imported by hand).
 */
import { spawn } from "child_process";
import * as path from "path";
import { parseArgs } from "util";
import { planHandOver, Plan } from "../adopt-stack/handover";
import { inRegion } from "../adopt-stack/aws";
import { findStack } from "../adopt-stack/stack";
import { AcklessError } from "../common/errors";
import { kindBy } from "../kinds";

export const description = "what a CloudFormation stack (--stack NAME) still manages that is not in Pulumi";

/** One resource of a Pulumi stack's state. */
export interface StateResource {
    type: string;
    urn: string;
    id?: string;
}

/** A stack resource not in Pulumi yet, and where the hand-over puts it. */
export interface Remaining {
    logicalId: string;
    type: string;
    physicalId: string;
    /** "program", "import.json" or "left out". */
    via: string;
    /** What the state should hold, or what to do. */
    expected: string;
}

/** The Pulumi program of the hand-over and its stack. */
export interface PulumiTarget {
    /** The Pulumi project directory (the generated program). */
    dir: string;
    /** The Pulumi stack; the directory's selected stack when undefined. */
    stack?: string;
}

function pulumiBinary(env: NodeJS.ProcessEnv): string {
    return env.ACKLESS_PULUMI_ROOT ? path.join(env.ACKLESS_PULUMI_ROOT, "bin", "pulumi") : "pulumi";
}

/** The resources of the Pulumi stack's state (`pulumi stack export`; secrets stay encrypted). */
export function pulumiState(target: PulumiTarget, env: NodeJS.ProcessEnv = process.env): Promise<StateResource[]> {
    const args = ["stack", "export", "--non-interactive", ...(target.stack ? ["--stack", target.stack] : [])];
    const where = `the Pulumi stack ${target.stack ? `"${target.stack}"` : "selected"} of ${target.dir}`;
    return new Promise((resolve, reject) => {
        const child = spawn(pulumiBinary(env), args, { cwd: target.dir, env, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("error", (e) =>
            reject(new AcklessError(`cannot run pulumi to read ${where} (${e.message}): install the Pulumi CLI or set ACKLESS_PULUMI_ROOT`)),
        );
        child.on("close", (code) => {
            if (code !== 0) {
                reject(
                    new AcklessError(
                        `cannot read ${where}: pulumi stack export failed (${err.trim().split("\n").pop() ?? `exit ${code}`}); ` +
                            `pass --program DIR (the hand-over program) and --pulumi-stack NAME, with the backend and passphrase the program uses`,
                    ),
                );
                return;
            }
            try {
                const resources = (JSON.parse(out).deployment?.resources ?? []) as StateResource[];
                resolve(resources.map((r) => ({ type: r.type, urn: r.urn, id: r.id })));
            } catch (e) {
                reject(new AcklessError(`cannot read ${where}: pulumi stack export printed no deployment (${(e as Error).message})`));
            }
        });
    });
}

const nameOf = (urn: string) => urn.split("::").pop() ?? "";

/** The stack resources of `plan` that `state` does not hold (`orphan`: logical ids the user lets go unmanaged). */
export function notInPulumi(plan: Plan, state: StateResource[], orphan: ReadonlySet<string> = new Set()): Remaining[] {
    const remaining: Remaining[] = [];
    for (const a of plan.adopted) {
        const cls = kindBy("cloudFormationType", a.read.kind)!.cls;
        const type = `pulumi-nodejs:dynamic/ackless:${cls}`;
        if (!state.some((s) => s.type === type && s.id === a.read.id) && !orphan.has(a.logicalId)) {
            const physicalId = plan.resources.find((r) => r.LogicalResourceId === a.logicalId)?.PhysicalResourceId ?? a.read.id;
            remaining.push({
                logicalId: a.logicalId,
                type: a.read.kind,
                physicalId,
                via: "program",
                expected: `${type} with id ${a.read.id} (run pulumi up)`,
            });
        }
    }
    for (const i of plan.imported) {
        if (!state.some((s) => s.type === i.type && (s.id === i.id || nameOf(s.urn) === i.name)) && !orphan.has(i.logicalId)) {
            remaining.push({
                logicalId: i.logicalId,
                type: i.source,
                physicalId: i.physicalId,
                via: "import.json",
                expected: `${i.type} "${i.name}" with id ${i.id} (run pulumi import --file import.json)`,
            });
        }
    }
    for (const l of plan.leftOut) {
        if (!state.some((s) => s.id === l.physicalId) && !orphan.has(l.logicalId)) {
            remaining.push({
                logicalId: l.logicalId,
                type: l.type,
                physicalId: l.physicalId,
                via: "left out",
                expected: `no resource with id ${l.physicalId}: ${l.reason}; import it by hand, or let it go unmanaged with --orphan ${l.logicalId}`,
            });
        }
    }
    return remaining;
}

/** One line per remaining resource. */
export function remainingText(remaining: Remaining[]): string {
    return remaining.map((r) => `  - ${r.logicalId} (${r.type}) ${r.physicalId} [${r.via}]: not in Pulumi; expected ${r.expected}`).join("\n");
}

export interface StackStatus {
    /** False when the stack does not exist (any more). */
    exists: boolean;
    total: number;
    remaining: Remaining[];
}

/** What stack `name` still manages that the Pulumi stack of `target` does not hold. */
export async function stackHandoverStatus(
    name: string,
    region: string,
    target: PulumiTarget,
    env: NodeJS.ProcessEnv = process.env,
    orphan: ReadonlySet<string> = new Set(),
): Promise<StackStatus> {
    const stack = await findStack(name);
    if (!stack) {
        return { exists: false, total: 0, remaining: [] };
    }
    const plan = await planHandOver(stack, region);
    const state = await pulumiState(target, env);
    return { exists: true, total: plan.resources.length, remaining: notInPulumi(plan, state, orphan) };
}

const HELP = `Usage: ackless handover-status --stack NAME [--region R] [--program DIR] [--pulumi-stack S] [--orphan ID]

Lists what CloudFormation stack NAME still manages that is not in the Pulumi
state of the hand-over program: each resource the program should adopt
(run pulumi up), each one of import.json (run pulumi import --file
import.json) and each one left out. When nothing is left it says so: the
stack can then be retired (ackless adopt-stack NAME --retire-stack) and is
gone without deleting anything.

Options:
  --stack NAME          the CloudFormation stack
  --region R            its region (default: AWS_REGION, else us-east-1)
  --program DIR         the hand-over program's directory (default: ./<NAME>-pulumi)
  --pulumi-stack S      its Pulumi stack (default: the selected one)
  --orphan ID[,ID]      logical ids to be let go unmanaged (as with adopt-stack --retire-stack)
  -h, --help            this help

Reads the state with \`pulumi stack export\` (the Pulumi CLI, its backend and
passphrase as the program uses them). Exit: 0 nothing left, 2 something left,
1 error.
`;

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            strict: true,
            options: {
                stack: { type: "string" },
                region: { type: "string" },
                program: { type: "string" },
                "pulumi-stack": { type: "string" },
                orphan: { type: "string", multiple: true },
                help: { type: "boolean", short: "h" },
            },
        }));
        if (!values.help && !values.stack) {
            throw new AcklessError("give the CloudFormation stack: ackless handover-status --stack NAME");
        }
    } catch (e) {
        process.stderr.write(`ackless handover-status: ${(e as Error).message}\n\n${HELP}`);
        return 1;
    }
    if (values.help) {
        process.stdout.write(HELP);
        return 0;
    }
    const name = values.stack!;
    const region = values.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
    return inRegion("handover-status", region, async () => {
        const target = { dir: path.resolve(values.program ?? `${name}-pulumi`), stack: values["pulumi-stack"] };
        const orphan = new Set((values.orphan ?? []).flatMap((o) => o.split(",")).filter(Boolean));
        const status = await stackHandoverStatus(name, region, target, env, orphan);
        if (!status.exists) {
            process.stdout.write(
                `ackless handover-status: stack "${name}" does not exist in ${region}: CloudFormation manages nothing of it; nothing is left.\n`,
            );
            return 0;
        }
        if (status.remaining.length === 0) {
            process.stdout.write(
                `ackless handover-status: stack "${name}" (${region}): nothing left; all ${status.total} resource(s) are in Pulumi. ` +
                    `The stack can be deleted, retaining every resource: ackless adopt-stack ${name} --retire-stack\n`,
            );
            return 0;
        }
        process.stdout.write(
            `ackless handover-status: stack "${name}" (${region}) still manages ${status.remaining.length} of ${status.total} resource(s) not in Pulumi:\n` +
                `${remainingText(status.remaining)}\n`,
        );
        return 2;
    });
}
