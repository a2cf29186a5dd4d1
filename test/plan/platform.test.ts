import type { OfflinePlan } from "../../cli/plan/run";
import { byType, children, descendants, planStack } from "../helpers/plan";

let plan: OfflinePlan;
beforeAll(async () => {
  plan = await planStack("prod");
});

const platform = () => plan.resources.find((r) => r.type === "lakemesh:platform:Platform")!;
const one = (type: string, name: string) => {
  const found = plan.resources.filter((r) => r.type === type && r.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("the Platform component (prod)", () => {
  it("has the full child list", () => {
    const counts = new Map<string, number>();
    for (const r of descendants(plan, platform())) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    expect(Object.fromEntries([...counts.entries()].sort())).toEqual({
      "aws:iam/role:Role": 1,
      "aws:iam/rolePolicy:RolePolicy": 1,
      // the storage key and the key of DataHub's AmazonMSK_ secret
      "aws:kms/alias:Alias": 2,
      "aws:kms/key:Key": 2,
      "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation": 1,
      "aws:s3/bucket:Bucket": 2,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 2,
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 2,
      "aws:s3/bucketPolicy:BucketPolicy": 2,
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 2,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 2,
      "aws:secretsmanager/secret:Secret": 1,
      "aws:secretsmanager/secretPolicy:SecretPolicy": 1,
      "aws:secretsmanager/secretVersion:SecretVersion": 1,
      // who may assign and manage each of the four governed tags (prod owns the account's objects)
      "databricks:index/accessControlRuleSet:AccessControlRuleSet": 4,
      "databricks:index/catalog:Catalog": 1,
      "databricks:index/externalLocation:ExternalLocation": 2,
      "databricks:index/directory:Directory": 2,
      "databricks:index/grant:Grant": 3,
      // catalog, governance schema, export volume, 12 functions (11 masks, one numeric), 6 tables (with the pseudonym key),
      // the GDPR request inbox, the GDPR control table, the salt fingerprint
      "databricks:index/grants:Grants": 26,
      // six domain principals in the pipelines group and their domain group, the GDPR principal in gdpr_officer
      "databricks:index/groupMember:GroupMember": 13,
      "databricks:index/job:Job": 3,
      "databricks:index/notebook:Notebook": 3,
      // warehouse, 3 GDPR jobs, the root and the GDPR folders
      "databricks:index/permissions:Permissions": 6,
      "databricks:index/schema:Schema": 1,
      "databricks:index/secret:Secret": 1,
      "databricks:index/secretAcl:SecretAcl": 3,
      "databricks:index/secretScope:SecretScope": 1,
      "databricks:index/sqlEndpoint:SqlEndpoint": 1,
      "databricks:index/storageCredential:StorageCredential": 1,
      "databricks:index/systemSchema:SystemSchema": 2,
      "databricks:index/tagPolicy:TagPolicy": 4,
      "databricks:index/volume:Volume": 1,
      "databricks:index/workspaceFile:WorkspaceFile": 2,
      "kubernetes:core/v1:Namespace": 1,
      // DataHub on the platform cluster: 11 topics x 4 operations, 9 groups and one group prefix x 2
      "kafka:index/acl:Acl": 64,
      "kubernetes:core/v1:Secret": 3,
      "kubernetes:helm.sh/v3:Release": 2,
      "lakemesh:access:GroupMembership": 13,
      "lakemesh:platform:Gdpr": 1,
      // 6 tables (with the pseudonym key), 12 functions, the registry rows, the GDPR request inbox, the GDPR control table and its rows,
      // the salt fingerprint table and its row
      "pulumi-nodejs:dynamic:Resource": 25,
    });
  });

  it("rotates the KMS key and encrypts both buckets with it (bucket key on)", () => {
    expect(one("aws:kms/key:Key", "kms-uc").inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    for (const e of byType(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")) {
      expect(e.inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-central-1:222222222222:key/offline-kms-uc" }, bucketKeyEnabled: true }]);
    }
  });

  it("blocks all public access, enforces bucket ownership, and denies non-TLS requests on both buckets", () => {
    for (const b of byType(plan, "aws:s3/bucket:Bucket")) {
      expect(b.inputs.forceDestroy).toBe(false);
      const kids = children(plan, b);
      expect(kids.find((k) => k.type.endsWith("BucketPublicAccessBlock"))!.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      expect(kids.find((k) => k.type.endsWith("BucketOwnershipControls"))!.inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
      const policy = JSON.parse(kids.find((k) => k.type.endsWith("BucketPolicy"))!.inputs.policy as string);
      expect(policy.Statement).toEqual([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [`arn:aws:s3:::${b.inputs.bucket}`, `arn:aws:s3:::${b.inputs.bucket}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
      const rules = kids.find((k) => k.type.endsWith("BucketLifecycleConfiguration"))!.inputs.rules as { noncurrentVersionExpiration: { noncurrentDays: number } }[];
      expect(rules[0].noncurrentVersionExpiration.noncurrentDays).toBeLessThanOrEqual(7);
    }
  });

  it("orders the credential before the role, and isolates credential, locations and catalog", () => {
    const cred = one("databricks:index/storageCredential:StorageCredential", "storage-credential");
    expect(cred.inputs).toMatchObject({ isolationMode: "ISOLATION_MODE_ISOLATED", awsIamRole: { roleArn: "arn:aws:iam::222222222222:role/lakemesh-prod-uc-storage" } });
    const role = one("aws:iam/role:Role", "storage-role");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Condition.StringEquals["sts:ExternalId"]).toBe("offline-plan-external-id");
    for (const l of byType(plan, "databricks:index/externalLocation:ExternalLocation")) {
      expect(l.inputs).toMatchObject({ isolationMode: "ISOLATION_MODE_ISOLATED", encryptionDetails: { sseEncryptionDetails: { algorithm: "AWS_SSE_KMS" } } });
      expect(l.dependsOn).toEqual(expect.arrayContaining([role.urn]));
    }
    expect(one("databricks:index/catalog:Catalog", "catalog").inputs).toMatchObject({ name: "lakemesh_prod", isolationMode: "ISOLATED", forceDestroy: false, storageRoot: "s3://lakemesh-prod-uc-222222222222/catalogs/lakemesh_prod" });
  });

  it("writes its own storage role policy, without the SNS/SQS wildcards of the provider's helper", () => {
    const policy = JSON.parse(one("aws:iam/rolePolicy:RolePolicy", "storage-role-policy").inputs.policy as string);
    const actions = policy.Statement.flatMap((s: { Action: string[] }) => s.Action);
    expect(actions.some((a: string) => a.startsWith("sns:") || a.startsWith("sqs:"))).toBe(false);
    expect(JSON.stringify(policy)).not.toContain('"*"');
  });

  it("defines governed tags for pii (the masks: categories, and category_type for numeric ones), retention, tenant_key and data_domain, one after another", () => {
    const tags = byType(plan, "databricks:index/tagPolicy:TagPolicy");
    const pii = tags.find((t) => t.inputs.tagKey === "pii")!;
    expect((pii.inputs.values as { name: string }[]).map((v) => v.name)).toEqual([
      "address", "date_of_birth", "email", "financial", "financial_decimal_18_2", "free_text", "identifier", "name", "national_id", "online_identifier", "phone",
    ]);
    expect(tags.map((t) => t.inputs.tagKey)).toEqual(["data_domain", "pii", "retention", "tenant_key"]);
    expect(tags.filter((t) => t.dependsOn.length === 1).length).toBe(3);
  });

  it("grants EXECUTE on the filter and masks to the pipelines (which declare them on tables) and to nobody else", () => {
    const fnGrants = byType(plan, "databricks:index/grants:Grants").filter((g) => g.inputs.function !== undefined);
    expect(fnGrants).toHaveLength(13);
    for (const g of fnGrants) expect(g.inputs.grants).toEqual([{ principal: "lakemesh-prod-pipelines", privileges: ["EXECUTE"] }]);
  });

  it("grants the auditor read on system.access and system.query, per principal (the system catalog is shared)", () => {
    expect(byType(plan, "databricks:index/systemSchema:SystemSchema").map((s) => s.inputs.schema).sort()).toEqual(["access", "query"]);
    expect(byType(plan, "databricks:index/grant:Grant").map((g) => [g.inputs.catalog ?? g.inputs.schema, g.inputs.principal, g.inputs.privileges])).toEqual([
      ["system", "lakemesh-prod-auditors", ["USE_CATALOG"]],
      ["system.access", "lakemesh-prod-auditors", ["SELECT", "USE_SCHEMA"]],
      ["system.query", "lakemesh-prod-auditors", ["SELECT", "USE_SCHEMA"]],
    ]);
  });

  it("runs the governance SQL with no credential in its inputs, tables before functions", () => {
    const sql = byType(plan, "pulumi-nodejs:dynamic:Resource");
    for (const o of sql) {
      const keys = ["__provider", "create", "drop", "host", "kind", ...(o.inputs.kind === "table" ? ["migration"] : []), "objectName", "sha256", "warehouseId"];
      expect(Object.keys(o.inputs).sort()).toEqual(keys);
      expect(JSON.stringify(o.inputs.create)).not.toMatch(/dapi[0-9a-f]|token/i);
    }
    // The platform's own tables (serving's intake table is created after the whole platform).
    // The request inbox declares the tenant row filter, so it comes after the function instead.
    const inbox = sql.find((o) => o.urn.endsWith("::governance-gdpr_request_inbox"))!;
    const tableUrns = sql.filter((o) => o.inputs.kind === "table" && o.urn.includes("lakemesh:platform:Platform$") && o !== inbox).map((o) => o.urn);
    for (const f of sql.filter((o) => o.inputs.kind === "function")) expect(f.dependsOn).toEqual(expect.arrayContaining(tableUrns));
    expect(inbox.dependsOn).toContain(sql.find((o) => o.urn.endsWith("::governance-tenant_filter"))!.urn);
    const tables = sql.filter((o) => o.inputs.kind === "table");
    expect(tables.every((t) => (t.inputs.drop as unknown[]).length === 0)).toBe(true);
  });

  it("lets only the GDPR officers, the legal-hold role and the GDPR jobs read the restriction list (raw subject ids), and only the jobs change it (issue 14 item 4)", () => {
    const g = byType(plan, "databricks:index/grants:Grants").find((x) => x.inputs.table === "lakemesh_prod.governance.erasure_restrictions")!;
    expect(g.inputs.grants).toEqual([
      { principal: "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c01", privileges: ["MODIFY", "SELECT"] },
      { principal: "lakemesh-prod-gdpr-officers", privileges: ["SELECT"] },
      { principal: "lakemesh-prod-legal-hold", privileges: ["SELECT"] },
      { principal: "lakemesh-prod-platform-admins", privileges: ["ALL_PRIVILEGES"] },
    ]);
  });

  it("adds no ABAC row-filter or mask policy: every pipeline table declares its own (two would fail every query)", () => {
    expect(byType(plan, "databricks:index/policyInfo:PolicyInfo")).toEqual([]);
  });

  it("installs DataHub from pinned charts, prerequisites first, in its namespace", () => {
    const [prereq, datahub] = ["datahub-prerequisites", "datahub"].map((n) => one("kubernetes:helm.sh/v3:Release", n));
    expect(prereq.inputs).toMatchObject({ chart: "datahub-prerequisites", version: "0.3.0", namespace: "datahub", repositoryOpts: { repo: "https://helm.datahubproject.io/" } });
    expect(datahub.inputs).toMatchObject({ chart: "datahub", version: "1.1.0", namespace: "datahub" });
    expect(datahub.dependsOn).toContain(prereq.urn);
  });

  it("connects DataHub to the platform's MSK cluster over SASL_SSL with its own SCRAM user, replicated topics and the server version pinned", () => {
    const values = one("kubernetes:helm.sh/v3:Release", "datahub").inputs.values as any;
    expect(values.global.datahub.version).toBe("v1.7.0");
    expect(values.global.kafka).toEqual({
      bootstrap: { server: "b-1.lakemesh-prod.kafka.eu-central-1.amazonaws.com:9096,b-2.lakemesh-prod.kafka.eu-central-1.amazonaws.com:9096,b-3.lakemesh-prod.kafka.eu-central-1.amazonaws.com:9096" },
      partitions: 3,
      replicationFactor: 3,
    });
    expect(values.global.springKafkaConfigurationOverrides).toMatchObject({ "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512" });
    expect(values.global.credentialsAndCertsSecrets).toEqual({
      name: "lakemesh-datahub-kafka",
      path: "/mnt/datahub/kafka",
      secureEnv: { "sasl.jaas.config": "sasl-jaas-config", "sasl.password": "sasl-password", "sasl.username": "sasl-username" },
    });
    const secret = one("kubernetes:core/v1:Secret", "datahub-kafka-secret");
    expect(secret.inputs.metadata).toMatchObject({ name: "lakemesh-datahub-kafka", namespace: "datahub" });
    const user = one("aws:secretsmanager/secret:Secret", "datahub-kafka-user");
    expect(user.inputs.name).toBe("AmazonMSK_lakemesh-datahub");
    expect(one("aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation", "datahub-kafka-user-msk").inputs.clusterArn).toMatch(/^arn:aws:kafka:eu-central-1:222222222222:cluster\/lakemesh-prod\//);
    const acls = byType(plan, "kafka:index/acl:Acl").filter((a) => a.inputs.aclPrincipal === "User:lakemesh-datahub");
    const on = (name: string) => acls.filter((a) => a.inputs.aclResourceName === name).map((a) => a.inputs.aclOperation).sort();
    expect(on("MetadataChangeProposal_v1")).toEqual(["Create", "Describe", "Read", "Write"]);
    expect(on("generic-mae-consumer-job-client")).toEqual(["Describe", "Read"]);
    expect(acls.every((a) => a.inputs.aclPermissionType === "Allow" && a.inputs.aclOperation !== "All")).toBe(true);
    // The release comes up only once its user, ACLs and secret exist (atomic: a failed setup rolls it back).
    const release = one("kubernetes:helm.sh/v3:Release", "datahub");
    expect(release.dependsOn).toEqual(expect.arrayContaining([secret.urn, ...acls.map((a) => a.urn)]));
  });

  it("provisions the three GDPR jobs: queued, one run at a time, run as the GDPR service principal, failures mailed", () => {
    const jobs = byType(plan, "databricks:index/job:Job").filter((j) => (j.inputs.tags as Record<string, string> | undefined)?.lakemesh_gdpr);
    expect(jobs.map((j) => j.inputs.name).sort()).toEqual(["lakemesh-prod-gdpr-erasure", "lakemesh-prod-gdpr-retention", "lakemesh-prod-gdpr-subject-access"]);
    for (const j of jobs) {
      expect(j.inputs).toMatchObject({
        maxConcurrentRuns: 1,
        queue: { enabled: true },
        runAs: { servicePrincipalName: "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c01" },
        emailNotifications: { onFailures: ["data-platform@example.com", "dpo@example.com"] },
      });
      const [task] = j.inputs.tasks as { notebookTask: { notebookPath: string; source: string } }[];
      const notebook = one("databricks:index/notebook:Notebook", `gdpr-notebook-${(j.inputs.tags as Record<string, string>).lakemesh_gdpr}`);
      expect(task.notebookTask).toEqual({ notebookPath: notebook.inputs.path, source: "WORKSPACE" });
      expect(j.dependsOn).toContain(notebook.urn);
      expect(j.dependsOn).toContain(one("databricks:index/workspaceFile:WorkspaceFile", "gdpr-module").urn);
    }
    const params = (name: string) => Object.fromEntries((one("databricks:index/job:Job", name).inputs.parameters as { name: string; default: string }[]).map((p) => [p.name, p.default]));
    // A run sets the request id and nothing else; every setting is the file beside the module, in the GDPR folder.
    expect(params("gdpr-job-erasure")).toEqual({ request_id: "" });
    expect(params("gdpr-job-subject-access")).toEqual({ request_id: "" });
    expect(params("gdpr-job-retention")).toEqual({});
    const settings = one("databricks:index/workspaceFile:WorkspaceFile", "gdpr-settings");
    expect(settings.inputs.path).toBe("/lakemesh/prod/gdpr/lakemesh_gdpr_settings.json");
    expect(JSON.parse(Buffer.from(String(settings.inputs.contentBase64), "base64").toString("utf8"))).toEqual({
      catalog: "lakemesh_prod",
      export_root: "/Volumes/lakemesh_prod/governance/gdpr_exports",
      governance_schema: "governance",
      salt_secret_key: "subject-salt",
      salt_secret_scope: "lakemesh-gdpr",
      vacuum_retain_hours: null,
      export_retention_days: 7,
      // Every shipped domain's pipeline, by its physical name: the erasure verifies after their updates.
      pipelines: ["core-business", "external-integrations", "operational-activities", "outcomes-performance", "usage-engagement", "users-identity"].map((domain) => ({
        domain,
        name: `lakemesh-prod-${domain}`,
        continuous: domain === "usage-engagement",
      })),
      maintenance_threads: 1,
    });
    for (const k of ["erasure", "subject-access", "retention"]) expect(one("databricks:index/job:Job", `gdpr-job-${k}`).dependsOn).toContain(settings.urn);
    expect(one("databricks:index/job:Job", "gdpr-job-retention").inputs.schedule).toEqual({ quartzCronExpression: "0 0 2 * * ?", timezoneId: "UTC", pauseStatus: "UNPAUSED" });
    expect(one("databricks:index/job:Job", "gdpr-job-erasure").inputs.schedule).toBeUndefined();
  });

  it("keeps the GDPR notebooks in a folder only admins change and the GDPR principal reads, below an admins-only root", () => {
    expect(one("databricks:index/permissions:Permissions", "workspace-root-permissions").inputs).toEqual({
      directoryPath: "/lakemesh/prod",
      accessControls: [{ groupName: "lakemesh-prod-platform-admins", permissionLevel: "CAN_MANAGE" }],
    });
    const acl = one("databricks:index/permissions:Permissions", "gdpr-folder-permissions");
    expect(acl.inputs).toEqual({
      directoryPath: "/lakemesh/prod/gdpr",
      accessControls: [
        { servicePrincipalName: "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c01", permissionLevel: "CAN_READ" },
        { groupName: "lakemesh-prod-platform-admins", permissionLevel: "CAN_MANAGE" },
      ],
    });
    for (const n of byType(plan, "databricks:index/notebook:Notebook")) {
      expect(String(n.inputs.path).startsWith("/lakemesh/prod/gdpr/")).toBe(true);
      expect(n.dependsOn).toContain(acl.urn);
    }
    expect(one("databricks:index/workspaceFile:WorkspaceFile", "gdpr-module").dependsOn).toContain(acl.urn);
  });

  it("lets GDPR officers and the serving API run requests and auditors only watch", () => {
    const acl = (job: string) => one("databricks:index/permissions:Permissions", `gdpr-job-${job}-permissions`).inputs.accessControls;
    expect(acl("erasure")).toEqual([
      { groupName: "lakemesh-prod-api-service", permissionLevel: "CAN_MANAGE_RUN" },
      { groupName: "lakemesh-prod-auditors", permissionLevel: "CAN_VIEW" },
      { groupName: "lakemesh-prod-gdpr-officers", permissionLevel: "CAN_MANAGE_RUN" },
      { groupName: "lakemesh-prod-platform-admins", permissionLevel: "CAN_MANAGE" },
    ]);
    expect(acl("retention")).not.toContainEqual(expect.objectContaining({ groupName: "lakemesh-prod-gdpr-officers" }));
    expect(acl("retention")).not.toContainEqual(expect.objectContaining({ groupName: "lakemesh-prod-api-service" }));
  });

  it("keeps the subject-hash salt in the GDPR secret scope as a secret, readable by pipelines and the GDPR jobs' principal only (not the officers' group)", () => {
    const salt = one("databricks:index/secret:Secret", "gdpr-subject-salt");
    expect(salt.inputs).toMatchObject({ key: "subject-salt" });
    expect(JSON.stringify(salt.inputs)).not.toContain("offline-plan-placeholder");
    expect([salt.protect, salt.retainOnDelete]).toEqual([true, true]);
    const acls = byType(plan, "databricks:index/secretAcl:SecretAcl").filter((a) => a.inputs.scope === "lakemesh-gdpr").map((a) => [a.inputs.principal, a.inputs.permission]);
    expect(acls.sort()).toEqual([
      ["5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c01", "READ"],
      ["lakemesh-prod-pipelines", "READ"],
      ["lakemesh-prod-platform-admins", "MANAGE"],
    ]);
  });
});
