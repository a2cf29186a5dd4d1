// Stack settings that change what the platform creates: storage managed elsewhere (aws.existingStorage), DataHub
// run elsewhere (datahub.install), and how Kafka is reached (kafka.auth), table-driven over the shipped dev config;
// then what every shipped stack file's settings read as.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { compilePlatform, domainSecretKey, meshOf, mustBeSecretConfig, readSettings, SettingsError, type Settings } from "../../lib/compile";
import { ROOT, shippedMesh } from "../helpers/settings";

const devConfig = (parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> }).config;
const read = (edit: (c: Record<string, any>) => void = () => undefined): Settings => {
  const c = structuredClone(devConfig);
  edit(c);
  return readSettings((k) => c[`lakemesh:${k}`], "Pulumi.dev.yaml");
};
const existing = (c: Record<string, any>) => c["lakemesh:aws"].existingStorage as Record<string, string>;

describe("aws.existingStorage: storage and IAM managed elsewhere", () => {
  it("points the platform at the given bucket, key and role and plans no bucket", () => {
    const s = read();
    const spec = compilePlatform(s, shippedMesh());
    expect(spec.existingStorage).toEqual(devConfig["lakemesh:aws"].existingStorage);
    expect(spec.buckets).toEqual([]);
    expect(spec.names).toMatchObject({ ucBucket: "acme-data-dev-unity-catalog", landingBucket: "acme-data-dev-landing", storageRole: "acme-data-dev-unity-catalog", storageRoleArn: "arn:aws:iam::111111111111:role/acme-data-dev-unity-catalog" });
  });

  it("plans lakemesh's own buckets without it", () => {
    const spec = compilePlatform(read((c) => delete c["lakemesh:aws"].existingStorage), meshOf([]));
    expect(spec.existingStorage).toBeNull();
    expect(spec.buckets.map((b) => b.name)).toEqual(["lakemesh-dev-uc-111111111111", "lakemesh-dev-landing-111111111111"]);
    expect(spec.names.storageRoleArn).toBe("arn:aws:iam::111111111111:role/lakemesh-dev-uc-storage");
  });

  it.each([
    ["a key in another account", (c: Record<string, any>) => (existing(c).kmsKeyArn = existing(c).kmsKeyArn.replace("111111111111", "999999999999")), "lakemesh:aws.existingStorage.kmsKeyArn: is in account 999999999999; a key of aws.accountId 111111111111"],
    ["a key in another region", (c: Record<string, any>) => (existing(c).kmsKeyArn = existing(c).kmsKeyArn.replace("eu-central-1", "us-east-1")), "lakemesh:aws.existingStorage.kmsKeyArn: is in region us-east-1; a key of aws.region eu-central-1"],
    ["a role in another account", (c: Record<string, any>) => (existing(c).storageRoleArn = "arn:aws:iam::999999999999:role/x"), "lakemesh:aws.existingStorage.storageRoleArn: is in account 999999999999; a role of aws.accountId 111111111111"],
    ["one bucket for both", (c: Record<string, any>) => (existing(c).landingBucket = existing(c).ucBucket), "lakemesh:aws.existingStorage.landingBucket: is the ucBucket too; two different buckets (landing files expire, catalog files do not)"],
    ["a key alias instead of a key ARN", (c: Record<string, any>) => (existing(c).kmsKeyArn = "alias/data"), 'lakemesh:aws.existingStorage.kmsKeyArn: "alias/data" is not allowed; the ARN of the existing KMS key both buckets are encrypted with, arn:aws:kms:<region>:<account>:key/<key id>'],
    ["a missing role", (c: Record<string, any>) => delete existing(c).storageRoleArn, "lakemesh:aws.existingStorage.storageRoleArn: missing config key; the ARN of the existing IAM role Unity Catalog assumes for both buckets, arn:aws:iam::<account>:role/<name>"],
    ["an upper-case bucket", (c: Record<string, any>) => (existing(c).ucBucket = "Data"), 'lakemesh:aws.existingStorage.ucBucket: "Data" is not allowed; the name of the existing S3 bucket Unity Catalog keeps the catalog\'s managed tables in (3 to 63 lower-case letters, digits, dots and hyphens)'],
  ])("refuses %s", (_what, edit, message) => {
    expect(() => read(edit)).toThrow(new SettingsError(`Pulumi.dev.yaml: ${message}`));
  });
});

describe("datahub.install", () => {
  it("defaults to installing DataHub; dev sends its metadata to one run elsewhere", () => {
    expect(read().datahub.install).toBe(false);
    expect(read((c) => delete c["lakemesh:datahub"].install).datahub.install).toBe(true);
  });
});

describe("kafka.auth", () => {
  const kafka = (auth: string, servers: string[]) => (c: Record<string, any>) => Object.assign(c["lakemesh:kafka"], { auth, bootstrapServers: servers });
  it.each([
    ["sasl-scram-sha512", ["b-1.example.com:9096"]],
    ["sasl-scram-sha512-plaintext", ["127.0.0.1:19092"]],
    ["plaintext", ["localhost:9092"]],
  ])("accepts %s towards %j", (auth, servers) => {
    expect(read(kafka(auth, servers)).kafka.auth).toBe(auth);
  });
  it.each(["sasl-scram-sha512-plaintext", "plaintext"])("refuses %s towards a broker on another machine", (auth) => {
    expect(() => read(kafka(auth, ["127.0.0.1:9092", "kafka-dev-1.lakemesh.internal:9096"]))).toThrow(
      new SettingsError(`Pulumi.dev.yaml: lakemesh:kafka.auth: ${auth} sends credentials or events without TLS, but kafka-dev-1.lakemesh.internal:9096 is not a local broker; sasl-scram-sha512 (TLS), or a broker on 127.0.0.1/localhost`),
    );
  });
});

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
