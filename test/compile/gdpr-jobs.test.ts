import * as fs from "fs";
import * as path from "path";
import { compileGdprJobs, GDPR_JOB_KINDS, GDPR_REQUEST_ID, GDPR_SUBJECT_ID, GDPR_TENANT_ID } from "../../lib/compile";
import { ROOT, stackSettings } from "../helpers/settings";

/** The PARAMETERS list a job notebook declares (a Python list of string literals). */
function notebookParameters(source: string): string[] {
  const m = fs.readFileSync(path.join(ROOT, source), "utf8").match(/^PARAMETERS = \[([^\]]*)\]$/m);
  if (!m) throw new Error(`${source} declares no PARAMETERS`);
  return [...m[1].matchAll(/"([a-z_]+)"/g)].map((x) => x[1]);
}

describe("compileGdprJobs", () => {
  const dev = compileGdprJobs(stackSettings("dev"));
  const prod = compileGdprJobs(stackSettings("prod"));

  it("plans one job per kind, named from the stack, each running its own notebook", () => {
    expect(prod.jobs.map((j) => [j.kind, j.name, j.notebook.source, j.notebook.path])).toEqual([
      ["subject-access", "lakemesh-prod-gdpr-subject-access", "notebooks/gdpr/subject_access.py", "/lakemesh/prod/gdpr/subject_access"],
      ["erasure", "lakemesh-prod-gdpr-erasure", "notebooks/gdpr/erasure.py", "/lakemesh/prod/gdpr/erasure"],
      ["retention", "lakemesh-prod-gdpr-retention", "notebooks/gdpr/retention.py", "/lakemesh/prod/gdpr/retention"],
    ]);
    expect(prod.module).toEqual({ resourceName: "gdpr-module", source: "notebooks/gdpr/lakemesh_gdpr.py", path: "/lakemesh/prod/gdpr/lakemesh_gdpr.py" });
    for (const f of [prod.module.source, ...prod.jobs.map((j) => j.notebook.source)]) expect(fs.existsSync(path.join(ROOT, f))).toBe(true);
  });

  it.each(GDPR_JOB_KINDS)("gives the %s job exactly the parameters its notebook reads", (kind) => {
    const job = prod.jobs.find((j) => j.kind === kind)!;
    expect(job.parameters.map((p) => p.name)).toEqual(notebookParameters(job.notebook.source));
  });

  it("schedules only retention, and runs as the GDPR service principal in every environment", () => {
    expect(prod.jobs.map((j) => j.schedule)).toEqual([null, null, "0 0 2 * * ?"]);
    expect(prod.jobs.map((j) => j.runAsServicePrincipal)).toEqual(Array(3).fill("5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c01"));
    expect(dev.jobs.map((j) => j.runAsServicePrincipal)).toEqual(Array(3).fill("0d3f5a7c-1b2e-4c6d-8e9f-a0b1c2d3e5f1"));
  });

  it("takes the retention schedule and secret scope from the stack settings", () => {
    const s = stackSettings("dev");
    const spec = compileGdprJobs({ ...s, databricks: { ...s.databricks, gdprRetentionSchedule: "0 30 3 * * ?", gdprSecretScope: "other-scope" } });
    expect(spec.jobs.find((j) => j.kind === "retention")!.schedule).toBe("0 30 3 * * ?");
    expect(spec.secretScope.name).toBe("other-scope");
    const salted = spec.jobs.filter((j) => j.parameters.some((p) => p.name === "salt_secret_scope" && p.default === "other-scope"));
    expect(salted.map((j) => j.kind)).toEqual(["subject-access", "erasure"]);
  });

  it("VACUUMs only in the nightly retention job, at the tables' own threshold unless a run asks otherwise (issue 13, item 7)", () => {
    expect(dev.jobs.filter((j) => j.parameters.some((p) => p.name === "vacuum_retain_hours")).map((j) => j.kind)).toEqual(["retention"]);
    expect(dev.jobs.find((j) => j.kind === "retention")!.parameters.find((p) => p.name === "vacuum_retain_hours")!.default).toBe("");
  });
});

test("the CLI and the jobs accept the same tenant, subject and request ids", () => {
  const py = fs.readFileSync(path.join(ROOT, "notebooks/gdpr/lakemesh_gdpr.py"), "utf8");
  // Python matches with fullmatch (no anchors: `$` would also accept a trailing newline); JavaScript anchors.
  const pattern = (name: string) => `^${py.match(new RegExp(`^${name} = re\\.compile\\(r"([^"]+)"\\)$`, "m"))?.[1]}$`;
  expect([pattern("TENANT"), pattern("SUBJECT"), pattern("REQUEST")]).toEqual([GDPR_TENANT_ID.source, GDPR_SUBJECT_ID.source, GDPR_REQUEST_ID.source]);
  expect(["tenant-01", "T_2"].every((t) => GDPR_TENANT_ID.test(t))).toBe(true);
  expect(["", "tenant 01", "t'; DROP TABLE x; --", "-t", "a".repeat(65)].some((t) => GDPR_TENANT_ID.test(t))).toBe(false);
  // Subject ids are only ever bound, so every e-mail address is one (the full corpus: test/fixtures/subject-ids.json).
  expect(["user-01-002", "a.b+c@example.com", "o'brien@example.com", 'a"b', "a;b"].every((t) => GDPR_SUBJECT_ID.test(t))).toBe(true);
  expect(["x' OR '1'='1", "a b", "a\nb", "{{job.id}}", "${x}"].some((t) => GDPR_SUBJECT_ID.test(t))).toBe(false);
});
