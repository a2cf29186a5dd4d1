// The prod single stack with its AWS managed elsewhere (aws.existingStorage and kafka.existingScramSecrets): the same
// mesh as the full mode minus every AWS resource; no AWS provider; the pipelines' passwords still reach their secret
// scopes as secrets, the producers' are never read. The full mode (lakemesh creates the secrets) is test/plan/prod.test.ts.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isSecret } from "../../cli/plan/record";
import { runOfflinePlan, type OfflinePlan } from "../../cli/plan/run";
import { OFFLINE_SECRET, readStackConfig } from "../../cli/plan/stack-config";
import { prodAwsElsewhereProject } from "../helpers/aws-elsewhere";
import { byType } from "../helpers/plan";
import { ROOT } from "../helpers/settings";

let plan: OfflinePlan;
const project = path.join(os.tmpdir(), `lakemesh-prod-aws-elsewhere-${process.pid}`);
beforeAll(async () => {
  prodAwsElsewhereProject(ROOT, project);
  plan = await runOfflinePlan(project, readStackConfig(project, "prod"));
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe("offline plan of prod with AWS managed elsewhere", () => {
  it("creates no AWS resource and no AWS provider", () => {
    expect(plan.resources.filter((r) => r.type.startsWith("aws:") || r.type === "pulumi:providers:aws").map((r) => r.urn)).toEqual([]);
  });

  it("still creates every domain's Kafka topics, ACLs and pipeline secret scope", () => {
    expect(byType(plan, "kafka:index/topic:Topic")).toHaveLength(17);
    const scopes = byType(plan, "databricks:index/secretScope:SecretScope").map((r) => r.name).filter((n) => n.endsWith("-kafka-secret-scope"));
    expect(scopes.length).toBeGreaterThanOrEqual(5);
    expect(byType(plan, "kafka:index/userScramCredential:UserScramCredential")).toEqual([]);
  });

  it("writes each pipeline's password into its secret scope as a secret, never in clear text", () => {
    const passwords = byType(plan, "databricks:index/secret:Secret").filter((r) => r.name.endsWith("-kafka-secret-scope-password"));
    expect(passwords.length).toBeGreaterThanOrEqual(5);
    for (const p of passwords) expect(isSecret(p.inputs.stringValue)).toBe(true);
    expect(JSON.stringify(plan.resources)).not.toContain(OFFLINE_SECRET);
  });
});
