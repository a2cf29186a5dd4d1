import type { OfflinePlan } from "../../cli/plan/run";
import { byType, planStack } from "../helpers/plan";

let plan: OfflinePlan;
beforeAll(async () => {
  plan = await planStack("dev");
});

describe("offline plan of dev", () => {
  it("protects nothing and retains nothing", () => {
    expect(plan.resources.filter((r) => r.protect || r.retainOnDelete)).toEqual([]);
  });

  it("runs pipelines in development mode, as their deployer (no run-as configured)", () => {
    const all = byType(plan, "databricks:index/pipeline:Pipeline");
    expect(all.length).toBeGreaterThan(0);
    for (const p of all) {
      expect(p.inputs.development).toBe(true);
      expect(p.inputs.runAs).toBeUndefined();
    }
  });

  it("uses replication factor 1 and min ISR 1", () => {
    const all = byType(plan, "kafka:index/topic:Topic");
    expect(all.length).toBeGreaterThan(0);
    for (const t of all) {
      expect(t.inputs.replicationFactor).toBe(1);
      expect((t.inputs.config as Record<string, string>)["min.insync.replicas"]).toBe("1");
    }
  });

  it("has no ABAC policies (pipeline tables declare their own filter and masks)", () => {
    expect(byType(plan, "databricks:index/policyInfo:PolicyInfo")).toEqual([]);
  });
});
