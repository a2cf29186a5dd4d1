// Errors as RFC 9457 problem details (application/problem+json). Clients get a stable type, a title and a detail
// written for them; server errors never carry internal detail (SQL, driver messages, stack traces).
import type { FastifyReply, FastifyRequest } from "fastify";

export const PROBLEM_BASE = "https://lakemesh.dev/problems/";

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
}

/** An error the API raises on purpose, with what the client may be told. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ?? title);
  }
}

export function problemOf(p: HttpProblem, requestId: string): Problem {
  return { type: PROBLEM_BASE + p.slug, title: p.title, status: p.status, ...(p.detail ? { detail: p.detail } : {}), instance: `urn:lakemesh:request:${requestId}` };
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, p: HttpProblem): FastifyReply {
  for (const [k, v] of Object.entries(p.headers)) reply.header(k, v);
  return reply.status(p.status).type("application/problem+json").send(problemOf(p, req.id));
}

/** JSON Schema of a problem, for the OpenAPI document. */
export const PROBLEM_SCHEMA = {
  $id: "Problem",
  type: "object",
  description: "RFC 9457 problem details.",
  properties: {
    type: { type: "string", format: "uri" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
  },
  required: ["type", "title", "status"],
} as const;
