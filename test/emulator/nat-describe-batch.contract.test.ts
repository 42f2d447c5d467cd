// Contract: how DescribeNatGateways answers for many ids at once (aws-contract.md, "Reading many NAT gateways at once"),
// which the shared reader of ec2.NatGateway relies on.
import { CreateNatGatewayCommand, DescribeNatGatewaysCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, createSubnet, expectAwsError } from "./fixtures";

describe("emulator contract: DescribeNatGateways for many ids", function () {
  const emu = useEmulator();

  it("the nat-gateway-id filter answers the gateways it knows and never fails for an unknown id; NatGatewayIds does", async () => {
    const { ec2 } = clients(emu());
    const { subnetId } = await createSubnet(ec2);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private" }))).NatGateway!.NatGatewayId!);
    }
    const unknown = "nat-0123456789abcdef0";
    const filtered = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "nat-gateway-id", Values: [...ids, unknown] }] }));
    expect((filtered.NatGateways ?? []).map((n) => n.NatGatewayId).sort()).to.deep.equal([...ids].sort());
    await expectAwsError(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [ids[0], unknown] })), "NatGatewayNotFound", 400);
  });

  it("a gateway not yet visible after its create (eventual consistency) is left out of a filtered answer, not an error", async () => {
    await emu().setConfig({ notFoundAfterCreateSeconds: 30 });
    const { ec2 } = clients(emu());
    const { subnetId } = await createSubnet(ec2);
    const id = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private" }))).NatGateway!.NatGatewayId!;
    const filtered = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "nat-gateway-id", Values: [id] }] }));
    expect(filtered.NatGateways ?? []).to.deep.equal([]);
    await expectAwsError(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })), "NatGatewayNotFound", 400);
  });
});
