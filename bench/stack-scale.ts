// Benchmark of the stack-per-domain layout: for meshes of 6, 60 and 500 synthetic domains of 20 datasets, the pure
// compile of the whole mesh (validate, then every domain spec, contract and artifact, the platform and the GDPR
// registry and jobs) and the offline plan of one domain stack taken from that mesh (it validates the whole mesh and
// registers one domain). Prints wall time and peak RSS; the single-stack floor is bench/plan-scale's.
// Usage: npm run bench:stack-scale [-- 6 60 500]
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compileDomain, compileGdprJobs, compilePlatform, compileRegistry, gdprPipelines, meshOf, meshPlatformNames, renderDomainArtifacts } from "../lib/compile";
import { readStackConfig, withDomainPrincipals } from "../cli/plan/stack-config";
import { validateMesh } from "../lib/manifest";
import { pipelineCodeFiles } from "../lib/project";
import { syntheticMesh, syntheticDomainName, syntheticPrincipals } from "./synthetic";

const root = path.join(__dirname, "..", "..");
const child = path.join(__dirname, "plan-child.js");
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const dev = readStackConfig(root, "dev").settings;
const code = pipelineCodeFiles(root);

function compileAll(files: { file: string; text: string }[]): { validateMs: number; compileMs: number; datasets: number } {
  const settings = { ...dev, databricks: { ...dev.databricks, domainServicePrincipals: syntheticPrincipals(files.length) } };
  const t0 = performance.now();
  const v = validateMesh(files);
  if (v.errors.length > 0) throw new Error(`synthetic mesh invalid: ${v.errors[0].message}`);
  const t1 = performance.now();
  const mesh = meshOf(v.manifests);
  const names = meshPlatformNames(settings.catalog, mesh);
  let datasets = 0;
  const contracts = [];
  for (const d of mesh.domains) {
    const spec = compileDomain(settings, mesh, d, code);
    contracts.push(renderDomainArtifacts(settings, spec, d, names, { warehouseId: "wh", gmsUrl: "http://gms" }).contract);
    datasets += d.spec.datasets.length;
  }
  compilePlatform(settings, mesh);
  compileGdprJobs(settings, gdprPipelines(settings, mesh.domains));
  compileRegistry(contracts);
  return { validateMs: t1 - t0, compileMs: performance.now() - t1, datasets };
}

function project(files: { file: string; text: string }[], n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lakemesh-stacks-${n}-`));
  fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), withDomainPrincipals(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8"), syntheticPrincipals(n)));
  fs.cpSync(path.join(root, "notebooks"), path.join(dir, "notebooks"), { recursive: true });
  fs.mkdirSync(path.join(dir, "domains"));
  for (const f of files) fs.writeFileSync(path.join(dir, "domains", path.basename(f.file)), f.text);
  return dir;
}

console.log(`stack-scale on ${os.cpus().length} cores, node ${process.version}`);
console.log("| domains | datasets | validate s | compile s | pure compile total s | one domain stack: plan s | RSS MB | resources |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const n of sizes.length ? sizes : [6, 60, 500]) {
  const files = syntheticMesh(n, 20);
  const c = compileAll(files);
  const dir = project(files, n);
  // The middle domain: it consumes one domain and is consumed by another, like most.
  const r = spawnSync(process.execPath, ["--max-old-space-size=8192", child, "domain", dir, "dev", syntheticDomainName(Math.floor(n / 2))], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`domain plan failed: ${r.stderr}`);
  const p = JSON.parse(r.stdout.trim().split("\n").pop()!) as { ms: number; rssMb: number; resources: number };
  console.log(`| ${n} | ${c.datasets} | ${(c.validateMs / 1000).toFixed(2)} | ${(c.compileMs / 1000).toFixed(2)} | ${((c.validateMs + c.compileMs) / 1000).toFixed(2)} | ${(p.ms / 1000).toFixed(2)} | ${p.rssMb.toFixed(0)} | ${p.resources} |`);
  fs.rmSync(dir, { recursive: true, force: true });
}
