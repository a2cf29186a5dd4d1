// Deterministic sample events for a domain's topics, shaped by the manifest (columns, types, examples,
// personal-data categories) so a local pipeline run has something realistic to read. Pure: the same seed and
// options give the same events.
import { classifyValues } from "../classify";
import { isPersonal, tenantKeyOf, type Column, type Dataset, type DomainManifest } from "../manifest";
import { datasetOfTopic, topicMajor } from "../compile/model";
import { topicName } from "../compile/naming";
import { decimalParts, isNumeric, typeFamily } from "../manifest/types";

export type EventKind = "valid" | "malformed" | "missing-tenant" | "wrong-tenant";

export interface SampleOptions {
  readonly seed: number;
  /** Tenants the valid events are spread over: tenant-01 ... */
  readonly tenants: number;
  /** Valid events per topic. */
  readonly volume: number;
  /** Events whose primary key is missing and whose numbers are text: valid JSON that silver drops. */
  readonly malformed?: number;
  /** Events without the tenant key: bronze drops them. */
  readonly missingTenant?: number;
  /** Events of a tenant outside the tenant list: they land, under that tenant only. */
  readonly wrongTenant?: number;
  /** Subjects (people) per tenant the events are about. @default 5 */
  readonly subjectsPerTenant?: number;
}

export interface SampleEvent {
  readonly topic: string;
  readonly key: string;
  /** The payload as sent: JSON text. */
  readonly value: string;
  readonly kind: EventKind;
  readonly tenant: string | null;
  readonly subject: string | null;
}

/** mulberry32: small, fast and deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const tenantName = (i: number) => `tenant-${String(i + 1).padStart(2, "0")}`;
export const WRONG_TENANT = "tenant-unknown";
const pad = (n: number, w: number) => String(n).padStart(w, "0");
const EPOCH = Date.UTC(2026, 5, 1); // 2026-06-01, so dates are never in the future of a 2026 run

/** A person's number: money with the column's scale, a birth year, or digits; derived like the text values. */
function personalNumber(category: string, tenant: string, k: number, type: string): number {
  const t = Number(tenant.replace("tenant-", "")) || 0;
  // TINYINT and SMALLINT hold little; the value stays within them.
  const small = type === "TINYINT" ? 127 : type === "SMALLINT" ? 32_767 : undefined;
  if (small !== undefined) return (t * 100 + k) % small;
  if (category === "financial") {
    const scale = Math.min(decimalParts(type)?.scale ?? (typeFamily(type) === "number" ? 2 : 0), 4);
    return Number((1000 * t + 97.25 * k).toFixed(scale));
  }
  if (category === "date_of_birth") return 1970 + (k % 30);
  return t * 1000 + k;
}

/** A person's values, derived from tenant and subject number, so they are findable (and erasable) later. */
function personal(category: string, tenant: string, k: number, type: string): string | number {
  if (isNumeric(type)) return personalNumber(category, tenant, k, type);
  const t = tenant.replace("tenant-", "");
  switch (category) {
    case "email":
      return `person.${t}.${pad(k, 3)}@${tenant}.example.com`;
    case "name":
      return `Person ${t}-${pad(k, 3)} Example`;
    case "phone":
      return `+49151${t}${pad(k, 5)}`;
    case "address":
      return `${k} Example Street, ${t}000 Sample City`;
    case "national_id":
      return `NID-${t}-${pad(k, 6)}`;
    case "date_of_birth":
      return new Date(Date.UTC(1970 + (k % 30), k % 12, 1 + (k % 27))).toISOString().slice(0, 10);
    case "financial":
      return `DE89370400440532${t}${pad(k, 4)}`;
    case "online_identifier":
      return `10.${Number(t)}.${Math.floor(k / 250)}.${k % 250}`;
    case "free_text":
      return `Note written by person ${t}-${pad(k, 3)} about their account.`;
    default:
      return type === "STRING" ? subjectId(tenant, k) : "";
  }
}

/** The data-subject id of person k of a tenant. */
export function subjectId(tenant: string, k: number): string {
  return `user-${tenant.replace("tenant-", "")}-${pad(k, 3)}`;
}

function value(c: Column, ds: Dataset, tenant: string, subject: number, row: number, position: number, rnd: () => number): unknown {
  if (c.personalData) return personal(c.personalData.category, tenant, subject, c.physicalType);
  if (c.name === tenantKeyOf(ds)) return tenant;
  if (c.examples && c.examples.length > 0) return c.examples[Math.floor(rnd() * c.examples.length)];
  const f = typeFamily(c.physicalType);
  if (f === "string") {
    const t = tenant.replace("tenant-", "");
    // Primary keys count per tenant; other ids draw from the first five of them, so joins (grants to their
    // plan) find partners whenever a tenant has five rows.
    if (c.primaryKey) return `${c.name.replace(/_id$/, "")}-${t}-${pad(row, 6)}`;
    if (c.name.endsWith("_id")) return `${c.name.replace(/_id$/, "")}-${t}-${pad(Math.floor(rnd() * 5), 6)}`;
    return `${c.name}-${1 + Math.floor(rnd() * 3)}`;
  }
  if (f === "integer") return 1 + Math.floor(rnd() * 1000);
  if (f === "number") {
    const dec = decimalParts(c.physicalType);
    const v = 1 + rnd() * 1000;
    return dec ? Number(v.toFixed(Math.min(dec.scale, 4))) : Number(v.toFixed(4));
  }
  if (f === "boolean") return rnd() < 0.5;
  // Dates and times go back from EPOCH; later columns of a row are later in time (ended_at after started_at).
  const base = EPOCH - Math.floor(rnd() * 700) * 86_400_000 + position * 3_600_000;
  if (f === "date") return new Date(base).toISOString().slice(0, 10);
  if (f === "timestamp") return new Date(base).toISOString();
  if (f === "array") return ["a", "b"];
  return { source: "sample" };
}

function row(ds: Dataset, tenant: string, subject: number, n: number, rnd: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  ds.columns.forEach((c, i) => {
    out[c.name] = c.name === ds.subjectKey ? subjectId(tenant, subject) : value(c, ds, tenant, subject, n, i, rnd);
  });
  return out;
}

/** Sample events for every topic of a domain that feeds a dataset. */
export function sampleDomainEvents(domain: DomainManifest, o: SampleOptions): SampleEvent[] {
  const out: SampleEvent[] = [];
  const subjects = o.subjectsPerTenant ?? 5;
  for (const [ti, t] of (domain.spec.topics ?? []).entries()) {
    const ds = datasetOfTopic(domain, t);
    if (!ds) continue;
    const rnd = prng(o.seed * 1009 + ti);
    const topic = topicName(domain.metadata.name, t.name, topicMajor(domain, t));
    const tk = tenantKeyOf(ds);
    const pk = ds.columns.find((c) => c.primaryKey)?.name ?? t.key;
    const counts = new Map<string, number>();
    let n = 0;
    const emit = (kind: EventKind, tenant: string | null, payload: Record<string, unknown>, subject: string | null) =>
      out.push({ topic, key: String(payload[t.key] ?? `${kind}-${n}`), value: JSON.stringify(payload), kind, tenant, subject });
    const make = (tenant: string) => {
      const k = 1 + Math.floor(rnd() * subjects);
      const c = counts.get(tenant) ?? 0;
      counts.set(tenant, c + 1);
      n++;
      const p = row(ds, tenant, k, c, rnd);
      return { p, subject: ds.subjectKey ? subjectId(tenant, k) : null };
    };
    for (let i = 0; i < o.volume; i++) {
      const tenant = tk ? tenantName(i % Math.max(1, o.tenants)) : null;
      const { p, subject } = make(tenant ?? tenantName(0));
      emit("valid", tenant, p, subject);
    }
    if (!tk) continue; // shared datasets have no tenant to get wrong
    for (let i = 0; i < (o.wrongTenant ?? 0); i++) {
      const { p, subject } = make(WRONG_TENANT);
      emit("wrong-tenant", WRONG_TENANT, p, subject);
    }
    for (let i = 0; i < (o.missingTenant ?? 0); i++) {
      const { p, subject } = make(tenantName(0));
      delete p[tk];
      emit("missing-tenant", null, p, subject);
    }
    for (let i = 0; i < (o.malformed ?? 0); i++) {
      const tenant = tenantName(i % Math.max(1, o.tenants));
      const { p, subject } = make(tenant);
      delete p[pk];
      for (const c of ds.columns) if (["integer", "number"].includes(typeFamily(c.physicalType)) && c.name !== tk) p[c.name] = "not-a-number";
      emit("malformed", tenant, p, subject);
    }
  }
  return out;
}

/** Counts of events per topic and kind. */
export function sampleSummary(events: readonly SampleEvent[]): Record<string, Record<EventKind, number>> {
  const out: Record<string, Record<EventKind, number>> = {};
  for (const e of events) {
    out[e.topic] ??= { valid: 0, malformed: 0, "missing-tenant": 0, "wrong-tenant": 0 };
    out[e.topic][e.kind]++;
  }
  return out;
}


/** A payload field whose values look personal although its column is not marked personal. */
export interface PersonalValueFlag {
  readonly topic: string;
  readonly column: string;
  readonly category: string;
  readonly matched: number;
  readonly seen: number;
}

/**
 * The value classifier (lib/classify) over events: for each topic, the fields of columns not marked personal
 * (absent or `personalData: false`) whose values look like e-mail addresses, IBANs, IP addresses, phone numbers...
 */
export function personalValueFlags(domain: DomainManifest, events: readonly SampleEvent[]): PersonalValueFlag[] {
  const out: PersonalValueFlag[] = [];
  for (const t of domain.spec.topics ?? []) {
    const ds = datasetOfTopic(domain, t);
    if (!ds) continue;
    const topic = topicName(domain.metadata.name, t.name, topicMajor(domain, t));
    const payloads = events.filter((e) => e.topic === topic).map((e) => JSON.parse(e.value) as Record<string, unknown>);
    for (const c of ds.columns.filter((x) => !isPersonal(x))) {
      const f = classifyValues(payloads.map((p) => p[c.name]));
      if (f) out.push({ topic, column: c.name, category: f.category, matched: f.matched, seen: f.seen });
    }
  }
  return out;
}
