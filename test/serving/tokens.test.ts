import * as http from "http";
import type { AddressInfo } from "net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { AuthError, TokenVerifier, type IdentityConfig } from "../../serving/auth";
import { startTestServer, type TestServer } from "../helpers/serving";

const ISSUER = "https://idp.example.com/";
const AUDIENCE = "lakemesh-api";
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

let idpKey: { privateKey: CryptoKey; publicKey: CryptoKey };
let otherKey: { privateKey: CryptoKey; publicKey: CryptoKey };
let jwk: JWK;
let cfg: IdentityConfig;

beforeAll(async () => {
  idpKey = await generateKeyPair("ES256", { extractable: true });
  otherKey = await generateKeyPair("ES256", { extractable: true });
  jwk = { ...(await exportJWK(idpKey.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  cfg = { issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"], jwks: { keys: { keys: [jwk] } } };
});

const claims = { tenant_id: "tenant-01", roles: ["client_admin"] };
function sign(o: { key?: CryptoKey; payload?: Record<string, unknown>; iss?: string; aud?: string; exp?: string | number; iat?: number; sub?: string; alg?: string } = {}) {
  let j = new SignJWT(o.payload ?? claims)
    .setProtectedHeader({ alg: o.alg ?? "ES256", kid: "k1" })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setSubject(o.sub ?? "admin-1")
    .setExpirationTime(o.exp ?? "10m");
  j = o.iat === undefined ? j.setIssuedAt() : j.setIssuedAt(o.iat);
  return j.sign(o.key ?? idpKey.privateKey);
}

async function refusal(v: TokenVerifier, header: string | undefined, now?: number): Promise<[number, string]> {
  try {
    await v.verify(header, now);
  } catch (e) {
    if (e instanceof AuthError) return [e.status, e.message];
    throw e;
  }
  return [200, "accepted"];
}

describe("TokenVerifier: issuer, audience, algorithms and expiry pinned", () => {
  it("accepts a valid token and takes tenant, persona and subject from its claims only", async () => {
    const v = new TokenVerifier(cfg);
    expect(await v.verify(`Bearer ${await sign()}`)).toEqual({ persona: "client_admin", tenant: "tenant-01", idpSubject: "admin-1", subject: "admin-1" });
  });

  it.each([
    ["no header", async () => undefined],
    ["not a bearer token", async () => `Basic ${Buffer.from("a:b").toString("base64")}`],
    ["forged: signed by another key under the IdP's kid", async () => `Bearer ${await sign({ key: otherKey.privateKey })}`],
    ["expired", async () => `Bearer ${await sign({ exp: Math.floor(Date.now() / 1000) - 120, iat: Math.floor(Date.now() / 1000) - 900 })}`],
    ["wrong audience", async () => `Bearer ${await sign({ aud: "another-api" })}`],
    ["wrong issuer", async () => `Bearer ${await sign({ iss: "https://evil.example.com/" })}`],
    ["older than the maximum token age", async () => `Bearer ${await sign({ iat: Math.floor(Date.now() / 1000) - 7200, exp: "10m" })}`],
    ["alg none (unsecured JWT)", async () => `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, iss: ISSUER, aud: AUDIENCE, sub: "x", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 })}.`],
    ["alg none with a dummy signature", async () => `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, iss: ISSUER, aud: AUDIENCE, sub: "x", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 })}.c2ln`],
    [
      "key confusion: HS256 keyed with the IdP's public key",
      async () => {
        const secret = new TextEncoder().encode(await exportSPKI(idpKey.publicKey));
        return `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: "k1" }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject("x").setIssuedAt().setExpirationTime("10m").sign(secret)}`;
      },
    ],
    [
      "key confusion: HS256 keyed with the public JWK's JSON",
      async () => {
        const secret = new TextEncoder().encode(JSON.stringify(jwk));
        return `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: "k1" }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject("x").setIssuedAt().setExpirationTime("10m").sign(secret)}`;
      },
    ],
    [
      "an algorithm that is not pinned (RS256 from a key the IdP does not have)",
      async () => {
        const rsa = await generateKeyPair("RS256");
        return `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject("x").setIssuedAt().setExpirationTime("10m").sign(rsa.privateKey)}`;
      },
    ],
    ["a tampered payload (tenant changed after signing)", async () => {
      const [h, , s] = (await sign()).split(".");
      return `Bearer ${h}.${b64({ ...claims, tenant_id: "tenant-02", iss: ISSUER, aud: AUDIENCE, sub: "admin-1", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 })}.${s}`;
    }],
  ])("refuses %s with 401", async (_name, header) => {
    const v = new TokenVerifier(cfg);
    expect((await refusal(v, await header()))[0]).toBe(401);
  });

  it.each([
    ["no tenant claim", { roles: ["client_admin"] }],
    ["a tenant id with SQL in it", { tenant_id: "t' OR '1'='1", roles: ["client_admin"] }],
    ["a data-team role the API does not serve", { tenant_id: "tenant-01", roles: ["internal_analyst", "platform_admin"] }],
    ["no roles", { tenant_id: "tenant-01" }],
  ])("refuses a valid token with %s with 403", async (_name, payload) => {
    expect((await refusal(new TokenVerifier(cfg), `Bearer ${await sign({ payload })}`))[0]).toBe(403);
  });

  it("refuses symmetric algorithms in its configuration", () => {
    expect(() => new TokenVerifier({ ...cfg, algorithms: ["HS256" as never] })).toThrow("identity.algorithms: HS256 not allowed");
  });

  it("remembers a verified token only until it expires", async () => {
    const v = new TokenVerifier(cfg);
    const now = Date.now();
    const token = `Bearer ${await sign({ exp: Math.floor(now / 1000) + 60 })}`;
    expect((await refusal(v, token, now))[0]).toBe(200);
    expect((await refusal(v, token, now + 30_000))[0]).toBe(200);
    expect((await refusal(v, token, now + 120_000))[0]).toBe(401);
  });

  it("verifies against the IdP's JWKS endpoint (createRemoteJWKSet)", async () => {
    const server = http.createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
      const v = new TokenVerifier({ ...cfg, jwks: { url } });
      expect((await v.verify(`Bearer ${await sign()}`)).tenant).toBe("tenant-01");
      expect((await refusal(v, `Bearer ${await sign({ key: otherKey.privateKey })}`))[0]).toBe(401);
    } finally {
      server.close();
    }
  });

  it("refuses a JWKS URL that is not https (outside loopback)", () => {
    expect(() => new TokenVerifier({ ...cfg, jwks: { url: "http://idp.example.com/jwks" } })).toThrow("identity.jwks.url must be https");
  });
});

describe("the API refuses bad tokens with problem+json and never says why", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  }, 120_000);
  afterAll(async () => t?.close());

  it("401 with WWW-Authenticate for a missing or invalid token; 403 for an unserved tenant", async () => {
    const none = await t.get("/v1/core-business/equity_grants");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
    expect(none.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(none.body).toMatchObject({ type: "https://lakemesh.dev/problems/unauthorized", status: 401, title: "Unauthorized" });
    const expired = await t.server.idp.token({ tenant: "tenant-01", persona: "client_admin", subject: "a", ttlSeconds: -60 });
    const r = await t.get("/v1/core-business/equity_grants", expired);
    expect([r.status, r.body.detail]).toEqual([401, "the bearer token is not valid"]);
    const unserved = await t.get("/v1/core-business/equity_grants", await t.token("tenant-77", "client_admin"));
    expect([unserved.status, unserved.body.detail]).toEqual([403, "this API does not serve the token's tenant"]);
  });

  it("an end user cannot read a dataset served to client admins only", async () => {
    const r = await t.get("/v1/core-business/equity_plans", await t.token("tenant-01", "end_user", "user-01-001"));
    expect([r.status, r.body.detail]).toEqual([403, "core-business.equity_plans is not available to end_user"]);
  });
});
