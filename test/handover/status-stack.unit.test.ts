/**
 * What a stack still manages that is not in Pulumi (provider/handover/status-stack.ts,
 * notInPulumi): an adopted resource counts once an ackless resource of its class holds
 * its id; an imported one once a resource of its token holds its import id or its name;
 * a left-out one only when some resource holds its physical id, or it is orphaned.
 */
import { expect } from "chai";
import { Plan } from "../../provider/adopt-stack/handover";
import { notInPulumi, remainingText, StateResource } from "../../provider/handover/status-stack";

const plan = {
    stackName: "net",
    stackId: "arn:aws:cloudformation:us-east-1:1:stack/net/x",
    region: "us-east-1",
    resources: [
        { LogicalResourceId: "Nat", PhysicalResourceId: "nat-1" },
        { LogicalResourceId: "Vpc", PhysicalResourceId: "vpc-1" },
        { LogicalResourceId: "Default", PhysicalResourceId: "rtb-1|0.0.0.0/0" },
        { LogicalResourceId: "Bucket", PhysicalResourceId: "my-bucket" },
    ],
    adopted: [{ logicalId: "Nat", read: { kind: "AWS::EC2::NatGateway", id: "nat-1" } }],
    imported: [
        { logicalId: "Vpc", source: "AWS::EC2::VPC", physicalId: "vpc-1", type: "aws:ec2/vpc:Vpc", name: "Vpc", id: "vpc-1" },
        {
            logicalId: "Default",
            source: "AWS::EC2::Route",
            physicalId: "rtb-1|0.0.0.0/0",
            type: "aws:ec2/route:Route",
            name: "Default",
            id: "rtb-1_0.0.0.0/0",
        },
    ],
    leftOut: [{ logicalId: "Bucket", type: "AWS::S3::Bucket", physicalId: "my-bucket", reason: "no mapping" }],
    configRefs: [],
    files: {},
} as unknown as Plan;

const urn = (type: string, name: string) => `urn:pulumi:prod::net::${type}::${name}`;

describe("handover: what the stack still manages that is not in Pulumi", () => {
    it("an empty state: every resource, each with where it goes and what the state should hold", () => {
        const left = notInPulumi(plan, []);
        expect(left.map((r) => `${r.logicalId} ${r.via}`)).to.deep.equal([
            "Nat program",
            "Vpc import.json",
            "Default import.json",
            "Bucket left out",
        ]);
        expect(remainingText(left)).to.contain(
            'Vpc (AWS::EC2::VPC) vpc-1 [import.json]: not in Pulumi; expected aws:ec2/vpc:Vpc "Vpc" with id vpc-1',
        );
        expect(remainingText(left)).to.contain("--orphan Bucket");
    });

    it("in state: the adopted resource by class and id, the VPC by id, the route by name (its @pulumi/aws id is not the import id), the bucket by physical id", () => {
        const state: StateResource[] = [
            { type: "pulumi-nodejs:dynamic/ackless:NatGateway", urn: urn("pulumi-nodejs:dynamic/ackless:NatGateway", "Nat"), id: "nat-1" },
            { type: "aws:ec2/vpc:Vpc", urn: urn("aws:ec2/vpc:Vpc", "main"), id: "vpc-1" },
            { type: "aws:ec2/route:Route", urn: urn("aws:ec2/route:Route", "Default"), id: "r-rtb-11080289494" },
            { type: "aws:s3/bucket:Bucket", urn: urn("aws:s3/bucket:Bucket", "b"), id: "my-bucket" },
        ];
        expect(notInPulumi(plan, state)).to.deep.equal([]);
    });

    it("the wrong class, token or id does not count; --orphan lets a named one go", () => {
        const state: StateResource[] = [
            { type: "pulumi-nodejs:dynamic/ackless:Distribution", urn: urn("x", "Nat"), id: "nat-1" },
            { type: "aws:ec2/subnet:Subnet", urn: urn("aws:ec2/subnet:Subnet", "Vpc"), id: "vpc-1" },
            { type: "aws:ec2/route:Route", urn: urn("aws:ec2/route:Route", "Other"), id: "r-x" },
        ];
        expect(notInPulumi(plan, state).map((r) => r.logicalId)).to.deep.equal(["Nat", "Vpc", "Default", "Bucket"]);
        expect(notInPulumi(plan, state, new Set(["Bucket", "Default"])).map((r) => r.logicalId)).to.deep.equal(["Nat", "Vpc"]);
    });
});
