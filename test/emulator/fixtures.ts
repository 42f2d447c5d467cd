// Shared helpers for the emulator contract tests.
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import {
  CloudFrontClient,
  CreateDistributionCommand,
  CreateFunctionCommand,
  DistributionConfig,
  GetDistributionCommand,
  PublishFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import * as dns from "dns";
import * as http from "http";
import { Emulator } from "../helpers/emulator";

const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

export function clients(emu: Emulator) {
  const common = { endpoint: emu.endpoint, region: "us-east-1", credentials, maxAttempts: 1 };
  return {
    cf: new CloudFrontClient(common),
    ec2: new EC2Client(common),
    cfn: new CloudFormationClient(common),
  };
}

/** Asserts that the promise rejects with the given AWS error name and HTTP status; returns the error. */
export async function expectAwsError(p: Promise<unknown>, name: string, status: number): Promise<any> {
  let error: any;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${name} (${status}) but the call succeeded`).to.not.equal(undefined);
  expect({ name: error.name, status: error.$metadata?.httpStatusCode }).to.deep.equal({ name, status });
  return error;
}

/** Polls fn until check passes (or the deadline is reached, then fails with the last value). */
export async function pollUntil<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

let seq = 0;
export function unique(prefix: string): string {
  seq += 1;
  return `${prefix}-${Date.now().toString(36)}-${seq}`;
}

export const code = (s: string) => new TextEncoder().encode(s);
export const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array());

export function distributionConfig(opts: { enabled?: boolean; functionArn?: string; cacheBehaviorFunctionArn?: string } = {}): DistributionConfig {
  const assoc = (arn?: string) =>
    arn ? { Quantity: 1, Items: [{ FunctionARN: arn, EventType: "viewer-request" as const }] } : { Quantity: 0 };
  const config: DistributionConfig = {
    CallerReference: unique("ref"),
    Comment: "contract test",
    Enabled: opts.enabled ?? true,
    Origins: {
      Quantity: 1,
      Items: [
        {
          Id: "origin",
          DomainName: "example.com",
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
        },
      ],
    },
    DefaultCacheBehavior: {
      TargetOriginId: "origin",
      ViewerProtocolPolicy: "redirect-to-https",
      CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      FunctionAssociations: assoc(opts.functionArn),
    },
  };
  if (opts.cacheBehaviorFunctionArn) {
    config.CacheBehaviors = {
      Quantity: 1,
      Items: [
        {
          PathPattern: "/api/*",
          TargetOriginId: "origin",
          ViewerProtocolPolicy: "https-only",
          CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
          FunctionAssociations: assoc(opts.cacheBehaviorFunctionArn),
        },
      ],
    };
  }
  return config;
}

export async function createDistribution(cf: CloudFrontClient, opts: Parameters<typeof distributionConfig>[0] = {}) {
  const out = await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(opts) }));
  return { id: out.Distribution!.Id!, arn: out.Distribution!.ARN!, etag: out.ETag!, distribution: out.Distribution! };
}

export async function waitDeployed(cf: CloudFrontClient, id: string) {
  return pollUntil(
    () => cf.send(new GetDistributionCommand({ Id: id })),
    (d) => d.Distribution?.Status === "Deployed",
  );
}

export async function createPublishedFunction(cf: CloudFrontClient, name = unique("fn")) {
  const created = await cf.send(
    new CreateFunctionCommand({
      Name: name,
      FunctionConfig: { Comment: "test", Runtime: "cloudfront-js-2.0" },
      FunctionCode: code("function handler(event) { return event.request; }"),
    }),
  );
  await cf.send(new PublishFunctionCommand({ Name: name, IfMatch: created.ETag }));
  return { name, arn: created.FunctionSummary!.FunctionMetadata!.FunctionARN!, etag: created.ETag! };
}

/** A new VPC (10.0.0.0/16) with one subnet (default 10.0.1.0/24, in the zone AWS picks unless given). */
export async function createSubnet(ec2: EC2Client, opts: { cidr?: string; availabilityZone?: string } = {}) {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
  const subnet = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: opts.cidr ?? "10.0.1.0/24", AvailabilityZone: opts.availabilityZone }),
  );
  return { vpcId: vpc.Vpc!.VpcId!, subnetId: subnet.Subnet!.SubnetId! };
}

/** A CloudFront Functions event object (version 1.0) for a viewer request of uri. */
export function viewerRequest(uri = "/index.html") {
  return {
    version: "1.0",
    context: { eventType: "viewer-request" },
    viewer: { ip: "198.51.100.7" },
    request: { method: "GET", uri, querystring: {}, headers: { host: { value: "www.example.com" } }, cookies: {} },
  };
}

/** An agent that resolves every name under localhost to 127.0.0.1 (RFC 6761 section 6.3). */
export function localhostAgent(): http.Agent {
  const lookup = ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) =>
    dns.lookup(hostname === "localhost" || hostname.endsWith(".localhost") ? "127.0.0.1" : hostname, options, callback as never)) as never;
  return new http.Agent({ lookup });
}

