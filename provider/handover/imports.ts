/**
 * The hand-overs' import table, written once and shared by both generators
 * (`adopt-ack`, `adopt-stack`): what a resource ackless does not manage
 * becomes in `import.json`, Pulumi's bulk-import file
 * (`pulumi import --file import.json`), for the @pulumi/aws provider.
 *
 * - `AWS_TYPES` (by @pulumi/aws type token): the import id @pulumi/aws
 *   documents for the type, and where that was checked.
 * - `ACK_IMPORTS` (by ACK kind, `provider/handover/ack.ts`) and
 *   `CFN_IMPORTS` (by CloudFormation type, `provider/handover/cloudformation.ts`)
 *   map a source resource to one of those tokens and compute its id.
 * - `importFile` writes the file.
 *
 * A source resource with no entry, or whose id cannot be computed, is left
 * out with a reason: nothing is dropped silently.
 */

/** One @pulumi/aws resource type a hand-over can write to import.json. */
export interface AwsType {
    /** The @pulumi/aws type token, as the resource class carries it: `aws:ec2/vpc:Vpc`. */
    readonly token: string;
    /** The import id, in the words of @pulumi/aws's import documentation: "the VPC id (vpc-…)". */
    readonly id: string;
}

/** An entry of Pulumi's bulk-import file. */
export interface ImportEntry {
    readonly type: string;
    readonly name: string;
    readonly id: string;
}

/** A source resource the table could not map: its kind or type, its name, and why. */
export interface NotImported {
    readonly source: string;
    readonly name: string;
    readonly reason: string;
}

/** What a table answers for one source resource: an import entry's token and id, or the reason it cannot. */
export type Mapped = { token: string; id: string } | { reason: string };

/** The import.json text for the entries, names made unique, sorted by type then name. */
export function importFile(entries: readonly ImportEntry[]): string {
    const used = new Map<string, number>();
    const unique = [...entries]
        .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
        .map((e) => {
            const key = `${e.type}\u0000${e.name}`;
            const n = (used.get(key) ?? 0) + 1;
            used.set(key, n);
            return n === 1 ? e : { ...e, name: `${e.name}-${n}` };
        });
    return JSON.stringify({ resources: unique.map((e) => ({ type: e.type, name: e.name, id: e.id })) }, null, 4) + "\n";
}
