/**
 * cloudfront.Function: the idempotency key of CreateFunction, the name: a
 * declared one as is, else `<prefix>-<7 hex>` from the resource's identity,
 * walked by the lifecycle driver past functions that are not an unfinished
 * create of this resource. CloudFront's name rules are one module for the
 * kinds named by the user (../names.ts).
 */
export { autoName, nthName, onNameWalk } from "../names";
