/**
 * ec2.NatGateway adoption against the emulator (provider methods called
 * directly): a gateway made outside Pulumi with aws:cloudformation:* tags is
 * adopted without touching them; creation fields must match; a missing id
 * fails (adopt) or is created (adopt-or-create).
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
import { provider } from "../../provider/ec2/nat-gateway/adapter";
import { useEmulator } from "../helpers/emulator";
import { setProviderEnv } from "../helpers/env";

const CFN = {
    "aws:cloudformation:stack-name": "legacy",
    "aws:cloudformation:logical-id": "Nat",
    "aws:cloudformation:stack-id": "arn:aws:cloudformation:us-east-1:123456789012:stack/legacy/1",
};

describe("ec2.NatGateway adopt (integration, emulator)", function () {
    const emu = useEmulator({ natSeconds: 0 });
    let restoreEnv: () => void = () => undefined;
    let aws: EC2Client;

    beforeEach(() => {
        const env = { ...emu().env(), ACKLESS_POLL_MIN_MS: "20", ACKLESS_POLL_MAX_MS: "50" };
        restoreEnv = setProviderEnv(env);
        aws = new EC2Client({ endpoint: emu().endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    });
    afterEach(() => {
        restoreEnv();
    });

    async function outsider() {
        const vpc = await aws.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
        const s1 = await aws.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.1.0/24" }));
        const s2 = await aws.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.2.0/24" }));
        const eip = await aws.send(new AllocateAddressCommand({ Domain: "vpc" }));
        const eip2 = await aws.send(new AllocateAddressCommand({ Domain: "vpc" }));
        const nat = await aws.send(
            new CreateNatGatewayCommand({
                SubnetId: s1.Subnet!.SubnetId!,
                AllocationId: eip.AllocationId!,
                TagSpecifications: [
                    {
                        ResourceType: "natgateway",
                        Tags: [
                            { Key: "team", Value: "old" },
                            { Key: "keep", Value: "x" },
                        ],
                    },
                ],
            }),
        );
        const id = nat.NatGateway!.NatGatewayId!;
        await emu().seedTags({ resourceId: id }, CFN);
        return {
            id,
            subnetId: s1.Subnet!.SubnetId!,
            subnetId2: s2.Subnet!.SubnetId!,
            allocationId: eip.AllocationId!,
            allocationId2: eip2.AllocationId!,
        };
    }
    const gateways = async () => (await aws.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
    /** The gateway's tags, ackless's own bookkeeping tags (lifecycle.ts) left out. */
    const allTagsOf = async (id: string) => fromKeyValueList((await gateways()).find((n) => n.NatGatewayId === id)?.Tags);
    const tagsOf = async (id: string) => Object.fromEntries(Object.entries(await allTagsOf(id)).filter(([k]) => !k.startsWith("ackless:")));
    const ops = async () => (await emu().calls()).filter((c) => c.service === "ec2").map((c) => c.operation);
    const identity = () => `it/${Math.random()}/nat`;

    it("adopt of a missing id fails at check and in create, creating nothing", async () => {
        const o = await outsider();
        const before = (await gateways()).length;
        const news = { __identity: identity(), subnetId: o.subnetId, allocationId: o.allocationId2, adopt: { id: "nat-0000000000000000a" } };
        const r = await provider.check({}, news);
        expect(r.failures!.map((f) => f.property)).to.deep.equal(["adopt"]);
        expect(r.failures![0].reason).to.include("NAT gateway nat-0000000000000000a does not exist");
        let error: Error | undefined;
        try {
            await provider.create(r.inputs);
        } catch (err) {
            error = err as Error;
        }
        expect(error?.message).to.match(/adopt: NAT gateway nat-0000000000000000a does not exist.*nothing was created/);
        expect((await gateways()).length).to.equal(before);
    });

    it("adopt-or-create of a missing id creates a gateway", async () => {
        const o = await outsider();
        const r = await provider.check(
            {},
            {
                __identity: identity(),
                subnetId: o.subnetId2,
                allocationId: o.allocationId2,
                adopt: { id: "nat-0000000000000000a", mode: "adopt-or-create" },
            },
        );
        expect(r.failures).to.deep.equal([]);
        const { id, outs } = await provider.create(r.inputs);
        expect(id).to.match(/^nat-/).and.not.equal("nat-0000000000000000a").and.not.equal(o.id);
        expect(outs.state).to.equal("available");
        expect((await ops()).filter((x) => x === "CreateNatGateway")).to.have.length(2); // the outsider's and this one
    });

    it("adopts a gateway with aws:cloudformation:* tags: user tags reconciled, system tags untouched; then managed like any other", async () => {
        const o = await outsider();
        await emu().resetCalls();
        const news = {
            __identity: identity(),
            subnetId: o.subnetId,
            allocationId: o.allocationId,
            tags: { team: "net", Name: "adopted" },
            adopt: { id: o.id },
        };
        const r = await provider.check({}, news);
        expect(r.failures).to.deep.equal([]);
        const { id, outs } = await provider.create(r.inputs);
        expect(id).to.equal(o.id);
        expect(await ops()).to.not.include("CreateNatGateway");
        expect(await tagsOf(id)).to.deep.equal({ ...CFN, team: "net", Name: "adopted" });
        // The adoption's incarnation is on the gateway too (lifecycle R2's durable half).
        expect((await allTagsOf(id))["ackless:incarnation"])
            .to.be.a("string")
            .and.not.equal("");
        expect(outs).to.deep.include({
            state: "available",
            subnetId: o.subnetId,
            allocationId: o.allocationId,
            tags: { team: "net", Name: "adopted" },
            systemTags: CFN,
        });

        // Managed: adopt dropped on the next check, no diff even if removed or changed.
        const again = await provider.check(r.inputs, news);
        expect(again.inputs).to.not.have.property("adopt");
        expect((await provider.diff(id, outs, again.inputs)).changes).to.equal(false);
        const changed = await provider.check(r.inputs, { ...news, adopt: { id: "nat-0000000000000000b" } });
        expect((await provider.diff(id, outs, changed.inputs)).changes).to.equal(false);
        const removed = await provider.check(r.inputs, { ...news, adopt: undefined });
        expect((await provider.diff(id, outs, removed.inputs)).changes).to.equal(false);

        // One user tag changes: only it; the aws: tags stay.
        const news2 = (await provider.check(r.inputs, { ...news, tags: { team: "platform", Name: "adopted" } })).inputs;
        const d = await provider.diff(id, outs, news2);
        expect(d).to.include({ changes: true, deleteBeforeReplace: true });
        expect(d.replaces).to.deep.equal([]);
        const updated = await provider.update(id, outs, news2);
        expect(await tagsOf(id)).to.deep.equal({ ...CFN, team: "platform", Name: "adopted" });
        expect(updated.outs!.systemTags).to.deep.equal(CFN);
        const read = await provider.read(id, updated.outs);
        expect((await provider.diff(id, read.props!, news2)).changes).to.equal(false);
    });

    it("creation fields must match the live gateway: a mismatch fails at check and in create, naming the field", async () => {
        const o = await outsider();
        const news = { __identity: identity(), subnetId: o.subnetId2, allocationId: o.allocationId2, adopt: { id: o.id } };
        const r = await provider.check({}, news);
        expect(r.failures!.map((f) => f.property)).to.deep.equal(["subnetId", "allocationId"]);
        expect(r.failures![0].reason)
            .to.include(`has subnetId "${o.subnetId}", but the program declares "${o.subnetId2}"`)
            .and.include("cannot change in place");
        const priv = await provider.check({}, { __identity: identity(), subnetId: o.subnetId, connectivityType: "private", adopt: { id: o.id } });
        expect(priv.failures!.map((f) => f.property)).to.deep.equal(["connectivityType"]);
        let error: Error | undefined;
        try {
            await provider.create({ ...r.inputs });
        } catch (err) {
            error = err as Error;
        }
        expect(error?.message).to.include("subnetId").and.include("allocationId");
        expect(await tagsOf(o.id)).to.deep.equal({ ...CFN, team: "old", keep: "x" });
    });
});
