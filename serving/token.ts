#!/usr/bin/env node
// `npm run serve:token`: a token from the local development IdP, for curl sessions against the local server.
import * as path from "path";
import { parseArgs } from "util";
import { GDPR_SUBJECT_ID, GDPR_TENANT_ID } from "../lib/compile";
import { LocalIdp } from "./local/idp";
import { localServingDir, projectRoot } from "./project";

const USAGE = `Usage: npm run serve:token -s -- --tenant <tenant> --role client_admin|end_user [--subject <id>] [--ttl 900]

Prints a JWT signed by the local development IdP (.local/serving/dev-idp.json). End users need --subject, their
id in the tenant's data (e.g. user-01-002); client admins default to admin-<tenant>.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tenant: { type: "string" }, role: { type: "string" }, subject: { type: "string" }, ttl: { type: "string", default: "900" }, help: { type: "boolean" } } });
  if (values.help) return void process.stdout.write(USAGE);
  if (!values.tenant || !GDPR_TENANT_ID.test(values.tenant)) throw new Error("--tenant: a tenant id such as tenant-01");
  if (values.role !== "client_admin" && values.role !== "end_user") throw new Error("--role: client_admin or end_user");
  const subject = values.subject ?? (values.role === "client_admin" ? `admin-${values.tenant}` : undefined);
  if (!subject || !GDPR_SUBJECT_ID.test(subject)) throw new Error("--subject: the end user's subject id, e.g. user-01-002");
  if (!/^[0-9]{1,5}$/.test(values.ttl!)) throw new Error("--ttl: seconds");
  const root = projectRoot();
  const idp = await LocalIdp.open(path.join(localServingDir(root), "dev-idp.json"));
  process.stdout.write((await idp.token({ tenant: values.tenant, persona: values.role, subject, ttlSeconds: Number(values.ttl) })) + "\n");
}

main().catch((e) => {
  process.stderr.write(`serve:token: ${(e as Error).message}\n${USAGE}`);
  process.exit(2);
});
