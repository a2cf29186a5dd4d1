// GDPR intake: POST /v1/gdpr/requests (a client admin files an access or erasure request for a subject of their own
// tenant), GET /v1/gdpr/requests/{id} (its status) and GET /v1/gdpr/requests/{id}/export (the subject-access export,
// for the admin who filed it). The tenant is the token's; the subject id is validated as the GDPR jobs validate it.
import { randomUUID } from "crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { GDPR_SUBJECT_ID } from "../../lib/compile";
import { HttpProblem } from "../problem";
import { GDPR_REQUEST_KINDS, nowIso, TERMINAL, type GdprJobLauncher, type GdprRequestKind, type GdprRequestRecord, type GdprRequestStore } from "../gdpr/types";

const ID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
const problem = { $ref: "Problem#" };
const statusSchema = {
  type: "object",
  properties: {
    request_id: { type: "string" },
    type: { type: "string", enum: [...GDPR_REQUEST_KINDS] },
    status: { type: "string", enum: ["received", "submitted", "running", "done", "failed"] },
    requested_at: { type: "string", format: "date-time" },
    updated_at: { type: "string", format: "date-time" },
    counts: { type: ["object", "null"], additionalProperties: { type: "integer" }, description: "Rows found per dataset, once done." },
    export: { type: ["string", "null"], description: "Where to download the export (access requests, once done)." },
  },
};

const view = (r: GdprRequestRecord) => ({
  request_id: r.requestId,
  type: r.type,
  status: r.status,
  requested_at: r.requestedAt,
  updated_at: r.updatedAt,
  counts: r.counts,
  export: r.type === "access" && r.status === "done" ? `/v1/gdpr/requests/${r.requestId}/export` : null,
});

function admin(req: FastifyRequest) {
  const p = req.principal!;
  if (p.persona !== "client_admin") throw new HttpProblem(403, "forbidden", "Forbidden", "GDPR requests are filed by client admins of the tenant");
  return p;
}

export async function gdprRoutes(v1: FastifyInstance, g: { store: GdprRequestStore; launcher: GdprJobLauncher }, hash: (tenant: string, subject: string) => string): Promise<void> {
  const load = async (tenant: string, id: string): Promise<GdprRequestRecord> => {
    const r = await g.store.get(tenant, id);
    if (!r) throw new HttpProblem(404, "not-found", "Not found", "no such request in your tenant");
    if (TERMINAL.includes(r.status) || r.run === null) return r;
    const polled = await g.launcher.poll(r);
    return polled.status === r.status ? r : g.store.update(tenant, id, { status: polled.status, ...(polled.counts ? { counts: polled.counts } : {}) });
  };

  v1.post(
    "/gdpr/requests",
    {
      schema: {
        summary: "File a GDPR request for a subject of your tenant",
        tags: ["gdpr"],
        security: [{ bearerAuth: [] }],
        body: {
          type: "object",
          additionalProperties: false,
          required: ["type", "subject_id"],
          properties: {
            type: { type: "string", enum: [...GDPR_REQUEST_KINDS], description: "access: export every row of the subject; erasure: forget the subject." },
            subject_id: { type: "string", pattern: GDPR_SUBJECT_ID.source, description: "The subject's id in your tenant's data." },
          },
        },
        response: { 202: statusSchema, 400: problem, 401: problem, 403: problem, 429: problem, 503: problem },
      },
    },
    async (req, reply) => {
      const p = admin(req);
      const body = req.body as { type: GdprRequestKind; subject_id: string };
      if (!GDPR_SUBJECT_ID.test(body.subject_id)) throw new HttpProblem(400, "invalid-parameter", "Invalid parameter", "subject_id: letters, digits and . _ @ + -, at most 256 characters");
      const now = nowIso();
      const record: GdprRequestRecord = {
        requestId: randomUUID(),
        type: body.type,
        tenant: p.tenant,
        subjectHash: hash(p.tenant, body.subject_id),
        requesterHash: hash(p.tenant, p.subject),
        status: "received",
        requestedAt: now,
        updatedAt: now,
        run: null,
        counts: null,
      };
      req.audit.query = `gdpr.${body.type}`;
      await g.store.create({ record, subject: body.subject_id });
      let run: string;
      try {
        run = await g.launcher.start(record, body.subject_id);
      } catch (e) {
        req.log.error({ err: e, requestId: record.requestId }, "the GDPR job could not be started");
        await g.store.update(p.tenant, record.requestId, { status: "failed" });
        throw new HttpProblem(503, "job-unavailable", "GDPR job unavailable", `request ${record.requestId} was recorded but its job could not be started; file it again later`);
      }
      const updated = await g.store.update(p.tenant, record.requestId, { status: "submitted", run });
      reply.header("location", `/v1/gdpr/requests/${record.requestId}`);
      return reply.status(202).send(view(updated));
    },
  );

  v1.get(
    "/gdpr/requests/:id",
    {
      schema: {
        summary: "Status of a GDPR request of your tenant",
        tags: ["gdpr"],
        security: [{ bearerAuth: [] }],
        params: { type: "object", properties: { id: { type: "string", pattern: ID } }, required: ["id"] },
        response: { 200: statusSchema, 400: problem, 401: problem, 403: problem, 404: problem },
      },
    },
    async (req) => {
      const p = admin(req);
      req.audit.query = "gdpr.status";
      return view(await load(p.tenant, (req.params as { id: string }).id));
    },
  );

  v1.get(
    "/gdpr/requests/:id/export",
    {
      schema: {
        summary: "The export of a finished subject access request (only for the admin who filed it)",
        tags: ["gdpr"],
        security: [{ bearerAuth: [] }],
        params: { type: "object", properties: { id: { type: "string", pattern: ID } }, required: ["id"] },
        response: { 200: { type: "object", additionalProperties: true }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
      },
    },
    async (req, reply) => {
      const p = admin(req);
      req.audit.query = "gdpr.export";
      const r = await load(p.tenant, (req.params as { id: string }).id);
      // Another admin of the same tenant gets the same answer as for an unknown id.
      if (r.requesterHash !== hash(p.tenant, p.subject) || r.type !== "access") throw new HttpProblem(404, "not-found", "Not found", "no such export for you");
      if (r.status !== "done") throw new HttpProblem(409, "not-ready", "Not ready", `the request is ${r.status}; the export is available once it is done`);
      const out = await g.launcher.readExport(r);
      req.audit.rows = Object.values((out.manifest as { datasets?: Record<string, number> }).datasets ?? {}).reduce((a, b) => a + b, 0);
      reply.header("content-disposition", `attachment; filename="gdpr-export-${r.requestId}.json"`);
      return out;
    },
  );
}
