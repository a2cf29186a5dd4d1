import fc from "fast-check";
import { compileAcls, compileKafkaCredentials, compilePipeline, compileTopics, meshOf } from "../../lib/compile";
import { syntheticDomain } from "../../bench/synthetic";
import { fixtureMesh, shippedMesh, stackSettings } from "../helpers/settings";

const prod = stackSettings("prod");
const dev = stackSettings("dev");

describe("compileTopics", () => {
  it("names topics <domain>.<entity>.v<major of the fed dataset> with bounded, delete-only config", () => {
    const mesh = fixtureMesh();
    expect(compileTopics(prod, mesh.byName.get("alpha")!)).toEqual([
      {
        resourceName: "alpha.accounts.v1",
        name: "alpha.accounts.v1",
        logicalName: "accounts",
        partitions: 3,
        replicationFactor: 3,
        personalData: true,
        retentionMs: 604800000,
        segmentMs: 86400000,
        config: {
          "cleanup.policy": "delete",
          "retention.ms": "604800000",
          "segment.ms": "86400000",
          "min.insync.replicas": "2",
          "unclean.leader.election.enable": "false",
          "message.timestamp.type": "LogAppendTime",
        },
      },
    ]);
  });

  it("takes replication and min ISR from the stack", () => {
    const t = compileTopics(dev, fixtureMesh().byName.get("alpha")!)[0];
    expect([t.replicationFactor, t.config["min.insync.replicas"]]).toEqual([1, "1"]);
  });

  it("uses the dataset's contract major in the topic name", () => {
    const names = shippedMesh().domains.flatMap((d) => compileTopics(prod, d).map((t) => t.name));
    expect(names).toContain("core-business.equity-grants.v2");
    expect(names).toContain("operational-activities.invoices.v3");
  });

  it("never keeps segments longer than retention", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.constantFrom("PT", "P"), (n, unit) => {
        const d = syntheticDomain(0, 2);
        (d.spec.topics![0] as { retention: string }).retention = unit === "PT" ? `PT${n}H` : `P${n}D`;
        const t = compileTopics(prod, d)[0];
        expect(t.segmentMs).toBeLessThanOrEqual(t.retentionMs);
        expect(Number(t.config["segment.ms"])).toBeLessThanOrEqual(Number(t.config["retention.ms"]));
      }),
    );
  });
});

describe("compileAcls", () => {
  it("lets producers write and the domain pipeline read its topics under its group prefix, and nothing else", () => {
    const mesh = fixtureMesh();
    const acls = compileAcls(prod, mesh.byName.get("alpha")!).map((a) => `${a.principal} ${a.operation} ${a.resourceType}:${a.patternType}:${a.resourceNameValue}`);
    // No IdempotentWrite on the cluster: WRITE on the topic is enough for an idempotent producer since broker 2.8 (KIP-679).
    expect(acls).toEqual([
      "User:lakemesh-alpha-producer Write Topic:Prefixed:alpha.",
      "User:lakemesh-alpha-producer Describe Topic:Prefixed:alpha.",
      "User:lakemesh-alpha-pipeline Read Topic:Prefixed:alpha.",
      "User:lakemesh-alpha-pipeline Describe Topic:Prefixed:alpha.",
      "User:lakemesh-alpha-pipeline Read Group:Prefixed:lakemesh.prod.alpha.",
    ]);
  });

  // Issue 15, item 2: a personal topic's raw events are its owner's pipeline's alone. Even the owner's publication
  // (publishedTo) plans no Read: it is consent to declare the dependency, and no pipeline reads another's topic.
  it.each([
    ["a topic without personal data", false, false],
    ["a personal topic the owner does not publish", true, false],
    ["a personal topic the owner publishes to the reader", true, true],
  ])("grants a domain that declares %s read nothing on it: no pipeline reads another domain's topic", (_, personal, published) => {
    const alpha = syntheticDomain(0, 3);
    const beta = syntheticDomain(1, 2);
    const topic = alpha.spec.topics!.find((t) => t.name === "entity-1")!;
    topic.personalData = personal;
    if (published) topic.publishedTo = [{ domain: beta.metadata.name, purpose: "Replay." }];
    beta.spec.consumers = [{ domain: alpha.metadata.name, topics: ["entity-1"], purpose: "Replay." }];
    const mesh = meshOf([alpha, beta]);
    const all = mesh.domains.flatMap((d) => compileAcls(prod, d));
    expect(all.filter((a) => a.principal.includes("synthetic-0001") && a.resourceNameValue.startsWith("synthetic-0000"))).toEqual([]);
    // Every read is by the topic's own domain pipeline.
    for (const a of all.filter((x) => x.operation === "Read" && x.resourceType === "Topic")) expect(a.principal).toBe(`User:lakemesh-${a.resourceNameValue.replace(/\.$/, "")}-pipeline`);
  });

  it("grants nothing to a domain without topics", () => {
    const d = syntheticDomain(2, 2);
    d.spec.topics = [];
    expect(compileAcls(prod, d)).toEqual([]);
  });

  it("gives every ACL a unique resource name", () => {
    const mesh = shippedMesh();
    const names = mesh.domains.flatMap((d) => compileAcls(prod, d).map((a) => a.resourceName));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("compileKafkaCredentials", () => {
  const mesh = fixtureMesh();
  const alpha = mesh.byName.get("alpha")!;

  it("creates the producer's and the pipeline's SCRAM users through the Kafka API, and the pipeline's own secret scope (dev)", () => {
    expect(compileKafkaCredentials(dev, alpha)).toEqual({
      mechanism: "SCRAM-SHA-512",
      provisioning: "kafka-api",
      mskClusterArn: null,
      users: [
        { resourceName: "alpha-kafka-user-pipeline", role: "pipeline", username: "lakemesh-alpha-pipeline", passwordKey: "kafkaPipelinePassword-alpha", mskSecretName: null, mskSecretArn: null },
        { resourceName: "alpha-kafka-user-producer", role: "producer", username: "lakemesh-alpha-producer", passwordKey: "kafkaProducerPassword-alpha", mskSecretName: null, mskSecretArn: null },
      ],
      scope: { resourceName: "alpha-kafka-secret-scope", name: "lakemesh-kafka-alpha", usernameKey: "pipeline-username", passwordKey: "pipeline-password", managers: ["lakemesh-dev-platform-admins"], readers: ["a1a1a1a1-0000-4000-8000-00000000a001"] },
      kms: null,
    });
  });

  it("on MSK, names each user's secret AmazonMSK_<user>, encrypts them with the domain's own key, and lets the domain's service principal read the scope", () => {
    const c = compileKafkaCredentials(prod, alpha)!;
    expect(c.provisioning).toBe("msk");
    expect(c.mskClusterArn).toMatch(/^arn:aws:kafka:eu-central-1:222222222222:cluster\//);
    expect(c.users.map((u) => u.mskSecretName)).toEqual(["AmazonMSK_lakemesh-alpha-pipeline", "AmazonMSK_lakemesh-alpha-producer"]);
    expect(c.kms).toEqual({ resourceName: "alpha-kms-kafka-scram", alias: "alias/lakemesh-prod-alpha-kafka-scram" });
    expect(compileKafkaCredentials({ ...prod, databricks: { ...prod.databricks, domainServicePrincipals: { alpha: "11111111-2222-3333-4444-555555555555" } } }, alpha)!.scope.readers).toEqual([
      "11111111-2222-3333-4444-555555555555",
    ]);
  });

  it("needs none on a plaintext broker or for a domain without topics", () => {
    expect(compileKafkaCredentials({ ...dev, kafka: { ...dev.kafka, auth: "plaintext" } }, alpha)).toBeNull();
    expect(compileKafkaCredentials(prod, mesh.byName.get("beta")!)).toBeNull();
  });

  it("gives the pipeline the scope and key names of its secrets, never a value or a {{secrets/}} reference", () => {
    const conf = compilePipeline(prod, alpha, ["notebooks/pipelines/lakemesh_pipeline.py"]).pipeline.secretNames;
    expect(conf).toEqual({
      "lakemesh.kafka.sasl_password_key": "pipeline-password",
      "lakemesh.kafka.sasl_username_key": "pipeline-username",
      "lakemesh.kafka.secret_scope": "lakemesh-kafka-alpha",
      "lakemesh.subject_salt.secret_key": "subject-salt",
      "lakemesh.subject_salt.secret_scope": "lakemesh-gdpr",
    });
  });
});
