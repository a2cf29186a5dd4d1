import { compileContract, maskKey, meshPlatformNames, platformNames, renderGovernanceSql, type Category, type ContractDataset } from "../../lib/compile";
import { shippedMesh, fixtureMesh, stackSettings } from "../helpers/settings";

const s = stackSettings("prod");
const names = meshPlatformNames(s.catalog, shippedMesh());
const contracts = shippedMesh().domains.map((d) => compileContract(s, names, d));
const all: ContractDataset[] = contracts.flatMap((c) => c.datasets);

describe("compileContract (shipped domains, prod)", () => {
  it("declares a bronze table per topic, the tenant quarantine, then silver, then gold", () => {
    const core = contracts.find((c) => c.domain === "core-business")!;
    expect(core.datasets.map((d) => `${d.layer}:${d.name}`)).toEqual([
      "bronze:bronze_equity_plans",
      "bronze:bronze_equity_grants",
      "bronze:bronze_equity_exercises",
      "bronze:bronze_products",
      "bronze:lm__tenant_quarantine",
      "silver:equity_plans",
      "silver:equity_grants",
      "silver:equity_exercises",
      "silver:products",
      "gold:plan_grant_summary",
    ]);
  });

  it("puts the tenant row filter on every tenant table, and none on shared ones", () => {
    for (const d of all) {
      if (d.legalHold) expect(d.rowFilter).toBe(`ROW FILTER \`lakemesh_prod\`.\`governance\`.\`tenant_filter_held\` ON (\`${d.tenantKey}\`, \`${d.subjectKey}\`)`);
      else if (d.tenantKey) expect(d.rowFilter).toBe(`ROW FILTER \`lakemesh_prod\`.\`governance\`.\`tenant_filter\` ON (\`${d.tenantKey}\`)`);
      else expect(d.rowFilter).toBeNull();
    }
    // 33 bronze, silver and gold tenant tables, and each domain's tenant quarantine.
    expect(all.filter((d) => d.tenantKey).length).toBe(39 + 6);
    expect(all.filter((d) => !d.tenantKey).map((d) => d.name).sort()).toEqual(["bronze_market_prices", "bronze_products", "market_prices", "products"]);
  });

  it("gives the tables of held datasets the legal-hold filter on tenant and subject key, and refuses a full refresh of held silver (issue 14 item 4)", () => {
    const held = all.filter((d) => d.legalHold);
    expect(held.map((d) => `${d.table} ${d.legalHold!.period}`).sort()).toEqual([
      "lakemesh_prod.core_business.equity_exercises P10Y",
      "lakemesh_prod.external_integrations.compliance_screenings P5Y",
      "lakemesh_prod.operational_activities.invoices P10Y",
      "lakemesh_prod.users_identity.users P3Y",
    ]);
    for (const d of held) {
      expect(d.layer).toBe("silver");
      expect(d.tableProperties["pipelines.reset.allowed"]).toBe("false");
    }
    // Every other silver and gold table may be fully refreshed, and takes the plain tenant filter; bronze never resets.
    for (const d of all.filter((x) => !x.legalHold && x.layer !== "bronze")) expect(d.tableProperties["pipelines.reset.allowed"]).toBeUndefined();
    expect(all.filter((d) => d.layer === "bronze" && d.kind === "streaming_table").every((d) => d.tableProperties["pipelines.reset.allowed"] === "false" && d.legalHold === null)).toBe(true);
  });

  it("masks every personal column of a tenant table with its category's function of its type, keyed by the row's tenant", () => {
    let masked = 0;
    for (const d of all) {
      for (const c of d.columns.filter((x) => x.personalData)) {
        expect(d.tenantKey).not.toBeNull();
        const key = maskKey(c.personalData!.category as Category, c.type);
        expect(c.mask).toBe(`lakemesh_prod.governance.mask_${key}`);
        expect(d.schema).toContain(`\`${c.name}\` ${c.type}`);
        const clause = "`" + c.name + "` " + c.type.replace(/[()]/g, "\\$&") + "( NOT NULL)? COMMENT '[^']*' MASK `lakemesh_prod`.`governance`.`mask_" + key + "` USING COLUMNS \\(`" + d.tenantKey + "`\\)";
        expect(d.schema).toMatch(new RegExp(clause));
        masked++;
      }
    }
    expect(masked).toBeGreaterThan(40);
    const tax = all.find((d) => d.name === "equity_exercises")!.columns.find((c) => c.name === "tax_withheld")!;
    expect(tax.mask).toBe("lakemesh_prod.governance.mask_financial_decimal_18_2");
  });

  it("tags each personal column pii with the key of its mask, so an ABAC mask policy matches only columns of its type", () => {
    const core = contracts.find((c) => c.domain === "core-business")!;
    const sql = renderGovernanceSql(core, []);
    expect(sql).toContain("ALTER STREAMING TABLE `lakemesh_prod`.`core_business`.`equity_exercises` ALTER COLUMN `tax_withheld` SET TAGS ('pii' = 'financial_decimal_18_2', 'retention' = 'P10Y');");
    expect(sql).toContain("ALTER STREAMING TABLE `lakemesh_prod`.`core_business`.`equity_exercises` ALTER COLUMN `payout_iban` SET TAGS ('pii' = 'financial', 'retention' = 'P10Y');");
  });

  it("puts the reason of a column declared not personal into its comment (Unity Catalog, DataHub)", () => {
    const sessions = all.find((d) => d.name === "sessions")!;
    expect(sessions.columns.find((c) => c.name === "country_code")!.comment).toBe(
      "Country derived from the IP address. Not personal data: ISO 3166 country only: shared by millions of people, it identifies no one; the IP address it comes from is ip_address.",
    );
  });

  it("refuses a numeric personal column whose mask the platform does not declare", () => {
    expect(() => shippedMesh().domains.map((d) => compileContract(s, platformNames(s.catalog), d))).toThrow(
      "the platform declares no mask for financial columns of type DECIMAL(18,2) (mask_financial_decimal_18_2); it declares one per (category, type) of its mesh: deploy the platform stack with this manifest first",
    );
  });

  it("keeps no Delta statistics on personal columns or raw payloads", () => {
    for (const d of all) {
      const stats = d.tableProperties["delta.dataSkippingStatsColumns"].split(",");
      for (const c of d.columns) if (c.personalData || c.name === "value") expect(stats).not.toContain(c.name);
      expect(stats.length).toBeGreaterThan(0);
    }
  });

  it("turns change data feed off, explicitly, on every table with personal data (issue 13, item 9)", () => {
    const personal = all.filter((d) => d.columns.some((c) => c.personalData));
    expect(personal.length).toBeGreaterThan(20);
    for (const d of personal) expect([d.table, d.tableProperties["delta.enableChangeDataFeed"]]).toEqual([d.table, "false"]);
    for (const d of all.filter((x) => !personal.includes(x))) expect([d.table, d.tableProperties["delta.enableChangeDataFeed"]]).toEqual([d.table, undefined]);
  });

  it("enables deletion vectors and bounds file and log retention", () => {
    for (const d of all) {
      expect(d.tableProperties["delta.enableDeletionVectors"]).toBe("true");
      expect(d.tableProperties["delta.deletedFileRetentionDuration"]).toBe("interval 168 hours");
      expect(d.tableProperties["delta.logRetentionDuration"]).toBe("interval 30 days");
    }
  });

  it("never lets a full refresh reset bronze (Kafka no longer has what it dropped)", () => {
    for (const d of all.filter((x) => x.source.kind === "kafka")) expect(d.tableProperties["pipelines.reset.allowed"]).toBe("false");
  });

  it("always requires a tenant, and drops rows missing required fields", () => {
    const grants = all.find((d) => d.name === "equity_grants")!;
    expect(grants.expectations).toEqual([
      { name: "lm__valid_tenant", predicate: "tenant_id IS NOT NULL", action: "drop" },
      { name: "lm__required__grant_id", predicate: "grant_id IS NOT NULL", action: "drop" },
      { name: "lm__required__plan_id", predicate: "plan_id IS NOT NULL", action: "drop" },
      { name: "lm__required__holder_user_id", predicate: "holder_user_id IS NOT NULL", action: "drop" },
      { name: "lm__required__grant_date", predicate: "grant_date IS NOT NULL", action: "drop" },
      { name: "lm__required__grant_type", predicate: "grant_type IS NOT NULL", action: "drop" },
      { name: "lm__required__shares_granted", predicate: "shares_granted IS NOT NULL", action: "drop" },
      { name: "lm__required__status", predicate: "status IS NOT NULL", action: "drop" },
      { name: "lm__required__updated_at", predicate: "updated_at IS NOT NULL", action: "drop" },
      { name: "positive_shares", predicate: "shares_granted > 0", action: "drop" },
      { name: "non_negative_strike", predicate: "strike_price IS NULL OR strike_price >= 0", action: "drop" },
      { name: "grant_not_in_future", predicate: "grant_date <= current_date()", action: "warn" },
    ]);
  });

  it("clusters by the tenant key first", () => {
    for (const d of all.filter((x) => x.tenantKey && x.partitionBy.length === 0)) expect(d.clusterBy[0]).toBe(d.tenantKey);
  });

  it("reads bronze from Kafka with the extracted keys, silver from bronze skipping erasure commits, gold by aggregate", () => {
    const b = all.find((d) => d.name === "bronze_equity_grants")!;
    expect(b.source).toEqual({ kind: "kafka", topic: "core-business.equity-grants.v2", tenantField: "tenant_id", subjectField: "holder_user_id" });
    const silver = all.find((d) => d.name === "equity_grants")!;
    expect(silver.source).toMatchObject({ kind: "bronze", table: "lakemesh_prod.core_business.bronze_equity_grants", readOptions: { skipChangeCommits: "true" }, registeredTenantsOnly: true });
    const kpis = all.find((d) => d.name === "equity_kpis")!;
    expect(kpis.source).toEqual({
      kind: "aggregate",
      inputs: [
        { table: "lakemesh_prod.core_business.equity_grants", join: null, currentOnly: false },
        { table: "lakemesh_prod.core_business.equity_plans", join: { on: ["tenant_id", "plan_id"], type: "inner" }, currentOnly: false },
      ],
      filter: null,
      groupBy: ["tenant_id", "plan_type"],
      measures: [
        { name: "grants", function: "count", column: null },
        { name: "shares_granted", function: "sum", column: "shares_granted" },
        { name: "grant_holders", function: "count_distinct", column: "holder_user_id" },
      ],
      registeredTenantsOnly: true,
    });
    expect(kpis.upstream).toEqual(["lakemesh_prod.core_business.equity_grants", "lakemesh_prod.core_business.equity_plans"]);
  });

  it("replaces quotes and backslashes in comments instead of escaping them", () => {
    const mesh = fixtureMesh();
    const alpha = structuredClone(mesh.byName.get("alpha")!);
    (alpha.spec.datasets[0].columns[3] as { description: string }).description = "It's a region\\'); DROP TABLE x; --";
    const d = compileContract(s, names, alpha).datasets.find((x) => x.name === "accounts")!;
    expect(d.schema).toContain("`region` STRING COMMENT 'It\u2019s a region/\u2019); DROP TABLE x; --'");
  });

  it("keys silver with a primary key by the tenant key and the key, ordered by sequenceBy; bronze and gold are not keyed", () => {
    expect(all.find((d) => d.name === "equity_grants")!.keyed).toEqual({ keys: ["tenant_id", "grant_id"], sequenceBy: "updated_at", scdType: 1 });
    expect(all.find((d) => d.name === "products")!.keyed).toEqual({ keys: ["product_id"], sequenceBy: "updated_at", scdType: 1 });
    for (const d of all.filter((x) => x.layer !== "silver")) expect(d.keyed).toBeNull();
  });

  it("declares __START_AT and __END_AT typed as the sequence column on an SCD type 2 target, and gold reads its current rows", () => {
    const alpha = structuredClone(fixtureMesh().byName.get("alpha")!);
    (alpha.spec.datasets[0] as { scdType?: number }).scdType = 2;
    const c = compileContract(s, names, alpha);
    const accounts = c.datasets.find((x) => x.name === "accounts")!;
    expect(accounts.keyed).toEqual({ keys: ["tenant_id", "account_id"], sequenceBy: "updated_at", scdType: 2 });
    expect(accounts.schema).toMatch(/, `__START_AT` TIMESTAMP COMMENT '[^']+', `__END_AT` TIMESTAMP COMMENT '[^']+'$/);
    const gold = c.datasets.find((x) => x.name === "balances_by_region")!;
    expect(gold.source.kind === "aggregate" && gold.source.inputs.map((i) => i.currentOnly)).toEqual([true]);
  });

  it("counts unregistered tenants' bronze events in a quarantine view that ends the domain job's SQL", () => {
    const core = contracts.find((c) => c.domain === "core-business")!;
    const q = core.datasets.find((d) => d.source.kind === "quarantine")!;
    // products is shared reference data (no tenant): its bronze holds no tenant to hold back.
    expect(q.source).toEqual({ kind: "quarantine", inputs: ["bronze_equity_plans", "bronze_equity_grants", "bronze_equity_exercises"].map((t) => `lakemesh_prod.core_business.${t}`) });
    expect(q.kind).toBe("materialized_view");
    const sql = renderGovernanceSql(core, []).trimEnd().split("\n");
    expect(sql[sql.length - 1]).toBe("SELECT tenant_id, kafka_topic, events, first_event_at, last_event_at FROM `lakemesh_prod`.`core_business`.`lm__tenant_quarantine` ORDER BY tenant_id, kafka_topic;");
  });

  it("gives the same bytes for the same inputs", () => {
    const again = shippedMesh().domains.map((d) => JSON.stringify(compileContract(s, names, d)));
    expect(again).toEqual(contracts.map((c) => JSON.stringify(c)));
  });
});
