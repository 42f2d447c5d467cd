// Contract: fault injection (POST /ackless/faults, --faults) as in aws-contract.md, "Fault injection".
import {
  CloudFrontClient,
  CreateFunctionCommand,
  DescribeFunctionCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  PublishFunctionCommand,
  UpdateFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { CreateNatGatewayCommand, CreateVpcCommand, DescribeNatGatewaysCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { performance } from "perf_hooks";
import { EmulatorCall, FaultConfig, startEmulator, useEmulator } from "../helpers/emulator";
import { clients, code, createDistribution, createSubnet, expectAwsError, text, unique } from "./fixtures";

const createFunction = (cf: CloudFrontClient, name: string) =>
  cf.send(new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("// v1") }));

const vpcsWithCidr = async (ec2: EC2Client, cidr: string) =>
  (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "cidr", Values: [cidr] }] }))).Vpcs ?? [];

/** The error of a call that got no HTTP response at all (the connection closed). */
async function expectNoResponse(p: Promise<unknown>): Promise<any> {
  let error: any;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(error, "expected the connection to close without a response, but the call succeeded").to.be.instanceOf(Error);
  expect(error.$metadata?.httpStatusCode, `an HTTP response arrived: ${error.name} ${error.message}`).to.equal(undefined);
  expect(error.$response).to.equal(undefined);
  expect(["ECONNRESET", "EPIPE"]).to.include(error.code);
  return error;
}

/** Duration of a call in ms. */
async function timed(p: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await p();
  return performance.now() - start;
}

const slim = (calls: EmulatorCall[]) => calls.map(({ operation, status, fault, delaySeconds }) => ({ operation, status, fault, delaySeconds }));

describe("emulator contract: fault injection", function () {
  const emu = useEmulator();

  it("throttles the chosen EC2 operation with RequestLimitExceeded (HTTP 503), without carrying it out; other operations are served", async () => {
    const { ec2 } = clients(emu());
    await emu().setFaults({ throttle: 1, operations: ["CreateVpc"] });
    const err = await expectAwsError(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" })), "RequestLimitExceeded", 503);
    expect(err.message).to.equal("Request limit exceeded.");
    expect(await vpcsWithCidr(ec2, "10.0.0.0/16")).to.have.length(0);
    expect(slim(await emu().calls())).to.deep.equal([
      { operation: "CreateVpc", status: 503, fault: "throttle", delaySeconds: undefined },
      { operation: "DescribeVpcs", status: 200, fault: undefined, delaySeconds: undefined },
    ]);
  });

  it("throttles the chosen CloudFront operation with Throttling (HTTP 400), without carrying it out; other operations are served", async () => {
    const { cf } = clients(emu());
    await emu().setFaults({ throttle: 1, operations: ["cloudfront:CreateFunction"] });
    const name = unique("fn");
    const err = await expectAwsError(createFunction(cf, name), "Throttling", 400);
    expect(err.message).to.equal("Rate exceeded");
    expect((await cf.send(new ListFunctionsCommand({}))).FunctionList!.Quantity).to.equal(0);
    await createDistribution(cf);
    expect(slim(await emu().calls())).to.deep.equal([
      { operation: "CreateFunction", status: 400, fault: "throttle", delaySeconds: undefined },
      { operation: "ListFunctions", status: 200, fault: undefined, delaySeconds: undefined },
      { operation: "CreateDistribution", status: 201, fault: undefined, delaySeconds: undefined },
    ]);
  });

  it("answers 500 InternalError in each service's error shape, without carrying the call out", async () => {
    const { cf, ec2 } = clients(emu());
    await emu().setFaults({ internal: 1, operations: ["CreateVpc", "CreateFunction"] });
    const ec2Err = await expectAwsError(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" })), "InternalError", 500);
    expect(ec2Err.message).to.equal("An internal error has occurred");
    const name = unique("fn");
    const cfErr = await expectAwsError(createFunction(cf, name), "InternalError", 500);
    expect(cfErr.message).to.equal("CloudFront encountered an internal error. Please try again.");
    expect(await vpcsWithCidr(ec2, "10.0.0.0/16")).to.have.length(0);
    expect((await cf.send(new ListFunctionsCommand({}))).FunctionList!.Quantity).to.equal(0);
    expect((await emu().calls()).filter((c) => c.fault).map((c) => [c.operation, c.fault, c.status])).to.deep.equal([
      ["CreateVpc", "internal", 500],
      ["CreateFunction", "internal", 500],
    ]);
  });

  it("drop: the call is carried out, then the connection closes without a response; the resource exists", async () => {
    const { cf, ec2 } = clients(emu());
    const { subnetId } = await createSubnet(ec2);
    await emu().setFaults({ drop: 1, operations: ["CreateFunction", "CreateNatGateway"] });
    const name = unique("fn");
    await expectNoResponse(createFunction(cf, name));
    await expectNoResponse(ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: "private", ClientToken: "tok-1" })));

    const described = await cf.send(new DescribeFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
    expect(described.FunctionSummary!.Name).to.equal(name);
    expect(text((await cf.send(new GetFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }))).FunctionCode)).to.equal("// v1");
    const nats = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "subnet-id", Values: [subnetId] }] }));
    expect(nats.NatGateways ?? []).to.have.length(1);

    expect((await emu().calls()).filter((c) => c.fault).map((c) => [c.operation, c.fault, c.status])).to.deep.equal([
      ["CreateFunction", "drop", 201],
      ["CreateNatGateway", "drop", 200],
    ]);
  });

  it("maxFaults: only the first CreateFunction is dropped, so its retry meets the function it made (FunctionAlreadyExists)", async () => {
    const { cf } = clients(emu());
    await emu().setFaults({ drop: 1, operations: ["CreateFunction"], maxFaults: 1 });
    const name = unique("fn");
    await expectNoResponse(createFunction(cf, name));
    await expectAwsError(createFunction(cf, name), "FunctionAlreadyExists", 409);
    expect(slim(await emu().calls())).to.deep.equal([
      { operation: "CreateFunction", status: 201, fault: "drop", delaySeconds: undefined },
      { operation: "CreateFunction", status: 409, fault: undefined, delaySeconds: undefined },
    ]);
  });

  it("latency map: every call of the operation waits at least the given seconds; random latency delays selected calls", async () => {
    const { cf } = clients(emu());
    await emu().setFaults({ latency: { PublishFunction: 1 } });
    const name = unique("fn");
    const created = await createFunction(cf, name);
    const first = await timed(() => cf.send(new PublishFunctionCommand({ Name: name, IfMatch: created.ETag })));
    const described = await cf.send(new DescribeFunctionCommand({ Name: name }));
    const updated = await cf.send(
      new UpdateFunctionCommand({ Name: name, IfMatch: described.ETag, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("// v2") }),
    );
    const second = await timed(() => cf.send(new PublishFunctionCommand({ Name: name, IfMatch: updated.ETag })));
    // Lower bounds only (the server sleeps before handling; 10 ms slack for timer granularity).
    expect(first).to.be.at.least(990);
    expect(second).to.be.at.least(990);
    expect(slim(await emu().calls())).to.deep.equal([
      { operation: "CreateFunction", status: 201, fault: undefined, delaySeconds: undefined },
      { operation: "PublishFunction", status: 200, fault: "latency", delaySeconds: 1 },
      { operation: "DescribeFunction", status: 200, fault: undefined, delaySeconds: undefined },
      { operation: "UpdateFunction", status: 200, fault: undefined, delaySeconds: undefined },
      { operation: "PublishFunction", status: 200, fault: "latency", delaySeconds: 1 },
    ]);

    await emu().setFaults({ latencyRate: 1, latencySeconds: 0.5, operations: ["ListFunctions"] });
    await emu().resetCalls();
    expect(await timed(() => cf.send(new ListFunctionsCommand({})))).to.be.at.least(490);
    await cf.send(new DescribeFunctionCommand({ Name: name }));
    expect(slim(await emu().calls())).to.deep.equal([
      { operation: "ListFunctions", status: 200, fault: "latency", delaySeconds: 0.5 },
      { operation: "DescribeFunction", status: 200, fault: undefined, delaySeconds: undefined },
    ]);
  });

  describe("determinism", function () {
    const rates: FaultConfig = { seed: 7, throttle: 0.3, internal: 0.2, drop: 0.15, operations: ["ListFunctions", "DescribeVpcs"] };

    async function outcome(p: Promise<unknown>): Promise<string> {
      try {
        await p;
        return "ok";
      } catch (e: any) {
        return e.$metadata?.httpStatusCode ? `${e.name} ${e.$metadata.httpStatusCode}` : "no response";
      }
    }

    /** n rounds of ListFunctions then DescribeVpcs (or ListFunctions only): what the SDK saw. */
    async function run(n: number, withEc2 = true): Promise<string[]> {
      const { cf, ec2 } = clients(emu());
      const seen: string[] = [];
      for (let i = 0; i < n; i++) {
        seen.push(`ListFunctions: ${await outcome(cf.send(new ListFunctionsCommand({})))}`);
        if (withEc2) seen.push(`DescribeVpcs: ${await outcome(ec2.send(new DescribeVpcsCommand({})))}`);
      }
      return seen;
    }

    it("the same seed gives the same fault sequence (also after /ackless/reset), recorded in the call log; another seed another sequence", async () => {
      await emu().setFaults(rates);
      const first = await run(12);
      const log = (await emu().calls()).map((c) => `${c.operation}: ${c.fault ?? "none"}`);

      // Every kind of fault occurs, with each service's error, and the log names the fault of each call.
      const kinds = new Set(first.map((s) => s.split(": ")[1]));
      expect([...kinds].sort()).to.deep.equal(["InternalError 500", "RequestLimitExceeded 503", "Throttling 400", "no response", "ok"]);
      const expectedLog = first.map((s) => {
        const [op, seen] = s.split(": ");
        const fault = { ok: "none", "no response": "drop", "InternalError 500": "internal" }[seen] ?? "throttle";
        return `${op}: ${fault}`;
      });
      expect(log).to.deep.equal(expectedLog);

      await emu().setFaults(rates);
      expect(await run(12)).to.deep.equal(first);
      await emu().reset();
      expect(await run(12)).to.deep.equal(first);
      await emu().setFaults({ ...rates, seed: 8 });
      expect(await run(12)).to.not.deep.equal(first);
    });

    it("an operation's faults do not depend on how calls of other operations interleave", async () => {
      await emu().setFaults(rates);
      const mixed = (await run(12)).filter((s) => s.startsWith("ListFunctions"));
      expect(mixed.filter((s) => !s.endsWith(": ok")), "ListFunctions got no faults").to.not.be.empty;
      await emu().setFaults(rates);
      expect(await run(12, false)).to.deep.equal(mixed);
    });
  });

  it("the control API is never faulted; {} turns faults off; invalid configs are refused", async () => {
    const { cf, ec2 } = clients(emu());
    await emu().setFaults({ throttle: 1 });
    await expectAwsError(cf.send(new ListFunctionsCommand({})), "Throttling", 400);
    await expectAwsError(ec2.send(new DescribeVpcsCommand({})), "RequestLimitExceeded", 503);
    // /ackless/... still answers (the helpers throw on anything but a 2xx JSON answer).
    expect(await emu().calls()).to.have.length(2);
    expect((await emu().getFaults()).throttle).to.equal(1);
    await emu().getConfig();

    await emu().clearFaults();
    expect(await emu().getFaults()).to.deep.equal({
      seed: 0,
      throttle: 0,
      internal: 0,
      drop: 0,
      latencyRate: 0,
      latencySeconds: 0,
      latency: {},
      operations: [],
      maxFaults: null,
    });
    await cf.send(new ListFunctionsCommand({}));
    await ec2.send(new DescribeVpcsCommand({}));
    expect((await emu().calls()).slice(2).map((c) => c.fault)).to.deep.equal([undefined, undefined]);

    const refused = async (faults: unknown, message: RegExp) => {
      let error: any;
      await emu()
        .setFaults(faults as FaultConfig)
        .catch((e) => (error = e));
      expect(error?.message, JSON.stringify(faults)).to.match(/: 400 /);
      expect(error?.message).to.match(message);
    };
    await refused({ throttle: 1.5 }, /throttle must be in \[0, 1\]/);
    await refused({ throttle: 0.6, internal: 0.3, drop: 0.2 }, /throttle \+ internal \+ drop must be <= 1/);
    await refused({ throttling: 0.5 }, /unknown fault keys: throttling/);
    await refused({ operations: ["CreateFuncton"] }, /unknown operation 'CreateFuncton'/);
    await refused({ latency: { PublishFunction: -1 } }, /latency.PublishFunction must be >= 0/);
    await refused({ maxFaults: -1 }, /maxFaults/);
    // A refused config leaves the previous one in place.
    expect((await emu().getFaults()).throttle).to.equal(0);
  });

  it("--faults at start is in effect from the first call", async () => {
    const other = await startEmulator({ faults: { throttle: 1, operations: ["DescribeVpcs"], latency: { ListFunctions: 0.2 } } });
    try {
      expect(await other.getFaults()).to.deep.include({ throttle: 1, operations: ["DescribeVpcs"], latency: { ListFunctions: 0.2 } });
      const { cf, ec2 } = clients(other);
      await expectAwsError(ec2.send(new DescribeVpcsCommand({})), "RequestLimitExceeded", 503);
      expect(await timed(() => cf.send(new ListFunctionsCommand({})))).to.be.at.least(190);
      expect((await other.calls()).map((c) => c.fault)).to.deep.equal(["throttle", "latency"]);
      // A full reset goes back to the --faults the emulator started with.
      await other.clearFaults();
      await other.resetAll();
      expect(await other.getFaults()).to.deep.include({ throttle: 1, operations: ["DescribeVpcs"], latency: { ListFunctions: 0.2 } });
    } finally {
      await other.stop();
    }
  });
});
