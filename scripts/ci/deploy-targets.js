#!/usr/bin/env node
"use strict";
// Which stacks the deploy workflow previews and updates after a merge, for one environment: the stacks
// `lakemesh affected` names, in the repository's layout (the LAKEMESH_LAYOUT variable):
//   single  the one stack <env> (Pulumi.<env>.yaml) holds the platform and every domain (default);
//   split   <env>-platform first, then each affected <env>-<domain> that has its own Pulumi.<env>-<domain>.yaml.
// Writes `platform=<JSON array>` and `domains=<JSON array>` lines (for $GITHUB_OUTPUT) on stdout. A removed domain's
// stack is never destroyed by CI: it is named in a warning. Exit 1 when an affected domain stack has no stack file
// in the split layout (it could not be deployed), 2 on usage errors.
// Usage: node scripts/ci/deploy-targets.js <base git ref> <env> [single|split]
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const [base, env, layout = "single"] = process.argv.slice(2);
if (!base || !/^[a-z][a-z0-9]{0,9}$/.test(env ?? "") || !["single", "split"].includes(layout)) {
  console.error("usage: node scripts/ci/deploy-targets.js <base git ref> <env> [single|split]");
  process.exit(2);
}
const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "lakemesh.js"), "affected", "--base", base, "--env", env, "--format", "json"], { cwd: ROOT, encoding: "utf8" });
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const stacks = JSON.parse(r.stdout).stacks;
const removed = stacks.filter((s) => s.reasons.some((x) => x.startsWith("domain removed"))).map((s) => s.stack);
for (const s of removed) console.error(`::warning::${s} left the mesh: destroy its stack by hand after its data is retired (CI never destroys)`);
let platform = [];
let domains = [];
if (layout === "single") {
  platform = stacks.some((s) => s.stack === env) ? [env] : [];
} else {
  platform = stacks.some((s) => s.stack === `${env}-platform`) ? [`${env}-platform`] : [];
  domains = stacks.map((s) => s.stack).filter((s) => s !== env && s !== `${env}-platform` && !removed.includes(s));
  const missing = domains.filter((s) => !fs.existsSync(path.join(ROOT, `Pulumi.${s}.yaml`)));
  if (missing.length > 0) {
    for (const s of missing) console.error(`::error::${s} is affected but has no Pulumi.${s}.yaml; add it (copy Pulumi.${env}-core-business.yaml) to deploy it`);
    process.exit(1);
  }
}
console.log(`platform=${JSON.stringify(platform)}`);
console.log(`domains=${JSON.stringify(domains)}`);
