import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MemoryAuditSink } from "../../serving/audit";
import { createLocalServer, type LocalServer, type LocalServerOptions } from "../../serving/local/server";
import type { ServedPersona } from "../../lib/serving";
import { ROOT } from "./settings";

export interface TestServer {
  readonly server: LocalServer;
  readonly audit: MemoryAuditSink;
  token(tenant: string, persona: ServedPersona, subject?: string): Promise<string>;
  get(url: string, token?: string, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Record<string, unknown>; text: string }>;
  close(): Promise<void>;
}

/** The local server on sample data, with its own state folder and an in-memory audit log. */
export async function startTestServer(o: Partial<LocalServerOptions> = {}): Promise<TestServer> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-serving-"));
  const audit = new MemoryAuditSink();
  const server = await createLocalServer({ root: ROOT, data: "sample", stateDir, audit, planeJobs: false, rateLimit: { max: 1_000_000, timeWindowMs: 60_000 }, ...o });
  return {
    server,
    audit,
    token: (tenant, persona, subject) => server.idp.token({ tenant, persona, subject: subject ?? `admin-${tenant}` }),
    async get(url, token, headers = {}) {
      const r = await server.app.inject({ method: "GET", url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
      let body: unknown;
      try {
        body = JSON.parse(r.body);
      } catch {
        body = undefined;
      }
      return { status: r.statusCode, body, headers: r.headers, text: r.body };
    },
    async close() {
      await server.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
