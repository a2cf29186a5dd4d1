import fc from "fast-check";
import { compileAcls, compileTopics, meshOf } from "../../lib/compile";
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
  it("lets producers write and the domain pipeline read its topics under its group prefix", () => {
    const mesh = fixtureMesh();
    const acls = compileAcls(prod, mesh, mesh.byName.get("alpha")!).map((a) => `${a.principal} ${a.operation} ${a.resourceType}:${a.patternType}:${a.resourceNameValue}`);
    expect(acls).toEqual([
      "User:lakemesh-alpha-producer Write Topic:Prefixed:alpha.",
      "User:lakemesh-alpha-producer Describe Topic:Prefixed:alpha.",
      "User:lakemesh-alpha-producer IdempotentWrite Cluster:Literal:kafka-cluster",
      "User:lakemesh-alpha-pipeline Read Topic:Prefixed:alpha.",
      "User:lakemesh-alpha-pipeline Describe Topic:Prefixed:alpha.",
      "User:lakemesh-alpha-pipeline Read Group:Prefixed:lakemesh.prod.alpha.",
    ]);
  });

  it("grants a declared consumer read on exactly the topics it declared", () => {
    const alpha = syntheticDomain(0, 3);
    const beta = syntheticDomain(1, 2);
    beta.spec.consumers = [{ domain: alpha.metadata.name, topics: ["entity-1"], purpose: "Replay." }];
    const mesh = meshOf([alpha, beta]);
    const consumer = compileAcls(prod, mesh, alpha).filter((a) => a.principal.includes("synthetic-0001"));
    expect(consumer.map((a) => `${a.operation} ${a.patternType}:${a.resourceNameValue}`)).toEqual(["Read Literal:synthetic-0000.entity-1.v1", "Describe Literal:synthetic-0000.entity-1.v1"]);
    // The consumer's own stack owns its group ACL.
    expect(compileAcls(prod, mesh, beta).map((a) => `${a.principal} ${a.resourceType}`)).toContain("User:lakemesh-synthetic-0001-pipeline Group");
  });

  it("gives every ACL a unique resource name", () => {
    const mesh = shippedMesh();
    const names = mesh.domains.flatMap((d) => compileAcls(prod, mesh, d).map((a) => a.resourceName));
    expect(new Set(names).size).toBe(names.length);
  });
});
