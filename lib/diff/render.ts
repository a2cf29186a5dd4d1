// The diff as text for a terminal and as Markdown for a pull-request comment.
import type { AffectedConsumer, Change, DatasetDiff, MeshDiff } from "./types";

const version = (d: DatasetDiff) => (d.status === "added" ? `new ${d.headVersion}` : d.status === "removed" ? `${d.baseVersion} removed` : `${d.baseVersion} -> ${d.headVersion}`);
const bumpText = (d: DatasetDiff) => (d.status !== "changed" ? "-" : `needs ${d.requiredBump}, made ${d.madeBump}`);
/** Gated consumers one per line with their status; informed ones (personas, the same domain's gold) on one line. */
function consumerLines(affected: readonly AffectedConsumer[]): string[] {
  const gated = affected.filter((a) => a.status !== "informed").map((a) => `${a.consumer.kind} ${a.consumer.id}: ${a.status} (${a.why})`);
  const informed = affected.filter((a) => a.status === "informed").map((a) => `${a.consumer.kind} ${a.consumer.id}`);
  return [...gated, ...(informed.length ? [`informed: ${informed.join(", ")}`] : [])];
}

function countsLine(diff: MeshDiff): string {
  const s = diff.summary;
  return `${s.breaking} breaking, ${s.compatible} compatible, ${s.cosmetic} cosmetic change(s) in ${s.datasets} dataset(s)`;
}

function summaryLine(diff: MeshDiff): string {
  const n = diff.summary.failures;
  return `${countsLine(diff)}; ${n === 0 ? "gate passes" : `gate fails: ${n} failure(s)`}`;
}

function changeLine(c: Change): string {
  return `${c.class.padEnd(10)}  ${c.kind.padEnd(22)}  ${c.subject ? `${c.subject}: ` : ""}${c.detail}`;
}

export function diffText(diff: MeshDiff): string {
  const out = [`contract diff ${diff.base} -> ${diff.head} (consumers from: ${diff.consumerSources.join(", ")})`];
  if (diff.domains.length === 0) out.push("no contract changes");
  for (const d of diff.domains) {
    out.push("", `${d.domain} (${d.status})`);
    for (const c of d.changes) out.push(`  domain      ${changeLine(c)}`);
    for (const x of d.datasets) {
      out.push(`  ${x.dataset}  ${version(x)}  [${x.lifecycle}]  ${bumpText(x)}${x.failures.length ? "  FAIL" : ""}`);
      for (const c of x.changes) out.push(`    ${changeLine(c)}`);
      for (const l of consumerLines(x.affected)) out.push(`    consumer ${l}`);
      for (const f of x.failures) out.push(`    FAIL: ${f}`);
    }
  }
  out.push("", summaryLine(diff));
  return out.join("\n") + "\n";
}

/** Table cells: no pipe or newline may break the row. */
const cell = (t: string) => t.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** Markdown with its title at heading `level` (3 in a pull-request comment, 2 in plan.md). */
export function diffMarkdown(diff: MeshDiff, level = 3): string {
  const h = (n: number) => "#".repeat(level + n);
  const out = [`${h(0)} Contract diff: \`${cell(diff.base)}\` -> ${cell(diff.head)}`, "", `**${diff.summary.failures === 0 ? "Gate passes" : "Gate fails"}.** ${countsLine(diff)}.`];
  if (diff.failures.length) out.push("", ...diff.failures.map((f) => `- **${cell(f)}**`));
  const datasets = diff.domains.flatMap((d) => d.datasets);
  if (datasets.length) {
    out.push("", "| Domain | Dataset | Lifecycle | Version | Bump needed | Bump made | Breaking | Gate |", "|---|---|---|---|---|---|---|---|");
    for (const x of datasets) {
      const breaking = x.changes.filter((c) => c.class === "breaking").length;
      out.push(`| ${x.domain} | ${x.dataset} | ${x.lifecycle} | ${cell(version(x))} | ${x.status === "changed" ? x.requiredBump : "-"} | ${x.status === "changed" ? x.madeBump : "-"} | ${breaking} | ${x.failures.length ? "fails" : "passes"} |`);
    }
  }
  for (const d of diff.domains) {
    for (const x of d.datasets) {
      out.push("", `${h(1)} ${d.domain}.${x.dataset}`, "", "| Class | Change | Detail |", "|---|---|---|");
      for (const c of x.changes) out.push(`| ${c.class} | ${c.kind} | ${cell(`${c.subject ? `${c.subject}: ` : ""}${c.detail}`)} |`);
      if (x.affected.length) out.push("", "Consumers the breaking changes reach:", ...consumerLines(x.affected).map((l) => `- ${cell(l)}`));
    }
    if (d.changes.length) {
      out.push("", `${h(1)} ${d.domain} (domain)`, "", "| Class | Change | Detail |", "|---|---|---|");
      for (const c of d.changes) out.push(`| ${c.class} | ${c.kind} | ${cell(`${c.subject ? `${c.subject}: ` : ""}${c.detail}`)} |`);
    }
  }
  if (diff.domains.length === 0) out.push("", "No contract changes.");
  return out.join("\n") + "\n";
}
