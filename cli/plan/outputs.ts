import { stableJson } from "../../lib/compile/json";
import { PLAN_UNKNOWN } from "../../policies/harness";
import type { DomainManifest } from "../../lib/manifest";
import { isSecret, type PlannedResource } from "./record";
import type { OfflinePlan } from "./run";

/** Files of a plan, by path relative to out/plan/<stack>/. Deterministic: the same plan gives the same bytes. */
export type PlanFiles = Map<string, string>;

/** URNs registered more than once. The engine would refuse them; mocks do not. */
export function duplicateUrns(resources: readonly PlannedResource[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of resources) (seen.has(r.urn) ? dup : seen).add(r.urn);
  return [...dup].sort();
}

type Owned = Pick<PlannedResource, "urn" | "type" | "name" | "parent">;

/** The DataDomain (or Platform) a resource belongs to, by walking parents. */
export function ownerOf(resources: readonly Owned[]): Map<string, string> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const owner = new Map<string, string>();
  for (const r of resources) {
    let cur: Owned | undefined = r;
    let label = "(stack)";
    while (cur) {
      if (cur.type === "lakemesh:domain:DataDomain") {
        label = cur.name;
        break;
      }
      if (cur.type === "lakemesh:platform:Platform") {
        label = "platform";
        break;
      }
      cur = cur.parent ? byUrn.get(cur.parent) : undefined;
    }
    owner.set(r.urn, label);
  }
  return owner;
}

function decodeBase64(v: unknown): string | undefined {
  return typeof v === "string" && v !== PLAN_UNKNOWN && !isSecret(v) ? Buffer.from(v, "base64").toString("utf8") : undefined;
}

/** Counts per owner and resource type, for plan.md. */
export function counts(plan: OfflinePlan): { owner: string; type: string; count: number }[] {
  const owners = ownerOf(plan.resources);
  const by = new Map<string, number>();
  for (const r of plan.resources) {
    const k = `${owners.get(r.urn)}\u0000${r.type}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return [...by.entries()]
    .map(([k, count]) => {
      const [owner, type] = k.split("\u0000");
      return { owner, type, count };
    })
    .sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** plan.md: readable in a pull request. Extra sections (policy results) are appended by the caller. */
export function planMarkdown(plan: OfflinePlan, sections: readonly string[] = []): string {
  const rows = counts(plan);
  const owners = [...new Set(rows.map((r) => r.owner))];
  const lines = [
    `# lakemesh plan: stack \`${plan.stack}\``,
    "",
    `${plan.resources.length} resources; protected: ${plan.resources.filter((r) => r.protect).length}; retained on delete: ${plan.resources.filter((r) => r.retainOnDelete).length}.`,
    "",
    "| Owner | Resources |",
    "|---|---:|",
    ...owners.map((o) => `| ${o} | ${rows.filter((r) => r.owner === o).reduce((n, r) => n + r.count, 0)} |`),
    "",
    "<details><summary>Resources per owner and type</summary>",
    "",
    "| Owner | Type | Count |",
    "|---|---|---:|",
    ...rows.map((r) => `| ${r.owner} | \`${r.type}\` | ${r.count} |`),
    "",
    "</details>",
    ...sections.flatMap((s) => ["", s]),
  ];
  return lines.join("\n") + "\n";
}

/** Every file of the plan: plan.json, plan.md, and what would be uploaded or executed, rendered. */
export function planFiles(plan: OfflinePlan, sections: readonly string[] = []): PlanFiles {
  const files: PlanFiles = new Map();
  files.set("plan.json", stableJson({ project: plan.project, stack: plan.stack, outputs: plan.outputs, resources: plan.resources }) + "\n");
  files.set("plan.md", planMarkdown(plan, sections));
  for (const r of plan.resources) {
    const i = r.inputs;
    if (r.type === "databricks:index/workspaceFile:WorkspaceFile") {
      const text = decodeBase64(i.contentBase64);
      if (text !== undefined) files.set(`workspace${String(i.path)}`, text);
    } else if (r.type === "pulumi-nodejs:dynamic:Resource" && Array.isArray(i.create)) {
      const create = i.create as { sql: string; parameters?: unknown[] }[];
      const base = `sql/governance/${String(i.objectName).replace(/#/g, "-")}`;
      files.set(`${base}.sql`, create.map((s) => s.sql.trimEnd() + ";").join("\n\n") + "\n");
      const params = create.flatMap((s) => s.parameters ?? []);
      if (params.length > 0) files.set(`${base}.parameters.json`, stableJson(params) + "\n");
    } else if (r.type === "kubernetes:core/v1:ConfigMap" && i.data && typeof i.data === "object") {
      for (const [k, v] of Object.entries(i.data as Record<string, unknown>)) {
        if (typeof v === "string" && v !== PLAN_UNKNOWN) files.set(`kubernetes/${r.name}/${k}`, v);
      }
    }
  }
  return files;
}

/** The resource tree, one line per resource, children indented under parents. */
export function planTree(plan: OfflinePlan): string {
  const children = new Map<string, PlannedResource[]>();
  for (const r of plan.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      const flags = [r.protect ? "protect" : "", r.retainOnDelete ? "retain" : ""].filter(Boolean).join(",");
      lines.push(`${"  ".repeat(depth)}${r.type} ${r.name}${flags ? ` [${flags}]` : ""}`);
      walk(r.urn, depth + 1);
    }
  };
  walk("", 0);
  return lines.join("\n") + "\n";
}

/**
 * plan.md: every column a manifest declares `personalData: false`, with its reason, so a reviewer sees each decision
 * that a column which may look personal is not.
 */
export function notPersonalSection(plan: OfflinePlan): string {
  const rows: string[] = [];
  for (const r of plan.resources) {
    if (r.type !== "lakemesh:domain:DataDomain") continue;
    const m = r.inputs.manifest as DomainManifest | undefined;
    for (const ds of m?.spec.datasets ?? []) {
      for (const c of ds.columns) {
        if (c.personalData === false) rows.push(`| ${m!.metadata.name}.${ds.name}.${c.name} | ${c.physicalType} | ${(c.reason ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ")} |`);
      }
    }
  }
  const head = "## Columns declared not personal data\n\n";
  if (rows.length === 0) return `${head}None: no column says personalData: false.`;
  return `${head}| Column | Type | Reason |\n|---|---|---|\n${rows.sort().join("\n")}`;
}
