import * as fs from "fs";
import * as path from "path";
import { compileDomain, compileGovernanceObjects, compileRegistry, compileRegistryRows, compileContract, platformNames, renderDomainArtifacts } from "../../lib/compile";
import { renderTemplate, trusted, qualified, SqlIdentifierError, principalLiteral, tagLiteral, ident } from "../../lib/sql";
import { shippedMesh, stackSettings } from "../helpers/settings";

// Golden files: the exact SQL each governance object runs in prod. Regenerate with UPDATE_GOLDEN=1 after a
// deliberate change, and review the diff.
const GOLDEN = path.join(__dirname, "..", "fixtures", "sql");
const s = stackSettings("prod");
const objects = compileGovernanceObjects(s);

describe("governance SQL", () => {
  it.each(objects.map((o) => [o.name, o] as const))("%s matches its golden file", (name, o) => {
    const text = o.create.map((x) => x.sql).join(";\n") + "\n";
    const file = path.join(GOLDEN, `${name}.sql`);
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, text);
    expect(text).toBe(fs.readFileSync(file, "utf8"));
  });

  it("covers every function and table: tenant_filter, current_user_tenant, ten masks, five tables", () => {
    expect(objects.map((o) => o.name.split(".").pop()).sort()).toEqual([
      "audit_log", "current_user_tenant", "erasure_suppression", "gdpr_registry", "gdpr_requests",
      "mask_address", "mask_date_of_birth", "mask_email", "mask_financial", "mask_free_text", "mask_identifier",
      "mask_name", "mask_national_id", "mask_online_identifier", "mask_phone", "tenant_filter", "tenant_principals",
    ]);
    for (const o of objects) {
      if (o.kind === "function") expect(o.drop).toEqual([{ sql: `DROP FUNCTION IF EXISTS ${qualified(...o.name.split("."))}` }]);
      else expect(o.drop).toEqual([]);
    }
  });

  it("makes the audit log append-only", () => {
    expect(objects.find((o) => o.name.endsWith(".audit_log"))!.create[0].sql).toContain("TBLPROPERTIES ('delta.appendOnly' = 'true')");
  });

  it("binds every registry value as a parameter", () => {
    const names = platformNames(s.catalog);
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
    expect(stmt.parameters!.length).toBe(rows.length * 10);
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
    const sql = renderDomainArtifacts(s, spec, d, platformNames(s.catalog), { warehouseId: "w", gmsUrl: "http://gms" }).governanceSql;
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
