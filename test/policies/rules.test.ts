import type { PlannedResource } from "../../cli/plan/record";
import type { PolicyPackConfig } from "../../policies/harness";
import { allRules } from "../../policies/rules";
import { baselineResources, change, deferrals, ofType, UNKNOWN_IN_PLAN, violations } from "../helpers/policy";

let base: PlannedResource[];
beforeAll(async () => {
  base = await baselineResources();
});

const rule = (id: string) => {
  const p = allRules.find((r) => r.name === id);
  if (!p) throw new Error(`no rule ${id}`);
  return p;
};
const DOMAIN = "lakemesh:domain:DataDomain";
const TOPIC = "kafka:index/topic:Topic";
const alpha = ofType(DOMAIN, "alpha");
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64");
const editContract = (r: any, edit: (c: any) => void) => {
  const c = JSON.parse(Buffer.from(r.inputs.contentBase64, "base64").toString("utf8"));
  edit(c);
  r.inputs.contentBase64 = b64(c);
};
const isContract = (r: PlannedResource) => r.name === "alpha-contract";

/** [rule, the compliant baseline's violations] each rule's describe starts from. */
describe.each(allRules.map((r) => [r.name]))("%s", (id) => {
  it("passes the compliant baseline", () => {
    expect(violations(rule(id), base)).toEqual([]);
  });
});

describe("lm-dataset-owner-and-contract: every dataset has an owner and a semver contract", () => {
  it("flags a dataset without owner contact", () => {
    const r = change(base, alpha, (d) => delete d.inputs.manifest.metadata.owner.contact);
    expect(violations(rule("lm-dataset-owner-and-contract"), r)).toEqual(["dataset alpha.accounts has no owner team and contact @ alpha", "dataset alpha.balances_by_region has no owner team and contact @ alpha"]);
  });
  it("flags a contract version that is not semver", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[1].contract.version = "2"));
    expect(violations(rule("lm-dataset-owner-and-contract"), r)).toEqual(['dataset alpha.balances_by_region has no semver contract version (got "2") @ alpha']);
  });
});

describe("lm-personal-column-classified: personal columns have a category and an erasure method", () => {
  it("flags a personal column without erasure", () => {
    const r = change(base, alpha, (d) => delete d.inputs.manifest.spec.datasets[0].columns[2].personalData.erasure);
    expect(violations(rule("lm-personal-column-classified"), r)).toEqual(["personal column alpha.accounts.email has no erasure method (delete or anonymize) @ alpha"]);
  });
  it("flags a personal column without category", () => {
    const r = change(base, alpha, (d) => delete d.inputs.manifest.spec.datasets[0].columns[1].personalData.category);
    expect(violations(rule("lm-personal-column-classified"), r)).toEqual(["personal column alpha.accounts.account_id has no category @ alpha"]);
  });
});

describe("lm-tenant-key-present: tenant datasets have a required STRING tenant key", () => {
  it("flags a tenant dataset whose tenant key is optional", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].columns[0].required = false));
    expect(violations(rule("lm-tenant-key-present"), r)).toEqual(["tenant dataset alpha.accounts has no required STRING tenant key column tenant_id @ alpha"]);
  });
});

describe("lm-no-tenant-partitioning: partitioning by tenant needs a reason", () => {
  it("flags partitioning by the tenant key without a reason", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].partitionBy = { columns: ["tenant_id"] }));
    expect(violations(rule("lm-no-tenant-partitioning"), r)).toEqual(["dataset alpha.accounts is partitioned by tenant key tenant_id without a reason of at least 20 characters @ alpha"]);
  });
  it("accepts a stated reason", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].partitionBy = { columns: ["tenant_id"], reason: "Four tenants only, each with billions of rows." }));
    expect(violations(rule("lm-no-tenant-partitioning"), r)).toEqual([]);
  });
});

describe("lm-cross-domain-read-declared: cross-domain reads are declared and published", () => {
  it("flags an undeclared read", () => {
    const r = change(base, ofType(DOMAIN, "beta"), (d) => (d.inputs.manifest.spec.consumers = []));
    expect(violations(rule("lm-cross-domain-read-declared"), r)).toEqual(["beta.account_kpis reads alpha.accounts without declaring it in spec.consumers @ beta"]);
  });
  it("flags a read of an unpublished dataset", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].contract.lifecycle = "deprecated"));
    expect(violations(rule("lm-cross-domain-read-declared"), r)).toEqual(["beta.account_kpis reads alpha.accounts, which is not published (lifecycle deprecated) @ beta"]);
  });
});

describe("lm-breaking-change-needs-major: removing a column of an active contract needs a major bump", () => {
  const previous: PolicyPackConfig = {
    "lm-breaking-change-needs-major": { previous: { alpha: { accounts: { version: "1.0.0", lifecycle: "active", columns: ["tenant_id", "account_id", "email", "region", "balance", "updated_at", "nickname"] } } } },
  };
  it("flags a removed column without a major bump", () => {
    expect(violations(rule("lm-breaking-change-needs-major"), base, previous)).toEqual(["alpha.accounts removes or renames nickname of an active contract without a major version bump (1.0.0 -> 1.0.0) @ alpha"]);
  });
  it("accepts it with a major bump", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].contract.version = "2.0.0"));
    expect(violations(rule("lm-breaking-change-needs-major"), r, previous)).toEqual([]);
  });
});

describe("lm-kafka-pii-retention: personal topics expire within the erasure deadline", () => {
  it("flags a personal topic kept 90 days", () => {
    const r = change(base, ofType(TOPIC), (t) => (t.inputs.config["retention.ms"] = String(90 * 86_400_000)));
    expect(violations(rule("lm-kafka-pii-retention"), r)).toEqual(["personal-data topic alpha.accounts.v1 keeps events 90 days; at most 30 days (the erasure deadline) @ alpha.accounts.v1"]);
  });
  it("flags a personal topic kept forever", () => {
    const r = change(base, ofType(TOPIC), (t) => (t.inputs.config["retention.ms"] = "-1"));
    expect(violations(rule("lm-kafka-pii-retention"), r)).toEqual(["personal-data topic alpha.accounts.v1 keeps events forever (retention.ms -1) @ alpha.accounts.v1"]);
  });
  it("takes the deadline from config", () => {
    expect(violations(rule("lm-kafka-pii-retention"), base, { "lm-kafka-pii-retention": { maxRetentionMs: 86_400_000 } })).toEqual([
      "personal-data topic alpha.accounts.v1 keeps events 7 days; at most 1 days (the erasure deadline) @ alpha.accounts.v1",
    ]);
  });
});

describe("lm-kafka-cleanup-delete: topics delete old data", () => {
  it("flags a compact-only topic", () => {
    const r = change(base, ofType(TOPIC), (t) => (t.inputs.config["cleanup.policy"] = "compact"));
    expect(violations(rule("lm-kafka-cleanup-delete"), r)).toEqual(['topic alpha.accounts.v1 has cleanup.policy "compact"; it must include delete @ alpha.accounts.v1']);
  });
});

describe("lm-kafka-segment-within-retention: segments roll within retention", () => {
  it("flags a segment longer than retention", () => {
    const r = change(base, ofType(TOPIC), (t) => (t.inputs.config["segment.ms"] = String(30 * 86_400_000)));
    expect(violations(rule("lm-kafka-segment-within-retention"), r)).toEqual(["topic alpha.accounts.v1 has segment.ms 2592000000 above retention.ms 604800000 @ alpha.accounts.v1"]);
  });
  it("flags a missing segment.ms", () => {
    const r = change(base, ofType(TOPIC), (t) => delete t.inputs.config["segment.ms"]);
    expect(violations(rule("lm-kafka-segment-within-retention"), r)).toEqual(["topic alpha.accounts.v1 does not set segment.ms (the broker default is 7 days) @ alpha.accounts.v1"]);
  });
});

describe("lm-kafka-prod-replication: production topics are replicated", () => {
  it("flags replication 1 and min ISR 1 in prod", () => {
    const r = change(base, ofType(TOPIC), (t) => {
      t.inputs.replicationFactor = 1;
      t.inputs.config["min.insync.replicas"] = "1";
    });
    expect(violations(rule("lm-kafka-prod-replication"), r)).toEqual([
      "production topic alpha.accounts.v1 has min.insync.replicas 1; at least 2 @ alpha.accounts.v1",
      "production topic alpha.accounts.v1 has replication factor 1; at least 3 @ alpha.accounts.v1",
    ]);
  });
  it("does not apply outside production stacks", () => {
    const r = change(base, ofType(TOPIC), (t) => (t.inputs.replicationFactor = 1));
    expect(violations(rule("lm-kafka-prod-replication"), r, { "lm-kafka-prod-replication": { prodStackPattern: "^production$" } })).toEqual([]);
  });
});

describe("lm-kafka-prod-topic-replacement: production topics are protected and never lose partitions", () => {
  const previous = (partitions: number) => ({ "lm-kafka-prod-topic-replacement": { previousTopics: { "alpha.accounts.v1": { partitions, replicationFactor: 3 } } } });
  const deployed = () => Number(base.find(ofType(TOPIC, "alpha.accounts.v1"))!.inputs.partitions);
  it("flags a change that lowers a deployed topic's partitions (the provider replaces the topic)", () => {
    expect(violations(rule("lm-kafka-prod-topic-replacement"), base, previous(deployed() + 2))).toEqual([
      `topic alpha.accounts.v1 would go from ${deployed() + 2} to ${deployed()} partitions: Kafka cannot remove partitions, so the provider deletes the topic and its events and creates it again @ alpha.accounts.v1`,
    ]);
  });
  it("lets partitions grow (in place)", () => {
    expect(violations(rule("lm-kafka-prod-topic-replacement"), base, previous(deployed() - 1))).toEqual([]);
  });
  it("flags an unprotected production topic, personal or not", () => {
    const r = change(base, ofType(TOPIC, "alpha.accounts.v1"), (t) => ((t as any).protect = false));
    expect(violations(rule("lm-kafka-prod-topic-replacement"), r)).toEqual(["production topic alpha.accounts.v1 is not protected: replacing or removing it would delete its events @ alpha.accounts.v1"]);
  });
  it("leaves unknown partitions to the update", () => {
    const r = change(base, ofType(TOPIC, "alpha.accounts.v1"), (t) => (t.inputs.partitions = UNKNOWN_IN_PLAN));
    expect(violations(rule("lm-kafka-prod-topic-replacement"), r, previous(1))).toEqual([]);
    expect(deferrals(rule("lm-kafka-prod-topic-replacement"), r, previous(1))).toEqual(["the partitions of topic alpha.accounts.v1; checked at update @ alpha.accounts.v1"]);
  });
  it("does not apply outside production stacks", () => {
    expect(violations(rule("lm-kafka-prod-topic-replacement"), base, { "lm-kafka-prod-topic-replacement": { ...previous(99)["lm-kafka-prod-topic-replacement"], prodStackPattern: "^production$" } })).toEqual([]);
  });
});

describe("lm-kafka-topic-naming: <domain>.<entity>.v<major>", () => {
  it("flags a free-form topic name", () => {
    const r = change(base, ofType(TOPIC), (t) => (t.inputs.name = "Accounts_Topic"));
    expect(violations(rule("lm-kafka-topic-naming"), r)).toEqual(['topic name "Accounts_Topic" is not <domain>.<entity>.v<major> @ alpha.accounts.v1']);
  });
});

describe("lm-uc-no-broad-grants: no grant to account users on personal data", () => {
  it("flags a schema of a domain with personal data granted to account users", () => {
    const r = change(base, ofType("databricks:index/grants:Grants", "alpha-schema-grants"), (g) => g.inputs.grants.push({ principal: "account users", privileges: ["USE_SCHEMA"] }));
    expect(violations(rule("lm-uc-no-broad-grants"), r)).toEqual(['schema lakemesh_prod.alpha is granted to "account users" @ alpha-schema-grants']);
  });
  it("flags the catalog granted to users", () => {
    const r = change(base, ofType("databricks:index/grants:Grants", "catalog-grants"), (g) => g.inputs.grants.push({ principal: "users", privileges: ["USE_CATALOG"] }));
    expect(violations(rule("lm-uc-no-broad-grants"), r)).toEqual(['catalog lakemesh_prod is granted to "users" @ catalog-grants']);
  });
  it("lets a schema without personal data be granted broadly (the exemption), and only that one", () => {
    const broad = (g: any) => g.inputs.grants.push({ principal: "account users", privileges: ["USE_SCHEMA"] });
    const r = change(change(base, ofType("databricks:index/grants:Grants", "beta-schema-grants"), broad), ofType("databricks:index/grants:Grants", "alpha-schema-grants"), broad);
    expect(violations(rule("lm-uc-no-broad-grants"), r)).toEqual(['schema lakemesh_prod.alpha is granted to "account users" @ alpha-schema-grants']);
  });
});

describe("lm-uc-no-broad-grants and lm-uc-one-grants-per-securable at preview, where the schema id is unknown", () => {
  const schemaUrn = () => base.find(ofType("databricks:index/schema:Schema", "alpha-schema"))!.urn;
  const unknownSchema = (withDependency: boolean) => (g: any) => {
    g.inputs.schema = UNKNOWN_IN_PLAN;
    g.propertyDependencies = withDependency ? { schema: [schemaUrn()] } : {};
    g.inputs.grants.push({ principal: "account users", privileges: ["USE_SCHEMA"] });
  };
  it("forms the schema's name from the Schema it depends on, and still flags the broad grant", () => {
    const r = change(base, ofType("databricks:index/grants:Grants", "alpha-schema-grants"), unknownSchema(true));
    expect(violations(rule("lm-uc-no-broad-grants"), r)).toEqual(['schema lakemesh_prod.alpha is granted to "account users" @ alpha-schema-grants']);
    expect(deferrals(rule("lm-uc-no-broad-grants"), r)).toEqual([]);
  });
  it("leaves the grant to the update when nothing says which securable it is on", () => {
    const r = change(base, ofType("databricks:index/grants:Grants", "alpha-schema-grants"), unknownSchema(false));
    expect(violations(rule("lm-uc-no-broad-grants"), r)).toEqual([]);
    expect(deferrals(rule("lm-uc-no-broad-grants"), r)).toEqual(['which schema is granted to "account users" (its name is unknown); checked at update @ alpha-schema-grants']);
    expect(deferrals(rule("lm-uc-one-grants-per-securable"), r)).toEqual(["which schema this grant is on (its name is unknown); checked at update @ alpha-schema-grants"]);
  });
  it("still finds a second Grants on a schema whose id is unknown", () => {
    const grants = base.find(ofType("databricks:index/grants:Grants", "alpha-schema-grants"))!;
    const again = { ...structuredClone(grants), urn: grants.urn + "-again", name: "alpha-schema-grants-again", inputs: { ...structuredClone(grants.inputs), schema: UNKNOWN_IN_PLAN }, propertyDependencies: { schema: [schemaUrn()] } };
    expect(violations(rule("lm-uc-one-grants-per-securable"), [...base, again])).toEqual(["schema lakemesh_prod.alpha has 2 authoritative Grants resources @ alpha-schema-grants-again"]);
  });
});

describe("lm-uc-all-privileges-admin-only: ALL_PRIVILEGES for platform admins only", () => {
  it("flags ALL_PRIVILEGES to a domain group", () => {
    const r = change(base, ofType("databricks:index/grants:Grants", "alpha-schema-grants"), (g) => (g.inputs.grants[0].privileges = ["ALL_PRIVILEGES"]));
    expect(violations(rule("lm-uc-all-privileges-admin-only"), r)).toEqual(['ALL_PRIVILEGES granted to "lakemesh-prod-domain-alpha", who is not a platform admin @ alpha-schema-grants']);
  });
});

describe("lm-uc-one-grants-per-securable: one authoritative Grants per securable", () => {
  it("flags a second Grants on the same schema", () => {
    const grants = base.find(ofType("databricks:index/grants:Grants", "alpha-schema-grants"))!;
    const r = [...base, { ...structuredClone(grants), urn: grants.urn + "-again", name: "alpha-schema-grants-again" }];
    expect(violations(rule("lm-uc-one-grants-per-securable"), r)).toEqual(["schema lakemesh_prod.alpha has 2 authoritative Grants resources @ alpha-schema-grants-again"]);
  });
  it("flags a Grant beside a Grants", () => {
    const grants = base.find(ofType("databricks:index/grants:Grants", "alpha-schema-grants"))!;
    const r = [...base, { ...structuredClone(grants), type: "databricks:index/grant:Grant", urn: grants.urn + "-one", name: "extra", inputs: { schema: "lakemesh_prod.alpha", principal: "x", privileges: ["SELECT"] } }];
    expect(violations(rule("lm-uc-one-grants-per-securable"), r)).toEqual(["schema lakemesh_prod.alpha has a Grant for x beside its authoritative Grants @ extra"]);
  });
});

describe("lm-uc-catalog-isolated: catalog, credential and locations are workspace-isolated", () => {
  it("flags an OPEN catalog", () => {
    const r = change(base, ofType("databricks:index/catalog:Catalog"), (c) => (c.inputs.isolationMode = "OPEN"));
    expect(violations(rule("lm-uc-catalog-isolated"), r)).toEqual(['catalog lakemesh_prod is not ISOLATED (isolationMode "OPEN") @ catalog']);
  });
  it("flags an open external location", () => {
    const r = change(base, ofType("databricks:index/externalLocation:ExternalLocation", "location-landing"), (c) => delete c.inputs.isolationMode);
    expect(violations(rule("lm-uc-catalog-isolated"), r)).toEqual(["ExternalLocation lakemesh_prod_landing is not ISOLATION_MODE_ISOLATED @ location-landing"]);
  });
  it("flags an open storage credential", () => {
    const r = change(base, ofType("databricks:index/storageCredential:StorageCredential"), (c) => (c.inputs.isolationMode = "ISOLATION_MODE_OPEN"));
    expect(violations(rule("lm-uc-catalog-isolated"), r)).toEqual(["StorageCredential lakemesh_prod_uc_storage is not ISOLATION_MODE_ISOLATED @ storage-credential"]);
  });
});

describe("lm-uc-tenant-filter-and-masks: contracts filter tenant tables and mask personal columns", () => {
  it("flags a tenant table without its row filter", () => {
    const r = change(base, isContract, (f) => editContract(f, (c) => (c.datasets.find((d: any) => d.name === "accounts").rowFilter = null)));
    expect(violations(rule("lm-uc-tenant-filter-and-masks"), r)).toEqual(["lakemesh_prod.alpha.accounts has tenant key tenant_id but no tenant row filter @ alpha-contract"]);
  });
  it("flags a personal column without a mask, even when its comment says MASK", () => {
    const r = change(base, isContract, (f) =>
      editContract(f, (c) => {
        const d = c.datasets.find((x: any) => x.name === "accounts");
        d.schema = d.schema.replace(/`email` STRING COMMENT '[^']*' MASK [^,]*/, "`email` STRING COMMENT 'has a MASK `a`.`b`.`mask_email`'");
      }),
    );
    expect(violations(rule("lm-uc-tenant-filter-and-masks"), r)).toEqual(["lakemesh_prod.alpha.accounts.email holds personal data (email) but has no mask @ alpha-contract"]);
  });
});

describe("lm-aws-bucket-public-access-block: every bucket blocks public access", () => {
  it("flags a flag left off", () => {
    const r = change(base, ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket-uc-public-access-block"), (p) => (p.inputs.restrictPublicBuckets = false));
    expect(violations(rule("lm-aws-bucket-public-access-block"), r)).toEqual(["bucket lakemesh-prod-uc-222222222222's public access block leaves restrictPublicBuckets off @ bucket-uc-public-access-block"]);
  });
  it("flags a bucket without one", () => {
    const r = base.filter((x) => x.name !== "bucket-landing-public-access-block");
    expect(violations(rule("lm-aws-bucket-public-access-block"), r)).toEqual(["bucket lakemesh-prod-landing-222222222222 has no public access block @ bucket-landing"]);
  });
});

describe("lm-aws-bucket-sse-kms: buckets use SSE-KMS", () => {
  it("flags SSE-S3", () => {
    const r = change(base, ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bucket-uc-encryption"), (e) => (e.inputs.rules[0].applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" }));
    expect(violations(rule("lm-aws-bucket-sse-kms"), r)).toEqual(["bucket lakemesh-prod-uc-222222222222 is not encrypted with SSE-KMS @ bucket-uc"]);
  });
});

describe("lm-aws-bucket-tls-only: buckets deny non-TLS requests", () => {
  it("flags a policy that allows plain HTTP", () => {
    const r = change(base, ofType("aws:s3/bucketPolicy:BucketPolicy", "bucket-uc-tls-only"), (p) => (p.inputs.policy = JSON.stringify({ Version: "2012-10-17", Statement: [] })));
    expect(violations(rule("lm-aws-bucket-tls-only"), r)).toEqual(["bucket lakemesh-prod-uc-222222222222 does not deny non-TLS requests @ bucket-uc"]);
  });
});

describe("lm-aws-kms-rotation: keys rotate", () => {
  it("flags a key without rotation", () => {
    const r = change(base, ofType("aws:kms/key:Key"), (k) => (k.inputs.enableKeyRotation = false));
    expect(violations(rule("lm-aws-kms-rotation"), r)).toEqual(["KMS key kms-uc does not rotate @ kms-uc"]);
  });
});

describe("lm-secrets-not-plaintext: credentials only as secrets", () => {
  it("flags a plaintext password input", () => {
    const r = change(base, ofType("pulumi:providers:kafka"), (p) => (p.inputs.saslPassword = "hunter2hunter2"));
    expect(violations(rule("lm-secrets-not-plaintext"), r)).toEqual(["input saslPassword holds a plain value; make it a Pulumi secret @ kafka"]);
  });
  it("flags a token pasted into a manifest, even where the field is not called token", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.metadata.description = "Call with dapi0123456789abcdef0123456789abcdef if stuck."));
    expect(violations(rule("lm-secrets-not-plaintext"), r)).toEqual(["input manifest.metadata.description holds what looks like a Databricks token in plain text @ alpha"]);
  });
  it("under the engine (secrets not visible) checks credential formats only", () => {
    const r = change(base, ofType("pulumi:providers:kafka"), (p) => (p.inputs.saslPassword = "AKIAABCDEFGHIJKLMNOP"));
    expect(violations(rule("lm-secrets-not-plaintext"), r, { "lm-secrets-not-plaintext": { secretsVisible: false } })).toEqual([
      "input saslPassword holds what looks like an AWS access key in plain text @ kafka",
    ]);
  });
});

describe("lm-datahub-recipe-env-refs: recipes reference environment variables", () => {
  it("flags a literal token in a recipe", () => {
    const r = change(base, ofType("kubernetes:core/v1:ConfigMap"), (m) => (m.inputs.data["recipe.yml"] = m.inputs.data["recipe.yml"].replace("token: ${DATAHUB_GMS_TOKEN}", "token: abc123")));
    expect(violations(rule("lm-datahub-recipe-env-refs"), r)).toEqual(["recipe recipe.yml: sink.config.token is not an ${ENV} reference @ alpha-datahub-recipe"]);
  });
  it("flags a token variable set inline in the CronJob", () => {
    const r = change(base, ofType("kubernetes:batch/v1:CronJob"), (c) => (c.inputs.spec.jobTemplate.spec.template.spec.containers[0].env[0] = { name: "DATABRICKS_TOKEN", value: "x" }));
    expect(violations(rule("lm-datahub-recipe-env-refs"), r)).toEqual(["container ingest: DATABRICKS_TOKEN is not taken from a secret @ alpha-datahub-ingestion"]);
  });
  it("flags a recipe that is not valid YAML", () => {
    const r = change(base, ofType("kubernetes:core/v1:ConfigMap"), (m) => (m.inputs.data["recipe.yml"] = "source:\n  type: [unclosed"));
    expect(violations(rule("lm-datahub-recipe-env-refs"), r)).toEqual(["recipe recipe.yml is not valid YAML @ alpha-datahub-recipe"]);
  });
});

describe("lm-prod-protect-data-stores: production data stores are protected and retained", () => {
  it("flags an unprotected prod bucket", () => {
    const r = change(base, ofType("aws:s3/bucket:Bucket", "bucket-landing"), (b) => ((b as any).protect = false));
    expect(violations(rule("lm-prod-protect-data-stores"), r)).toEqual(["production Bucket bucket-landing is not protected @ bucket-landing"]);
  });
  it("flags a personal topic not retained on delete", () => {
    const r = change(base, ofType(TOPIC), (t) => ((t as any).retainOnDelete = false));
    expect(violations(rule("lm-prod-protect-data-stores"), r)).toEqual(["production Topic alpha.accounts.v1 is not kept on delete (retainOnDelete) @ alpha.accounts.v1"]);
  });
});

describe("lm-gdpr-registry-complete: the registry lists every personal column", () => {
  it("flags a personal column missing from the registry", () => {
    const r = change(base, (x) => x.type === "pulumi-nodejs:dynamic:Resource" && x.inputs.kind === "rows", (o) => {
      for (const p of o.inputs.create[0].parameters) if (p.name.startsWith("personal_columns_")) p.value = JSON.stringify(JSON.parse(p.value).filter((c: any) => c.name !== "email"));
    });
    expect(violations(rule("lm-gdpr-registry-complete"), r)).toEqual(["personal column alpha.accounts.email is not in the GDPR registry @ governance-gdpr_registry-rows"]);
  });
  it("flags a platform stack that deploys no registry rows", () => {
    const r = base.filter((x) => !(x.type === "pulumi-nodejs:dynamic:Resource" && x.inputs.kind === "rows"));
    expect(violations(rule("lm-gdpr-registry-complete"), r)).toEqual(["the GDPR registry rows are not deployed @ (stack)"]);
  });
});

describe("lm-gdpr-jobs: the platform's GDPR jobs run queued, one at a time, as a service principal, failures mailed", () => {
  const JOB = "databricks:index/job:Job";
  it("flags a missing job", () => {
    const r = structuredClone(base).filter((x) => x.name !== "gdpr-job-retention");
    expect(violations(rule("lm-gdpr-jobs"), r)).toEqual(["the platform has no GDPR retention job @ platform"]);
  });
  it("flags concurrent runs", () => {
    const r = change(base, ofType(JOB, "gdpr-job-erasure"), (j) => (j.inputs.maxConcurrentRuns = 2));
    expect(violations(rule("lm-gdpr-jobs"), r)).toEqual(["GDPR job lakemesh-prod-gdpr-erasure allows 2 concurrent runs; exactly 1 (two runs would conflict on the same tables) @ gdpr-job-erasure"]);
  });
  it("flags a job that does not queue", () => {
    const r = change(base, ofType(JOB, "gdpr-job-erasure"), (j) => delete j.inputs.queue);
    expect(violations(rule("lm-gdpr-jobs"), r)).toEqual(["GDPR job lakemesh-prod-gdpr-erasure does not queue runs: a request arriving during a run would be skipped @ gdpr-job-erasure"]);
  });
  it("flags failures mailed to nobody", () => {
    const r = change(base, ofType(JOB, "gdpr-job-subject-access"), (j) => (j.inputs.emailNotifications.onFailures = []));
    expect(violations(rule("lm-gdpr-jobs"), r)).toEqual(["GDPR job lakemesh-prod-gdpr-subject-access mails its failures to nobody; set lakemesh:notificationEmails @ gdpr-job-subject-access"]);
  });
  it("flags a production job without a service principal to run as, and not a dev one", () => {
    const r = change(base, ofType(JOB, "gdpr-job-retention"), (j) => delete j.inputs.runAs);
    expect(violations(rule("lm-gdpr-jobs"), r)).toEqual(["production GDPR job lakemesh-prod-gdpr-retention runs as whoever deploys it; set lakemesh:databricks.gdprServicePrincipal @ gdpr-job-retention"]);
    expect(violations(rule("lm-gdpr-jobs"), r, { "lm-gdpr-jobs": { prodStackPattern: "^production$" } })).toEqual([]);
  });
});

describe("lm-gdpr-erasure-survival: no copy outlives an erasure request by more than the deadline", () => {
  it("flags copies kept past the deadline by a long VACUUM threshold, with the table", () => {
    const r = change(base, isContract, (f) =>
      editContract(f, (c) => {
        for (const d of c.datasets) d.tableProperties["delta.deletedFileRetentionDuration"] = "interval 30 days";
      }),
    );
    const [v, ...rest] = violations(rule("lm-gdpr-erasure-survival"), r);
    expect(rest).toEqual([]);
    expect(v.split("\n")[0]).toBe(
      "2 copies of personal data can outlive an erasure request by more than 30 days: lakemesh_prod.alpha.bronze_accounts (32.0 d), lakemesh_prod.alpha.accounts (32.0 d)",
    );
    expect(v).toContain("| lakemesh_prod.alpha.accounts | silver | 32.0 | **no** |");
  });
  it("flags personal values kept in Delta statistics", () => {
    const r = change(base, isContract, (f) => editContract(f, (c) => delete c.datasets.find((d: any) => d.name === "accounts").tableProperties["delta.dataSkippingStatsColumns"]));
    expect(violations(rule("lm-gdpr-erasure-survival"), r)[0].split("\n")[0]).toBe(
      "1 copies of personal data can outlive an erasure request by more than 30 days: lakemesh_prod.alpha.accounts/_delta_log (31.0 d)",
    );
  });
});
