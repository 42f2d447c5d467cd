/**
 * cloudfront.KeyValueStore: the idempotency key of CreateKeyValueStore, the
 * name (unique in the account: 409 EntityAlreadyExists).
 *
 * A declared name is used as is. A generated one is derived from the
 * resource's identity (`<prefix>-<7 hex>`), so a create retried after a
 * killed run finds its first attempt; the lifecycle driver walks it
 * (`<name>`, `<name>_1`...) past stores that are not an unfinished create of
 * this resource. The name rules are a CloudFront function's, so the function's
 * generator and walk are used as they are.
 */
export { autoName, nthName, onNameWalk } from "../function/keys";
