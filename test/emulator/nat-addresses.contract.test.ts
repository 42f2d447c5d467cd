// Contract: NAT gateway secondary addresses and their per-address status, as in aws-contract.md.
import {
  AllocateAddressCommand,
  AssignPrivateNatGatewayAddressCommand,
  AssociateNatGatewayAddressCommand,
  CreateNatGatewayCommand,
  CreateNatGatewayCommandInput,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DisassociateNatGatewayAddressCommand,
  EC2Client,
  NatGatewayAddress,
  UnassignPrivateNatGatewayAddressCommand,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, createSubnet, expectAwsError, pollUntil } from "./fixtures";

describe("emulator contract: NAT gateway secondary addresses", function () {
  const emu = useEmulator();
  const ec2 = () => clients(emu()).ec2;

  const describeOne = async (client: EC2Client, id: string) =>
    (await client.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))).NatGateways![0];
  const addressesOf = async (client: EC2Client, id: string) => (await describeOne(client, id)).NatGatewayAddresses!;
  const allocate = async (client: EC2Client) => (await client.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
  const byAllocation = (list: NatGatewayAddress[], id: string) => list.find((a) => a.AllocationId === id);

  async function publicNat(client: EC2Client, extra: Partial<CreateNatGatewayCommandInput> = {}) {
    const { subnetId } = await createSubnet(client);
    const primary = await allocate(client);
    const out = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: primary, ...extra }));
    return { subnetId, primary, id: out.NatGateway!.NatGatewayId! };
  }
  async function privateNat(client: EC2Client, extra: Partial<CreateNatGatewayCommandInput> = {}) {
    const { subnetId } = await createSubnet(client);
    const out = await client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private", ...extra }));
    return { subnetId, id: out.NatGateway!.NatGatewayId! };
  }

  describe("public gateways: Elastic IPs", () => {
    it("SecondaryAllocationIds at create: every address associating while the gateway is pending, then succeeded", async () => {
      await emu().setConfig({ natSeconds: 1 });
      const client = ec2();
      const secondary = await allocate(client);
      const { id, primary } = await publicNat(client, { SecondaryAllocationIds: [secondary] });
      const pending = await addressesOf(client, id);
      expect(pending.map((a) => [a.AllocationId, a.IsPrimary, a.Status])).to.deep.equal([
        [primary, true, "associating"],
        [secondary, false, "associating"],
      ]);
      await pollUntil(() => describeOne(client, id), (n) => n.State === "available");
      const done = await addressesOf(client, id);
      expect(done.map((a) => a.Status)).to.deep.equal(["succeeded", "succeeded"]);
      expect(done.every((a) => a.AssociationId && a.PublicIp && a.PrivateIp && a.NetworkInterfaceId)).to.equal(true);
      expect(new Set(done.map((a) => a.PrivateIp)).size).to.equal(2);
    });

    it("AssociateNatGatewayAddress: associating, then succeeded; a second change meanwhile is OperationInProgress", async () => {
      const client = ec2();
      const { id } = await publicNat(client);
      await emu().setConfig({ natSeconds: 1 });
      const secondary = await allocate(client);
      const out = await client.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: id, AllocationIds: [secondary] }));
      expect(out.NatGatewayId).to.equal(id);
      expect(out.NatGatewayAddresses!.map((a) => [a.AllocationId, a.Status, a.IsPrimary])).to.deep.equal([[secondary, "associating", false]]);
      const busy = await expectAwsError(
        client.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: id, AllocationIds: [await allocate(client)] })),
        "OperationInProgress",
        400,
      );
      expect(busy.message).to.equal(`Service is currently ASSOCIATING the following EIPs: [${secondary}].`);
      const done = await pollUntil(() => addressesOf(client, id), (l) => byAllocation(l, secondary)?.Status === "succeeded");
      const eip = (await client.send(new DescribeAddressesCommand({ AllocationIds: [secondary] }))).Addresses![0];
      expect(eip.AssociationId).to.equal(byAllocation(done, secondary)!.AssociationId);
    });

    it("at most 2 Elastic IPs per public gateway (the default quota): AddressLimitExceeded; a raised quota allows more", async () => {
      const client = ec2();
      const [s1, s2] = [await allocate(client), await allocate(client)];
      const { subnetId } = await createSubnet(client);
      await expectAwsError(
        client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: await allocate(client), SecondaryAllocationIds: [s1, s2] })),
        "AddressLimitExceeded",
        400,
      );
      const { id } = await publicNat(client, { SecondaryAllocationIds: [s1] });
      await expectAwsError(client.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: id, AllocationIds: [s2] })), "AddressLimitExceeded", 400);
      await emu().setConfig({ natEipQuota: 3 });
      await client.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: id, AllocationIds: [s2] }));
      expect((await addressesOf(client, id)).map((a) => a.Status)).to.deep.equal(["succeeded", "succeeded", "succeeded"]);
    });

    it("DisassociateNatGatewayAddress: disassociating, then gone and the Elastic IP free; never the primary", async () => {
      const client = ec2();
      const secondary = await allocate(client);
      const { id, primary } = await publicNat(client, { SecondaryAllocationIds: [secondary] });
      const before = await addressesOf(client, id);
      const primaryAssoc = byAllocation(before, primary)!.AssociationId!;
      const e = await expectAwsError(
        client.send(new DisassociateNatGatewayAddressCommand({ NatGatewayId: id, AssociationIds: [primaryAssoc] })),
        "InvalidParameterValue",
        400,
      );
      expect(e.message).to.match(/primary/);
      await expectAwsError(
        client.send(new DisassociateNatGatewayAddressCommand({ NatGatewayId: id, AssociationIds: ["eipassoc-0123456789abcdef0"] })),
        "InvalidAssociationID.NotFound",
        400,
      );
      await emu().setConfig({ natSeconds: 1 });
      const out = await client.send(
        new DisassociateNatGatewayAddressCommand({ NatGatewayId: id, AssociationIds: [byAllocation(before, secondary)!.AssociationId!] }),
      );
      expect(out.NatGatewayAddresses!.map((a) => [a.AllocationId, a.Status])).to.deep.equal([[secondary, "disassociating"]]);
      expect(byAllocation(await addressesOf(client, id), secondary)!.Status).to.equal("disassociating");
      await expectAwsError(
        client.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: id, AllocationIds: [await allocate(client)] })),
        "OperationInProgress",
        400,
      );
      const after = await pollUntil(() => addressesOf(client, id), (l) => byAllocation(l, secondary) === undefined);
      expect(after.map((a) => a.AllocationId)).to.deep.equal([primary]);
      const eip = (await client.send(new DescribeAddressesCommand({ AllocationIds: [secondary] }))).Addresses![0];
      expect(eip.AssociationId ?? "").to.equal("");
      // free for another gateway
      const other = await publicNat(client, { SecondaryAllocationIds: [secondary] });
      expect((await pollUntil(() => describeOne(client, other.id), (n) => n.State !== "pending")).State).to.equal("available");
    });

    it("an Elastic IP already in use elsewhere: the address reads failed with its FailureMessage", async () => {
      const client = ec2();
      const { id } = await publicNat(client);
      const { primary: taken } = await publicNat(client);
      await client.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: id, AllocationIds: [taken] }));
      const address = byAllocation(await addressesOf(client, id), taken)!;
      expect(address).to.include({ Status: "failed", FailureMessage: `Elastic IP address ${taken} is already associated` });
      expect(address.AssociationId).to.equal(undefined);
    });

    it("errors at the call: unknown gateway, unknown allocation, a private gateway, SecondaryPrivateIpAddressCount on a public one", async () => {
      const client = ec2();
      const { id, subnetId } = await publicNat(client);
      await expectAwsError(
        client.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: "nat-0123456789abcdef0", AllocationIds: [await allocate(client)] })),
        "NatGatewayNotFound",
        400,
      );
      await expectAwsError(
        client.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: id, AllocationIds: ["eipalloc-0123456789abcdef0"] })),
        "InvalidAllocationID.NotFound",
        400,
      );
      const priv = await privateNat(client);
      await expectAwsError(
        client.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: priv.id, AllocationIds: [await allocate(client)] })),
        "InvalidParameterValue",
        400,
      );
      const e = await expectAwsError(
        client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: await allocate(client), SecondaryPrivateIpAddressCount: 1 })),
        "InvalidParameterCombination",
        400,
      );
      expect(e.message).to.match(/SecondaryPrivateIpAddressCount/);
      await expectAwsError(
        client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private", AllocationId: await allocate(client) })),
        "InvalidParameterCombination",
        400,
      );
    });
  });

  describe("private gateways: private IPv4 addresses", () => {
    it("SecondaryPrivateIpAddressCount / SecondaryPrivateIpAddresses at create", async () => {
      const client = ec2();
      const counted = await privateNat(client, { SecondaryPrivateIpAddressCount: 2 });
      const list = await addressesOf(client, counted.id);
      expect(list.map((a) => [a.IsPrimary, a.Status, !!a.PrivateIp, a.AllocationId])).to.deep.equal([
        [true, "succeeded", true, undefined],
        [false, "succeeded", true, undefined],
        [false, "succeeded", true, undefined],
      ]);
      const named = await privateNat(client, { SecondaryPrivateIpAddresses: ["10.0.1.50", "10.0.1.51"] });
      expect((await addressesOf(client, named.id)).filter((a) => !a.IsPrimary).map((a) => a.PrivateIp)).to.deep.equal(["10.0.1.50", "10.0.1.51"]);
    });

    it("AssignPrivateNatGatewayAddress: assigning, then succeeded; UnassignPrivateNatGatewayAddress: unassigning, then gone", async () => {
      const client = ec2();
      const { id } = await privateNat(client);
      await emu().setConfig({ natSeconds: 1 });
      const out = await client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddresses: ["10.0.1.77"] }));
      expect(out.NatGatewayAddresses!.map((a) => [a.PrivateIp, a.Status])).to.deep.equal([["10.0.1.77", "assigning"]]);
      await expectAwsError(client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddressCount: 1 })), "OperationInProgress", 400);
      await pollUntil(() => addressesOf(client, id), (l) => l.find((a) => a.PrivateIp === "10.0.1.77")?.Status === "succeeded");
      const un = await client.send(new UnassignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddresses: ["10.0.1.77"] }));
      expect(un.NatGatewayAddresses!.map((a) => [a.PrivateIp, a.Status])).to.deep.equal([["10.0.1.77", "unassigning"]]);
      const after = await pollUntil(() => addressesOf(client, id), (l) => l.length === 1);
      expect(after[0].IsPrimary).to.equal(true);
      // the address is free again
      await client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddresses: ["10.0.1.77"] }));
    });

    it("limits and errors: 8 addresses at most, count 1..31, not both forms, the primary stays, the address must be free", async () => {
      const client = ec2();
      const { id } = await privateNat(client, { SecondaryPrivateIpAddressCount: 6 }); // 7 of 8
      await expectAwsError(client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddressCount: 2 })), "PrivateIpAddressLimitExceeded", 400);
      await expectAwsError(
        client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddressCount: 1, PrivateIpAddresses: ["10.0.1.90"] })),
        "InvalidParameterCombination",
        400,
      );
      await expectAwsError(client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddressCount: 32 })), "InvalidParameterValue", 400);
      const taken = (await addressesOf(client, id))[1].PrivateIp!;
      await expectAwsError(client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddresses: [taken] })), "InvalidIPAddress.InUse", 400);
      await expectAwsError(client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddresses: ["10.9.9.9"] })), "InvalidParameterValue", 400);
      const primary = (await addressesOf(client, id)).find((a) => a.IsPrimary)!.PrivateIp!;
      await expectAwsError(client.send(new UnassignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddresses: [primary] })), "InvalidParameterValue", 400);
      await client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: id, PrivateIpAddressCount: 1 }));
      expect(await addressesOf(client, id)).to.have.length(8);
      const { subnetId } = await createSubnet(client);
      await expectAwsError(
        client.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private", SecondaryPrivateIpAddressCount: 8 })),
        "PrivateIpAddressLimitExceeded",
        400,
      );
      const pub = await publicNat(client);
      await expectAwsError(client.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: pub.id, PrivateIpAddressCount: 1 })), "InvalidParameterValue", 400);
    });
  });
});
