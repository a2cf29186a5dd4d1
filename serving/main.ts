#!/usr/bin/env node
// `npm run serve`: the API on the embedded default (DuckDB with sample data or the local plane's export).
import { parseArgs } from "util";
import { projectRoot } from "./project";
import { createLocalServer } from "./local/server";
import { createDeployedServer, readRuntimeConfig } from "./deployed";

const USAGE = `Usage: npm run serve -- [--port 8787] [--host 127.0.0.1] [--data auto|sample|plane] [--stack dev]
       node dist/serving/main.js --config <serving.json>      (deployed: Databricks backend, as the Deployment runs it)

Starts the tenant-scoped API locally on an embedded DuckDB database: the local data plane's export when there is
one (scripts/local/serving-export.sh), else deterministic sample data (lakemesh sample). Tokens come from the local
development IdP: npm run serve:token -s -- --tenant tenant-01 --role client_admin
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { config: { type: "string" }, port: { type: "string", default: "8787" }, host: { type: "string", default: "127.0.0.1" }, data: { type: "string", default: "auto" }, stack: { type: "string", default: "dev" }, help: { type: "boolean" } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.config) {
    const config = readRuntimeConfig(values.config);
    const app = await createDeployedServer(config);
    await app.listen({ host: config.listen.host, port: config.listen.port });
    const stop = async () => {
      await app.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return;
  }
  if (!/^[0-9]{1,5}$/.test(values.port!)) throw new Error(`--port ${values.port}: a port number`);
  if (!["auto", "sample", "plane"].includes(values.data!)) throw new Error(`--data ${values.data}: auto, sample or plane`);
  const started = Date.now();
  const url = `http://${values.host}:${values.port}`;
  const server = await createLocalServer({
    root: projectRoot(),
    stack: values.stack,
    data: values.data as "auto" | "sample" | "plane",
    publicUrl: url,
    logger: { level: process.env.LAKEMESH_LOG_LEVEL ?? "warn", redact: ["req.headers.authorization"] },
  });
  await server.app.listen({ host: values.host, port: Number(values.port) });
  const rows = Object.values(server.seeded.counts).reduce((a, b) => a + b, 0);
  process.stdout.write(
    `lakemesh serving API on ${url} (${server.seeded.source} data: ${rows} rows, tenants ${server.seeded.tenants.join(", ")}; ready in ${Date.now() - started} ms)\n` +
      `  OpenAPI: ${url}/docs   example page: ${url}/examples/embed.html#access_token=<token>&dashboard=kpis\n` +
      `  token:   npm run serve:token -s -- --tenant ${server.seeded.tenants[0]} --role client_admin\n` +
      `  audit:   ${server.stateDir}/audit.jsonl\n`,
  );
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e) => {
  process.stderr.write(`lakemesh serve: ${(e as Error).message}\n`);
  process.exit(1);
});
