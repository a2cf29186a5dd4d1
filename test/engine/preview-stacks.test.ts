// Item: every stack, dev and prod, platform and domains, previews through the real engine (real providers' Check, the
// policy pack in the real analyzer) with zero errors, and the offline preview plan (`lakemesh plan --preview`) has
// the same unknowns and the same policy results. The engine kit here has no AWS provider, so every stack previews
// with its AWS managed elsewhere: dev as shipped, prod from a project copy whose stack files add aws.existingStorage
// and kafka.existingScramSecrets, and DataHub run elsewhere (datahub.install: false: the engine's Check of the DataHub
// helm releases downloads their charts, and there is no network here; test/helpers/aws-elsewhere.ts).
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
import { prodAwsElsewhereProject } from "../helpers/aws-elsewhere";
import { ROOT } from "../helpers/settings";
import { lakemesh, readJson, since, testWorkspace } from "./helpers";

const DOMAINS = fs.readdirSync(path.join(ROOT, "domains")).filter((f) => f.endsWith(".yaml")).map((f) => f.replace(/\.yaml$/, "")).sort();
/** Where the prod previews run: a copy of the project whose prod stack files have AWS managed elsewhere. */
const PROD_PROJECT = path.join(ROOT, ".local", "pulumi-tests", "prod-aws-elsewhere", "project");
/**
 * Every stack: each environment's platform stack and each of its domain stacks. dev as shipped (storage managed
 * elsewhere); prod with storage and MSK SCRAM secrets managed elsewhere, since the kit has no AWS provider
 * (pulumi-resource-aws) for the buckets, keys and secrets of prod's full mode, which the offline plan covers.
 */
const ALL: [string, string | undefined][] = ["dev", "prod"].flatMap((env): [string, string | undefined][] => [[`${env}-platform`, undefined], ...DOMAINS.map((d): [string, string] => [env, d])]);
/**
 * `npm test` (and so CI) previews every stack in ALL. LAKEMESH_ENGINE_SUBSET=1 (`npm run test:engine:quick`) previews
 * the platform stack and one domain stack of each environment (Kafka over SASL/SCRAM with per-domain credentials, a
 * pipeline, its job, DataHub ingestion, workspace folders), for a quicker loop while developing.
 */
const SUBSET = new Set(["dev-platform/", "dev/core-business", "prod-platform/", "prod/core-business"]);
const STACKS = process.env.LAKEMESH_ENGINE_SUBSET === "1" ? ALL.filter(([s, d]) => SUBSET.has(`${s}/${d ?? ""}`)) : ALL;
const rootOf = (stack: string) => (stack.startsWith("prod") ? PROD_PROJECT : ROOT);

const workspaces = new Map<string, Workspace>();
let out: string;
beforeAll(() => {
  if (STACKS.some(([s]) => rootOf(s) === PROD_PROJECT)) prodAwsElsewhereProject(ROOT, PROD_PROJECT, { datahubElsewhere: true });
  workspaces.set(ROOT, testWorkspace("previews"));
  workspaces.set(PROD_PROJECT, testWorkspace("previews-prod", PROD_PROJECT));
  out = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-preview-"));
});

// A stack rule's finding that names no resource: the offline harness leaves its urn out, the engine files it under the
// root stack resource (pulumi:pulumi:Stack). Both mean "the stack".
const stackLevel = (urn?: string) => (urn === undefined || /::pulumi:pulumi:Stack::/.test(urn) ? "(stack)" : urn);
const key = (f: PolicyFinding) => `${f.kind} | ${f.policy} | ${stackLevel(f.urn)} | ${f.message}`;
/** The offline harness's results as the engine's events would carry them. */
const offlineFindings = (vs: readonly Violation[]) =>
  policyFindings(vs.map((v) => ({ policy: v.policy, pack: "lakemesh", level: v.enforcementLevel, urn: v.urn, message: v.couldNotRun ? `can't run policy '${v.policy}' from policy pack 'lakemesh@v0.1.0' during preview: ${v.message}` : v.message })), new Map());

test("there are six domains, each previewable in dev and prod; the quick subset is four of them, npm test runs all", () => {
  expect(DOMAINS).toHaveLength(6);
  expect(ALL).toHaveLength(14);
  expect(ALL.filter(([s, d]) => SUBSET.has(`${s}/${d ?? ""}`))).toHaveLength(SUBSET.size);
  expect(STACKS).toHaveLength(process.env.LAKEMESH_ENGINE_SUBSET === "1" ? SUBSET.size : ALL.length);
});

describe.each(STACKS)("lakemesh preview --stack %s --domain %s", (stackName, domain) => {
  let run: PreviewRun;
  let offline: { resources: PlannedResource[]; policy: Violation[] };
  beforeAll(async () => {
    const t0 = Date.now();
    const root = rootOf(stackName);
    const stack = readStackConfig(root, stackName, domain);
    run = await previewStack(workspaces.get(root)!, stack);
    const t1 = Date.now();
    const r = lakemesh(["plan", "--stack", stackName, ...(domain ? ["--domain", domain] : []), "--preview", "--quiet", "--out", out], root);
    if (r.code !== 0) throw new Error(`lakemesh plan --preview failed: ${r.stderr}`);
    offline = { resources: readJson<{ resources: PlannedResource[] }>(path.join(out, stack.stack, "plan.json")).resources, policy: readJson(path.join(out, stack.stack, "policy.json")) };
    // What the engine said (diagnostics, policy results), kept for docs/engine-diagnostics.md.
    const diag = path.join(ROOT, ".local", "pulumi-tests", "diagnostics");
    fs.mkdirSync(diag, { recursive: true });
    fs.writeFileSync(path.join(diag, `${stack.stack}.json`), JSON.stringify({ diagnostics: run.summary.diagnostics, findings: run.summary.findings, stderr: run.stderr }, null, 2));
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
