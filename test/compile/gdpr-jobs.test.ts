import * as fs from "fs";
import * as path from "path";
import { compileGdprJobs, GDPR_ERASING_MAX_DAYS, GDPR_JOB_KINDS, GDPR_REQUEST_ID, GDPR_SUBJECT_ID, GDPR_TENANT_ID, gdprPipelines, inboxSurvival, type Settings } from "../../lib/compile";
import { ROOT, shippedMesh, stackSettings } from "../helpers/settings";

const jobs = (s: Settings) => compileGdprJobs(s, gdprPipelines(s, shippedMesh().domains));

/** The PARAMETERS list a job notebook declares (a Python list of string literals). */
function notebookParameters(source: string): string[] {
  const m = fs.readFileSync(path.join(ROOT, source), "utf8").match(/^PARAMETERS(?:: list\[str\])? = \[([^\]]*)\]$/m);
  if (!m) throw new Error(`${source} declares no PARAMETERS`);
  return [...m[1].matchAll(/"([a-z_]+)"/g)].map((x) => x[1]);
}

describe("compileGdprJobs", () => {
  const dev = jobs(stackSettings("dev"));
  const prod = jobs(stackSettings("prod"));

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

  it("takes the retention schedule, export retention and secret scope from the stack settings", () => {
    const s = stackSettings("dev");
    const spec = jobs({ ...s, databricks: { ...s.databricks, gdprRetentionSchedule: "0 30 3 * * ?", gdprSecretScope: "other-scope", gdprExportRetentionDays: 30 } });
    expect(spec.settings.values.export_retention_days).toBe(30);
    expect(spec.jobs.find((j) => j.kind === "retention")!.schedule).toBe("0 30 3 * * ?");
    expect(spec.secretScope.name).toBe("other-scope");
    expect(spec.settings.values.salt_secret_scope).toBe("other-scope");
  });

  // run-now's job_parameters override job parameters, and run history keeps them 60 days: a run takes the request id
  // and nothing else, so it can neither move the registry, audit log or exports nor leave a subject id behind.
  it.each([
    ["subject-access", ["request_id"]],
    ["erasure", ["request_id"]],
    ["retention", []],
  ] as const)("lets a %s run set only %j", (kind, allowed) => {
    for (const spec of [dev, prod]) {
      const job = spec.jobs.find((j) => j.kind === kind)!;
      expect(job.parameters).toEqual(allowed.map((name) => ({ name, default: "" })));
      const text = JSON.stringify(job);
      for (const banned of ["tenant_id", "subject_id", "registry_table", "catalog_override", "export_root", "salt_secret_scope", "vacuum_retain_hours"]) expect(text).not.toContain(banned);
    }
  });

  it.each([
    ["dev", "lakemesh_dev", "/lakemesh/dev/gdpr/lakemesh_gdpr_settings.json", "lakemesh-gdpr"],
    ["prod", "lakemesh_prod", "/lakemesh/prod/gdpr/lakemesh_gdpr_settings.json", "lakemesh-gdpr"],
  ] as const)("writes the %s settings file beside the module, exactly", (stack, catalog, file, scope) => {
    const spec = jobs(stackSettings(stack));
    expect(spec.settings.path).toBe(file);
    expect(path.posix.dirname(spec.settings.path)).toBe(path.posix.dirname(spec.module.path));
    expect(JSON.parse(spec.settings.content)).toEqual({
      catalog,
      export_root: `/Volumes/${catalog}/governance/gdpr_exports`,
      governance_schema: "governance",
      salt_secret_key: "subject-salt",
      salt_secret_scope: spec.secretScope.name,
      vacuum_retain_hours: null,
      export_retention_days: 7,
      pipelines: [
        { domain: "core-business", name: `lakemesh-${stack}-core-business`, continuous: false },
        { domain: "external-integrations", name: `lakemesh-${stack}-external-integrations`, continuous: false },
        { domain: "operational-activities", name: `lakemesh-${stack}-operational-activities`, continuous: false },
        { domain: "outcomes-performance", name: `lakemesh-${stack}-outcomes-performance`, continuous: false },
        { domain: "usage-engagement", name: `lakemesh-${stack}-usage-engagement`, continuous: true },
        { domain: "users-identity", name: `lakemesh-${stack}-users-identity`, continuous: false },
      ],
      maintenance_threads: 1,
    });
    expect(spec.secretScope.name).toBe(scope);
    // The Python job reads exactly these fields (lakemesh_gdpr.py Settings), no more, no fewer.
    const py = fs.readFileSync(path.join(ROOT, "notebooks/gdpr/lakemesh_gdpr.py"), "utf8");
    const body = py.slice(py.indexOf("class Settings:"), py.indexOf("def table(self"));
    expect([...body.matchAll(/^    ([a-z_]+): /gm)].map((m) => m[1]).sort()).toEqual(Object.keys(spec.settings.values).sort());
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

test("an erasure left unverified keeps the subject id in the inbox for a bounded time, the same in the job and the survival table", () => {
  const py = fs.readFileSync(path.join(ROOT, "notebooks/gdpr/lakemesh_gdpr.py"), "utf8");
  expect(Number(py.match(/^ERASING_MAX_AGE = timedelta\(days=(\d+)\)$/m)?.[1])).toBe(GDPR_ERASING_MAX_DAYS);
  const day = 24 * 3600 * 1000;
  const create = "CREATE TABLE x TBLPROPERTIES ('delta.deletedFileRetentionDuration' = 'interval 168 hours', 'delta.dataSkippingStatsColumns' = 'request_id')";
  const [row] = inboxSurvival("c.governance.gdpr_request_inbox", create, { erasureLatencyMs: 4 * 3600 * 1000, vacuumIntervalMs: day });
  // Unverified for GDPR_ERASING_MAX_DAYS, then the next nightly run deletes the row; its file goes at the VACUUM past 7 days.
  expect(row.survivalMs).toBe((GDPR_ERASING_MAX_DAYS + 1 + 7 + 1) * day);
  expect(row.how).toContain(`after ${GDPR_ERASING_MAX_DAYS} days unverified`);
});
