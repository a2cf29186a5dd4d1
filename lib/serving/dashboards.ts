// The embedded AI/BI dashboards: one per view the product shows a client (adoption, KPIs, forecasts), built from the
// gold and silver datasets the manifests publish to the BI persona. Every dataset query filters the tenant key on
// `__aibi_external_value`, which the API sets to the viewer's tenant when it mints the embed token
// (https://docs.databricks.com/aws/en/dashboards/embedding/external-embed). Pure: the serialized dashboard is
// deterministic text, checked by policy (lm-aibi-dataset-external-value) and run locally by the stand-in.
import { tenantKeyOf, type Dataset } from "../manifest";
import type { Mesh } from "../compile/model";
import { schemaName } from "../compile/naming";
import { qualified } from "../sql";

/** The variable AI/BI sets from the token's external value. */
export const EXTERNAL_VALUE = "__aibi_external_value";

type Chart = { readonly kind: "bar" | "line"; readonly x: string; readonly y: string; readonly color?: string };

interface ViewDataset {
  /** `<domain>.<dataset>` */
  readonly ref: string;
  readonly title: string;
  readonly chart?: Chart;
}

interface View {
  readonly name: string;
  readonly title: string;
  readonly datasets: readonly ViewDataset[];
}

/** The views the product embeds; a dataset missing from the mesh (or not published to BI) is left out. */
export const DASHBOARD_VIEWS: readonly View[] = [
  {
    name: "adoption",
    title: "Product adoption",
    datasets: [
      { ref: "outcomes-performance.feature_adoption", title: "Adopting users per feature and department", chart: { kind: "bar", x: "feature_key", y: "adopting_users", color: "department" } },
      { ref: "usage-engagement.feature_usage_daily", title: "Daily users per feature", chart: { kind: "line", x: "usage_date", y: "users", color: "feature_key" } },
    ],
  },
  {
    name: "kpis",
    title: "Equity and engagement KPIs",
    datasets: [
      { ref: "outcomes-performance.equity_kpis", title: "Grants and shares per plan type", chart: { kind: "bar", x: "plan_type", y: "shares_granted" } },
      { ref: "outcomes-performance.engagement_kpis", title: "Daily active users", chart: { kind: "line", x: "event_date", y: "active_users" } },
      { ref: "users-identity.daily_active_users", title: "Daily active users (sessions)" },
    ],
  },
  {
    name: "forecasts",
    title: "Forecasts",
    datasets: [{ ref: "outcomes-performance.forecasts", title: "Forecasts per metric", chart: { kind: "line", x: "period_start", y: "predicted_value", color: "metric" } }],
  },
];

export interface DashboardDatasetSpec {
  /** Dataset name inside the dashboard. */
  readonly name: string;
  readonly displayName: string;
  /** catalog.schema.table it reads. */
  readonly table: string;
  readonly tenantKey: string;
  /** Columns shown (never the tenant key or a personal column), with their manifest types. */
  readonly columns: readonly { readonly name: string; readonly physicalType: string }[];
  /** The query text, filtering the tenant key on the external value. */
  readonly query: string;
}

export interface DashboardSpec {
  readonly resourceName: string;
  /** The view's name, the API's dashboard identifier (`/v1/dashboards/<name>`). */
  readonly name: string;
  readonly displayName: string;
  readonly datasets: readonly DashboardDatasetSpec[];
  /** The serialized dashboard (Lakeview JSON: datasets with queryLines, one canvas page of widgets). */
  readonly serialized: string;
}

function findDataset(mesh: Mesh, ref: string): { domain: string; ds: Dataset } | undefined {
  const [domain, name] = ref.split(".");
  const ds = mesh.byName.get(domain)?.spec.datasets.find((d) => d.name === name);
  return ds ? { domain, ds } : undefined;
}

/** The query of a dashboard dataset: its columns, only the external value's tenant. */
export function dashboardQuery(table: string, tenantKey: string, columns: readonly string[]): string {
  return `SELECT ${columns.map((c) => qualified(c)).join(", ")}\nFROM ${qualified(...table.split("."))}\nWHERE ${qualified(tenantKey)} = ${EXTERNAL_VALUE}\n`;
}

function widgets(datasets: readonly (DashboardDatasetSpec & { chart?: Chart })[]) {
  const layout: unknown[] = [];
  let y = 0;
  for (const d of datasets) {
    if (d.chart) {
      const c = d.chart;
      const fields = [c.x, c.y, ...(c.color ? [c.color] : [])].map((f) => ({ name: f, expression: `\`${f}\`` }));
      layout.push({
        widget: {
          name: `${d.name}-chart`,
          queries: [{ name: "main_query", query: { datasetName: d.name, fields, disaggregated: true } }],
          spec: {
            version: 3,
            widgetType: c.kind,
            encodings: {
              x: { fieldName: c.x, scale: { type: /date|_start$/.test(c.x) ? "temporal" : "categorical" }, displayName: c.x },
              y: { fieldName: c.y, scale: { type: "quantitative" }, displayName: c.y },
              ...(c.color ? { color: { fieldName: c.color, scale: { type: "categorical" }, displayName: c.color } } : {}),
            },
            frame: { showTitle: true, title: d.displayName },
          },
        },
        position: { x: 0, y, width: 6, height: 6 },
      });
    }
    layout.push({
      widget: {
        name: `${d.name}-table`,
        queries: [{ name: "main_query", query: { datasetName: d.name, fields: d.columns.map((f) => ({ name: f.name, expression: `\`${f.name}\`` })), disaggregated: true } }],
        spec: { version: 2, widgetType: "table", encodings: { columns: d.columns.map((f) => ({ fieldName: f.name, displayName: f.name })) }, frame: { showTitle: true, title: d.displayName } },
      },
      position: { x: d.chart ? 6 : 0, y, width: d.chart ? 6 : 12, height: 6 },
    });
    y += 6;
  }
  return layout;
}

/**
 * The dashboards of a stack. Only tenant datasets whose `access` lists `bi_service` are used (the principals that
 * view embedded dashboards form that persona); the tenant key is never shown, since it is always the viewer's.
 */
export function compileDashboards(catalog: string, mesh: Mesh): DashboardSpec[] {
  const out: DashboardSpec[] = [];
  for (const view of DASHBOARD_VIEWS) {
    const datasets = view.datasets.flatMap((v) => {
      const found = findDataset(mesh, v.ref);
      if (!found) return [];
      const { domain, ds } = found;
      const tk = tenantKeyOf(ds);
      if (!tk || !(ds.access ?? []).includes("bi_service") || ds.contract.lifecycle !== "active") return [];
      // Personal columns stay out of dashboards: views are aggregates for the tenant's admins.
      const columns = ds.columns.filter((c) => c.name !== tk && !c.personalData && c.physicalType !== "BINARY" && !/^(ARRAY|MAP)</.test(c.physicalType)).map((c) => ({ name: c.name, physicalType: c.physicalType }));
      const names = columns.map((c) => c.name);
      if (v.chart && ![v.chart.x, v.chart.y, v.chart.color].filter((x): x is string => !!x).every((c) => names.includes(c))) return [];
      const table = `${catalog}.${schemaName(domain)}.${ds.name}`;
      return [{ name: ds.name, displayName: v.title, table, tenantKey: tk, columns, query: dashboardQuery(table, tk, names), chart: v.chart }];
    });
    if (datasets.length === 0) continue;
    const serialized = JSON.stringify({
      datasets: datasets.map((d) => ({ name: d.name, displayName: d.displayName, queryLines: d.query.split(/(?<=\n)/) })),
      pages: [{ name: view.name, displayName: view.title, pageType: "PAGE_TYPE_CANVAS", layout: widgets(datasets) }],
    });
    out.push({
      resourceName: `dashboard-${view.name}`,
      name: view.name,
      displayName: view.title,
      datasets: datasets.map(({ chart: _chart, ...d }) => d),
      serialized,
    });
  }
  return out;
}

/** Dataset queries of a serialized dashboard (joined queryLines), for checks that see only the resource. */
export function serializedQueries(serialized: string): { name: string; query: string }[] {
  const doc = JSON.parse(serialized) as { datasets?: { name?: string; queryLines?: string[]; query?: string }[] };
  return (doc.datasets ?? []).map((d) => ({ name: String(d.name), query: d.queryLines ? d.queryLines.join("") : String(d.query ?? "") }));
}
