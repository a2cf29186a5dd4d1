// Who is calling: only from a bearer token verified against the IdP's keys, with issuer, audience, algorithms and
// expiry pinned (jose jwtVerify). The tenant and the data subject come from the token's claims, never from a path,
// query or body; the IdP's role names map to the two personas the API serves.
import { createHash } from "crypto";
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { GDPR_SUBJECT_ID, GDPR_TENANT_ID } from "../lib/compile";
import type { ServedPersona } from "../lib/serving";

/** Asymmetric algorithms only: a symmetric one would let anyone holding the (public) key mint tokens. */
export const ALLOWED_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"] as const;
export type Algorithm = (typeof ALLOWED_ALGORITHMS)[number];

export interface IdentityConfig {
  /** Exact `iss` of accepted tokens. */
  readonly issuer: string;
  /** Required `aud`. */
  readonly audience: string;
  /** Accepted signing algorithms (a subset of ALLOWED_ALGORITHMS). */
  readonly algorithms: readonly Algorithm[];
  /** The IdP's JWKS URL (https), or the key set itself (local development and tests). */
  readonly jwks: { readonly url: string } | { readonly keys: JSONWebKeySet };
  /** Claim holding the tenant id. @default "tenant_id" */
  readonly tenantClaim?: string;
  /** Claim holding the data-subject id of an end user (their id in the tenant's data). @default "sub" */
  readonly subjectClaim?: string;
  /** Claim holding the role names (array of strings, or a space-separated string). @default "roles" */
  readonly rolesClaim?: string;
  /** IdP role names of each persona. @default { client_admin: ["client_admin"], end_user: ["end_user"] } */
  readonly roles?: Readonly<Record<ServedPersona, readonly string[]>>;
  /** Clock skew tolerated on exp/nbf/iat, seconds. @default 30 */
  readonly clockToleranceSeconds?: number;
  /** Tokens older than this (by iat) are refused, seconds. @default 3600 */
  readonly maxTokenAgeSeconds?: number;
}

/** The verified caller. */
export interface Principal {
  readonly persona: ServedPersona;
  readonly tenant: string;
  /** The token's `sub` (the IdP's user id). */
  readonly idpSubject: string;
  /** The caller's data-subject id (end users: the rows they may read). */
  readonly subject: string;
}

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
    /** Why, for the server log only (never sent to the client). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

type KeySource = ReturnType<typeof createRemoteJWKSet> | ReturnType<typeof createLocalJWKSet>;

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export class TokenVerifier {
  private readonly keys: KeySource;
  private readonly cache = new Map<string, { principal: Principal; exp: number }>();

  constructor(
    private readonly cfg: IdentityConfig,
    /** Verified tokens remembered until their own expiry (0 disables). @default 10000 */
    private readonly cacheSize = 10_000,
  ) {
    const bad = cfg.algorithms.filter((a) => !(ALLOWED_ALGORITHMS as readonly string[]).includes(a));
    if (cfg.algorithms.length === 0 || bad.length > 0) throw new Error(`identity.algorithms: ${bad.join(", ") || "(none)"} not allowed; one or more of ${ALLOWED_ALGORITHMS.join(", ")}`);
    if ("url" in cfg.jwks) {
      const url = new URL(cfg.jwks.url);
      if (url.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) throw new Error("identity.jwks.url must be https");
      this.keys = createRemoteJWKSet(url, { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    } else {
      this.keys = createLocalJWKSet(cfg.jwks.keys);
    }
  }

  /** The principal of an Authorization header, or an AuthError (401: no valid token, 403: a token the API does not serve). */
  async verify(authorization: string | undefined, now = Date.now()): Promise<Principal> {
    const m = BEARER.exec(authorization ?? "");
    if (!m) throw new AuthError(401, "a bearer token is required", "missing or malformed Authorization header");
    const token = m[1];
    const key = createHash("sha256").update(token).digest("base64url");
    const hit = this.cache.get(key);
    if (hit && hit.exp * 1000 > now) return hit.principal;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.cfg.issuer,
        audience: this.cfg.audience,
        algorithms: [...this.cfg.algorithms],
        requiredClaims: ["exp", "iat", "sub"],
        clockTolerance: this.cfg.clockToleranceSeconds ?? 30,
        maxTokenAge: this.cfg.maxTokenAgeSeconds ?? 3600,
        currentDate: new Date(now),
      }));
    } catch (e) {
      throw new AuthError(401, "the bearer token is not valid", (e as { code?: string }).code ?? (e as Error).name);
    }
    const principal = this.principalOf(payload);
    if (this.cacheSize > 0) {
      if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      // Never past the token's own expiry, nor past the maximum token age.
      this.cache.set(key, { principal, exp: Math.min(payload.exp!, payload.iat! + (this.cfg.maxTokenAgeSeconds ?? 3600)) });
    }
    return principal;
  }

  private principalOf(p: JWTPayload): Principal {
    const claim = (name: string) => (p as Record<string, unknown>)[name];
    const tenant = claim(this.cfg.tenantClaim ?? "tenant_id");
    if (typeof tenant !== "string" || !GDPR_TENANT_ID.test(tenant)) throw new AuthError(403, "the token names no tenant this API serves", "tenant claim missing or malformed");
    const rawRoles = claim(this.cfg.rolesClaim ?? "roles");
    const roles = Array.isArray(rawRoles) ? rawRoles.filter((r): r is string => typeof r === "string") : typeof rawRoles === "string" ? rawRoles.split(" ") : [];
    const map = this.cfg.roles ?? { client_admin: ["client_admin"], end_user: ["end_user"] };
    // A client admin who is also an employee reads as client admin: their tenant-wide view contains their own rows.
    const persona: ServedPersona | undefined = roles.some((r) => map.client_admin.includes(r)) ? "client_admin" : roles.some((r) => map.end_user.includes(r)) ? "end_user" : undefined;
    if (!persona) throw new AuthError(403, "the token's roles are not served by this API (client_admin or end_user)", "no served role");
    const subject = claim(this.cfg.subjectClaim ?? "sub");
    if (typeof subject !== "string" || !GDPR_SUBJECT_ID.test(subject)) throw new AuthError(403, "the token names no valid subject", "subject claim missing or malformed");
    return { persona, tenant, idpSubject: String(p.sub), subject };
  }
}
