import type { PlannedResource } from "../../cli/plan/record";
import { accessReport, type AccountClaim } from "../../lib/access";
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
    expect(violations(rule("lm-dataset-owner-and-contract"), r)).toEqual(["domains/alpha.yaml:7:3: metadata.owner: dataset alpha.accounts has no owner team and contact @ alpha", "domains/alpha.yaml:7:3: metadata.owner: dataset alpha.balances_by_region has no owner team and contact @ alpha"]);
  });
  it("flags a contract version that is not semver", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[1].contract.version = "2"));
    expect(violations(rule("lm-dataset-owner-and-contract"), r)).toEqual(['domains/alpha.yaml:90:18: spec.datasets[1].contract.version: dataset alpha.balances_by_region has no semver contract version (got "2") @ alpha']);
  });
});

describe("lm-personal-column-classified: personal columns have a category and an erasure method", () => {
  it("flags a personal column without erasure", () => {
    const r = change(base, alpha, (d) => delete d.inputs.manifest.spec.datasets[0].columns[2].personalData.erasure);
    expect(violations(rule("lm-personal-column-classified"), r)).toEqual(["domains/alpha.yaml:59:11: spec.datasets[0].columns[2].personalData: personal column alpha.accounts.email has no erasure method (delete or anonymize) @ alpha"]);
  });
  it("flags a personal column without category", () => {
    const r = change(base, alpha, (d) => delete d.inputs.manifest.spec.datasets[0].columns[1].personalData.category);
    expect(violations(rule("lm-personal-column-classified"), r)).toEqual(["domains/alpha.yaml:51:11: spec.datasets[0].columns[1].personalData: personal column alpha.accounts.account_id has no category @ alpha"]);
  });
});

describe("violations about a manifest name its file, line and column, as validate does", () => {
  it("names the domain and the field when the plan recorded no manifest file", () => {
    const r = change(base, alpha, (d) => {
      delete d.inputs.manifestFile;
      delete d.inputs.manifest.spec.datasets[0].columns[2].personalData.erasure;
    });
    expect(violations(rule("lm-personal-column-classified"), r)).toEqual(["alpha: spec.datasets[0].columns[2].personalData: personal column alpha.accounts.email has no erasure method (delete or anonymize) @ alpha"]);
  });
});

describe("lm-tenant-key-present: tenant datasets have a required STRING tenant key", () => {
  it("flags a tenant dataset whose tenant key is optional", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].columns[0].required = false));
    expect(violations(rule("lm-tenant-key-present"), r)).toEqual(["domains/alpha.yaml:42:11: spec.datasets[0].columns[0]: tenant dataset alpha.accounts has no required STRING tenant key column tenant_id @ alpha"]);
  });
});

describe("lm-no-tenant-partitioning: partitioning by tenant needs a reason", () => {
  it("flags partitioning by the tenant key without a reason", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].partitionBy = { columns: ["tenant_id"] }));
    expect(violations(rule("lm-no-tenant-partitioning"), r)).toEqual(["domains/alpha.yaml:23:7: spec.datasets[0].partitionBy: dataset alpha.accounts is partitioned by tenant key tenant_id without a reason of at least 20 characters @ alpha"]);
  });
  it("accepts a stated reason", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].partitionBy = { columns: ["tenant_id"], reason: "Four tenants only, each with billions of rows." }));
    expect(violations(rule("lm-no-tenant-partitioning"), r)).toEqual([]);
  });
});

describe("lm-cross-domain-read-declared: cross-domain reads are declared and published", () => {
  it("flags an undeclared read", () => {
    const r = change(base, ofType(DOMAIN, "beta"), (d) => (d.inputs.manifest.spec.consumers = []));
    expect(violations(rule("lm-cross-domain-read-declared"), r)).toEqual(["domains/beta.yaml:25:13: spec.datasets[0].source.datasets[0]: beta.account_kpis reads alpha.accounts without declaring it in spec.consumers @ beta"]);
  });
  it("flags a read of an unpublished dataset", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].contract.lifecycle = "deprecated"));
    expect(violations(rule("lm-cross-domain-read-declared"), r)).toEqual(["domains/beta.yaml:25:13: spec.datasets[0].source.datasets[0]: beta.account_kpis reads alpha.accounts, which is not published (lifecycle deprecated) @ beta"]);
  });
});

describe("lm-breaking-change-needs-major: a breaking contract change needs a major bump and every consumer's move", () => {
  const withBase = (edit: (m: any) => void): PolicyPackConfig => {
    const manifests = base.filter(alpha).map((r) => structuredClone(r.inputs.manifest)) as any[];
    const others = base.filter((r) => r.type === DOMAIN && !alpha(r)).map((r) => structuredClone(r.inputs.manifest));
    edit(manifests[0]);
    return { "lm-breaking-change-needs-major": { base: { label: "main", manifests: [...manifests, ...others] } } };
  };
  // The base had a column the stack no longer has: the stack removed it.
  const removedNickname = () => withBase((m) => m.spec.datasets[0].columns.push({ name: "nickname", physicalType: "STRING", description: "Nickname." }));
  it("passes when the base is the stack itself", () => {
    expect(violations(rule("lm-breaking-change-needs-major"), base, withBase(() => undefined))).toEqual([]);
  });
  it("flags a removed column without a major bump, and the consumer that did not move", () => {
    expect(violations(rule("lm-breaking-change-needs-major"), base, removedNickname())).toEqual([
      "domains/alpha.yaml:38:18: spec.datasets[0].contract.version: alpha.accounts: 1 consumer(s) have not moved: domain beta (against main) @ alpha",
      "domains/alpha.yaml:38:18: spec.datasets[0].contract.version: alpha.accounts: breaking change without a major version bump (1.0.0 -> 1.0.0): columns.nickname (against main) @ alpha",
    ]);
  });
  it("accepts it with a major bump the consumer accepted", () => {
    const r = change(change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].contract.version = "2.0.0")), ofType(DOMAIN, "beta"), (d) => (d.inputs.manifest.spec.consumers[0].acceptedMajors = { accounts: 2 }));
    expect(violations(rule("lm-breaking-change-needs-major"), r, removedNickname())).toEqual([]);
  });
  it("still flags the consumer when only the major was bumped", () => {
    const r = change(base, alpha, (d) => (d.inputs.manifest.spec.datasets[0].contract.version = "2.0.0"));
    expect(violations(rule("lm-breaking-change-needs-major"), r, removedNickname())).toEqual(["domains/alpha.yaml:38:18: spec.datasets[0].contract.version: alpha.accounts: 1 consumer(s) have not moved: domain beta (against main) @ alpha"]);
  });
});

describe("lm-kafka-pii-retention: personal topics expire within the erasure deadline", () => {
  it("flags a personal topic kept 90 days", () => {
    const r = change(base, ofType(TOPIC), (t) => (t.inputs.config["retention.ms"] = String(90 * 86_400_000)));
    expect(violations(rule("lm-kafka-pii-retention"), r)).toEqual(["domains/alpha.yaml:19:18: spec.topics[0].retention: personal-data topic alpha.accounts.v1 keeps events 90 days; at most 30 days (the erasure deadline) @ alpha.accounts.v1"]);
  });
  it("flags a personal topic kept forever", () => {
    const r = change(base, ofType(TOPIC), (t) => (t.inputs.config["retention.ms"] = "-1"));
    expect(violations(rule("lm-kafka-pii-retention"), r)).toEqual(["domains/alpha.yaml:19:18: spec.topics[0].retention: personal-data topic alpha.accounts.v1 keeps events forever (retention.ms -1) @ alpha.accounts.v1"]);
  });
  it("takes the deadline from config", () => {
    expect(violations(rule("lm-kafka-pii-retention"), base, { "lm-kafka-pii-retention": { maxRetentionMs: 86_400_000 } })).toEqual([
      "domains/alpha.yaml:19:18: spec.topics[0].retention: personal-data topic alpha.accounts.v1 keeps events 7 days; at most 1 days (the erasure deadline) @ alpha.accounts.v1",
    ]);
  });
});

describe("lm-kafka-personal-topic-readers: only the owner's pipeline, or a domain it publishes to, reads a personal topic", () => {
  const id = "lm-kafka-personal-topic-readers";
  const ACL = "kafka:index/acl:Acl";
  const pipelineRead = (r: PlannedResource & { inputs: any }) => r.type === ACL && r.inputs.aclPrincipal === "User:lakemesh-alpha-pipeline" && r.inputs.aclOperation === "Read" && r.inputs.aclResourceType === "Topic";
  const toBeta = (edit: (i: any) => void = () => undefined) => change(base, pipelineRead as any, (r) => {
    r.inputs.aclPrincipal = "User:lakemesh-beta-pipeline";
    edit(r.inputs);
  });
  const publish = (r: PlannedResource[], domain: string) => change(r, alpha, (d) => (d.inputs.manifest.spec.topics[0].publishedTo = [{ domain, purpose: "Fraud checks on account changes." }]));
  it("flags another domain's pipeline reading alpha's personal topic through a prefixed ACL", () => {
    expect(violations(rule(id), toBeta())).toEqual([
      "domains/alpha.yaml:21:21: spec.topics[0].personalData: ACL lets User:lakemesh-beta-pipeline Read personal-data topic alpha.accounts.v1 (Prefixed alpha.); only User:lakemesh-alpha-pipeline may read it (the owner's pipeline and the domains its publishedTo lists) @ alpha-acl-lakemesh-alpha-pipeline-read-topic-alpha.",
    ]);
  });
  it("flags a literal ACL on the topic, a wildcard one and an All one", () => {
    const literal = toBeta((i) => Object.assign(i, { resourcePatternTypeFilter: "Literal", aclResourceName: "alpha.accounts.v1" }));
    expect(violations(rule(id), literal)).toHaveLength(1);
    const wildcard = toBeta((i) => Object.assign(i, { resourcePatternTypeFilter: "Literal", aclResourceName: "*", aclOperation: "All" }));
    expect(violations(rule(id), wildcard)).toEqual([expect.stringContaining("ACL lets User:lakemesh-beta-pipeline All personal-data topic alpha.accounts.v1 (Literal *)")]);
  });
  it("accepts the read once alpha publishes the topic to beta, and only to beta", () => {
    expect(violations(rule(id), publish(toBeta(), "beta"))).toEqual([]);
    expect(violations(rule(id), publish(toBeta(), "gamma"))).toEqual([
      "domains/alpha.yaml:21:21: spec.topics[0].personalData: ACL lets User:lakemesh-beta-pipeline Read personal-data topic alpha.accounts.v1 (Prefixed alpha.); only User:lakemesh-alpha-pipeline, User:lakemesh-gamma-pipeline may read it (the owner's pipeline and the domains its publishedTo lists) @ alpha-acl-lakemesh-alpha-pipeline-read-topic-alpha.",
    ]);
  });
  it("leaves a topic without personal data to the other rules", () => {
    const r = change(toBeta(), alpha, (d) => (d.inputs.manifest.spec.topics[0].personalData = false));
    expect(violations(rule(id), change(r, alpha, (d) => (d.inputs.topics[0].personalData = false)))).toEqual([]);
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
    const r = change(base, ofType("databricks:index/grants:Grants", "alpha-schema-grants"), (g) => (g.inputs.grants.find((x: any) => x.principal === "lakemesh-prod-domain-alpha").privileges = ["ALL_PRIVILEGES"]));
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
    expect(violations(rule("lm-uc-tenant-filter-and-masks"), r)).toEqual(["lakemesh_prod.alpha.accounts has tenant key tenant_id but no row filter; the stack's tenant filter is ROW FILTER `lakemesh_prod`.`governance`.`tenant_filter` ON (`tenant_id`) @ alpha-contract"]);
  });
  it("flags a held dataset's table under the plain tenant filter: every reader would see the rows an erasure restricted (issue 14 item 4)", () => {
    const hold = { obligation: "§147 AO: tax records 10 years", period: "P1Y" };
    const r = change(base, isContract, (f) => editContract(f, (c) => (c.datasets.find((d: any) => d.name === "accounts").legalHold = hold)));
    expect(violations(rule("lm-uc-tenant-filter-and-masks"), r)).toEqual([
      "lakemesh_prod.alpha.accounts has tenant key tenant_id but the row filter \"ROW FILTER `lakemesh_prod`.`governance`.`tenant_filter` ON (`tenant_id`)\"; the stack's legal-hold filter is ROW FILTER `lakemesh_prod`.`governance`.`tenant_filter_held` ON (`tenant_id`, `account_id`) @ alpha-contract",
    ]);
    const fixed = change(r, isContract, (f) => editContract(f, (c) => (c.datasets.find((d: any) => d.name === "accounts").rowFilter = "ROW FILTER `lakemesh_prod`.`governance`.`tenant_filter_held` ON (`tenant_id`, `account_id`)")));
    expect(violations(rule("lm-uc-tenant-filter-and-masks"), fixed)).toEqual([]);
  });
  it("flags a personal column without a mask, even when its comment says MASK", () => {
    const r = change(base, isContract, (f) =>
      editContract(f, (c) => {
        const d = c.datasets.find((x: any) => x.name === "accounts");
        d.schema = d.schema.replace(/`email` STRING COMMENT '[^']*' MASK [^,]*/, "`email` STRING COMMENT 'has a MASK `a`.`b`.`mask_email`'");
      }),
    );
    expect(violations(rule("lm-uc-tenant-filter-and-masks"), r)).toEqual(["lakemesh_prod.alpha.accounts.email holds personal data (email) but has no mask; the stack's mask is MASK `lakemesh_prod`.`governance`.`mask_email` USING COLUMNS (`tenant_id`) @ alpha-contract"]);
  });
});

describe("lm-gdpr-no-fail-on-personal: no fail expectation where personal data reaches a table", () => {
  const failOn = (table: string) => change(base, isContract, (f) => editContract(f, (c) => (c.datasets.find((d: any) => d.name === table).expectations[0].action = "fail")));
  it("flags a fail expectation on a table with personal columns", () => {
    expect(violations(rule("lm-gdpr-no-fail-on-personal"), failOn("accounts"))).toEqual([
      "lakemesh_prod.alpha.accounts (personal columns account_id, email) fails its update on expectation lm__valid_tenant: the failure message would put the offending record into the event log and failure mails; use drop or warn @ alpha-contract",
    ]);
  });
  it("flags a fail expectation on a gold view whose source has personal columns", () => {
    expect(violations(rule("lm-gdpr-no-fail-on-personal"), failOn("balances_by_region"))).toEqual([
      "lakemesh_prod.alpha.balances_by_region (upstream lakemesh_prod.alpha.accounts has personal columns account_id, email) fails its update on expectation lm__valid_tenant: the failure message would put the offending record into the event log and failure mails; use drop or warn @ alpha-contract",
    ]);
  });
});

describe("lm-uc-one-filter-mechanism: no ABAC filter or mask policy on tables that declare their own", () => {
  const abac = (name: string, policyType: string, onSecurableType: string, onSecurableFullname: string): PlannedResource => ({
    urn: `urn:pulumi:prod::lakemesh::databricks:index/policyInfo:PolicyInfo::${name}`,
    type: "databricks:index/policyInfo:PolicyInfo",
    name,
    parent: "",
    dependsOn: [],
    protect: false,
    retainOnDelete: false,
    provider: "",
    custom: true,
    inputs: { name, policyType, onSecurableType, onSecurableFullname, forSecurableType: "TABLE", toPrincipals: ["account users"] },
  });
  it("flags a catalog-level row-filter policy and a schema-level mask policy over declared tables", () => {
    const r = [...base, abac("tenant-rf", "POLICY_TYPE_ROW_FILTER", "CATALOG", "lakemesh_prod"), abac("mask-email", "POLICY_TYPE_COLUMN_MASK", "SCHEMA", "lakemesh_prod.alpha")];
    expect(violations(rule("lm-uc-one-filter-mechanism"), r)).toEqual([
      "ABAC column-mask policy mask-email on schema lakemesh_prod.alpha covers 2 table(s) that declare their own masks (lakemesh_prod.alpha.bronze_accounts, lakemesh_prod.alpha.accounts); every query on them would fail @ mask-email",
      "ABAC row-filter policy tenant-rf on catalog lakemesh_prod covers 5 table(s) that declare their own row filter (lakemesh_prod.alpha.bronze_accounts, lakemesh_prod.alpha.lm__tenant_quarantine, lakemesh_prod.alpha.accounts, and 2 more); every query on them would fail @ tenant-rf",
    ]);
  });
  it("lets a policy on a catalog lakemesh pipelines do not write pass, and ignores GRANT policies", () => {
    const r = [...base, abac("other", "POLICY_TYPE_ROW_FILTER", "CATALOG", "finance"), abac("grant", "POLICY_TYPE_GRANT", "CATALOG", "lakemesh_prod")];
    expect(violations(rule("lm-uc-one-filter-mechanism"), r)).toEqual([]);
  });
});

describe("lm-workspace-code-protected: privileged code lives in a folder only admins can change", () => {
  const PIPELINE = "databricks:index/pipeline:Pipeline";
  const PERMS = "databricks:index/permissions:Permissions";
  it("flags a pipeline whose code and contract are in /Shared", () => {
    const r = change(base, ofType(PIPELINE, "alpha-pipeline"), (p) => {
      p.inputs.libraries[0].file.path = "/Shared/lakemesh/prod/domains/alpha/code/lakemesh_pipeline.py";
      p.inputs.configuration["lakemesh.contract"] = "/Workspace/Shared/lakemesh/prod/domains/alpha/contract.json";
    });
    expect(violations(rule("lm-workspace-code-protected"), r)).toEqual([
      "pipeline lakemesh-prod-alpha runs /Shared/lakemesh/prod/domains/alpha/code/lakemesh_pipeline.py, in /Shared, where every workspace user can change it @ alpha-pipeline",
      "pipeline lakemesh-prod-alpha runs /Shared/lakemesh/prod/domains/alpha/contract.json, in /Shared, where every workspace user can change it @ alpha-pipeline",
    ]);
  });
  it("flags a GDPR job whose notebook is in a user's home folder", () => {
    const r = change(base, ofType("databricks:index/job:Job", "gdpr-job-erasure"), (j) => (j.inputs.tasks[0].notebookTask.notebookPath = "/Users/someone@example.com/erasure"));
    expect(violations(rule("lm-workspace-code-protected"), r)).toEqual(["job lakemesh-prod-gdpr-erasure runs /Users/someone@example.com/erasure, in a /Users folder its owner controls @ gdpr-job-erasure"]);
  });
  it("flags code in a folder without permissions, and in no folder the stack creates", () => {
    const noAcl = base.filter((x) => !(x.type === PERMS && x.name === "alpha-folder-permissions"));
    expect(violations(rule("lm-workspace-code-protected"), noAcl)).toEqual([
      "job lakemesh-prod-alpha-refresh runs /lakemesh/prod/domains/alpha/governance.sql; its folder /lakemesh/prod/domains/alpha has no permissions @ alpha-job",
      "pipeline lakemesh-prod-alpha runs /lakemesh/prod/domains/alpha/code/lakemesh_pipeline.py; its folder /lakemesh/prod/domains/alpha has no permissions @ alpha-pipeline",
      "pipeline lakemesh-prod-alpha runs /lakemesh/prod/domains/alpha/code; its folder /lakemesh/prod/domains/alpha has no permissions @ alpha-pipeline",
      "pipeline lakemesh-prod-alpha runs /lakemesh/prod/domains/alpha/contract.json; its folder /lakemesh/prod/domains/alpha has no permissions @ alpha-pipeline",
    ]);
    const elsewhere = change(base, ofType(PIPELINE, "beta-pipeline"), (p) => (p.inputs.rootPath = "/etl/beta"));
    expect(violations(rule("lm-workspace-code-protected"), elsewhere)).toEqual(["pipeline lakemesh-prod-beta runs /etl/beta, in no folder this stack creates with permissions @ beta-pipeline"]);
  });
  it("flags a folder that lets anyone but the platform admins change the code, or lets all users in", () => {
    const r = change(base, ofType(PERMS, "gdpr-folder-permissions"), (p) =>
      p.inputs.accessControls.push({ groupName: "lakemesh-prod-data-scientists", permissionLevel: "CAN_EDIT" }, { groupName: "users", permissionLevel: "CAN_READ" }),
    );
    expect(violations(rule("lm-workspace-code-protected"), r)).toEqual([
      'folder /lakemesh/prod/gdpr grants CAN_EDIT to "lakemesh-prod-data-scientists"; only platform admins may change code that runs as a privileged principal @ gdpr-folder-permissions',
      'folder /lakemesh/prod/gdpr grants CAN_READ to "users" @ gdpr-folder-permissions',
    ]);
  });
});

describe("lm-uc-policy-functions: the filter and masks use session_user(), and only pipelines hold EXECUTE", () => {
  const FN = "pulumi-nodejs:dynamic:Resource";
  it("flags a filter that identifies the caller with current_user()", () => {
    const r = change(base, ofType(FN, "governance-tenant_filter"), (f) => (f.inputs.create[0].sql = f.inputs.create[0].sql.replace("session_user()", "current_user()")));
    expect(violations(rule("lm-uc-policy-functions"), r)).toEqual(["lakemesh_prod.governance.tenant_filter identifies the caller with current_user(); use session_user() @ governance-tenant_filter"]);
  });
  it("flags the user() alias, but not the words in a comment", () => {
    const r = change(base, ofType(FN, "governance-mask_name"), (f) => (f.inputs.create[0].sql = f.inputs.create[0].sql.replace("session_user()", "user()").replace("COMMENT '", "COMMENT 'current_user() is not used; ")));
    expect(violations(rule("lm-uc-policy-functions"), r)).toEqual(["lakemesh_prod.governance.mask_name identifies the caller with user(); use session_user() @ governance-mask_name"]);
  });
  it("flags EXECUTE on a mask for a reader persona", () => {
    const r = change(base, ofType("databricks:index/grants:Grants", "governance-mask_email-grants"), (g) => g.inputs.grants.push({ principal: "lakemesh-prod-internal-analysts", privileges: ["EXECUTE"] }));
    expect(violations(rule("lm-uc-policy-functions"), r)).toEqual(['lakemesh_prod.governance.mask_email grants EXECUTE to "lakemesh-prod-internal-analysts"; only the pipelines that declare it on tables need it @ governance-mask_email-grants']);
  });
  it("flags a mask of another type than its column (Databricks casts the result back and fails the query)", () => {
    const r = change(base, isContract, (f) =>
      editContract(f, (c) => {
        const d = c.datasets.find((x: any) => x.name === "accounts");
        d.columns.find((x: any) => x.name === "email").type = "DECIMAL(18,2)";
      }),
    );
    expect(violations(rule("lm-uc-tenant-filter-and-masks"), r)).toEqual(["lakemesh_prod.alpha.accounts.email is DECIMAL(18,2) but its mask is mask_email; mask_email_decimal_18_2 takes and returns DECIMAL(18,2) @ alpha-contract"]);
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
    const r = change(base, ofType("aws:kms/key:Key", "kms-uc"), (k) => (k.inputs.enableKeyRotation = false));
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
  it("takes the DataHub chart's secureEnv as names of secret keys, and still flags a plain password beside it", () => {
    const r = change(base, ofType("kubernetes:helm.sh/v3:Release", "datahub"), (d) => (d.inputs.values.global.springKafkaConfigurationOverrides["sasl.password"] = "hunter2hunter2"));
    expect(violations(rule("lm-secrets-not-plaintext"), r)).toEqual(["input values.global.springKafkaConfigurationOverrides.sasl.password holds a plain value; make it a Pulumi secret @ datahub"]);
  });
  it("under the engine (secrets not visible) checks credential formats only", () => {
    const r = change(base, ofType("pulumi:providers:kafka"), (p) => (p.inputs.saslPassword = "AKIAABCDEFGHIJKLMNOP"));
    expect(violations(rule("lm-secrets-not-plaintext"), r, { "lm-secrets-not-plaintext": { secretsVisible: false } })).toEqual([
      "input saslPassword holds what looks like an AWS access key in plain text @ kafka",
    ]);
  });
});

describe("lm-pipeline-secrets-by-name: pipelines name their secrets, they get no {{secrets/}} reference", () => {
  it("flags the subject salt passed as a secret reference in the configuration", () => {
    const r = change(base, ofType("databricks:index/pipeline:Pipeline", "alpha-pipeline"), (p) => (p.inputs.configuration["lakemesh.subject_salt"] = "{{secrets/lakemesh-gdpr/subject-salt}}"));
    expect(violations(rule("lm-pipeline-secrets-by-name"), r)).toEqual([
      "pipeline lakemesh-prod-alpha: configuration.lakemesh.subject_salt holds a secret reference, which pipelines do not resolve; name the scope and key instead @ alpha-pipeline",
    ]);
  });
  it("accepts the reference in a classic cluster's spark.* property, where Databricks substitutes it", () => {
    const r = change(base, ofType("databricks:index/pipeline:Pipeline", "alpha-pipeline"), (p) => (p.inputs.clusters = [{ sparkConf: { "spark.lakemesh.x": "{{secrets/s/k}}", other: "{{secrets/s/k}}" } }]));
    expect(violations(rule("lm-pipeline-secrets-by-name"), r)).toEqual(["pipeline lakemesh-prod-alpha: clusters[0].sparkConf.other holds a secret reference, which pipelines do not resolve; name the scope and key instead @ alpha-pipeline"]);
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

describe("lm-datahub-no-query-text: recipes keep query text out of DataHub", () => {
  const CM = "kubernetes:core/v1:ConfigMap";
  it("flags a recipe that leaves query text at its default (on) and one that turns usage statistics on", () => {
    const r = change(base, ofType(CM), (m) => (m.inputs.data["recipe.yml"] = m.inputs.data["recipe.yml"].replace("    include_queries: false\n", "").replace("include_usage_statistics: false", "include_usage_statistics: true")));
    expect(violations(rule("lm-datahub-no-query-text"), r)).toEqual([
      'recipe recipe.yml: include_queries is "unset (true by default)"; it must be false so query text never reaches DataHub @ alpha-datahub-recipe',
      "recipe recipe.yml: include_usage_statistics is true; it must be false so query text never reaches DataHub @ alpha-datahub-recipe",
    ]);
  });
  it("flags profiling, which samples column values", () => {
    const r = change(base, ofType(CM), (m) => (m.inputs.data["recipe.yml"] = m.inputs.data["recipe.yml"].replace("enabled: false", "enabled: true")));
    expect(violations(rule("lm-datahub-no-query-text"), r)).toEqual(["recipe recipe.yml: profiling is on; it samples column values into DataHub @ alpha-datahub-recipe"]);
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
  it("flags a mask function that could be dropped (every table declaring it would fail closed)", () => {
    const r = change(base, ofType("pulumi-nodejs:dynamic:Resource", "governance-mask_email"), (f) => {
      (f as any).protect = false;
      (f as any).retainOnDelete = false;
    });
    expect(violations(rule("lm-prod-protect-data-stores"), r)).toEqual([
      "production Resource governance-mask_email is not kept on delete (retainOnDelete) @ governance-mask_email",
      "production Resource governance-mask_email is not protected @ governance-mask_email",
    ]);
  });
});

describe("lm-gdpr-registry-complete: the registry lists every personal column", () => {
  it("flags a personal column missing from the registry", () => {
    const r = change(base, (x) => x.type === "pulumi-nodejs:dynamic:Resource" && String(x.inputs.objectName).endsWith("gdpr_registry#rows"), (o) => {
      for (const p of o.inputs.create[0].parameters) if (p.name.startsWith("personal_columns_")) p.value = JSON.stringify(JSON.parse(p.value).filter((c: any) => c.name !== "email"));
    });
    expect(violations(rule("lm-gdpr-registry-complete"), r)).toEqual(["domains/alpha.yaml:59:11: spec.datasets[0].columns[2].personalData: personal column alpha.accounts.email is not in the GDPR registry @ governance-gdpr_registry-rows"]);
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
      "2 copies of personal data can outlive an erasure request by more than 30 days: lakemesh_prod.alpha.bronze_accounts (32.3 d), lakemesh_prod.alpha.accounts (32.3 d)",
    );
    expect(v).toContain("| lakemesh_prod.alpha.accounts | silver | 32.3 | **no** |");
  });
  // Exact values from what is scheduled (issue 13, item 7): erasure within 24 h (REORG PURGE at once), the 168 h
  // threshold, then the first nightly VACUUM after it: the retention job runs daily (0 0 2 * * ?) and up to its 6 h
  // timeout, so 24 + 168 + 24 + 6 h = 222 h = 9.25 days, within 30.
  const tableRows = (r: readonly PlannedResource[], config: object = {}) => {
    const [v] = violations(rule("lm-gdpr-erasure-survival"), r, { "lm-gdpr-erasure-survival": { deadlineDays: 1, ...config } });
    return v.split("\n").filter((l) => /^\| lakemesh_prod\.alpha\.[a-z_]+ \| (bronze|silver|gold) \|/.test(l)).map((l) => l.split(" | ").slice(0, 3).join(" | "));
  };
  it("computes each table's bound from the retention job's schedule and timeout: 9.25 days after a 168 h threshold", () => {
    expect(tableRows(base)).toEqual(["| lakemesh_prod.alpha.bronze_accounts | bronze | 9.3", "| lakemesh_prod.alpha.accounts | silver | 9.3"]);
    const [v] = violations(rule("lm-gdpr-erasure-survival"), base, { "lm-gdpr-erasure-survival": { deadlineDays: 1 } });
    expect(v).toContain("first nightly VACUUM after it (every 24 h, run up to 6 h)");
    expect(v).toContain("erasure job (DELETE or UPDATE, REORG PURGE at once, 24 h)");
  });
  it("follows the retention job: twice a day shortens the wait, a paused or missing job falls back to the assumed interval", () => {
    const retention = ofType("databricks:index/job:Job", "gdpr-job-retention");
    const twice = change(base, retention, (j) => (j.inputs.schedule.quartzCronExpression = "0 0 2,14 * * ?"));
    expect(tableRows(twice)).toEqual(["| lakemesh_prod.alpha.bronze_accounts | bronze | 8.8", "| lakemesh_prod.alpha.accounts | silver | 8.8"]);
    const paused = change(base, retention, (j) => (j.inputs.schedule.pauseStatus = "PAUSED"));
    expect(tableRows(paused, { vacuumIntervalHours: 72 })).toEqual(["| lakemesh_prod.alpha.bronze_accounts | bronze | 11.0", "| lakemesh_prod.alpha.accounts | silver | 11.0"]);
    const weekly = change(base, retention, (j) => (j.inputs.schedule.quartzCronExpression = "0 0 2 ? * SUN"));
    const [v] = violations(rule("lm-gdpr-erasure-survival"), weekly, { "lm-gdpr-erasure-survival": { deadlineDays: 1 } });
    expect(v).toContain("| lakemesh_prod.alpha.accounts | silver | 9.0 |");
  });
  it("flags personal values kept in Delta statistics", () => {
    const r = change(base, isContract, (f) => editContract(f, (c) => delete c.datasets.find((d: any) => d.name === "accounts").tableProperties["delta.dataSkippingStatsColumns"]));
    expect(violations(rule("lm-gdpr-erasure-survival"), r)[0].split("\n")[0]).toBe(
      "1 copies of personal data can outlive an erasure request by more than 30 days: lakemesh_prod.alpha.accounts/_delta_log (31.0 d)",
    );
  });
});

describe("lm-gdpr-erasure-survival: legal holds are listed apart, exempt from the deadline (issue 14 item 4)", () => {
  const plan = () => change(base, isContract, (f) => editContract(f, (c) => (c.datasets.find((d: any) => d.name === "accounts").legalHold = { obligation: "§147 AO: tax records 10 years", period: "P10Y" })));
  it("does not count a ten-year hold against the 30 days, and lists its rows and the restriction list apart", async () => {
    const held = plan();
    expect(violations(rule("lm-gdpr-erasure-survival"), held)).toEqual([]);
    const { survivalRows, SURVIVAL_DEFAULTS } = await import("../../policies/rules/gdpr/lm-gdpr-erasure-survival");
    const rows = survivalRows(held.map((r) => ({ type: r.type, props: r.inputs, urn: r.urn })) as any, SURVIVAL_DEFAULTS);
    expect(rows.filter((r) => r.kind === "legal-hold").map((r) => [r.copy, (r.survivalMs / 86_400_000).toFixed(2)])).toEqual([
      // 10 years (3650 days) + the 168 h threshold + the next nightly VACUUM (24 h, run up to 6 h).
      ["lakemesh_prod.alpha.accounts (restricted rows)", "3658.25"],
      ["lakemesh_prod.governance.erasure_restrictions (alpha)", "3658.25"],
    ]);
    // Without the hold there are no such rows: the two come from the hold alone.
    expect(survivalRows(base.map((r) => ({ type: r.type, props: r.inputs, urn: r.urn })) as any, SURVIVAL_DEFAULTS).filter((r) => r.kind === "legal-hold")).toEqual([]);
  });
  it("prints them in a table of their own after the deadline's table, and still holds every other copy to the deadline", () => {
    const [v] = violations(rule("lm-gdpr-erasure-survival"), plan(), { "lm-gdpr-erasure-survival": { deadlineDays: 1 } });
    expect(v.split("\n")[0]).toContain("lakemesh_prod.alpha.accounts (9.3 d)");
    expect(v.split("\n")[0]).not.toContain("restricted rows");
    const apart = v.split("Legal holds (exempt from the erasure deadline")[1];
    expect(apart).toContain("| lakemesh_prod.alpha.accounts (restricted rows) | legal-hold | 3658.3 | §147 AO: tax records 10 years: restricted, not erased, for P10Y on updated_at;");
    expect(v.split("Legal holds (exempt")[0]).not.toContain("legal-hold");
  });
});

describe("lm-gdpr-erasure-survival: subject-access exports (issue 13 item 5)", () => {
  const settingsFile = ofType("databricks:index/workspaceFile:WorkspaceFile", "gdpr-settings");
  it("lists the exports with their bound in the table the rule prints", async () => {
    const { survivalRows, SURVIVAL_DEFAULTS } = await import("../../policies/rules/gdpr/lm-gdpr-erasure-survival");
    const rows = survivalRows(base.map((r) => ({ type: r.type, props: r.inputs, urn: r.urn })) as any, SURVIVAL_DEFAULTS);
    expect(rows.filter((r) => r.kind === "export")).toEqual([
      {
        copy: "/Volumes/lakemesh_prod/governance/gdpr_exports/<request>",
        kind: "export",
        survivalMs: 24 * 3_600_000,
        how: "deleted by the erasure job with the subject's other data; every export deleted by the nightly retention job after 7 days (at most 8.0 days old)",
      },
    ]);
  });
  it("flags a settings file that keeps exports without a retention", () => {
    const r = change(base, settingsFile, (f) => editFile(f, (t) => JSON.stringify({ ...JSON.parse(t), export_retention_days: undefined })));
    expect(violations(rule("lm-gdpr-erasure-survival"), r)[0].split("\n")[0]).toBe(
      "1 copies of personal data can outlive an erasure request by more than 30 days: /Volumes/lakemesh_prod/governance/gdpr_exports/<request> (Infinity d)",
    );
  });
});

describe("lm-personas-read-only: nobody but platform admins writes the salt fingerprint (issue 13 item 4)", () => {
  it("flags the GDPR officers' group granted MODIFY on it", () => {
    const r = change(base, ofType("databricks:index/grants:Grants", "governance-salt_fingerprint-grants"), (g) => g.inputs.grants.push({ principal: "lakemesh-prod-gdpr-officers", privileges: ["MODIFY", "SELECT"] }));
    expect(violations(rule("lm-personas-read-only"), r)).toEqual(["persona gdpr_officer (lakemesh-prod-gdpr-officers) can change rows (MODIFY) of 1 table(s): lakemesh_prod.governance.salt_fingerprint; via governance-salt_fingerprint-grants @ (stack)"]);
  });
});

describe("lm-job-secrets-by-name: jobs and the GDPR settings file name their secrets (issue 13 item 4)", () => {
  const id = "lm-job-secrets-by-name";
  it("flags the salt passed to a GDPR job as a secret reference in a parameter", () => {
    const r = change(base, ofType("databricks:index/job:Job", "gdpr-job-erasure"), (j) => j.inputs.parameters.push({ name: "salt", default: "{{secrets/lakemesh-gdpr/subject-salt}}" }));
    expect(violations(rule(id), r)).toEqual([
      "job lakemesh-prod-gdpr-erasure: parameters[1].default holds a {{secrets/...}} reference, which Databricks does not resolve there; name the scope and key and read the secret in code @ gdpr-job-erasure",
    ]);
  });
  it("flags a reference in the GDPR settings file", () => {
    const r = change(base, ofType("databricks:index/workspaceFile:WorkspaceFile", "gdpr-settings"), (f) => editFile(f, (t) => t.replace('"salt_secret_key": "subject-salt"', '"salt_secret_key": "{{secrets/lakemesh-gdpr/subject-salt}}"')));
    expect(violations(rule(id), r)).toEqual([
      "GDPR settings file /lakemesh/prod/gdpr/lakemesh_gdpr_settings.json: content holds a {{secrets/...}} reference, which Databricks does not resolve there; name the scope and key and read the secret in code @ gdpr-settings",
    ]);
  });
  it("accepts a reference in a job cluster's spark.* property, where Databricks substitutes it", () => {
    const r = change(base, ofType("databricks:index/job:Job", "gdpr-job-erasure"), (j) => (j.inputs.jobClusters = [{ newCluster: { sparkConf: { "spark.lakemesh.x": "{{secrets/s/k}}" }, sparkEnvVars: { X: "{{secrets/s/k}}" } } }]));
    expect(violations(rule(id), r)).toEqual([]);
  });
});

// The access rules. Names of the fixture's principals: the domains' own, and the platform's.
const ALPHA_SP = "a1a1a1a1-0000-4000-8000-00000000a001";
const BETA_SP = "b2b2b2b2-0000-4000-8000-00000000b002";
const GDPR_SP = "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c01";
// The serving tenant principals' application ids in the offline plan (the mocks derive them from the resource names).
const [TP1, TP2, TP3] = ["e6d9bd70-2cbc-409c-8da6-6932fc82e890", "625bcbb4-d609-44f5-8dc2-77274da4e0aa", "35b8b19d-1d1a-4dd5-8fae-b484b97a474d"];
const TENANT_PRINCIPALS = [["tenant-01", TP1], ["tenant-02", TP2], ["tenant-03", TP3]] as const;
const DATAHUB_SP = "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c02";
const PERMISSIONS = "databricks:index/permissions:Permissions";
const MEMBERSHIP = "lakemesh:access:GroupMembership";
const RULE_SET = "databricks:index/accessControlRuleSet:AccessControlRuleSet";
const SQL_OBJECT = "pulumi-nodejs:dynamic:Resource";
const IDENTITIES = "lakemesh:access:Identities";
const editFile = (r: any, edit: (text: string) => string) => {
  r.inputs.contentBase64 = Buffer.from(edit(Buffer.from(r.inputs.contentBase64, "base64").toString("utf8"))).toString("base64");
};
/** Drops resources (and their children) from a copy of the baseline. */
const without = (rs: readonly PlannedResource[], drop: (r: PlannedResource) => boolean) => {
  const gone = new Set(rs.filter(drop).map((r) => r.urn));
  return structuredClone(rs).filter((r) => !gone.has(r.urn) && !gone.has(r.parent));
};

describe("lm-workload-privileges: every workload holds what its actions need", () => {
  const id = "lm-workload-privileges";
  it("flags a domain principal without CAN_USE on the warehouse its governance SQL runs on (finding 1)", () => {
    const r = change(base, ofType(PERMISSIONS, "warehouse-permissions"), (p) => (p.inputs.accessControls = p.inputs.accessControls.filter((a: any) => a.servicePrincipalName !== ALPHA_SP)));
    expect(violations(rule(id), r)).toEqual([`job alpha (${ALPHA_SP}) cannot run its governance SQL on the SQL warehouse: missing CAN_USE on warehouse offline-warehouse-id @ alpha-job`]);
  });
  it("flags a job that may not start its pipeline (no CAN_RUN in the pipeline's ACL; finding 1)", () => {
    const r = change(base, ofType(PERMISSIONS, "alpha-pipeline-permissions"), (p) => (p.inputs.accessControls = p.inputs.accessControls.filter((a: any) => a.servicePrincipalName !== ALPHA_SP)));
    expect(violations(rule(id), r)).toEqual([`job alpha (${ALPHA_SP}) cannot start an update of its pipeline: missing CAN_RUN on pipeline alpha-pipeline-id @ alpha-job`]);
  });
  it("flags a domain pipeline the GDPR erasure may not start to verify an erasure (no CAN_RUN for its principal)", () => {
    const r = change(base, ofType(PERMISSIONS, "alpha-pipeline-permissions"), (p) => (p.inputs.accessControls = p.inputs.accessControls.filter((a: any) => a.servicePrincipalName !== GDPR_SP)));
    expect(violations(rule(id), r)).toEqual([`gdpr erasure (${GDPR_SP}) cannot start an update of pipeline lakemesh-prod-alpha to verify an erasure: missing CAN_RUN on pipeline alpha-pipeline-id @ gdpr-job-erasure`]);
  });
  it("counts CAN_VIEW as too little to start an update", () => {
    const r = change(base, ofType(PERMISSIONS, "alpha-pipeline-permissions"), (p) => (p.inputs.accessControls.find((a: any) => a.servicePrincipalName === ALPHA_SP).permissionLevel = "CAN_VIEW"));
    expect(violations(rule(id), r)).toEqual([`job alpha (${ALPHA_SP}) cannot start an update of its pipeline: missing CAN_RUN on pipeline alpha-pipeline-id @ alpha-job`]);
  });
  it("flags a governed tag the domain jobs may not assign (no ASSIGN; finding 1)", () => {
    const r = change(base, ofType(RULE_SET, "tag-policy-pii-permissions"), (p) => (p.inputs.grantRules = p.inputs.grantRules.filter((g: any) => g.role !== "roles/tagPolicy.assigner")));
    expect(violations(rule(id), r)).toEqual([`job alpha (${ALPHA_SP}) cannot assign governed tag pii: missing ASSIGN on governed tag pii (email, free_text, identifier) @ alpha-job`]);
  });
  it("flags a tag value the governed tag does not allow", () => {
    const r = change(base, ofType("databricks:index/tagPolicy:TagPolicy", "tag-policy-retention"), (p) => (p.inputs.values = [{ name: "P10Y" }]));
    expect(violations(rule(id), r)).toEqual([`job alpha (${ALPHA_SP}) cannot assign governed tag retention: missing ASSIGN on governed tag retention (P1Y) @ alpha-job`]);
  });
  it("flags a pipeline that runs as the deployer (finding 2)", () => {
    const r = change(base, ofType("databricks:index/pipeline:Pipeline", "alpha-pipeline"), (p) => delete p.inputs.runAs);
    // The deployer is no workload principal: it is in none of the groups the pipeline needs (it owns the tables it
    // created, so it could read the suppression list).
    expect(violations(rule(id), r).map((v) => v.split(": missing ")[0])).toEqual([
      // Its code folder is readable by the domain principal only (finding 6).
      "pipeline alpha (deployer) cannot read its code in /lakemesh/prod/domains/alpha/code",
      "pipeline alpha (deployer) cannot read secrets in scope lakemesh-gdpr",
      "pipeline alpha (deployer) cannot read secrets in scope lakemesh-kafka-alpha",
      "pipeline alpha (deployer) cannot run as the deployer (no run-as service principal)",
      "pipeline alpha (deployer) cannot store unfiltered, unmasked rows (4 functions)",
    ]);
    expect(violations(rule(id), r)).toContain("pipeline alpha (deployer) cannot run as the deployer (no run-as service principal): missing a service principal to run as (not the deployer) @ alpha-pipeline");
  });
  it("flags a run-as principal the deployer may not set (no Service Principal User prerequisite; finding 2)", () => {
    const r = change(base, ofType(IDENTITIES), (i) => (i.inputs.prerequisites = i.inputs.prerequisites.filter((p: any) => p.id !== `servicePrincipal.user:${ALPHA_SP}`)));
    expect(violations(rule(id), r)).toEqual([`deployer (deployer) cannot set alpha-job, alpha-pipeline to run as ${ALPHA_SP}: missing role servicePrincipal.user on ${ALPHA_SP} @ (stack)`]);
  });
  it("flags a pipeline principal outside the groups the filter and masks reveal to (finding 3)", () => {
    const r = without(base, (x) => x.type === MEMBERSHIP && x.inputs.group === "lakemesh-prod-pipelines" && x.inputs.member === ALPHA_SP);
    expect(violations(rule(id), r)).toEqual([
      `job alpha (${ALPHA_SP}) cannot assign governed tag data_domain: missing ASSIGN on governed tag data_domain (alpha) @ alpha-job`,
      `job alpha (${ALPHA_SP}) cannot assign governed tag pii: missing ASSIGN on governed tag pii (email, free_text, identifier) @ alpha-job`,
      `job alpha (${ALPHA_SP}) cannot assign governed tag retention: missing ASSIGN on governed tag retention (P1Y) @ alpha-job`,
      `job alpha (${ALPHA_SP}) cannot assign governed tag tenant_key: missing ASSIGN on governed tag tenant_key (true) @ alpha-job`,
      // EXECUTE on the filter and masks goes to the pipelines group only (finding 9).
      `pipeline alpha (${ALPHA_SP}) cannot declare its row filter and masks (4 functions): missing EXECUTE on function lakemesh_prod.governance.mask_email; EXECUTE on function lakemesh_prod.governance.mask_free_text; EXECUTE on function lakemesh_prod.governance.mask_identifier; EXECUTE on function lakemesh_prod.governance.tenant_filter @ alpha-pipeline`,
      `pipeline alpha (${ALPHA_SP}) cannot read secrets in scope lakemesh-gdpr: missing READ on secret-scope lakemesh-gdpr @ alpha-pipeline`,
      // Its Kafka scope is read by the domain principal itself, not through the group.
      `pipeline alpha (${ALPHA_SP}) cannot read the erasure suppression list: missing SELECT on table lakemesh_prod.governance.erasure_suppression @ alpha-pipeline`,
      // So is the salt's fingerprint, checked before any event lands (issue 13 item 4).
      `pipeline alpha (${ALPHA_SP}) cannot read the salt fingerprint: missing SELECT on table lakemesh_prod.governance.salt_fingerprint @ alpha-pipeline`,
      expect.stringMatching(new RegExp(`^pipeline alpha \\(${ALPHA_SP}\\) cannot store unfiltered, unmasked rows \\(4 functions\\): missing member of lakemesh-prod-gdpr-officers or lakemesh-prod-pipelines \\(lakemesh_prod.governance.mask_email\\); `)),
    ]);
  });
  it("does not count a membership managed through a workspace-level provider (account groups are managed at the account)", () => {
    const workspaceProvider = base.find((x) => x.type === "pulumi:providers:databricks" && x.name === "databricks")!.urn;
    const membership = base.find((x) => x.type === MEMBERSHIP && x.inputs.group === "lakemesh-prod-gdpr-officers")!;
    const r = change(base, (x) => x.type === "databricks:index/groupMember:GroupMember" && x.parent === membership.urn, (m) => ((m as { provider: string }).provider = workspaceProvider));
    const v = violations(rule(id), r);
    expect(v.map((x) => x.split(": missing ")[0])).toEqual(
      [
        ["erasure", ["delete the subject's exports in /Volumes/lakemesh_prod/governance/gdpr_exports", "read and change the 2 registered tables of lakemesh_prod.alpha", "read the GDPR registry", "see every row and clear value (4 functions)", "use governance table audit_log", "use governance table erasure_restrictions", "use governance table erasure_suppression", "use governance table gdpr_control", "use governance table gdpr_request_inbox", "use governance table gdpr_requests", "use governance table salt_fingerprint", "use governance table tenant_principals"]],
        ["retention", ["delete expired exports in /Volumes/lakemesh_prod/governance/gdpr_exports", "read and change the 2 registered tables of lakemesh_prod.alpha", "read the GDPR registry", "see every row and clear value (4 functions)", "use governance table audit_log", "use governance table erasure_restrictions", "use governance table gdpr_control", "use governance table gdpr_request_inbox", "use governance table gdpr_requests"]],
        ["subject-access", ["read the 2 registered tables of lakemesh_prod.alpha", "read the GDPR registry", "see every row and clear value (4 functions)", "use governance table audit_log", "use governance table gdpr_control", "use governance table gdpr_request_inbox", "use governance table gdpr_requests", "use governance table salt_fingerprint", "use governance table tenant_principals", "write exports to /Volumes/lakemesh_prod/governance/gdpr_exports"]],
      ].flatMap(([kind, actions]) => (actions as string[]).map((a) => `gdpr ${kind} (${GDPR_SP}) cannot ${a}`)),
    );
    // The salt is read through the principal's own secret ACL now, not the officers' group (issue 15, item 11).
    expect(v.some((x) => x.includes("cannot read the subject salt"))).toBe(false);
  });
  it("flags DataHub's principal without grants in the authoritative catalog Grants (finding 8)", () => {
    const r = change(base, ofType("databricks:index/grants:Grants", "catalog-grants"), (g) => (g.inputs.grants = g.inputs.grants.filter((x: any) => x.principal !== DATAHUB_SP)));
    expect(violations(rule(id), r)).toEqual([
      `datahub lakemesh-prod-alpha (${DATAHUB_SP}) cannot list the metadata of lakemesh_prod.alpha: missing USE_CATALOG on catalog lakemesh_prod; BROWSE on schema lakemesh_prod.alpha @ alpha-datahub-recipe`,
      `datahub lakemesh-prod-beta (${DATAHUB_SP}) cannot list the metadata of lakemesh_prod.beta: missing USE_CATALOG on catalog lakemesh_prod; BROWSE on schema lakemesh_prod.beta @ beta-datahub-recipe`,
    ]);
  });
  it("reads grants the governance SQL applies: a consumer whose GRANT is gone cannot read", () => {
    const r = change(base, (x) => x.name === "alpha-governance-sql", (f) => editFile(f, (t) => t.replace(/^GRANT SELECT ON TABLE `lakemesh_prod`.`alpha`.`accounts` TO `lakemesh-prod-domain-beta`;\n/m, "")));
    expect(violations(rule(id), r)).toEqual([`pipeline beta (${BETA_SP}) cannot read lakemesh_prod.alpha.accounts: missing SELECT on table lakemesh_prod.alpha.accounts @ beta-pipeline`]);
  });
  it("flags a pipeline whose Kafka secret scope its principal may not read (the stack creates the scope ACL; finding 7)", () => {
    const r = without(base, (x) => x.type === "databricks:index/secretAcl:SecretAcl" && x.inputs.scope === "lakemesh-kafka-alpha" && x.inputs.principal === ALPHA_SP);
    expect(violations(rule(id), r)).toEqual([`pipeline alpha (${ALPHA_SP}) cannot read secrets in scope lakemesh-kafka-alpha: missing READ on secret-scope lakemesh-kafka-alpha @ alpha-pipeline`]);
  });
  it("flags a domain principal that may not read its code folder, and a GDPR principal that may not read its notebooks (finding 6)", () => {
    const dropReader = (sp: string) => (p: any) => (p.inputs.accessControls = p.inputs.accessControls.filter((a: any) => a.servicePrincipalName !== sp));
    const domain = change(base, (x) => x.type === PERMISSIONS && x.inputs.directoryPath === "/lakemesh/prod/domains/alpha", dropReader(ALPHA_SP));
    expect(violations(rule(id), domain)).toEqual([
      `job alpha (${ALPHA_SP}) cannot read /lakemesh/prod/domains/alpha/governance.sql: missing CAN_READ on file /lakemesh/prod/domains/alpha/governance.sql @ alpha-job`,
      `pipeline alpha (${ALPHA_SP}) cannot read its code in /lakemesh/prod/domains/alpha/code: missing CAN_READ on directory /lakemesh/prod/domains/alpha/code @ alpha-pipeline`,
    ]);
    const gdpr = change(base, (x) => x.type === PERMISSIONS && x.inputs.directoryPath === "/lakemesh/prod/gdpr", dropReader(GDPR_SP));
    expect(violations(rule(id), gdpr)).toEqual(
      [
        ["erasure", "erasure", "erasure"],
        ["retention", "retention", "retention"],
        ["subject-access", "subject_access", "subject-access"],
      ].flatMap(([kind, notebook, job]) => [
        `gdpr ${kind} (${GDPR_SP}) cannot read its notebook /lakemesh/prod/gdpr/${notebook}: missing CAN_READ on notebook /lakemesh/prod/gdpr/${notebook} @ gdpr-job-${job}`,
        // The settings file beside the module: a job that cannot read it refuses to run.
        `gdpr ${kind} (${GDPR_SP}) cannot read its settings /lakemesh/prod/gdpr/lakemesh_gdpr_settings.json: missing CAN_READ on file /lakemesh/prod/gdpr/lakemesh_gdpr_settings.json @ gdpr-job-${job}`,
      ]),
    );
  });
  it("flags a plan that declares no identities", () => {
    expect(violations(rule(id), without(base, (x) => x.type === IDENTITIES))).toEqual(["the plan declares no identities (lakemesh:access:Identities): nothing says which principal runs what @ (stack)"]);
  });
  it("reads an access control entry as the real provider previews it: the unset names are empty strings", () => {
    // The real engine's preview hands stack policies { groupName: "", servicePrincipalName: "<id>", userName: "" }.
    const filled = (a: any) => ({ groupName: "", servicePrincipalName: "", userName: "", ...a });
    let r = base;
    for (const p of r.filter((x) => x.type === PERMISSIONS)) r = change(r, (x) => x.urn === p.urn, (x) => (x.inputs.accessControls = x.inputs.accessControls.map(filled)));
    r = change(r, ofType("databricks:index/pipeline:Pipeline", "alpha-pipeline"), (p) => (p.inputs.runAs = { ...p.inputs.runAs, userName: "" }));
    expect(violations(rule(id), r)).toEqual([]);
    // And still finds a missing entry among them.
    const missing = change(r, ofType(PERMISSIONS, "alpha-pipeline-permissions"), (p) => (p.inputs.accessControls = p.inputs.accessControls.filter((a: any) => a.servicePrincipalName !== ALPHA_SP)));
    expect(violations(rule(id), missing)).toEqual([`job alpha (${ALPHA_SP}) cannot start an update of its pipeline: missing CAN_RUN on pipeline alpha-pipeline-id @ alpha-job`]);
  });
});

/**
 * A targeted `pulumi up` (--target) hands stack policies every resource it leaves out and has not created with no
 * properties at all (seen with the real engine, test/engine/kafka-deploy.test.ts): here, a Kafka-only update of the
 * domains, leaving the identities, Databricks and everything else out.
 */
describe("stack rules under a targeted update that leaves the identities out", () => {
  const KAFKA = /^(kafka:|lakemesh:domain:DataDomain$|pulumi:)/;
  const leftOut = (rs: readonly PlannedResource[], keep: (r: PlannedResource) => boolean) =>
    structuredClone(rs).map((r) => (keep(r) ? r : { ...r, inputs: {}, outputs: undefined }));
  const kafkaOnly = (rs: readonly PlannedResource[]) => leftOut(rs, (r) => KAFKA.test(r.type));
  it.each(["lm-workload-privileges", "lm-uc-tenant-filter-and-masks"])("%s checks nothing the update does not deploy", (id) => {
    expect(violations(rule(id), kafkaOnly(base))).toEqual([]);
  });
  it("lm-workload-privileges refuses an update that deploys a workload without the identities", () => {
    const r = leftOut(base, (x) => KAFKA.test(x.type) || x.name === "alpha-job");
    expect(violations(rule("lm-workload-privileges"), r)).toEqual([
      "this targeted update deploys what workloads need privileges for (job alpha, deployer) but leaves out the stack's identities (lakemesh:access:Identities): target them too, so the privileges can be checked @ (stack)",
    ]);
  });
  it("lm-uc-tenant-filter-and-masks refuses an update that deploys a contract without the identities", () => {
    const r = leftOut(base, (x) => KAFKA.test(x.type) || isContract(x));
    expect(violations(rule("lm-uc-tenant-filter-and-masks"), r)).toEqual([
      "this targeted update deploys alpha-contract but leaves out the stack's identities (lakemesh:access:Identities) and so its catalog: target them too, so its filter and masks can be checked @ alpha-contract",
    ]);
  });
});

describe("lm-tenant-isolation: no unfiltered tenant read, no clear personal value beyond the manifest", () => {
  const id = "lm-tenant-isolation";
  const CLIENT_ADMINS = "lakemesh-prod-client-admins";
  // The per-table filter and masks are the one mechanism (no ABAC policies: finding 5); client admins are given the accounts
  // dataset (USE SCHEMA and the governance SQL's GRANT), so a tenant-scoped persona reads something to break.
  let readers: PlannedResource[];
  beforeAll(() => {
    const schema = change(base, ofType("databricks:index/grants:Grants", "alpha-schema-grants"), (g) => g.inputs.grants.push({ principal: CLIENT_ADMINS, privileges: ["USE_SCHEMA"] }));
    readers = change(schema, (x) => x.name === "alpha-governance-sql", (f) =>
      editFile(f, (t) => t.replace(`REVOKE SELECT ON TABLE \`lakemesh_prod\`.\`alpha\`.\`accounts\` FROM \`${CLIENT_ADMINS}\`;`, `GRANT SELECT ON TABLE \`lakemesh_prod\`.\`alpha\`.\`accounts\` TO \`${CLIENT_ADMINS}\`;`)),
    );
    readers = change(readers, (x) => x.type === DOMAIN && x.name === "alpha", (d) => d.inputs.manifest.spec.datasets.find((x: any) => x.name === "accounts").access.push("client_admin"));
    const row = accessReport(readers).visibility.find((v) => v.persona === "client_admin" && v.dataset === "lakemesh_prod.alpha.accounts")!;
    expect([row.rows, row.columns]).toEqual(["own tenant", { account_id: "clear (own tenant)", email: "clear (own tenant)" }]);
    expect(violations(rule(id), readers)).toEqual([]);
  });
  const filterSql = (x: PlannedResource) => x.type === SQL_OBJECT && x.inputs.objectName === "lakemesh_prod.governance.tenant_filter";
  it("flags a tenant-scoped persona in a group the row filter reveals every tenant to", () => {
    const r = change(readers, filterSql, (f) => (f.inputs.create[0].sql = f.inputs.create[0].sql.replace("RETURN ", `RETURN is_account_group_member('${CLIENT_ADMINS}') OR `)));
    expect(violations(rule(id), r)).toEqual([
      `tenant-scoped persona client_admin (${CLIENT_ADMINS}) reads every tenant's rows of lakemesh_prod.alpha.accounts: SELECT via alpha-job (governance SQL); tenant_filter reveals to ${CLIENT_ADMINS} @ (stack)`,
    ]);
  });
  it("flags a tenant table published without the row filter", () => {
    const r = change(readers, isContract, (f) => editContract(f, (c) => (c.datasets.find((d: any) => d.name === "accounts").rowFilter = null)));
    expect(violations(rule(id), r)).toEqual([`tenant-scoped persona client_admin (${CLIENT_ADMINS}) reads every tenant's rows of lakemesh_prod.alpha.accounts: SELECT via alpha-job (governance SQL); no row filter @ (stack)`]);
  });
  // A governance table declares its row filter in its CREATE statement; the model reads it from that SQL.
  const intake = (x: PlannedResource) => x.type === SQL_OBJECT && x.inputs.objectName === "lakemesh_prod.governance.serving_gdpr_requests";
  it("reads the serving GDPR intake table's row filter from its CREATE statement, and flags the table without it", () => {
    const api = (r: PlannedResource[]) => accessReport(r).visibility.find((v) => v.persona === "api_service" && v.dataset === "lakemesh_prod.governance.serving_gdpr_requests")!;
    expect([api(readers).rows, api(readers).how]).toEqual(["own tenant", "SELECT via governance-serving_gdpr_requests-grants; tenant_filter"]);
    const r = change(readers, intake, (f) => (f.inputs.create[0].sql = f.inputs.create[0].sql.replace(/^WITH ROW FILTER .*\n/m, "")));
    expect(api(r).rows).toBe("all");
    expect(violations(rule(id), r)).toEqual([
      "tenant-scoped persona api_service (lakemesh-prod-api-service) reads every tenant's rows of lakemesh_prod.governance.serving_gdpr_requests: SELECT via governance-serving_gdpr_requests-grants; no row filter @ (stack)",
      // and every tenant principal, through the API group
      ...TENANT_PRINCIPALS.map(([t, sp]) => `tenant-scoped tenant principal ${t} (${sp}) reads every tenant's rows of lakemesh_prod.governance.serving_gdpr_requests: SELECT via governance-serving_gdpr_requests-grants + serving-tenant-${t}-member-lakemesh-prod-api-service; no row filter @ (stack)`),
    ]);
  });
  it("flags a personal column without its mask", () => {
    const r = change(readers, isContract, (f) => editContract(f, (c) => delete c.datasets.find((d: any) => d.name === "accounts").columns.find((x: any) => x.name === "email").mask));
    expect(violations(rule(id), r)).toEqual([
      `persona client_admin (${CLIENT_ADMINS}) sees personal columns of lakemesh_prod.alpha.accounts in clear: email (clear) @ (stack)`,
      "persona internal_analyst (lakemesh-prod-internal-analysts) sees personal columns of lakemesh_prod.alpha.accounts in clear: email (clear) @ (stack)",
      "persona platform_admin (lakemesh-prod-platform-admins) sees personal columns of lakemesh_prod.alpha.accounts in clear: email (clear) @ (stack)",
    ]);
  });
  it("flags a mask that reveals clear values to an internal persona", () => {
    const r = change(readers, (x) => x.type === SQL_OBJECT && x.inputs.objectName === "lakemesh_prod.governance.mask_email", (f) => (f.inputs.create[0].sql = f.inputs.create[0].sql.replace("WHEN ", "WHEN is_account_group_member('lakemesh-prod-internal-analysts') OR ")));
    expect(violations(rule(id), r)).toEqual(["persona internal_analyst (lakemesh-prod-internal-analysts) sees personal columns of lakemesh_prod.alpha.accounts in clear: email (clear) @ (stack)"]);
  });
  it("flags a reader persona granted a dataset its manifest does not list", () => {
    const r = change(readers, (x) => x.name === "alpha-governance-sql", (f) =>
      editFile(f, (t) => t.replace("REVOKE SELECT ON TABLE `lakemesh_prod`.`alpha`.`bronze_accounts` FROM `lakemesh-prod-internal-analysts`;", "GRANT SELECT ON TABLE `lakemesh_prod`.`alpha`.`bronze_accounts` TO `lakemesh-prod-internal-analysts`;")),
    );
    expect(violations(rule(id), r)).toEqual([
      "persona internal_analyst (lakemesh-prod-internal-analysts) reads lakemesh_prod.alpha.bronze_accounts, which its manifest does not grant it: SELECT via alpha-job (governance SQL); tenant_filter reveals to lakemesh-prod-internal-analysts @ (stack)",
    ]);
  });
  it("flags a row filter that lets a principal mapped to two tenants see both (issue 15, item 11)", () => {
    const r = change(readers, filterSql, (f) => (f.inputs.create[0].sql = f.inputs.create[0].sql.replace(/\n\s*AND NOT EXISTS \([\s\S]*?AS other[\s\S]*?\n {4}\)/, "")));
    expect(JSON.stringify(r.find(filterSql)!.inputs)).not.toContain("NOT EXISTS");
    // The serving API's GDPR intake table and the GDPR request inbox declare the same filter, so their readers are
    // exposed alike.
    expect(violations(rule(id), r)).toEqual([
      "persona api_service (lakemesh-prod-api-service) reads lakemesh_prod.governance.gdpr_request_inbox for every tenant a principal is mapped to, not only while it is mapped to one: SELECT via governance-gdpr_request_inbox-grants; tenant_filter lets a principal mapped to several tenants see each of them @ (stack)",
      "persona api_service (lakemesh-prod-api-service) reads lakemesh_prod.governance.serving_gdpr_requests for every tenant a principal is mapped to, not only while it is mapped to one: SELECT via governance-serving_gdpr_requests-grants; tenant_filter lets a principal mapped to several tenants see each of them @ (stack)",
      "persona auditor (lakemesh-prod-auditors) reads lakemesh_prod.governance.serving_gdpr_requests for every tenant a principal is mapped to, not only while it is mapped to one: SELECT via governance-serving_gdpr_requests-grants; tenant_filter lets a principal mapped to several tenants see each of them @ (stack)",
      `persona client_admin (${CLIENT_ADMINS}) reads lakemesh_prod.alpha.accounts for every tenant a principal is mapped to, not only while it is mapped to one: SELECT via alpha-job (governance SQL); tenant_filter lets a principal mapped to several tenants see each of them @ (stack)`,
      ...TENANT_PRINCIPALS.flatMap(([t, sp]) => [
        `tenant principal ${t} (${sp}) reads lakemesh_prod.governance.gdpr_request_inbox for every tenant a principal is mapped to, not only while it is mapped to one: SELECT via governance-gdpr_request_inbox-grants + serving-tenant-${t}-member-lakemesh-prod-api-service; tenant_filter lets a principal mapped to several tenants see each of them; mapped to ${t} as client_admin (governance-tenant_principals-serving-rows) @ (stack)`,
        `tenant principal ${t} (${sp}) reads lakemesh_prod.governance.serving_gdpr_requests for every tenant a principal is mapped to, not only while it is mapped to one: SELECT via governance-serving_gdpr_requests-grants + serving-tenant-${t}-member-lakemesh-prod-api-service; tenant_filter lets a principal mapped to several tenants see each of them; mapped to ${t} as client_admin (governance-tenant_principals-serving-rows) @ (stack)`,
      ]),
    ]);
  });
  // A serving tenant principal reads as the tenant_principals rows the plan writes map it: baseline plus one change.
  const servingRows = (x: PlannedResource) => x.name === "governance-tenant_principals-serving-rows";
  it("flags a tenant principal mapped to a tenant other than the one the API runs its requests for", () => {
    const r = change(readers, servingRows, (x) => (x.inputs.create[1].parameters.find((p: any) => p.name === "tenant_0").value = "tenant-02"));
    expect(violations(rule(id), r)).toEqual([
      `tenant principal tenant-01 (${TP1}) serves tenant tenant-01 but reads lakemesh_prod.governance.gdpr_request_inbox as tenant tenant-02 (tenant_principals maps it so): SELECT via governance-gdpr_request_inbox-grants + serving-tenant-tenant-01-member-lakemesh-prod-api-service; tenant_filter: mapped to tenant-02 as client_admin (governance-tenant_principals-serving-rows) @ (stack)`,
      `tenant principal tenant-01 (${TP1}) serves tenant tenant-01 but reads lakemesh_prod.governance.serving_gdpr_requests as tenant tenant-02 (tenant_principals maps it so): SELECT via governance-serving_gdpr_requests-grants + serving-tenant-tenant-01-member-lakemesh-prod-api-service; tenant_filter: mapped to tenant-02 as client_admin (governance-tenant_principals-serving-rows) @ (stack)`,
    ]);
  });
  it("holds a tenant principal to the role it is mapped with: clear own-tenant values only while that role may see them", () => {
    // The API persona reads alpha.accounts (manifest, USE SCHEMA and the governance SQL's GRANT), so its tenant principals do.
    const API = "lakemesh-prod-api-service";
    let r = change(readers, ofType("databricks:index/grants:Grants", "alpha-schema-grants"), (g) => g.inputs.grants.push({ principal: API, privileges: ["USE_SCHEMA"] }));
    r = change(r, (x) => x.name === "alpha-governance-sql", (f) =>
      editFile(f, (t) => t.replace(`REVOKE SELECT ON TABLE \`lakemesh_prod\`.\`alpha\`.\`accounts\` FROM \`${API}\`;`, `GRANT SELECT ON TABLE \`lakemesh_prod\`.\`alpha\`.\`accounts\` TO \`${API}\`;`)),
    );
    r = change(r, alpha, (d) => d.inputs.manifest.spec.datasets.find((x: any) => x.name === "accounts").access.push("api_service"));
    const tp = accessReport(r).visibility.find((v) => v.persona === "tenant principal tenant-01" && v.dataset === "lakemesh_prod.alpha.accounts")!;
    expect([tp.rows, tp.columns]).toEqual(["own tenant", { account_id: "clear (own tenant)", email: "clear (own tenant)" }]);
    // Mapped as client_admin: what client admins may see, for its own tenant.
    expect(violations(rule(id), r)).toEqual([]);
    expect(violations(rule(id), r, { [id]: { clearOwnTenantAllowed: [] } })).toEqual([
      `persona client_admin (${CLIENT_ADMINS}) sees personal columns of lakemesh_prod.alpha.accounts in clear: account_id (clear (own tenant)), email (clear (own tenant)) @ (stack)`,
      ...["tenant-01", "tenant-02", "tenant-03"].map((t, i) => `tenant principal ${t} (${[TP1, TP2, TP3][i]}) sees personal columns of lakemesh_prod.alpha.accounts in clear: account_id (clear (own tenant)), email (clear (own tenant)) @ (stack)`),
    ]);
    // Mapped as service: the masks hide the values from it.
    const service = change(r, servingRows, (x) => (x.inputs.create[1].parameters.find((p: any) => p.name === "role").value = "service"));
    expect(accessReport(service).visibility.find((v) => v.persona === "tenant principal tenant-01" && v.dataset === "lakemesh_prod.alpha.accounts")!.columns).toEqual({ account_id: "masked", email: "masked" });
    expect(violations(rule(id), service, { [id]: { clearOwnTenantAllowed: [] } })).toEqual([
      `persona client_admin (${CLIENT_ADMINS}) sees personal columns of lakemesh_prod.alpha.accounts in clear: account_id (clear (own tenant)), email (clear (own tenant)) @ (stack)`,
    ]);
  });
  it("sees no second mechanism behind a table's own filter: without it the table is read unfiltered (one filter mechanism, finding 5)", () => {
    const r = change(base, isContract, (f) => editContract(f, (c) => (c.datasets.find((d: any) => d.name === "accounts").rowFilter = null)));
    expect(base.some((x) => x.type === "databricks:index/policyInfo:PolicyInfo")).toBe(false);
    expect(accessReport(r).visibility.find((v) => v.persona === "internal_analyst" && v.dataset === "lakemesh_prod.alpha.accounts")!.how).toBe("SELECT via alpha-job (governance SQL); no row filter");
  });
});

describe("lm-account-objects-single-owner: one environment per account owns its governed tags", () => {
  const id = "lm-account-objects-single-owner";
  const claim = (env: string, owner: string, extra: Partial<AccountClaim> = {}): AccountClaim => ({
    stack: env,
    env,
    accountId: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
    owner,
    owns: env === owner,
    pipelinesGroup: `lakemesh-${env}-pipelines`,
    tagAssigners: env === owner ? ["lakemesh-dev-pipelines"] : [],
    memberships: [`lakemesh-${env}-pipelines <- ${env === "dev" ? "0d3f" : "6f1c"}`],
    ...extra,
  });
  const config = (...stacks: AccountClaim[]): PolicyPackConfig => ({ [id]: { stacks } });
  it("accepts the shipped stack files' claims", () => {
    expect(violations(rule(id), base, config(claim("dev", "prod"), claim("prod", "prod")))).toEqual([]);
  });
  it("flags a stack that creates governed tags its environment does not own", () => {
    const r = change(base, ofType(IDENTITIES), (i) => (i.inputs.account = { ...i.inputs.account, owner: "dev", ownsAccountObjects: false }));
    expect(violations(rule(id), r)).toEqual([
      ...["data_domain", "pii", "retention", "tenant_key"].map((k) => `stack of environment prod sets the permissions of a governed tag it does not own (owner: environment dev) @ tag-policy-${k}-permissions`),
      ...["data_domain", "pii", "retention", "tenant_key"].map(
        (k) => `stack of environment prod (mode single) creates governed tag ${k}, but account 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d's account-level objects belong to environment dev's platform stack @ tag-policy-${k}`,
      ),
    ]);
  });
  it("flags governed tags that would be deleted with their stack", () => {
    const r = change(base, ofType("databricks:index/tagPolicy:TagPolicy", "tag-policy-pii"), (t) => ((t as { retainOnDelete: boolean }).retainOnDelete = false));
    expect(violations(rule(id), r)).toEqual([
      "governed tag pii would be deleted with this stack, though every environment of account 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d uses it; keep it on delete (retainOnDelete) @ tag-policy-pii",
    ]);
  });
  it("flags two environments of one account that both own its objects", () => {
    expect(violations(rule(id), base, config(claim("dev", "dev"), claim("prod", "prod")))).toEqual([
      "account 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d: environments dev and prod would both create its governed tags @ (stack)",
      "account 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d: its stacks name 2 owners of the account-level objects (dev by dev; prod by prod); every stack of an account names the same environment @ (stack)",
    ]);
  });
  it("flags an environment whose pipelines group may not assign the owner's tags", () => {
    expect(violations(rule(id), base, config(claim("dev", "prod"), claim("prod", "prod", { tagAssigners: [] })))).toEqual([
      "account 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d: dev's pipelines group lakemesh-dev-pipelines may not assign the governed tags; add it to lakemesh:databricks.tagAssignerGroups of environment prod @ (stack)",
    ]);
  });
  it("flags a membership two environments would manage", () => {
    expect(violations(rule(id), base, config(claim("dev", "prod", { memberships: ["shared-group <- x"] }), claim("prod", "prod", { memberships: ["shared-group <- x"] })))).toEqual([
      "account 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d: membership shared-group <- x is managed by environments dev and prod; destroying one would remove it from the other @ (stack)",
    ]);
  });
  it("flags an owner environment with no stack that creates the tags", () => {
    expect(violations(rule(id), base, config(claim("dev", "prod"), claim("qa", "prod")))).toEqual([
      "account 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d: the owner environment prod has no platform or single stack file here, so nothing creates the governed tags @ (stack)",
    ]);
  });
});

describe("lm-personas-read-only: people read, workloads write (issue 15, item 11)", () => {
  const id = "lm-personas-read-only";
  it("flags GDPR officers given MODIFY on a domain schema", () => {
    const r = change(base, ofType("databricks:index/grants:Grants", "alpha-schema-grants"), (g) => g.inputs.grants.find((x: any) => x.principal === "lakemesh-prod-gdpr-officers").privileges.push("MODIFY"));
    expect(violations(rule(id), r)).toEqual([
      "persona gdpr_officer (lakemesh-prod-gdpr-officers) can change rows (MODIFY) of 4 table(s): lakemesh_prod.alpha.bronze_accounts, lakemesh_prod.alpha.lm__tenant_quarantine, lakemesh_prod.alpha.accounts and 1 more; via alpha-schema-grants @ (stack)",
    ]);
  });
  it("lets the serving API add rows to its append-only GDPR intake table, and flags it once the table accepts updates", () => {
    const intake = (x: PlannedResource) => x.type === SQL_OBJECT && x.inputs.objectName === "lakemesh_prod.governance.serving_gdpr_requests";
    expect(base.some(intake)).toBe(true);
    const r = change(base, intake, (f) => (f.inputs.create[0].sql = f.inputs.create[0].sql.replace(/, 'delta\.appendOnly' = 'true'/, "")));
    expect(JSON.stringify(r.find(intake)!.inputs)).not.toContain("appendOnly");
    expect(violations(rule(id), r)).toEqual([
      "persona api_service (lakemesh-prod-api-service) can change rows (MODIFY) of 1 table(s): lakemesh_prod.governance.serving_gdpr_requests; via governance-serving_gdpr_requests-grants @ (stack)",
      // the tenant principals write as the API persona's group
      ...TENANT_PRINCIPALS.map(([t, sp]) => `tenant principal ${t} (${sp}) can change rows (MODIFY) of 1 table(s): lakemesh_prod.governance.serving_gdpr_requests; via governance-serving_gdpr_requests-grants + serving-tenant-${t}-member-lakemesh-prod-api-service @ (stack)`),
    ]);
  });
});

describe("lm-uc-table-grants-authoritative: the governance SQL decides every managed reader (issue 15, item 7)", () => {
  const id = "lm-uc-table-grants-authoritative";
  it("flags a job that stops revoking a domain that no longer reads a table", () => {
    const r = change(base, (x) => x.name === "alpha-governance-sql", (f) =>
      editFile(f, (t) => t.split("\n").filter((l) => !(l.startsWith("REVOKE") && l.includes("`balances_by_region`") && l.includes("lakemesh-prod-domain-beta"))).join("\n")),
    );
    expect(violations(rule(id), r)).toEqual([
      "alpha's job neither grants nor revokes SELECT on lakemesh_prod.alpha.balances_by_region for lakemesh-prod-domain-beta: a reader removed from the manifests would keep its grant @ alpha-job",
    ]);
  });
});

describe("lm-uc-tenant-filter-and-masks: the stack's own functions, named exactly (issue 15, item 8)", () => {
  const id = "lm-uc-tenant-filter-and-masks";
  it("flags a row filter of the same name in another catalog", () => {
    const r = change(base, isContract, (f) => editContract(f, (c) => (c.datasets.find((d: any) => d.name === "accounts").rowFilter = "ROW FILTER `other_org`.`governance`.`tenant_filter` ON (`tenant_id`)")));
    expect(violations(rule(id), r)).toEqual([
      "lakemesh_prod.alpha.accounts has tenant key tenant_id but the row filter \"ROW FILTER `other_org`.`governance`.`tenant_filter` ON (`tenant_id`)\"; the stack's tenant filter is ROW FILTER `lakemesh_prod`.`governance`.`tenant_filter` ON (`tenant_id`) @ alpha-contract",
    ]);
  });
  it("flags a mask of another catalog", () => {
    const r = change(base, isContract, (f) =>
      editContract(f, (c) => {
        const d = c.datasets.find((x: any) => x.name === "accounts");
        d.schema = d.schema.replace("MASK `lakemesh_prod`.`governance`.`mask_email`", "MASK `other_org`.`governance`.`mask_email`");
      }),
    );
    expect(violations(rule(id), r).map((v) => v.split(";")[0])).toEqual(["lakemesh_prod.alpha.accounts.email holds personal data (email) but is masked by `other_org`.`governance`.`mask_email` USING COLUMNS (`tenant_id`)"]);
  });
});

describe("lm-gdpr-no-change-data-feed: no change data feed on tables with personal data (issue 13, item 9)", () => {
  const id = "lm-gdpr-no-change-data-feed";
  it("flags a personal table whose contract turns the feed on, or leaves it to the defaults", () => {
    const on = change(base, isContract, (f) => editContract(f, (c) => (c.datasets.find((d: any) => d.name === "accounts").tableProperties["delta.enableChangeDataFeed"] = "true")));
    expect(violations(rule(id), on)).toEqual(['lakemesh_prod.alpha.accounts holds personal data (account_id, email) but sets delta.enableChangeDataFeed to "true"; it must be "false" @ alpha-contract']);
    const unset = change(base, isContract, (f) => editContract(f, (c) => delete c.datasets.find((d: any) => d.name === "bronze_accounts").tableProperties["delta.enableChangeDataFeed"]));
    expect(violations(rule(id), unset)).toEqual([
      "lakemesh_prod.alpha.bronze_accounts holds personal data (subject_id, value) but sets delta.enableChangeDataFeed nowhere (a workspace or session default could turn it on); it must be \"false\" @ alpha-contract",
    ]);
  });
  it("flags a pipeline that turns the feed on for every new table", () => {
    const r = change(base, ofType("databricks:index/pipeline:Pipeline", "alpha-pipeline"), (p) => (p.inputs.configuration["spark.databricks.delta.properties.defaults.enableChangeDataFeed"] = "true"));
    expect(violations(rule(id), r)).toEqual([
      "pipeline lakemesh-prod-alpha: configuration sets spark.databricks.delta.properties.defaults.enableChangeDataFeed = true, which records a change data feed for every table it creates @ alpha-pipeline",
    ]);
  });
  it("flags governance SQL that enables it", () => {
    const requests = (x: PlannedResource) => x.type === SQL_OBJECT && x.inputs.objectName === "lakemesh_prod.governance.gdpr_requests";
    const r = change(base, requests, (o) => (o.inputs.create[0].sql = o.inputs.create[0].sql.replace("TBLPROPERTIES (", "TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', ")));
    expect(violations(rule(id), r)).toEqual(["lakemesh_prod.governance.gdpr_requests: its SQL sets delta.enableChangeDataFeed = true; no table with personal data may record a change data feed @ governance-gdpr_requests"]);
    const job = change(base, (x) => x.name === "alpha-governance-sql", (f) => editFile(f, (t) => t + "ALTER TABLE `lakemesh_prod`.`alpha`.`accounts` SET TBLPROPERTIES (delta.enableChangeDataFeed = true);\n"));
    expect(violations(rule(id), job)).toEqual([expect.stringMatching(/^\/lakemesh\/prod\/domains\/alpha\/governance\.sql: its SQL sets delta\.enableChangeDataFeed = true; .* @ alpha-governance-sql$/)]);
  });
});
