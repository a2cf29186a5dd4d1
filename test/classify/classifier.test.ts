import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { classifyColumn, classifyValues, ibanValid, luhnValid, measureClassifier, valueCategory, type LabelledColumn } from "../../lib/classify";
import { isPersonal, schemaEnum } from "../../lib/manifest";
import { shippedMesh } from "../helpers/settings";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const sets = yaml.load(fs.readFileSync(path.join(FIXTURES, "personal-columns.yaml"), "utf8")) as Record<string, LabelledColumn[]>;
const labelled = Object.values(sets).flat();
const CATEGORIES = schemaEnum<string>("PersonalData", "category");

describe("the labelled columns (test/fixtures/personal-columns.yaml)", () => {
  it("are at least 200 well-formed rows with distinct names and known labels", () => {
    expect(labelled.length).toBeGreaterThanOrEqual(200);
    for (const c of labelled) {
      expect(Object.keys(c).sort()).toEqual(["description", "label", "name", "type"]);
      expect([...CATEGORIES, "none"]).toContain(c.label);
    }
    expect(new Set(labelled.map((c) => c.name)).size).toBe(labelled.length);
    expect(labelled.filter((c) => c.label !== "none").length).toBeGreaterThan(100);
  });

  it("meet the goals: recall >= 0.98, precision >= 0.9", () => {
    const m = measureClassifier(labelled);
    expect(m.recall).toBeGreaterThanOrEqual(0.98);
    expect(m.precision).toBeGreaterThanOrEqual(0.9);
  });

  it("get the right category when flagged (at most 2 % wrong)", () => {
    const m = measureClassifier(labelled);
    expect(m.wrongCategory.length / m.truePositives).toBeLessThanOrEqual(0.02);
  });
});

describe("classifyColumn", () => {
  it.each([
    ["national_tax_id", "STRING", "Tax id of the holder.", "national_id", "name"],
    ["holder_email", "STRING", "Notices go here.", "email", "name"],
    ["contact", "STRING", "E-mail address of the participant.", "email", "description"],
    ["base_salary", "DECIMAL(18,2)", "Annual base salary.", "financial", "name"],
    ["employee_number", "INT", "Personnel number printed on the payslip.", "identifier", "name"],
    ["approved_by", "STRING", "Manager who approved the request.", "identifier", "name"],
    ["birth_year", "INT", "Year of birth.", "date_of_birth", "name"],
    ["client_ip", "STRING", "Where the request came from.", "online_identifier", "name"],
    ["interview_notes", "STRING", "Notes of the interviewer.", "free_text", "name"],
  ])("flags %s (%s) as %s", (name, type, description, category, by) => {
    expect(classifyColumn({ name, physicalType: type, description })).toMatchObject({ category, by });
  });

  it.each([
    ["tenant_id", "STRING", "Client company the plan belongs to."],
    ["plan_id", "STRING", "Plan identifier."],
    ["email_verified", "BOOLEAN", "Whether the e-mail address was confirmed."],
    ["emails_sent", "BIGINT", "Notification e-mails sent."],
    ["company_tax_id", "STRING", "Tax id of the client company."],
    ["vat_number", "STRING", "VAT number of the client company."],
    ["salary_band", "STRING", "Band code of the role."],
    ["ip_country", "STRING", "Country derived from the IP address."],
    ["strike_price", "DECIMAL(18,4)", "Exercise price per share."],
    ["holders", "BIGINT", "Distinct holders."],
    ["last_login_at", "TIMESTAMP", "Time of the last sign-in of the user."],
  ])("leaves %s (%s) alone", (name, type, description) => {
    expect(classifyColumn({ name, physicalType: type, description })).toBeUndefined();
  });

  it("flags a column by its example values, and not by harmless ones", () => {
    expect(classifyColumn({ name: "contact", physicalType: "STRING", description: "Who to ask.", examples: ["ana@example.com", "bo@example.org"] })).toEqual({
      category: "email",
      by: "values",
      evidence: "2 of 2 example values look like email",
    });
    expect(classifyColumn({ name: "plan_type", physicalType: "STRING", description: "Kind of plan.", examples: ["ESOP", "RSU"] })).toBeUndefined();
  });
});

describe("the shipped mesh", () => {
  const columns = shippedMesh().domains.flatMap((d) => d.spec.datasets.flatMap((ds) => ds.columns.map((c) => ({ where: `${d.metadata.name}.${ds.name}.${c.name}`, c }))));

  it("has no column the classifier flags that is not marked personal (false positives: 0)", () => {
    expect(columns.filter(({ c }) => c.personalData === undefined && classifyColumn(c)).map(({ where }) => where)).toEqual([]);
  });

  it("has every personal column recognised, with its category", () => {
    const personal = columns.filter(({ c }) => isPersonal(c));
    expect(personal.length).toBeGreaterThan(30);
    expect(personal.filter(({ c }) => classifyColumn(c)?.category !== (isPersonal(c) && c.personalData.category)).map(({ where }) => where)).toEqual([]);
  });
});

describe("value classification", () => {
  const cases = (JSON.parse(fs.readFileSync(path.join(FIXTURES, "personal-values.json"), "utf8")) as { cases: [string, string | null][] }).cases;

  it.each(cases)("%j is %s", (value, category) => {
    expect(valueCategory(value) ?? null).toBe(category);
  });

  it("checks IBAN and card check digits", () => {
    expect([ibanValid("DE89370400440532013000"), ibanValid("DE89370400440532013001")]).toEqual([true, false]);
    expect([luhnValid("4111111111111111"), luhnValid("4111111111111112")]).toEqual([true, false]);
  });

  it("flags a set of values when at least half of them fit one category", () => {
    expect(classifyValues(["a@example.com", "b@example.com", "n/a", null, ""])).toEqual({ category: "email", matched: 2, seen: 3 });
    expect(classifyValues(["a@example.com", "n/a", "none"])).toBeUndefined();
    expect(classifyValues([])).toBeUndefined();
  });
});
