/** cloudfront.Function: the checked inputs, the outputs as stored in state, and a function as reads observe it. */
import type { Tags } from "../../common/tags";
import type { FunctionTest } from "./tests";

export const KIND = "cloudfront:Function";

export const RUNTIMES = ["cloudfront-js-1.0", "cloudfront-js-2.0"] as const;

export const DEFAULT_RUNTIME = "cloudfront-js-2.0";

/** CloudFront's limit on a function's code. */
export const MAX_CODE_BYTES = 10240;

export { NAME_PATTERN } from "../names";

/** Inputs after check(): defaults filled in. */
export interface FunctionInputs {
    name: string;
    /** Kept among the inputs once known (see validate.ts). */
    arn?: string;
    /** Optional fields: undefined when the program does not declare them (not owned; delta.ts OPTIONAL_DEFAULTS). */
    runtime?: string;
    code: string;
    comment?: string;
    keyValueStoreAssociations?: string[];
    publish: boolean;
    /** Checks run with TestFunction before every publish (tests.ts). */
    tests?: FunctionTest[];
    /** The optional fields the program declares (owned). */
    __declared?: string[];
    tags: Tags;
    /** The Pulumi resource name, set by the public class; the base of the auto-name. */
    autoNamePrefix?: string;
    adopt?: unknown;
    /** Resource identity from the public class (project/stack/parent/name). */
    __identity?: string;
    /** The name was generated (derived from __identity), so create may walk it. */
    __nameGenerated?: boolean;
}

/** Outputs kept in state (inputs echoed with observed values, plus computed fields). */
export interface FunctionOutputs extends FunctionInputs {
    /** As observed (DEVELOPMENT), declared or not. */
    runtime: string;
    comment: string;
    keyValueStoreAssociations: string[];
    arn: string;
    status: string;
    /** DEVELOPMENT stage ETag. */
    etag: string;
    /** LIVE stage ETag; "" when never published. */
    liveEtag: string;
    /** LIVE serves the current DEVELOPMENT code and config. */
    published: boolean;
    systemTags: Tags;
    /** Made by adoption (lifecycle R4). */
    adopted?: boolean;
    /** This incarnation's name (lifecycle R2). */
    incarnation?: string;
}

/** One stage of a function as AWS reports it. */
export interface StageView {
    etag: string;
    code: string;
    comment: string;
    runtime: string;
    keyValueStoreAssociations: string[];
    arn: string;
    status: string;
}

/** The whole function: DEVELOPMENT, LIVE (undefined before the first publish), tags. */
export interface ObservedFunction {
    name: string;
    dev: StageView;
    live?: StageView;
    /** The user's tags. */
    tags: Tags;
    /** AWS's (`aws:` keys). */
    systemTags: Tags;
    /** Every tag as read, ackless's own (`ackless:pending-create`, `ackless:incarnation`) included. */
    allTags: Tags;
}
