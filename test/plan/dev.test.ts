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

  it("runs pipelines in development mode, each as its domain's service principal (never as the deployer)", () => {
    const all = byType(plan, "databricks:index/pipeline:Pipeline");
    expect(all.length).toBe(6);
    for (const p of all) {
      expect(p.inputs.development).toBe(true);
      expect(p.inputs.runAs).toEqual({ servicePrincipalName: expect.stringMatching(/^0d3f5a7c-1b2e-4c6d-8e9f-a0b1c2d3e4\d\d$/) });
    }
    for (const j of byType(plan, "databricks:index/job:Job")) expect(j.inputs.runAs).toEqual({ servicePrincipalName: expect.stringMatching(/^0d3f5a7c-/) });
  });

  it("creates no governed tag: prod owns the account's account-level objects, so destroying dev cannot delete them", () => {
    expect(byType(plan, "databricks:index/tagPolicy:TagPolicy")).toEqual([]);
    expect(byType(plan, "databricks:index/accessControlRuleSet:AccessControlRuleSet")).toEqual([]);
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
