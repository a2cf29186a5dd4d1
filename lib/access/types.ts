// The vocabulary of the access model: principals, what a workload needs, and the evidence that it holds it.

/** The identity `pulumi up` runs as. It owns what it creates; it runs no workload. */
export const DEPLOYER = "deployer";

/** A Unity Catalog securable, named as Unity Catalog names it (catalog, catalog.schema, catalog.schema.object). */
export interface Securable {
  readonly kind: "catalog" | "schema" | "table" | "function" | "volume";
  readonly name: string;
}

/** A workspace object under an access control list (https://docs.databricks.com/aws/en/security/auth/access-control). */
export interface WorkspaceObject {
  /** Folders and files are addressed by workspace path, the others by id (a secret scope by its name). */
  readonly kind: "warehouse" | "pipeline" | "job" | "directory" | "file" | "notebook" | "secret-scope";
  readonly id: string;
}

/** One privilege a workload needs for an action. */
export type Need =
  | { readonly kind: "uc"; readonly securable: Securable; readonly privilege: string }
  | { readonly kind: "acl"; readonly object: WorkspaceObject; readonly level: string }
  /** Membership of at least one of these groups: the groups a filter or mask function reveals everything to. */
  | { readonly kind: "member"; readonly of: readonly string[]; readonly function: string }
  | { readonly kind: "kafka"; readonly principal: string; readonly resourceType: "Topic" | "Group" | "Cluster"; readonly name: string; readonly operation: string }
  /** ASSIGN on a governed tag (its key), and the value among its allowed values. */
  | { readonly kind: "tag-assign"; readonly tagKey: string; readonly values: readonly string[] }
  /** Account roles the deployer needs: user of a service principal (to set run-as), manager of a group, creator of governed tags. */
  | { readonly kind: "role"; readonly role: "servicePrincipal.user" | "group.manager" | "tagPolicy.creator"; readonly on: string }
  /** The principal exists in the workspace (a prerequisite: no stack creates principals). */
  | { readonly kind: "exists"; readonly principal: string };

/** What a workload does, with the privileges that takes. */
export interface Action {
  /** e.g. `pipeline core-business`, `job core-business`, `gdpr erasure`, `datahub core-business`, `deployer`. */
  readonly workload: string;
  /** The principal the workload runs as. */
  readonly principal: string;
  readonly action: string;
  readonly needs: readonly Need[];
  /** URN of the resource that runs the workload (pipeline, job, recipe); none for the deployer. */
  readonly resource?: string;
}

/** One row of the workload x action table: held when every need is held. */
export interface ActionRow extends Action {
  /** Human form of the needs. */
  readonly needsText: string;
  readonly held: boolean;
  /** Where each held need comes from (resource names, grants, prerequisites). */
  readonly how: readonly string[];
  /** The needs nobody grants, in human form. */
  readonly missing: readonly string[];
}

/**
 * Rows a persona sees in a dataset: all tenants, its own tenant (through tenant_principals, and only while it is
 * mapped to that one tenant), every tenant it is mapped to (a filter that lets a principal mapped to two tenants see
 * both), or nothing.
 */
export type RowScope = "all" | "own tenant" | "every mapped tenant" | "own subject" | "none";
/** How a persona sees one personal column. */
export type ColumnView = "clear" | "clear (own tenant)" | "clear (every mapped tenant)" | "masked";

/** A serving tenant principal as the model evaluates it: a principal of its own, not its persona groups. */
export interface TenantPrincipalView {
  /** The tenant whose API requests run as it (the API's runtime configuration), or null when the API names none. */
  readonly serves: string | null;
  /** Its rows in governance.tenant_principals (and its groups'), as the plan writes them. */
  readonly mappings: readonly { readonly tenant: string; readonly role: string; readonly via: string }[];
  /** The personas whose groups it is in (the API and BI services), whose grants it reads through. */
  readonly personas: readonly string[];
}

export interface VisibilityRow {
  /** A persona name, or `tenant principal <tenant>` for a serving tenant principal. */
  readonly persona: string;
  readonly principal: string;
  /** Set on a serving tenant principal's rows: what it serves and how it is mapped; null on a persona's. */
  readonly tenantPrincipal: TenantPrincipalView | null;
  /** catalog.schema.table */
  readonly dataset: string;
  /** Whether the table holds tenant data: a dataset with a tenant key, or a governance table. */
  readonly tenantData: boolean;
  readonly rows: RowScope;
  /** Personal column name -> how the persona sees it (empty when it reads no rows or the table has none). */
  readonly columns: Readonly<Record<string, ColumnView>>;
  /** Why: the grant chain and the filter that decide it. */
  readonly how: string;
  /** Where the persona's MODIFY on the table comes from (it can insert, update and delete rows), or null. */
  readonly modify: string | null;
  /** The table refuses updates and deletes ('delta.appendOnly' = 'true' in the SQL that creates it): MODIFY only adds rows. */
  readonly appendOnly: boolean;
}

/** `persona client_admin (<group>)`, or `tenant principal tenant-01 (<application id>)`: who a visibility row is about. */
export const viewerName = (v: Pick<VisibilityRow, "persona" | "principal" | "tenantPrincipal">) => `${v.tenantPrincipal ? "" : "persona "}${v.persona} (${v.principal})`;

/** Formats a need for the tables. */
export function needText(n: Need): string {
  switch (n.kind) {
    case "uc":
      return `${n.privilege} on ${n.securable.kind} ${n.securable.name}`;
    case "acl":
      return `${n.level} on ${n.object.kind} ${n.object.id}`;
    case "member":
      return `member of ${n.of.join(" or ")} (${n.function})`;
    case "kafka":
      return `Kafka ${n.operation} on ${n.resourceType} ${n.name} as ${n.principal}`;
    case "tag-assign":
      return `ASSIGN on governed tag ${n.tagKey}${n.values.length ? ` (${n.values.join(", ")})` : ""}`;
    case "role":
      return `role ${n.role} on ${n.on}`;
    case "exists":
      return n.principal === DEPLOYER ? "a service principal to run as (not the deployer)" : `${n.principal} exists in the workspace`;
  }
}

/** Something a principal holds, in the model's terms. Read from the plan's resources or from a listed prerequisite. */
export type Fact =
  /** A Unity Catalog privilege, or OWNER for ownership (all privileges on the object, MANAGE on its children). */
  | { readonly kind: "uc"; readonly principal: string; readonly securable: Securable; readonly privilege: string }
  /** A workspace ACL entry; `id: "platform"` stands for the platform stack's object of that kind (a domain stack's view). */
  | { readonly kind: "acl"; readonly principal: string; readonly object: WorkspaceObject; readonly level: string }
  | { readonly kind: "member"; readonly principal: string; readonly group: string }
  | {
      readonly kind: "kafka";
      readonly principal: string;
      readonly resourceType: string;
      readonly name: string;
      readonly patternType: "Literal" | "Prefixed";
      readonly operation: string;
    }
  /** ASSIGN on a governed tag, to a principal as Unity Catalog names it (group name or application id). */
  | { readonly kind: "tag-assign"; readonly principal: string; readonly tagKey: string }
  /** A governed tag exists in the account, with its allowed values (none: a key-only tag). */
  | { readonly kind: "governed-tag"; readonly tagKey: string; readonly values: readonly string[] }
  | { readonly kind: "role"; readonly principal: string; readonly role: string; readonly on: string }
  | { readonly kind: "exists"; readonly principal: string }
  /** The SQL of a row filter or mask function, from which the groups it reveals everything to are read. */
  | { readonly kind: "function"; readonly name: string; readonly sql: string };

/** A fact and where it comes from (a resource's logical name, a SQL statement, or a prerequisite id). */
export type HeldFact = Fact & { readonly via: string };

/**
 * Something this stack relies on but does not create: one-time account setup, or what another stack of the same
 * environment creates. It counts as held only because it is listed here, and `lakemesh preflight` checks each.
 */
export interface Prerequisite {
  /** Stable id, e.g. `sp-user:<application id>`. */
  readonly id: string;
  readonly what: string;
  /** Who provides it: `account setup`, `environment prod (owner of account-level objects)`, `stack prod-platform`, ... */
  readonly providedBy: string;
  readonly fact: Fact;
}

/** `1 table`, `3 tables`. */
export const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
