import { OFFLINE_WAREHOUSE_ID } from "../../cli/plan/mocks";
import { readStackConfig } from "../../cli/plan/stack-config";
import { runOfflinePlan } from "../../cli/plan/run";
import { platformOutputs, PLATFORM_OUTPUT_KEYS } from "../../lib/compile";
import { ROOT } from "../helpers/settings";

test("the platform stack holds no domain and exports what domain stacks read, plus the GDPR job ids and the serving principals and dashboards", async () => {
  const stack = readStackConfig(ROOT, "prod-platform");
  const plan = await runOfflinePlan(ROOT, stack);
  expect(plan.resources.filter((r) => r.type === "lakemesh:domain:DataDomain")).toEqual([]);
  expect(plan.resources.filter((r) => r.type === "lakemesh:platform:Platform")).toHaveLength(1);
  const { gdprJobIds, servingTenantPrincipals, servingDashboards, ...shared } = plan.outputs;
  expect(Object.keys(shared).sort()).toEqual([...PLATFORM_OUTPUT_KEYS].sort());
  // What the domain stacks' offline plans are given is what this plan exports.
  expect(shared).toEqual(JSON.parse(JSON.stringify(platformOutputs(stack.settings, OFFLINE_WAREHOUSE_ID))));
  expect(Object.keys(gdprJobIds as object).sort()).toEqual(["erasure", "retention", "subject-access"]);
  // Serving: one principal per configured tenant, one published dashboard per view.
  expect(Object.keys(servingTenantPrincipals as object)).toEqual(stack.settings.serving!.tenants);
  expect(Object.keys(servingDashboards as object).sort()).toEqual(["adoption", "forecasts", "kpis"]);
  // Grants on the catalog include every domain's group, from the whole mesh.
  const catalogGrants = plan.resources.find((r) => r.name === "catalog-grants")!;
  expect((catalogGrants.inputs.grants as { principal: string }[]).map((g) => g.principal)).toContain("lakemesh-prod-domain-outcomes-performance");
});
