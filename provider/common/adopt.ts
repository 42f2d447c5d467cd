/**
 * Adoption input shared by every resource (filled in by the adoption issue):
 * take over an existing AWS resource instead of creating one.
 */
export type AdoptMode = "adopt" | "adopt-or-create";

export interface AdoptArgs {
    /** The existing resource: a distribution id, a function name, a NAT gateway id. */
    id: string;
    /** `adopt` fails when it does not exist; `adopt-or-create` creates it then. Default `adopt`. */
    mode?: AdoptMode;
}
