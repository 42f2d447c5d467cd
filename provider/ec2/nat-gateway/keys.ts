/**
 * ec2.NatGateway: the idempotency key of CreateNatGateway, the ClientToken.
 *
 * A retried create must find the gateway an earlier, interrupted attempt made
 * (usually in another process: a `pulumi up` killed while create waited), so
 * the token is not random: check() derives it from the resource's identity
 * (`__identity`: project, stack, parent URN, name) and the fields a gateway is
 * created from, and stores it in the inputs as `__clientToken`. The walk past
 * used tokens (`<base>.1`, `<base>.2`...) and the takeover rule are the
 * lifecycle driver's (../../lifecycle).
 */
import { known } from "../../common/diff";
import { identityToken, ownerToken } from "../../common/identity";
import { OWNER_TAG } from "../../lifecycle/rules";
import type { NatGatewayInputs } from "./types";

/** The base token of a resource with these inputs; undefined while any part is unknown. At most 64 characters with its walk step. */
export function clientToken(inputs: Partial<NatGatewayInputs>): string | undefined {
    const parts: unknown[] = [
        inputs.__identity ?? "",
        inputs.subnetId ?? "",
        inputs.allocationId ?? "",
        inputs.connectivityType ?? "public",
        inputs.privateIpAddress ?? "",
    ];
    // A regional gateway is created from its mode and VPC too. Zonal gateways keep the parts they always had, so
    // the tokens of gateways made before regional ones existed do not change.
    if (inputs.availabilityMode === "regional") {
        parts.push("regional", inputs.vpcId ?? "");
    }
    return identityToken(parts);
}

/** The owner tag values of a gateway of this resource: its identity's and its aliases' (OWNER_TAG). */
export function ownersOf(inputs: NatGatewayInputs): string[] {
    const ids = [inputs.__identity, ...(Array.isArray(inputs.__aliasIdentities) ? inputs.__aliasIdentities : [])];
    return ids.filter((id): id is string => typeof id === "string" && known(id) && id !== "").map(ownerToken);
}

/** The owner tag a gateway of this resource is made (or taken over, or adopted) with; none without an identity. */
export function ownerTag(inputs: NatGatewayInputs): Record<string, string> {
    const id = inputs.__identity;
    return typeof id === "string" && known(id) && id !== "" ? { [OWNER_TAG]: ownerToken(id) } : {};
}

export { nthToken } from "../../common/identity";
