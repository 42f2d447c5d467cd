/**
 * ec2.NatGateway through the real Pulumi engine against the emulator: a
 * gateway deleted outside Pulumi is seen as gone and recreated, a failed one
 * is replaced, a replacement keeping the Elastic IP deletes first, and
 * destroy leaves only deleted gateways.
 */
import {
    AllocateAddressCommand,
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
const nat = new ec2.NatGateway("nat", {
    subnetId: config.require("subnetId"),
    allocationId: config.require("allocationId"),
    tags: { Name: "e2e-nat" },
});
exports.natId = nat.id;
exports.state = nat.state;
exports.subnetId = nat.subnetId;
exports.publicIp = nat.publicIp;
`;

describe("e2e: ec2.NatGateway with the real engine", function () {
    let emu: Emulator;
    let aws: EC2Client;
    let project: TestProject;
    let net: { subnetId: string; subnetId2: string; allocationId: string };
    let natId: string;

    const gateways = async (): Promise<NatGateway[]> => (await aws.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
    const live = async () => (await gateways()).filter((n) => n.State !== "deleted");

    before(async () => {
        emu = await sharedEmulator({ natSeconds: 0.5 });
        aws = new EC2Client({ endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
        const vpc = await aws.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
        const s1 = await aws.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.1.0/24" }));
        const s2 = await aws.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.2.0/24" }));
        const eip = await aws.send(new AllocateAddressCommand({ Domain: "vpc" }));
        net = { subnetId: s1.Subnet!.SubnetId!, subnetId2: s2.Subnet!.SubnetId!, allocationId: eip.AllocationId! };
        project = await newProject("nat", program, emu.env(), { subnetId: net.subnetId, allocationId: net.allocationId });
    });

    after(async () => {
        await project?.cleanup();
        await emu?.stop();
    });

    it("up creates an available gateway with the Elastic IP", async () => {
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 2 });
        natId = up.outputs.natId.value;
        expect(natId).to.match(/^nat-/);
        expect(up.outputs.state.value).to.equal("available");
        expect((await live()).map((n) => [n.NatGatewayId, n.State, n.NatGatewayAddresses?.[0]?.AllocationId])).to.deep.equal([
            [natId, "available", net.allocationId],
        ]);
        const [res] = await project.resources();
        expect(res.type).to.equal("pulumi-nodejs:dynamic/ackless:NatGateway");
        expect(res.outputs.clientToken).to.match(/^ackless-/);
    });

    it("deleted out of band: preview --refresh shows it will be created; up --refresh creates a new one; preview then shows nothing", async () => {
        await aws.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
        const preview = await project.stack.preview({ refresh: true });
        expect(changeCounts(preview.changeSummary)).to.deep.equal({ create: 1 });

        const up = await project.stack.up({ refresh: true });
        const newId = up.outputs.natId.value;
        expect(newId).to.match(/^nat-/).and.not.equal(natId);
        expect(up.outputs.state.value).to.equal("available");
        expect((await live()).map((n) => [n.NatGatewayId, n.State])).to.deep.equal([[newId, "available"]]);
        natId = newId;

        const again = await project.stack.preview();
        expect(changeCounts(again.changeSummary)).to.deep.equal({});
    });

    it("failed: preview --refresh shows a replacement naming the FailureCode; up --refresh replaces it (same EIP)", async () => {
        await emu.failNat(natId, "Gateway.NotAttached", "Network has no Internet gateway attached");
        const preview = await project.stack.preview({ refresh: true });
        expect(changeCounts(preview.changeSummary)).to.deep.equal({ replace: 1 });
        expect(preview.stdout).to.include("Gateway.NotAttached");

        const up = await project.stack.up({ refresh: true });
        const newId = up.outputs.natId.value;
        expect(newId).to.not.equal(natId);
        expect(up.outputs.state.value).to.equal("available");
        expect((await live()).map((n) => [n.NatGatewayId, n.State])).to.deep.equal([[newId, "available"]]);
        natId = newId;
    });

    it("replacement with the same Elastic IP (new subnetId, same allocationId) deletes first and succeeds", async () => {
        await project.stack.setConfig("subnetId", { value: net.subnetId2 });
        await emu.resetCalls();
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ replace: 1 });
        const newId = up.outputs.natId.value;
        expect(newId).to.not.equal(natId);
        expect(up.outputs.subnetId.value).to.equal(net.subnetId2);
        expect(up.outputs.state.value).to.equal("available");
        const ops = (await emu.calls()).map((c) => c.operation).filter((op) => op === "DeleteNatGateway" || op === "CreateNatGateway");
        expect(ops).to.deep.equal(["DeleteNatGateway", "CreateNatGateway"]);
        const all = await gateways();
        expect(all.find((n) => n.NatGatewayId === natId)!.State).to.equal("deleted");
        expect((await live()).map((n) => [n.NatGatewayId, n.SubnetId, n.NatGatewayAddresses?.[0]?.AllocationId])).to.deep.equal([
            [newId, net.subnetId2, net.allocationId],
        ]);
        natId = newId;
    });

    it("destroy leaves no gateway other than deleted ones", async () => {
        const destroy = await project.stack.destroy();
        expect(destroy.summary.resourceChanges?.delete).to.equal(2);
        expect(await live()).to.deep.equal([]);
        expect((await gateways()).length).to.be.greaterThan(0);
        expect(await project.resources()).to.deep.equal([]);
    });
});
