// Embedded dashboards: GET /v1/dashboards (the views a client admin may embed) and
// POST /v1/dashboards/{name}/embed-token (a short-lived token for the caller, minted server-side).
import type { FastifyInstance } from "fastify";
import { HttpProblem } from "../problem";
import { EXTERNAL_VALUE_PATTERN, type EmbedMinter } from "../embed";

export interface ServedDashboard {
  /** The view's name (adoption, kpis, forecasts). */
  readonly name: string;
  readonly displayName: string;
  /** The published dashboard's id in the workspace. */
  readonly dashboardId: string;
}

const problem = { $ref: "Problem#" };

export async function dashboardRoutes(v1: FastifyInstance, d: { list: readonly ServedDashboard[]; minter: EmbedMinter }, hash: (tenant: string, subject: string) => string): Promise<void> {
  const byName = new Map(d.list.map((x) => [x.name, x]));
  const adminOnly = (persona: string) => {
    if (persona !== "client_admin") throw new HttpProblem(403, "forbidden", "Forbidden", "dashboards are embedded for client admins");
  };
  v1.get(
    "/dashboards",
    {
      schema: {
        summary: "Dashboards you may embed",
        tags: ["dashboards"],
        security: [{ bearerAuth: [] }],
        response: { 200: { type: "object", properties: { dashboards: { type: "array", items: { type: "object", properties: { name: { type: "string" }, display_name: { type: "string" }, dashboard_id: { type: "string" } } } } } }, 401: problem, 403: problem },
      },
    },
    async (req) => {
      adminOnly(req.principal!.persona);
      req.audit.query = "dashboards";
      return { dashboards: d.list.map((x) => ({ name: x.name, display_name: x.displayName, dashboard_id: x.dashboardId })) };
    },
  );
  v1.post(
    "/dashboards/:name/embed-token",
    {
      schema: {
        summary: "A short-lived embed token for one dashboard, scoped to your tenant",
        tags: ["dashboards"],
        security: [{ bearerAuth: [] }],
        params: { type: "object", properties: { name: { type: "string", pattern: "^[a-z][a-z0-9_-]{0,40}$" } }, required: ["name"] },
        response: {
          200: {
            type: "object",
            properties: { token: { type: "string" }, expires_in: { type: "integer" }, dashboard_id: { type: "string" }, workspace_id: { type: "string" }, instance_url: { type: "string" } },
          },
          400: problem,
          401: problem,
          403: problem,
          404: problem,
          503: problem,
        },
      },
    },
    async (req) => {
      const p = req.principal!;
      adminOnly(p.persona);
      const dash = byName.get((req.params as { name: string }).name);
      if (!dash) throw new HttpProblem(404, "not-found", "Not found", `no such dashboard; one of: ${[...byName.keys()].join(", ")}`);
      req.audit.query = `dashboard.${dash.name}`;
      if (!EXTERNAL_VALUE_PATTERN.test(p.tenant)) throw new HttpProblem(403, "forbidden", "Forbidden", "the tenant id cannot be used as an external value");
      // Never the user's e-mail or IdP id: a salted hash, unique per viewer, stable across sessions.
      const viewerId = hash(p.tenant, `aibi-viewer:${p.idpSubject}`);
      let t;
      try {
        t = await d.minter.mint(dash.dashboardId, p.tenant, viewerId);
      } catch (e) {
        req.log.error({ err: e }, "embed token minting failed");
        throw new HttpProblem(503, "embed-unavailable", "Embedding unavailable", "the dashboard token could not be minted; retry later");
      }
      return { token: t.token, expires_in: t.expiresIn, dashboard_id: dash.dashboardId, workspace_id: d.minter.workspaceId, instance_url: d.minter.instanceUrl };
    },
  );
}
