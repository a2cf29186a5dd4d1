// The local development IdP: one ES256 key pair kept in .local/serving/dev-idp.json (mode 0600), whose public half
// the local server trusts and whose private half `npm run serve:token` signs tokens with. It exists only for the
// local server; a deployed API verifies tokens against its real IdP's JWKS.
import * as fs from "fs";
import * as path from "path";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from "jose";
import type { ServedPersona } from "../../lib/serving";

export const LOCAL_ISSUER = "http://127.0.0.1/lakemesh-local-idp";
export const LOCAL_AUDIENCE = "lakemesh-serving-local";

interface Stored {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

export class LocalIdp {
  private constructor(private readonly stored: Stored) {}

  /** The key pair in `file`, created on first use. */
  static async open(file: string): Promise<LocalIdp> {
    if (fs.existsSync(file)) return new LocalIdp(JSON.parse(fs.readFileSync(file, "utf8")) as Stored);
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const kid = `local-${Date.now().toString(36)}`;
    const stored: Stored = { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "ES256" }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
    return new LocalIdp(stored);
  }

  get jwks(): JSONWebKeySet {
    return { keys: [this.stored.publicJwk] };
  }

  /** A token as an IdP would issue it: tenant, roles and subject claims, 15 minutes by default. */
  async token(o: { tenant: string; persona: ServedPersona; subject: string; ttlSeconds?: number }): Promise<string> {
    const key = await importJWK(this.stored.privateJwk, "ES256");
    return new SignJWT({ tenant_id: o.tenant, roles: [o.persona] })
      .setProtectedHeader({ alg: "ES256", kid: this.stored.kid, typ: "JWT" })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(o.subject)
      .setIssuedAt()
      .setExpirationTime(`${o.ttlSeconds ?? 900}s`)
      .sign(key);
  }
}
