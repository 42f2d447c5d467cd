// Creates the network the main program's NAT gateway needs (a VPC, a subnet
// and an Elastic IP) in whatever AWS the environment points at, and prints
// them as "config-key value" lines for `pulumi config set`.
const { EC2Client, CreateVpcCommand, CreateSubnetCommand, AllocateAddressCommand } = require("@aws-sdk/client-ec2");

async function main() {
    const ec2 = new EC2Client({ region: process.env.AWS_REGION || "us-east-1" });
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.42.0.0/16" }));
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc.VpcId, CidrBlock: "10.42.1.0/24" }));
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
    console.log(`egressSubnetId ${subnet.Subnet.SubnetId}`);
    console.log(`natAllocationId ${eip.AllocationId}`);
}

main().catch((err) => {
    console.error(`seed-network: ${err.name}: ${err.message}`);
    process.exit(1);
});
