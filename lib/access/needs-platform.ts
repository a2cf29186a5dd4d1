// What the platform's workloads do: the GDPR jobs (their notebook, parameters and the registry they are driven
// by), DataHub's ingestion (its recipes), and the deployer itself (run-as settings, memberships, governed tags).
import { parse } from "yaml";
import { abacNeeds, bySchema, identityAction, onObject, revealNeed, runAsOf, tableFunctions } from "./needs-domain";
import type { Holdings } from "./holds";
import { GDPR_SETTINGS_FILE, type GdprPipelineRef, type GdprSettingsFile } from "../compile/gdpr-jobs";
import { contractsByPath, filesByPath, identitiesOf, R, workspacePath, type AccessResource } from "./plan";
import { count, DEPLOYER, type Action, type Need } from "./types";

/**
 * The governance tables each GDPR notebook reads and writes besides the registry and the registered tables, as
 * notebooks/gdpr/*.py and lakemesh_gdpr.py use them (test/access/gdpr-tables.test.ts holds the two together):
 * known_tenant() reads tenant_principals, guarded() merges into gdpr_requests, flush() appends to audit_log, preflight()
 * reads gdpr_control (the control rows under the filter and a mask), erasure merges into erasure_suppression and (for
 * legally held rows) erasure_restrictions and reads its own `wait` entries of audit_log (Job.last_wait), retention
 * deletes held rows' entries from erasure_restrictions and reads gdpr_requests (expire_inbox keeps an erasing
 * request's row, and marks one unverified for too long failed), and every
 * request reads its row of gdpr_request_inbox and deletes it. The jobs that read the salt (not retention) check it
 * against salt_fingerprint at start.
 */
export const GDPR_TABLES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  "subject-access": { salt_fingerprint: ["SELECT"], tenant_principals: ["SELECT"], gdpr_requests: ["MODIFY", "SELECT"], audit_log: ["MODIFY"], gdpr_control: ["SELECT"], gdpr_request_inbox: ["MODIFY", "SELECT"] },
  erasure: { salt_fingerprint: ["SELECT"], tenant_principals: ["SELECT"], gdpr_requests: ["MODIFY", "SELECT"], audit_log: ["MODIFY", "SELECT"], erasure_suppression: ["MODIFY", "SELECT"], erasure_restrictions: ["MODIFY", "SELECT"], gdpr_control: ["SELECT"], gdpr_request_inbox: ["MODIFY", "SELECT"] },
  // Retention deletes inbox rows whose job never ran, and vacuums the inbox; it dates exports by their request.
  retention: { audit_log: ["MODIFY"], erasure_restrictions: ["MODIFY", "SELECT"], gdpr_control: ["SELECT"], gdpr_request_inbox: ["MODIFY", "SELECT"], gdpr_requests: ["MODIFY", "SELECT"] },
};

/** Registered datasets and their retention periods, from the registry rows the platform writes (bound parameters). */
function registered(resources: readonly AccessResource[], registryTable: string): { dataset: string; retention: boolean }[] {
  const rows = resources.find((r) => r.type === R.SqlObject && r.inputs.objectName === `${registryTable}#rows`);
  const params = new Map<string, string | null>(((rows?.inputs.create?.[0]?.parameters ?? []) as { name: string; value: string | null }[]).map((p) => [p.name, p.value]));
  const out = [];
  for (let i = 0; params.has(`dataset_${i}`); i++) out.push({ dataset: String(params.get(`dataset_${i}`)), retention: params.get(`retention_period_${i}`) !== null });
  return out;
}

function gdprActions(j: AccessResource, resources: readonly AccessResource[], h: Holdings): Action[] {
  const kind = String(j.inputs.tags.lakemesh_gdpr);
  const workload = `gdpr ${kind}`;
  const principal = runAsOf(j);
  const a = (action: string, needs: Need[]): Action => ({ workload, principal, action, needs, resource: j.urn });
  const out: Action[] = [identityAction(workload, principal, j.urn)];
  // The job's settings are the workspace file beside its notebook (lakemesh_gdpr.py reads it from beside itself),
  // not its run parameters: those carry the request id only.
  const params: Record<string, unknown> = {};
  for (const t of j.inputs.tasks ?? []) {
    if (!t.notebookTask) continue;
    const notebook = workspacePath(String(t.notebookTask.notebookPath));
    out.push(a(`read its notebook ${t.notebookTask.notebookPath}`, [{ kind: "acl", object: { kind: "notebook", id: notebook }, level: "CAN_READ" }]));
    const settingsPath = `${notebook.slice(0, notebook.lastIndexOf("/"))}/${GDPR_SETTINGS_FILE}`;
    const text = filesByPath(resources).get(settingsPath);
    if (text === undefined) continue;
    out.push(a(`read its settings ${settingsPath}`, [{ kind: "acl", object: { kind: "file", id: settingsPath }, level: "CAN_READ" }]));
    Object.assign(params, JSON.parse(text) as GdprSettingsFile);
  }
  if (typeof params.catalog !== "string" || typeof params.governance_schema !== "string") return out;
  const registry = `${params.catalog}.${params.governance_schema}.gdpr_registry`;
  out.push(a("read the GDPR registry", onObject("table", registry, "SELECT")));
  const schema = registry.split(".").slice(0, 2).join(".");
  for (const [table, privileges] of Object.entries(GDPR_TABLES[kind] ?? {})) out.push(a(`use governance table ${table}`, onObject("table", `${schema}.${table}`, ...privileges)));
  const tables = registered(resources, registry).filter((r) => kind !== "retention" || r.retention).map((r) => r.dataset);
  const privileges = kind === "subject-access" ? ["SELECT"] : ["MODIFY", "SELECT"];
  for (const [s, ts] of bySchema(tables)) out.push(a(`${kind === "subject-access" ? "read" : "read and change"} the ${count(ts.length, "registered table")} of ${s}`, ts.flatMap((t) => onObject("table", t, ...privileges))));
  // Every row of every tenant and every clear value: the groups the filter and each mask reveal everything to.
  const contracts = [...contractsByPath(resources).values()];
  const set = new Set(tables);
  const functions = contracts.length > 0
    ? [...new Set(contracts.flatMap((c) => c.datasets.filter((d) => set.has(d.table)).flatMap(tableFunctions)))]
    : h.facts.flatMap((f) => (f.kind === "function" && f.name.startsWith(`${schema}.`) && /\.(tenant_filter|tenant_filter_held|mask_[a-z0-9_]+)$/.test(f.name) ? [f.name] : []));
  const fns = [...new Set(functions)].sort();
  // Rows restricted under a legal hold too: subject access exports them, retention deletes them when the hold ends.
  if (fns.length > 0) out.push(a(`see every row and clear value (${count(fns.length, "function")})`, fns.map((f) => revealNeed(h, f, true))));
  const abac = abacNeeds(resources, h, registry.split(".")[0]);
  if (abac.length > 0) out.push(a(`see rows the catalog's ${count(abac.length, "ABAC policy", "ABAC policies")} would filter or mask`, abac.map((x) => x.need)));
  // The access job writes exports; erasure deletes the subject's, retention the expired ones (deleting a file in a
  // volume takes WRITE_VOLUME). Only the jobs about one subject read the salt (retention hashes none).
  const volume = /^\/Volumes\/([^/]+)\/([^/]+)\/([^/]+)/.exec(String(params.export_root ?? ""));
  const verb = kind === "subject-access" ? "write exports to" : kind === "erasure" ? "delete the subject's exports in" : "delete expired exports in";
  if (volume) out.push(a(`${verb} ${params.export_root}`, onObject("volume", `${volume[1]}.${volume[2]}.${volume[3]}`, "READ_VOLUME", "WRITE_VOLUME")));
  if (params.salt_secret_scope && kind !== "retention") out.push(a("read the subject salt", [{ kind: "acl", object: { kind: "secret-scope", id: String(params.salt_secret_scope) }, level: "READ" }]));
  // The erasure starts (or stops and starts) an update of each domain pipeline the settings name, to verify. Checked
  // for the pipelines in this plan; a platform stack on its own has none (the domain stack grants it there).
  if (kind === "erasure") {
    for (const ref of (params.pipelines ?? []) as GdprPipelineRef[]) {
      const id = pipelineIdByName(resources, ref.name);
      if (id !== undefined) out.push(a(`start an update of pipeline ${ref.name} to verify an erasure`, [{ kind: "acl", object: { kind: "pipeline", id }, level: "CAN_RUN" }]));
    }
  }
  return out;
}

/** The id a pipeline's Permissions name it by (they depend on the pipeline), for a pipeline of this plan. */
function pipelineIdByName(resources: readonly AccessResource[], name: string): string | undefined {
  const pipeline = resources.find((r) => r.type === R.Pipeline && r.inputs.name === name);
  if (!pipeline) return undefined;
  const perms = resources.find((r) => r.type === R.Permissions && typeof r.inputs.pipelineId === "string" && [...r.dependsOn, r.parent].includes(pipeline.urn));
  return perms ? String(perms.inputs.pipelineId) : undefined;
}

function datahubActions(m: AccessResource, principal: string): Action[] {
  const out: Action[] = [];
  for (const text of Object.values((m.inputs.data ?? {}) as Record<string, unknown>)) {
    if (typeof text !== "string") continue;
    const recipe = parse(text) as { pipeline_name?: string; source?: { type?: string; config?: Record<string, any> } };
    const c = recipe?.source?.config;
    if (recipe?.source?.type !== "unity-catalog" || !c) continue;
    const workload = `datahub ${recipe.pipeline_name ?? m.name}`;
    const literal = (pattern: unknown) => (Array.isArray(pattern) ? pattern : []).map((x) => String(x).replace(/^\^|\$$/g, "")).filter((x) => /^[a-z0-9_]+$/.test(x));
    out.push(identityAction(workload, principal, m.urn));
    for (const catalog of literal(c.catalog_pattern?.allow)) {
      for (const schema of literal(c.schema_pattern?.allow)) {
        const name = `${catalog}.${schema}`;
        out.push({
          workload,
          principal,
          resource: m.urn,
          action: `list the metadata of ${name}`,
          needs: [
            { kind: "uc", securable: { kind: "catalog", name: catalog }, privilege: "USE_CATALOG" },
            ...["USE_SCHEMA", "BROWSE"].map((privilege): Need => ({ kind: "uc", securable: { kind: "schema", name }, privilege })),
          ],
        });
      }
    }
    if (c.warehouse_id) out.push({ workload, principal, resource: m.urn, action: "query through the SQL warehouse", needs: [{ kind: "acl", object: { kind: "warehouse", id: String(c.warehouse_id) }, level: "CAN_USE" }] });
  }
  return out;
}

/** What `pulumi up` itself must be allowed to do beyond creating resources: account roles. */
function deployerActions(resources: readonly AccessResource[]): Action[] {
  const a = (action: string, needs: Need[]): Action => ({ workload: "deployer", principal: DEPLOYER, action, needs });
  const runAs = new Map<string, string[]>();
  for (const r of resources.filter((x) => (x.type === R.Pipeline || x.type === R.Job) && x.inputs.runAs?.servicePrincipalName)) {
    runAs.set(r.inputs.runAs.servicePrincipalName, [...(runAs.get(r.inputs.runAs.servicePrincipalName) ?? []), r.name]);
  }
  const out = [...runAs].sort(([x], [y]) => (x < y ? -1 : 1)).map(([sp, names]) => a(`set ${names.join(", ")} to run as ${sp}`, [{ kind: "role", role: "servicePrincipal.user", on: sp }]));
  const groups = [...new Set(resources.filter((r) => r.type === R.GroupMembership).map((r) => String(r.inputs.group)))].sort();
  for (const g of groups) out.push(a(`manage the members of ${g}`, [{ kind: "role", role: "group.manager", on: g }]));
  const account = identitiesOf(resources)?.account.id ?? "(undeclared account)";
  if (resources.some((r) => r.type === R.TagPolicy)) out.push(a("create the governed tags", [{ kind: "role", role: "tagPolicy.creator", on: `accounts/${account}` }]));
  return out;
}

export function platformActions(resources: readonly AccessResource[], h: Holdings): Action[] {
  const datahub = identitiesOf(resources)?.datahubServicePrincipal ?? DEPLOYER;
  return [
    ...resources.filter((r) => r.type === R.Job && r.inputs.tags?.lakemesh_gdpr).flatMap((j) => gdprActions(j, resources, h)),
    ...resources.filter((r) => r.type === R.ConfigMap).flatMap((m) => datahubActions(m, datahub)),
    ...deployerActions(resources),
  ];
}
