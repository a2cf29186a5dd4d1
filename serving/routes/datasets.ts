// One endpoint per served dataset: GET /v1/<domain>/<dataset>, plus GET /v1/datasets (what the caller may read).
// Route schemas are built from the catalog, so the OpenAPI document lists every filter, and the response schema
// (also the serializer) emits only declared columns.
import type { FastifyInstance } from "fastify";
import {
  buildPageQuery,
  columnSchema,
  CursorCodec,
  CURSOR_PATTERN,
  datasetsFor,
  FIELDS_PATTERN,
  filterParam,
  jsonValue,
  LIMIT,
  LIMIT_PATTERN,
  pageOrder,
  parseQuery,
  SORT_PATTERN,
  VALUE_PATTERNS,
  type KeyValue,
  type Scope,
  type ServedDataset,
} from "../../lib/serving";
import type { AppOptions } from "../app";
import { HttpProblem } from "../problem";

const problems = { 400: { $ref: "Problem#" }, 401: { $ref: "Problem#" }, 403: { $ref: "Problem#" }, 429: { $ref: "Problem#" } };

function querySchema(ds: ServedDataset) {
  const properties: Record<string, unknown> = {
    fields: { type: "string", pattern: FIELDS_PATTERN, description: "Columns to return, comma-separated (default: all)." },
    sort: { type: "string", pattern: SORT_PATTERN, description: "Up to 4 sortable columns, comma-separated; prefix - for descending. The row key is always appended." },
    // A string with a strict pattern: an integer schema would let Ajv coerce "0x41" or "1e2" into a number.
    limit: { type: "string", pattern: LIMIT_PATTERN, description: `Page size, ${LIMIT.minimum} to ${LIMIT.maximum} (default ${LIMIT.default}).` },
    cursor: { type: "string", pattern: CURSOR_PATTERN, description: "next_cursor of the previous page, unchanged, with the same filters and sort." },
  };
  for (const c of ds.columns) {
    for (const op of c.filters) {
      properties[filterParam(c.name, op)] = { type: "string", pattern: VALUE_PATTERNS[c.family], description: `${c.name} ${op === "eq" ? "equals" : op} the value (${c.physicalType}).` };
    }
  }
  return { type: "object", additionalProperties: false, properties };
}

function responseSchema(ds: ServedDataset) {
  return {
    type: "object",
    required: ["data", "next_cursor"],
    properties: {
      data: { type: "array", items: { type: "object", additionalProperties: false, properties: Object.fromEntries(ds.columns.map((c) => [c.name, columnSchema(c)])) } },
      next_cursor: { type: ["string", "null"], description: "Pass as cursor for the next page; null on the last page." },
    },
  };
}

export async function datasetRoutes(v1: FastifyInstance, o: AppOptions): Promise<void> {
  v1.get(
    "/datasets",
    {
      schema: {
        summary: "Datasets the caller may read",
        tags: ["datasets"],
        security: [{ bearerAuth: [] }],
        response: {
          200: {
            type: "object",
            properties: {
              persona: { type: "string" },
              datasets: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    id: { type: "string" },
                    path: { type: "string" },
                    layer: { type: "string" },
                    description: { type: "string" },
                    contract_version: { type: "string" },
                    columns: { type: "array", items: { type: "object", properties: { name: { type: "string" }, type: { type: "string" }, nullable: { type: "boolean" }, filters: { type: "array", items: { type: "string" } }, sortable: { type: "boolean" } } } },
                  },
                },
              },
            },
          },
          ...problems,
        },
      },
    },
    async (req) => {
      const p = req.principal!;
      req.audit.query = "catalog";
      const list = datasetsFor(o.catalog, p.persona);
      req.audit.rows = list.length;
      return {
        persona: p.persona,
        datasets: list.map((d) => ({
          id: d.id,
          path: `/v1/${d.domain}/${d.name}`,
          layer: d.layer,
          description: d.description,
          contract_version: d.contractVersion,
          columns: d.columns.map((c) => ({ name: c.name, type: c.physicalType, nullable: c.nullable, filters: c.filters.map((f) => filterParam(c.name, f)), sortable: c.sortable })),
        })),
      };
    },
  );

  for (const ds of o.catalog.datasets) {
    const cols = new Map(ds.columns.map((c) => [c.name, c]));
    v1.get(
      `/${ds.domain}/${ds.name}`,
      {
        config: { query: ds.id },
        schema: {
          summary: ds.description,
          description: `${ds.layer} dataset ${ds.id} (contract ${ds.contractVersion}); readable by ${ds.personas.join(", ")}.${ds.personas.includes("end_user") ? ` End users see only rows whose ${ds.subjectKey} is their own.` : ""}`,
          tags: [ds.domain],
          security: [{ bearerAuth: [] }],
          querystring: querySchema(ds),
          response: { 200: responseSchema(ds), ...problems },
        },
      },
      async (req) => {
        const p = req.principal!;
        req.audit.query = ds.id;
        if (!ds.personas.includes(p.persona)) throw new HttpProblem(403, "forbidden", "Forbidden", `${ds.id} is not available to ${p.persona}`);
        const q = parseQuery(ds, req.query as Record<string, unknown>);
        const scope: Scope = { persona: p.persona, tenant: p.tenant, subject: p.persona === "end_user" ? p.subject : null };
        const binding = CursorCodec.binding(ds.id, scope, q);
        const order = pageOrder(ds, q.sort);
        const after = q.cursor ? o.cursors.open(q.cursor, binding, order.length) : null;
        const built = buildPageQuery(ds, scope, q, after, o.backend.dialect);
        const rows = await o.backend.query(p.tenant, built.sql, built.params);
        const page = rows.slice(0, q.limit).map((r) => Object.fromEntries(built.select.map((c) => [c, jsonValue(cols.get(c)!, r[c])])));
        // Third line of defence, after the principal's row filter and the bound predicates: a row of another
        // tenant (or another subject) is never sent, and the request fails loudly.
        for (const r of page) {
          if ((ds.tenantKey && r[ds.tenantKey] !== p.tenant) || (scope.subject !== null && r[ds.subjectKey!] !== scope.subject)) {
            req.log.error({ query: ds.id }, "isolation check failed: a row outside the caller's scope reached the API");
            throw new Error("isolation check failed");
          }
        }
        const last = page[page.length - 1];
        const next = rows.length > q.limit && last ? o.cursors.seal(binding, order.map((k) => last[k.column] as KeyValue)) : null;
        req.audit.rows = page.length;
        return { data: page.map((r) => Object.fromEntries(q.fields.map((f) => [f, r[f]]))), next_cursor: next };
      },
    );
  }
}
