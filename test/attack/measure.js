#!/usr/bin/env node
// Runs one lakemesh command (the built CLI in dist/) in this process and prints one JSON line: what the command
// printed, its exit status, and what it cost: wall and CPU milliseconds of the command itself, and the peak
// resident memory of the whole process (Node, the CLI's modules and the command). Used by test/attack.
// Usage: node test/attack/measure.js <cwd> <lakemesh arguments...>
"use strict";
const path = require("path");
const { main } = require(path.join(__dirname, "..", "..", "dist", "cli", "main.js"));

/**
 * Peak resident memory of this process's own address space, in MB. On Linux, getrusage's maxRSS survives fork and
 * exec, so a child of a large process (a jest worker) would report its parent's peak; VmHWM in /proc/self/status
 * belongs to the address space exec created. Elsewhere, resourceUsage() (an over-estimate, never an under-estimate).
 */
function peakRssMb() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(require("fs").readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

(async () => {
  const [cwd, ...argv] = process.argv.slice(2);
  let out = "";
  let err = "";
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), cwd });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  const maxRssMb = peakRssMb();
  process.stdout.write(JSON.stringify({ code, out, err, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb }) + "\n", () => process.exit(0));
})();
