// The tenant-scoped REST API (fastify). Public: health, readiness and the OpenAPI document with its UI. Under /v1,
// every request carries a verified token; the tenant and subject come from it alone, each tenant has its own rate
// limit, every request gets an id and one audit record, and every error is an RFC 9457 problem.
import { randomUUID } from "crypto";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { CursorError, RequestError, type CursorCodec, type ServingCatalog } from "../lib/serving";
import type { AuditSink } from "./audit";
import { AuthError, type Principal, type TokenVerifier } from "./auth";
import type { QueryBackend } from "./backend";
import type { EmbedMinter } from "./embed";
import type { GdprJobLauncher, GdprRequestStore } from "./gdpr/types";
import { HttpProblem, PROBLEM_SCHEMA, sendProblem } from "./problem";
import { dashboardRoutes, type ServedDashboard } from "./routes/dashboards";
import { datasetRoutes } from "./routes/datasets";
import { gdprRoutes } from "./routes/gdpr";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    /** What the request ran, for its audit record: a dataset id, dashboard or GDPR action, and rows returned. */
    audit: { query: string | null; rows: number | null };
  }
}

export interface AppOptions {
  readonly catalog: ServingCatalog;
  readonly backend: QueryBackend;
  readonly verifier: TokenVerifier;
  readonly cursors: CursorCodec;
  readonly audit: AuditSink;
  /** Salted hash of (tenant, subject), as the GDPR audit log hashes subjects. */
  readonly hashSubject: (tenant: string, subject: string) => string;
  /** Tenants this deployment serves (each has its principal); a token of any other tenant gets 403. */
  readonly tenants: ReadonlySet<string>;
  /** Requests per tenant per window. @default 600 per minute */
  readonly rateLimit?: { readonly max: number; readonly timeWindowMs: number };
  readonly gdpr?: { readonly store: GdprRequestStore; readonly launcher: GdprJobLauncher };
  readonly dashboards?: { readonly list: readonly ServedDashboard[]; readonly minter: EmbedMinter };
  /** Fastify logger options. @default false */
  readonly logger?: boolean | Record<string, unknown>;
  /** Public base URL, for the OpenAPI servers list. @default "/" */
  readonly publicUrl?: string;
  /** Further routes of the local server (stand-ins, example page). */
  readonly extra?: (app: FastifyInstance) => Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: o.logger ?? false,
    // A caller's request id is kept only when it is a plain token; otherwise a new one.
    genReqId: (req) => {
      const h = req.headers["x-request-id"];
      return typeof h === "string" && REQUEST_ID.test(h) ? h : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 16 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    return503OnClosing: true,
    // Unknown query keys are refused (400), not silently dropped; nothing is coerced beyond strings to numbers.
    ajv: { customOptions: { removeAdditional: false, useDefaults: true, coerceTypes: "array", allErrors: false } },
  });
  app.decorateRequest("principal", null);
  app.decorateRequest("audit", null as unknown as FastifyRequest["audit"]);
  app.addHook("onRequest", async (req) => {
    req.audit = { query: null, rows: null };
  });
  app.addSchema(PROBLEM_SCHEMA);

  app.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    if (req.url.startsWith("/v1/")) reply.header("cache-control", "no-store");
  });
  app.addHook("onResponse", async (req, reply) => {
    if (!req.url.startsWith("/v1/")) return;
    const p = req.principal;
    o.audit.write({
      time: new Date().toISOString(),
      requestId: req.id,
      method: req.method,
      route: req.routeOptions.url ?? "(unmatched)",
      status: reply.statusCode,
      persona: p?.persona ?? null,
      tenant: p?.tenant ?? null,
      subjectHash: p ? o.hashSubject(p.tenant, p.subject) : null,
      // A request refused before its handler (validation) still names the query it asked for.
      query: req.audit.query ?? (req.routeOptions.config as { query?: string } | undefined)?.query ?? null,
      rows: req.audit.rows,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
    });
  });

  app.setErrorHandler((err: FastifyError, req, reply) => errorReply(app, err, req, reply));
  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, new HttpProblem(404, "not-found", "Not found", "no such resource; see /docs for the API")));

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "lakemesh serving API",
        version: "1.0.0",
        description:
          "Tenant-scoped read access to the mesh's published gold and silver datasets, GDPR request intake and embedded dashboards. The tenant and the subject come only from the bearer token.",
      },
      servers: [{ url: o.publicUrl ?? "/" }],
      components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true, uiConfig: { deepLinking: false } });

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (req, reply) => {
    try {
      await o.backend.ready();
      return { status: "ready" };
    } catch {
      return sendProblem(reply, req, new HttpProblem(503, "not-ready", "Not ready", "the query backend is not reachable"));
    }
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (v1) => {
      v1.addHook("onRequest", async (req) => {
        const p = await o.verifier.verify(req.headers.authorization);
        if (!o.tenants.has(p.tenant)) throw new AuthError(403, "this API does not serve the token's tenant", "tenant not configured");
        req.principal = p;
      });
      await v1.register(rateLimit, {
        hook: "preHandler",
        max: o.rateLimit?.max ?? 600,
        timeWindow: o.rateLimit?.timeWindowMs ?? 60_000,
        keyGenerator: (req) => `tenant:${req.principal!.tenant}`,
        errorResponseBuilder: (_req, ctx) =>
          new HttpProblem(429, "rate-limited", "Too many requests", `the tenant's limit is ${ctx.max} requests per ${Math.round(ctx.ttl / 1000) || 1} s; retry later`),
      });
      await datasetRoutes(v1, o);
      if (o.gdpr) await gdprRoutes(v1, o.gdpr, o.hashSubject);
      if (o.dashboards) await dashboardRoutes(v1, o.dashboards, o.hashSubject);
    },
    { prefix: "/v1" },
  );
  if (o.extra) await o.extra(app);
  return app;
}

function errorReply(app: FastifyInstance, err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof HttpProblem) return sendProblem(reply, req, err);
  if (err instanceof AuthError) {
    if (err.reason) req.log.info({ reason: err.reason }, "refused");
    return err.status === 401
      ? sendProblem(reply, req, new HttpProblem(401, "unauthorized", "Unauthorized", err.message, { "www-authenticate": 'Bearer error="invalid_token"' }))
      : sendProblem(reply, req, new HttpProblem(403, "forbidden", "Forbidden", err.message));
  }
  if (err instanceof RequestError) return sendProblem(reply, req, new HttpProblem(400, "invalid-parameter", "Invalid parameter", err.message));
  if (err instanceof CursorError) return sendProblem(reply, req, new HttpProblem(400, "invalid-cursor", "Invalid cursor", err.message));
  if (err.validation) {
    // Names what is wrong, never the value given.
    const where = err.validation.map((v) => {
      const extra = (v.params as { additionalProperty?: string }).additionalProperty;
      const at = `${err.validationContext ?? "request"}${v.instancePath || ""}${extra ? `/${extra}` : ""}`;
      const what = extra ? "is not a parameter of this endpoint" : v.keyword === "pattern" ? "has a value this parameter does not accept (see its pattern in /openapi.json)" : (v.message ?? "is not valid");
      return `${at}: ${what}`;
    });
    return sendProblem(reply, req, new HttpProblem(400, "invalid-request", "Invalid request", where.join("; ")));
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return sendProblem(reply, req, new HttpProblem(413, "too-large", "Payload too large", "the body is larger than 16 KiB"));
  if (status === 415) return sendProblem(reply, req, new HttpProblem(415, "unsupported-media-type", "Unsupported media type", "send application/json"));
  if (status >= 400 && status < 500) return sendProblem(reply, req, new HttpProblem(status, "bad-request", "Bad request", "the request could not be read"));
  app.log.error({ err, reqId: req.id }, "request failed");
  return sendProblem(reply, req, new HttpProblem(status >= 500 && status < 600 ? status : 500, "internal", "Internal error", `something went wrong; quote request ${req.id}`));
}

