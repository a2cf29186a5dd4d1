import { OFFLINE_WAREHOUSE_ID } from "../../cli/plan/mocks";
import { readStackConfig } from "../../cli/plan/stack-config";
import { runOfflinePlan } from "../../cli/plan/run";
import { platformOutputs, PLATFORM_OUTPUT_KEYS } from "../../lib/compile";
import { ROOT } from "../helpers/settings";

test("the platform stack holds no domain and exports exactly what domain stacks read", async () => {
  const stack = readStackConfig(ROOT, "prod-platform");
  const plan = await runOfflinePlan(ROOT, stack);
  expect(plan.resources.filter((r) => r.type === "lakemesh:domain:DataDomain")).toEqual([]);
  expect(plan.resources.filter((r) => r.type === "lakemesh:platform:Platform")).toHaveLength(1);
  expect(Object.keys(plan.outputs).sort()).toEqual([...PLATFORM_OUTPUT_KEYS].sort());
  // What the domain stacks' offline plans are given is what this plan exports.
  expect(plan.outputs).toEqual(JSON.parse(JSON.stringify(platformOutputs(stack.settings, OFFLINE_WAREHOUSE_ID))));
  // Grants on the catalog include every domain's group, from the whole mesh.
  const catalogGrants = plan.resources.find((r) => r.name === "catalog-grants")!;
  expect((catalogGrants.inputs.grants as { principal: string }[]).map((g) => g.principal)).toContain("lakemesh-prod-domain-outcomes-performance");
});
