// Stack settings that change what the platform creates: storage managed elsewhere (aws.existingStorage), DataHub
// run elsewhere (datahub.install), and how Kafka is reached (kafka.auth), table-driven over the shipped dev config;
// then what every shipped stack file's settings read as.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
  checkExistingScramSecrets,
  compileKafkaCredentials,
  compilePlatform,
  domainSecretKey,
  meshOf,
  meshScramUsers,
  mustBeSecretConfig,
  readSettings,
  scramProvisioning,
  SettingsError,
  type Settings,
} from "../../lib/compile";
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

describe("kafka.existingScramSecrets: MSK SCRAM secrets managed elsewhere", () => {
  const prodConfig = (parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> }).config;
  const arn = (user: string, account = "222222222222", region = "eu-central-1") => `arn:aws:secretsmanager:${region}:${account}:secret:AmazonMSK_${user}-Ab12Cd`;
  const readProd = (edit: (c: Record<string, any>) => void) => {
    const c = structuredClone(prodConfig);
    edit(c);
    return readSettings((k) => c[`lakemesh:${k}`], "Pulumi.prod.yaml");
  };
  const secrets = (map: Record<string, string>) => (c: Record<string, any>) => (c["lakemesh:kafka"].existingScramSecrets = map);
  const users = (s: Settings) => meshScramUsers(s, shippedMesh().domains);

  it("needs a secret for every SCRAM user of the mesh and reads no producer password", () => {
    const full = readProd(() => undefined);
    expect(scramProvisioning(full)).toBe("msk");
    const all = users(full);
    expect(all).toContain("lakemesh-core-business-pipeline");
    expect(all).toContain("lakemesh-datahub");
    const s = readProd(secrets(Object.fromEntries(all.map((u) => [u, arn(u)]))));
    expect(scramProvisioning(s)).toBe("msk-existing");
    expect(() => checkExistingScramSecrets(s, all, "Pulumi.prod.yaml")).not.toThrow();
    const c = compileKafkaCredentials(s, shippedMesh().byName.get("core-business")!)!;
    expect(c.kms).toBeNull();
    expect(c.users.map((u) => [u.role, u.passwordKey, u.mskSecretName, u.mskSecretArn])).toEqual([
      ["pipeline", "kafkaPipelinePassword-core-business", null, arn("lakemesh-core-business-pipeline")],
      ["producer", null, null, arn("lakemesh-core-business-producer")],
    ]);
  });

  it("names the first missing user, and refuses a user the mesh does not have", () => {
    const all = users(readProd(() => undefined));
    const some = readProd(secrets({ [all[0]]: arn(all[0]) }));
    expect(() => checkExistingScramSecrets(some, all, "Pulumi.prod.yaml")).toThrow(
      new SettingsError(`Pulumi.prod.yaml: lakemesh:kafka.existingScramSecrets.${all[1]}: missing config key (also missing: ${all.slice(2).join(", ")}); the ARN of the existing AmazonMSK_ secret of Kafka user ${all[1]}`),
    );
    const extra = readProd(secrets({ ...Object.fromEntries(all.map((u) => [u, arn(u)])), "lakemesh-core-busines-pipeline": arn("x") }));
    expect(() => checkExistingScramSecrets(extra, all, "Pulumi.prod.yaml")).toThrow(/kafka\.existingScramSecrets\.lakemesh-core-busines-pipeline: not a Kafka user of this mesh; one of lakemesh-/);
  });

  it.each([
    ["a secret in another account", secrets({ "lakemesh-datahub": arn("lakemesh-datahub", "999999999999") }), "lakemesh:kafka.existingScramSecrets.lakemesh-datahub: is in account 999999999999; a secret of aws.accountId 222222222222"],
    ["a secret outside the cluster's region", secrets({ "lakemesh-datahub": arn("lakemesh-datahub", "222222222222", "eu-west-1") }), "lakemesh:kafka.existingScramSecrets.lakemesh-datahub: is in region eu-west-1; a secret in the MSK cluster's region eu-central-1"],
    [
      "a secret without the AmazonMSK_ prefix",
      secrets({ "lakemesh-datahub": "arn:aws:secretsmanager:eu-central-1:222222222222:secret:lakemesh-datahub-Ab12Cd" }),
      'lakemesh:kafka.existingScramSecrets.lakemesh-datahub: "arn:aws:secretsmanager:eu-central-1:222222222222:secret:lak... is not allowed; the ARN of an existing Secrets Manager secret whose name starts with AmazonMSK_ (MSK requires the prefix), arn:aws:secretsmanager:<region>:<account>:secret:AmazonMSK_<name>-<suffix>',
    ],
    [
      "existing secrets on a broker lakemesh manages users on",
      (c: Record<string, any>) => {
        secrets({ "lakemesh-datahub": arn("lakemesh-datahub") })(c);
        c["lakemesh:kafka"].scramCredentials = "kafka-api";
      },
      "lakemesh:kafka.existingScramSecrets: set while kafka.auth is sasl-scram-sha512 and kafka.scramCredentials is kafka-api; only with auth sasl-scram-sha512 and scramCredentials msk",
    ],
    ["an empty mapping", secrets({}), "lakemesh:kafka.existingScramSecrets: {} is not allowed; SCRAM secrets managed outside lakemesh (with scramCredentials msk): a mapping of Kafka user name (<principalPrefix><domain>-pipeline, <principalPrefix><domain>-producer, <principalPrefix>datahub) to the ARN of its existing, cluster-associated AmazonMSK_ secret"],
  ])("refuses %s", (_what, edit, message) => {
    expect(() => readProd(edit)).toThrow(new SettingsError(`Pulumi.prod.yaml: ${message}`));
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

  it("keep subject-access exports 7 days by default, at most 30, and refuse anything else with the allowed range", () => {
    expect(settingsOf("prod")().databricks.gdprExportRetentionDays).toBe(7);
    const prod = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).config["lakemesh:databricks"];
    const days = (d: unknown) => ({ databricks: { ...prod, gdprExportRetentionDays: d } });
    expect(settingsOf("prod", days(30))().databricks.gdprExportRetentionDays).toBe(30);
    expect(settingsOf("prod", days(1))().databricks.gdprExportRetentionDays).toBe(1);
    const allowed = "days a subject-access export stays in the GDPR volume before the nightly retention job deletes it (1 to 30; GDPR's one-month answer deadline); default 7";
    for (const d of [0, 31, 7.5, "7"]) {
      expect(settingsOf("prod", days(d))).toThrow(`Pulumi.prod.yaml: lakemesh:databricks.gdprExportRetentionDays: ${JSON.stringify(d)} is not allowed; ${allowed}`);
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
