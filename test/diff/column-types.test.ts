import { typeChange } from "../../lib/diff";

// Delta Lake type widening (https://docs.delta.io/latest/delta-type-widening.html): what a reader survives.
describe("column type changes", () => {
  it.each([
    ["INT", "INT", "same"],
    ["TINYINT", "SMALLINT", "widened"],
    ["INT", "BIGINT", "widened"],
    ["BIGINT", "INT", "narrowed"],
    ["FLOAT", "DOUBLE", "widened"],
    ["INT", "DOUBLE", "widened"],
    ["BIGINT", "DOUBLE", "changed"],
    ["INT", "DECIMAL(10,0)", "widened"],
    ["INT", "DECIMAL(12,4)", "changed"],
    ["DECIMAL(18,2)", "DECIMAL(20,2)", "widened"],
    ["DECIMAL(18,2)", "DECIMAL(20,4)", "widened"],
    ["DECIMAL(18,2)", "DECIMAL(18,4)", "changed"],
    ["DECIMAL(20,2)", "DECIMAL(18,2)", "narrowed"],
    ["DATE", "TIMESTAMP_NTZ", "widened"],
    ["DATE", "TIMESTAMP", "changed"],
    ["STRING", "INT", "changed"],
    ["INT", "STRING", "changed"],
    ["ARRAY<STRING>", "MAP<STRING,STRING>", "changed"],
  ])("%s -> %s is %s", (from, to, expected) => {
    expect(typeChange(from, to)).toBe(expected);
  });
});
