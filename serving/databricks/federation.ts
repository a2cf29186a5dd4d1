// Databricks tokens for the tenant principals, without stored secrets: the API signs a short JWT whose subject names
// the tenant (iss = the API's public URL, which serves the public key), and exchanges it at the workspace's token
// endpoint for a token of the tenant's service principal (RFC 8693; the principal's federation policy admits exactly
// that issuer, audience and subject).
// https://docs.databricks.com/aws/en/dev-tools/auth/oauth-federation-policy
// https://docs.databricks.com/aws/en/dev-tools/auth/oauth-federation-exchange
import { randomUUID } from "crypto";
import { exportJWK, importPKCS8, SignJWT, type CryptoKey, type JWK } from "jose";

export interface FederationConfig {
  /** Workspace host, without scheme. */
  readonly host: string;
  /** The API's public URL: the `iss` of the tokens it signs. */
  readonly issuer: string;
  readonly audience: string;
  /** Per tenant: the principal's application id (the exchange's client_id) and the subject its policy admits. */
  readonly tenants: Readonly<Record<string, { readonly applicationId: string; readonly federationSubject: string }>>;
}

export class FederationError extends Error {}

type Fetch = typeof fetch;

export class FederatedTokens {
  private readonly cache = new Map<string, { token: string; until: number }>();
  private constructor(
    private readonly cfg: FederationConfig,
    private readonly key: CryptoKey,
    /** The public key, served at <issuer>/.well-known/jwks.json. */
    readonly publicJwk: JWK,
    private readonly fetchImpl: Fetch,
  ) {}

  /** From the PEM (PKCS#8) EC P-256 private key in the API's secret. */
  static async create(cfg: FederationConfig, privateKeyPem: string, fetchImpl: Fetch = fetch): Promise<FederatedTokens> {
    const key = await importPKCS8(privateKeyPem, "ES256", { extractable: true });
    const jwk = await exportJWK(key);
    const { d: _private, ...pub } = jwk;
    return new FederatedTokens(cfg, key, { ...pub, alg: "ES256", use: "sig", kid: "lakemesh-serving-federation" }, fetchImpl);
  }

  /** The tenant's principal, or a FederationError for a tenant the deployment has no principal for. */
  principal(tenant: string) {
    const p = this.cfg.tenants[tenant];
    if (!p) throw new FederationError("no service principal for this tenant");
    return p;
  }

  /** The short JWT the exchange takes; tokens are RS256 or ES256 per the federation docs. */
  async assertion(tenant: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: this.publicJwk.kid, typ: "JWT" })
      .setIssuer(this.cfg.issuer)
      .setAudience(this.cfg.audience)
      .setSubject(this.principal(tenant).federationSubject)
      .setIssuedAt()
      .setExpirationTime("5m")
      .setJti(randomUUID())
      .sign(this.key);
  }

  /** POST to the workspace's /oidc/v1/token; the response's access token and lifetime. Never logs the tokens. */
  async exchange(form: Record<string, string>): Promise<{ access_token: string; expires_in: number }> {
    const res = await this.fetchImpl(`https://${this.cfg.host}/oidc/v1/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new FederationError(`token exchange failed with HTTP ${res.status}`);
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (typeof body.access_token !== "string") throw new FederationError("token exchange returned no access token");
    return { access_token: body.access_token, expires_in: Number(body.expires_in ?? 3600) };
  }

  /** A Databricks token of the tenant's principal for `scope` (sql, all-apis), cached until a minute before it expires. */
  async token(tenant: string, scope: string, now = Date.now()): Promise<string> {
    const key = `${tenant}\u0000${scope}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.token;
    const t = await this.exchange({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      subject_token: await this.assertion(tenant),
      client_id: this.principal(tenant).applicationId,
      scope,
    });
    this.cache.set(key, { token: t.access_token, until: now + Math.max(0, t.expires_in - 60) * 1000 });
    return t.access_token;
  }
}
