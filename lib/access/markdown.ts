// The access tables as Markdown, for plan.md.
import type { AccessReport } from "./report";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Counts the README and the closing notes quote, from the same rows as the tables. */
export function accessCounts(r: AccessReport) {
  return {
    actions: r.actions.length,
    missing: r.actions.filter((a) => !a.held).length,
    visibility: r.visibility.length,
    readable: r.visibility.filter((v) => v.rows !== "none").length,
    prerequisites: r.prerequisites.length,
  };
}

export function accessMarkdown(r: AccessReport, stack: string): string {
  const c = accessCounts(r);
  const columns = (v: Record<string, string>) => Object.entries(v).map(([k, x]) => `${k}: ${x}`).join(", ") || "-";
  return [
    "## Access",
    "",
    `${c.actions} workload actions, ${c.missing} with a missing privilege; ${c.visibility} persona x dataset pairs, ${c.readable} readable; ${c.prerequisites} prerequisites (\`lakemesh preflight --stack ${stack}\` checks them).`,
    "",
    "### Workload x action",
    "",
    "<details><summary>What each workload does, what that needs, and where the plan grants it</summary>",
    "",
    "| Workload | Principal | Action | Needs | Holds | How |",
    "|---|---|---|---|---|---|",
    ...r.actions.map((a) => `| ${cell(a.workload)} | ${cell(a.principal)} | ${cell(a.action)} | ${cell(a.needsText)} | ${a.held ? "yes" : `**missing**: ${cell(a.missing.join("; "))}`} | ${cell(a.how.join("; ") || "-")} |`),
    "",
    "</details>",
    "",
    "### Persona x dataset",
    "",
    "<details><summary>Which rows each persona reads, how it sees each personal column, and whether it can change rows</summary>",
    "",
    "| Persona | Dataset | Rows | Personal columns | Writes | How |",
    "|---|---|---|---|---|---|",
    ...r.visibility.map((v) => `| ${cell(v.persona)} | ${cell(v.dataset)} | ${v.rows} | ${cell(columns(v.columns))} | ${v.modify ? `MODIFY via ${cell(v.modify)}` : "-"} | ${cell(v.how)} |`),
    "",
    "</details>",
    "",
    "### Prerequisites",
    "",
    "| Id | What | Provided by |",
    "|---|---|---|",
    ...r.prerequisites.map((p) => `| \`${cell(p.id)}\` | ${cell(p.what)} | ${cell(p.providedBy)} |`),
  ].join("\n");
}
