// Golden diffs, one per change class, on the alpha/beta fixture mesh: the text a reviewer reads is the assertion.
// Regenerate after an intended change of wording with UPDATE_GOLDEN=1 npx jest test/diff/golden.test.ts.
import * as fs from "fs";
import * as path from "path";
import { diffMeshes, diffText, type ConsumerSource } from "../../lib/diff";
import { validateMesh } from "../../lib/manifest";
import { applyChanges, baselineMesh, FIXTURES, type Change } from "../helpers/manifests";
import { stackSettings } from "../helpers/settings";

const A = "alpha.yaml" as const;
const B = "beta.yaml" as const;
const MAJOR = { file: A, from: "        version: 1.0.0\n        lifecycle: active\n      access", to: "        version: 2.0.0\n        lifecycle: active\n      access" };
const ACCEPT = { file: B, from: "      purpose: Account KPIs.\n", to: "      acceptedMajors: { accounts: 2 }\n      purpose: Account KPIs.\n" };
const COLUMN = (name: string) => `        - name: ${name}\n`;

/** A dashboard outside the manifests that reads alpha.accounts' region and balance and keeps two years. */
const dashboard = (accepted?: number): ConsumerSource => ({
  name: "dashboards (test)",
  reads: () => [{ domain: "alpha", dataset: "accounts", consumer: { kind: "dashboard", id: "balances-overview", columns: ["region", "balance"], retentionNeeded: "P2Y", role: "gated", ...(accepted ? { acceptedMajor: accepted } : {}) } }],
});

const CASES: [string, Change[], ConsumerSource[]][] = [
  ["column-removed-without-major", [{ file: A, from: COLUMN("email") + "          physicalType: STRING\n          description: E-mail.\n", to: "" }, { file: A, from: "          personalData:\n            category: email\n            erasure: delete\n            legalBasis: contract\n            purpose: Notices.\n", to: "" }], []],
  ["column-removed-with-major-and-moved-consumer", [{ file: A, from: COLUMN("email") + "          physicalType: STRING\n          description: E-mail.\n", to: "" }, { file: A, from: "          personalData:\n            category: email\n            erasure: delete\n            legalBasis: contract\n            purpose: Notices.\n", to: "" }, MAJOR, ACCEPT], []],
  ["column-renamed", [{ file: A, from: COLUMN("email"), to: COLUMN("email_address") }], []],
  ["type-narrowed", [{ file: A, from: "          physicalType: DECIMAL(18,2)\n          description: Balance.", to: "          physicalType: DECIMAL(12,2)\n          description: Balance." }], [dashboard()]],
  ["type-changed-dashboard-moved", [{ file: A, from: "          physicalType: STRING\n          description: Region.\n        - name: balance\n", to: "          physicalType: INT\n          description: Region.\n        - name: balance\n" }, MAJOR], [dashboard(2)]],
  ["type-widened", [{ file: A, from: "          physicalType: DECIMAL(18,2)\n          description: Balance.", to: "          physicalType: DECIMAL(20,2)\n          description: Balance." }], []],
  ["nullability-tightened", [{ file: A, from: "          physicalType: STRING\n          description: Region.\n        - name: balance\n", to: "          physicalType: STRING\n          required: true\n          description: Region.\n        - name: balance\n" }], []],
  ["nullability-loosened", [{ file: A, from: "          physicalType: TIMESTAMP\n          required: true\n", to: "          physicalType: TIMESTAMP\n" }, MAJOR], []],
  ["required-column-added", [{ file: A, from: COLUMN("updated_at"), to: COLUMN("opened_on") + "          physicalType: DATE\n          required: true\n          description: Opening date.\n" + COLUMN("updated_at") }], []],
  ["column-added", [{ file: A, from: COLUMN("updated_at"), to: COLUMN("opened_on") + "          physicalType: DATE\n          description: Opening date.\n" + COLUMN("updated_at") }], [dashboard()]],
  ["key-changed", [{ file: A, from: "          required: true\n          primaryKey: true\n", to: "          required: true\n" }], []],
  ["retention-below-need", [{ file: A, from: "        period: P1Y\n", to: "        period: P6M\n" }], [dashboard()]],
  ["retention-changed", [{ file: A, from: "        period: P1Y\n", to: "        period: P3Y\n" }], [dashboard()]],
  ["dataset-retired-while-read", [{ file: A, from: "        version: 1.0.0\n        lifecycle: active\n      access", to: "        version: 2.0.0\n        lifecycle: retired\n      access" }], []],
  ["dataset-unpublished", [{ file: A, from: "        version: 1.0.0\n        lifecycle: active\n      access", to: "        version: 1.0.0\n        lifecycle: draft\n      access" }], []],
  ["dataset-removed", [{ file: A, from: "    - name: balances_by_region\n", to: "    - name: balances_by_region_v2\n" }], []],
  ["access-revoked-and-cosmetic", [{ file: A, from: "      access: [internal_analyst]\n", to: "" }, { file: A, from: "          description: E-mail.", to: "          description: E-mail address for notices." }], []],
  ["numeric-personal-data", [{ file: A, from: "          physicalType: DECIMAL(18,2)\n          description: Balance.\n", to: "          physicalType: DECIMAL(18,2)\n          description: Balance.\n          personalData: { category: financial, erasure: anonymize, legalBasis: contract, purpose: Run the account. }\n" }], []],
  ["declared-not-personal", [{ file: A, from: "          physicalType: STRING\n          description: Region.\n        - name: balance\n", to: "          physicalType: STRING\n          description: Region.\n          personalData: false\n          reason: A sales region, shared by thousands of accounts.\n        - name: balance\n" }], []],
  ["description-only", [{ file: A, from: "          description: E-mail.", to: "          description: E-mail address for notices." }, { file: A, from: "        version: 1.0.0\n        lifecycle: active\n      access", to: "        version: 1.0.1\n        lifecycle: active\n      access" }], []],
];

function manifests(files: ReturnType<typeof baselineMesh>) {
  return validateMesh(files).manifests.map((m) => m.manifest);
}

describe("golden contract diffs (test/fixtures/diff)", () => {
  const settings = stackSettings("dev");
  it.each(CASES)("%s", (name, changes, sources) => {
    const diff = diffMeshes(manifests(baselineMesh()), manifests(applyChanges(baselineMesh(), changes)), { baseLabel: "base", headLabel: name, settings, sources });
    const text = diffText(diff);
    const file = path.join(FIXTURES, "diff", `${name}.txt`);
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, text);
    expect(text).toEqual(fs.readFileSync(file, "utf8"));
  });

  it("covers every change kind the diff can report but those it cannot reach from this mesh", () => {
    const seen = new Set(fs.readdirSync(path.join(FIXTURES, "diff")).flatMap((f) => [...fs.readFileSync(path.join(FIXTURES, "diff", f), "utf8").matchAll(/^\s+(?:breaking|compatible|cosmetic)\s+([a-z-]+)/gm)].map((m) => m[1])));
    for (const kind of ["column-removed", "column-renamed", "type-narrowed", "type-changed", "nullability-tightened", "nullability-loosened", "required-column-added", "key-changed", "retention-below-need", "dataset-retired", "dataset-unpublished", "dataset-removed", "column-added", "type-widened", "retention-changed", "dataset-added", "access-revoked", "description-changed", "compiled-changed"]) {
      expect([kind, seen.has(kind)]).toEqual([kind, true]);
    }
  });
});
