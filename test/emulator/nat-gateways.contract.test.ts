// Contract: EC2 NAT gateway lifecycle as in aws-contract.md.
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateNetworkInterfaceCommand,
  DeleteNatGatewayCommand,
  DescribeNatGatewaysCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, createSubnet, expectAwsError, pollUntil } from "./fixtures";

describe("emulator contract: EC2 NAT gateways", function () {
  const emu = useEmulator();
  const ec2 = () => clients(emu()).ec2;

  const describeOne = async (client: EC2Client, id: string) =>
    (await client.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))).NatGateways![0];

  async function createNat(client: EC2Client, extra: { ClientToken?: string; tags?: Record<string, string> } = {}) {
    const { subnetId } = await createSubnet(client);
    const eip = await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
    const out = await client.send(
      new CreateNatGatewayCommand({
        SubnetId: subnetId,
        AllocationId: eip.AllocationId,
        ClientToken: extra.ClientToken,
        TagSpecifications: extra.tags
          ? [{ ResourceType: "natgateway", Tags: Object.entries(extra.tags).map(([Key, Value]) => ({ Key, Value })) }]
          : undefined,
      }),
    );
    return { subnetId, allocationId: eip.AllocationId!, out };
  }

  it("CreateNatGateway: pending, then available after the NAT transition time", async () => {
    await emu().setConfig({ natSeconds: 1 });
    const client = ec2();
    const { out } = await createNat(client);
    const id = out.NatGateway!.NatGatewayId!;
    expect(out.NatGateway!.State).to.equal("pending");
    expect((await describeOne(client, id)).State).to.equal("pending");
    await pollUntil(() => describeOne(client, id), (n) => n.State === "available");
  });

  it("DeleteNatGateway: deleting, then deleted, and the deleted gateway stays visible", async () => {
    const client = ec2();
    const { out } = await createNat(client);
    const id = out.NatGateway!.NatGatewayId!;
    expect((await describeOne(client, id)).State).to.equal("available");
    await emu().setConfig({ natSeconds: 1 });
    const del = await client.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
    expect(del.NatGatewayId).to.equal(id);
    expect((await describeOne(client, id)).State).to.equal("deleting");
    const gone = await pollUntil(() => describeOne(client, id), (n) => n.State === "deleted");
    expect(gone.NatGatewayId).to.equal(id);
    const all = await client.send(new DescribeNatGatewaysCommand({}));
    expect(all.NatGateways!.map((n) => `${n.NatGatewayId}:${n.State}`)).to.include(`${id}:deleted`);
  });

  it("the Elastic IP serves one gateway at a time: a second create is accepted, then fails Resource.AlreadyAssociated, until the first is deleted", async () => {
    const client = ec2();
    const { subnetId, allocationId, out } = await createNat(client);
    const id = out.NatGateway!.NatGatewayId!;
    const reuse = async () =>
      (await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    const expectAlreadyAssociated = async (natId: string) => {
      const nat = await pollUntil(() => describeOne(client, natId), (n) => n.State !== "pending");
      expect(nat.State).to.equal("failed");
      expect(nat.FailureCode).to.equal("Resource.AlreadyAssociated");
      expect(nat.FailureMessage).to.equal(`Elastic IP address ${allocationId} is already associated`);
    };
    // In use by an available gateway: accepted, then failed; the first gateway keeps its Elastic IP.
    await expectAlreadyAssociated(await reuse());
    const first = await describeOne(client, id);
    expect(first.State).to.equal("available");
    expect(first.NatGatewayAddresses![0]).to.include({ AllocationId: allocationId, Status: "succeeded" });
    // Still in use while the gateway is deleting.
    await emu().setConfig({ natSeconds: 2 });
    await client.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
    expect((await describeOne(client, id)).State).to.equal("deleting");
    await expectAlreadyAssociated(await reuse());
    // Freed once it is deleted.
    await pollUntil(() => describeOne(client, id), (n) => n.State === "deleted");
    const second = await reuse();
    expect(second).to.not.equal(id);
    expect((await pollUntil(() => describeOne(client, second), (n) => n.State !== "pending")).State).to.equal("available");
  });

  it("a failing create reads pending first, then failed after the NAT transition time", async () => {
    await emu().setConfig({ natSeconds: 1 });
    const client = ec2();
    const { subnetId } = await createSubnet(client);
    const out = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: "eipalloc-0000000000000000f" }));
    expect(out.NatGateway!.State).to.equal("pending");
    expect(out.NatGateway!.FailureCode).to.equal(undefined);
    const failed = await pollUntil(() => describeOne(client, out.NatGateway!.NatGatewayId!), (n) => n.State !== "pending");
    expect(failed.State).to.equal("failed");
  });

  it("a missing Elastic IP allocation: accepted, then failed InvalidAllocationID.NotFound", async () => {
    const client = ec2();
    const { subnetId } = await createSubnet(client);
    const missing = "eipalloc-0123456789abcdef0";
    const out = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: missing }));
    const nat = await describeOne(client, out.NatGateway!.NatGatewayId!);
    expect(nat).to.include({
      State: "failed",
      FailureCode: "InvalidAllocationID.NotFound",
      FailureMessage: `Elastic IP address ${missing} could not be associated with this NAT gateway`,
    });
  });

  it("an Elastic IP associated with a network interface: accepted, then failed Resource.AlreadyAssociated", async () => {
    const client = ec2();
    const { subnetId } = await createSubnet(client);
    const eip = await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
    const eni = await client.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }));
    await client.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eni.NetworkInterface!.NetworkInterfaceId }));
    const out = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: eip.AllocationId }));
    expect(await describeOne(client, out.NatGateway!.NatGatewayId!)).to.include({
      State: "failed",
      FailureCode: "Resource.AlreadyAssociated",
      FailureMessage: `Elastic IP address ${eip.AllocationId} is already associated`,
    });
  });

  it("a subnet without enough free addresses: accepted, then failed InsufficientFreeAddressesInSubnet", async () => {
    const client = ec2();
    // A /28 has 16 addresses; AWS reserves 5, leaving 11.
    const { subnetId } = await createSubnet(client, { cidr: "10.0.7.0/28" });
    const create = async (secondaries: number) =>
      describeOne(
        client,
        (
          await client.send(
            new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private", SecondaryPrivateIpAddressCount: secondaries }),
          )
        ).NatGateway!.NatGatewayId!,
      );
    expect((await create(7)).State).to.equal("available"); // 8 taken, 3 left
    expect(await create(3)).to.include({
      State: "failed",
      FailureCode: "InsufficientFreeAddressesInSubnet",
      FailureMessage: "Subnet has insufficient free addresses to create this NAT gateway",
    });
    // the failed gateway took nothing: 3 are still free
    expect((await create(2)).State).to.equal("available");
  });

  it("natRequireInternetGateway: a public gateway in a VPC without an internet gateway fails Gateway.NotAttached; a private one does not", async () => {
    await emu().setConfig({ natRequireInternetGateway: true });
    const client = ec2();
    const { vpcId, subnetId } = await createSubnet(client);
    const eip = await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
    const bare = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: eip.AllocationId }));
    expect(await describeOne(client, bare.NatGateway!.NatGatewayId!)).to.include({
      State: "failed",
      FailureCode: "Gateway.NotAttached",
      FailureMessage: `Network ${vpcId} has no Internet gateway attached`,
    });
    const regional = await client.send(new CreateNatGatewayCommand({ AvailabilityMode: "regional", VpcId: vpcId }));
    expect((await describeOne(client, regional.NatGateway!.NatGatewayId!)).FailureCode).to.equal("Gateway.NotAttached");
    const priv = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private" }));
    expect((await describeOne(client, priv.NatGateway!.NatGatewayId!)).State).to.equal("available");
    const igw = await client.send(new CreateInternetGatewayCommand({}));
    await client.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw.InternetGateway!.InternetGatewayId, VpcId: vpcId }));
    const ok = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: eip.AllocationId }));
    expect((await describeOne(client, ok.NatGateway!.NatGatewayId!)).State).to.equal("available");
  });

  it("unknown id: 400 NatGatewayNotFound on DescribeNatGateways(NatGatewayIds) and DeleteNatGateway", async () => {
    const client = ec2();
    const id = "nat-0123456789abcdef0";
    const d = await expectAwsError(client.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })), "NatGatewayNotFound", 400);
    expect(d.message).to.equal(`The Nat Gateway ${id} was not found`);
    const e = await expectAwsError(client.send(new DeleteNatGatewayCommand({ NatGatewayId: id })), "NatGatewayNotFound", 400);
    expect(e.message).to.equal(`The Nat Gateway ${id} was not found`);
  });

  it("ClientToken makes CreateNatGateway idempotent: same token, same gateway, no second one", async () => {
    const client = ec2();
    const { subnetId, allocationId, out } = await createNat(client, { ClientToken: "token-1" });
    const again = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId, ClientToken: "token-1" }));
    expect(again.NatGateway!.NatGatewayId).to.equal(out.NatGateway!.NatGatewayId);
    expect(again.ClientToken).to.equal("token-1");
    const all = await client.send(new DescribeNatGatewaysCommand({}));
    expect(all.NatGateways).to.have.length(1);
    const other = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private", ClientToken: "token-2" }));
    expect(other.NatGateway!.NatGatewayId).to.not.equal(out.NatGateway!.NatGatewayId);
  });

  it("DescribeNatGateways honours tag:<key>, tag-key and state filters", async () => {
    const client = ec2();
    const a = (await createNat(client, { tags: { Name: "a", team: "net" } })).out.NatGateway!.NatGatewayId!;
    const b = (await createNat(client, { tags: { Name: "b" } })).out.NatGateway!.NatGatewayId!;
    const ids = async (Filter: { Name: string; Values: string[] }[]) =>
      ((await client.send(new DescribeNatGatewaysCommand({ Filter }))).NatGateways ?? []).map((n) => n.NatGatewayId).sort();
    expect(await ids([{ Name: "tag:Name", Values: ["a"] }])).to.deep.equal([a]);
    expect(await ids([{ Name: "tag:Name", Values: ["a", "b"] }])).to.deep.equal([a, b].sort());
    expect(await ids([{ Name: "tag-key", Values: ["team"] }])).to.deep.equal([a]);
    expect(await ids([{ Name: "tag:Name", Values: ["nope"] }])).to.deep.equal([]);
    await client.send(new DeleteNatGatewayCommand({ NatGatewayId: b }));
    expect(await ids([{ Name: "state", Values: ["available"] }])).to.deep.equal([a]);
    expect(await ids([{ Name: "state", Values: ["deleted"] }])).to.deep.equal([b]);
  });

  it("nat-fail forces state failed with FailureCode and FailureMessage", async () => {
    const client = ec2();
    const id = (await createNat(client)).out.NatGateway!.NatGatewayId!;
    await emu().failNat(id, "InsufficientFreeAddressesInSubnet", "Subnet has insufficient free addresses");
    const nat = await describeOne(client, id);
    expect(nat.State).to.equal("failed");
    expect(nat.FailureCode).to.equal("InsufficientFreeAddressesInSubnet");
    expect(nat.FailureMessage).to.equal("Subnet has insufficient free addresses");
  });
});
