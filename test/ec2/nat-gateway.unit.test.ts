/**
 * ec2.NatGateway provider, unit level: every NAT gateway state mapped by
 * read/create/delete, the ClientToken reused on retry, diff and check rules.
 * AWS is aws-sdk-client-mocked.stub.
 */
import {
    CreateNatGatewayCommand,
    CreateTagsCommand,
    DeleteNatGatewayCommand,
    DeleteTagsCommand,
    DescribeNatGatewaysCommand,
    EC2Client,
    NatGateway,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { ownerToken } from "../../provider/common/identity";
import { clientToken, nthToken } from "../../provider/ec2/nat-gateway/keys";
import { provider } from "../../provider/ec2/nat-gateway/adapter";
import { heldByOriginal } from "../../provider/ec2/nat-gateway/delta";
import { useFakeTime } from "../helpers/fake-clock";
import { useMockedAws } from "../helpers/mocked-aws";

const ID = "nat-0123456789abcdef0";
const SUBNET = "subnet-0123456789abcdef0";
const SUBNET2 = "subnet-0fedcba9876543210";
const ALLOC = "eipalloc-0123456789abcdef0";

function awsError(name: string, status = 400): Error {
    return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status } });
}

function nat(state: string, extra: Partial<NatGateway> = {}): NatGateway {
    return {
        NatGatewayId: ID,
        State: state as NatGateway["State"],
        SubnetId: SUBNET,
        VpcId: "vpc-0123456789abcdef0",
        ConnectivityType: "public",
        NatGatewayAddresses: [
            { AllocationId: ALLOC, PublicIp: "198.51.100.7", PrivateIp: "10.0.1.9", NetworkInterfaceId: "eni-0123456789abcdef0", IsPrimary: true },
        ],
        Tags: [
            { Key: "Name", Value: "nat" },
            { Key: "aws:cloudformation:stack-name", Value: "net" },
        ],
        ...extra,
    };
}

const described = (...nats: NatGateway[]) => ({ NatGateways: nats });
/** A gateway still marked as an unfinished create made with `token` (lifecycle R1). */
const marked = (n: NatGateway, token: string): NatGateway => ({ ...n, Tags: [...(n.Tags ?? []), { Key: "ackless:pending-create", Value: token }] });

describe("ec2.NatGateway provider (unit, mocked AWS)", function () {
    useFakeTime();
    // Mocks EC2Client.prototype.send: only while this file's tests run.
    const mocked = useMockedAws(EC2Client);

    const checked = async (news: Record<string, unknown>) => {
        const r = await provider.check({}, { __identity: "proj/stack//nat", ...news });
        expect(r.failures).to.deep.equal([]);
        return r.inputs as any;
    };
    const publicInputs = () => checked({ subnetId: SUBNET, allocationId: ALLOC, tags: { Name: "nat" } });

    describe("read maps every state", () => {
        it("available: outputs carry the observed addresses, VPC, and tags split into user and system tags", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(nat("available")));
            const r = await provider.read(ID, { privateIpAddress: undefined, clientToken: "tok" });
            expect(r.id).to.equal(ID);
            expect(r.props).to.deep.equal({
                availabilityMode: "zonal",
                subnetId: SUBNET,
                allocationId: ALLOC,
                connectivityType: "public",
                tags: { Name: "nat" },
                systemTags: { "aws:cloudformation:stack-name": "net" },
                state: "available",
                publicIp: "198.51.100.7",
                privateIp: "10.0.1.9",
                networkInterfaceId: "eni-0123456789abcdef0",
                vpcId: "vpc-0123456789abcdef0",
                clientToken: "tok",
                addresses: [
                    {
                        isPrimary: true,
                        allocationId: ALLOC,
                        publicIp: "198.51.100.7",
                        privateIp: "10.0.1.9",
                        networkInterfaceId: "eni-0123456789abcdef0",
                    },
                ],
            });
            expect(mocked.stub.commandCalls(DescribeNatGatewaysCommand)[0].args[0].input).to.deep.equal({ NatGatewayIds: [ID] });
        });

        it("NatGatewayNotFound means gone: empty id", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).rejects(awsError("NatGatewayNotFound"));
            expect((await provider.read(ID, {})).id).to.equal("");
        });

        it("an empty result means gone", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
            expect((await provider.read(ID, {})).id).to.equal("");
        });

        it("deleted means gone", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(nat("deleted")));
            expect((await provider.read(ID, {})).id).to.equal("");
        });

        it("deleting waits until deleted, then gone", async () => {
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(nat("deleting")))
                .resolvesOnce(described(nat("deleting")))
                .resolvesOnce(described(nat("deleting")))
                .resolves(described(nat("deleted")));
            expect((await provider.read(ID, {})).id).to.equal("");
            expect(mocked.stub.commandCalls(DescribeNatGatewaysCommand)).to.have.length(4);
        });

        it("pending stays (state pending), no replacement", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(nat("pending")));
            const r = await provider.read(ID, {});
            expect(r.id).to.equal(ID);
            expect(r.props.state).to.equal("pending");
            const d = await provider.diff(ID, r.props, await publicInputs());
            expect(d.replaces).to.deep.equal([]);
        });

        it("failed stays with its FailureCode/FailureMessage, and diff replaces it, deleting first", async () => {
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolves(
                    described(
                        nat("failed", { FailureCode: "Gateway.NotAttached", FailureMessage: "Network vpc-1 has no Internet gateway attached" }),
                    ),
                );
            const r = await provider.read(ID, {});
            expect(r.id).to.equal(ID);
            expect(r.props).to.include({
                state: "failed",
                failureCode: "Gateway.NotAttached",
                failureMessage: "Network vpc-1 has no Internet gateway attached",
            });
            const d = await provider.diff(ID, r.props, await publicInputs());
            expect(d.changes).to.equal(true);
            expect(d.replaces).to.deep.equal(["state"]);
            expect(d.deleteBeforeReplace).to.equal(true);
        });

        it("other AWS errors surface with their code", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).rejects(awsError("UnauthorizedOperation", 403));
            let err: any;
            await provider.read(ID, {}).catch((e) => (err = e));
            expect(err?.message).to.match(/AWS UnauthorizedOperation \(HTTP 403\)/);
        });
    });

    describe("create", () => {
        it("sends the check-time ClientToken and only user tags, waits pending -> available", async () => {
            const inputs = await publicInputs();
            expect(inputs.__clientToken).to.match(/^ackless-[0-9a-f]{40}$/);
            mocked.stub.on(CreateNatGatewayCommand).resolves({ NatGateway: nat("pending") });
            const tok = inputs.__clientToken;
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(marked(nat("pending"), tok)))
                .resolvesOnce(described(marked(nat("pending"), tok)))
                .resolves(described(marked(nat("available"), tok)));
            const r = await provider.create(inputs);
            expect(r.id).to.equal(ID);
            expect(r.outs.tags).to.deep.equal({ Name: "nat" });
            expect(r.outs.state).to.equal("available");
            expect(r.outs.clientToken).to.equal(inputs.__clientToken);
            const sent = mocked.stub.commandCalls(CreateNatGatewayCommand)[0].args[0].input;
            expect(sent).to.deep.equal({
                AvailabilityMode: undefined,
                SubnetId: SUBNET,
                VpcId: undefined,
                AvailabilityZoneAddresses: undefined,
                AllocationId: ALLOC,
                ConnectivityType: "public",
                PrivateIpAddress: undefined,
                SecondaryAllocationIds: undefined,
                SecondaryPrivateIpAddresses: undefined,
                SecondaryPrivateIpAddressCount: undefined,
                ClientToken: inputs.__clientToken,
                TagSpecifications: [
                    {
                        ResourceType: "natgateway",
                        Tags: [
                            { Key: "Name", Value: "nat" },
                            { Key: "ackless:pending-create", Value: inputs.__clientToken },
                            { Key: "ackless:incarnation", Value: r.outs.incarnation },
                            // The resource it is made for (OWNER_TAG): how a targeted replace after a rename finds it.
                            { Key: "ackless:owner", Value: ownerToken("proj/stack//nat") },
                        ],
                    },
                ],
            });
            // The create is done: the marker goes (R1).
            expect(mocked.stub.commandCalls(DeleteTagsCommand).map((x) => x.args[0].input)).to.deep.equal([
                { Resources: [ID], Tags: [{ Key: "ackless:pending-create" }] },
            ]);
            expect(mocked.stub.commandCalls(DescribeNatGatewaysCommand)).to.have.length(3);
        });

        it("a retried create (after a crash or a timeout, with no old inputs) sends the same ClientToken and adopts the same gateway", async () => {
            // First attempt: AWS made the gateway, then the create gave up (deadline).
            process.env.ACKLESS_NAT_CREATE_TIMEOUT_S = "0.05";
            try {
                const first = await provider.check({}, { __identity: "proj/stack//nat", subnetId: SUBNET, allocationId: ALLOC });
                mocked.stub.on(CreateNatGatewayCommand).resolves({ NatGateway: nat("pending") });
                mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(marked(nat("pending"), first.inputs.__clientToken)));
                let err: any;
                await provider.create(first.inputs).catch((e) => (err = e));
                expect(err?.message).to.match(/still pending.*same ClientToken finds it/);
            } finally {
                delete process.env.ACKLESS_NAT_CREATE_TIMEOUT_S;
            }
            // Second attempt in a new process: check() again from scratch.
            const second = await provider.check({}, { __identity: "proj/stack//nat", subnetId: SUBNET, allocationId: ALLOC });
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(marked(nat("available"), second.inputs.__clientToken)));
            const r = await provider.create(second.inputs);
            expect(r.id).to.equal(ID);
            const tokens = mocked.stub.commandCalls(CreateNatGatewayCommand).map((c) => c.args[0].input.ClientToken);
            expect(tokens).to.have.length(2);
            expect(tokens[0]).to.equal(tokens[1]);
        });

        it("the token is stable for a resource and differs for another resource or other creation fields", async () => {
            const a = clientToken({ __identity: "p/s//a", subnetId: SUBNET, allocationId: ALLOC });
            expect(clientToken({ __identity: "p/s//a", subnetId: SUBNET, allocationId: ALLOC, tags: { x: "y" } } as any)).to.equal(a);
            expect(clientToken({ __identity: "p/s//b", subnetId: SUBNET, allocationId: ALLOC })).to.not.equal(a);
            expect(clientToken({ __identity: "p/s//a", subnetId: SUBNET2, allocationId: ALLOC })).to.not.equal(a);
            expect(clientToken({ __identity: "p/s//a", subnetId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", allocationId: ALLOC })).to.equal(undefined);
            expect(nthToken(a!, 19).length).to.be.at.most(64);
        });

        it("a token whose gateway is deleted (an earlier instance) is used up: the next token makes a new gateway", async () => {
            const inputs = await publicInputs();
            const NEW = "nat-0aaaaaaaaaaaaaaaa";
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: inputs.__clientToken }).resolves({ NatGateway: nat("deleted") });
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: `${inputs.__clientToken}.1` }).resolves({
                NatGateway: nat("pending", { NatGatewayId: NEW }),
            });
            mocked.stub.on(DescribeNatGatewaysCommand, { NatGatewayIds: [ID] }).resolves(described(nat("deleted")));
            mocked.stub
                .on(DescribeNatGatewaysCommand, { NatGatewayIds: [NEW] })
                .resolves(described(marked(nat("available", { NatGatewayId: NEW }), `${inputs.__clientToken}.1`)));
            const r = await provider.create(inputs);
            expect(r.id).to.equal(NEW);
            expect(r.outs.clientToken).to.equal(`${inputs.__clientToken}.1`);
        });

        it("a reused token answered with the original pending state, whose gateway is in fact deleted, is used up too", async () => {
            const inputs = await publicInputs();
            const NEW = "nat-0bbbbbbbbbbbbbbbb";
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: inputs.__clientToken }).resolves({ NatGateway: nat("pending") });
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: `${inputs.__clientToken}.1` }).resolves({
                NatGateway: nat("pending", { NatGatewayId: NEW }),
            });
            mocked.stub.on(DescribeNatGatewaysCommand, { NatGatewayIds: [ID] }).resolves(described(nat("deleted")));
            mocked.stub
                .on(DescribeNatGatewaysCommand, { NatGatewayIds: [NEW] })
                .resolves(described(marked(nat("available", { NatGatewayId: NEW }), `${inputs.__clientToken}.1`)));
            const r = await provider.create(inputs);
            expect(r.id).to.equal(NEW);
            expect(r.outs.state).to.equal("available");
            expect(mocked.stub.commandCalls(CreateNatGatewayCommand).map((c) => c.args[0].input.ClientToken)).to.deep.equal([
                inputs.__clientToken,
                `${inputs.__clientToken}.1`,
            ]);
        });

        it("a token already answered with a failed gateway: deletes that one and moves on", async () => {
            const inputs = await publicInputs();
            const NEW = "nat-0aaaaaaaaaaaaaaaa";
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: inputs.__clientToken }).resolves({ NatGateway: nat("failed") });
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: `${inputs.__clientToken}.1` }).resolves({
                NatGateway: nat("pending", { NatGatewayId: NEW }),
            });
            mocked.stub
                .on(DescribeNatGatewaysCommand, { NatGatewayIds: [ID] })
                .resolvesOnce(described(marked(nat("failed"), inputs.__clientToken)))
                .resolvesOnce(described(marked(nat("failed"), inputs.__clientToken)))
                .resolves(described(nat("deleted")));
            mocked.stub.on(DeleteNatGatewayCommand).resolves({ NatGatewayId: ID });
            mocked.stub
                .on(DescribeNatGatewaysCommand, { NatGatewayIds: [NEW] })
                .resolves(described(marked(nat("available", { NatGatewayId: NEW }), `${inputs.__clientToken}.1`)));
            const r = await provider.create(inputs);
            expect(r.id).to.equal(NEW);
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand).map((c) => c.args[0].input.NatGatewayId)).to.deep.equal([ID]);
        });

        it("IdempotentParameterMismatch uses the token up", async () => {
            const inputs = await publicInputs();
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: inputs.__clientToken }).rejects(awsError("IdempotentParameterMismatch"));
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: `${inputs.__clientToken}.1` }).resolves({ NatGateway: nat("pending") });
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(marked(nat("available"), `${inputs.__clientToken}.1`)));
            expect((await provider.create(inputs)).id).to.equal(ID);
        });

        it("failed while waiting: the error carries FailureCode and FailureMessage, and the gateway is deleted", async () => {
            const inputs = await publicInputs();
            mocked.stub.on(CreateNatGatewayCommand).resolves({ NatGateway: nat("pending") });
            const failed = nat("failed", {
                FailureCode: "InsufficientFreeAddressesInSubnet",
                FailureMessage: "Subnet has insufficient free addresses",
            });
            const tok = inputs.__clientToken;
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(marked(nat("pending"), tok)))
                .resolvesOnce(described(marked(nat("pending"), tok)))
                .resolvesOnce(described(marked(failed, tok)))
                .resolvesOnce(described(marked(failed, tok)))
                .resolvesOnce(described(nat("deleting")))
                .resolves(described(nat("deleted")));
            mocked.stub.on(DeleteNatGatewayCommand).resolves({ NatGatewayId: ID });
            let err: any;
            await provider.create(inputs).catch((e) => (err = e));
            expect(err?.message).to.include("InsufficientFreeAddressesInSubnet: Subnet has insufficient free addresses");
            expect(err?.message).to.include("deleted so the next pulumi up can retry");
            expect(err?.awsCode).to.equal("InsufficientFreeAddressesInSubnet");
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand)).to.have.length(1);
            // Reads until deleted, then (the create failed) one look for an original of this resource holding its Elastic IP.
            const describes = mocked.stub.commandCalls(DescribeNatGatewaysCommand);
            expect(describes).to.have.length(7);
            expect(describes[6].args[0].input.Filter).to.deep.include({ Name: "tag:ackless:owner", Values: [ownerToken("proj/stack//nat")] });
        });

        it("a gateway that fails right after CreateNatGateway answered pending is this attempt's failure: an error, no second gateway", async () => {
            const inputs = await publicInputs();
            mocked.stub.on(CreateNatGatewayCommand).resolves({ NatGateway: nat("pending") });
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(
                    described(marked(nat("failed", { FailureCode: "Gateway.NotAttached", FailureMessage: "no IGW" }), inputs.__clientToken)),
                )
                .resolvesOnce(described(marked(nat("failed"), inputs.__clientToken)))
                .resolves(described(nat("deleted")));
            mocked.stub.on(DeleteNatGatewayCommand).resolves({ NatGatewayId: ID });
            let err: any;
            await provider.create(inputs).catch((e) => (err = e));
            expect(err?.message).to.include("Gateway.NotAttached: no IGW");
            expect(mocked.stub.commandCalls(CreateNatGatewayCommand)).to.have.length(1);
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand)).to.have.length(1);
        });

        it("a private gateway sends no AllocationId, and only ackless's lifecycle tags", async () => {
            const inputs = await checked({ subnetId: SUBNET, connectivityType: "private", privateIpAddress: "10.0.1.20" });
            mocked.stub.on(CreateNatGatewayCommand).resolves({ NatGateway: nat("pending", { ConnectivityType: "private" }) });
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolves(
                    described(
                        marked(
                            nat("available", { ConnectivityType: "private", NatGatewayAddresses: [{ PrivateIp: "10.0.1.20", IsPrimary: true }] }),
                            inputs.__clientToken,
                        ),
                    ),
                );
            const r = await provider.create(inputs);
            const sent = mocked.stub.commandCalls(CreateNatGatewayCommand)[0].args[0].input;
            expect(sent.AllocationId).to.equal(undefined);
            expect(sent.TagSpecifications).to.deep.equal([
                {
                    ResourceType: "natgateway",
                    Tags: [
                        { Key: "ackless:pending-create", Value: inputs.__clientToken },
                        { Key: "ackless:incarnation", Value: r.outs.incarnation },
                        { Key: "ackless:owner", Value: ownerToken("proj/stack//nat") },
                    ],
                },
            ]);
            expect(sent.PrivateIpAddress).to.equal("10.0.1.20");
            expect(r.outs).to.include({ connectivityType: "private", privateIp: "10.0.1.20", privateIpAddress: "10.0.1.20" });
            expect(r.outs.allocationId).to.equal(undefined);
        });
    });

    describe("lifecycle rules (lifecycle/rules.ts)", () => {
        it("R1: a completed gateway holding the token (the original of a replacement) is never taken over: the next token makes a new one", async () => {
            // Private, with no fixed IP: nothing the original holds keeps the new one from being made beside it.
            const inputs = await checked({ subnetId: SUBNET, connectivityType: "private" });
            const NEW = "nat-0cccccccccccccccc";
            const priv = (state: string, extra: Partial<NatGateway> = {}) =>
                nat(state, { ConnectivityType: "private", NatGatewayAddresses: [{ PrivateIp: "10.0.1.9", IsPrimary: true }], ...extra });
            // The original: available, its create finished (no marker).
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: inputs.__clientToken }).resolves({ NatGateway: priv("available") });
            mocked.stub.on(DescribeNatGatewaysCommand, { NatGatewayIds: [ID] }).resolves(described(priv("available")));
            mocked.stub.on(CreateNatGatewayCommand, { ClientToken: `${inputs.__clientToken}.1` }).resolves({
                NatGateway: priv("pending", { NatGatewayId: NEW }),
            });
            mocked.stub
                .on(DescribeNatGatewaysCommand, { NatGatewayIds: [NEW] })
                .resolves(described(marked(priv("available", { NatGatewayId: NEW }), `${inputs.__clientToken}.1`)));
            const r = await provider.create(inputs);
            expect(r.id).to.equal(NEW);
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand)).to.have.length(0);
            expect(mocked.stub.commandCalls(DeleteTagsCommand).map((x) => x.args[0].input.Resources)).to.deep.equal([[NEW]]);
        });

        it("R5: NatGatewayNotFound right after CreateNatGateway is waited for, never taken as gone (no second gateway)", async () => {
            const inputs = await checked({ subnetId: SUBNET, connectivityType: "private" });
            const tok = inputs.__clientToken;
            mocked.stub.on(CreateNatGatewayCommand).resolves({ NatGateway: nat("pending", { ConnectivityType: "private" }) });
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .rejectsOnce(awsError("NatGatewayNotFound"))
                .rejectsOnce(awsError("NatGatewayNotFound"))
                .resolvesOnce({ NatGateways: [] })
                .resolves(described(marked(nat("available", { ConnectivityType: "private" }), tok)));
            const r = await provider.create(inputs);
            expect(r.id).to.equal(ID);
            expect(mocked.stub.commandCalls(CreateNatGatewayCommand)).to.have.length(1);
        });

        it("R5: a gateway still invisible after the propagation timeout fails the create, naming the retry (no walk to a second gateway)", async () => {
            process.env.ACKLESS_PROPAGATION_TIMEOUT_S = "0.05";
            try {
                const inputs = await checked({ subnetId: SUBNET, connectivityType: "private" });
                mocked.stub.on(CreateNatGatewayCommand).resolves({ NatGateway: nat("pending", { ConnectivityType: "private" }) });
                mocked.stub.on(DescribeNatGatewaysCommand).rejects(awsError("NatGatewayNotFound"));
                let err: any;
                await provider.create(inputs).catch((e) => (err = e));
                expect(err?.message).to.match(/still does not show it.*same ClientToken finds this NAT gateway/);
                expect(mocked.stub.commandCalls(CreateNatGatewayCommand)).to.have.length(1);
            } finally {
                delete process.env.ACKLESS_PROPAGATION_TIMEOUT_S;
            }
        });

        it("R2: a delete of a gateway this run created for another incarnation only drops the old entry", async () => {
            const inputs = await publicInputs();
            mocked.stub.on(CreateNatGatewayCommand).resolves({ NatGateway: nat("pending") });
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(marked(nat("available"), inputs.__clientToken)));
            const created = await provider.create(inputs);
            expect(created.outs.incarnation).to.be.a("string");
            mocked.stub.on(DeleteNatGatewayCommand).resolves({ NatGatewayId: ID });
            await provider.delete(ID, { incarnation: "an-older-one" });
            await provider.delete(ID, {});
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand)).to.have.length(0);
            // The delete of the incarnation this run made goes ahead.
            mocked.stub.reset();
            mocked.stub.on(DeleteNatGatewayCommand).resolves({ NatGatewayId: ID });
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(nat("available")))
                .resolves(described(nat("deleted")));
            await provider.delete(ID, created.outs);
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand)).to.have.length(1);
        });

        it("R3: adopt applies to a first create only, not to an existing resource nor to the re-check of its replacement", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(nat("available")));
            const news = { __identity: "proj/stack//adopted-nat", subnetId: SUBNET, allocationId: ALLOC, adopt: { id: ID } };
            expect((await provider.check({}, news)).inputs.adopt).to.deep.equal({ id: ID });
            expect((await provider.check({ subnetId: SUBNET }, news)).inputs.adopt).to.equal(undefined);
            // The engine's re-check for a replacement: no old inputs, same identity.
            expect((await provider.check({}, news)).inputs.adopt).to.equal(undefined);
        });

        it("R4: an adopted gateway found gone stays in state marked vanished, and diff replaces it, deleting first", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(nat("deleted")));
            const olds = { subnetId: SUBNET, allocationId: ALLOC, connectivityType: "public", adopted: true, state: "available" };
            const r = await provider.read(ID, olds);
            expect(r.id).to.equal(ID);
            expect(r.props).to.include({ vanished: true, adopted: true });
            const d = await provider.diff(ID, r.props, await publicInputs());
            expect(d.replaces).to.include("subnetId");
            expect(d.deleteBeforeReplace).to.equal(true);
            // A created (not adopted) gateway found gone is dropped, as before.
            expect((await provider.read(ID, { subnetId: SUBNET })).id).to.equal("");
        });
    });

    describe("what an original holds that its replacement needs (exclusiveWith)", () => {
        it("the same Elastic IP, primary or secondary, or the same declared private IP; nothing for a new EIP or a private gateway without a fixed IP", () => {
            const pub = { subnetId: SUBNET, connectivityType: "public" as const, allocationId: ALLOC };
            expect(heldByOriginal(pub, nat("available"))).to.match(
                /^Elastic IP eipalloc-0123456789abcdef0 \(an Elastic IP serves one NAT gateway at a time\)$/,
            );
            const secondary = nat("available", {
                NatGatewayAddresses: [
                    { AllocationId: "eipalloc-0aaaaaaaaaaaaaaaa", PrivateIp: "10.0.1.9", IsPrimary: true },
                    { AllocationId: ALLOC, PrivateIp: "10.0.1.10", IsPrimary: false },
                ],
            });
            expect(heldByOriginal(pub, secondary)).to.match(/^Elastic IP eipalloc-0123456789abcdef0/);
            expect(heldByOriginal({ ...pub, allocationId: "eipalloc-0bbbbbbbbbbbbbbbb" }, nat("available"))).to.equal(undefined);
            const priv = { subnetId: SUBNET, connectivityType: "private" as const };
            const privNat = nat("available", { ConnectivityType: "private", NatGatewayAddresses: [{ PrivateIp: "10.0.1.9", IsPrimary: true }] });
            expect(heldByOriginal(priv, privNat)).to.equal(undefined);
            expect(heldByOriginal({ ...priv, privateIpAddress: "10.0.1.9" }, privNat)).to.match(/^private IP 10\.0\.1\.9/);
            expect(heldByOriginal({ ...priv, privateIpAddress: "10.0.1.20" }, privNat)).to.equal(undefined);
        });

        it("create: the original answering this resource's ClientToken holds the Elastic IP: deleted first (waited for), then the next token makes the new one", async () => {
            const inputs = (await provider.check({}, { __identity: "p/s/nat", subnetId: SUBNET, allocationId: ALLOC })).inputs;
            const base = inputs.__clientToken as string;
            const original = { ...nat("available"), Tags: [{ Key: "ackless:incarnation", Value: "old" }] };
            const made = { ...nat("pending"), NatGatewayId: "nat-0aaaaaaaaaaaaaaaa" };
            let deleted = false;
            mocked.stub.on(CreateNatGatewayCommand).callsFake((req) => {
                if (req.ClientToken === base) {
                    return { NatGateway: original };
                }
                expect(deleted, "the original is gone before the replacement is created").to.equal(true);
                const tags = req.TagSpecifications[0].Tags;
                return { NatGateway: { ...made, Tags: tags } };
            });
            mocked.stub.on(DeleteNatGatewayCommand).callsFake(() => {
                deleted = true;
                return {};
            });
            mocked.stub.on(DescribeNatGatewaysCommand).callsFake((req) => {
                const ids: string[] = req.NatGatewayIds ?? req.Filter?.[0]?.Values ?? [];
                if (ids.includes(ID)) {
                    return described(deleted ? { ...original, State: "deleted" } : original);
                }
                return described({ ...made, State: "available" });
            });
            mocked.stub.on(DeleteTagsCommand).resolves({});
            const r = await provider.create(inputs);
            expect(r.id).to.equal("nat-0aaaaaaaaaaaaaaaa");
            expect(r.outs.clientToken).to.equal(nthToken(base, 1));
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand).map((c) => c.args[0].input.NatGatewayId)).to.deep.equal([ID]);
        });
    });

    describe("delete", () => {
        it("available: DeleteNatGateway, then waits for deleted", async () => {
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(nat("available")))
                .resolvesOnce(described(nat("deleting")))
                .resolves(described(nat("deleted")));
            mocked.stub.on(DeleteNatGatewayCommand).resolves({ NatGatewayId: ID });
            await provider.delete(ID, {});
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand)).to.have.length(1);
            expect(mocked.stub.commandCalls(DescribeNatGatewaysCommand)).to.have.length(3);
        });

        it("an interrupted delete resumes: already deleting just waits, no second DeleteNatGateway", async () => {
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(nat("deleting")))
                .resolvesOnce(described(nat("deleting")))
                .rejects(awsError("NatGatewayNotFound"));
            await provider.delete(ID, {});
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand)).to.have.length(0);
            expect(mocked.stub.commandCalls(DescribeNatGatewaysCommand)).to.have.length(3);
        });

        it("NatGatewayNotFound (on describe or on delete) means done", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).rejects(awsError("NatGatewayNotFound"));
            await provider.delete(ID, {});
            mocked.stub.reset();
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(nat("available")))
                .rejects(awsError("NatGatewayNotFound"));
            mocked.stub.on(DeleteNatGatewayCommand).rejects(awsError("NatGatewayNotFound"));
            await provider.delete(ID, {});
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand)).to.have.length(1);
        });

        it("a failed gateway is deleted too", async () => {
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(described(nat("failed")))
                .resolves(described(nat("deleted")));
            mocked.stub.on(DeleteNatGatewayCommand).resolves({ NatGatewayId: ID });
            await provider.delete(ID, {});
            expect(mocked.stub.commandCalls(DeleteNatGatewayCommand)).to.have.length(1);
        });
    });

    describe("diff", () => {
        const olds = {
            subnetId: SUBNET,
            allocationId: ALLOC,
            connectivityType: "public",
            tags: { Name: "nat" },
            systemTags: { "aws:x": "1" },
            state: "available",
        };

        it("no change: no changes", async () => {
            const d = await provider.diff(ID, olds, await publicInputs());
            expect(d.changes).to.equal(false);
        });

        it("a new subnet with the same allocation replaces, deleting first (the EIP serves one gateway at a time)", async () => {
            const d = await provider.diff(ID, olds, await checked({ subnetId: SUBNET2, allocationId: ALLOC, tags: { Name: "nat" } }));
            expect(d).to.include({ changes: true, deleteBeforeReplace: true });
            expect(d.replaces).to.deep.equal(["subnetId"]);
        });

        it("a new allocation replaces, creating first", async () => {
            const d = await provider.diff(
                ID,
                olds,
                await checked({ subnetId: SUBNET, allocationId: "eipalloc-0aaaaaaaaaaaaaaaa", tags: { Name: "nat" } }),
            );
            expect(d.replaces).to.deep.equal(["allocationId"]);
            expect(d.deleteBeforeReplace).to.equal(false);
        });

        it("connectivity and private IP changes replace", async () => {
            const d = await provider.diff(
                ID,
                olds,
                await checked({ subnetId: SUBNET, connectivityType: "private", privateIpAddress: "10.0.1.5", tags: { Name: "nat" } }),
            );
            expect(d.replaces).to.have.members(["allocationId", "connectivityType", "privateIpAddress"]);
        });

        it("tags update in place; system tags never count", async () => {
            const d = await provider.diff(ID, olds, await checked({ subnetId: SUBNET, allocationId: ALLOC, tags: { Name: "other" } }));
            expect(d).to.include({ changes: true });
            expect(d.replaces).to.deep.equal([]);
            const same = await provider.diff(ID, { ...olds, systemTags: { "aws:y": "2" } }, await publicInputs());
            expect(same.changes).to.equal(false);
        });
    });

    describe("update", () => {
        it("changes only user tag keys with CreateTags/DeleteTags, never aws: ones, and returns full outputs", async () => {
            mocked.stub
                .on(DescribeNatGatewaysCommand)
                .resolvesOnce(
                    described(
                        nat("available", {
                            Tags: [
                                { Key: "Name", Value: "nat" },
                                { Key: "old", Value: "1" },
                                { Key: "aws:cloudformation:stack-name", Value: "net" },
                            ],
                        }),
                    ),
                )
                .resolves(
                    described(
                        nat("available", {
                            Tags: [
                                { Key: "Name", Value: "new" },
                                { Key: "aws:cloudformation:stack-name", Value: "net" },
                            ],
                        }),
                    ),
                );
            mocked.stub.on(CreateTagsCommand).resolves({});
            mocked.stub.on(DeleteTagsCommand).resolves({});
            const news = await checked({ subnetId: SUBNET, allocationId: ALLOC, tags: { Name: "new" } });
            const r = await provider.update(ID, { clientToken: "tok" }, news);
            expect(mocked.stub.commandCalls(CreateTagsCommand)[0].args[0].input).to.deep.equal({
                Resources: [ID],
                Tags: [{ Key: "Name", Value: "new" }],
            });
            expect(mocked.stub.commandCalls(DeleteTagsCommand)[0].args[0].input).to.deep.equal({ Resources: [ID], Tags: [{ Key: "old" }] });
            expect(r.outs).to.include({ state: "available", subnetId: SUBNET, publicIp: "198.51.100.7", clientToken: "tok" });
            expect(r.outs.tags).to.deep.equal({ Name: "new" });
            expect(r.outs.systemTags).to.deep.equal({ "aws:cloudformation:stack-name": "net" });
        });

        it("a gateway deleted outside Pulumi since the last refresh: says it no longer exists and to refresh; nothing is sent", async () => {
            mocked.stub.on(DescribeNatGatewaysCommand).resolves(described(nat("deleted")));
            const news = await checked({ subnetId: SUBNET, allocationId: ALLOC, tags: { Name: "new" } });
            const err = await provider.update(ID, { clientToken: "tok" }, news).catch((e) => e);
            expect(err.message).to.equal(
                `updating NAT gateway ${ID}: it no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) to recreate it`,
            );
            expect(err.awsCode).to.equal("NatGatewayNotFound");
            expect(mocked.stub.commandCalls(CreateTagsCommand)).to.deep.equal([]);
            expect(mocked.stub.commandCalls(DeleteTagsCommand)).to.deep.equal([]);
        });
    });

    describe("check", () => {
        const reasons = async (news: Record<string, unknown>) => (await provider.check({}, news)).failures!.map((f) => f.property);

        it("names the field for each bad input", async () => {
            expect(await reasons({ subnetId: SUBNET })).to.deep.equal(["allocationId"]);
            expect(await reasons({ subnetId: SUBNET, connectivityType: "private", allocationId: ALLOC })).to.deep.equal(["allocationId"]);
            expect(await reasons({ subnetId: "sub-123", allocationId: ALLOC })).to.deep.equal(["subnetId"]);
            expect(await reasons({ subnetId: "subnet-12", allocationId: ALLOC })).to.deep.equal(["subnetId"]);
            expect(await reasons({ allocationId: ALLOC })).to.deep.equal(["subnetId"]);
            expect(await reasons({ subnetId: SUBNET, allocationId: "eip-0123456789abcdef0" })).to.deep.equal(["allocationId"]);
            expect(await reasons({ subnetId: SUBNET, allocationId: ALLOC, privateIpAddress: "10.0.1.300" })).to.deep.equal(["privateIpAddress"]);
            expect(await reasons({ subnetId: SUBNET, allocationId: ALLOC, connectivityType: "internet" })).to.deep.equal(["connectivityType"]);
            expect(await reasons({ subnetId: SUBNET, allocationId: ALLOC, tags: { "AWS:team": "x" } })).to.deep.equal(["tags"]);
            expect(await reasons({ subnetId: SUBNET, allocationId: ALLOC, adopt: { id: ID, mode: "take" } })).to.deep.equal(["adopt"]);
            const r = await provider.check({}, { subnetId: SUBNET });
            expect(r.failures![0].reason).to.match(/allocationId is required for a public NAT gateway/);
        });

        it("secondary addresses: which gateway takes which, the documented limits, each failure naming the field and the fix", async () => {
            const A2 = "eipalloc-0aaaaaaaaaaaaaaaa";
            const priv = { subnetId: SUBNET, connectivityType: "private" };
            const pub = { subnetId: SUBNET, allocationId: ALLOC };
            const failures = async (news: Record<string, unknown>) => (await provider.check({}, news)).failures!;
            expect(await reasons({ ...pub, secondaryAllocationIds: [A2] })).to.deep.equal([]);
            expect(await reasons({ ...priv, secondaryPrivateIpAddressCount: 7 })).to.deep.equal([]);
            expect(await reasons({ ...priv, secondaryPrivateIpAddresses: ["10.0.1.20", "10.0.1.21"] })).to.deep.equal([]);
            expect(await reasons({ ...pub, secondaryAllocationIds: [A2], secondaryPrivateIpAddresses: ["10.0.1.20"] })).to.deep.equal([]);

            const [onPrivate] = await failures({ ...priv, secondaryAllocationIds: [A2] });
            expect(onPrivate).to.deep.include({ property: "secondaryAllocationIds" });
            expect(onPrivate.reason).to.match(/must not be set on a private NAT gateway.*remove it or set connectivityType: "public"/);
            const [countOnPublic] = await failures({ ...pub, secondaryPrivateIpAddressCount: 1 });
            expect(countOnPublic.property).to.equal("secondaryPrivateIpAddressCount");
            expect(countOnPublic.reason).to.match(/private NAT gateways only; on a public one list secondaryAllocationIds/);
            const [tooMany] = await failures({ ...priv, secondaryPrivateIpAddressCount: 8 });
            expect(tooMany.reason).to.match(/from 0 to 7 \(a private NAT gateway has at most 8 private IPs, the primary included\), not 8/);
            expect(await reasons({ ...priv, secondaryPrivateIpAddressCount: 1.5 })).to.deep.equal(["secondaryPrivateIpAddressCount"]);
            expect(await reasons({ ...priv, secondaryPrivateIpAddressCount: 1, secondaryPrivateIpAddresses: ["10.0.1.20"] })).to.deep.equal([
                "secondaryPrivateIpAddressCount",
            ]);
            const eight = Array.from({ length: 8 }, (_, i) => `10.0.1.${20 + i}`);
            expect(await reasons({ ...priv, secondaryPrivateIpAddresses: eight })).to.deep.equal(["secondaryPrivateIpAddresses"]);
            expect(await reasons({ ...priv, secondaryPrivateIpAddresses: ["10.0.1.20", "10.0.1.x"] })).to.deep.equal([
                "secondaryPrivateIpAddresses[1]",
            ]);
            expect(await reasons({ ...pub, secondaryAllocationIds: ["eip-1"] })).to.deep.equal(["secondaryAllocationIds[0]"]);
            expect(await reasons({ ...pub, secondaryAllocationIds: [A2, A2] })).to.deep.equal(["secondaryAllocationIds"]);
            expect(await reasons({ ...pub, secondaryAllocationIds: [ALLOC] })).to.deep.equal(["secondaryAllocationIds"]);
            const [unpaired] = await failures({ ...pub, secondaryAllocationIds: [A2], secondaryPrivateIpAddresses: ["10.0.1.20", "10.0.1.21"] });
            expect(unpaired.reason).to.match(/pairs one to one with secondaryAllocationIds \(1 listed, 2 addresses\)/);
        });

        it("diff: secondary addresses change in place, in any order; creation fields still replace", async () => {
            const A2 = "eipalloc-0aaaaaaaaaaaaaaaa";
            const A3 = "eipalloc-0bbbbbbbbbbbbbbbb";
            const olds = { subnetId: SUBNET, allocationId: ALLOC, connectivityType: "public", secondaryAllocationIds: [A2, A3], state: "available" };
            const same = await provider.diff(ID, olds, { subnetId: SUBNET, allocationId: ALLOC, secondaryAllocationIds: [A3, A2] });
            expect(same.changes).to.equal(false);
            const fewer = await provider.diff(ID, olds, { subnetId: SUBNET, allocationId: ALLOC, secondaryAllocationIds: [A2] });
            expect(fewer).to.deep.include({ changes: true, replaces: [] });
            const none = await provider.diff(
                ID,
                { ...olds, secondaryAllocationIds: undefined },
                { subnetId: SUBNET, allocationId: ALLOC, secondaryAllocationIds: [] },
            );
            expect(none.changes).to.equal(false);
            const count = await provider.diff(
                ID,
                { subnetId: SUBNET, connectivityType: "private", secondaryPrivateIpAddressCount: 1 },
                { subnetId: SUBNET, connectivityType: "private", secondaryPrivateIpAddressCount: 2 },
            );
            expect(count).to.deep.include({ changes: true, replaces: [] });
        });

        it("unknown values at preview pass, and leave the token for later", async () => {
            const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            const r = await provider.check({}, { subnetId: U, allocationId: U });
            expect(r.failures).to.deep.equal([]);
            expect((r.inputs as any).__clientToken).to.equal(undefined);
            expect((r.inputs as any).connectivityType).to.equal("public");
        });
    });
});
