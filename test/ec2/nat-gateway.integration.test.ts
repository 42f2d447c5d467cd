/**
 * ec2.NatGateway provider against the emulator (moto + the AWS NAT contract):
 * the provider methods called directly, with real HTTP and real state
 * transitions (pending, deleting, failed, deleted).
 */
import {
    AllocateAddressCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    DeleteNatGatewayCommand,
    DescribeNatGatewaysCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { resetClients } from "../../provider/common/clients";
import { ownerToken } from "../../provider/common/identity";
import { provider } from "../../provider/ec2/nat-gateway/adapter";
import { OWNER_TAG } from "../../provider/lifecycle/rules";
import { useEmulator } from "../helpers/emulator";

describe("ec2.NatGateway provider (integration, emulator)", function () {
    const emu = useEmulator({ natSeconds: 0 });
    const saved = { ...process.env };
    let aws: EC2Client;

    beforeEach(() => {
        Object.assign(process.env, emu().env(), { ACKLESS_POLL_MIN_MS: "20", ACKLESS_POLL_MAX_MS: "50" });
        resetClients();
        aws = new EC2Client({ endpoint: emu().endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    });
    after(() => {
        for (const k of Object.keys(process.env)) {
            if (!(k in saved)) delete process.env[k];
        }
        Object.assign(process.env, saved);
        resetClients();
    });

    async function network() {
        const vpc = await aws.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
        const vpcId = vpc.Vpc!.VpcId!;
        const s1 = await aws.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.1.0/24" }));
        const s2 = await aws.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.2.0/24" }));
        const eip = await aws.send(new AllocateAddressCommand({ Domain: "vpc" }));
        return { vpcId, subnetId: s1.Subnet!.SubnetId!, subnetId2: s2.Subnet!.SubnetId!, allocationId: eip.AllocationId! };
    }

    async function checked(news: Record<string, unknown>) {
        const r = await provider.check({}, { __identity: `it/${Math.random()}/nat`, ...news });
        expect(r.failures).to.deep.equal([]);
        return r.inputs as any;
    }

    const all = async () => (await aws.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];

    it("lifecycle: create (pending -> available), read, tag update, delete (deleting -> deleted)", async () => {
        await emu().setConfig({ natSeconds: 0.5 });
        const net = await network();
        const inputs = await checked({ subnetId: net.subnetId, allocationId: net.allocationId, tags: { Name: "it", team: "net" } });
        const { id, outs } = await provider.create(inputs);
        expect(id).to.match(/^nat-/);
        expect(outs).to.include({
            state: "available",
            subnetId: net.subnetId,
            vpcId: net.vpcId,
            allocationId: net.allocationId,
            connectivityType: "public",
        });
        expect(outs.publicIp).to.be.a("string");
        expect(outs.tags).to.deep.equal({ Name: "it", team: "net" });

        await emu().seedTags({ resourceId: id }, { "aws:cloudformation:stack-name": "net" });
        const read = await provider.read(id, outs);
        expect(read.id).to.equal(id);
        expect(read.props.systemTags).to.deep.equal({ "aws:cloudformation:stack-name": "net" });

        const news = await checked({ subnetId: net.subnetId, allocationId: net.allocationId, tags: { Name: "it2" } });
        const d = await provider.diff(id, read.props, news);
        expect(d.changes).to.equal(true);
        expect(d.replaces).to.deep.equal([]);
        const up = await provider.update(id, read.props, news);
        expect(up.outs!.tags).to.deep.equal({ Name: "it2" });
        expect(up.outs!.systemTags).to.deep.equal({ "aws:cloudformation:stack-name": "net" });

        await provider.delete(id, up.outs);
        expect((await all()).map((n) => `${n.NatGatewayId}:${n.State}`)).to.deep.equal([`${id}:deleted`]);
        expect((await provider.read(id, up.outs)).id).to.equal("");
    });

    for (const mode of ["zonal", "regional"] as const) {
        it(`a create retried after an interrupted one takes over the gateway the first attempt made: one gateway (${mode})`, async () => {
            const net = await network();
            const news =
                mode === "zonal"
                    ? { __identity: "it/retry/nat", subnetId: net.subnetId, allocationId: net.allocationId }
                    : { __identity: "it/retry/regional", availabilityMode: "regional", vpcId: net.vpcId };
            // The first attempt gives up while the gateway is still pending (as a killed run would leave it).
            await emu().setConfig({ natSeconds: 3 });
            process.env.ACKLESS_NAT_CREATE_TIMEOUT_S = "0.2";
            let err: any;
            try {
                await provider.create((await provider.check({}, news)).inputs).catch((e) => (err = e));
            } finally {
                delete process.env.ACKLESS_NAT_CREATE_TIMEOUT_S;
            }
            expect(err?.message).to.match(/still pending/);
            const b = await provider.create((await provider.check({}, news)).inputs);
            expect(await all()).to.have.length(1);
            expect(b.id).to.equal((await all())[0].NatGatewayId);
            expect(b.outs.state).to.equal("available");
        });
    }

    it("a create for a resource whose gateway is complete and live (a forced replacement) makes a new gateway, never takes the original over", async () => {
        const net = await network();
        const news = { __identity: "it/replace/nat", connectivityType: "private", subnetId: net.subnetId };
        const a = await provider.create((await provider.check({}, news)).inputs);
        const b = await provider.create((await provider.check({}, news)).inputs);
        expect(b.id).to.not.equal(a.id);
        expect(b.outs.clientToken).to.equal(`${a.outs.clientToken}.1`);
        // The engine then deletes the original; the new one stays.
        await provider.delete(a.id, a.outs);
        expect((await all()).map((n) => `${n.NatGatewayId}:${n.State}`).sort()).to.deep.equal([`${a.id}:deleted`, `${b.id}:available`].sort());
    });

    it("a targeted replace of a public gateway that keeps its Elastic IP deletes the original first: one gateway, the new one, with the EIP", async () => {
        const net = await network();
        const news = { __identity: "it/replace-public/nat", subnetId: net.subnetId, allocationId: net.allocationId };
        const a = await provider.create((await provider.check({}, news)).inputs);
        // `up --replace` / `state taint`: check with no old inputs, then create while the original is live.
        const b = await provider.create((await provider.check({}, news)).inputs);
        expect(b.id).to.not.equal(a.id);
        expect(b.outs).to.include({ state: "available", allocationId: net.allocationId, clientToken: `${a.outs.clientToken}.1` });
        expect(b.outs.publicIp).to.equal(a.outs.publicIp);
        expect((await all()).map((n) => `${n.NatGatewayId}:${n.State}`).sort()).to.deep.equal([`${a.id}:deleted`, `${b.id}:available`].sort());
        // The engine's delete of the old state entry then finds the original gone and leaves the new one alone.
        await provider.delete(a.id, a.outs);
        expect((await all()).map((n) => `${n.NatGatewayId}:${n.State}`).sort()).to.deep.equal([`${a.id}:deleted`, `${b.id}:available`].sort());
    });

    it("a gateway holding the Elastic IP that is not this resource's is never deleted: the create fails with AWS's Resource.AlreadyAssociated", async () => {
        const net = await network();
        const other = await provider.create(
            (await provider.check({}, { __identity: "it/other/nat", subnetId: net.subnetId, allocationId: net.allocationId })).inputs,
        );
        const err = await provider
            .create((await provider.check({}, { __identity: "it/mine/nat", subnetId: net.subnetId, allocationId: net.allocationId })).inputs)
            .catch((e) => e);
        expect(err.message).to.match(/Resource\.AlreadyAssociated/);
        const live = (await all()).filter((n) => n.State !== "deleted");
        expect(live.map((n) => `${n.NatGatewayId}:${n.State}`)).to.deep.equal([`${other.id}:available`]);
    });

    describe("a targeted replace whose original the ClientToken walk cannot find is found by its owner tag", () => {
        const states = async () => (await all()).map((n) => `${n.NatGatewayId}:${n.State}`).sort();
        const live = async () => (await all()).filter((n) => n.State !== "deleted").map((n) => `${n.NatGatewayId}:${n.State}`);

        it("renamed with aliases: the gateway made under the old name holds the Elastic IP, and is deleted first", async () => {
            const net = await network();
            const a = await provider.create(
                (await provider.check({}, { __identity: "it/rename/nat1", subnetId: net.subnetId, allocationId: net.allocationId })).inputs,
            );
            const made = (await all()).find((n) => n.NatGatewayId === a.id)!;
            expect(made.Tags).to.deep.include({ Key: OWNER_TAG, Value: ownerToken("it/rename/nat1") });
            // Renamed nat1 -> nat2 (aliases: [{ name: "nat1" }]), then `state taint` / `up --replace`: no old inputs, a new identity.
            const renamed = {
                __identity: "it/rename/nat2",
                __aliasIdentities: ["it/rename/nat1"],
                subnetId: net.subnetId,
                allocationId: net.allocationId,
            };
            const b = await provider.create((await provider.check({}, renamed)).inputs);
            expect(b.outs).to.include({ state: "available", allocationId: net.allocationId });
            expect(b.outs.publicIp).to.equal(a.outs.publicIp);
            // The first new gateway failed (Resource.AlreadyAssociated) and was deleted; the original then, and the next token made it.
            expect(await live()).to.deep.equal([`${b.id}:available`]);
            expect(await states()).to.include(`${a.id}:deleted`);
            expect(b.outs.clientToken).to.match(/\.1$/);
            await provider.delete(a.id, a.outs);
            expect(await live()).to.deep.equal([`${b.id}:available`]);
        });

        it("its subnet changed in the same run: the gateway in the old subnet holds the Elastic IP, and is deleted first", async () => {
            const net = await network();
            const identity = "it/moved/nat";
            const a = await provider.create(
                (await provider.check({}, { __identity: identity, subnetId: net.subnetId, allocationId: net.allocationId })).inputs,
            );
            const b = await provider.create(
                (await provider.check({}, { __identity: identity, subnetId: net.subnetId2, allocationId: net.allocationId })).inputs,
            );
            expect(b.outs).to.include({ state: "available", subnetId: net.subnetId2, allocationId: net.allocationId });
            expect(await live()).to.deep.equal([`${b.id}:available`]);
            expect(await states()).to.include(`${a.id}:deleted`);
        });

        it("another resource's gateway (no alias names it) holding the Elastic IP is never deleted: AWS's Resource.AlreadyAssociated", async () => {
            const net = await network();
            const other = await provider.create(
                (await provider.check({}, { __identity: "it/rename/other", subnetId: net.subnetId, allocationId: net.allocationId })).inputs,
            );
            const mine = {
                __identity: "it/rename/mine",
                __aliasIdentities: ["it/rename/older"],
                subnetId: net.subnetId2,
                allocationId: net.allocationId,
            };
            const err = await provider.create((await provider.check({}, mine)).inputs).catch((e) => e);
            expect(err.message).to.match(/Resource\.AlreadyAssociated/);
            expect((await all()).filter((n) => n.State !== "deleted").map((n) => `${n.NatGatewayId}:${n.State}`)).to.deep.equal([
                `${other.id}:available`,
            ]);
        });
    });

    it("secondary Elastic IPs change in place: associate (waits for succeeded), disassociate (waits until gone), no replacement", async () => {
        await emu().setConfig({ natSeconds: 0.3 });
        const net = await network();
        const second = (await aws.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
        const base = { __identity: "it/secondary/nat", subnetId: net.subnetId, allocationId: net.allocationId };
        const a = await provider.create(await checked(base));
        expect(a.outs.addresses).to.have.length(1);
        const news = await checked({ ...base, secondaryAllocationIds: [second] });
        const d = await provider.diff(a.id, a.outs, news);
        expect(d.changes).to.equal(true);
        expect(d.replaces).to.deep.equal([]);
        const up = await provider.update(a.id, a.outs, news);
        const statuses = (up.outs!.addresses as any[]).map((x) => `${x.isPrimary ? "primary" : "secondary"}:${x.allocationId}:${x.status}`);
        expect(statuses).to.deep.equal([`primary:${net.allocationId}:succeeded`, `secondary:${second}:succeeded`]);
        expect(up.outs!.secondaryAllocationIds).to.deep.equal([second]);

        const back = await checked(base);
        expect((await provider.diff(a.id, up.outs!, back)).replaces).to.deep.equal([]);
        const down = await provider.update(a.id, up.outs!, back);
        expect((down.outs!.addresses as any[]).map((x) => x.allocationId)).to.deep.equal([net.allocationId]);
        expect(down.outs!.secondaryAllocationIds).to.equal(undefined);
        expect((await provider.diff(a.id, down.outs!, back)).changes).to.equal(false);
        expect((await all()).map((n) => `${n.NatGatewayId}:${n.State}`)).to.deep.equal([`${a.id}:available`]);
    });

    it("private secondary IPs by count change in place; a failed association surfaces its FailureMessage", async () => {
        const net = await network();
        const priv = { __identity: "it/secondary-private/nat", subnetId: net.subnetId, connectivityType: "private" };
        const p = await provider.create(await checked({ ...priv, secondaryPrivateIpAddressCount: 1 }));
        expect((p.outs.addresses as any[]).filter((x) => !x.isPrimary)).to.have.length(1);
        const up = await provider.update(p.id, p.outs, await checked({ ...priv, secondaryPrivateIpAddressCount: 3 }));
        expect((up.outs!.addresses as any[]).filter((x) => !x.isPrimary && x.status === "succeeded")).to.have.length(3);
        const down = await provider.update(p.id, up.outs!, await checked({ ...priv, secondaryPrivateIpAddressCount: 0 }));
        expect(down.outs!.addresses as any[]).to.have.length(1);

        // An Elastic IP another gateway holds: the association reads failed, and the update says why.
        const other = await provider.create(await checked({ __identity: "it/holder/nat", subnetId: net.subnetId2, allocationId: net.allocationId }));
        const pub = { __identity: "it/secondary-failed/nat", subnetId: net.subnetId };
        const own = (await aws.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
        const g = await provider.create(await checked({ ...pub, allocationId: own }));
        const err = await provider
            .update(g.id, g.outs, await checked({ ...pub, allocationId: own, secondaryAllocationIds: [net.allocationId] }))
            .catch((e) => e);
        expect(err.awsCode).to.equal("NatGatewayAddressFailed");
        expect(err.message).to.contain(`${net.allocationId} failed:`);
        expect(err.message).to.match(/already associated/);
        expect((await all()).find((n) => n.NatGatewayId === other.id)!.State).to.equal("available");
    });

    it("after the gateway was deleted, the same resource's create makes a new one (next ClientToken)", async () => {
        const net = await network();
        const news = { __identity: "it/again/nat", subnetId: net.subnetId, allocationId: net.allocationId };
        const a = await provider.create((await provider.check({}, news)).inputs);
        await aws.send(new DeleteNatGatewayCommand({ NatGatewayId: a.id }));
        const b = await provider.create((await provider.check({}, news)).inputs);
        expect(b.id).to.not.equal(a.id);
        expect(b.outs.state).to.equal("available");
        expect(b.outs.clientToken).to.equal(`${a.outs.clientToken}.1`);
    });

    it("read: deleted out of band is gone; deleting waits then gone; failed is reported and replaced", async () => {
        const net = await network();
        const a = await provider.create(await checked({ subnetId: net.subnetId, allocationId: net.allocationId }));
        await aws.send(new DeleteNatGatewayCommand({ NatGatewayId: a.id }));
        expect((await provider.read(a.id, a.outs)).id).to.equal("");

        const b = await provider.create(await checked({ subnetId: net.subnetId2, connectivityType: "private" }));
        await emu().setConfig({ natSeconds: 0.5 });
        await aws.send(new DeleteNatGatewayCommand({ NatGatewayId: b.id }));
        expect((await all()).find((n) => n.NatGatewayId === b.id)!.State).to.equal("deleting");
        expect((await provider.read(b.id, b.outs)).id).to.equal("");
        expect((await all()).find((n) => n.NatGatewayId === b.id)!.State).to.equal("deleted");

        await emu().setConfig({ natSeconds: 0 });
        const c = await provider.create(await checked({ subnetId: net.subnetId, allocationId: net.allocationId }));
        await emu().failNat(c.id, "Gateway.NotAttached", "Network has no Internet gateway attached");
        const r = await provider.read(c.id, c.outs);
        expect(r.id).to.equal(c.id);
        expect(r.props).to.include({
            state: "failed",
            failureCode: "Gateway.NotAttached",
            failureMessage: "Network has no Internet gateway attached",
        });
        const d = await provider.diff(c.id, r.props, await checked({ subnetId: net.subnetId, allocationId: net.allocationId }));
        expect(d.replaces).to.deep.equal(["state"]);
        expect(d.deleteBeforeReplace).to.equal(true);
    });

    it("failed during create: error with FailureCode/FailureMessage, the failed gateway deleted, a retry succeeds", async () => {
        await emu().setConfig({ natSeconds: 2 });
        const net = await network();
        const news = { __identity: "it/fail/nat", subnetId: net.subnetId, allocationId: net.allocationId };
        const creating = provider.create((await provider.check({}, news)).inputs).then(
            () => undefined,
            (e) => e,
        );
        let id: string | undefined;
        while (!id) {
            id = (await all())[0]?.NatGatewayId;
        }
        await emu().failNat(id, "InsufficientFreeAddressesInSubnet", "Subnet has insufficient free addresses");
        const err = await creating;
        expect(err?.message).to.include("InsufficientFreeAddressesInSubnet: Subnet has insufficient free addresses");
        expect((await all()).map((n) => n.State)).to.deep.equal(["deleted"]);

        await emu().setConfig({ natSeconds: 0 });
        const again = await provider.create((await provider.check({}, news)).inputs);
        expect(again.id).to.not.equal(id);
        expect(again.outs.state).to.equal("available");
    });

    it("delete of an unknown id is done; delete of a deleting gateway resumes", async () => {
        await provider.delete("nat-0123456789abcdef0", {});
        const net = await network();
        const a = await provider.create(await checked({ subnetId: net.subnetId, allocationId: net.allocationId }));
        await emu().setConfig({ natSeconds: 0.5 });
        await aws.send(new DeleteNatGatewayCommand({ NatGatewayId: a.id }));
        await emu().resetCalls();
        await provider.delete(a.id, a.outs);
        const ops = (await emu().calls()).map((c) => c.operation);
        expect(ops).to.not.include("DeleteNatGateway");
        expect((await all()).map((n) => n.State)).to.deep.equal(["deleted"]);
    });
});
