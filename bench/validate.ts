// Benchmark: load and validate 1,000 generated manifests (YAML parse with positions, JSON Schema, semantic rules).
// Usage: npm run bench:validate [-- <count> <datasets per domain>]
import { validateMesh } from "../lib/manifest";
import { syntheticMesh } from "./synthetic";

const count = Number(process.argv[2] ?? 1000);
const datasets = Number(process.argv[3] ?? 5);
const files = syntheticMesh(count, datasets);
const bytes = files.reduce((n, f) => n + f.text.length, 0);

validateMesh(files.slice(0, 5)); // warm up ajv compilation and the JIT on a small mesh
const runs: number[] = [];
let errors = 0;
let validDatasets = 0;
for (let r = 0; r < 3; r++) {
  const t0 = process.hrtime.bigint();
  const v = validateMesh(files);
  runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  errors = v.errors.length;
  validDatasets = v.manifests.reduce((n, m) => n + m.manifest.spec.datasets.length, 0);
}
const best = Math.min(...runs);
console.log(`validate: ${count} manifests, ${validDatasets} datasets, ${(bytes / 1048576).toFixed(1)} MiB of YAML`);
console.log(`  runs (ms): ${runs.map((x) => x.toFixed(0)).join(", ")}; best ${best.toFixed(0)} ms (goal < 2000 ms); errors: ${errors}`);
console.log(`  rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
if (errors > 0) process.exitCode = 1;
