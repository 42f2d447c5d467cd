/** Names the driver tests share with the rules they check. */
export { forgetClaims, INCARNATION_TAG, PENDING_CREATE_TAG } from "../../provider/lifecycle/rules";
/** An identity no other test uses, so R3's memory of existing resources does not apply. */
export const UNKNOWN_IDENTITY_FOR_TESTS = "driver-test/fresh";
