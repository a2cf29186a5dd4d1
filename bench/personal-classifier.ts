// Report: recall and precision of the personal-data column classifier (lib/classify) on the labelled equity, HR and
// SaaS columns of test/fixtures/personal-columns.yaml, per set (dev, then sets written after each freeze of the
// patterns; their first-sight figures are in the file's header) and in all. Lists every miss, false positive and
// wrong category.
// Usage: npm run bench:classifier
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { measureClassifier, type LabelledColumn } from "../lib/classify";

const file = path.join(__dirname, "..", "..", "test", "fixtures", "personal-columns.yaml");
const sets = yaml.load(fs.readFileSync(file, "utf8")) as Record<string, LabelledColumn[] | null>;
const all: LabelledColumn[] = [];
const pct = (x: number) => (100 * x).toFixed(1);
console.log("| set | columns | personal | flagged correctly | false positives | recall % | precision % | wrong category |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
const report = (name: string, rows: readonly LabelledColumn[]) => {
  const m = measureClassifier(rows);
  console.log(`| ${name} | ${m.columns} | ${m.personal} | ${m.truePositives} | ${m.falsePositives.length} | ${pct(m.recall)} | ${pct(m.precision)} | ${m.wrongCategory.length} |`);
  return m;
};
for (const [name, rows] of Object.entries(sets)) {
  all.push(...(rows ?? []));
  report(name, rows ?? []);
}
const m = report("all", all);
console.log("\ngoals: recall >= 98.0 %, precision >= 90.0 %");
for (const x of m.misses) console.log(`miss: ${x.name} ${x.type} (${x.label}): ${x.description}`);
for (const x of m.falsePositives) console.log(`false positive: ${x.column.name} ${x.column.type} as ${x.finding.category} by ${x.finding.by} (${JSON.stringify(x.finding.evidence)}): ${x.column.description}`);
for (const x of m.wrongCategory) console.log(`wrong category: ${x.column.name} is ${x.column.label}, found ${x.finding.category} by ${x.finding.by} (${JSON.stringify(x.finding.evidence)})`);
