import { gdprPipelines, type GdprPipelineRef } from "./gdpr-jobs";
import { type DomainManifest } from "../manifest";
import { domainPrincipal, mergeGrants, type GrantSpec } from "./grants";
import { Mesh } from "./model";
import { domainGroup, ERASURE_RESTRICTIONS_TABLE, GDPR_CONTROL_TABLE, GDPR_INBOX_TABLE, GOVERNANCE_SCHEMA, GOVERNANCE_TABLES, pipelinesGroup, platformPhysicalNames, PSEUDONYM_KEY_TABLE, SALT_FINGERPRINT_TABLE } from "./naming";
import { maskSpecs, type MaskSpec } from "./masks";
import { ownsAccountObjects, READER_PERSONAS, type Settings } from "./settings";
import { rootFolder, type FolderSpec } from "./workspace";

export interface TagPolicySpec {
  readonly resourceName: string;
  readonly tagKey: string;
  readonly description: string;
  /** Allowed values, sorted. */
  readonly values: readonly string[];
}

export interface BucketSpec {
  readonly role: "uc" | "landing";
  readonly resourceName: string;
  readonly name: string;
  /** Days after which current objects expire; null keeps them (Unity Catalog manages its own files). */
  readonly expireAfterDays: number | null;
  /** Noncurrent versions (if versioning is ever enabled) never outlive this: VACUUMed files must not linger. */
  readonly noncurrentDays: 7;
}

/** A workload principal's membership of an account group (the groups the row filter and masks reveal to). */
export interface MembershipSpec {
  /** Account group display name. */
  readonly group: string;
  /** Service principal application id. */
  readonly member: string;
  /** Pulumi logical name, from the group and the member. */
  readonly resourceName: string;
}

/** Account-level objects: which stack of the Databricks account owns them, and who may assign the governed tags. */
export interface AccountSpec {
  readonly accountId: string;
  /** The environment whose platform owns the account-level objects. */
  readonly owner: string;
  /** Whether this stack is that owner: only then does it create governed tags and their permissions. */
  readonly ownsAccountObjects: boolean;
  /** Principals with MANAGE on each governed tag (besides the deployer, who creates them). */
  readonly tagManagers: readonly string[];
  /** Account groups with ASSIGN on each governed tag: every environment's pipelines group, whose members run the governance SQL. */
  readonly tagAssigners: readonly string[];
}

export interface PlatformSpec {
  readonly names: ReturnType<typeof platformPhysicalNames>;
  /** Every domain's pipeline, for the GDPR jobs' settings (compileGdprJobs): the erasure verifies after their updates. */
  readonly gdprPipelines: readonly GdprPipelineRef[];
  /**
   * Storage and IAM managed outside lakemesh (settings aws.existingStorage): then `buckets` is empty and the platform
   * creates no AWS resource; its storage credential and external locations point at these.
   */
  readonly existingStorage: Readonly<NonNullable<Settings["aws"]["existingStorage"]>> | null;
  readonly catalog: string;
  readonly governanceSchema: string;
  readonly buckets: readonly BucketSpec[];
  /** The governed tags, created only by the stack that owns the account's account-level objects (else empty). */
  readonly tagPolicies: readonly TagPolicySpec[];
  readonly account: AccountSpec;
  /** Principals with CAN_USE on the SQL warehouse: personas, every domain's principal (its governance SQL task), DataHub. */
  readonly warehouseUsers: readonly string[];
  /** Memberships of workload principals in the groups the filter and masks reveal to, sorted by resource name. */
  readonly memberships: readonly MembershipSpec[];
  readonly catalogGrants: readonly GrantSpec[];
  readonly governanceSchemaGrants: readonly GrantSpec[];
  /** EXECUTE on the row filter and mask functions: only for whoever declares them on a table. */
  readonly functionGrants: readonly GrantSpec[];
  /** SELECT/MODIFY on governance tables, per table (short name). */
  readonly tableGrants: Readonly<Record<string, readonly GrantSpec[]>>;
  /** Non-authoritative grants on the metastore-wide system catalog (shared with other workspaces). */
  readonly systemGrants: readonly { readonly securable: "catalog" | "schema"; readonly name: string; readonly principal: string; readonly privileges: readonly string[] }[];
  readonly systemSchemas: readonly string[];
  /** The mask functions the platform declares: each category's text mask, and one per (category, numeric type) the mesh uses. */
  readonly masks: readonly MaskSpec[];
  readonly protect: boolean;
  /** The stack's workspace folder (pipeline code, contracts, GDPR notebooks below it): platform admins only. */
  readonly folder: FolderSpec;
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/**
 * What the GDPR jobs' service principal holds on each governance table: what notebooks/gdpr reads and writes
 * (the access model's GDPR_TABLES, checked against these grants by lm-workload-privileges). The registry is written
 * by the deployment, the tenant mapping by the platform team: the jobs only read them.
 */
export const GDPR_JOB_TABLE_PRIVILEGES: Readonly<Record<(typeof GOVERNANCE_TABLES)[number], readonly string[]>> = {
  tenant_principals: ["SELECT"],
  gdpr_registry: ["SELECT"],
  gdpr_requests: ["MODIFY", "SELECT"],
  erasure_suppression: ["MODIFY", "SELECT"],
  // SELECT: an erasure reads its own `wait` entries to go on where it waits (lakemesh_gdpr Job.last_wait).
  audit_log: ["MODIFY", "SELECT"],
};

/** What the GDPR jobs' principal holds on the restriction list: erasure merges into it, retention deletes from it. */
export const ERASURE_RESTRICTIONS_PRIVILEGES = ["MODIFY", "SELECT"] as const;

/** What filing a GDPR request (INSERT into the inbox) and running it (read, then DELETE the row) take. */
export const GDPR_INBOX_PRIVILEGES = ["MODIFY", "SELECT"] as const;

/** Who may file GDPR requests into the inbox: the GDPR officers, and the serving API's principals when it serves. */
export function gdprRequestFilers(s: Settings): string[] {
  return sorted([s.personas.gdpr_officer, ...(s.serving ? [s.personas.api_service] : [])]);
}

const grants = (entries: [string, string[]][]): GrantSpec[] => mergeGrants(entries.map(([principal, privileges]) => ({ principal, privileges })));

/** Every retention period used by any dataset: the allowed values of the `retention` governed tag. */
function retentionValues(domains: readonly DomainManifest[]): string[] {
  return sorted(domains.flatMap((d) => d.spec.datasets.flatMap((ds) => (ds.retention ? [ds.retention.period] : []))));
}

/**
 * Every workload principal in the groups the filter and masks reveal to, from the same settings: each domain's
 * principal in the pipelines group (its pipeline must store unfiltered, unmasked rows, since policies on pipeline
 * tables are evaluated as the pipeline's identity) and in its domain group (reads declared as a consumer); the GDPR
 * principal in the gdpr_officer group.
 */
export function compileMemberships(s: Settings, mesh: Mesh): MembershipSpec[] {
  const entry = (group: string, member: string): MembershipSpec => ({ group, member, resourceName: `member-${group}-${member}` });
  return [
    ...mesh.domains.flatMap((d) => [entry(pipelinesGroup(s), domainPrincipal(s, d.metadata.name)), entry(domainGroup(s, d.metadata.name), domainPrincipal(s, d.metadata.name))]),
    entry(s.personas.gdpr_officer, s.databricks.gdprServicePrincipal),
  ].sort((a, b) => (a.resourceName < b.resourceName ? -1 : a.resourceName > b.resourceName ? 1 : 0));
}

/**
 * The governed tags the domain jobs assign, with their allowed values. Account-wide: only the stack that owns the
 * account's objects creates them; every other stack of the account needs them to exist (a prerequisite).
 */
export function compileTagPolicies(mesh: Mesh): TagPolicySpec[] {
  return [
    // The value names the column's mask (its category, with the type for numeric masks), so ABAC can match each
    // mask to the columns of its type: a policy's column conditions cannot test a column's type.
    { resourceName: "tag-policy-pii", tagKey: "pii", description: "Personal-data category of a column, with its type when numeric, e.g. financial_decimal_18_2 (lakemesh).", values: maskSpecs(mesh).map((m) => m.key) },
    { resourceName: "tag-policy-retention", tagKey: "retention", description: "ISO 8601 retention period of a dataset or personal column (lakemesh).", values: retentionValues(mesh.domains) },
    { resourceName: "tag-policy-tenant_key", tagKey: "tenant_key", description: "Marks the tenant column of a tenant table (lakemesh).", values: ["true"] },
    { resourceName: "tag-policy-data_domain", tagKey: "data_domain", description: "Owning data domain of a table (lakemesh).", values: sorted(mesh.domains.map((d) => d.metadata.name)) },
  ];
}

export function compilePlatform(s: Settings, mesh: Mesh): PlatformSpec {
  const names = platformPhysicalNames(s);
  const p = s.personas;
  const domainGroups = mesh.domains.map((d) => domainGroup(s, d.metadata.name));
  const readers = READER_PERSONAS.map((x) => p[x]);
  const everyone = sorted([...readers, p.gdpr_officer, p.auditor, p.end_user, p.legal_hold, pipelinesGroup(s), ...domainGroups]);
  const masks = maskSpecs(mesh);
  const tagPolicies = compileTagPolicies(mesh);
  return {
    gdprPipelines: gdprPipelines(s, mesh.domains),
    names,
    catalog: s.catalog,
    governanceSchema: GOVERNANCE_SCHEMA,
    existingStorage: s.aws.existingStorage ? { ...s.aws.existingStorage } : null,
    buckets: s.aws.existingStorage
      ? []
      : [
          { role: "uc", resourceName: "bucket-uc", name: names.ucBucket, expireAfterDays: null, noncurrentDays: 7 },
          { role: "landing", resourceName: "bucket-landing", name: names.landingBucket, expireAfterDays: s.aws.landingRetentionDays, noncurrentDays: 7 },
        ],
    tagPolicies: ownsAccountObjects(s) ? tagPolicies : [],
    account: {
      accountId: s.databricks.accountId,
      owner: s.databricks.accountObjectsOwner,
      ownsAccountObjects: ownsAccountObjects(s),
      tagManagers: [p.platform_admin],
      tagAssigners: sorted([pipelinesGroup(s), ...(s.databricks.tagAssignerGroups ?? [])]),
    },
    warehouseUsers: sorted([...Object.values(p), ...mesh.domains.map((d) => domainPrincipal(s, d.metadata.name)), s.databricks.datahubServicePrincipal]),
    memberships: compileMemberships(s, mesh),
    catalogGrants: grants([
      [p.platform_admin, ["ALL_PRIVILEGES"]],
      ...everyone.map((x): [string, string[]] => [x, ["USE_CATALOG"]]),
      // DataHub reads metadata of every table without reading data: BROWSE, not SELECT.
      [s.databricks.datahubServicePrincipal, ["BROWSE", "USE_CATALOG"]],
    ]),
    governanceSchemaGrants: grants([[p.platform_admin, ["ALL_PRIVILEGES"]], ...everyone.map((x): [string, string[]] => [x, ["USE_SCHEMA"]])]),
    // EXECUTE is what it takes to declare a filter or mask on a table (the pipelines do, in their definitions);
    // readers of a protected table are not asked for it ("To assign a function that adds row filters or column masks
    // to a table, you must have the EXECUTE privilege on the function":
    // https://docs.databricks.com/aws/en/data-governance/unity-catalog/filters-and-masks/manually-apply). Platform
    // admins hold it through ALL_PRIVILEGES on the governance schema.
    functionGrants: grants([[pipelinesGroup(s), ["EXECUTE"]]]),
    tableGrants: Object.fromEntries([
      // The GDPR request inbox holds raw subject ids until a request ends: written by whoever files requests (GDPR
      // officers with `lakemesh gdpr request`, the serving API's tenant principals), read and emptied by the GDPR
      // jobs' principal; no auditor or reader. INSERT takes MODIFY; the stricter reading of the docs also asks SELECT
      // (fine-grained INSERT "must also have SELECT on the table":
      // https://docs.databricks.com/aws/en/data-governance/unity-catalog/access-control/fine-grained-dml-privileges),
      // and the table's tenant row filter shows the API's tenant principals only their own tenant's rows.
      [
        GDPR_INBOX_TABLE,
        grants([
          [p.platform_admin, ["ALL_PRIVILEGES"]],
          [s.databricks.gdprServicePrincipal, [...GDPR_INBOX_PRIVILEGES]],
          ...gdprRequestFilers(s).map((x): [string, string[]] => [x, [...GDPR_INBOX_PRIVILEGES]]),
        ]),
      ],
      // Subjects restricted under a legal hold, with the raw subject id the held rows carry: the GDPR officers and the
      // legal-hold role read it (which subjects are held, under which obligation), the GDPR jobs' principal writes it
      // (erasure) and deletes from it (retention); no auditor or reader. The held tables' row filter reads it as its
      // owner, so nobody else needs a grant.
      [
        ERASURE_RESTRICTIONS_TABLE,
        grants([
          [p.platform_admin, ["ALL_PRIVILEGES"]],
          [p.gdpr_officer, ["SELECT"]],
          [p.legal_hold, ["SELECT"]],
          [s.databricks.gdprServicePrincipal, [...ERASURE_RESTRICTIONS_PRIVILEGES]],
        ]),
      ],
      // The identifier masks' HMAC key: platform admins only (the masks read it with their owner's authorization).
      // Authoritative, so a grant made by hand is revoked on the next deploy.
      [PSEUDONYM_KEY_TABLE, grants([[p.platform_admin, ["ALL_PRIVILEGES"]]])],
      // The GDPR pre-flight's control rows (no personal data): every GDPR job reads them through the filter and mask.
      [GDPR_CONTROL_TABLE, grants([[p.platform_admin, ["ALL_PRIVILEGES"]], [p.gdpr_officer, ["SELECT"]], [s.databricks.gdprServicePrincipal, ["SELECT"]], [p.auditor, ["SELECT"]]])],
      // The salt's fingerprint: written by the deployment only; read by whoever hashes subjects with the salt (the
      // pipelines at ingest, the GDPR jobs' principal), to check they hash with the deployed one.
      [SALT_FINGERPRINT_TABLE, grants([[p.platform_admin, ["ALL_PRIVILEGES"]], [pipelinesGroup(s), ["SELECT"]], [s.databricks.gdprServicePrincipal, ["SELECT"]]])],
      ...GOVERNANCE_TABLES.map((t) => [
        t,
        grants([
          [p.platform_admin, ["ALL_PRIVILEGES"]],
          // Officers read; only the GDPR jobs' principal writes, and only what its notebooks write.
          [p.gdpr_officer, ["SELECT"]],
          [s.databricks.gdprServicePrincipal, [...GDPR_JOB_TABLE_PRIVILEGES[t]]],
          [p.auditor, ["SELECT"]],
          // Ingest reads the suppression list; the row filter and masks read the tenant mapping as their owner.
          ...(t === "erasure_suppression" ? [[pipelinesGroup(s), ["SELECT"]] as [string, string[]]] : []),
        ]),
      ]),
    ]),
    systemGrants: [
      { securable: "catalog", name: "system", principal: p.auditor, privileges: ["USE_CATALOG"] },
      { securable: "schema", name: "system.access", principal: p.auditor, privileges: ["SELECT", "USE_SCHEMA"] },
      { securable: "schema", name: "system.query", principal: p.auditor, privileges: ["SELECT", "USE_SCHEMA"] },
    ],
    systemSchemas: ["access", "query"],
    masks,
    protect: s.protect,
    folder: rootFolder(s),
  };
}
