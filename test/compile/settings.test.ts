import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { domainSecretKey, mustBeSecretConfig, readSettings, SettingsError } from "../../lib/compile";
import { ROOT } from "../helpers/settings";

/** The lakemesh:* values of a shipped stack file, with some keys replaced. */
function settingsOf(stack: string, over: Record<string, unknown> = {}) {
  const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc.config)) if (k.startsWith("lakemesh:")) values[k.slice("lakemesh:".length)] = v;
  Object.assign(values, over);
  return () => readSettings((k) => values[k], `Pulumi.${stack}.yaml`);
}

describe("stack settings", () => {
  it("read every shipped stack file", () => {
    for (const f of fs.readdirSync(ROOT).filter((x) => /^Pulumi\..+\.yaml$/.test(x))) expect(settingsOf(f.slice(7, -5))).not.toThrow();
  });

  it("put the workspace folder outside /Shared by default, and refuse /Shared, /Users and /Repos", () => {
    expect(settingsOf("prod")().databricks.workspaceRoot).toBe("/lakemesh/prod");
    const prod = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).config["lakemesh:databricks"];
    const dbx = (root: string) => ({ databricks: { ...prod, workspaceRoot: root } });
    expect(settingsOf("prod", dbx("/data-platform/lakemesh"))().databricks.workspaceRoot).toBe("/data-platform/lakemesh");
    for (const root of ["/Shared/lakemesh/prod", "/Users/me@example.com/lakemesh", "/Repos/x", "/Workspace/Shared/lakemesh", "/Shared"]) {
      expect(settingsOf("prod", dbx(root))).toThrow(
        `Pulumi.prod.yaml: lakemesh:databricks.workspaceRoot: "${root}" is not allowed; an absolute workspace folder outside /Shared, /Users and /Repos`,
      );
    }
  });

  it("pin the ingestion image to the DataHub server's version (the chart's appVersion), and refuse another tag or an unknown chart", () => {
    expect(settingsOf("prod")().datahub.ingestionImage).toBe("acryldata/datahub-ingestion:v1.7.0");
    const dh = (over: Record<string, string>) => ({ datahub: { namespace: "datahub", gmsUrl: "http://gms:8080", ...over } });
    expect(settingsOf("prod", dh({ ingestionImage: "acryldata/datahub-ingestion:v1.2.0" }))).toThrow(
      "Pulumi.prod.yaml: lakemesh:datahub.ingestionImage: acryldata/datahub-ingestion:v1.2.0 is not the DataHub server's version v1.7.0 (chart 1.1.0); use the tag v1.7.0",
    );
    expect(settingsOf("prod", dh({ ingestionImage: "registry.example.com/datahub-ingestion:v1.7.0" }))().datahub.ingestionImage).toBe("registry.example.com/datahub-ingestion:v1.7.0");
    expect(settingsOf("prod", dh({ chartVersion: "9.9.9" }))).toThrow("lakemesh:datahub.chartVersion: 9.9.9 has no known DataHub server version; one of 1.1.0");
  });

  it("refuse ABAC policies on top of the per-table filter and masks, and say why", () => {
    expect(settingsOf("prod", { abac: true })).toThrow(SettingsError);
    expect(settingsOf("prod", { abac: true })).toThrow(
      "Pulumi.prod.yaml: lakemesh:abac: true is not allowed; false or unset: pipeline tables declare their row filter and masks themselves, and ABAC policies on the same tables would make every query fail (MULTIPLE_FILTERS, MULTIPLE_MASKS); see README, Row filters and masks",
    );
    expect(settingsOf("prod", { abac: false })).not.toThrow();
  });

  it.each([
    ["lakemesh:subjectHashSalt", true],
    [`lakemesh:${domainSecretKey("kafkaPipelinePassword", "core-business")}`, true],
    [`lakemesh:${domainSecretKey("kafkaProducerPassword", "core-business")}`, true],
    ["lakemesh:datahubKafkaPassword", true],
    ["databricks:token", true],
    ["lakemesh:kafkaPipelinePassword", true],
    ["lakemesh:kafkaPipelinePasswordcore", false],
    ["lakemesh:domain", false],
    ["lakemesh:kafka", false],
    ["other:kafkaPipelinePassword-core-business", false],
  ])("count %s as a secret that a stack file may hold only encrypted: %s", (key, secret) => {
    expect(mustBeSecretConfig(key)).toBe(secret);
  });
});
