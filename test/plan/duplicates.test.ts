import { duplicateUrns } from "../../cli/plan/outputs";
import type { PlannedResource } from "../../cli/plan/record";

const r = (urn: string): PlannedResource => ({ urn, type: "t", name: "n", custom: true, parent: "", dependsOn: [], protect: false, retainOnDelete: false, provider: "", inputs: {} });

test("duplicateUrns finds URNs registered twice, which mocks accept and the engine refuses", () => {
  expect(duplicateUrns([r("a"), r("b"), r("a"), r("c"), r("b")])).toEqual(["a", "b"]);
  expect(duplicateUrns([r("a"), r("b")])).toEqual([]);
});
