/**
 * The provider object Pulumi stores in state for every dynamic resource.
 *
 * Pulumi serialises a dynamic provider's code into each resource's state and
 * runs that stored code for read and delete (pulumi/pulumi #6238). So the
 * stored code only names the resource kind and delegates to the ackless
 * package installed beside the program: it holds no clients, no credentials,
 * stays around 1 KB, and a fix to the installed package reaches existing
 * stacks' read and delete.
 *
 * So `ackless/dist/provider/registry` is public API for as long as any stack
 * exists: every resource's stored code `require`s exactly that path for
 * refresh and destroy. package.json's `exports` map keeps it resolvable (next
 * to the public entry points `ackless` and `ackless/k8s`), and
 * test/e2e/installed-package.e2e.test.ts checks it from an installed tarball.
 * Never move or rename registry.ts or the kind names it maps.
 */
import * as pulumi from "@pulumi/pulumi";

export function delegatingProvider(kind: string): pulumi.dynamic.ResourceProvider {
    return {
        check: (olds: any, news: any) => require("ackless/dist/provider/registry").provider(kind).check(olds, news),
        diff: (id: string, olds: any, news: any) => require("ackless/dist/provider/registry").provider(kind).diff(id, olds, news),
        create: (inputs: any) => require("ackless/dist/provider/registry").provider(kind).create(inputs),
        read: (id: string, props: any) => require("ackless/dist/provider/registry").provider(kind).read(id, props),
        update: (id: string, olds: any, news: any) => require("ackless/dist/provider/registry").provider(kind).update(id, olds, news),
        delete: (id: string, props: any) => require("ackless/dist/provider/registry").provider(kind).delete(id, props),
    };
}

/**
 * Lifecycle R1, the program's half: a create leaves its resource marked
 * (`ackless:pending-create`) and sets the `unrecorded` output to this run's
 * nonce (`__run`); the engine saves a step's result in the stack's state
 * before it answers the program's registration, so once the program sees
 * that output the resource is recorded, and the marker can go. Only in a
 * real run (a preview records nothing), once per create, best effort: a
 * marker left behind is removed by the resource's next update, or by a
 * create that finds it in state.
 */
export function confirmWhenRecorded(
    resource: pulumi.CustomResource & { readonly unrecorded: pulumi.Output<string | undefined> },
    kind: string,
    run: string | undefined,
    scope: { region?: pulumi.Input<string | undefined>; __profile?: string },
): void {
    if (run === undefined) {
        return;
    }
    pulumi.all([resource.id, resource.unrecorded, scope.region]).apply(async ([id, unrecorded, region]) => {
        if (!id || unrecorded !== run) {
            return;
        }
        const impl = require("ackless/dist/provider/registry").provider(kind);
        try {
            await impl.confirm?.(id, { region, __profile: scope.__profile });
        } catch (err) {
            void pulumi.log.warn(
                `${id}: could not remove the ackless:pending-create marker (${(err as Error).message}); the next update removes it`,
                resource,
            );
        }
    });
}
