/** ec2.NatGateway: the provider (check, diff, create, read, update, delete), wired to the shared lifecycle rules (common/lifecycle.ts). */
import type * as pulumi from "@pulumi/pulumi";
import { adoptionOf, adoptOrCreate } from "../../common/adopt";
import { withRegion } from "../../common/clients";
import { AcklessError } from "../../common/errors";
import { progress } from "../../common/log";
import { adoptionAllowed, goneRead, guardedDelete, withVanished } from "../../common/lifecycle";
import { fromKeyValueList } from "../../common/tags";
import { adoptNatGateway, previewAdoption } from "./adopt";
import { natDiff, outputsOf } from "./delta";
import { createNatGateway, deleteAndWait } from "./hooks";
import { deleteDeadline, findNatGateway } from "./sdk";
import { applyTags } from "./tags";
import { KIND, NatGatewayInputs } from "./types";
import { checkInputs, checkRegion } from "./validate";
import { waitNatGatewayDeleted } from "./wait";

// ------------------------------------------------------------------ provider

export const provider = {
    async check(olds: any, news: any): Promise<pulumi.dynamic.CheckResult> {
        const result = checkInputs(news ?? {});
        await checkRegion(result.inputs, result.failures);
        if (!adoptionAllowed(olds, news?.__identity)) {
            // R3: only a first create adopts: on an existing resource, or its
            // replacement, adopt is dropped (a replacement never adopts).
            delete result.inputs.adopt;
        } else if (result.failures.length === 0) {
            await withRegion(result.inputs.region, () => previewAdoption(result.inputs, result.failures));
        }
        return result;
    },

    async diff(id: string, olds: any, news: any) {
        return withVanished(olds, natDiff(id, olds ?? {}, news ?? {}), "subnetId");
    },

    // Each call runs in the gateway's stored region: the registry wraps this object (common/clients awsScoped).
    create,
    read,
    update,
    delete: remove,
};



async function create(inputs: any): Promise<pulumi.dynamic.CreateResult> {
    return adoptOrCreate(
        "NAT gateway",
        adoptionOf(inputs),
        (adoption) => adoptNatGateway(adoption.id, inputs as NatGatewayInputs),
        () => createNatGateway(inputs as NatGatewayInputs),
    );
}

async function read(id: string, props: any): Promise<pulumi.dynamic.ReadResult> {
    let nat = await findNatGateway(id);
    if (nat?.State === "deleting") {
        progress(`NAT gateway ${id} is deleting; waiting until it is deleted`);
        await waitNatGatewayDeleted(id, deleteDeadline());
        nat = undefined;
    }
    if (!nat) {
        return goneRead("NAT gateway", id, props);
    }
    return { id, props: outputsOf(nat, props ?? {}) };
}

async function update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult> {
    const live = await findNatGateway(id);
    if (!live) {
        throw new AcklessError(`NAT gateway ${id} no longer exists; run pulumi up --refresh to create a new one`);
    }
    await applyTags(id, fromKeyValueList(live.Tags), news.tags);
    const after = (await findNatGateway(id)) ?? live;
    return { outs: outputsOf(after, { ...olds, ...news }) };
}

async function remove(id: string, props: any): Promise<void> {
    await guardedDelete(KIND, "NAT gateway", id, props, () => deleteAndWait(id, deleteDeadline(), props));
}
