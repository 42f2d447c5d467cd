// Contract: distribution configs as CloudFront answers them (defaults filled, S3 origins with origin access control,
// the origin access control API, ListDistributions/ListFunctions/ListOriginAccessControls paging), as in aws-contract.md.
import {
  CloudFrontClient,
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateOriginAccessControlCommand,
  DeleteOriginAccessControlCommand,
  DistributionConfig,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetOriginAccessControlCommand,
  GetOriginAccessControlConfigCommand,
  ListDistributionsCommand,
  ListFunctionsCommand,
  ListOriginAccessControlsCommand,
  OriginAccessControlConfig,
  PublishFunctionCommand,
  UpdateDistributionCommand,
  UpdateOriginAccessControlCommand,
} from "@aws-sdk/client-cloudfront";
import { expect } from "chai";
import { useEmulator } from "../helpers/emulator";
import { clients, code, expectAwsError, unique } from "./fixtures";

/** What the program sent: required fields only, a custom origin and a cache policy. */
function minimalConfig(): DistributionConfig {
  return {
    CallerReference: unique("ref"),
    Comment: "minimal",
    Enabled: true,
    Origins: {
      Quantity: 1,
      Items: [{ Id: "web", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }],
    },
    DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
  } as DistributionConfig;
}

/** minimalConfig() as CloudFront answers it: every default it fills in. */
function minimalAnswered(sent: DistributionConfig) {
  return {
    CallerReference: sent.CallerReference,
    Aliases: { Quantity: 0 },
    DefaultRootObject: "",
    Origins: {
      Quantity: 1,
      Items: [
        {
          Id: "web",
          DomainName: "example.com",
          OriginPath: "",
          CustomHeaders: { Quantity: 0 },
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only", OriginReadTimeout: 30, OriginKeepaliveTimeout: 5 },
          ConnectionAttempts: 3,
          ConnectionTimeout: 10,
          OriginShield: { Enabled: false },
          OriginAccessControlId: "",
        },
      ],
    },
    OriginGroups: { Quantity: 0 },
    DefaultCacheBehavior: {
      TargetOriginId: "web",
      TrustedSigners: { Enabled: false, Quantity: 0 },
      TrustedKeyGroups: { Enabled: false, Quantity: 0 },
      ViewerProtocolPolicy: "redirect-to-https",
      AllowedMethods: { Quantity: 2, Items: ["HEAD", "GET"], CachedMethods: { Quantity: 2, Items: ["HEAD", "GET"] } },
      SmoothStreaming: false,
      Compress: false,
      LambdaFunctionAssociations: { Quantity: 0 },
      FunctionAssociations: { Quantity: 0 },
      FieldLevelEncryptionId: "",
      CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      GrpcConfig: { Enabled: false },
    },
    CacheBehaviors: { Quantity: 0 },
    CustomErrorResponses: { Quantity: 0 },
    Comment: "minimal",
    Logging: { Enabled: false, IncludeCookies: false, Bucket: "", Prefix: "" },
    PriceClass: "PriceClass_All",
    Enabled: true,
    ViewerCertificate: { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: "TLSv1", CertificateSource: "cloudfront" },
    Restrictions: { GeoRestriction: { RestrictionType: "none", Quantity: 0 } },
    WebACLId: "",
    HttpVersion: "http2",
    IsIPV6Enabled: true,
    ContinuousDeploymentPolicyId: "",
    Staging: false,
  };
}

async function createOac(cf: CloudFrontClient, name = unique("oac")) {
  const out = await cf.send(
    new CreateOriginAccessControlCommand({
      OriginAccessControlConfig: { Name: name, SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" },
    }),
  );
  return { id: out.OriginAccessControl!.Id!, etag: out.ETag!, name, out };
}

function s3Config(oacId: string): DistributionConfig {
  const config = minimalConfig();
  config.Origins = {
    Quantity: 1,
    Items: [{ Id: "bucket", DomainName: "assets.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, OriginAccessControlId: oacId }],
  };
  config.DefaultCacheBehavior!.TargetOriginId = "bucket";
  return config;
}

/** Every page of a list, following NextMarker; returns the pages. */
async function allPages<P>(get: (marker: string | undefined) => Promise<P>, next: (page: P) => string | undefined): Promise<P[]> {
  const pages: P[] = [];
  let marker: string | undefined;
  do {
    const page = await get(marker);
    pages.push(page);
    marker = next(page);
  } while (marker && pages.length < 20);
  return pages;
}

describe("emulator contract: CloudFront distribution configs as AWS answers them", function () {
  const emu = useEmulator();
  const cf = () => clients(emu()).cf;

  it("Create, Get, GetConfig, Update and ListDistributions answer the defaults CloudFront fills in", async () => {
    const client = cf();
    const sent = minimalConfig();
    const created = await client.send(new CreateDistributionCommand({ DistributionConfig: sent }));
    const expected = minimalAnswered(sent);
    expect(created.Distribution!.DistributionConfig).to.deep.equal(expected);
    const id = created.Distribution!.Id!;
    const got = await client.send(new GetDistributionCommand({ Id: id }));
    expect(got.Distribution!.DistributionConfig).to.deep.equal(expected);
    const cfg = await client.send(new GetDistributionConfigCommand({ Id: id }));
    expect(cfg.DistributionConfig).to.deep.equal(expected);
    // An update that again omits the defaults gets them again.
    const upd = await client.send(new UpdateDistributionCommand({ Id: id, IfMatch: cfg.ETag, DistributionConfig: { ...sent, Comment: "again" } }));
    expect(upd.Distribution!.DistributionConfig).to.deep.equal({ ...expected, Comment: "again" });
    const summary = (await client.send(new ListDistributionsCommand({}))).DistributionList!.Items!.find((d) => d.Id === id)!;
    expect(summary.Origins).to.deep.equal(expected.Origins);
    expect(summary.DefaultCacheBehavior).to.deep.equal(expected.DefaultCacheBehavior);
    expect({ ...summary, Id: undefined }).to.include({ Comment: "again", PriceClass: "PriceClass_All", HttpVersion: "http2", IsIPV6Enabled: true, WebACLId: "", ETag: upd.ETag });
  });

  it("legacy cache settings get their lists and TTLs; a certificate from ACM is answered with its source", async () => {
    const client = cf();
    const sent = minimalConfig();
    delete sent.DefaultCacheBehavior!.CachePolicyId;
    sent.DefaultCacheBehavior!.ForwardedValues = { QueryString: false, Cookies: { Forward: "none" } };
    sent.DefaultCacheBehavior!.MinTTL = 0;
    const arn = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
    sent.Aliases = { Quantity: 1, Items: ["www.example.com"] };
    sent.ViewerCertificate = { ACMCertificateArn: arn, SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" };
    const created = await client.send(new CreateDistributionCommand({ DistributionConfig: sent }));
    const behaviour = created.Distribution!.DistributionConfig!.DefaultCacheBehavior!;
    expect(behaviour.ForwardedValues).to.deep.equal({
      QueryString: false,
      Cookies: { Forward: "none" },
      Headers: { Quantity: 0 },
      QueryStringCacheKeys: { Quantity: 0 },
    });
    expect([behaviour.MinTTL, behaviour.DefaultTTL, behaviour.MaxTTL]).to.deep.equal([0, 86400, 31536000]);
    expect(created.Distribution!.DistributionConfig!.ViewerCertificate).to.deep.equal({
      CloudFrontDefaultCertificate: false,
      ACMCertificateArn: arn,
      SSLSupportMethod: "sni-only",
      MinimumProtocolVersion: "TLSv1.2_2021",
      Certificate: arn,
      CertificateSource: "acm",
    });
    // With a cache policy there is no ForwardedValues and no TTL.
    const modern = await client.send(new CreateDistributionCommand({ DistributionConfig: minimalConfig() }));
    const b = modern.Distribution!.DistributionConfig!.DefaultCacheBehavior!;
    expect([b.ForwardedValues, b.MinTTL, b.DefaultTTL, b.MaxTTL]).to.deep.equal([undefined, undefined, undefined, undefined]);
  });

  it("an S3 origin keeps S3OriginConfig and OriginAccessControlId in every answer", async () => {
    const client = cf();
    const oac = await createOac(client);
    const created = await client.send(new CreateDistributionCommand({ DistributionConfig: s3Config(oac.id) }));
    const id = created.Distribution!.Id!;
    const origin = {
      Id: "bucket",
      DomainName: "assets.s3.us-east-1.amazonaws.com",
      OriginPath: "",
      CustomHeaders: { Quantity: 0 },
      S3OriginConfig: { OriginAccessIdentity: "", OriginReadTimeout: 30 },
      ConnectionAttempts: 3,
      ConnectionTimeout: 10,
      OriginShield: { Enabled: false },
      OriginAccessControlId: oac.id,
    };
    expect(created.Distribution!.DistributionConfig!.Origins!.Items).to.deep.equal([origin]);
    const cfg = await client.send(new GetDistributionConfigCommand({ Id: id }));
    expect(cfg.DistributionConfig!.Origins!.Items).to.deep.equal([origin]);
    expect((await client.send(new GetDistributionCommand({ Id: id }))).Distribution!.DistributionConfig!.Origins!.Items).to.deep.equal([origin]);
    // Sent back as read (the round trip every update makes), it stays.
    const upd = await client.send(new UpdateDistributionCommand({ Id: id, IfMatch: cfg.ETag, DistributionConfig: { ...cfg.DistributionConfig!, Comment: "x" } }));
    expect(upd.Distribution!.DistributionConfig!.Origins!.Items).to.deep.equal([origin]);
    const summary = (await client.send(new ListDistributionsCommand({}))).DistributionList!.Items!.find((d) => d.Id === id)!;
    expect(summary.Origins!.Items).to.deep.equal([origin]);
  });

  it("an origin access control that does not exist: 400 InvalidOriginAccessControl on create and update, nothing changed", async () => {
    const client = cf();
    const before = (await client.send(new ListDistributionsCommand({}))).DistributionList!.Quantity;
    const err = await expectAwsError(client.send(new CreateDistributionCommand({ DistributionConfig: s3Config("E2NOSUCHOAC000") })), "InvalidOriginAccessControl", 400);
    expect(err.message).to.match(/origin access control does not exist/);
    expect((await client.send(new ListDistributionsCommand({}))).DistributionList!.Quantity).to.equal(before);
    const oac = await createOac(client);
    const created = await client.send(new CreateDistributionCommand({ DistributionConfig: s3Config(oac.id) }));
    const id = created.Distribution!.Id!;
    await expectAwsError(
      client.send(new UpdateDistributionCommand({ Id: id, IfMatch: created.ETag, DistributionConfig: s3Config("E2NOSUCHOAC000") })),
      "InvalidOriginAccessControl",
      400,
    );
    const cfg = await client.send(new GetDistributionConfigCommand({ Id: id }));
    expect(cfg.ETag).to.equal(created.ETag);
    expect(cfg.DistributionConfig!.Origins!.Items![0].OriginAccessControlId).to.equal(oac.id);
  });

  it("an origin without an origin config: 400 InvalidOrigin; an origin with both OAC and OAI: 400 IllegalOriginAccessConfiguration", async () => {
    const client = cf();
    const oac = await createOac(client);
    const bare = s3Config(oac.id);
    delete bare.Origins!.Items![0].S3OriginConfig;
    const e1 = await expectAwsError(client.send(new CreateDistributionCommand({ DistributionConfig: bare })), "InvalidOrigin", 400);
    expect(e1.message).to.equal("The origin server does not exist or is not valid.");
    const both = s3Config(oac.id);
    both.Origins!.Items![0].S3OriginConfig = { OriginAccessIdentity: "origin-access-identity/cloudfront/E74FTE3AEXAMPLE" };
    await expectAwsError(client.send(new CreateDistributionCommand({ DistributionConfig: both })), "IllegalOriginAccessConfiguration", 400);
    expect((await client.send(new ListDistributionsCommand({}))).DistributionList!.Quantity).to.equal(0);
    // The same on update; the distribution stays as it was.
    const created = await client.send(new CreateDistributionCommand({ DistributionConfig: s3Config(oac.id) }));
    const id = created.Distribution!.Id!;
    await expectAwsError(client.send(new UpdateDistributionCommand({ Id: id, IfMatch: created.ETag, DistributionConfig: bare })), "InvalidOrigin", 400);
    await expectAwsError(
      client.send(new UpdateDistributionCommand({ Id: id, IfMatch: created.ETag, DistributionConfig: both })),
      "IllegalOriginAccessConfiguration",
      400,
    );
    expect((await client.send(new GetDistributionConfigCommand({ Id: id }))).ETag).to.equal(created.ETag);
  });

  it("a Quantity that is not the number of Items: 400 InconsistentQuantities on create and update, nothing changed", async () => {
    const client = cf();
    const bad = minimalConfig();
    bad.Aliases = { Quantity: 2, Items: ["www.example.com"] };
    const err = await expectAwsError(client.send(new CreateDistributionCommand({ DistributionConfig: bad })), "InconsistentQuantities", 400);
    expect(err.message).to.equal("The specified quantity of Aliases (2) does not match the actual quantity supplied (1).");
    expect((await client.send(new ListDistributionsCommand({}))).DistributionList!.Quantity).to.equal(0);
    const created = await client.send(new CreateDistributionCommand({ DistributionConfig: minimalConfig() }));
    const nested = minimalConfig();
    nested.DefaultCacheBehavior!.AllowedMethods = { Quantity: 2, Items: ["GET", "HEAD"], CachedMethods: { Quantity: 3, Items: ["GET", "HEAD"] } };
    const e2 = await expectAwsError(
      client.send(new UpdateDistributionCommand({ Id: created.Distribution!.Id!, IfMatch: created.ETag, DistributionConfig: nested })),
      "InconsistentQuantities",
      400,
    );
    expect(e2.message).to.contain("CachedMethods (3)");
    expect((await client.send(new GetDistributionConfigCommand({ Id: created.Distribution!.Id! }))).ETag).to.equal(created.ETag);
  });

  it("origin access control API: ETags, IfMatch on update and delete, names unique, in use while an origin names it", async () => {
    const client = cf();
    const oac = await createOac(client);
    expect(oac.etag).to.be.a("string").that.is.not.empty;
    const config: OriginAccessControlConfig = { Name: oac.name, Description: "", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" };
    expect(oac.out.OriginAccessControl!.OriginAccessControlConfig).to.deep.equal(config);
    expect(oac.out.Location).to.equal(`https://cloudfront.amazonaws.com/2020-05-31/origin-access-control/${oac.id}`);
    const got = await client.send(new GetOriginAccessControlCommand({ Id: oac.id }));
    expect([got.ETag, got.OriginAccessControl!.OriginAccessControlConfig]).to.deep.equal([oac.etag, config]);
    const gotConfig = await client.send(new GetOriginAccessControlConfigCommand({ Id: oac.id }));
    expect([gotConfig.ETag, gotConfig.OriginAccessControlConfig]).to.deep.equal([oac.etag, config]);
    await expectAwsError(client.send(new GetOriginAccessControlCommand({ Id: "E2NOSUCHOAC000" })), "NoSuchOriginAccessControl", 404);
    await expectAwsError(
      client.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { ...config, OriginAccessControlOriginType: "mediastore" } })),
      "OriginAccessControlAlreadyExists",
      409,
    );
    const newConfig: OriginAccessControlConfig = { ...config, SigningBehavior: "no-override", Description: "d" };
    await expectAwsError(client.send(new UpdateOriginAccessControlCommand({ Id: oac.id, OriginAccessControlConfig: newConfig })), "InvalidIfMatchVersion", 400);
    await expectAwsError(
      client.send(new UpdateOriginAccessControlCommand({ Id: oac.id, IfMatch: "STALE", OriginAccessControlConfig: newConfig })),
      "PreconditionFailed",
      412,
    );
    const upd = await client.send(new UpdateOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag, OriginAccessControlConfig: newConfig }));
    expect(upd.ETag).to.not.equal(oac.etag);
    expect(upd.OriginAccessControl!.OriginAccessControlConfig).to.deep.equal(newConfig);
    // In use by a distribution's origin: 409 OriginAccessControlInUse, until the origin lets go of it.
    const dist = await client.send(new CreateDistributionCommand({ DistributionConfig: s3Config(oac.id) }));
    await expectAwsError(client.send(new DeleteOriginAccessControlCommand({ Id: oac.id })), "InvalidIfMatchVersion", 400);
    await expectAwsError(client.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag })), "PreconditionFailed", 412);
    await expectAwsError(client.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: upd.ETag })), "OriginAccessControlInUse", 409);
    const released = s3Config("");
    delete released.Origins!.Items![0].OriginAccessControlId;
    await client.send(new UpdateDistributionCommand({ Id: dist.Distribution!.Id!, IfMatch: dist.ETag, DistributionConfig: released }));
    await client.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: upd.ETag }));
    await expectAwsError(client.send(new GetOriginAccessControlCommand({ Id: oac.id })), "NoSuchOriginAccessControl", 404);
    await expectAwsError(client.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: upd.ETag })), "NoSuchOriginAccessControl", 404);
  });

  it("set-valued lists come back in a canonical order, not the request's; ordered lists keep theirs (canonicalSetOrder)", async () => {
    const client = cf();
    const fn = (name: string) => `arn:aws:cloudfront::123456789012:function/${name}`;
    const sent = minimalConfig();
    sent.Aliases = { Quantity: 2, Items: ["www.example.com", "api.example.com"] };
    sent.Origins = {
      Quantity: 2,
      Items: [
        { Id: "web", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only", OriginSslProtocols: { Quantity: 2, Items: ["TLSv1.2", "TLSv1.1"] } } },
        {
          Id: "api",
          DomainName: "api.example.net",
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
          CustomHeaders: { Quantity: 2, Items: [{ HeaderName: "x-z", HeaderValue: "1" }, { HeaderName: "x-a", HeaderValue: "2" }] },
        },
      ],
    };
    const behaviour = sent.DefaultCacheBehavior!;
    delete behaviour.CachePolicyId;
    behaviour.ForwardedValues = {
      QueryString: true,
      QueryStringCacheKeys: { Quantity: 2, Items: ["page", "lang"] },
      Headers: { Quantity: 2, Items: ["Origin", "Accept"] },
      Cookies: { Forward: "whitelist", WhitelistedNames: { Quantity: 2, Items: ["session", "locale"] } },
    };
    behaviour.AllowedMethods = { Quantity: 3, Items: ["GET", "OPTIONS", "HEAD"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } };
    behaviour.TrustedKeyGroups = { Enabled: true, Quantity: 2, Items: ["kg-2", "kg-1"] };
    behaviour.FunctionAssociations = {
      Quantity: 2,
      Items: [
        { EventType: "viewer-response", FunctionARN: fn("b") },
        { EventType: "viewer-request", FunctionARN: fn("a") },
      ],
    };
    sent.CacheBehaviors = {
      Quantity: 2,
      Items: ["/static/*", "/api/*"].map((PathPattern) => ({
        PathPattern,
        TargetOriginId: "api",
        ViewerProtocolPolicy: "https-only" as const,
        CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
        AllowedMethods: { Quantity: 7, Items: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], CachedMethods: { Quantity: 3, Items: ["OPTIONS", "GET", "HEAD"] } },
      })),
    } as DistributionConfig["CacheBehaviors"];
    sent.CustomErrorResponses = { Quantity: 2, Items: [{ ErrorCode: 404, ResponsePagePath: "/404.html", ResponseCode: "404", ErrorCachingMinTTL: 10 }, { ErrorCode: 403, ResponsePagePath: "/403.html", ResponseCode: "403", ErrorCachingMinTTL: 10 }] };
    sent.Restrictions = { GeoRestriction: { RestrictionType: "whitelist", Quantity: 2, Items: ["US", "DE"] } };

    await emu().setConfig({ canonicalSetOrder: true });
    const created = await client.send(new CreateDistributionCommand({ DistributionConfig: sent }));
    const cfg = (await client.send(new GetDistributionConfigCommand({ Id: created.Distribution!.Id! }))).DistributionConfig!;
    const order = (c: DistributionConfig) => ({
      aliases: c.Aliases!.Items,
      origins: c.Origins!.Items!.map((o) => o.Id),
      sslProtocols: c.Origins!.Items![0].CustomOriginConfig!.OriginSslProtocols!.Items,
      customHeaders: c.Origins!.Items![1].CustomHeaders!.Items!.map((h) => h.HeaderName),
      allowed: c.DefaultCacheBehavior!.AllowedMethods!.Items,
      cached: c.DefaultCacheBehavior!.AllowedMethods!.CachedMethods!.Items,
      headers: c.DefaultCacheBehavior!.ForwardedValues!.Headers!.Items,
      cookies: c.DefaultCacheBehavior!.ForwardedValues!.Cookies!.WhitelistedNames!.Items,
      queryStringCacheKeys: c.DefaultCacheBehavior!.ForwardedValues!.QueryStringCacheKeys!.Items,
      keyGroups: c.DefaultCacheBehavior!.TrustedKeyGroups!.Items,
      functions: c.DefaultCacheBehavior!.FunctionAssociations!.Items!.map((a) => a.EventType),
      behaviours: c.CacheBehaviors!.Items!.map((b) => b.PathPattern),
      behaviourAllowed: c.CacheBehaviors!.Items![0].AllowedMethods!.Items,
      behaviourCached: c.CacheBehaviors!.Items![0].AllowedMethods!.CachedMethods!.Items,
      errors: c.CustomErrorResponses!.Items!.map((e) => e.ErrorCode),
      locations: c.Restrictions!.GeoRestriction!.Items,
    });
    expect(order(cfg)).to.deep.equal({
      aliases: ["api.example.com", "www.example.com"],
      origins: ["web", "api"],
      sslProtocols: ["TLSv1.1", "TLSv1.2"],
      customHeaders: ["x-a", "x-z"],
      allowed: ["HEAD", "GET", "OPTIONS"],
      cached: ["HEAD", "GET"],
      headers: ["Accept", "Origin"],
      cookies: ["locale", "session"],
      queryStringCacheKeys: ["page", "lang"],
      keyGroups: ["kg-2", "kg-1"],
      functions: ["viewer-request", "viewer-response"],
      behaviours: ["/static/*", "/api/*"],
      behaviourAllowed: ["HEAD", "DELETE", "POST", "GET", "OPTIONS", "PUT", "PATCH"],
      behaviourCached: ["HEAD", "GET", "OPTIONS"],
      errors: [403, 404],
      locations: ["DE", "US"],
    });
    // The same contents in any order read back the same: a client comparing by position sees a change.
    expect(order(created.Distribution!.DistributionConfig!)).to.deep.equal(order(cfg));

    // Switched off: the request's order.
    await emu().setConfig({ canonicalSetOrder: false });
    const plain = await client.send(new CreateDistributionCommand({ DistributionConfig: { ...sent, CallerReference: unique("ref") } }));
    const asSent = order(plain.Distribution!.DistributionConfig!);
    expect([asSent.aliases, asSent.allowed, asSent.errors]).to.deep.equal([["www.example.com", "api.example.com"], ["GET", "OPTIONS", "HEAD"], [404, 403]]);
  });

  it("ListDistributions, ListOriginAccessControls and ListFunctions page with MaxItems and Marker", async () => {
    const client = cf();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await client.send(new CreateDistributionCommand({ DistributionConfig: minimalConfig() }))).Distribution!.Id!);
    }
    const first = (await client.send(new ListDistributionsCommand({ MaxItems: 2 }))).DistributionList!;
    expect({ ...first, Items: first.Items!.map((d) => d.Id) }).to.deep.equal({
      Marker: "",
      NextMarker: ids[1],
      MaxItems: 2,
      IsTruncated: true,
      Quantity: 2,
      Items: ids.slice(0, 2),
    });
    const second = (await client.send(new ListDistributionsCommand({ MaxItems: 2, Marker: first.NextMarker }))).DistributionList!;
    expect({ ...second, Items: second.Items!.map((d) => d.Id) }).to.deep.equal({ Marker: ids[1], MaxItems: 2, IsTruncated: false, Quantity: 1, Items: [ids[2]] });
    // Without MaxItems: everything in one page of up to 100.
    const all = (await client.send(new ListDistributionsCommand({}))).DistributionList!;
    expect([all.MaxItems, all.IsTruncated, all.Quantity, all.NextMarker]).to.deep.equal([100, false, 3, undefined]);

    const oacs: string[] = [];
    for (let i = 0; i < 3; i++) oacs.push((await createOac(client)).id);
    const oacPages = await allPages(
      (Marker) => client.send(new ListOriginAccessControlsCommand({ MaxItems: 2, Marker })),
      (p) => p.OriginAccessControlList!.NextMarker,
    );
    expect(oacPages.map((p) => (p.OriginAccessControlList!.Items ?? []).map((o) => o.Id))).to.deep.equal([oacs.slice(0, 2), [oacs[2]]]);
    expect(oacPages.map((p) => p.OriginAccessControlList!.IsTruncated)).to.deep.equal([true, false]);
    expect(oacPages[0].OriginAccessControlList!.Items![0]).to.deep.include({ OriginAccessControlOriginType: "s3", SigningProtocol: "sigv4" });

    // Functions: one entry per stage; a published function lists DEVELOPMENT and LIVE.
    const names = [unique("fa"), unique("fb")];
    for (const Name of names) {
      const fn = await client.send(
        new CreateFunctionCommand({ Name, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code("function handler(e) { return e.request; }") }),
      );
      if (Name === names[0]) await client.send(new PublishFunctionCommand({ Name, IfMatch: fn.ETag }));
    }
    const fnPages = await allPages(
      (Marker) => client.send(new ListFunctionsCommand({ MaxItems: 2, Marker })),
      (p) => p.FunctionList!.NextMarker,
    );
    const entries = fnPages.map((p) => (p.FunctionList!.Items ?? []).map((f) => `${f.Name}:${f.FunctionMetadata!.Stage}`));
    expect(entries).to.deep.equal([[`${names[0]}:DEVELOPMENT`, `${names[0]}:LIVE`], [`${names[1]}:DEVELOPMENT`]]);
    expect(fnPages.map((p) => [p.FunctionList!.MaxItems, p.FunctionList!.Quantity])).to.deep.equal([[2, 2], [2, 1]]);
    const live = (await client.send(new ListFunctionsCommand({ Stage: "LIVE", MaxItems: 1 }))).FunctionList!;
    expect([live.Quantity, live.NextMarker, live.Items![0].Name]).to.deep.equal([1, undefined, names[0]]);
  });
});
