/** ec2.NatGateway: what differs (diff rules, replacements) and the outputs read from AWS. */
import { NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import { compact, deepEqual, diffFields, FieldRule, known, present } from "../../common/diff";
import { warn } from "../../common/log";
import { fromKeyValueList, sameTags, splitTags, Tags } from "../../common/tags";
import type { ConnectivityType, NatGatewayInputs, NatGatewayOutputs } from "./types";

// ---------------------------------------------------------------- outputs

export function outputsOf(nat: AwsNatGateway, base: Partial<NatGatewayOutputs & NatGatewayInputs>, token?: string): NatGatewayOutputs {
    const addresses = nat.NatGatewayAddresses ?? [];
    const primary = addresses.find((a) => a.IsPrimary) ?? addresses[0];
    // splitTags leaves ackless's own tags (pending-create, incarnation) out of both.
    const { tags, systemTags } = splitTags(fromKeyValueList(nat.Tags));
    const connectivityType = (nat.ConnectivityType as ConnectivityType | undefined) ?? base.connectivityType ?? "public";
    return compact({
        subnetId: nat.SubnetId ?? (base.subnetId as string),
        allocationId: connectivityType === "public" ? (primary?.AllocationId ?? base.allocationId) : undefined,
        connectivityType,
        // The input as given: AWS picks one when it is omitted, which is no drift.
        privateIpAddress: base.privateIpAddress,
        tags,
        systemTags,
        state: String(nat.State),
        publicIp: primary?.PublicIp,
        privateIp: primary?.PrivateIp,
        networkInterfaceId: primary?.NetworkInterfaceId,
        vpcId: nat.VpcId,
        failureCode: nat.FailureCode,
        failureMessage: nat.FailureMessage,
        clientToken: token ?? base.clientToken,
        region: base.region,
    });
}

// ------------------------------------------------------------------- diff

const creationFields = ["subnetId", "allocationId", "connectivityType", "privateIpAddress"] as const;

const rules: FieldRule[] = [
    ...creationFields.map((name) => ({ name, replaces: true })),
    // A gateway lives in one region: another region is another gateway. State
    // written before the region was stored has none: no change.
    { name: "region", replaces: true, equal: (a, b) => !a || a === b },
    { name: "tags", equal: (a, b) => sameTags(a as Tags, b as Tags) },
];

export function natDiff(id: string, olds: Record<string, any>, news: Record<string, any>) {
    const d = diffFields(olds, { ...news, connectivityType: news.connectivityType ?? "public" }, rules);
    const replaces = [...(d.replaces ?? [])];
    const failed = olds.state === "failed";
    if (failed) {
        replaces.push("state");
        warn(`NAT gateway ${id} is failed (FailureCode ${olds.failureCode ?? "unknown"}: ${olds.failureMessage ?? ""}); it will be replaced`);
    }
    // Delete first when the new gateway needs what the old one holds: the same
    // Elastic IP (it serves one gateway at a time), the same private IP, or the
    // same ClientToken (no creation field changed: a forced replacement).
    const sameEip = present(news.allocationId) && olds.allocationId === news.allocationId;
    const sameIp = present(news.privateIpAddress) && olds.privateIpAddress === news.privateIpAddress;
    const sameToken = creationFields.every((f) => deepEqual(olds[f], f === "connectivityType" ? (news[f] ?? "public") : news[f]));
    return {
        changes: d.changes || failed,
        replaces,
        changed: failed ? [...d.changed, "state"] : d.changed,
        deleteBeforeReplace: sameEip || sameIp || sameToken || failed,
    };
}

// ------------------------------------------------------------------ adopt

/**
 * The creation fields of an existing gateway that differ from the declared
 * inputs: they cannot change in place, so adopting it would be a lie.
 * Each entry names the field, the live value and the declared one.
 */
export function adoptMismatches(nat: AwsNatGateway, inputs: NatGatewayInputs): { field: string; reason: string }[] {
    const addresses = nat.NatGatewayAddresses ?? [];
    const primary = addresses.find((a) => a.IsPrimary) ?? addresses[0];
    const liveType = (nat.ConnectivityType as string | undefined) ?? "public";
    const declaredType = inputs.connectivityType ?? "public";
    const out: { field: string; reason: string }[] = [];
    const mismatch = (field: string, live: unknown, declared: unknown) =>
        out.push({
            field,
            reason:
                `adopt: NAT gateway ${nat.NatGatewayId} has ${field} ${JSON.stringify(live ?? null)}, but the program declares ${JSON.stringify(declared ?? null)}; ` +
                `${field} cannot change in place: declare ${JSON.stringify(live ?? null)} to adopt it (or remove adopt to create a new gateway)`,
        });
    if (known(inputs.subnetId) && nat.SubnetId !== inputs.subnetId) {
        mismatch("subnetId", nat.SubnetId, inputs.subnetId);
    }
    if (known(declaredType) && liveType !== declaredType) {
        mismatch("connectivityType", liveType, declaredType);
    } else if (liveType === "public" && known(inputs.allocationId) && (primary?.AllocationId ?? undefined) !== (inputs.allocationId || undefined)) {
        mismatch("allocationId", primary?.AllocationId, inputs.allocationId);
    }
    if (present(inputs.privateIpAddress) && known(inputs.privateIpAddress) && primary?.PrivateIp !== inputs.privateIpAddress) {
        mismatch("privateIpAddress", primary?.PrivateIp, inputs.privateIpAddress);
    }
    return out;
}
