// Item: the platform stack (storage managed elsewhere) and every dev domain stack preview through the real engine
// (real providers' Check, the policy pack in the real analyzer) with zero errors, and the offline preview plan
// (`lakemesh plan --preview`) has the same unknowns and the same policy results. Prod domain stacks need the AWS
// provider, which the engine kit here lacks (see ALL).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { unknownPaths, UNKNOWN_SENTINEL } from "../../cli/engine/events";
import { previewStack, type PreviewRun } from "../../cli/engine/preview";
import { policyFindings, type PolicyFinding } from "../../cli/engine/summary";
import type { Workspace } from "../../cli/engine/workspace";
import { readStackConfig } from "../../cli/plan/stack-config";
import type { PlannedResource } from "../../cli/plan/record";
import type { Violation } from "../../policies/harness";
import { ROOT } from "../helpers/settings";
import { lakemesh, readJson, since, testWorkspace } from "./helpers";

const DOMAINS = fs.readdirSync(path.join(ROOT, "domains")).filter((f) => f.endsWith(".yaml")).map((f) => f.replace(/\.yaml$/, "")).sort();
/**
 * The stacks the engine kit here can preview: the platform stack (storage managed elsewhere) and every dev domain
 * stack. Prod domain stacks hold AWS resources (MSK SCRAM secrets: KMS key, Secrets Manager secrets, their MSK
 * association) and the kit has no AWS provider (pulumi-resource-aws), so they are covered by the offline plan only.
 */
const ALL: [string, string | undefined][] = [["dev-platform", undefined], ...DOMAINS.map((d): [string, string] => ["dev", d])];
/**
 * `npm test` previews a subset, to keep CI time down (each preview takes tens of seconds on two loaded cores): the
 * platform stack and one dev domain stack (Kafka over SASL/SCRAM with per-domain credentials, a pipeline, its job,
 * DataHub ingestion, workspace folders). `npm run test:engine:all` (LAKEMESH_ENGINE_ALL=1) previews every stack in ALL.
 */
const SUBSET = new Set(["dev-platform/", "dev/core-business"]);
const STACKS = process.env.LAKEMESH_ENGINE_ALL === "1" ? ALL : ALL.filter(([s, d]) => SUBSET.has(`${s}/${d ?? ""}`));

let ws: Workspace;
let out: string;
beforeAll(() => {
  ws = testWorkspace("previews");
  out = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-preview-"));
});

const key = (f: PolicyFinding) => `${f.kind} | ${f.policy} | ${f.urn ?? "(stack)"} | ${f.message}`;
/** The offline harness's results as the engine's events would carry them. */
const offlineFindings = (vs: readonly Violation[]) =>
  policyFindings(vs.map((v) => ({ policy: v.policy, pack: "lakemesh", level: v.enforcementLevel, urn: v.urn, message: v.couldNotRun ? `can't run policy '${v.policy}' from policy pack 'lakemesh@v0.1.0' during preview: ${v.message}` : v.message })), new Map());

test("there are six domains, each previewable in dev; every stack of the npm test subset is one of them", () => {
  expect(DOMAINS).toHaveLength(6);
  expect(ALL).toHaveLength(7);
  expect(STACKS.length).toBeGreaterThanOrEqual(SUBSET.size);
});

describe.each(STACKS)("lakemesh preview --stack %s --domain %s", (stackName, domain) => {
  let run: PreviewRun;
  let offline: { resources: PlannedResource[]; policy: Violation[] };
  beforeAll(async () => {
    const t0 = Date.now();
    const stack = readStackConfig(ROOT, stackName, domain);
    run = await previewStack(ws, stack);
    const t1 = Date.now();
    const r = lakemesh(["plan", "--stack", stackName, ...(domain ? ["--domain", domain] : []), "--preview", "--quiet", "--out", out]);
    if (r.code !== 0) throw new Error(`lakemesh plan --preview failed: ${r.stderr}`);
    offline = { resources: readJson<{ resources: PlannedResource[] }>(path.join(out, stack.stack, "plan.json")).resources, policy: readJson(path.join(out, stack.stack, "policy.json")) };
    // Timings for the report: engine preview, then the offline preview plan.
    process.stdout.write(`${stack.stack}: engine preview ${((t1 - t0) / 1000).toFixed(1)} s, offline preview plan ${since(t1)} s, ${run.summary.steps.length} steps\n`);
  }, 600_000);

  it("passes: no engine error, no provider Check failure, no mandatory violation, no rule that could not run", () => {
    expect(run.summary.failures).toEqual([]);
    expect(run.summary.result).toBe("succeeded");
    expect(run.summary.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("creates what the offline plan registers, and nothing else", () => {
    const created = run.summary.steps.filter((s) => s.op === "create" && !s.type.startsWith("pulumi:")).map((s) => s.urn).sort();
    const planned = offline.resources.filter((r) => !r.type.startsWith("pulumi:") && !("@read" in r.inputs)).map((r) => r.urn).sort();
    expect(created).toEqual(planned);
    expect(created.length).toBeGreaterThan(15);
  });

  it("has the unknown inputs the offline preview plan has, resource by resource", () => {
    const engine = Object.fromEntries(run.summary.steps.filter((s) => s.unknownInputs.length > 0).map((s) => [s.urn, s.unknownInputs]));
    const planned = Object.fromEntries(
      offline.resources.map((r) => [r.urn, unknownPaths(JSON.parse(JSON.stringify(r.inputs).replaceAll('"@unknown"', `"${UNKNOWN_SENTINEL}"`)))] as const).filter(([, p]) => p.length > 0),
    );
    expect(engine).toEqual(planned);
  });

  it("gets the same policy results from the real analyzer as from the offline harness", () => {
    const engine = run.summary.findings.map(key).sort();
    expect(engine).toEqual(offlineFindings(offline.policy).map(key).sort());
    expect(run.summary.findings.filter((f) => f.kind === "could-not-run")).toEqual([]);
    // Every rule of the pack ran in the engine.
    expect(run.summary.rules.length).toBeGreaterThanOrEqual(20);
  });
});
