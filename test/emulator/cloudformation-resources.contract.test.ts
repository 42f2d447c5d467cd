// Contract: what CloudFormation makes for a VPC, a subnet and an Elastic IP, and the physical ids the
// hand-over reads (docs/aws-contract.md, "CloudFormation physical ids of EC2 networking resources"):
// Ref (the physical id) of AWS::EC2::VPC is the VPC id, of AWS::EC2::Subnet the subnet id, of
// AWS::EC2::EIP the public IP (not the allocation id, which EC2 DescribeAddresses gives by public IP).
import { CreateStackCommand, GetTemplateCommand, ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { DescribeAddressesCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients } from "./fixtures";

const TEMPLATE = `Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.4.0.0/16 }
  Sub:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.4.1.0/24
  Eip:
    Type: AWS::EC2::EIP
    Properties: { Domain: vpc }
`;

describe("emulator contract: CloudFormation's VPC, subnet and EIP are real EC2 resources with AWS's physical ids", function () {
    this.timeout(60_000);
    const emu = useEmulator();

    it("VPC and subnet by id, the EIP by its public IP; DescribeAddresses (public-ip filter) gives its allocation id; GetTemplate Processed returns the template", async () => {
        const { cfn, ec2 } = clients(emu());
        await cfn.send(new CreateStackCommand({ StackName: "net-ids", TemplateBody: TEMPLATE }));
        const rs = (await cfn.send(new ListStackResourcesCommand({ StackName: "net-ids" }))).StackResourceSummaries!;
        const byId = Object.fromEntries(rs.map((r) => [r.LogicalResourceId!, r.PhysicalResourceId!]));
        expect(byId.Vpc).to.match(/^vpc-[0-9a-f]+$/);
        expect(byId.Sub).to.match(/^subnet-[0-9a-f]+$/);
        expect(byId.Eip).to.match(/^\d+\.\d+\.\d+\.\d+$/);
        expect((await ec2.send(new DescribeVpcsCommand({ VpcIds: [byId.Vpc] }))).Vpcs![0].CidrBlock).to.equal("10.4.0.0/16");
        const subnet = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [byId.Sub] }))).Subnets![0];
        expect(subnet).to.include({ VpcId: byId.Vpc, CidrBlock: "10.4.1.0/24" });
        const addresses = (await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: "public-ip", Values: [byId.Eip, "198.51.100.1"] }] })))
            .Addresses!;
        expect(addresses.map((a) => a.PublicIp)).to.deep.equal([byId.Eip]);
        expect(addresses[0].AllocationId).to.match(/^eipalloc-[0-9a-f]+$/);
        const processed = await cfn.send(new GetTemplateCommand({ StackName: "net-ids", TemplateStage: "Processed" }));
        expect(processed.TemplateBody).to.contain("AWS::EC2::Subnet");
    });
});
