/**
 * ec2.NatGateway: the lifecycle driver's adapter (../../lifecycle/adapter.ts),
 * and the provider the registry loads.
 *
 * What is particular to NAT gateways:
 * - the key is the ClientToken (keys.ts); AWS answers a used token with its
 *   gateway, in whatever state it is now, so a gateway this call made is the
 *   one carrying this attempt's incarnation tag;
 * - `deleted` means gone (sdk.ts); `deleting` is waited for by a read;
 *   `failed` gateways never serve: a create that made one deletes it;
 * - tags, secondary addresses and a regional gateway's zone addresses change
 *   in place; every other field replaces (delta.ts), deleting
 *   first when the new gateway needs what the old one holds; a targeted
 *   replace (no diff) does the same through `exclusiveWith`.
 */
import { NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import { known } from "../../common/diff";
import { describeTagChanges, fromKeyValueList, userTags } from "../../common/tags";
import { Deadline } from "../../common/wait";
import type { KindAdapter } from "../../lifecycle/adapter";
import { lifecycleProvider } from "../../lifecycle/driver";
import { INCARNATION_TAG, PENDING_CREATE_TAG } from "../../lifecycle/rules";
import { addressSteps, adoptMismatches, describeSteps, heldByOriginal, natDiff, outputsOf } from "./delta";
import { clientToken, nthToken, ownersOf, ownerTag } from "./keys";
import { deleteAndWait, reconcile, update } from "./ops";
import { clearMarker, createNatGatewayCall, createTimeoutS, deleteTimeoutS, findNatGateway, natGatewaysOwnedBy, natPoller } from "./sdk";
import { KIND, NatGatewayInputs } from "./types";
import { NAT_ID, validate } from "./validate";
import { waitNatGatewayDeleted, waitNatGatewaySettled } from "./wait";

export const adapter: KindAdapter<NatGatewayInputs, AwsNatGateway> = {
    kind: KIND,
    what: "NAT gateway",
    keyName: "ClientToken",
    adoptId: { what: "a NAT gateway id (nat-...)", pattern: NAT_ID },
    replaceField: "subnetId",
    readyTimeout: "fail",
    readWaitsWhileDeleting: true,

    validate,
    planAdoption(inputs, nat) {
        const failures = adoptMismatches(nat, inputs).map((m) => ({ property: m.field, reason: m.reason }));
        const tags = known(inputs.tags) ? describeTagChanges(fromKeyValueList(nat.Tags), inputs.tags) : "tags: (known at deployment)";
        const addresses = failures.length ? undefined : describeSteps(addressSteps(nat, {}, inputs));
        return { failures, changes: [tags, addresses].filter((c): c is string => !!c) };
    },

    createKey: (inputs) => ({ base: inputs.__clientToken ?? clientToken(inputs)!, walk: true }),
    nthKey: nthToken,
    async createWithKey(inputs, key, lifecycle) {
        const nat = await createNatGatewayCall(inputs, key, {
            ...userTags(inputs.tags),
            [PENDING_CREATE_TAG]: lifecycle.pendingCreate,
            [INCARNATION_TAG]: lifecycle.incarnation,
            ...ownerTag(inputs),
        });
        if (nat === undefined) {
            return { heldBy: undefined };
        }
        // A gateway this call made carries this attempt's incarnation; AWS answers a token it has seen with that
        // token's gateway as it is now. Answers and reads that show no incarnation at all are judged on the state
        // the call answered: a new gateway is `pending` (a read may not show it yet, R5).
        const incarnationOf = (n: AwsNatGateway | undefined) => (n ? fromKeyValueList(n.Tags)[INCARNATION_TAG] : undefined);
        if (incarnationOf(nat) === lifecycle.incarnation) {
            return { made: nat };
        }
        const seen = await findNatGateway(nat.NatGatewayId!);
        const tagged = incarnationOf(seen);
        if (tagged !== undefined) {
            return tagged === lifecycle.incarnation ? { made: seen! } : { heldBy: seen };
        }
        return nat.State === "pending" ? { made: seen ?? nat } : { heldBy: seen };
    },
    // A targeted replace of a gateway that keeps its Elastic IP (or fixed private IP) deletes the original first:
    // found by the ClientToken walk, or (renamed, or its creation fields changed in the same run) by its owner tag.
    exclusiveWith: heldByOriginal,
    async originalHolding(inputs) {
        const owners = ownersOf(inputs);
        if (owners.length === 0) {
            return undefined;
        }
        for (const nat of await natGatewaysOwnedBy(owners)) {
            const held = heldByOriginal(inputs, nat);
            if (held) {
                return { original: nat, held };
            }
        }
        return undefined;
    },
    keyTaken: () => new Error("unreachable: NAT gateway ClientTokens are always derived, so create walks them"),

    idOf: (nat) => nat.NatGatewayId!,
    find: (id) => findNatGateway(id),
    liveness: (nat) => (nat.State === "failed" ? "failed" : nat.State === "deleting" ? "deleting" : "live"),
    failure: (nat) => ({ code: nat.FailureCode ?? "NatGatewayFailed", message: nat.FailureMessage ?? "no FailureMessage" }),
    tagsOf: (nat) => fromKeyValueList(nat.Tags),
    markerOf: (nat) => fromKeyValueList(nat.Tags)[PENDING_CREATE_TAG],
    visibility: natPoller,

    async settle(_inputs, nat, deadline) {
        return nat.State === "pending" ? waitNatGatewaySettled(nat.NatGatewayId!, deadline) : nat;
    },
    createDeadline: () => new Deadline(createTimeoutS() * 1000),
    clearMarker: (nat) => clearMarker(nat.NatGatewayId!),
    reconcile,
    outputs: (base, nat, ctx) => outputsOf(nat, base, ctx.key),

    diff: natDiff,
    update,

    remove: (id, _props, observed) => deleteAndWait(id, observed),
    waitGone: (id) => waitNatGatewayDeleted(id, new Deadline(deleteTimeoutS() * 1000)),
};

export const provider = lifecycleProvider(adapter);
