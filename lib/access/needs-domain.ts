// What a domain's workloads do, read from what they run: the pipeline (its contract, configuration and code) and
// the domain job (its tasks and the governance SQL its SQL task executes).
import type { ContractDataset, PipelineContract } from "../compile/contract";
import { CONFIG_KEYS } from "../compile/pipeline";
import { sqlGrants } from "./facts";
import { functionSemantics, rowFilterFunction } from "./functions";
import type { Holdings } from "./holds";
import { chain, contractsByPath, filesByPath, identitiesOf, principalOf, R, workspacePath, type AccessResource } from "./plan";
import { count, DEPLOYER, type Action, type Need } from "./types";

/** The USE chain and the privilege on a table, view, function or volume. */
export function onObject(kind: "table" | "function" | "volume", name: string, ...privileges: string[]): Need[] {
  const { catalog, schema } = chain(name);
  return [
    { kind: "uc", securable: { kind: "catalog", name: catalog }, privilege: "USE_CATALOG" },
    { kind: "uc", securable: { kind: "schema", name: schema }, privilege: "USE_SCHEMA" },
    ...privileges.map((privilege): Need => ({ kind: "uc", securable: { kind, name }, privilege })),
  ];
}

export const runAsOf = (r: AccessResource): string => principalOf(r.inputs.runAs) ?? DEPLOYER;

/** The workload runs as a service principal that exists, never as whoever deployed it. */
export const identityAction = (workload: string, principal: string, resource?: string): Action => ({
  workload,
  principal,
  resource,
  action: principal === DEPLOYER ? "run as the deployer (no run-as service principal)" : `run as ${principal}`,
  needs: [{ kind: "exists", principal }],
});

/**
 * Being in a group the function reveals everything to (every tenant's rows, or the clear value); with `restricted`,
 * also the rows a legal-hold filter restricts (a group in both lists). The pipelines need the first only: restricted
 * rows are not processed further (GDPR Art. 18).
 */
export function revealNeed(h: Holdings, fn: string, restricted = false): Need {
  const sql = h.functionSql(fn);
  const s = sql ? functionSemantics(fn, sql) : null;
  const of = !s ? [] : restricted && s.restrictedTo !== null ? s.revealsTo.filter((g) => s.restrictedTo!.includes(g)) : s.revealsTo;
  return { kind: "member", of, function: fn };
}

/** Functions a table declares: its row filter and every column mask. */
export function tableFunctions(d: ContractDataset): string[] {
  return [rowFilterFunction(d.rowFilter), ...d.columns.map((c) => c.mask ?? null)].filter((x): x is string => !!x);
}

/** ABAC policies of the catalog: a principal they apply to must be excepted, or revealed everything by the function. */
export function abacNeeds(resources: readonly AccessResource[], h: Holdings, catalog: string): { policy: string; need: Need }[] {
  return resources
    .filter((r) => r.type === R.PolicyInfo && r.inputs.onSecurableFullname === catalog)
    .map((r) => {
      const fn = String(r.inputs.rowFilter?.functionName ?? r.inputs.columnMask?.functionName ?? "");
      const sql = h.functionSql(fn);
      const of = [...new Set([...(r.inputs.exceptPrincipals ?? []), ...(sql ? functionSemantics(fn, sql).revealsTo : [])])].sort();
      return { policy: String(r.inputs.name), need: { kind: "member", of, function: `ABAC policy ${r.inputs.name}` } as Need };
    });
}

/** Secret scopes a pipeline's configuration refers to: `{{secrets/<scope>/<key>}}` values, and the values of keys named `*scope`. */
export function configuredScopes(configuration: Record<string, unknown> = {}): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(configuration)) {
    if (typeof v !== "string") continue;
    for (const m of v.matchAll(/\{\{secrets\/([^/}]+)\/[^}]+\}\}/g)) out.add(m[1]);
    if (/scope$/i.test(k)) out.add(v);
  }
  return [...out].sort();
}

function pipelineActions(p: AccessResource, contract: PipelineContract | undefined, resources: readonly AccessResource[], h: Holdings): Action[] {
  const domain = String(p.inputs.tags?.lakemesh_domain ?? p.name);
  const workload = `pipeline ${domain}`;
  const principal = runAsOf(p);
  const a = (action: string, needs: Need[]): Action => ({ workload, principal, action, needs, resource: p.urn });
  const out: Action[] = [identityAction(workload, principal, p.urn)];
  out.push(a(`read its code in ${p.inputs.rootPath}`, [{ kind: "acl", object: { kind: "directory", id: workspacePath(String(p.inputs.rootPath)) }, level: "CAN_READ" }]));
  if (!contract) return [...out, a("read its contract", [{ kind: "acl", object: { kind: "file", id: workspacePath(String(p.inputs.configuration?.[CONFIG_KEYS.contract])) }, level: "CAN_READ" }])];
  const kafkaUser = identitiesOf(resources)?.domains[domain]?.kafkaPrincipal ?? `(Kafka principal of ${domain} undeclared)`;
  const schema = `${contract.catalog}.${contract.schema}`;
  const own = new Set(contract.datasets.map((d) => d.table));
  for (const d of contract.datasets) {
    if (d.source.kind !== "kafka") continue;
    const t = d.source.topic;
    out.push(a(`read topic ${t}`, ["Read", "Describe"].map((operation): Need => ({ kind: "kafka", principal: kafkaUser, resourceType: "Topic", name: t, operation }))));
  }
  if (contract.datasets.some((d) => d.source.kind === "kafka")) {
    out.push(a(`consume as group ${contract.kafka.groupIdPrefix}*`, [{ kind: "kafka", principal: kafkaUser, resourceType: "Group", name: contract.kafka.groupIdPrefix, operation: "Read" }]));
  }
  // The pipeline reads its secrets (subject salt, Kafka user and password) from the scopes its configuration names.
  for (const s of configuredScopes(p.inputs.configuration)) out.push(a(`read secrets in scope ${s}`, [{ kind: "acl", object: { kind: "secret-scope", id: s }, level: "READ" }]));
  const kinds = new Set(contract.datasets.map((d) => d.kind));
  out.push(
    a(`publish its ${count(contract.datasets.length, "table")} in ${schema}`, [
      { kind: "uc", securable: { kind: "catalog", name: contract.catalog }, privilege: "USE_CATALOG" },
      ...["USE_SCHEMA", ...(kinds.has("streaming_table") ? ["CREATE_TABLE"] : []), ...(kinds.has("materialized_view") ? ["CREATE_MATERIALIZED_VIEW", "REFRESH"] : []), "MODIFY", "SELECT"].map(
        (privilege): Need => ({ kind: "uc", securable: { kind: "schema", name: schema }, privilege }),
      ),
    ]),
  );
  const upstream = [...new Set(contract.datasets.flatMap((d) => d.upstream).filter((u) => !u.startsWith("kafka:") && !own.has(u)))].sort();
  for (const u of upstream) out.push(a(`read ${u}`, onObject("table", u, "SELECT")));
  if (contract.datasets.some((d) => d.source.kind === "kafka" && d.source.subjectField)) {
    out.push(a("read the erasure suppression list", onObject("table", contract.governance.erasureSuppression, "SELECT")));
    // The salt it hashes subjects with is checked against the deployed fingerprint before any event lands.
    out.push(a("read the salt fingerprint", onObject("table", contract.governance.saltFingerprint, "SELECT")));
  }
  const functions = [...new Set(contract.datasets.flatMap(tableFunctions))].sort();
  if (functions.length > 0) out.push(a(`declare its row filter and masks (${count(functions.length, "function")})`, functions.flatMap((f) => onObject("function", f, "EXECUTE"))));
  // Policies on its tables are evaluated as the pipeline's identity: it must see everything, or it stores filtered
  // and masked rows (https://docs.databricks.com/aws/en/data-governance/unity-catalog/abac/requirements).
  if (functions.length > 0) out.push(a(`store unfiltered, unmasked rows (${count(functions.length, "function")})`, functions.map((f) => revealNeed(h, f))));
  const abac = abacNeeds(resources, h, contract.catalog);
  if (abac.length > 0) out.push(a(`store rows the catalog's ${count(abac.length, "ABAC policy", "ABAC policies")} would filter or mask`, abac.map((x) => x.need)));
  return out;
}

const TAGS = /^ALTER (?:STREAMING TABLE|MATERIALIZED VIEW) (\S+)(?: ALTER COLUMN \S+)? SET TAGS \((.*)\);$/gm;

function jobActions(j: AccessResource, files: Map<string, string>): Action[] {
  const domain = String(j.inputs.tags.lakemesh_domain);
  const workload = `job ${domain}`;
  const principal = runAsOf(j);
  const a = (action: string, needs: Need[]): Action => ({ workload, principal, action, needs, resource: j.urn });
  const out: Action[] = [identityAction(workload, principal, j.urn)];
  for (const t of j.inputs.tasks ?? []) {
    if (t.pipelineTask) out.push(a("start an update of its pipeline", [{ kind: "acl", object: { kind: "pipeline", id: String(t.pipelineTask.pipelineId) }, level: "CAN_RUN" }]));
    if (!t.sqlTask) continue;
    const path = workspacePath(String(t.sqlTask.file?.path));
    out.push(a("run its governance SQL on the SQL warehouse", [{ kind: "acl", object: { kind: "warehouse", id: String(t.sqlTask.warehouseId) }, level: "CAN_USE" }]));
    out.push(a(`read ${path}`, [{ kind: "acl", object: { kind: "file", id: path }, level: "CAN_READ" }]));
    const sql = files.get(path) ?? "";
    const statements = sqlGrants(sql);
    for (const [schema, tables] of bySchema(statements.map((g) => g.table))) out.push(a(`grant and revoke SELECT on ${count(tables.length, "table")} of ${schema}`, tables.flatMap((t) => onObject("table", t, "MANAGE"))));
    // GRANT and REVOKE fail on a principal that does not exist, and stop the task (no later statement runs).
    const named = [...new Set(statements.map((g) => g.principal))].sort();
    if (named.length > 0) out.push(a(`name ${count(named.length, "principal")} in GRANT and REVOKE`, named.map((principal): Need => ({ kind: "exists", principal }))));
    const tagged: string[] = [];
    const values = new Map<string, Set<string>>();
    for (const m of sql.matchAll(TAGS)) {
      tagged.push(m[1].replace(/`/g, ""));
      for (const kv of m[2].matchAll(/'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'/g)) values.set(kv[1], (values.get(kv[1]) ?? new Set()).add(kv[2]));
    }
    for (const [schema, tables] of bySchema(tagged)) out.push(a(`tag ${count(tables.length, "table")} of ${schema}`, tables.flatMap((t) => onObject("table", t, "APPLY_TAG"))));
    // Assigning a governed tag takes ASSIGN on it besides APPLY TAG on the object
    // (https://docs.databricks.com/aws/en/admin/governed-tags/manage-permissions).
    for (const [k, v] of [...values].sort(([x], [y]) => (x < y ? -1 : 1))) out.push(a(`assign governed tag ${k}`, [{ kind: "tag-assign", tagKey: k, values: [...v].sort() }]));
  }
  return out;
}

/** Distinct tables grouped by schema, both sorted. */
export function bySchema(tables: readonly string[]): [string, string[]][] {
  const by = new Map<string, Set<string>>();
  for (const t of tables) by.set(chain(t).schema, (by.get(chain(t).schema) ?? new Set()).add(t));
  return [...by].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, ts]) => [s, [...ts].sort()]);
}

/** Every domain workload's actions: its pipeline's and its job's. */
export function domainActions(resources: readonly AccessResource[], h: Holdings): Action[] {
  const contracts = contractsByPath(resources);
  const files = filesByPath(resources);
  return [
    ...resources.filter((r) => r.type === R.Pipeline).flatMap((p) => pipelineActions(p, contracts.get(workspacePath(String(p.inputs.configuration?.[CONFIG_KEYS.contract] ?? ""))), resources, h)),
    ...resources.filter((r) => r.type === R.Job && r.inputs.tags?.lakemesh_domain).flatMap((j) => jobActions(j, files)),
  ];
}
