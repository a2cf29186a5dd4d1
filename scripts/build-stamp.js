#!/usr/bin/env node
"use strict";
// `node scripts/build-stamp.js`: the second half of `npm run build`; records the hash of every source tsc compiled
// into dist/ (and of package.json and the tsconfigs), which the compiled Pulumi program and policy pack check at
// start (lib/build-stamp.ts).
// `node scripts/build-stamp.js --check`: exits 1 and prints why when dist/ needs a rebuild (scripts/build-if-stale.sh).
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");
const stampModule = path.join(dist, "lib", "build-stamp.js");
if (process.argv[2] === "--check") {
  if (!fs.existsSync(stampModule)) {
    process.stdout.write("no dist/ yet\n");
    process.exit(1);
  }
  const reasons = require(stampModule).staleReasons(root, dist);
  if (reasons.length > 0) {
    process.stdout.write(`${reasons.slice(0, 3).join(", ")}${reasons.length > 3 ? `, and ${reasons.length - 3} more` : ""}\n`);
    process.exit(1);
  }
} else {
  const n = require(stampModule).writeBuildStamp(root, dist);
  process.stderr.write(`build stamp: ${n} sources\n`);
}
