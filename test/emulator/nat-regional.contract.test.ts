// Contract: regional NAT gateways (AvailabilityMode regional) as in aws-contract.md.
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateNatGatewayCommandInput,
  CreateSubnetCommand,
  DeleteNatGatewayCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, createSubnet, expectAwsError, pollUntil } from "./fixtures";

describe("emulator contract: regional NAT gateways", function () {
  const emu = useEmulator();
  const ec2 = () => clients(emu()).ec2;

  const describeOne = async (client: EC2Client, id: string) =>
    (await client.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))).NatGateways![0];

  /** A VPC with subnets in us-east-1a and us-east-1b. */
  async function vpcInTwoZones(client: EC2Client) {
    const { vpcId, subnetId } = await createSubnet(client, { availabilityZone: "us-east-1a" });
    await client.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.2.0/24", AvailabilityZone: "us-east-1b" }));
    return { vpcId, subnetId };
  }
  const allocate = async (client: EC2Client) => (await client.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;

  it("automatic mode: pending then available, one Elastic IP per zone of the VPC, its own route table", async () => {
    await emu().setConfig({ natSeconds: 1 });
    const client = ec2();
    const { vpcId } = await vpcInTwoZones(client);
    const out = await client.send(new CreateNatGatewayCommand({ AvailabilityMode: "regional", VpcId: vpcId }));
    const id = out.NatGateway!.NatGatewayId!;
    expect(out.NatGateway!.State).to.equal("pending");
    const nat = await pollUntil(() => describeOne(client, id), (n) => n.State === "available");
    expect(nat).to.include({
      AvailabilityMode: "regional",
      VpcId: vpcId,
      ConnectivityType: "public",
      AutoProvisionZones: "enabled",
      AutoScalingIps: "enabled",
    });
    expect(nat.SubnetId).to.equal(undefined);
    const zones = nat.NatGatewayAddresses!.map((a) => [a.AvailabilityZone, a.Status, a.IsPrimary, !!a.AllocationId, !!a.PublicIp]);
    expect(zones.sort()).to.deep.equal([
      ["us-east-1a", "succeeded", true, true, true],
      ["us-east-1b", "succeeded", true, true, true],
    ]);
    expect(nat.NatGatewayAddresses!.every((a) => /^use1-az\d+$/.test(a.AvailabilityZoneId ?? ""))).to.equal(true);
    const tables = await client.send(new DescribeRouteTablesCommand({ RouteTableIds: [nat.RouteTableId!] }));
    expect(tables.RouteTables![0].VpcId).to.equal(vpcId);
  });

  it("manual mode: AvailabilityZoneAddresses name each zone's Elastic IPs; the zones are not provisioned automatically", async () => {
    const client = ec2();
    const { vpcId } = await vpcInTwoZones(client);
    const [a, b] = [await allocate(client), await allocate(client)];
    const out = await client.send(
      new CreateNatGatewayCommand({
        AvailabilityMode: "regional",
        VpcId: vpcId,
        AvailabilityZoneAddresses: [
          { AvailabilityZone: "us-east-1a", AllocationIds: [a] },
          { AvailabilityZoneId: "use1-az1", AllocationIds: [b] }, // us-east-1b
        ],
      }),
    );
    const nat = await describeOne(client, out.NatGateway!.NatGatewayId!);
    expect(nat).to.include({ State: "available", AutoProvisionZones: "disabled", AutoScalingIps: "disabled" });
    expect(nat.NatGatewayAddresses!.map((x) => `${x.AvailabilityZone}/${x.AvailabilityZoneId}:${x.AllocationId}`).sort()).to.deep.equal(
      [`us-east-1a/use1-az6:${a}`, `us-east-1b/use1-az1:${b}`].sort(),
    );
    const eips = await client.send(new DescribeAddressesCommand({ AllocationIds: [a, b] }));
    expect(eips.Addresses!.every((x) => !!x.AssociationId)).to.equal(true);
  });

  it("manual mode with an Elastic IP already in use: accepted, then failed Resource.AlreadyAssociated", async () => {
    const client = ec2();
    const { vpcId } = await vpcInTwoZones(client);
    const a = await allocate(client);
    const regional = (zone: string) =>
      client.send(
        new CreateNatGatewayCommand({ AvailabilityMode: "regional", VpcId: vpcId, AvailabilityZoneAddresses: [{ AvailabilityZone: zone, AllocationIds: [a] }] }),
      );
    expect((await describeOne(client, (await regional("us-east-1a")).NatGateway!.NatGatewayId!)).State).to.equal("available");
    const second = await describeOne(client, (await regional("us-east-1b")).NatGateway!.NatGatewayId!);
    expect(second).to.include({ State: "failed", FailureCode: "Resource.AlreadyAssociated", FailureMessage: `Elastic IP address ${a} is already associated` });
    expect(second.RouteTableId).to.equal(undefined);
  });

  it("delete: the route table goes, the Elastic IPs AWS allocated are released, the ones you named are freed", async () => {
    const client = ec2();
    const { vpcId } = await vpcInTwoZones(client);
    const auto = await describeOne(client, (await client.send(new CreateNatGatewayCommand({ AvailabilityMode: "regional", VpcId: vpcId }))).NatGateway!.NatGatewayId!);
    const a = await allocate(client);
    const manual = await describeOne(
      client,
      (
        await client.send(
          new CreateNatGatewayCommand({ AvailabilityMode: "regional", VpcId: vpcId, AvailabilityZoneAddresses: [{ AvailabilityZone: "us-east-1a", AllocationIds: [a] }] }),
        )
      ).NatGateway!.NatGatewayId!,
    );
    for (const nat of [auto, manual]) await client.send(new DeleteNatGatewayCommand({ NatGatewayId: nat.NatGatewayId }));
    expect((await describeOne(client, auto.NatGatewayId!)).State).to.equal("deleted");
    const tables = (await client.send(new DescribeRouteTablesCommand({}))).RouteTables!.map((t) => t.RouteTableId);
    expect(tables).to.not.include(auto.RouteTableId).and.not.include(manual.RouteTableId);
    const left = (await client.send(new DescribeAddressesCommand({}))).Addresses!;
    expect(left.map((x) => x.AllocationId)).to.deep.equal([a]);
    expect(left[0].AssociationId ?? "").to.equal("");
  });

  it("ClientToken makes a regional create idempotent; the same token for another VPC is IdempotentParameterMismatch", async () => {
    const client = ec2();
    const { vpcId } = await vpcInTwoZones(client);
    const input = { AvailabilityMode: "regional" as const, VpcId: vpcId, ClientToken: "regional-1" };
    const first = await client.send(new CreateNatGatewayCommand(input));
    const again = await client.send(new CreateNatGatewayCommand(input));
    expect(again.NatGateway!.NatGatewayId).to.equal(first.NatGateway!.NatGatewayId);
    const other = await createSubnet(client);
    await expectAwsError(client.send(new CreateNatGatewayCommand({ ...input, VpcId: other.vpcId })), "IdempotentParameterMismatch", 400);
  });

  it("invalid combinations are refused at the call, naming the parameter", async () => {
    const client = ec2();
    const { vpcId, subnetId } = await vpcInTwoZones(client);
    const a = await allocate(client);
    const cases: [CreateNatGatewayCommandInput, string, RegExp][] = [
      [{ AvailabilityMode: "regional", VpcId: vpcId, SubnetId: subnetId }, "InvalidParameterCombination", /SubnetId/],
      [{ AvailabilityMode: "regional" }, "MissingParameter", /VpcId/],
      [{ VpcId: vpcId, SubnetId: subnetId, AllocationId: a }, "InvalidParameterCombination", /VpcId/],
      [{ SubnetId: subnetId, AllocationId: a, AvailabilityZoneAddresses: [{ AvailabilityZone: "us-east-1a", AllocationIds: [a] }] }, "InvalidParameterCombination", /AvailabilityZoneAddresses/],
      [{ AvailabilityMode: "regional", VpcId: vpcId, ConnectivityType: "private" }, "InvalidParameterCombination", /public connectivity only/],
      [{ AvailabilityMode: "regional", VpcId: vpcId, SecondaryAllocationIds: [a] }, "InvalidParameterCombination", /SecondaryAllocationIds/],
      [{ AvailabilityMode: "regional", VpcId: vpcId, AllocationId: a, AvailabilityZoneAddresses: [{ AvailabilityZone: "us-east-1a", AllocationIds: [a] }] }, "InvalidParameterCombination", /AllocationId/],
      [{ AvailabilityMode: "regional", VpcId: vpcId, AvailabilityZoneAddresses: [{ AvailabilityZone: "us-east-1z", AllocationIds: [a] }] }, "InvalidParameterValue", /us-east-1z/],
      [{ AvailabilityMode: "regional", VpcId: vpcId, AvailabilityZoneAddresses: [{ AvailabilityZone: "us-east-1a", AllocationIds: [] }] }, "MissingParameter", /AllocationIds/],
      [{ AvailabilityMode: "regional", VpcId: "vpc-0123456789abcdef0" }, "InvalidVpcID.NotFound", /vpc-0123456789abcdef0/],
    ];
    for (const [input, code, message] of cases) {
      const e = await expectAwsError(client.send(new CreateNatGatewayCommand(input)), code, 400);
      expect(e.message, JSON.stringify(input)).to.match(message);
    }
    expect((await client.send(new DescribeNatGatewaysCommand({}))).NatGateways).to.deep.equal([]);
  });
});
