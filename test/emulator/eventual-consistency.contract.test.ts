// Contract: eventual consistency after create (notFoundAfterCreateSeconds) as in aws-contract.md:
// for N seconds after its create, a NAT gateway, distribution or function reads as NotFound, exactly
// as an unknown one does, and lists leave it out; writes behave as usual.
import {
  CreateDistributionCommand,
  CreateDistributionWithTagsCommand,
  CreateFunctionCommand,
  DescribeFunctionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetFunctionCommand,
  ListDistributionsCommand,
  ListFunctionsCommand,
  ListTagsForResourceCommand,
  UpdateDistributionCommand,
  UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { CreateNatGatewayCommand, DescribeNatGatewaysCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { Emulator, EmulatorCall, useEmulator } from "../helpers/emulator";
import { clients, code, createSubnet, distributionConfig, expectAwsError, pollUntil, unique } from "./fixtures";

/** A resource just created, with what the tests do to it. */
interface Created {
  id: string;
  /** The same resource named as an unknown one (same shape, another id). */
  unknown: string;
  /** Each read of it, given its id (or the unknown id). */
  reads: ((id: string) => Promise<unknown>)[];
  /** The ids a list / no-id describe shows. */
  listed(): Promise<string[]>;
  /** Writes that must behave as usual: a repeated create and an update, each asserting its own outcome. */
  writes(): Promise<void>;
}

interface Kind {
  name: string;
  notFound: string;
  /** The call-log entries the reads make while the resource is hidden. */
  hiddenCalls: EmulatorCall[];
  create(emu: Emulator): Promise<Created>;
}

const account = "123456789012";
const distributionArn = (id: string) => `arn:aws:cloudfront::${account}:distribution/${id}`;
const functionArn = (name: string) => `arn:aws:cloudfront::${account}:function/${name}`;

async function createDistribution(emu: Emulator, withTags: boolean): Promise<Created> {
  const { cf } = clients(emu);
  const config = distributionConfig({ enabled: false });
  const create = () =>
    withTags
      ? cf.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: [{ Key: "k", Value: "v" }] } } }))
      : cf.send(new CreateDistributionCommand({ DistributionConfig: config }));
  const out = await create();
  const id = out.Distribution!.Id!;
  return {
    id,
    unknown: "E0UNKNOWN00000",
    reads: [
      (i) => cf.send(new GetDistributionCommand({ Id: i })),
      (i) => cf.send(new GetDistributionConfigCommand({ Id: i })),
      (i) => cf.send(new ListTagsForResourceCommand({ Resource: distributionArn(i) })),
    ],
    listed: async () => ((await cf.send(new ListDistributionsCommand({}))).DistributionList!.Items ?? []).map((d) => d.Id!),
    async writes() {
      const again = await expectAwsError(create(), "DistributionAlreadyExists", 409);
      expect(again.message).to.match(new RegExp(`${id}$`));
      const upd = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: out.ETag, DistributionConfig: { ...config, Comment: "updated" } }));
      expect(upd.Distribution!.DistributionConfig!.Comment).to.equal("updated");
    },
  };
}

const kinds: Kind[] = [
  {
    name: "NAT gateway (CreateNatGateway)",
    notFound: "NatGatewayNotFound",
    hiddenCalls: [{ service: "ec2", operation: "DescribeNatGateways", status: 400 }],
    async create(emu) {
      const { ec2 } = clients(emu);
      const { subnetId } = await createSubnet(ec2);
      const ClientToken = unique("token");
      const create = () => ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private", ClientToken }));
      const id = (await create()).NatGateway!.NatGatewayId!;
      return {
        id,
        unknown: "nat-0123456789abcdef0",
        reads: [(i) => ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [i] }))],
        listed: async () => ((await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? []).map((n) => n.NatGatewayId!),
        async writes() {
          // The same ClientToken answers with the same gateway, hidden or not.
          expect((await create()).NatGateway!.NatGatewayId).to.equal(id);
        },
      };
    },
  },
  ...[false, true].map(
    (withTags): Kind => ({
      name: `distribution (${withTags ? "CreateDistributionWithTags" : "CreateDistribution"})`,
      notFound: "NoSuchDistribution",
      hiddenCalls: ["GetDistribution", "GetDistributionConfig", "ListTagsForResource"].map((operation) => ({ service: "cloudfront", operation, status: 404 })),
      create: (emu) => createDistribution(emu, withTags),
    }),
  ),
  {
    name: "function (CreateFunction)",
    notFound: "NoSuchFunctionExists",
    hiddenCalls: [
      { service: "cloudfront", operation: "DescribeFunction", status: 404 },
      { service: "cloudfront", operation: "GetFunction", status: 404 },
      { service: "cloudfront", operation: "ListTagsForResource", status: 404 },
    ],
    async create(emu) {
      const { cf } = clients(emu);
      const name = unique("fn");
      const create = () =>
        cf.send(new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("//") }));
      const out = await create();
      return {
        id: name,
        unknown: unique("no-such-fn"),
        reads: [
          (i) => cf.send(new DescribeFunctionCommand({ Name: i, Stage: "DEVELOPMENT" })),
          (i) => cf.send(new GetFunctionCommand({ Name: i, Stage: "DEVELOPMENT" })),
          (i) => cf.send(new ListTagsForResourceCommand({ Resource: functionArn(i) })),
        ],
        listed: async () => ((await cf.send(new ListFunctionsCommand({}))).FunctionList!.Items ?? []).map((f) => f.Name!),
        async writes() {
          await expectAwsError(create(), "FunctionAlreadyExists", 409);
          const upd = await cf.send(
            new UpdateFunctionCommand({ Name: name, IfMatch: out.ETag, FunctionConfig: { Comment: "updated", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("//2") }),
          );
          expect(upd.ETag).to.not.equal(out.ETag);
        },
      };
    },
  },
];

/** An error's name, HTTP status and message, with the resource's id written as <id>. */
async function failure(p: Promise<unknown>, id: string) {
  const error: any = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(error, `expected the read of ${id} to fail`).to.not.equal(undefined);
  return { name: error.name, status: error.$metadata?.httpStatusCode, message: String(error.message).split(id).join("<id>") };
}

const WINDOW_S = 2; // the window the polling tests wait out
const LONG_S = 60; // a window no immediate read can outlive

describe("emulator contract: NotFound for a while after a create (notFoundAfterCreateSeconds)", function () {
  this.timeout(30_000);
  const emu = useEmulator();

  it("notFoundAfterCreateSeconds is in the config: 0 by default, set and read back, refused when negative", async () => {
    expect((await emu().getConfig()).notFoundAfterCreateSeconds).to.equal(0);
    expect((await emu().setConfig({ notFoundAfterCreateSeconds: 1.5 })).notFoundAfterCreateSeconds).to.equal(1.5);
    let err: any;
    await emu()
      .setConfig({ notFoundAfterCreateSeconds: -1 })
      .catch((e) => (err = e));
    expect(String(err?.message)).to.contain("400").and.contain("notFoundAfterCreateSeconds must be >= 0");
    expect((await emu().getConfig()).notFoundAfterCreateSeconds).to.equal(1.5);
  });

  for (const kind of kinds) {
    describe(kind.name, () => {
      it(`right after the create, every read answers ${kind.notFound} exactly as for an unknown one, lists leave it out, writes work, and the call log records it`, async () => {
        await emu().setConfig({ notFoundAfterCreateSeconds: LONG_S });
        const created = await kind.create(emu());
        await emu().resetCalls();
        const hidden = [];
        for (const read of created.reads) hidden.push(await failure(read(created.id), created.id));
        expect(hidden[0].name).to.equal(kind.notFound);
        // The signature's access key and region (also logged) are not what this test is about.
        const calls = (await emu().calls()).map(({ accessKeyId: _k, region: _r, ...c }) => c);
        for (const call of kind.hiddenCalls) expect(calls).to.deep.include(call);
        const unknown = [];
        for (const read of created.reads) unknown.push(await failure(read(created.unknown), created.unknown));
        expect(hidden).to.deep.equal(unknown);
        expect(await created.listed()).to.not.include(created.id);
        await created.writes();
        // The writes did not reveal it: still hidden.
        expect((await failure(created.reads[0](created.id), created.id)).name).to.equal(kind.notFound);
      });

      it(`polling the read succeeds once the window (${WINDOW_S} s) has passed, and lists show it again`, async () => {
        await emu().setConfig({ notFoundAfterCreateSeconds: WINDOW_S });
        const created = await kind.create(emu());
        const start = Date.now();
        let misses = 0;
        await pollUntil(
          () => created.reads[0](created.id).then(() => true, (e) => {
            if (e.name !== kind.notFound) throw e;
            misses += 1;
            return false;
          }),
          (found) => found,
          WINDOW_S * 1000 + 5_000,
        );
        const elapsed = Date.now() - start;
        expect(misses, "NotFound answers before the read succeeded").to.be.greaterThan(0);
        expect(elapsed, "time until the read succeeded (ms)").to.be.within(WINDOW_S * 1000 - 500, WINDOW_S * 1000 + 5_000);
        for (const read of created.reads) await read(created.id);
        expect(await created.listed()).to.include(created.id);
      });

      it("with the switch at 0 (the default) reads succeed at once; raising it hides only what is created afterwards", async () => {
        const before = await kind.create(emu());
        for (const read of before.reads) await read(before.id);
        expect(await before.listed()).to.include(before.id);
        await emu().setConfig({ notFoundAfterCreateSeconds: LONG_S });
        for (const read of before.reads) await read(before.id);
        const after = await kind.create(emu());
        expect((await failure(after.reads[0](after.id), after.id)).name).to.equal(kind.notFound);
        expect(await after.listed()).to.include(before.id).and.not.include(after.id);
      });
    });
  }
});
