import type { OfflinePlan } from "../../cli/plan/run";
import { isSecret } from "../../cli/plan/record";
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

  it("creates each domain's SCRAM users on the self-managed broker, and the pipeline's credentials in its own scope before the pipeline", () => {
    const users = byType(plan, "kafka:index/userScramCredential:UserScramCredential");
    const withTopics = byType(plan, "lakemesh:domain:DataDomain").filter((d) => ((d.inputs.topics as unknown[]) ?? []).length > 0).map((d) => d.name);
    expect(users.map((u) => u.inputs.username).sort()).toEqual(withTopics.flatMap((d) => [`lakemesh-${d}-pipeline`, `lakemesh-${d}-producer`]).sort());
    for (const u of users) {
      expect(u.inputs.scramMechanism).toBe("SCRAM-SHA-512");
      expect(isSecret(u.inputs.password)).toBe(true);
    }
    const pipeline = plan.resources.find((r) => r.name === "core-business-pipeline")!;
    const password = plan.resources.find((r) => r.name === "core-business-kafka-secret-scope-password")!;
    expect(password.inputs).toMatchObject({ scope: "lakemesh-kafka-core-business", key: "pipeline-password" });
    expect(isSecret(password.inputs.stringValue)).toBe(true);
    expect(pipeline.dependsOn).toEqual(expect.arrayContaining([password.urn, plan.resources.find((r) => r.name === "core-business-kafka-user-pipeline")!.urn]));
    expect(JSON.stringify(byType(plan, "databricks:index/pipeline:Pipeline").map((p) => p.inputs.configuration))).not.toContain("{{secrets/");
  });

  it("has no ABAC policies (pipeline tables declare their own filter and masks)", () => {
    expect(byType(plan, "databricks:index/policyInfo:PolicyInfo")).toEqual([]);
  });
});
