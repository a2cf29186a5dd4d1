import * as fs from "fs";
import * as path from "path";
import { compileDomain, compileGovernanceObjects, compileRegistry, compileRegistryRows, compileContract, compileTableMigration, GOVERNANCE_TABLE_HISTORY, maskSpecs, meshPlatformNames, renderDomainArtifacts, type TableMigration } from "../../lib/compile";
import { renderTemplate, trusted, qualified, SqlIdentifierError, principalLiteral, tagLiteral, ident } from "../../lib/sql";
import { shippedMesh, stackSettings } from "../helpers/settings";

// Golden files: the exact SQL each governance object runs in prod. Regenerate with UPDATE_GOLDEN=1 after a
// deliberate change, and review the diff.
const GOLDEN = path.join(__dirname, "..", "fixtures", "sql");
const s = stackSettings("prod");
const objects = compileGovernanceObjects(s, maskSpecs(shippedMesh()));

describe("governance SQL", () => {
  it.each(objects.map((o) => [o.name, o] as const))("%s matches its golden file", (name, o) => {
    const text = o.create.map((x) => x.sql).join(";\n") + "\n";
    const file = path.join(GOLDEN, `${name}.sql`);
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, text);
    expect(text).toBe(fs.readFileSync(file, "utf8"));
  });

  it("covers every function and table: tenant_filter, ten text masks, one per numeric type of personal data in the mesh, eight tables and the GDPR control table (nothing unused, such as a current_user_tenant)", () => {
    expect(objects.map((o) => o.name.split(".").pop()).sort()).toEqual([
      "audit_log", "erasure_restrictions", "erasure_suppression", "gdpr_control", "gdpr_registry", "gdpr_request_inbox", "gdpr_requests",
      "mask_address", "mask_date_of_birth", "mask_email", "mask_financial", "mask_financial_decimal_18_2", "mask_free_text", "mask_identifier",
      "mask_name", "mask_national_id", "mask_online_identifier", "mask_phone", "pseudonym_key", "salt_fingerprint", "tenant_filter", "tenant_filter_held", "tenant_principals",
    ]);
    // The inbox of raw subject ids is filtered by tenant on Databricks, after the function exists (created later).
    const names = objects.map((o) => o.name.split(".").pop());
    expect(names.indexOf("gdpr_request_inbox")).toBeGreaterThan(names.indexOf("tenant_filter"));
    expect(objects.find((o) => o.name.endsWith(".gdpr_request_inbox"))!.create[1].sql).toBe("ALTER TABLE `lakemesh_prod`.`governance`.`gdpr_request_inbox` SET ROW FILTER `lakemesh_prod`.`governance`.`tenant_filter` ON (tenant_id)");
    for (const o of objects) {
      if (o.kind === "function") expect(o.drop).toEqual([{ sql: `DROP FUNCTION IF EXISTS ${qualified(...o.name.split("."))}` }]);
      else expect(o.drop).toEqual([]);
    }
  });

  it("identifies the caller with session_user() in every function, never current_user()", () => {
    const fns = objects.filter((o) => o.kind === "function");
    for (const o of fns) {
      expect(o.create[0].sql).toContain("session_user()");
      expect(o.create[0].sql).not.toMatch(/current_user/i);
    }
  });

  it("pseudonymises identifiers with an HMAC under the governance schema's key, generated once in the warehouse (issue 13, item 8)", () => {
    const key = objects.find((o) => o.name === "lakemesh_prod.governance.pseudonym_key")!;
    // The key is made by the warehouse, never passed in: no parameter, no literal key; only when the table is empty.
    expect(key.create.map((st) => st.parameters ?? [])).toEqual([[], []]);
    expect(key.create[1].sql).toMatch(/^INSERT INTO `lakemesh_prod`\.`governance`\.`pseudonym_key` \(inner_pad, outer_pad, created_at\)\n/);
    expect(key.create[1].sql).toMatch(/WHERE NOT EXISTS \(SELECT 1 FROM `lakemesh_prod`\.`governance`\.`pseudonym_key`\)$/);
    const masks = objects.filter((o) => o.kind === "function" && o.name.includes(".mask_"));
    // Only the identifier masks hash; no mask keeps the old unkeyed hash.
    for (const o of masks) expect(o.create[0].sql).not.toContain("lakemesh-pseudonym:");
    expect(masks.filter((o) => o.create[0].sql.includes("pseudonym_key")).map((o) => o.name)).toEqual(["lakemesh_prod.governance.mask_identifier"]);
  });

  it("creates the GDPR pre-flight control table after the functions, under the tenant filter and the email mask, its row count a table property and every value bound (issue 13, item 1)", () => {
    const i = objects.findIndex((o) => o.name === "lakemesh_prod.governance.gdpr_control");
    const o = objects[i];
    expect(o.kind).toBe("rows");
    expect(i).toBeGreaterThan(Math.max(...objects.map((x, j) => (x.kind === "function" ? j : -1))));
    const [create, insert] = o.create;
    expect(create.sql).toMatch(/^CREATE OR REPLACE TABLE `lakemesh_prod`\.`governance`\.`gdpr_control` \(/);
    expect(create.sql).toContain("MASK `lakemesh_prod`.`governance`.`mask_email` USING COLUMNS (tenant_id)");
    expect(create.sql).toContain("WITH ROW FILTER `lakemesh_prod`.`governance`.`tenant_filter` ON (tenant_id)");
    expect(create.sql).toContain("'lakemesh.control_rows' = '6'");
    const values = new Map((insert.parameters ?? []).map((p) => [p.name, p.value]));
    expect(values.size).toBe(18);
    expect(new Set([0, 1, 2, 3, 4, 5].map((n) => values.get(`tenant_id_${n}`))).size).toBe(3);
    expect(new Set([0, 1, 2, 3, 4, 5].map((n) => values.get(`subject_id_${n}`))).size).toBe(2);
    for (let n = 0; n < 6; n++) expect(values.get(`email_${n}`)).toBe(`${values.get(`subject_id_${n}`)}@${values.get(`tenant_id_${n}`)}.control.invalid`);
    for (const v of values.values()) expect(insert.sql).not.toContain(String(v));
  });

  it("makes the audit log append-only", () => {
    expect(objects.find((o) => o.name.endsWith(".audit_log"))!.create[0].sql).toContain("TBLPROPERTIES ('lakemesh.schema_version' = '1', 'delta.appendOnly' = 'true')");
  });

  it("binds every registry value as a parameter", () => {
    const names = meshPlatformNames(s.catalog, shippedMesh());
    const rows = compileRegistry(shippedMesh().domains.map((d) => compileContract(s, names, d)));
    const o = compileRegistryRows(s, rows);
    const stmt = o.create[0];
    // 12 silver datasets with personal columns and the 12 bronze tables of their topics, plus 8 datasets with a
    // retention period and no personal data (4 silver, 4 bronze).
    expect(rows.length).toBe(32);
    expect(rows.filter((r) => r.personalColumns.length === 0).map((r) => r.dataset)).toEqual([
      "lakemesh_prod.core_business.bronze_equity_plans",
      "lakemesh_prod.core_business.equity_plans",
      "lakemesh_prod.external_integrations.bronze_market_prices",
      "lakemesh_prod.external_integrations.bronze_valuations",
      "lakemesh_prod.external_integrations.market_prices",
      "lakemesh_prod.external_integrations.valuations",
      "lakemesh_prod.outcomes_performance.bronze_forecasts",
      "lakemesh_prod.outcomes_performance.forecasts",
    ]);
    expect(stmt.parameters!.length).toBe(rows.length * 12);
    // The four held datasets carry their obligation and period; every other row NULLs (bound, like every value).
    const value = (name: string) => stmt.parameters!.find((p) => p.name === name)!.value;
    const held = rows.flatMap((r, i) => (r.legalHold ? [`${r.dataset} ${value(`legal_hold_period_${i}`)} ${value(`legal_hold_obligation_${i}`) === r.legalHold.obligation}`] : []));
    expect(held).toEqual([
      "lakemesh_prod.core_business.equity_exercises P10Y true",
      "lakemesh_prod.external_integrations.compliance_screenings P5Y true",
      "lakemesh_prod.operational_activities.invoices P10Y true",
      "lakemesh_prod.users_identity.users P3Y true",
    ]);
    rows.forEach((r, i) => { if (!r.legalHold) expect([value(`legal_hold_obligation_${i}`), value(`legal_hold_period_${i}`)]).toEqual([null, null]); });
    for (const r of rows) if (r.legalHold) expect(stmt.sql).not.toContain(r.legalHold.obligation);
    for (const r of rows) expect(stmt.sql).not.toContain(r.dataset);
    expect(stmt.sql.startsWith("INSERT OVERWRITE `lakemesh_prod`.`governance`.`gdpr_registry` VALUES\n(:dataset_0, :domain_0,")).toBe(true);
    const users = rows.find((r) => r.dataset === "lakemesh_prod.users_identity.users")!;
    expect(users.personalColumns.map((c) => c.name)).toEqual(["user_id", "email", "full_name", "date_of_birth", "phone_number", "employee_number"]);
  });
});

describe("the domain job's governance SQL", () => {
  // A SQL task stops at its first failing statement: a governed tag the job may not assign must never keep a grant
  // or a revoke from running (finding 1 of issue 12).
  it.each(shippedMesh().domains.map((d) => [d.metadata.name, d] as const))("of %s runs every GRANT and REVOKE before the first tag", (_name, d) => {
    const mesh = shippedMesh();
    const spec = compileDomain(s, mesh, d, ["notebooks/pipelines/lakemesh_pipeline.py"]);
    const sql = renderDomainArtifacts(s, spec, d, meshPlatformNames(s.catalog, mesh), { warehouseId: "w", gmsUrl: "http://gms" }).governanceSql;
    const statements = sql.split("\n").filter((l) => /^(GRANT|REVOKE|ALTER) /.test(l));
    const firstTag = statements.findIndex((l) => l.startsWith("ALTER "));
    const lastAccess = statements.map((l) => /^(GRANT|REVOKE) /.test(l)).lastIndexOf(true);
    expect(firstTag).toBeGreaterThan(0);
    expect(lastAccess).toBeLessThan(firstTag);
    expect(statements.filter((l) => /^(GRANT|REVOKE) /.test(l))).toHaveLength(spec.tableGrants.length);
  });
});

describe("SQL helpers refuse what they cannot make safe", () => {
  it.each([
    () => ident("Users"),
    () => ident("a`b"),
    () => ident("a; DROP"),
    () => qualified("cat", "sch", "t'"),
    () => principalLiteral("group'); DROP"),
    () => principalLiteral("a\\b"),
    () => tagLiteral("P1Y'"),
  ])("%#", (f) => {
    expect(f).toThrow(SqlIdentifierError);
  });

  it("fills every placeholder and uses every value", () => {
    expect(renderTemplate("-- doc\nSELECT {{a}} FROM {{b}}", { a: trusted("1"), b: ident("t") })).toBe("SELECT 1 FROM `t`");
    expect(() => renderTemplate("SELECT {{a}}", {})).toThrow("template placeholder {{a}} has no value");
    expect(() => renderTemplate("SELECT 1", { a: trusted("1") })).toThrow("values not used by the template: a");
  });
});

describe("governance table migrations (compile)", () => {
  const render = (short: string) => objects.find((o) => o.name.endsWith(`.${short}`))!.create[0].sql;
  const history = GOVERNANCE_TABLE_HISTORY.erasure_suppression as { baseline: string[]; migrations: TableMigration[] };
  const withMigration = (migrations: TableMigration[], f: () => void) => {
    const saved = history.migrations;
    history.migrations = migrations;
    try {
      f();
    } finally {
      history.migrations = saved;
    }
  };
  const added = (sql: string, line: string, version = 2) =>
    sql.replace("\n)", `,\n  ${line}\n)`).replace("'lakemesh.schema_version' = '1'", `'lakemesh.schema_version' = '${version}'`);

  it("plans every shipped table at its template's version, with the version recorded in the table", () => {
    // The registry is at version 2 (the legal hold's obligation and period, issue 14 item 4); every other at 1.
    for (const o of objects.filter((x) => x.kind === "table")) {
      const version = o.name.endsWith(".gdpr_registry") ? 2 : 1;
      expect(o.migration).toMatchObject({ version, steps: version === 1 ? [] : [{ version: 2, columns: [{ name: "legal_hold_obligation" }, { name: "legal_hold_period" }] }] });
      expect(o.create[0].sql).toContain(`'lakemesh.schema_version' = '${version}'`);
    }
  });

  it("refuses a template changed without a migration, so existing tables are never silently left behind", () => {
    const sql = added(render("erasure_suppression"), "region STRING COMMENT 'Region.'", 1);
    expect(() => compileTableMigration("c.governance.erasure_suppression", "erasure_suppression", sql)).toThrow(
      "sql/tables/erasure_suppression.sql: columns tenant_id, subject_hash, request_id, suppressed_at, region are not the first release plus the migrations (tenant_id, subject_hash, request_id, suppressed_at); add new columns at the end and a migration in lib/compile/governance-migrations.ts that adds them, so existing tables get them too",
    );
  });

  it("accepts a column added at the end with its migration, and renders the migration's DDL", () => {
    withMigration([{ version: 2, description: "Region of the tenant.", addColumns: [{ name: "region", type: "STRING", comment: "Region." }] }], () => {
      const m = compileTableMigration("c.governance.erasure_suppression", "erasure_suppression", added(render("erasure_suppression"), "region STRING COMMENT 'Region.'"));
      expect(m).toEqual({ table: "`c`.`governance`.`erasure_suppression`", version: 2, steps: [{ version: 2, columns: [{ name: "region", ddl: "`region` STRING COMMENT 'Region.'" }] }] });
    });
  });

  it("refuses an added NOT NULL column, a type that differs from the migration, an unbumped version and misnumbered migrations", () => {
    const m = (type = "STRING", version = 2): TableMigration[] => [{ version, description: "x", addColumns: [{ name: "region", type, comment: "Region." }] }];
    const base = render("erasure_suppression");
    const check = (migrations: TableMigration[], sql: string, message: string) =>
      withMigration(migrations, () => expect(() => compileTableMigration("c.governance.erasure_suppression", "erasure_suppression", sql)).toThrow(message));
    check(m(), added(base, "region STRING NOT NULL COMMENT 'Region.'"), "added column region is NOT NULL; Delta cannot add a NOT NULL column to a table that has rows");
    check(m("DATE"), added(base, "region STRING COMMENT 'Region.'"), "added column region is STRING in the template and DATE in its migration");
    check(m(), added(base, "region STRING COMMENT 'Region.'", 1), "TBLPROPERTIES must set 'lakemesh.schema_version' = '2' (the first release plus 1 migration(s))");
    check(m("STRING", 3), added(base, "region STRING COMMENT 'Region.'"), "migration 1 brings version 3; migrations are numbered 2, 3, ... in order");
  });
});
