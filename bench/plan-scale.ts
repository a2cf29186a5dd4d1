// Benchmark: the offline plan of 6, 60 and 500 synthetic domains of 20 datasets, against a bare floor of the same
// number of mocked registrations. Prints wall time, peak RSS, resources, the plan/floor ratio and the deploy graph's
// critical path. Usage: npm run bench:plan-scale [-- 6 60 500]
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { withDomainPrincipals } from "../cli/plan/stack-config";
import { syntheticMesh, syntheticPrincipals } from "./synthetic";

const root = path.join(__dirname, "..", "..");
const child = path.join(__dirname, "plan-child.js");
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);

interface Run {
  ms: number;
  rssMb: number;
  resources: number;
  criticalPath: number;
}

function run(args: string[]): Run {
  const r = spawnSync(process.execPath, ["--max-old-space-size=8192", child, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Run;
}

function project(domains: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lakemesh-scale-${domains}-`));
  fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), withDomainPrincipals(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8"), syntheticPrincipals(domains)));
  fs.cpSync(path.join(root, "notebooks"), path.join(dir, "notebooks"), { recursive: true });
  fs.mkdirSync(path.join(dir, "domains"));
  for (const f of syntheticMesh(domains, 20)) fs.writeFileSync(path.join(dir, "domains", path.basename(f.file)), f.text);
  return dir;
}

console.log(`plan-scale on ${os.cpus().length} cores, node ${process.version}`);
console.log("| domains | resources | plan s | plan RSS MB | floor s | floor RSS MB | time ratio | critical path |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const n of sizes.length ? sizes : [6, 60, 500]) {
  const dir = project(n);
  const plan = run(["plan", dir, "dev"]);
  const floor = run(["floor", String(plan.resources), dir]);
  const row = `| ${n} | ${plan.resources} | ${(plan.ms / 1000).toFixed(2)} | ${plan.rssMb.toFixed(0)} | ${(floor.ms / 1000).toFixed(2)} | ${floor.rssMb.toFixed(0)} | ${(plan.ms / floor.ms).toFixed(2)} | ${plan.criticalPath} |`;
  console.log(row);
  fs.rmSync(dir, { recursive: true, force: true });
}
