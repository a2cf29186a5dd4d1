import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ATTACKS, type Attack } from "./corpus";

// Every attempt of the corpus runs as the built CLI (dist/, which `npm test` builds first) in its own process,
// so each one's CPU time and peak memory are its own. Budget per hostile input: 2 s of CPU and 200 MB resident.
// CPU time, not wall time, is held to 2 s: this machine and CI runners are shared, and a wall clock measures the
// neighbours too. A hang (a FIFO used to block forever) is caught by the 20 s wall-clock timeout.
const ROOT = path.join(__dirname, "..", "..");
const MEASURE = path.join(__dirname, "measure.js");
const BUDGET = { cpuMs: 2000, rssMb: 200, hangMs: 20_000 };

interface Outcome {
  readonly id: string;
  readonly item: string;
  readonly code: number;
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly maxRssMb: number;
}
const outcomes: Outcome[] = [];

/** The newest modification time of the TypeScript the CLI is built from. */
function newestSource(): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(ts|json)$/.test(e.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const d of ["lib", "cli", "policies"]) walk(path.join(ROOT, d));
  return newest;
}

function run(a: Attack): { code: number; lines: string[]; cpuMs: number; wallMs: number; maxRssMb: number; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-attack-"));
  try {
    a.setup(dir);
    const r = spawnSync(process.execPath, [MEASURE, dir, ...a.argv], { encoding: "utf8", timeout: BUDGET.hangMs, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw new Error(`${a.id}: ${r.error.message} (a hang or a crash); stderr: ${r.stderr}`);
    const last = r.stdout.trim().split("\n").pop() ?? "";
    const m = JSON.parse(last) as { code: number; out: string; err: string; cpuMs: number; wallMs: number; maxRssMb: number };
    return { ...m, lines: (m.out + m.err).split("\n"), dir };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("the attack corpus of issue 15: every attempt refused, located, within budget", () => {
  beforeAll(() => {
    const built = path.join(ROOT, "dist", "cli", "main.js");
    if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < newestSource()) throw new Error("dist/ is older than the sources: run `npm run build` (npm test does) before this test");
  });

  it("has unique ids and attempts for every item of the issue this corpus covers", () => {
    expect(new Set(ATTACKS.map((a) => a.id)).size).toBe(ATTACKS.length);
    expect([...new Set(ATTACKS.map((a) => a.item))].sort()).toEqual(["1", "10", "11", "3", "5", "6"]);
  });

  it.each(ATTACKS.map((a) => [a.id, a] as const))("%s", (_id, a) => {
    const r = run(a);
    outcomes.push({ id: a.id, item: a.item, code: r.code, cpuMs: r.cpuMs, wallMs: r.wallMs, maxRssMb: r.maxRssMb });
    expect({ id: a.id, code: r.code }).toEqual({ id: a.id, code: a.expect.code });
    for (const want of a.expect.lines.map((l) => l.replace("$DIR", r.dir))) {
      if (want.endsWith("…")) expect(r.lines.find((l) => l.startsWith(want.slice(0, -1)))).toBeDefined();
      else expect(r.lines).toContain(want);
    }
    // No raw control, ANSI or bidirectional character ever reaches the terminal.
    for (const line of r.lines) expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect({ id: a.id, cpuMs: r.cpuMs < BUDGET.cpuMs, rssMb: r.maxRssMb < BUDGET.rssMb }).toEqual({ id: a.id, cpuMs: true, rssMb: true });
  });

  afterAll(() => {
    if (outcomes.length === 0) return;
    const refused = outcomes.filter((o) => o.code !== 0).length;
    const slowest = [...outcomes].sort((x, y) => y.cpuMs - x.cpuMs)[0];
    const hungriest = [...outcomes].sort((x, y) => y.maxRssMb - x.maxRssMb)[0];
    const report = [
      `attack corpus: ${outcomes.length} attempts, ${refused} refused`,
      `slowest: ${slowest.id} ${slowest.cpuMs.toFixed(0)} ms CPU (${slowest.wallMs.toFixed(0)} ms wall), ${slowest.maxRssMb.toFixed(0)} MB peak`,
      `most memory: ${hungriest.id} ${hungriest.maxRssMb.toFixed(0)} MB peak, ${hungriest.cpuMs.toFixed(0)} ms CPU`,
      "",
      "| id | item | exit | CPU ms | wall ms | peak MB |",
      "|---|---|---|---|---|---|",
      ...outcomes.map((o) => `| ${o.id} | ${o.item} | ${o.code} | ${o.cpuMs.toFixed(0)} | ${o.wallMs.toFixed(0)} | ${o.maxRssMb.toFixed(0)} |`),
    ].join("\n");
    fs.mkdirSync(path.join(ROOT, "out", "attack"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "out", "attack", "report.md"), report + "\n");
    process.stdout.write(report.split("\n").slice(0, 3).join("\n") + "\n(out/attack/report.md)\n");
  });
});
