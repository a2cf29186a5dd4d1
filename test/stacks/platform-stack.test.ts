import { offlinePlatformOutputs } from "../../cli/plan/mocks";
import { readStackConfig } from "../../cli/plan/stack-config";
import { runOfflinePlan } from "../../cli/plan/run";
import { accessReport } from "../../lib/access";
import { maskSpecs, PLATFORM_OUTPUT_KEYS } from "../../lib/compile";
import { ROOT, shippedMesh } from "../helpers/settings";

test("the platform stack holds no domain and exports what domain stacks read, plus the GDPR job ids, the storage credential's external id and the serving principals and dashboards", async () => {
  const stack = readStackConfig(ROOT, "prod-platform");
  const plan = await runOfflinePlan(ROOT, stack);
  expect(plan.resources.filter((r) => r.type === "lakemesh:domain:DataDomain")).toEqual([]);
  expect(plan.resources.filter((r) => r.type === "lakemesh:platform:Platform")).toHaveLength(1);
  const { gdprJobIds, storageCredentialExternalId, servingTenantPrincipals, servingDashboards, ...shared } = plan.outputs;
  // The external id the storage role's trust policy requires (the offline provider's value).
  expect(storageCredentialExternalId).toBe("offline-plan-external-id");
  expect(Object.keys(shared).sort()).toEqual([...PLATFORM_OUTPUT_KEYS].sort());
  // What the domain stacks' offline plans are given is what this plan exports, the mesh's numeric masks included.
  expect(shared).toEqual(JSON.parse(JSON.stringify(offlinePlatformOutputs(stack.settings, shippedMesh()))));
  expect((shared.masks as Record<string, string>).financial_decimal_18_2).toBe("lakemesh_prod.governance.mask_financial_decimal_18_2");
  expect(Object.keys(gdprJobIds as object).sort()).toEqual(["erasure", "retention", "subject-access"]);
  // Serving: one principal per configured tenant, one published dashboard per view.
  expect(Object.keys(servingTenantPrincipals as object)).toEqual(stack.settings.serving!.tenants);
  expect(Object.keys(servingDashboards as object).sort()).toEqual(["adoption", "forecasts", "kpis"]);
  // Without the domains' contracts, the access model finds the functions the GDPR jobs must see through by name:
  // the tenant filter, the legal-hold filter and every mask, the numeric ones (mask_financial_decimal_18_2) included.
  const functions = 2 + maskSpecs(shippedMesh()).length;
  const see = accessReport(plan.resources).actions.filter((a) => a.action.startsWith("see every row and clear value"));
  expect(see.map((a) => `${a.workload}: ${a.action}`)).toEqual(
    ["erasure", "retention", "subject-access"].map((k) => `gdpr ${k}: see every row and clear value (${functions} functions)`),
  );
  // Grants on the catalog include every domain's group, from the whole mesh.
  const catalogGrants = plan.resources.find((r) => r.name === "catalog-grants")!;
  expect((catalogGrants.inputs.grants as { principal: string }[]).map((g) => g.principal)).toContain("lakemesh-prod-domain-outcomes-performance");
});
