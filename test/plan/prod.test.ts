import { OFFLINE_SECRET } from "../../cli/plan/stack-config";
import { isSecret } from "../../cli/plan/record";
import type { OfflinePlan } from "../../cli/plan/run";
import { OFFLINE_WAREHOUSE_ID } from "../../cli/plan/mocks";
import { readStackConfig } from "../../cli/plan/stack-config";
import { compileIdentities, Holdings, planFacts, type Fact } from "../../lib/access";
import { byType, descendants, planStack } from "../helpers/plan";
import { ROOT, shippedMesh } from "../helpers/settings";

let plan: OfflinePlan;
beforeAll(async () => {
  plan = await planStack("prod");
});

const domain = (name: string) => plan.resources.find((r) => r.type === "lakemesh:domain:DataDomain" && r.name === name)!;

describe("offline plan of prod", () => {
  it("registers one DataDomain per manifest, with its exact children", () => {
    expect(byType(plan, "lakemesh:domain:DataDomain").map((r) => r.name)).toEqual([
      "core-business",
      "external-integrations",
      "operational-activities",
      "outcomes-performance",
      "usage-engagement",
      "users-identity",
    ]);
    expect(descendants(plan, domain("outcomes-performance")).map((r) => `${r.type} ${r.name}`)).toEqual([
      "aws:kms/key:Key outcomes-performance-kms-kafka-scram",
      "aws:kms/alias:Alias outcomes-performance-kms-kafka-scram-alias",
      "aws:secretsmanager/secret:Secret outcomes-performance-kafka-user-pipeline",
      "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation outcomes-performance-kafka-user-pipeline-msk",
      "aws:secretsmanager/secretPolicy:SecretPolicy outcomes-performance-kafka-user-pipeline-policy",
      "aws:secretsmanager/secretVersion:SecretVersion outcomes-performance-kafka-user-pipeline-value",
      "aws:secretsmanager/secret:Secret outcomes-performance-kafka-user-producer",
      "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation outcomes-performance-kafka-user-producer-msk",
      "aws:secretsmanager/secretPolicy:SecretPolicy outcomes-performance-kafka-user-producer-policy",
      "aws:secretsmanager/secretVersion:SecretVersion outcomes-performance-kafka-user-producer-value",
      "databricks:index/directory:Directory outcomes-performance-folder",
      "databricks:index/grants:Grants outcomes-performance-schema-grants",
      "databricks:index/job:Job outcomes-performance-job",
      "databricks:index/permissions:Permissions outcomes-performance-folder-permissions",
      "databricks:index/pipeline:Pipeline outcomes-performance-pipeline",
      "databricks:index/permissions:Permissions outcomes-performance-pipeline-permissions",
      "databricks:index/schema:Schema outcomes-performance-schema",
      "databricks:index/secretScope:SecretScope outcomes-performance-kafka-secret-scope",
      "databricks:index/secret:Secret outcomes-performance-kafka-secret-scope-password",
      "databricks:index/secret:Secret outcomes-performance-kafka-secret-scope-username",
      "databricks:index/secretAcl:SecretAcl outcomes-performance-kafka-secret-scope-acl-6f1c1c4e-2b7a-4d8e-9a51-0c2f1e6b7a05",
      "databricks:index/secretAcl:SecretAcl outcomes-performance-kafka-secret-scope-acl-lakemesh-prod-platform-admins",
      "databricks:index/workspaceFile:WorkspaceFile outcomes-performance-code-lakemesh_contract.py",
      "databricks:index/workspaceFile:WorkspaceFile outcomes-performance-code-lakemesh_datasets.py",
      "databricks:index/workspaceFile:WorkspaceFile outcomes-performance-code-lakemesh_dq.py",
      "databricks:index/workspaceFile:WorkspaceFile outcomes-performance-code-lakemesh_keyed.py",
      "databricks:index/workspaceFile:WorkspaceFile outcomes-performance-code-lakemesh_pipeline.py",
      "databricks:index/workspaceFile:WorkspaceFile outcomes-performance-code-lakemesh_salt.py",
      "databricks:index/workspaceFile:WorkspaceFile outcomes-performance-contract",
      "databricks:index/workspaceFile:WorkspaceFile outcomes-performance-governance-sql",
      "kafka:index/acl:Acl outcomes-performance-acl-lakemesh-outcomes-performance-pipeline-describe-topic-outcomes-performance.",
      "kafka:index/acl:Acl outcomes-performance-acl-lakemesh-outcomes-performance-pipeline-read-group-lakemesh.prod.outcomes-performance.",
      "kafka:index/acl:Acl outcomes-performance-acl-lakemesh-outcomes-performance-pipeline-read-topic-outcomes-performance.",
      "kafka:index/acl:Acl outcomes-performance-acl-lakemesh-outcomes-performance-producer-describe-topic-outcomes-performance.",
      "kafka:index/acl:Acl outcomes-performance-acl-lakemesh-outcomes-performance-producer-write-topic-outcomes-performance.",
      "kafka:index/topic:Topic outcomes-performance.forecasts.v1",
      "kubernetes:batch/v1:CronJob outcomes-performance-datahub-ingestion",
      "kubernetes:core/v1:ConfigMap outcomes-performance-datahub-recipe",
    ]);
  });

  it("passes the validated manifest to the DataDomain, where the policy pack sees it", () => {
    expect((domain("core-business").inputs.manifest as { metadata: { name: string } }).metadata.name).toBe("core-business");
  });

  it("configures every topic delete-only, bounded, replicated 3 with min ISR 2", () => {
    const topics = byType(plan, "kafka:index/topic:Topic");
    expect(topics.length).toBe(17);
    for (const t of topics) {
      const c = t.inputs.config as Record<string, string>;
      expect(t.inputs.replicationFactor).toBe(3);
      expect(c["cleanup.policy"]).toBe("delete");
      expect(c["min.insync.replicas"]).toBe("2");
      expect(c["unclean.leader.election.enable"]).toBe("false");
      expect(Number(c["segment.ms"])).toBeLessThanOrEqual(Number(c["retention.ms"]));
      expect(Number(c["retention.ms"])).toBeGreaterThan(0);
      expect(t.inputs.name).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+\.v[0-9]+$/);
    }
  });

  it("protects and retains every data store; their hardening children inherit the protection", () => {
    const protectedTypes = new Set(plan.resources.filter((r) => r.protect).map((r) => r.type));
    // Children (a bucket's public access block, a schema's grants) inherit protect from their parent in Pulumi,
    // so prod cannot drop a TLS-only policy or a key alias by deleting a line either.
    expect([...protectedTypes].sort()).toEqual([
      "aws:kms/alias:Alias",
      "aws:kms/key:Key",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "databricks:index/accessControlRuleSet:AccessControlRuleSet",
      "databricks:index/catalog:Catalog",
      "databricks:index/grants:Grants",
      "databricks:index/schema:Schema",
      "databricks:index/secret:Secret",
      "databricks:index/secretAcl:SecretAcl",
      "databricks:index/secretScope:SecretScope",
      "databricks:index/tagPolicy:TagPolicy",
      "databricks:index/volume:Volume",
      "kafka:index/topic:Topic",
      "pulumi-nodejs:dynamic:Resource",
    ]);
    expect(plan.resources.filter((r) => r.retainOnDelete).map((r) => r.type).sort().filter((t, i, a) => a.indexOf(t) === i)).toEqual([
      "aws:kms/key:Key",
      "aws:s3/bucket:Bucket",
      "databricks:index/accessControlRuleSet:AccessControlRuleSet",
      "databricks:index/catalog:Catalog",
      "databricks:index/schema:Schema",
      "databricks:index/secret:Secret",
      "databricks:index/secretScope:SecretScope",
      "databricks:index/tagPolicy:TagPolicy",
      "databricks:index/volume:Volume",
      "kafka:index/topic:Topic",
      "pulumi-nodejs:dynamic:Resource",
    ]);
    for (const type of ["aws:kms/key:Key", "aws:s3/bucket:Bucket", "databricks:index/catalog:Catalog", "databricks:index/schema:Schema", "kafka:index/topic:Topic"]) {
      for (const r of byType(plan, type)) expect([r.name, r.protect, r.retainOnDelete]).toEqual([r.name, true, true]);
    }
    // Tables hold data; a dropped filter or mask function would make every table that declares it fail closed.
    const governance = byType(plan, "pulumi-nodejs:dynamic:Resource");
    expect(governance.filter((r) => r.protect && r.retainOnDelete).map((r) => r.inputs.objectName)).toEqual(
      governance.filter((r) => r.inputs.kind === "table" || r.inputs.kind === "function").map((r) => r.inputs.objectName),
    );
    // tenant_filter, tenant_filter_held (legal holds), ten text masks and the mesh's one numeric mask.
    expect(governance.filter((r) => r.inputs.kind === "function").length).toBe(13);
  });

  it("keeps every secret a secret: no placeholder value appears in a plain input", () => {
    const plain = JSON.stringify(plan.resources.map((r) => r.inputs));
    expect(plain).not.toContain(OFFLINE_SECRET);
    const kafka = plan.resources.find((r) => r.type === "pulumi:providers:kafka")!;
    expect(isSecret(kafka.inputs.saslPassword)).toBe(true);
    expect(kafka.inputs.tlsEnabled).toBe("true");
    for (const s of byType(plan, "kubernetes:core/v1:Secret")) expect(isSecret(s.inputs.stringData)).toBe(true);
  });

  it("grants nothing to account users or users on schemas, and ALL_PRIVILEGES only to platform admins", () => {
    for (const g of byType(plan, "databricks:index/grants:Grants")) {
      for (const e of g.inputs.grants as { principal: string; privileges: string[] }[]) {
        expect(["account users", "users"]).not.toContain(e.principal);
        if (e.privileges.includes("ALL_PRIVILEGES")) expect(e.principal).toBe("lakemesh-prod-platform-admins");
      }
    }
  });

  it("has exactly one authoritative Grants per securable", () => {
    const keys = byType(plan, "databricks:index/grants:Grants").map((g) => {
      const i = g.inputs as Record<string, unknown>;
      const kind = ["catalog", "schema", "table", "function", "volume"].find((k) => i[k] !== undefined)!;
      return `${kind}:${String(i[kind])}`;
    });
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain("schema:lakemesh_prod.core_business");
  });

  it("runs pipelines serverless on Unity Catalog, not in development mode, with the contract hash in their configuration", () => {
    for (const p of byType(plan, "databricks:index/pipeline:Pipeline")) {
      expect(p.inputs).toMatchObject({ serverless: true, catalog: "lakemesh_prod", development: false, channel: "CURRENT" });
      const conf = p.inputs.configuration as Record<string, string>;
      expect(conf["lakemesh.contract"]).toMatch(/^\/Workspace\/lakemesh\/prod\/domains\/[a-z-]+\/contract\.json$/);
      expect(conf["lakemesh.contract_sha256"]).toMatch(/^[0-9a-f]{64}$/);
      // ${...} in SQL would read this configuration (the salt, Kafka credentials) into the text.
      expect(conf["spark.sql.variable.substitute"]).toBe("false");
      expect(p.inputs.runAs).toMatchObject({ servicePrincipalName: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    }
    expect(byType(plan, "databricks:index/pipeline:Pipeline").find((p) => p.name === "usage-engagement-pipeline")!.inputs.continuous).toBe(true);
  });

  it("sorts job tasks by taskKey and runs governance after the pipeline update", () => {
    const job = byType(plan, "databricks:index/job:Job").find((j) => j.name === "core-business-job")!;
    const tasks = job.inputs.tasks as { taskKey: string; dependsOns?: { taskKey: string }[] }[];
    expect(tasks.map((t) => t.taskKey)).toEqual(["governance", "pipeline_update"]);
    expect(tasks[0].dependsOns).toEqual([{ taskKey: "pipeline_update" }]);
    expect(job.inputs).toMatchObject({ maxConcurrentRuns: 1, queue: { enabled: true }, schedule: { quartzCronExpression: "0 0/15 * * * ?" } });
  });

  it("runs DataHub ingestion with tokens from a secret, never in the recipe", () => {
    for (const c of byType(plan, "kubernetes:batch/v1:CronJob")) {
      const container = (c.inputs as any).spec.jobTemplate.spec.template.spec.containers[0];
      expect(container.command).toEqual(["datahub", "ingest", "-c", "/etc/recipe/recipe.yml"]);
      // The CLI speaks the server's API: the same version as the chart's server (v1.7.0 for chart 1.1.0).
      expect(container.image).toBe("acryldata/datahub-ingestion:v1.7.0");
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.valueFrom?.secretKeyRef?.key ?? e.value]));
      expect(env).toEqual({ DATABRICKS_TOKEN: "databricks-token", DATAHUB_GMS_TOKEN: "gms-token", DATAHUB_TELEMETRY_ENABLED: "false" });
    }
    for (const m of byType(plan, "kubernetes:core/v1:ConfigMap").filter((x) => x.name.endsWith("-datahub-recipe"))) {
      const recipe = (m.inputs.data as Record<string, string>)["recipe.yml"];
      expect(recipe).toContain("token: ${DATABRICKS_TOKEN}");
      expect(recipe).toContain("token: ${DATAHUB_GMS_TOKEN}");
      expect(recipe).toContain("type: unity-catalog");
      for (const off of ["include_queries: false", "include_top_n_queries: false", "include_usage_statistics: false"]) expect(recipe).toContain(off);
    }
  });

  it("keeps pipeline code in its domain's folder outside /Shared: admins manage, the domain's principal reads, files only after the ACL", () => {
    const folder = plan.resources.find((r) => r.name === "core-business-folder")!;
    expect(folder.inputs.path).toBe("/lakemesh/prod/domains/core-business");
    const acl = plan.resources.find((r) => r.name === "core-business-folder-permissions")!;
    expect(acl.inputs).toEqual({
      directoryPath: "/lakemesh/prod/domains/core-business",
      accessControls: [
        { servicePrincipalName: "6f1c1c4e-2b7a-4d8e-9a51-0c2f1e6b7a01", permissionLevel: "CAN_READ" },
        { groupName: "lakemesh-prod-platform-admins", permissionLevel: "CAN_MANAGE" },
      ],
    });
    const files = byType(plan, "databricks:index/workspaceFile:WorkspaceFile").filter((f) => f.name.startsWith("core-business-"));
    expect(files.length).toBe(8);
    for (const f of files) {
      expect(String(f.inputs.path).startsWith("/lakemesh/prod/domains/core-business/")).toBe(true);
      expect(f.dependsOn).toContain(acl.urn);
    }
  });

  it("lists as each split stack's prerequisites only what the other stacks register (held in this single-stack plan)", () => {
    // A domain stack counts the platform's grants (and its producers') as held because they are listed; this plan
    // holds every stack's resources, so each listed one must be here, or the list is a promise nobody keeps.
    const h = new Holdings(planFacts(plan.resources));
    const s = readStackConfig(ROOT, "prod").settings;
    const mesh = shippedMesh();
    const layouts = [...mesh.domains.map((d) => ({ ...s, mode: "domain" as const, domain: d.metadata.name })), { ...s, mode: "platform" as const }];
    const cross = layouts.flatMap((x) => compileIdentities(x, mesh).prerequisites).filter((p) => p.providedBy.startsWith("stack "));
    const held = (f: Fact): boolean => {
      switch (f.kind) {
        case "uc":
          return h.check(f.principal, { kind: "uc", securable: f.securable, privilege: f.privilege }) !== undefined;
        case "acl":
          return h.check(f.principal, { kind: "acl", object: f.object.id === "platform" ? { ...f.object, id: OFFLINE_WAREHOUSE_ID } : f.object, level: f.level }) !== undefined;
        case "member":
          return h.identities(f.principal).has(f.group);
        case "function":
          return h.functionSql(f.name) === f.sql;
        default:
          return false;
      }
    };
    expect(cross.length).toBeGreaterThan(100);
    expect(cross.filter((p) => !held(p.fact)).map((p) => p.id)).toEqual([]);
  });

  it("registers no URN twice", () => {
    const urns = plan.resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
  });
});
