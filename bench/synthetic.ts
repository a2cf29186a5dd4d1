import { stringify } from "yaml";
import type { Dataset, DomainManifest, Topic } from "../lib/manifest";

/** Name of the i-th synthetic domain. */
export const syntheticDomainName = (i: number) => `synthetic-${String(i).padStart(4, "0")}`;

/** One service principal per synthetic domain, as every stack requires (lakemesh:databricks.domainServicePrincipals). */
export function syntheticPrincipals(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [syntheticDomainName(i), `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`]));
}

/**
 * A realistic synthetic domain: `datasets - 1` silver datasets (one topic each, with personal columns) and one gold
 * dataset. Every domain after the first also reads the previous domain's first silver dataset, declared as a consumer.
 */
export function syntheticDomain(i: number, datasets = 20): DomainManifest {
  const name = syntheticDomainName(i);
  const silverCount = Math.max(1, datasets - 1);
  const topics: Topic[] = [];
  const sets: Dataset[] = [];
  for (let k = 0; k < silverCount; k++) {
    const topic = `entity-${k}`;
    topics.push({ name: topic, description: `Entity ${k} changes.`, partitions: 3, retention: "P7D", key: "record_id", personalData: true });
    sets.push({
      name: `entity_${k}`,
      description: `Entity ${k}.`,
      layer: "silver",
      source: { topic },
      subjectKey: "user_id",
      clusterBy: ["tenant_id", "event_date"],
      retention: { period: "P2Y", column: "event_time" },
      expectations: [{ name: "positive_amount", predicate: "amount IS NULL OR amount >= 0", onViolation: "drop" }],
      contract: { version: "1.0.0", lifecycle: "active" },
      access: ["internal_analyst", "client_admin"],
      columns: [
        { name: "tenant_id", physicalType: "STRING", required: true, description: "Tenant." },
        { name: "record_id", physicalType: "STRING", required: true, primaryKey: true, description: "Record." },
        { name: "user_id", physicalType: "STRING", required: true, description: "User.", personalData: { category: "identifier", erasure: "delete", legalBasis: "contract", purpose: "Service." } },
        { name: "email", physicalType: "STRING", description: "E-mail.", personalData: { category: "email", erasure: "delete", legalBasis: "contract", purpose: "Notices." } },
        { name: "category", physicalType: "STRING", description: "Category." },
        { name: "amount", physicalType: "DECIMAL(18,2)", description: "Amount." },
        { name: "event_time", physicalType: "TIMESTAMP", required: true, description: "Event time." },
        { name: "event_date", physicalType: "DATE", required: true, description: "Event date." },
      ],
    });
  }
  const sources: NonNullable<Dataset["source"]["datasets"]> = [{ dataset: "entity_0" }];
  sets.push({
    name: "summary",
    description: "Amounts per category.",
    layer: "gold",
    source: { datasets: sources },
    aggregate: {
      groupBy: ["category"],
      measures: [
        { name: "records", function: "count" },
        { name: "total_amount", function: "sum", column: "amount" },
      ],
    },
    contract: { version: "1.0.0", lifecycle: "active" },
    access: ["internal_analyst", "client_admin", "bi_service"],
    columns: [
      { name: "tenant_id", physicalType: "STRING", required: true, description: "Tenant." },
      { name: "category", physicalType: "STRING", description: "Category." },
      { name: "records", physicalType: "BIGINT", description: "Records." },
      { name: "total_amount", physicalType: "DECIMAL(28,2)", description: "Total." },
    ],
  });
  const manifest: DomainManifest = {
    apiVersion: "lakemesh/v1",
    kind: "DataDomain",
    metadata: { name, title: `Synthetic ${i}`, description: "Generated for benchmarks.", owner: { team: "bench", contact: "bench@example.com" } },
    spec: { sla: { freshness: "PT1H", availability: 99.5, supportHours: "business-hours" }, topics, datasets: sets as DomainManifest["spec"]["datasets"] },
  };
  if (i > 0) {
    const upstream = syntheticDomainName(i - 1);
    manifest.spec.consumers = [{ domain: upstream, datasets: ["entity_0"], purpose: "Cross-domain rollup." }];
    sets.push({
      name: "upstream_rollup",
      description: "Records per category from the upstream domain.",
      layer: "gold",
      source: { datasets: [{ domain: upstream, dataset: "entity_0" }] },
      aggregate: { groupBy: ["category"], measures: [{ name: "records", function: "count" }] },
      contract: { version: "1.0.0", lifecycle: "active" },
      columns: [
        { name: "tenant_id", physicalType: "STRING", required: true, description: "Tenant." },
        { name: "category", physicalType: "STRING", description: "Category." },
        { name: "records", physicalType: "BIGINT", description: "Records." },
      ],
    });
  }
  return manifest;
}

/** `count` synthetic manifests as YAML files. */
export function syntheticMesh(count: number, datasets = 20): { file: string; text: string }[] {
  return Array.from({ length: count }, (_, i) => ({ file: `synthetic/${syntheticDomainName(i)}.yaml`, text: stringify(syntheticDomain(i, datasets)) }));
}
