// The shape of a contract diff: what changed between two revisions of the mesh, per domain and dataset, how much
// it matters to consumers, and who is affected. Plain data: the CLI prints it, the policy pack gates on it.

/** How a change affects consumers. `breaking` needs a major bump, `compatible` a minor one, `cosmetic` a patch. */
export type ChangeClass = "breaking" | "compatible" | "cosmetic";

export const CHANGE_CLASSES: readonly ChangeClass[] = ["breaking", "compatible", "cosmetic"];

/**
 * What kind of change. Breaking kinds are the ones the issue and the domain guide list; everything a consumer can
 * keep reading through is compatible, and text a consumer never reads by program is cosmetic.
 */
export type ChangeKind =
  // breaking
  | "column-removed"
  | "column-renamed"
  | "type-narrowed"
  | "type-changed"
  | "nullability-tightened"
  | "nullability-loosened"
  | "required-column-added"
  | "key-changed"
  | "retention-below-need"
  | "dataset-retired"
  | "dataset-unpublished"
  | "dataset-removed"
  // compatible
  | "column-added"
  | "type-widened"
  | "retention-changed"
  | "dataset-added"
  | "lifecycle-changed"
  | "access-granted"
  | "access-revoked"
  | "expectations-changed"
  | "layout-changed"
  | "personal-data-changed"
  | "classification-changed"
  | "source-changed"
  | "aggregate-changed"
  | "subject-key-changed"
  | "sequence-changed"
  | "topic-changed"
  | "compiled-changed"
  | "domain-changed"
  // cosmetic
  | "description-changed"
  | "examples-changed"
  | "columns-reordered"
  | "owner-changed";

/** One change, with the field it is about and what a reader needs to know. */
export interface Change {
  readonly kind: ChangeKind;
  readonly class: ChangeClass;
  /** The column, topic or field the change is about (e.g. `columns.email`, `retention`), if narrower than the dataset. */
  readonly subject?: string;
  /** One line: what changed, from what to what. */
  readonly detail: string;
  /** Columns a consumer must not depend on any more (for column-level consumers); absent: the whole dataset. */
  readonly columns?: readonly string[];
}

/** The semver bump a set of changes needs. */
export type Bump = "major" | "minor" | "patch" | "none";

/** Who reads a dataset. Kinds beyond the mesh's own come from consumer sources (see consumers.ts). */
export type ConsumerKind = "domain" | "dataset" | "persona" | "dashboard" | "api-query";

export interface Consumer {
  readonly kind: ConsumerKind;
  /** `outcomes-performance`, `core-business.plan_grant_summary`, `client_admin`, a dashboard or query id. */
  readonly id: string;
  /** Columns it reads; absent: it may read any column (a domain's pipeline is granted the whole table). */
  readonly columns?: readonly string[];
  /** The contract major it has moved to, if it says. */
  readonly acceptedMajor?: number;
  /** The longest history it needs (ISO 8601 duration), if it says. */
  readonly retentionNeeded?: string;
  /**
   * `gated`: a consumer whose move the gate waits for (another domain, a dashboard, an API query);
   * `informed`: listed so its owners hear of the change, never blocking (a persona's grant, the same domain's gold).
   */
  readonly role: "gated" | "informed";
}

/** A consumer that a breaking change reaches, and whether it has moved. */
export interface AffectedConsumer {
  readonly consumer: Consumer;
  /** `pending`: gated and still on the old contract; `moved`: accepted the new major or stopped reading; `informed`. */
  readonly status: "pending" | "moved" | "informed";
  readonly why: string;
}

export interface DatasetDiff {
  readonly domain: string;
  readonly dataset: string;
  readonly status: "added" | "removed" | "changed";
  readonly baseVersion: string | null;
  readonly headVersion: string | null;
  /** Lifecycle at head (at base when removed). */
  readonly lifecycle: string;
  readonly changes: readonly Change[];
  readonly requiredBump: Bump;
  /** Whether the head version bumps the base version by at least `requiredBump`. */
  readonly bumpMade: boolean;
  /** The bump the head version makes over the base (`none` when equal, `backwards` when lower). */
  readonly madeBump: Bump | "backwards";
  /** Consumers of the dataset each breaking change reaches. Empty when nothing breaks. */
  readonly affected: readonly AffectedConsumer[];
  /** Why this dataset fails the gate; empty when it passes. */
  readonly failures: readonly string[];
}

export interface DomainDiff {
  readonly domain: string;
  readonly status: "added" | "removed" | "changed";
  /** Changes to the domain itself (SLA, owner, pipeline, consumers, topics), unversioned. */
  readonly changes: readonly Change[];
  readonly datasets: readonly DatasetDiff[];
}

export interface MeshDiff {
  /** What the base and head were (a git ref, a plan file, `working tree`). */
  readonly base: string;
  readonly head: string;
  /** Only domains with a change. */
  readonly domains: readonly DomainDiff[];
  readonly summary: { readonly breaking: number; readonly compatible: number; readonly cosmetic: number; readonly datasets: number; readonly failures: number };
  /** Each gate failure, one line, `domain.dataset: why`. Empty: the change may merge. */
  readonly failures: readonly string[];
  /** Sources of consumers that were consulted, e.g. `mesh`, `dashboards`. */
  readonly consumerSources: readonly string[];
}
