import { maskKey, maskSpec, maskSpecs, MASKED } from "../../lib/compile";
import { shippedMesh } from "../helpers/settings";

describe("masks per (category, type)", () => {
  it.each([
    ["email", "STRING", "email"],
    ["date_of_birth", "DATE", "date_of_birth"],
    ["financial", "STRING", "financial"],
    ["financial", "DECIMAL(18,2)", "financial_decimal_18_2"],
    ["financial", "DOUBLE", "financial_double"],
    ["identifier", "BIGINT", "identifier_bigint"],
    ["date_of_birth", "INT", "date_of_birth_int"],
  ] as const)("%s %s is mask_%s", (category, type, key) => {
    expect(maskKey(category, type)).toBe(key);
  });

  it("takes and returns exactly the column's type: money shows its order of magnitude, other numbers NULL", () => {
    expect(maskSpec("financial", "DECIMAL(18,2)")).toEqual({
      key: "financial_decimal_18_2",
      category: "financial",
      type: "DECIMAL(18,2)",
      expression: "try_cast(sign(value) * power(10, floor(log10(abs(value)))) AS DECIMAL(18,2))",
      shows: "its order of magnitude (123456.78 as 100000.00), 0 as NULL",
    });
    expect(maskSpec("identifier", "BIGINT")).toEqual({ key: "identifier_bigint", category: "identifier", type: "BIGINT", expression: "CAST(NULL AS BIGINT)", shows: "NULL" });
    expect(maskSpec("email", "STRING")).toEqual({ key: "email", category: "email", type: "STRING", expression: MASKED.email.expression, shows: MASKED.email.shows });
  });

  it("refuses a type no mask can take (validate refuses it first)", () => {
    expect(() => maskSpec("email", "TIMESTAMP")).toThrow("no mask for a TIMESTAMP column of category email (validate first)");
  });

  it("declares every text mask, plus each (category, numeric type) the mesh uses, once, sorted", () => {
    expect(maskSpecs().map((m) => m.key)).toEqual(["address", "date_of_birth", "email", "financial", "free_text", "identifier", "name", "national_id", "online_identifier", "phone"]);
    expect(maskSpecs(shippedMesh()).map((m) => m.key)).toEqual([
      "address", "date_of_birth", "email", "financial", "financial_decimal_18_2", "free_text", "identifier", "name", "national_id", "online_identifier", "phone",
    ]);
  });
});
