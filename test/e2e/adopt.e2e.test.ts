/**
 * Adoption through the real Pulumi engine against the emulator: a NAT gateway
 * made by CloudFormation (aws:cloudformation:* tags) is adopted by a program
 * with `adopt` and `retainOnDelete`, a user tag changes on a later up while
 * every aws: tag stays, preview then shows nothing, and destroy leaves the
 * gateway on AWS (hand-off out of Pulumi).
 */
import {
    AllocateAddressCommand,
    CreateNatGatewayCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    DescribeNatGatewaysCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { fromKeyValueList } from "../../provider/common/tags";
import { Emulator, sharedEmulator } from "../helpers/emulator";
import { callsOf, denials, IamUser, underPolicies } from "../helpers/iam";
import { changeCounts, newProject, TestProject } from "../helpers/pulumi";

const program = `
const pulumi = require("@pulumi/pulumi");
const { ec2 } = require("ackless");
const config = new pulumi.Config();
const nat = new ec2.NatGateway("nat", {
    subnetId: config.require("subnetId"),
    allocationId: config.require("allocationId"),
    tags: { Name: "adopted", team: config.require("team") },
    adopt: { id: config.require("natId") },
}, { retainOnDelete: true });
exports.natId = nat.id;
exports.systemTags = nat.systemTags;
exports.tags = nat.tags;
`;

const CFN = {
    "aws:cloudformation:stack-name": "legacy",
    "aws:cloudformation:logical-id": "Nat",
    "aws:cloudformation:stack-id": "arn:aws:cloudformation:us-east-1:123456789012:stack/legacy/1",
};

describe("e2e: adopt (NAT gateway made by CloudFormation) with the real engine", function () {
    let emu: Emulator;
    let aws: EC2Client;
    let project: TestProject;
    let natId: string;

    const gateways = async () => (await aws.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
    /** The gateway's tags, ackless's own bookkeeping tags (lifecycle.ts) left out. */
    const tagsOf = async (id: string) =>
        Object.fromEntries(
            Object.entries(fromKeyValueList((await gateways()).find((n) => n.NatGatewayId === id)?.Tags)).filter(([k]) => !k.startsWith("ackless:")),
        );

    let user: IamUser;

    before(async () => {
        emu = await sharedEmulator({ natSeconds: 0.2 });
        aws = new EC2Client({ endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
        const vpc = await aws.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
        const subnet = await aws.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.1.0/24" }));
        const eip = await aws.send(new AllocateAddressCommand({ Domain: "vpc" }));
        const nat = await aws.send(
            new CreateNatGatewayCommand({
                SubnetId: subnet.Subnet!.SubnetId!,
                AllocationId: eip.AllocationId!,
                TagSpecifications: [{ ResourceType: "natgateway", Tags: [{ Key: "Name", Value: "legacy-nat" }] }],
            }),
        );
        natId = nat.NatGateway!.NatGatewayId!;
        await emu.seedTags({ resourceId: natId }, CFN);
        // ackless runs as a user bound only to docs/iam/apply.json and adopt.json, IAM enforced.
        user = await underPolicies(emu, ["apply", "adopt"]);
        project = await newProject("adopt", program, user.env(), {
            subnetId: subnet.Subnet!.SubnetId!,
            allocationId: eip.AllocationId!,
            natId,
            team: "net",
        });
    });

    after(async () => {
        await project?.cleanup();
        await emu?.stop();
    });

    it("preview says the gateway will be adopted and what changes on it", async () => {
        let out = "";
        const preview = await project.stack.preview({ onOutput: (s) => (out += s) });
        expect(changeCounts(preview.changeSummary)).to.deep.equal({ create: 2 });
        expect(out).to.include(`NAT gateway: will adopt ${natId}: changes: tags: ~Name=adopted, +team=net`);
    });

    it("up adopts it: no new gateway, user tags set, no aws: tag removed", async () => {
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ create: 2 });
        expect(up.outputs.natId.value).to.equal(natId);
        expect((await gateways()).map((n) => n.NatGatewayId)).to.deep.equal([natId]);
        expect(await tagsOf(natId)).to.deep.equal({ ...CFN, Name: "adopted", team: "net" });
        expect(up.outputs.systemTags.value).to.deep.equal(CFN);
        expect(up.outputs.tags.value).to.deep.equal({ Name: "adopted", team: "net" });
    });

    it("a changed user tag: only that tag changes, every aws: tag stays; preview then shows nothing", async () => {
        await project.stack.setConfig("team", { value: "platform" });
        const up = await project.stack.up();
        expect(changeCounts(up.summary.resourceChanges)).to.deep.equal({ update: 1 });
        expect(await tagsOf(natId)).to.deep.equal({ ...CFN, Name: "adopted", team: "platform" });
        const preview = await project.stack.preview({ refresh: true });
        expect(changeCounts(preview.changeSummary)).to.deep.equal({});
    });

    it("changing the adopt input changes nothing", async () => {
        await project.stack.setConfig("natId", { value: "nat-0000000000000000f" });
        const preview = await project.stack.preview();
        expect(changeCounts(preview.changeSummary)).to.deep.equal({});
    });

    it("destroy with retainOnDelete leaves the gateway (and its tags) on AWS", async () => {
        await project.stack.destroy();
        expect(await project.resources()).to.deep.equal([]);
        const live = (await gateways()).find((n) => n.NatGatewayId === natId);
        expect(live?.State).to.equal("available");
        expect(await tagsOf(natId)).to.deep.equal({ ...CFN, Name: "adopted", team: "platform" });
    });

    it("the IAM user (apply.json + adopt.json) was denied nothing", async () => {
        expect(denials(await callsOf(emu, user))).to.deep.equal([]);
    });
});
