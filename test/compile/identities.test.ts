import { compileMemberships, compilePlatform, readSettings, SettingsError, checkDomainPrincipals, ownsAccountObjects, type Settings } from "../../lib/compile";
import { compileIdentities } from "../../lib/access";
import { shippedMesh, stackSettings } from "../helpers/settings";

const prod = stackSettings("prod");
const dev = stackSettings("dev");
const mesh = shippedMesh();
const DOMAIN_SPS = mesh.domains.map((d) => prod.databricks.domainServicePrincipals[d.metadata.name]!);

describe("workload principals and their privileges (issue 12)", () => {
  it("give every domain principal and DataHub's CAN_USE on the warehouse, besides the personas (finding 1)", () => {
    const p = compilePlatform(prod, mesh);
    expect(p.warehouseUsers).toEqual(expect.arrayContaining([...DOMAIN_SPS, "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c02", ...Object.values(prod.personas)]));
    expect(p.warehouseUsers).toHaveLength(new Set([...DOMAIN_SPS, "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c02", ...Object.values(prod.personas)]).size);
  });

  it("put each domain principal in the pipelines group and its domain group, and the GDPR principal in gdpr_officer (finding 3)", () => {
    const m = compileMemberships(prod, mesh).map((x) => `${x.group} <- ${x.member}`);
    expect(m).toHaveLength(13);
    expect(m).toEqual(expect.arrayContaining(["lakemesh-prod-pipelines <- 6f1c1c4e-2b7a-4d8e-9a51-0c2f1e6b7a01", "lakemesh-prod-domain-core-business <- 6f1c1c4e-2b7a-4d8e-9a51-0c2f1e6b7a01", "lakemesh-prod-gdpr-officers <- 5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c01"]));
  });

  it("give DataHub's principal USE CATALOG and BROWSE in the authoritative catalog Grants, never SELECT (finding 8)", () => {
    expect(compilePlatform(prod, mesh).catalogGrants.find((g) => g.principal === "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c02")).toEqual({ principal: "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c02", privileges: ["BROWSE", "USE_CATALOG"] });
  });
});

describe("account-level objects (finding 4)", () => {
  it("are created only by the owning environment's platform or single stack", () => {
    expect([ownsAccountObjects(prod), ownsAccountObjects(dev), ownsAccountObjects({ ...prod, mode: "platform" }), ownsAccountObjects({ ...prod, mode: "domain", domain: "core-business" })]).toEqual([true, false, true, false]);
    expect(compilePlatform(prod, mesh).tagPolicies.map((t) => t.tagKey)).toEqual(["pii", "retention", "tenant_key", "data_domain"]);
    expect(compilePlatform(dev, mesh).tagPolicies).toEqual([]);
  });

  it("let every environment's pipelines group assign the owner's governed tags", () => {
    expect(compilePlatform(prod, mesh).account).toMatchObject({ owner: "prod", ownsAccountObjects: true, tagAssigners: ["lakemesh-dev-pipelines", "lakemesh-prod-pipelines"], tagManagers: ["lakemesh-prod-platform-admins"] });
  });

  it("make a stack that does not own them list the governed tags and ASSIGN as prerequisites of the owner", () => {
    const p = compileIdentities(dev, mesh).prerequisites.filter((x) => x.providedBy.startsWith("environment prod"));
    expect(p.map((x) => x.id)).toEqual([
      "governed-tag:data_domain",
      "governed-tag:pii",
      "governed-tag:retention",
      "governed-tag:tenant_key",
      "tag-assign:lakemesh-dev-pipelines:data_domain",
      "tag-assign:lakemesh-dev-pipelines:pii",
      "tag-assign:lakemesh-dev-pipelines:retention",
      "tag-assign:lakemesh-dev-pipelines:tenant_key",
    ]);
  });
});

describe("settings of principals and ownership", () => {
  const raw = (s: Settings) => JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
  const read = (s: Record<string, unknown>) => readSettings((k) => s[k], "Pulumi.test.yaml");
  it("refuse tagAssignerGroups on an environment that does not own the account's objects", () => {
    const s = raw(dev);
    (s.databricks as Record<string, unknown>).tagAssignerGroups = ["lakemesh-qa-pipelines"];
    expect(() => read(s)).toThrow(
      new SettingsError("Pulumi.test.yaml: lakemesh:databricks.tagAssignerGroups: set while environment dev does not own the account-level objects (databricks.accountObjectsOwner is prod); only on the owning environment's stacks"),
    );
  });
  it.each(["gdprServicePrincipal", "datahubServicePrincipal", "accountId", "accountObjectsOwner", "domainServicePrincipals"])("require databricks.%s in every environment", (key) => {
    const s = raw(dev);
    delete (s.databricks as Record<string, unknown>)[key];
    expect(() => read(s)).toThrow(new RegExp(`^Pulumi\\.test\\.yaml: lakemesh:databricks\\.${key}: missing config key; `));
  });
  it("name the file, the key and the domain when a domain has no service principal (finding 2)", () => {
    const s = { ...dev, databricks: { ...dev.databricks, domainServicePrincipals: { "core-business": "0d3f5a7c-1b2e-4c6d-8e9f-a0b1c2d3e401" } } };
    expect(() => checkDomainPrincipals(s, ["core-business", "usage-engagement", "users-identity"], "Pulumi.dev.yaml")).toThrow(
      new SettingsError(
        "Pulumi.dev.yaml: lakemesh:databricks.domainServicePrincipals.usage-engagement: missing config key (also missing: users-identity); the application id of the service principal domain usage-engagement's pipeline and job run as, required in every environment",
      ),
    );
  });
});
