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
