/**
 * cloudfront.KeyValueStore: the idempotency key of CreateKeyValueStore, the
 * name (unique in the account: 409 EntityAlreadyExists): a declared one as
 * is, else `<prefix>-<7 hex>` from the resource's identity, walked by the
 * lifecycle driver. CloudFront's name rules are one module for the kinds named
 * by the user (../names.ts).
 */
export { autoName, nthName, onNameWalk } from "../names";
