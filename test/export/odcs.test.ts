import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { main } from "../../cli/main";
import { odcsContract, odcsContracts, odcsSchemaErrors } from "../../lib/export";
import { fixtureMesh, ROOT, shippedMesh, stackSettings } from "../helpers/settings";

const SCHEMA_DIR = path.join(ROOT, "lib", "export", "odcs-schema");

describe("ODCS export", () => {
  it.each(["dev", "prod"] as const)("every dataset of the shipped mesh exports a document valid against the official ODCS v3.1.0 schema (%s)", (env) => {
    const mesh = shippedMesh().domains;
    const docs = odcsContracts(stackSettings(env), mesh);
    expect(docs.size).toBe(mesh.reduce((n, d) => n + d.spec.datasets.length, 0));
    const errors = [...docs].flatMap(([file, doc]) => odcsSchemaErrors(doc).map((e) => `${file}: ${e}`));
    expect(errors).toEqual([]);
  });

  it("names a numeric personal column's mask of its own type, and the reason of a column declared not personal", () => {
    const s = stackSettings("prod");
    const mesh = shippedMesh().domains;
    const property = (domain: string, dataset: string, column: string) => {
      const d = mesh.find((m) => m.metadata.name === domain)!;
      const doc = odcsContract(s, mesh, d, d.spec.datasets.find((x) => x.name === dataset)!) as any;
      return doc.schema[0].properties.find((p: any) => p.name === column);
    };
    expect(property("core-business", "equity_exercises", "tax_withheld").customProperties).toContainEqual({
      property: "maskFunction",
      value: "lakemesh_prod.governance.mask_financial_decimal_18_2",
      description: "Unity Catalog column mask applied to readers without clearance.",
    });
    const country = property("users-identity", "sessions", "country_code");
    expect(country.customProperties).toEqual([
      { property: "personalData", value: false },
      { property: "notPersonalReason", value: expect.stringMatching(/^ISO 3166 country only/) },
    ]);
    expect(country.tags).toBeUndefined();
  });

  it("maps schema, quality, SLA, roles and GDPR fields of a dataset", () => {
    const s = stackSettings("prod");
    const mesh = fixtureMesh().domains;
    const alpha = mesh.find((m) => m.metadata.name === "alpha")!;
    const doc = odcsContract(s, mesh, alpha, alpha.spec.datasets[0]) as any;
    expect([doc.apiVersion, doc.kind, doc.id, doc.version, doc.status]).toEqual(["v3.1.0", "DataContract", "alpha.accounts", "1.0.0", "active"]);
    expect(doc.servers.map((x: any) => [x.type, x.catalog ?? x.customProperties?.[0]?.value])).toEqual([["databricks", "lakemesh_prod"], ["kafka", "alpha.accounts.v1"]]);
    const email = doc.schema[0].properties.find((p: any) => p.name === "email");
    expect(email.customProperties).toEqual([
      { property: "personalData", value: true },
      { property: "personalDataCategory", value: "email" },
      { property: "erasure", value: "delete", description: "What the erasure job does to the value when the person asks to be forgotten." },
      { property: "legalBasis", value: "contract", description: "GDPR Art. 6 legal basis of the processing." },
      { property: "processingPurpose", value: "Notices." },
      { property: "maskFunction", value: "lakemesh_prod.governance.mask_email", description: "Unity Catalog column mask applied to readers without clearance." },
    ]);
    const positive = doc.schema[0].quality.find((q: any) => q.id === "positive_balance");
    expect(positive).toMatchObject({ type: "sql", query: "SELECT COUNT(*) FROM {object} WHERE NOT COALESCE((balance >= 0), FALSE)", mustBe: 0, severity: "error" });
    // The generated checks the pipeline runs are in the contract too: the tenant key and every required column.
    expect(doc.schema[0].quality.map((q: any) => q.id)).toEqual(["lm__valid_tenant", "lm__required__account_id", "lm__required__updated_at", "positive_balance"]);
    expect(doc.slaProperties.find((p: any) => p.property === "retention")).toMatchObject({ value: "P1Y", element: "accounts.updated_at", driver: "regulatory" });
    expect(doc.roles.map((r: any) => [r.role, r.access])).toEqual([
      ["lakemesh-prod-internal-analysts", "read"],
      ["lakemesh-prod-domain-beta", "read"],
    ]);
    expect(doc.team).toEqual({ name: "alpha-team", members: [{ username: "alpha@example.com", role: "owner" }] });
  });

  it("the validator refuses what the standard refuses", () => {
    const valid = { apiVersion: "v3.1.0", kind: "DataContract", id: "x", version: "1.0.0", status: "active" };
    expect(odcsSchemaErrors(valid)).toEqual([]);
    expect(odcsSchemaErrors({ ...valid, apiVersion: "v9" })).toEqual(["/apiVersion must be equal to one of the allowed values"]);
    expect(odcsSchemaErrors({ ...valid, schema: [{ name: "t", quality: [{ type: "sql", query: "SELECT 1" }] }] })).toContain("/schema/0/quality/0 must match exactly one schema in oneOf");
  });

  it("vendors the schema whose origin and hash its README states", () => {
    const text = fs.readFileSync(path.join(SCHEMA_DIR, "odcs-json-schema-v3.1.0.json"));
    const readme = fs.readFileSync(path.join(SCHEMA_DIR, "README.md"), "utf8");
    expect(readme).toContain(createHash("sha256").update(text).digest("hex"));
    expect(readme).toContain("`datacontract-cli` 1.2.8");
    for (const f of ["LICENSE-ODCS-Apache-2.0", "LICENSE-datacontract-cli-MIT"]) expect(fs.existsSync(path.join(SCHEMA_DIR, f))).toBe(true);
    expect(JSON.parse(text.toString()).properties.apiVersion.enum).toContain("v3.1.0");
  });

  it("lakemesh export odcs writes <domain>/<dataset>.odcs.yaml for one domain", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-odcs-"));
    const io = { out: jest.fn(), err: jest.fn(), cwd: ROOT };
    expect(await main(["export", "odcs", "--domain", "core-business", "--env", "dev", "--out", out], io)).toBe(0);
    expect(fs.readdirSync(path.join(out, "core-business")).sort()).toEqual(["equity_exercises.odcs.yaml", "equity_grants.odcs.yaml", "equity_plans.odcs.yaml", "plan_grant_summary.odcs.yaml", "products.odcs.yaml"]);
    const doc = parse(fs.readFileSync(path.join(out, "core-business", "plan_grant_summary.odcs.yaml"), "utf8"));
    expect(odcsSchemaErrors(doc)).toEqual([]);
    expect(doc.schema[0].dataGranularityDescription).toBe("One row per tenant_id, plan_id, grant_type");
    expect(await main(["export", "csv", "--out", out], io)).toBe(2);
  });
});
