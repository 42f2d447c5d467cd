/**
 * ec2.NatGateway regional gateways against the emulator: the provider methods called directly, with real HTTP and
 * the emulator's regional gateways (automatic and manual mode, per-zone addresses and their states, the route table).
 * The takeover of an interrupted create is in nat-gateway.integration.test.ts, for both modes.
 */
import {
    AllocateAddressCommand,
    CreateNatGatewayCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    DeleteNatGatewayCommand,
    DescribeAddressesCommand,
    DescribeAvailabilityZonesCommand,
    DescribeNatGatewaysCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { provider } from "../../provider/ec2/nat-gateway/adapter";
import { inputsOf } from "../../provider/ec2/nat-gateway/delta";
import { useEmulator } from "../helpers/emulator";
import { setProviderEnv } from "../helpers/env";

describe("ec2.NatGateway regional gateways (integration, emulator)", function () {
    const emu = useEmulator({ natSeconds: 0 });
    let restoreEnv: () => void = () => undefined;
    let aws: EC2Client;

    beforeEach(() => {
        restoreEnv = setProviderEnv({ ...emu().env(), ACKLESS_POLL_MIN_MS: "20", ACKLESS_POLL_MAX_MS: "50" });
        aws = new EC2Client({ endpoint: emu().endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    });
    afterEach(() => restoreEnv());

    /** A VPC with a subnet in us-east-1a and one in us-east-1b, and four Elastic IPs. */
    async function network() {
        const vpcId = (await aws.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
        await aws.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1a" }));
        await aws.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.2.0/24", AvailabilityZone: "us-east-1b" }));
        const eips: string[] = [];
        for (let i = 0; i < 4; i++) {
            eips.push((await aws.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!);
        }
        return { vpcId, eips };
    }

    async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
        const r = await provider.check(olds, { __identity: `it/${Math.random()}/nat`, ...news });
        expect(r.failures).to.deep.equal([]);
        return r.inputs as any;
    }

    const all = async () => (await aws.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
    const states = async () => (await all()).map((n) => `${n.NatGatewayId}:${n.State}`).sort();
    const zonesOf = (outs: any) => (outs.addresses as any[]).map((a) => `${a.availabilityZone} ${a.allocationId} ${a.status}`).sort();
    const ops = async () => (await emu().calls()).filter((c) => c.service === "ec2").map((c) => c.operation);

    it("automatic mode: create (pending -> available) with a route table and an address per zone, read with no diff, tags in place, delete", async () => {
        await emu().setConfig({ natSeconds: 0.5 });
        const net = await network();
        const inputs = await checked({ availabilityMode: "regional", vpcId: net.vpcId, tags: { Name: "regional" } });
        const { id, outs } = await provider.create(inputs);
        expect(outs).to.deep.include({
            availabilityMode: "regional",
            vpcId: net.vpcId,
            state: "available",
            autoProvisionZones: "enabled",
            connectivityType: "public",
        });
        expect(outs.routeTableId).to.match(/^rtb-/);
        expect(outs.subnetId).to.equal(undefined);
        expect(outs.allocationId).to.equal(undefined);
        expect((outs.addresses as any[]).map((a) => `${a.availabilityZone} ${a.status}`).sort()).to.deep.equal([
            "us-east-1a succeeded",
            "us-east-1b succeeded",
        ]);

        const read = await provider.read(id, outs);
        expect(read.id).to.equal(id);
        expect((await provider.diff(id, read.props!, inputs)).changes).to.equal(false);

        const news = await checked({ availabilityMode: "regional", vpcId: net.vpcId, tags: { Name: "renamed" } }, inputs);
        const d = await provider.diff(id, read.props!, news);
        expect(d).to.deep.include({ changes: true, replaces: [] });
        const up = await provider.update(id, read.props!, news);
        expect(up.outs!.tags).to.deep.equal({ Name: "renamed" });

        await provider.delete(id, up.outs);
        expect(await states()).to.deep.equal([`${id}:deleted`]);
        expect((await provider.read(id, up.outs)).id).to.equal("");
    });

    it("manual mode: the zones' Elastic IPs change in place (disassociate, then associate per zone, waited for), never a replacement", async () => {
        await emu().setConfig({ natSeconds: 0.3 });
        const net = await network();
        const [e1, e2, e3] = net.eips;
        const base = { availabilityMode: "regional", vpcId: net.vpcId, __identity: "it/manual/nat" };
        const v1 = await checked({ ...base, availabilityZoneAddresses: [{ availabilityZone: "us-east-1a", allocationIds: [e1, e2] }] });
        const { id, outs } = await provider.create(v1);
        expect(outs.autoProvisionZones).to.equal("disabled");
        expect(zonesOf(outs)).to.have.members([`us-east-1a ${e1} succeeded`, `us-east-1a ${e2} succeeded`]);

        // e2 leaves us-east-1a; us-east-1b, named by its zone id, gets e3.
        const zones = (await aws.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];
        const b = zones.find((z) => z.ZoneName === "us-east-1b")!.ZoneId!;
        const v2 = await checked({
            ...base,
            availabilityZoneAddresses: [
                { availabilityZone: "us-east-1a", allocationIds: [e1] },
                { availabilityZoneId: b, allocationIds: [e3] },
            ],
        });
        const d = await provider.diff(id, outs, v2);
        expect(d).to.deep.include({ changes: true, replaces: [] });
        await emu().resetCalls();
        const up = await provider.update(id, outs, v2);
        expect((await ops()).filter((o) => /Associate|Disassociate/.test(o))).to.deep.equal([
            "DisassociateNatGatewayAddress",
            "AssociateNatGatewayAddress",
        ]);
        expect(zonesOf(up.outs)).to.deep.equal([`us-east-1a ${e1} succeeded`, `us-east-1b ${e3} succeeded`]);
        expect(await states()).to.deep.equal([`${id}:available`]);
        // e2 is free again: no association left on it.
        const e2now = (await aws.send(new DescribeAddressesCommand({ AllocationIds: [e2] }))).Addresses![0];
        expect(e2now.AssociationId).to.equal(undefined);
        // As declared now: no diff after a refresh.
        const read = await provider.read(id, up.outs);
        expect((await provider.diff(id, read.props!, v2)).changes).to.equal(false);
    });

    it("a targeted replace of a manual-mode gateway that keeps its zone's Elastic IP deletes the original first: one gateway, the new one", async () => {
        const net = await network();
        const news = {
            __identity: "it/replace/regional",
            availabilityMode: "regional",
            vpcId: net.vpcId,
            availabilityZoneAddresses: [{ availabilityZone: "us-east-1a", allocationIds: [net.eips[0]] }],
        };
        const a = await provider.create((await provider.check({}, news)).inputs);
        const b = await provider.create((await provider.check({}, news)).inputs);
        expect(b.id).to.not.equal(a.id);
        expect(b.outs.clientToken).to.equal(`${a.outs.clientToken}.1`);
        expect(zonesOf(b.outs)).to.deep.equal([`us-east-1a ${net.eips[0]} succeeded`]);
        expect(await states()).to.deep.equal([`${a.id}:deleted`, `${b.id}:available`].sort());
        // The engine's delete of the original is then done already.
        await provider.delete(a.id, a.outs);
        expect(await states()).to.deep.equal([`${a.id}:deleted`, `${b.id}:available`].sort());
    });

    it("deleted out of band: read is gone, and the resource's next create makes a new gateway (next ClientToken)", async () => {
        const net = await network();
        const news = { __identity: "it/gone/regional", availabilityMode: "regional", vpcId: net.vpcId };
        const a = await provider.create((await provider.check({}, news)).inputs);
        await aws.send(new DeleteNatGatewayCommand({ NatGatewayId: a.id }));
        expect((await provider.read(a.id, a.outs)).id).to.equal("");
        const b = await provider.create((await provider.check({}, news)).inputs);
        expect(b.id).to.not.equal(a.id);
        expect(b.outs.state).to.equal("available");
    });

    it("adopts a regional gateway from inputs derived from the observed one; a different VPC or mode fails at check naming the field", async () => {
        const net = await network();
        const made = await aws.send(
            new CreateNatGatewayCommand({
                AvailabilityMode: "regional",
                VpcId: net.vpcId,
                AvailabilityZoneAddresses: [{ AvailabilityZone: "us-east-1a", AllocationIds: [net.eips[0]] }],
                TagSpecifications: [{ ResourceType: "natgateway", Tags: [{ Key: "team", Value: "net" }] }],
            }),
        );
        const oid = made.NatGateway!.NatGatewayId!;
        const observed = (await all()).find((n) => n.NatGatewayId === oid)!;
        const derived = inputsOf(observed);
        expect(derived).to.deep.equal({
            availabilityMode: "regional",
            vpcId: net.vpcId,
            availabilityZoneAddresses: [{ availabilityZone: "us-east-1a", allocationIds: [net.eips[0]] }],
            tags: { team: "net" },
        });

        const other = (await aws.send(new CreateVpcCommand({ CidrBlock: "10.1.0.0/16" }))).Vpc!.VpcId!;
        const wrongVpc = await provider.check({}, { __identity: "it/adopt/wrong", ...derived, vpcId: other, adopt: { id: oid } });
        expect(wrongVpc.failures!.map((f) => f.property)).to.deep.equal(["vpcId"]);
        const wrongMode = await provider.check(
            {},
            { __identity: "it/adopt/wrong", availabilityMode: "regional", vpcId: net.vpcId, adopt: { id: oid } },
        );
        expect(wrongMode.failures!.map((f) => f.property)).to.deep.equal(["availabilityZoneAddresses"]);
        expect(wrongMode.failures![0].reason).to.match(/manual mode/);

        // Adopted with one more Elastic IP in its zone than it has: brought in place by the adoption.
        await emu().resetCalls();
        const news = {
            __identity: "it/adopt/regional",
            ...derived,
            availabilityZoneAddresses: [{ availabilityZone: "us-east-1a", allocationIds: [net.eips[0], net.eips[1]] }],
            adopt: { id: oid },
        };
        const r = await provider.check({}, news);
        expect(r.failures).to.deep.equal([]);
        const { id, outs } = await provider.create(r.inputs);
        expect(id).to.equal(oid);
        expect(await ops()).to.not.include("CreateNatGateway");
        expect(await ops()).to.include("AssociateNatGatewayAddress");
        expect(zonesOf(outs)).to.have.members([`us-east-1a ${net.eips[0]} succeeded`, `us-east-1a ${net.eips[1]} succeeded`]);
        expect(outs.adopted).to.equal(true);
        const again = await provider.check(r.inputs, news);
        expect((await provider.diff(id, outs, again.inputs)).changes).to.equal(false);

        await provider.delete(id, outs);
        expect(await states()).to.deep.equal([`${oid}:deleted`]);
    });
});
