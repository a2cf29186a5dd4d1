// Fills the embedded database with the stack's silver and gold tables: from the local data plane's export
// (Parquet files written by scripts/local/serving_export.py from the Delta tables) when there is one, else from
// `lakemesh sample`'s deterministic events, with gold rebuilt from silver by each contract's aggregate.
import * as fs from "fs";
import * as path from "path";
import { compileContract, meshPlatformNames, schemaName, type ContractDataset, type Mesh, type PipelineContract, type Settings } from "../../lib/compile";
import { sampleDomainEvents, type SampleOptions } from "../../lib/sample";
import { DuckDbBackend, quotedTable, type LocalColumn } from "./duckdb";

export type DataSource = "sample" | "plane";

export interface SeedOptions {
  /** Where the plane's Parquet export is (scripts/local/serving_export.py: export.json and a folder per table). */
  readonly exportDir: string;
  /** `auto` uses the export when there is one, else the sample. @default "auto" */
  readonly source?: DataSource | "auto";
  /** Sample shape. @default seed 1, 3 tenants, 120 events per topic, 5 subjects per tenant */
  readonly sample?: Partial<SampleOptions>;
}

export interface Seeded {
  readonly backend: DuckDbBackend;
  readonly contracts: readonly PipelineContract[];
  readonly source: DataSource;
  /** Rows per table. */
  readonly counts: Readonly<Record<string, number>>;
  /** Tenants present in the data, sorted. */
  readonly tenants: readonly string[];
}

export const DEFAULT_SAMPLE: SampleOptions = { seed: 1, tenants: 3, volume: 120, subjectsPerTenant: 5 };

const localColumns = (d: ContractDataset): LocalColumn[] => d.columns.map((c) => ({ name: c.name, physicalType: c.type, nullable: c.nullable }));

/** Silver and gold datasets of every contract, gold in an order where each reads only tables built before it. */
function servedTables(contracts: readonly PipelineContract[]): ContractDataset[] {
  const all = contracts.flatMap((c) => c.datasets.filter((d) => d.layer !== "bronze"));
  const byTable = new Map(all.map((d) => [d.table, d]));
  const done = new Set<string>();
  const out: ContractDataset[] = [];
  const visit = (d: ContractDataset, stack: string[]) => {
    if (done.has(d.table)) return;
    if (stack.includes(d.table)) throw new Error(`gold datasets read each other in a cycle: ${[...stack, d.table].join(" -> ")}`);
    for (const u of d.upstream) {
      const dep = byTable.get(u);
      if (dep && dep.layer === "gold") visit(dep, [...stack, d.table]);
    }
    done.add(d.table);
    out.push(d);
  };
  all.filter((d) => d.layer === "silver").forEach((d) => visit(d, []));
  all.filter((d) => d.layer === "gold").forEach((d) => visit(d, []));
  return out;
}

const FUNCTIONS: Readonly<Record<string, (c: string) => string>> = {
  count: () => "count(*)",
  count_distinct: (c) => `count(DISTINCT ${c})`,
  sum: (c) => `sum(${c})`,
  avg: (c) => `avg(${c})`,
  min: (c) => `min(${c})`,
  max: (c) => `max(${c})`,
};

/**
 * The gold table's rows, as the pipeline computes them: inputs joined on their keys (tenant key included), the
 * aggregate's filter, group by tenant and the declared columns. The filter is a manifest predicate the schema and
 * lib/manifest/predicate.ts restrict to simple comparisons; it is the same text the pipeline runs.
 */
export function goldSql(d: ContractDataset): string {
  if (d.source.kind !== "aggregate") throw new Error(`${d.table} is not an aggregate`);
  const s = d.source;
  const q = (c: string) => `"${c.replace(/[^a-z0-9_]/g, "")}"`;
  const from = s.inputs
    .map((i, n) => (n === 0 ? `${quotedTable(i.table)}` : `${i.join!.type === "left" ? "LEFT JOIN" : "JOIN"} ${quotedTable(i.table)} USING (${i.join!.on.map(q).join(", ")})`))
    .join(" ");
  const measures = s.measures.map((m) => `${FUNCTIONS[m.function](m.column === null ? "" : q(m.column))} AS ${q(m.name)}`);
  const cols = [...s.groupBy.map(q), ...measures];
  return `INSERT INTO ${quotedTable(d.table)} (${[...s.groupBy, ...s.measures.map((m) => m.name)].map(q).join(", ")}) SELECT ${cols.join(", ")} FROM ${from}${s.filter ? ` WHERE ${s.filter}` : ""} GROUP BY ${s.groupBy.map(q).join(", ")}`;
}

/**
 * The sample repeats a subject's id where it is the primary key (a change stream of users, say); the embedded table
 * keeps the latest event per primary key, the current state a keyed table would hold.
 */
function latestPerKey(pk: readonly string[], rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  if (pk.length === 0) return [...rows];
  const byKey = new Map<string, Record<string, unknown>>();
  for (const r of rows) byKey.set(JSON.stringify(pk.map((k) => r[k])), r);
  return [...byKey.values()];
}

function exportFile(dir: string, table: string): string {
  return path.join(dir, `${table}.parquet`);
}

/** Builds and fills the embedded database of a stack's settings and mesh. */
export async function seedLocal(settings: Settings, mesh: Mesh, o: SeedOptions): Promise<Seeded> {
  const names = meshPlatformNames(settings.catalog, mesh);
  const contracts = mesh.domains.map((d) => compileContract(settings, names, d));
  const tables = servedTables(contracts);
  const manifest = path.join(o.exportDir, "export.json");
  const exported = fs.existsSync(manifest) ? (JSON.parse(fs.readFileSync(manifest, "utf8")) as { tables: Record<string, number> }).tables : null;
  const wanted = o.source ?? "auto";
  if (wanted === "plane" && !exported) throw new Error(`no export of the local data plane in ${o.exportDir}; run scripts/local/serving-export.sh after npm run local:demo`);
  const source: DataSource = wanted === "sample" || !exported ? "sample" : "plane";
  const backend = await DuckDbBackend.open(settings.catalog);
  try {
    for (const t of tables) await backend.createTable(t.table, localColumns(t), t.tenantKey);
    if (source === "plane") {
      // Exactly what the plane holds: tables of domains it has not run stay empty.
      for (const t of tables.filter((x) => exported![x.table] !== undefined)) {
        const cols = t.columns.map((c) => `"${c.name}"`).join(", ");
        await backend.exec(`INSERT INTO ${quotedTable(t.table)} (${cols}) SELECT ${cols} FROM read_parquet($files)`, { files: path.join(exportFile(o.exportDir, t.table), "*.parquet") });
      }
    } else {
      const options = { ...DEFAULT_SAMPLE, ...o.sample };
      const byTopic = new Map<string, Record<string, unknown>[]>();
      for (const d of mesh.domains) {
        for (const e of sampleDomainEvents(d, options)) if (e.kind === "valid") byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), JSON.parse(e.value)]);
      }
      const primaryKeys = new Map(
        mesh.domains.flatMap((d) => d.spec.datasets.map((ds) => [`${settings.catalog}.${schemaName(d.metadata.name)}.${ds.name}`, ds.columns.filter((c) => c.primaryKey).map((c) => c.name)] as [string, string[]])),
      );
      const topicOfBronze = new Map(contracts.flatMap((c) => c.datasets.flatMap((d) => (d.source.kind === "kafka" ? [[d.table, d.source.topic] as const] : []))));
      for (const t of tables.filter((x) => x.layer === "silver")) {
        const topic = t.source.kind === "bronze" ? topicOfBronze.get(t.source.table) : undefined;
        await backend.insertRows(t.table, localColumns(t), latestPerKey(primaryKeys.get(t.table) ?? [], topic ? (byTopic.get(topic) ?? []) : []));
      }
      for (const t of tables.filter((x) => x.layer === "gold")) await backend.exec(goldSql(t));
    }
    const counts: Record<string, number> = {};
    const tenants = new Set<string>();
    for (const t of tables) {
      counts[t.table] = Number((await backend.exec(`SELECT count(*) AS n FROM ${quotedTable(t.table)}`))[0].n);
      if (t.tenantKey) for (const r of await backend.exec(`SELECT DISTINCT "${t.tenantKey}" AS t FROM ${quotedTable(t.table)}`)) tenants.add(String(r.t));
    }
    return { backend, contracts, source, counts, tenants: [...tenants].sort() };
  } catch (e) {
    await backend.close();
    throw e;
  }
}
