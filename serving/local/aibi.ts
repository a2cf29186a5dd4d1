// A stand-in for AI/BI external embedding when there is no workspace. It mints tokens shaped like the scoped
// tokens Databricks issues (a JWT whose custom claim carries external value, viewer id and dashboard id), serves
// the page the official client library frames (/embed/dashboardsv3/<id>, speaking the library's postMessage
// protocol) and runs the compiled dashboard datasets with the token's external value bound, in the tenant's
// secured session. The example page embeds a dashboard with @databricks/aibi-client exactly as a product would.
import * as fs from "fs";
import * as path from "path";
import type { FastifyInstance } from "fastify";
import { generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from "jose";
import { typeFamily } from "../../lib/manifest";
import { jsonValue, type DashboardSpec } from "../../lib/serving";
import type { EmbedMinter, EmbedToken } from "../embed";
import { HttpProblem, sendProblem } from "../problem";
import type { DuckDbBackend } from "./duckdb";
import { servedRelation } from "./duckdb";

export const STANDIN_ISSUER = "lakemesh-local-aibi";
export const STANDIN_WORKSPACE_ID = "0000000000000000";

/** Local dashboard ids: stable per view name. */
export const standinDashboardId = (name: string) => `local-${name}`;

export class LocalEmbedMinter implements EmbedMinter {
  readonly workspaceId = STANDIN_WORKSPACE_ID;
  private constructor(
    /** Set once the server listens, when it was started on a free port. */
    public instanceUrl: string,
    private readonly privateKey: CryptoKey,
    readonly publicKey: CryptoKey,
    private readonly ttlSeconds: number,
  ) {}

  static async create(instanceUrl: string, ttlSeconds = 600): Promise<LocalEmbedMinter> {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    return new LocalEmbedMinter(instanceUrl, privateKey, publicKey, ttlSeconds);
  }

  async mint(dashboardId: string, tenant: string, viewerId: string): Promise<EmbedToken> {
    const token = await new SignJWT({ external_value: tenant, external_viewer_id: viewerId, custom_claim: `urn:aibi:external_data:${tenant}:${viewerId}:${dashboardId}` })
      .setProtectedHeader({ alg: "ES256", typ: "JWT" })
      .setIssuer(STANDIN_ISSUER)
      .setAudience(dashboardId)
      .setSubject(viewerId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.privateKey);
    return { token, expiresIn: this.ttlSeconds };
  }

  /** The tenant (external value) of a token minted for `dashboardId`; throws on anything else. */
  async externalValue(token: string, dashboardId: string): Promise<string> {
    const { payload } = await jwtVerify(token, this.publicKey, { issuer: STANDIN_ISSUER, audience: dashboardId, algorithms: ["ES256"], requiredClaims: ["exp", "external_value"] });
    const claim = `urn:aibi:external_data:${String(payload.external_value)}:${String(payload.external_viewer_id)}:${dashboardId}`;
    if (payload.custom_claim !== claim) throw new Error("custom claim does not match");
    return String(payload.external_value);
  }
}

const PUBLIC = (root: string) => path.join(root, "serving", "public");

/** The stand-in's and the example page's routes. */
export function standinRoutes(root: string, db: DuckDbBackend, dashboards: readonly DashboardSpec[], minter: LocalEmbedMinter) {
  const byId = new Map(dashboards.map((d) => [standinDashboardId(d.name), d]));
  const file = (name: string) => fs.readFileSync(path.join(PUBLIC(root), name), "utf8");
  const clientLibrary = require.resolve("@databricks/aibi-client/dist/index.js");
  return async (app: FastifyInstance): Promise<void> => {
    // What the client library frames: {instanceUrl}/embed/dashboardsv3/{dashboardId}?o={workspaceId}#token=...
    app.get("/embed/dashboardsv3/:id", { schema: { hide: true } }, async (_req, reply) => {
      reply.header("content-security-policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'self'");
      return reply.type("text/html; charset=utf-8").send(file("standin.html"));
    });
    app.get("/embed/standin.js", { schema: { hide: true } }, async (_req, reply) => reply.type("text/javascript; charset=utf-8").send(file("standin.js")));
    app.get("/embed/embed.css", { schema: { hide: true } }, async (_req, reply) => reply.type("text/css; charset=utf-8").send(file("embed.css")));
    app.get("/local-aibi/dashboards/:id/data", { schema: { hide: true } }, async (req, reply) => {
      const id = (req.params as { id: string }).id;
      const dash = byId.get(id);
      const m = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(req.headers.authorization ?? "");
      if (!dash) return sendProblem(reply, req, new HttpProblem(404, "not-found", "Not found", "no such dashboard"));
      let tenant: string;
      try {
        tenant = await minter.externalValue(m?.[1] ?? "", id);
      } catch {
        return sendProblem(reply, req, new HttpProblem(401, "unauthorized", "Unauthorized", "the embed token is not valid for this dashboard"));
      }
      // The compiled dataset, in the tenant's session, with the external value bound where the query names it.
      const datasets = [];
      for (const d of dash.datasets) {
        const cols = d.columns.map((c) => `"${c.name}"`).join(", ");
        const sql = `SELECT ${cols} FROM ${servedRelation(d.table)} WHERE "${d.tenantKey}" = $external_value ORDER BY ${cols} LIMIT 500`;
        const rows = await db.query(tenant, sql, { external_value: tenant });
        datasets.push({ name: d.name, displayName: d.displayName, columns: d.columns.map((c) => c.name), rows: rows.map((r) => d.columns.map((c) => jsonValue({ physicalType: c.physicalType, family: typeFamily(c.physicalType) }, r[c.name]))) });
      }
      reply.header("cache-control", "no-store");
      return { dashboard: dash.name, title: dash.displayName, datasets };
    });
    app.get("/examples/embed.html", { schema: { hide: true } }, async (_req, reply) => {
      reply.header("content-security-policy", `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src ${new URL(minter.instanceUrl).origin}`);
      return reply.type("text/html; charset=utf-8").send(file("embed.html"));
    });
    app.get("/examples/embed.js", { schema: { hide: true } }, async (_req, reply) => reply.type("text/javascript; charset=utf-8").send(file("embed.js")));
    app.get("/examples/embed.css", { schema: { hide: true } }, async (_req, reply) => reply.type("text/css; charset=utf-8").send(file("embed.css")));
    // The official client library, from npm (node_modules), as the product's bundler would ship it.
    app.get("/examples/aibi-client.js", { schema: { hide: true } }, async (_req, reply) => reply.type("text/javascript; charset=utf-8").send(fs.readFileSync(clientLibrary, "utf8")));
  };
}
