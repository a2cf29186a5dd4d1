// Benchmark: the serving API on 127.0.0.1 against the embedded backend (sample data), with autocannon, and the same
// queries run directly on the backend (same SQL, same tenant sessions, same concurrency). Prints throughput, p50 and
// p99 of both and the API's overhead at p50 (goal < 1.5x). The API runs in its own process (this script with
// --serve), so the load generator does not share its event loop.
// Usage: npm run bench:serving [-- <seconds per run, default 10> <connections, default 8>]
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AddressInfo } from "net";
import { spawn } from "child_process";
import { readStackConfig } from "../cli/plan/stack-config";
import { loadProjectMesh } from "../lib/project";
import { LocalIdp } from "../serving/local/idp";
import { seedLocal } from "../serving/local/seed";
import { buildPageQuery, parseQuery, type ServedPersona } from "../lib/serving";
import { FileAuditSink } from "../serving/audit";
import { createLocalServer } from "../serving/local/server";
import { projectRoot } from "../serving/project";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require("autocannon") as (o: Record<string, unknown>) => Promise<{ requests: { average: number; total: number }; latency: { p50: number; p99: number; average: number }; non2xx: number; errors: number; timeouts: number }>;

const seconds = Number(process.argv[2] === "--serve" ? 0 : (process.argv[2] ?? 10));
const connections = Number(process.argv[3] ?? 8);

interface Case {
  readonly persona: ServedPersona;
  readonly tenant: string;
  readonly subject: string;
  readonly path: string;
  readonly query: Record<string, string>;
}

const CASES: Case[] = ["tenant-01", "tenant-02", "tenant-03"].flatMap((tenant): Case[] => [
  { persona: "client_admin" as const, tenant, subject: `admin-${tenant}`, path: "/v1/core-business/equity_grants", query: { limit: "20", sort: "-grant_date" } },
  { persona: "client_admin" as const, tenant, subject: `admin-${tenant}`, path: "/v1/core-business/plan_grant_summary", query: { limit: "20" } },
  { persona: "end_user" as const, tenant, subject: `user-${tenant.slice(-2)}-002`, path: "/v1/users-identity/users", query: { limit: "20" } },
  { persona: "client_admin" as const, tenant, subject: `admin-${tenant}`, path: "/v1/operational-activities/invoices", query: { "amount.gte": "100", limit: "20" } },
]);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function direct(run: (k: number) => Promise<unknown>, ms: number): Promise<{ rps: number; p50: number; p99: number; n: number }> {
  const lat: number[] = [];
  const end = Date.now() + ms;
  const worker = async (i: number) => {
    let k = i;
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      await run(k++);
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: connections }, (_, i) => worker(i)));
  lat.sort((a, b) => a - b);
  return { rps: lat.length / ((Date.now() - t0) / 1000), p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length };
}

/** One query at a time. */
function directOne(run: (k: number) => Promise<unknown>, ms: number) {
  const saved = connections;
  return (async () => {
    const lat: number[] = [];
    const end = Date.now() + ms;
    const t0 = Date.now();
    for (let k = 0; Date.now() < end; k++) {
      const s = process.hrtime.bigint();
      await run(k);
      lat.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    lat.sort((a, b) => a - b);
    void saved;
    return { rps: lat.length / ((Date.now() - t0) / 1000), p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length };
  })();
}

/** The API in this process, for the parent to load: prints {"port": n} once it listens. */
async function serve(state: string): Promise<void> {
  const server = await createLocalServer({
    root: projectRoot(),
    data: "sample",
    stateDir: state,
    audit: new FileAuditSink(path.join(state, "audit.jsonl")),
    rateLimit: { max: 10_000_000, timeWindowMs: 60_000 },
    planeJobs: false,
  });
  await server.app.listen({ host: "127.0.0.1", port: 0 });
  process.stdout.write(JSON.stringify({ port: (server.app.server.address() as AddressInfo).port }) + "\n");
  process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
}

function startServer(state: string): Promise<{ port: number; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, "--serve", state], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ port: (JSON.parse(line) as { port: number }).port, stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code) => reject(new Error(`the API process exited (${code})`)));
  });
}

async function main(): Promise<void> {
  const root = projectRoot();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-bench-serving-"));
  const api$ = await startServer(state);
  const port = api$.port;
  const idp = await LocalIdp.open(path.join(state, "dev-idp.json"));
  // The same data in this process, for the direct runs (the sample is deterministic).
  const settings = readStackConfig(root, "dev").settings;
  const mesh = loadProjectMesh(root);
  const seeded = await seedLocal(settings, mesh, { exportDir: path.join(state, "none"), source: "sample" });
  const { compileServingCatalog } = await import("../lib/serving");
  const catalog = compileServingCatalog(settings.catalog, mesh);
  const tokens = await Promise.all(CASES.map((c) => idp.token({ tenant: c.tenant, persona: c.persona, subject: c.subject, ttlSeconds: 3600 })));
  const requests = CASES.map((c, i) => ({ method: "GET", path: `${c.path}?${new URLSearchParams(c.query)}`, headers: { authorization: `Bearer ${tokens[i]}` } }));

  // The same named queries, built once, run straight on the backend.
  const built = CASES.map((c) => {
    const ds = catalog.datasets.find((d) => d.path === c.path)!;
    const q = parseQuery(ds, c.query);
    return { tenant: c.tenant, b: buildPageQuery(ds, { persona: c.persona, tenant: c.tenant, subject: c.persona === "end_user" ? c.subject : null }, q, null, seeded.backend.dialect) };
  });
  const runDirect = (k: number) => {
    const x = built[k % built.length];
    return seeded.backend.query(x.tenant, x.b.sql, x.b.params);
  };

  // Warm up both paths (JIT, token cache, tenant sessions).
  await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: 2, requests });
  await direct(runDirect, 2000);

  const api = await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, requests });
  const db = await direct(runDirect, seconds * 1000);
  const one = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 1, duration: Math.max(3, Math.round(seconds / 2)), requests });
  const dbOne = await directOne(runDirect, Math.max(3, Math.round(seconds / 2)) * 1000);

  console.log(`serving bench: ${CASES.length} named queries over ${new Set(CASES.map((c) => c.tenant)).size} tenants, ${Object.values(seeded.counts).reduce((a, b) => a + b, 0)} sample rows, ${os.cpus().length} cores (load average ${os.loadavg()[0].toFixed(1)}), ${seconds} s per run`);
  console.log(`  API (HTTP, ${connections} connections):   ${api.requests.average.toFixed(0)} req/s, p50 ${api.latency.p50} ms, p99 ${api.latency.p99} ms, ${api.requests.total} requests, non-2xx ${api.non2xx}, errors ${api.errors}`);
  console.log(`  backend direct (${connections} concurrent): ${db.rps.toFixed(0)} q/s, p50 ${db.p50.toFixed(2)} ms, p99 ${db.p99.toFixed(2)} ms, ${db.n} queries`);
  console.log(`  API (HTTP, 1 connection):    ${one.requests.average.toFixed(0)} req/s, p50 ${one.latency.p50} ms, p99 ${one.latency.p99} ms`);
  console.log(`  backend direct (1 at a time): ${dbOne.rps.toFixed(0)} q/s, p50 ${dbOne.p50.toFixed(2)} ms, p99 ${dbOne.p99.toFixed(2)} ms`);
  console.log(`  overhead at p50: ${(api.latency.p50 / db.p50).toFixed(2)}x with ${connections} connections, ${(one.latency.p50 / dbOne.p50).toFixed(2)}x with 1 (goal < 1.5x); throughput ratio ${(db.rps / api.requests.average).toFixed(2)}x`);
  api$.stop();
  await seeded.backend.close();
  fs.rmSync(state, { recursive: true, force: true });
  if (api.non2xx > 0 || api.errors > 0) process.exitCode = 1;
}

(process.argv[2] === "--serve" ? serve(process.argv[3]) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
