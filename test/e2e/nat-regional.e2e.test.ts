/**
 * ec2.NatGateway regional gateways through the real Pulumi engine against the emulator: a regional gateway in manual
 * mode is made, refreshed with no change, its zone addresses changed in place, recreated by `up --refresh` after an
 * out-of-band delete; a regional gateway made outside Pulumi (automatic mode) is adopted; destroy deletes both.
 */
import {
    AllocateAddressCommand,
    CreateNatGatewayCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    DeleteNatGatewayCommand,
    DescribeNatGatewaysCommand,
    EC2Client,
    NatGateway,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { changeCounts, newProject, TestProject } from "../helpers/pulumi";

const program = `
const pulumi = require("@pulumi/pulumi");
const { ec2 } = require("ackless");
const config = new pulumi.Config();
const nat = new ec2.NatGateway("regional", {
    availabilityMode: "regional",
    vpcId: config.require("vpcId"),
    availabilityZoneAddresses: config.requireObject("zones"),
    tags: { Name: "e2e-regional" },
});
exports.natId = nat.id;
exports.state = nat.state;
exports.routeTableId = nat.routeTableId;
exports.addresses = nat.addresses;
const adoptId = config.get("adoptId");
if (adoptId) {
    const adopted = new ec2.NatGateway("adopted", {
        availabilityMode: "regional",
        vpcId: config.require("vpcId"),
        tags: { Name: "adopted" },
        adopt: { id: adoptId },
    });
    exports.adoptedId = adopted.id;
}
`;

describe("e2e: ec2.NatGateway regional gateways with the real engine", function () {
    let emu: Emulator;
    let aws: EC2Client;
    let project: TestProject;
    let vpcId: string;
    let eips: string[];
    let natId: string;

    const gateways = async (): Promise<NatGateway[]> => (await aws.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
    const live = async () => (await gateways()).filter((n) => n.State !== "deleted");
    const zones = (addresses: any[]) => addresses.map((a) => `${a.availabilityZone} ${a.allocationId} ${a.status}`).sort();

    before(async () => {
        emu = await sharedEmulator({ natSeconds: 0.5 });
        aws = new EC2Client({ endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
        vpcId = (await aws.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
        await aws.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1a" }));
        await aws.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.2.0/24", AvailabilityZone: "us-east-1b" }));
        eips = [];
        for (let i = 0; i < 2; i++) {
            eips.push((await aws.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!);
        }
        project = await newProject("natregional", program, emu.env(), {
            vpcId,
            zones: JSON.stringify([{ availabilityZone: "us-east-1a", allocationIds: [eips[0]] }]),
        });
    });

    after(async () => {
        await project?.cleanup();
        await emu?.stop();
    });

    it("up makes an available regional gateway with its route table and the zone's Elastic IP; refresh changes nothing", async () => {
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 2 });
        natId = up.outputs.natId.value;
        expect(up.outputs.state.value).to.equal("available");
        expect(up.outputs.routeTableId.value).to.match(/^rtb-/);
        expect(zones(up.outputs.addresses.value)).to.deep.equal([`us-east-1a ${eips[0]} succeeded`]);
        expect((await live()).map((n) => [n.NatGatewayId, n.AvailabilityMode, n.VpcId, n.SubnetId])).to.deep.equal([
            [natId, "regional", vpcId, undefined],
        ]);
        const refresh = await project.stack.refresh();
        expect(changeCounts(refresh.summary.resourceChanges)).to.deep.equal({});
        expect(changeCounts((await project.stack.preview()).changeSummary)).to.deep.equal({});
    });

    it("a zone added with its Elastic IP is an update in place: the same gateway, the new zone's address succeeded", async () => {
        await project.stack.setConfig("zones", {
            value: JSON.stringify([
                { availabilityZone: "us-east-1a", allocationIds: [eips[0]] },
                { availabilityZone: "us-east-1b", allocationIds: [eips[1]] },
            ]),
        });
        expect(changeCounts((await project.stack.preview()).changeSummary)).to.deep.equal({ update: 1 });
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
        expect(up.outputs.natId.value).to.equal(natId);
        expect(zones(up.outputs.addresses.value)).to.deep.equal([`us-east-1a ${eips[0]} succeeded`, `us-east-1b ${eips[1]} succeeded`]);
        expect(up.stdout).to.include(`asking for Elastic IPs ${eips[1]} to be associated in us-east-1b`);
    });

    it("deleted out of band: up --refresh makes a new one with the same zone addresses; preview then shows nothing", async () => {
        await aws.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
        const up = await project.stack.up({ refresh: true });
        const newId = up.outputs.natId.value;
        expect(newId).to.match(/^nat-/).and.not.equal(natId);
        expect(up.outputs.state.value).to.equal("available");
        expect(zones(up.outputs.addresses.value)).to.deep.equal([`us-east-1a ${eips[0]} succeeded`, `us-east-1b ${eips[1]} succeeded`]);
        expect((await live()).map((n) => n.NatGatewayId)).to.deep.equal([newId]);
        natId = newId;
        expect(changeCounts((await project.stack.preview()).changeSummary)).to.deep.equal({});
    });

    it("adopts a regional gateway made outside Pulumi (automatic mode): no create, its tags reconciled, managed after", async () => {
        const made = await aws.send(
            new CreateNatGatewayCommand({
                AvailabilityMode: "regional",
                VpcId: vpcId,
                TagSpecifications: [{ ResourceType: "natgateway", Tags: [{ Key: "Name", Value: "outside" }] }],
            }),
        );
        const outside = made.NatGateway!.NatGatewayId!;
        await project.stack.setConfig("adoptId", { value: outside });
        await emu.resetCalls();
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 1 });
        expect(up.outputs.adoptedId.value).to.equal(outside);
        expect((await emu.calls()).map((c) => c.operation)).to.not.include("CreateNatGateway");
        const tags = (await live()).find((n) => n.NatGatewayId === outside)!.Tags ?? [];
        expect(tags.find((t) => t.Key === "Name")?.Value).to.equal("adopted");
        expect(changeCounts((await project.stack.preview()).changeSummary)).to.deep.equal({});
    });

    it("destroy deletes both gateways: none left but deleted ones", async () => {
        const destroy = await project.stack.destroy();
        expect(destroy.summary.resourceChanges?.delete).to.equal(3);
        expect(await live()).to.deep.equal([]);
        expect(await project.resources()).to.deep.equal([]);
    });
});
