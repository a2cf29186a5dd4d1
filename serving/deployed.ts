// The deployed API: its configuration comes from the ConfigMap the program writes (lib/serving servingRuntimeConfig),
// its secrets from the environment (the Kubernetes secret); queries run on the Databricks warehouse as each tenant's
// own principal; the API serves the public key of its federation signing key at its issuer's well-known endpoints.
import * as fs from "fs";
import * as path from "path";
import type { FastifyInstance } from "fastify";
import { CursorCodec, SERVING_SECRET_KEYS, SERVING_SECRETS_DIR, type ServingRuntimeConfig } from "../lib/serving";
import { buildApp } from "./app";
import { StdoutAuditSink, subjectHasher } from "./audit";
import { TokenVerifier, type Algorithm } from "./auth";
import { DatabricksBackend, driverSessions } from "./databricks/backend";
import { DatabricksEmbedMinter } from "./databricks/embed";
import { FederatedTokens } from "./databricks/federation";
import { DatabricksGdprJobs, DatabricksRequestStore } from "./gdpr/databricks";

export class ConfigError extends Error {}


export function readRuntimeConfig(file: string): ServingRuntimeConfig {
  let c: ServingRuntimeConfig;
  try {
    c = JSON.parse(fs.readFileSync(file, "utf8")) as ServingRuntimeConfig;
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message}`);
  }
  for (const key of ["identity", "databricks", "catalog", "rateLimit", "publicUrl"] as const) if (!c[key]) throw new ConfigError(`${file}: ${key} is missing`);
  if (Object.keys(c.databricks.tenants).length === 0) throw new ConfigError(`${file}: databricks.tenants is empty`);
  return c;
}

function secretEnv(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new ConfigError(`${name} is not set (it comes from the serving secret)`);
  return v;
}

export async function createDeployedServer(c: ServingRuntimeConfig, env: NodeJS.ProcessEnv = process.env, fetchImpl: typeof fetch = fetch): Promise<FastifyInstance> {
  const federation = await FederatedTokens.create(
    { host: c.databricks.host, issuer: c.databricks.federation.issuer, audience: c.databricks.federation.audience, tenants: c.databricks.tenants },
    secretEnv(env, SERVING_SECRET_KEYS.federationKey.env),
    fetchImpl,
  );
  const tenants = Object.keys(c.databricks.tenants);
  const backend = new DatabricksBackend(driverSessions({ host: c.databricks.host, httpPath: c.databricks.httpPath, catalog: c.catalog.catalog, token: (t) => federation.token(t, "sql") }), tenants[0]);
  const app = await buildApp({
    catalog: c.catalog,
    backend,
    verifier: new TokenVerifier({
      issuer: c.identity.issuer,
      audience: c.identity.audience,
      algorithms: c.identity.algorithms as Algorithm[],
      jwks: c.identity.jwks,
      tenantClaim: c.identity.tenantClaim,
      subjectClaim: c.identity.subjectClaim,
      rolesClaim: c.identity.rolesClaim,
      roles: c.identity.roles,
    }),
    cursors: new CursorCodec(secretEnv(env, SERVING_SECRET_KEYS.cursorKey.env)),
    audit: new StdoutAuditSink(),
    hashSubject: subjectHasher(secretEnv(env, SERVING_SECRET_KEYS.subjectSalt.env)),
    tenants: new Set(tenants),
    rateLimit: c.rateLimit,
    gdpr: {
      store: new DatabricksRequestStore(backend, c.databricks.gdpr.intakeTable),
      launcher: new DatabricksGdprJobs({ host: c.databricks.host, federation, accessJob: c.databricks.gdpr.accessJob, erasureJob: c.databricks.gdpr.erasureJob, exportRoot: c.databricks.gdpr.exportRoot, fetchImpl }),
    },
    dashboards: {
      list: c.dashboards.filter((d) => d.dashboardId),
      minter: new DatabricksEmbedMinter({
        host: c.databricks.host,
        workspaceId: c.databricks.workspaceId,
        federation,
        minting: c.databricks.tokenMinting as "federation" | "secret",
        oauthSecret: (t) => {
          const f = path.join(env.LAKEMESH_SECRETS_DIR ?? SERVING_SECRETS_DIR, `oauth-secret-${t}`);
          return fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim() : "";
        },
        fetchImpl,
      }),
    },
    logger: { level: env.LAKEMESH_LOG_LEVEL ?? "info", redact: ["req.headers.authorization"] },
    publicUrl: c.publicUrl,
    // Databricks fetches the federation key from the issuer's well-known endpoints (the federation policy names no
    // JWKS): https://docs.databricks.com/aws/en/dev-tools/auth/oauth-federation-policy
    extra: async (a) => {
      a.get("/.well-known/openid-configuration", { schema: { hide: true } }, async () => ({ issuer: c.databricks.federation.issuer, jwks_uri: `${c.databricks.federation.issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ["ES256"] }));
      a.get("/.well-known/jwks.json", { schema: { hide: true } }, async () => ({ keys: [federation.publicJwk] }));
    },
  });
  app.addHook("onClose", async () => backend.close());
  return app;
}
