import { formatError, readManifestFiles, validateMesh } from "../../lib/manifest";
import { ROOT } from "../helpers/settings";

const { files } = readManifestFiles(["domains"], ROOT);
const result = validateMesh(files);

describe("the shipped domain manifests", () => {
  it("validate clean", () => {
    expect(result.errors.map(formatError)).toEqual([]);
    expect(result.manifests.map((m) => m.manifest.metadata.name).sort()).toEqual([
      "core-business",
      "external-integrations",
      "operational-activities",
      "outcomes-performance",
      "usage-engagement",
      "users-identity",
    ]);
  });

  const datasets = result.manifests.flatMap((m) => m.manifest.spec.datasets.map((d) => ({ domain: m.manifest.metadata.name, ds: d })));

  it("hold at least 20 datasets, covering every seed entity", () => {
    expect(datasets.length).toBeGreaterThanOrEqual(20);
    const names = new Set(datasets.map((d) => `${d.domain}.${d.ds.name}`));
    for (const entity of [
      "core-business.equity_plans",
      "core-business.equity_grants",
      "core-business.equity_exercises",
      "core-business.products",
      "users-identity.users",
      "users-identity.permissions",
      "users-identity.sessions",
      "operational-activities.client_operations",
      "operational-activities.invoices",
      "operational-activities.support_tickets",
      "usage-engagement.events",
      "usage-engagement.interactions",
      "usage-engagement.feature_usage",
      "outcomes-performance.equity_kpis",
      "outcomes-performance.feature_adoption",
      "outcomes-performance.forecasts",
      "external-integrations.valuations",
      "external-integrations.compliance_screenings",
    ]) {
      expect(names).toContain(entity);
    }
  });

  it("carry personal data where such systems hold it", () => {
    const categories = (domain: string, name: string) =>
      datasets.find((d) => d.domain === domain && d.ds.name === name)!.ds.columns.flatMap((c) => (c.personalData ? [c.personalData.category] : []));
    expect(categories("users-identity", "users")).toEqual(expect.arrayContaining(["email", "name", "date_of_birth"]));
    expect(categories("core-business", "equity_grants")).toEqual(expect.arrayContaining(["identifier", "name", "email"]));
    expect(categories("core-business", "equity_exercises")).toEqual(expect.arrayContaining(["national_id"]));
    expect(categories("operational-activities", "invoices")).toEqual(expect.arrayContaining(["name", "email", "address"]));
    expect(categories("operational-activities", "support_tickets")).toEqual(expect.arrayContaining(["free_text"]));
    expect(categories("users-identity", "sessions")).toEqual(expect.arrayContaining(["online_identifier"]));
  });

  it("have outcomes gold datasets that read other domains' silver datasets", () => {
    const outcomes = result.manifests.find((m) => m.manifest.metadata.name === "outcomes-performance")!.manifest;
    const crossReads = outcomes.spec.datasets
      .filter((d) => d.layer === "gold")
      .flatMap((d) => (d.source.datasets ?? []).filter((r) => r.domain && r.domain !== "outcomes-performance"));
    expect(crossReads.length).toBeGreaterThanOrEqual(3);
    for (const r of crossReads) {
      const producer = datasets.find((d) => d.domain === r.domain && d.ds.name === r.dataset)!;
      expect(producer.ds.layer).toBe("silver");
    }
  });
});
