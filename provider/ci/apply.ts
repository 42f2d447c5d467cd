/**
 * `ackless apply`: `pulumi up --yes --skip-preview` on the stack named by the
 * environment. Exits 0 on success, 1 on errors (including another update
 * holding the stack's lock: nothing is changed then).
 */
import { CiError, COMMON_HELP, describeFailure, engineCallbacks, EXIT_ERROR, EXIT_OK, isLockError, makeIo, openStack, parseOptions } from "./context";

export const description = "update the stack (pulumi up --yes --skip-preview), non-interactively";

const HELP = `Usage: ackless apply [--refresh] [options]

Updates the stack without a preview or a prompt, creating it if it does not
exist. Meant for the merge/deploy job of a pipeline.
  --refresh     refresh the state from the cloud first (pulumi up --refresh)
Exit: 0 on success, 1 on errors. When another update holds the stack's lock,
apply fails at once with Pulumi's lock message and changes nothing.

${COMMON_HELP}
`;

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    const opts = parseOptions(argv, env, { refresh: true });
    if (opts.help) {
        process.stdout.write(HELP);
        return EXIT_OK;
    }
    const io = makeIo(env, Object.values(opts.secretConfig));
    let engine: ReturnType<typeof engineCallbacks> | undefined;
    try {
        const stack = await openStack(opts, env, true);
        engine = engineCallbacks(io);
        const result = await stack.up({
            refresh: opts.refresh,
            color: "never",
            ...engine.opts,
        });
        io.engine.flush();
        const changes = Object.entries(result.summary.resourceChanges ?? {})
            .filter(([op, n]) => op !== "same" && n)
            .map(([op, n]) => `${n} ${op}d`);
        const same = result.summary.resourceChanges?.same ?? 0;
        io.out(`ackless apply: stack "${opts.stackName}" updated: ${changes.length ? changes.join(", ") : "no changes"} (${same} unchanged)\n`);
        return EXIT_OK;
    } catch (e) {
        io.engine.flush();
        if (e instanceof CiError) {
            throw e;
        }
        if (isLockError(e)) {
            io.err(
                `ackless apply: stack "${opts.stackName}" is locked by another update; nothing was changed. ` +
                    "Wait for that update to finish (or, if it crashed, run `pulumi cancel` for this stack).\n",
            );
        }
        io.err(`ackless apply: failed: ${describeFailure(e, engine?.errors)}\n`);
        return EXIT_ERROR;
    }
}
