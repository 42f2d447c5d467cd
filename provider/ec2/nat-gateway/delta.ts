/** ec2.NatGateway: what differs (diff rules, replacements) and the outputs read from AWS. */
import { NatGateway as AwsNatGateway } from "@aws-sdk/client-ec2";
import { deepEqual, diffFields, FieldRule, UNKNOWN } from "../../common/diff";
import { warn } from "../../common/log";
import { fromKeyValueList, sameTags, splitTags, Tags } from "../../common/tags";
import { ConnectivityType, NatGatewayInputs, NatGatewayOutputs } from "./types";

export const known = (v: unknown) => v !== UNKNOWN;


/** Drops undefined values (Pulumi's property structs cannot hold them). */
export function compact<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------- outputs

export function outputsOf(nat: AwsNatGateway, known: Partial<NatGatewayOutputs & NatGatewayInputs>, token?: string): NatGatewayOutputs {
    const addresses = nat.NatGatewayAddresses ?? [];
    const primary = addresses.find((a) => a.IsPrimary) ?? addresses[0];
    // splitTags leaves ackless's own tags (pending-create, incarnation) out of both.
    const { tags, systemTags } = splitTags(fromKeyValueList(nat.Tags));
    const connectivityType = (nat.ConnectivityType as ConnectivityType | undefined) ?? known.connectivityType ?? "public";
    return compact({
        subnetId: nat.SubnetId ?? (known.subnetId as string),
        allocationId: connectivityType === "public" ? primary?.AllocationId ?? known.allocationId : undefined,
        connectivityType,
        // The input as given: AWS picks one when it is omitted, which is no drift.
        privateIpAddress: known.privateIpAddress,
        tags,
        systemTags,
        state: String(nat.State),
        publicIp: primary?.PublicIp,
        privateIp: primary?.PrivateIp,
        networkInterfaceId: primary?.NetworkInterfaceId,
        vpcId: nat.VpcId,
        failureCode: nat.FailureCode,
        failureMessage: nat.FailureMessage,
        clientToken: token ?? known.clientToken,
        adopted: known.adopted === true ? true : undefined,
        incarnation: known.incarnation,
        region: known.region,
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

export const present = (v: unknown) => v !== undefined && v !== null && v !== "";

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
    const sameToken = creationFields.every((f) => deepEqual(olds[f], f === "connectivityType" ? news[f] ?? "public" : news[f]));
    return {
        changes: d.changes || failed,
        replaces,
        changed: failed ? [...d.changed, "state"] : d.changed,
        deleteBeforeReplace: sameEip || sameIp || sameToken || failed,
    };
}
