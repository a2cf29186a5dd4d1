import { OFFLINE_WAREHOUSE_ID } from "../../cli/plan/mocks";
import { readStackConfig } from "../../cli/plan/stack-config";
import { runOfflinePlan } from "../../cli/plan/run";
import { accessReport } from "../../lib/access";
import { platformOutputs } from "../../lib/compile";
import { descendants } from "../helpers/plan";
import { ROOT } from "../helpers/settings";

// One plan per test file (the SDK is process-global): the prod stack of one domain.
test("a domain stack plans only its own domain, the grants it owns, and a reference to its platform stack", async () => {
  const stack = readStackConfig(ROOT, "prod", "outcomes-performance");
  expect(stack.stack).toBe("prod-outcomes-performance");
  const plan = await runOfflinePlan(ROOT, stack);
  const domains = plan.resources.filter((r) => r.type === "lakemesh:domain:DataDomain").map((r) => r.name);
  expect(domains).toEqual(["outcomes-performance"]);
  const domain = plan.resources.find((r) => r.type === "lakemesh:domain:DataDomain")!;
  const inside = new Set([domain.urn, ...descendants(plan, domain).map((r) => r.urn)]);
  const outside = plan.resources.filter((r) => !inside.has(r.urn)).map((r) => `${r.type} ${r.name}`).sort();
  expect(outside).toEqual([
    "lakemesh:access:Identities identities",
    // On MSK the domain's SCRAM users are AmazonMSK_ secrets in its AWS account.
    "pulumi:providers:aws aws",
    "pulumi:providers:databricks databricks",
    "pulumi:providers:kafka kafka",
    "pulumi:providers:kubernetes kubernetes",
    "pulumi:pulumi:Stack lakemesh-prod-outcomes-performance",
    "pulumi:pulumi:StackReference organization/lakemesh/prod-platform",
  ]);
  const grants = plan.resources.filter((r) => r.type.startsWith("databricks:index/grant"));
  expect(grants.map((g) => g.inputs.schema)).toEqual(["lakemesh_prod.outcomes_performance"]);
  // Its pipeline reads names from the platform stack's outputs.
  const pipeline = plan.resources.find((r) => r.type === "databricks:index/pipeline:Pipeline")!;
  expect(pipeline.inputs.catalog).toBe("lakemesh_prod");
  const job = plan.resources.find((r) => r.type === "databricks:index/job:Job")!;
  expect((job.inputs.tasks as { sqlTask?: { warehouseId: string } }[])[0].sqlTask!.warehouseId).toBe(OFFLINE_WAREHOUSE_ID);
  expect(platformOutputs(stack.settings, OFFLINE_WAREHOUSE_ID).catalog).toBe("lakemesh_prod");
  // What the platform stack grants this domain's principals is listed as prerequisites, so the domain stack's own
  // plan shows no missing privilege; lakemesh preflight checks them against the workspace.
  const report = accessReport(plan.resources);
  expect(report.actions.filter((a) => !a.held).map((a) => `${a.workload}: ${a.action}`)).toEqual([]);
  expect(report.actions.find((a) => a.action === "run its governance SQL on the SQL warehouse")!.how).toEqual([
    "prerequisite acl:6f1c1c4e-2b7a-4d8e-9a51-0c2f1e6b7a05:warehouse:platform:CAN_USE (stack prod-platform)",
  ]);
});
