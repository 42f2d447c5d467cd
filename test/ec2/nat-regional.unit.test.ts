/**
 * ec2.NatGateway, regional gateways at unit level: check-time validation (each failure naming the field and the fix),
 * the ClientToken, diff (zone addresses in place, mode / VPC / automatic-manual switch replace), the address steps,
 * create and update calls, adoption checks and the inputs derived from an observed gateway. AWS is aws-sdk-client-mocked.stub.
 */
import {
    AssociateNatGatewayAddressCommand,
    CreateNatGatewayCommand,
    DeleteTagsCommand,
    DescribeNatGatewaysCommand,
    DisassociateNatGatewayAddressCommand,
    EC2Client,
    NatGateway,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { identityToken } from "../../provider/common/identity";
import { provider } from "../../provider/ec2/nat-gateway/adapter";
import { addressSteps, adoptMismatches, heldByOriginal, inputsOf } from "../../provider/ec2/nat-gateway/delta";
import { clientToken } from "../../provider/ec2/nat-gateway/keys";
import { useFakeTime } from "../helpers/fake-clock";
import { useMockedAws } from "../helpers/mocked-aws";

const ID = "nat-0123456789abcdef0";
const VPC = "vpc-0123456789abcdef0";
const VPC2 = "vpc-0fedcba9876543210";
const SUBNET = "subnet-0123456789abcdef0";
const A1 = "eipalloc-0000000000000000a";
const A2 = "eipalloc-0000000000000000b";
const A3 = "eipalloc-0000000000000000c";
const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A regional gateway; `zones` gives each zone's Elastic IPs (manual mode), none: automatic mode with one AWS-allocated EIP. */
function regional(state: string, zones?: Record<string, string[]>, extra: Partial<NatGateway> = {}): NatGateway {
    const byZone = zones ?? { "us-east-1a": ["eipalloc-0aaaaaaaaaaaaaaaa"] };
    const ids: Record<string, string> = { "us-east-1a": "use1-az1", "us-east-1b": "use1-az2", "us-east-1c": "use1-az3" };
    return {
        NatGatewayId: ID,
        State: state as NatGateway["State"],
        VpcId: VPC,
        ConnectivityType: "public",
        AvailabilityMode: "regional",
        AutoProvisionZones: zones ? "disabled" : "enabled",
        AutoScalingIps: zones ? "disabled" : "enabled",
        RouteTableId: "rtb-0123456789abcdef0",
        NatGatewayAddresses: Object.entries(byZone).flatMap(([zone, allocs]) =>
            allocs.map((AllocationId, i) => ({
                AllocationId,
                AssociationId: `eipassoc-${AllocationId.slice(-8)}`,
                PublicIp: "198.51.100.7",
                IsPrimary: i === 0,
                AvailabilityZone: zone,
                AvailabilityZoneId: ids[zone],
                Status: "succeeded" as const,
            })),
        ),
        Tags: [{ Key: "Name", Value: "nat" }],
        ...extra,
    };
}

const described = (...nats: NatGateway[]) => ({ NatGateways: nats });

describe("ec2.NatGateway regional gateways (unit, mocked AWS)", function () {
    useFakeTime();
    // Mocks EC2Client.prototype.send: only while this file's tests run.
    const mocked = useMockedAws(EC2Client);

    const checked = async (news: Record<string, unknown>) => {
        const r = await provider.check({}, { __identity: "proj/stack//nat", ...news });
        expect(r.failures).to.deep.equal([]);
        return r.inputs as any;
    };
    const failures = async (news: Record<string, unknown>) => (await provider.check({}, news)).failures!;
    const properties = async (news: Record<string, unknown>) => (await failures(news)).map((f) => f.property);
    const auto = { availabilityMode: "regional", vpcId: VPC };
    const manualZones = (zones: Record<string, string[]>) =>
        Object.entries(zones).map(([availabilityZone, allocationIds]) => ({ availabilityZone, allocationIds }));

    describe("check", () => {
        it("accepts automatic mode (with or without allocationId) and manual mode by zone name or zone id", async () => {
            expect((await checked(auto)).availabilityMode).to.equal("regional");
            await checked({ ...auto, allocationId: A1 });
            await checked({ ...auto, availabilityZoneAddresses: [{ availabilityZone: "us-east-1a", allocationIds: [A1, A2] }] });
            await checked({ ...auto, availabilityZoneAddresses: [{ availabilityZoneId: "use1-az1", allocationIds: [A1] }] });
            // zonal stays the default, and needs no availabilityMode
            expect((await checked({ subnetId: SUBNET, allocationId: A1 })).availabilityMode).to.equal("zonal");
        });

        it("vpcId only with regional, subnetId only with zonal (and required there), each naming the field and the fix", async () => {
            const [vpcOnZonal] = await failures({ subnetId: SUBNET, allocationId: A1, vpcId: VPC });
            expect(vpcOnZonal.property).to.equal("vpcId");
            expect(vpcOnZonal.reason).to.match(/vpcId is for regional NAT gateways only.*remove vpcId, or set availabilityMode: "regional"/);
            const [subnetOnRegional] = await failures({ ...auto, subnetId: SUBNET });
            expect(subnetOnRegional.property).to.equal("subnetId");
            expect(subnetOnRegional.reason).to.match(/subnetId is for zonal NAT gateways only.*remove subnetId/);
            const [noVpc] = await failures({ availabilityMode: "regional" });
            expect(noVpc).to.deep.include({ property: "vpcId" });
            expect(noVpc.reason).to.match(/vpcId is required for a regional NAT gateway/);
            const [noSubnet] = await failures({ allocationId: A1 });
            expect(noSubnet.property).to.equal("subnetId");
            expect(noSubnet.reason).to.match(/subnetId is required for a zonal NAT gateway.*or set availabilityMode: "regional" with a vpcId/);
            expect(await properties({ ...auto, vpcId: "vpc-12" })).to.deep.equal(["vpcId"]);
            expect(await properties({ availabilityMode: "multi-az", subnetId: SUBNET, allocationId: A1 })).to.deep.equal(["availabilityMode"]);
            const [zonesOnZonal] = await failures({
                subnetId: SUBNET,
                allocationId: A1,
                availabilityZoneAddresses: manualZones({ "us-east-1a": [A2] }),
            });
            expect(zonesOnZonal.property).to.equal("availabilityZoneAddresses");
            expect(zonesOnZonal.reason).to.match(/regional NAT gateways only: remove it, or set availabilityMode: "regional"/);
        });

        it("a regional gateway is public only and takes no zonal address inputs", async () => {
            const [priv] = await failures({ ...auto, connectivityType: "private" });
            expect(priv.property).to.equal("connectivityType");
            expect(priv.reason).to.match(/public only.*make a zonal private gateway/);
            for (const [field, value] of [
                ["privateIpAddress", "10.0.1.9"],
                ["secondaryAllocationIds", [A2]],
                ["secondaryPrivateIpAddresses", ["10.0.1.10"]],
                ["secondaryPrivateIpAddressCount", 1],
            ] as const) {
                const [f] = await failures({ ...auto, [field]: value });
                expect(f.property).to.equal(field);
                expect(f.reason).to.match(
                    new RegExp(`${field} is for zonal NAT gateways only.*remove ${field} and list them in availabilityZoneAddresses`),
                );
            }
            // the zonal rules still hold for zonal gateways
            expect(await properties({ subnetId: SUBNET, connectivityType: "private", allocationId: A1 })).to.deep.equal(["allocationId"]);
        });

        it("availabilityZoneAddresses: the shape, one zone name or id, each zone and Elastic IP once, not with allocationId", async () => {
            const zone = (z: Record<string, unknown>) => properties({ ...auto, availabilityZoneAddresses: [z] });
            expect(await properties({ ...auto, availabilityZoneAddresses: [] })).to.deep.equal(["availabilityZoneAddresses"]);
            const [empty] = await failures({ ...auto, availabilityZoneAddresses: [] });
            expect(empty.reason).to.match(/non-empty list.*omit it for automatic mode/);
            expect(await zone({ allocationIds: [A1] })).to.deep.equal(["availabilityZoneAddresses[0]"]);
            expect(await zone({ availabilityZone: "us-east-1a", availabilityZoneId: "use1-az1", allocationIds: [A1] })).to.deep.equal([
                "availabilityZoneAddresses[0]",
            ]);
            expect(await zone({ availabilityZone: "us-east-1", allocationIds: [A1] })).to.deep.equal([
                "availabilityZoneAddresses[0].availabilityZone",
            ]);
            expect(await zone({ availabilityZoneId: "az1", allocationIds: [A1] })).to.deep.equal(["availabilityZoneAddresses[0].availabilityZoneId"]);
            expect(await zone({ availabilityZone: "us-east-1a" })).to.deep.equal(["availabilityZoneAddresses[0].allocationIds"]);
            expect(await zone({ availabilityZone: "us-east-1a", allocationIds: [] })).to.deep.equal(["availabilityZoneAddresses[0].allocationIds"]);
            expect(await zone({ availabilityZone: "us-east-1a", allocationIds: ["eip-1"] })).to.deep.equal([
                "availabilityZoneAddresses[0].allocationIds[0]",
            ]);
            const [twice] = await failures({
                ...auto,
                availabilityZoneAddresses: manualZones({ "us-east-1a": [A1] }).concat(manualZones({ "us-east-1a": [A2] })),
            });
            expect(twice.property).to.equal("availabilityZoneAddresses[1]");
            expect(twice.reason).to.match(/names zone us-east-1a again \(also availabilityZoneAddresses\[0\]\): list each zone once/);
            const [shared] = await failures({ ...auto, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1], "us-east-1b": [A1] }) });
            expect(shared.property).to.equal("availabilityZoneAddresses[1].allocationIds");
            expect(shared.reason).to.match(/already listed by availabilityZoneAddresses\[0\]/);
            const [withAlloc] = await failures({ ...auto, allocationId: A3, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1] }) });
            expect(withAlloc.property).to.equal("allocationId");
            expect(withAlloc.reason).to.match(/cannot be combined with availabilityZoneAddresses.*list it under its zone/);
        });

        it("unknown values at preview pass and leave the token for later", async () => {
            const r = await provider.check({}, { availabilityMode: "regional", vpcId: U, availabilityZoneAddresses: U });
            expect(r.failures).to.deep.equal([]);
            expect((r.inputs as any).__clientToken).to.equal(undefined);
            const nested = await provider.check({}, { ...auto, availabilityZoneAddresses: [{ availabilityZone: U, allocationIds: [U] }] });
            expect(nested.failures).to.deep.equal([]);
        });
    });

    describe("ClientToken", () => {
        it("a zonal gateway's token is the one it always had; a regional one's names its mode and VPC", () => {
            const zonal = { __identity: "p/s//nat", subnetId: SUBNET, allocationId: A1, connectivityType: "public" as const };
            expect(clientToken({ ...zonal, availabilityMode: "zonal" })).to.equal(identityToken(["p/s//nat", SUBNET, A1, "public", ""]));
            expect(clientToken(zonal)).to.equal(clientToken({ ...zonal, availabilityMode: "zonal" }));
            const r1 = clientToken({ __identity: "p/s//nat", availabilityMode: "regional", vpcId: VPC, connectivityType: "public" });
            const r2 = clientToken({ __identity: "p/s//nat", availabilityMode: "regional", vpcId: VPC2, connectivityType: "public" });
            expect(r1).to.match(/^ackless-[0-9a-f]{40}$/);
            expect(r1).to.not.equal(r2);
            expect(clientToken({ __identity: "p/s//nat", availabilityMode: "regional", vpcId: U })).to.equal(undefined);
        });
    });

    describe("diff", () => {
        const olds = (zones?: Record<string, string[]>) => ({
            availabilityMode: "regional",
            vpcId: VPC,
            connectivityType: "public",
            ...(zones ? { availabilityZoneAddresses: manualZones(zones) } : {}),
            tags: { Name: "nat" },
            routeTableId: "rtb-0123456789abcdef0",
            state: "available",
        });

        it("zone addresses change in place, in any order; the same ones are no change", async () => {
            const before = olds({ "us-east-1a": [A1, A2], "us-east-1b": [A3] });
            const same = await provider.diff(
                ID,
                before,
                await checked({
                    ...auto,
                    tags: { Name: "nat" },
                    availabilityZoneAddresses: manualZones({ "us-east-1b": [A3], "us-east-1a": [A2, A1] }),
                }),
            );
            expect(same.changes).to.equal(false);
            const fewer = await provider.diff(
                ID,
                before,
                await checked({ ...auto, tags: { Name: "nat" }, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1] }) }),
            );
            expect(fewer).to.deep.include({ changes: true, replaces: [] });
            const byId = await provider.diff(
                ID,
                before,
                await checked({
                    ...auto,
                    tags: { Name: "nat" },
                    availabilityZoneAddresses: [{ availabilityZoneId: "use1-az1", allocationIds: [A1, A2, A3] }],
                }),
            );
            expect(byId).to.deep.include({ changes: true, replaces: [] });
        });

        it("the mode, the VPC and a switch between automatic and manual mode replace", async () => {
            const vpc = await provider.diff(ID, olds(), await checked({ ...auto, vpcId: VPC2, tags: { Name: "nat" } }));
            expect(vpc.replaces).to.deep.equal(["vpcId"]);
            // a new VPC with AWS's own Elastic IPs: nothing held, the new one is made first
            expect(vpc.deleteBeforeReplace).to.equal(false);
            const toManual = await provider.diff(
                ID,
                olds(),
                await checked({ ...auto, tags: { Name: "nat" }, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1] }) }),
            );
            expect(toManual.replaces).to.deep.equal(["availabilityZoneAddresses"]);
            const toAuto = await provider.diff(ID, olds({ "us-east-1a": [A1] }), await checked({ ...auto, tags: { Name: "nat" } }));
            expect(toAuto.replaces).to.deep.equal(["availabilityZoneAddresses"]);
            const zonalOlds = {
                availabilityMode: "zonal",
                subnetId: SUBNET,
                allocationId: A1,
                connectivityType: "public",
                vpcId: VPC,
                tags: { Name: "nat" },
                state: "available",
            };
            const toRegional = await provider.diff(ID, zonalOlds, await checked({ ...auto, tags: { Name: "nat" } }));
            expect(toRegional.replaces).to.include.members(["availabilityMode", "subnetId", "allocationId"]);
            expect(toRegional.replaces).to.not.include("vpcId");
        });

        it("a replacement that keeps a zone's Elastic IP deletes first (an Elastic IP serves one gateway at a time)", async () => {
            const d = await provider.diff(
                ID,
                olds({ "us-east-1a": [A1] }),
                await checked({ ...auto, vpcId: VPC2, tags: { Name: "nat" }, availabilityZoneAddresses: manualZones({ "us-east-1b": [A1] }) }),
            );
            expect(d).to.deep.include({ changes: true, deleteBeforeReplace: true });
            expect(d.replaces).to.deep.equal(["vpcId"]);
            expect(
                heldByOriginal(
                    await checked({ ...auto, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1] }) }),
                    regional("available", { "us-east-1a": [A1] }),
                ),
            ).to.match(/Elastic IP eipalloc-0000000000000000a/);
            expect(heldByOriginal(await checked(auto), regional("available"))).to.equal(undefined);
        });

        it("zonal state written before regional gateways (no availabilityMode, vpcId an output) is no change", async () => {
            const d = await provider.diff(
                ID,
                { subnetId: SUBNET, allocationId: A1, connectivityType: "public", vpcId: VPC, tags: { Name: "nat" }, state: "available" },
                await checked({ subnetId: SUBNET, allocationId: A1, tags: { Name: "nat" } }),
            );
            expect(d.changes).to.equal(false);
        });
    });

    describe("address steps (pure)", () => {
        it("manual mode: removals first in one disassociation, then one association per zone, by the zone as declared", async () => {
            const live = regional("available", { "us-east-1a": [A1, A2], "us-east-1c": [A3] });
            const news = await checked({
                ...auto,
                availabilityZoneAddresses: [
                    { availabilityZone: "us-east-1a", allocationIds: [A1] },
                    { availabilityZoneId: "use1-az2", allocationIds: [A3] },
                ],
            });
            const steps = addressSteps(live, {}, news);
            expect(steps.map((s) => s.change)).to.deep.equal([
                { op: "disassociate", associationIds: [`eipassoc-${A2.slice(-8)}`, `eipassoc-${A3.slice(-8)}`] },
                { op: "associate", allocationIds: [A3], availabilityZone: undefined, availabilityZoneId: "use1-az2" },
            ]);
            expect(steps[0].what).to.match(/0000000b \(us-east-1a\).*0000000c \(us-east-1c\) to be disassociated/);
            // declared as it is: nothing to do; automatic mode: never managed
            expect(
                addressSteps(
                    live,
                    {},
                    await checked({ ...auto, availabilityZoneAddresses: manualZones({ "us-east-1a": [A2, A1], "us-east-1c": [A3] }) }),
                ),
            ).to.deep.equal([]);
            expect(addressSteps(regional("available"), {}, await checked(auto))).to.deep.equal([]);
        });
    });

    describe("create and update against mocked EC2", () => {
        it("create sends AvailabilityMode, VpcId and the zone addresses, no SubnetId; the outputs carry the route table and each zone's address", async () => {
            const inputs = await checked({ ...auto, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1] }) });
            const made = (state: string) =>
                regional(state, { "us-east-1a": [A1] }, { Tags: [{ Key: "ackless:pending-create", Value: inputs.__clientToken }] });
            mocked.stub.on(CreateNatGatewayCommand).resolves({ NatGateway: made("pending") });
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(made("pending")))
                .resolves(described(made("available")));
            mocked.stub.on(DeleteTagsCommand).resolves({});
            const r = await provider.create(inputs);
            const sent = mocked.stub.commandCalls(CreateNatGatewayCommand)[0].args[0].input;
            expect(sent).to.deep.include({
                AvailabilityMode: "regional",
                VpcId: VPC,
                SubnetId: undefined,
                AllocationId: undefined,
                AvailabilityZoneAddresses: [{ AvailabilityZone: "us-east-1a", AvailabilityZoneId: undefined, AllocationIds: [A1] }],
            });
            expect(r.outs).to.deep.include({
                availabilityMode: "regional",
                vpcId: VPC,
                routeTableId: "rtb-0123456789abcdef0",
                autoProvisionZones: "disabled",
                state: "available",
            });
            expect(r.outs.subnetId).to.equal(undefined);
            expect(r.outs.addresses[0]).to.deep.include({
                allocationId: A1,
                availabilityZone: "us-east-1a",
                availabilityZoneId: "use1-az1",
                status: "succeeded",
            });
        });

        it("automatic mode: the Elastic IP AWS allocated is not taken for a declared allocationId, so a refresh shows no change", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(regional("available")));
            const inputs = await checked({ ...auto, tags: { Name: "nat" } });
            const r = await provider.read(ID, { ...inputs, state: "available" });
            expect(r.props!.allocationId).to.equal(undefined);
            expect(r.props!.addresses[0].allocationId).to.equal("eipalloc-0aaaaaaaaaaaaaaaa");
            expect((await provider.diff(ID, r.props!, inputs)).changes).to.equal(false);
        });

        it("update: disassociates, waits until gone, associates in the zone, waits for succeeded, with each call's zone", async () => {
            const before = regional("available", { "us-east-1a": [A1, A2] });
            const dropping = regional("available", { "us-east-1a": [A1, A2] });
            dropping.NatGatewayAddresses![1].Status = "disassociating";
            const dropped = regional("available", { "us-east-1a": [A1] });
            const adding = regional("available", { "us-east-1a": [A1], "us-east-1b": [A3] });
            adding.NatGatewayAddresses![1].Status = "associating";
            const added = regional("available", { "us-east-1a": [A1], "us-east-1b": [A3] });
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(before))
                .resolvesOnce(described(dropping))
                .resolvesOnce(described(dropped))
                .resolvesOnce(described(adding))
                .resolves(described(added));
            mocked.stub.on(DisassociateNatGatewayAddressCommand).resolves({});
            mocked.stub.on(AssociateNatGatewayAddressCommand).resolves({});
            const news = await checked({
                ...auto,
                tags: { Name: "nat" },
                availabilityZoneAddresses: manualZones({ "us-east-1a": [A1], "us-east-1b": [A3] }),
            });
            const r = await provider.update(
                ID,
                { ...news, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1, A2] }), state: "available" },
                news,
            );
            expect(mocked.stub.commandCalls(DisassociateNatGatewayAddressCommand).map((c) => c.args[0].input)).to.deep.equal([
                { NatGatewayId: ID, AssociationIds: [`eipassoc-${A2.slice(-8)}`] },
            ]);
            expect(mocked.stub.commandCalls(AssociateNatGatewayAddressCommand).map((c) => c.args[0].input)).to.deep.equal([
                {
                    NatGatewayId: ID,
                    AllocationIds: [A3],
                    PrivateIpAddresses: undefined,
                    AvailabilityZone: "us-east-1b",
                    AvailabilityZoneId: undefined,
                },
            ]);
            expect(r.outs.availabilityZoneAddresses).to.deep.equal(manualZones({ "us-east-1a": [A1], "us-east-1b": [A3] }));
            expect(r.outs.addresses.map((a: any) => `${a.allocationId} ${a.availabilityZone} ${a.status}`)).to.deep.equal([
                `${A1} us-east-1a succeeded`,
                `${A3} us-east-1b succeeded`,
            ]);
        });

        it("refresh shows drift of a zone's Elastic IPs in the declared shape (zone by id stays by id), and the update puts them back", async () => {
            const declared = [
                { availabilityZoneId: "use1-az1", allocationIds: [A1, A2] },
                { availabilityZone: "us-east-1b", allocationIds: [A3] },
            ];
            const inputs = await checked({ ...auto, tags: { Name: "nat" }, availabilityZoneAddresses: declared });
            // A2 was disassociated outside Pulumi; an Elastic IP in us-east-1c was added.
            const drifted = regional("available", { "us-east-1a": [A1], "us-east-1b": [A3], "us-east-1c": ["eipalloc-0000000000000000d"] });
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(drifted));
            const r = await provider.read(ID, { ...inputs, state: "available" });
            expect(r.props!.availabilityZoneAddresses).to.deep.equal([
                { availabilityZoneId: "use1-az1", allocationIds: [A1] },
                { availabilityZone: "us-east-1b", allocationIds: [A3] },
                { availabilityZone: "us-east-1c", allocationIds: ["eipalloc-0000000000000000d"] },
            ]);
            expect(await provider.diff(ID, r.props!, inputs)).to.deep.include({ changes: true, replaces: [] });
            expect(addressSteps(drifted, r.props!, inputs).map((s) => s.change.op)).to.deep.equal(["disassociate", "associate"]);
            // As declared: no drift, no diff.
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(regional("available", { "us-east-1a": [A2, A1], "us-east-1b": [A3] })));
            const clean = await provider.read(ID, { ...inputs, state: "available" });
            expect((await provider.diff(ID, clean.props!, inputs)).changes).to.equal(false);
        });

        it("update: a failed association in a zone surfaces its FailureMessage", async () => {
            const failed = regional("available", { "us-east-1a": [A1], "us-east-1b": [A3] });
            Object.assign(failed.NatGatewayAddresses![1], { Status: "failed", FailureMessage: `Elastic IP address ${A3} is already associated` });
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(regional("available", { "us-east-1a": [A1] })))
                .resolves(described(failed));
            mocked.stub.on(AssociateNatGatewayAddressCommand).resolves({});
            const news = await checked({ ...auto, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1], "us-east-1b": [A3] }) });
            const err = await provider.update(ID, { ...news, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1] }) }, news).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(err?.message).to.match(/eipalloc-0000000000000000c failed: Elastic IP address eipalloc-0000000000000000c is already associated/);
        });
    });

    describe("adoption", () => {
        it("the mode, the VPC and automatic-or-manual mode must match; the zones' Elastic IPs are brought in place", async () => {
            const live = regional("available", { "us-east-1a": [A1] });
            expect(
                adoptMismatches(live, await checked({ ...auto, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1, A2] }) })),
            ).to.deep.equal([]);
            const [vpc] = adoptMismatches(
                live,
                await checked({ ...auto, vpcId: VPC2, availabilityZoneAddresses: manualZones({ "us-east-1a": [A1] }) }),
            );
            expect(vpc.field).to.equal("vpcId");
            expect(vpc.reason).to.match(
                /has vpcId "vpc-0123456789abcdef0", but the program declares "vpc-0fedcba9876543210".*declare "vpc-0123456789abcdef0" to adopt it/,
            );
            const [mode] = adoptMismatches(live, await checked({ subnetId: SUBNET, allocationId: A1 }));
            expect(mode.field).to.equal("availabilityMode");
            const [auto2] = adoptMismatches(live, await checked(auto));
            expect(auto2.field).to.equal("availabilityZoneAddresses");
            expect(auto2.reason).to.match(/in manual mode, but the program lists no availabilityZoneAddresses.*list its zones and Elastic IPs/);
        });

        it("inputsOf: the program inputs of an observed gateway, regional (manual and automatic) and zonal", () => {
            expect(inputsOf(regional("available", { "us-east-1b": [A3], "us-east-1a": [A1, A2] }))).to.deep.equal({
                availabilityMode: "regional",
                vpcId: VPC,
                availabilityZoneAddresses: [
                    { availabilityZone: "us-east-1a", allocationIds: [A1, A2] },
                    { availabilityZone: "us-east-1b", allocationIds: [A3] },
                ],
                tags: { Name: "nat" },
            });
            expect(inputsOf(regional("available"))).to.deep.equal({ availabilityMode: "regional", vpcId: VPC, tags: { Name: "nat" } });
            expect(
                inputsOf({
                    NatGatewayId: ID,
                    SubnetId: SUBNET,
                    VpcId: VPC,
                    ConnectivityType: "public",
                    NatGatewayAddresses: [
                        { AllocationId: A1, IsPrimary: true, Status: "succeeded" },
                        { AllocationId: A2, IsPrimary: false, Status: "succeeded" },
                    ],
                    Tags: [{ Key: "aws:cloudformation:stack-name", Value: "net" }],
                }),
            ).to.deep.equal({ subnetId: SUBNET, allocationId: A1, secondaryAllocationIds: [A2] });
        });
    });
});
