import { MS_PER_DAY, parseDuration, type DomainManifest } from "../manifest";
import { consumerGroupPrefix, kafkaPrincipal, resourceName, topicName } from "./naming";
import { consumersOf, Mesh, topicMajor } from "./model";
import type { Settings } from "./settings";

/** A Kafka topic to create. */
export interface TopicSpec {
  /** Pulumi logical name: the physical name, which already derives from manifest names. */
  readonly resourceName: string;
  readonly name: string;
  readonly logicalName: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Broker config; values are strings, as the provider wants them. */
  readonly config: Readonly<Record<string, string>>;
  readonly personalData: boolean;
  readonly retentionMs: number;
  readonly segmentMs: number;
}

/** One Kafka ACL binding. */
export interface AclSpec {
  readonly resourceName: string;
  readonly principal: string;
  readonly resourceType: "Topic" | "Group" | "Cluster";
  readonly resourceNameValue: string;
  readonly patternType: "Literal" | "Prefixed";
  readonly operation: "Read" | "Write" | "Describe" | "IdempotentWrite";
  readonly host: "*";
}

/** How clients reach the stack's brokers (settings kafka.auth): SASL/SCRAM-SHA-512 over TLS, or a local broker's plaintext. */
export function kafkaSecurity(s: Settings): { readonly sasl: boolean; readonly tls: boolean; readonly protocol: "SASL_SSL" | "SASL_PLAINTEXT" | "PLAINTEXT" } {
  const sasl = s.kafka.auth !== "plaintext";
  const tls = s.kafka.auth === "sasl-scram-sha512";
  return { sasl, tls, protocol: sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : "PLAINTEXT" };
}

/** Segments roll at most daily, and never later than retention, so deletion is not delayed by an open segment. */
const MAX_SEGMENT_MS = MS_PER_DAY;

export function compileTopics(s: Settings, domain: DomainManifest): TopicSpec[] {
  const name = domain.metadata.name;
  return (domain.spec.topics ?? []).map((t) => {
    const retentionMs = parseDuration(t.retention);
    if (retentionMs === undefined || retentionMs <= 0) throw new Error(`topic ${t.name}: retention ${t.retention} does not parse (validate first)`);
    const segmentMs = Math.min(retentionMs, MAX_SEGMENT_MS);
    const physical = topicName(name, t.name, topicMajor(domain, t));
    const config: Record<string, string> = {
      "cleanup.policy": "delete",
      "retention.ms": String(retentionMs),
      "segment.ms": String(segmentMs),
      "min.insync.replicas": String(s.kafka.minInsyncReplicas),
      "unclean.leader.election.enable": "false",
    };
    // Broker time decides retention; a producer clock in the future cannot keep personal data longer.
    if (t.personalData) config["message.timestamp.type"] = "LogAppendTime";
    return {
      resourceName: physical,
      name: physical,
      logicalName: t.name,
      partitions: t.partitions,
      replicationFactor: s.kafka.replicationFactor,
      config,
      personalData: t.personalData,
      retentionMs,
      segmentMs,
    };
  });
}

function acl(domain: string, principal: string, resourceType: AclSpec["resourceType"], resourceNameValue: string, patternType: AclSpec["patternType"], operation: AclSpec["operation"]): AclSpec {
  const who = principal.replace(/^User:/, "");
  const key = `${who}-${operation.toLowerCase()}-${resourceType.toLowerCase()}-${resourceNameValue}`;
  return { resourceName: resourceName(domain, "acl", key), principal, resourceType, resourceNameValue, patternType, operation, host: "*" };
}

/**
 * ACLs a domain's stack owns: its producers write its topics; its pipeline reads them under its own consumer-group
 * prefix; and every consumer domain that declared one of its topics reads that topic. The consumer's group ACL is
 * its own pipeline's, planned in its own stack.
 */
export function compileAcls(s: Settings, mesh: Mesh, domain: DomainManifest, topics: readonly TopicSpec[] = compileTopics(s, domain)): AclSpec[] {
  const name = domain.metadata.name;
  const out: AclSpec[] = [];
  const producer = kafkaPrincipal(s, name, "producer");
  const pipeline = kafkaPrincipal(s, name, "pipeline");
  const group = consumerGroupPrefix(s, name);
  if (topics.length > 0) {
    const prefix = `${name}.`;
    out.push(acl(name, producer, "Topic", prefix, "Prefixed", "Write"));
    out.push(acl(name, producer, "Topic", prefix, "Prefixed", "Describe"));
    out.push(acl(name, producer, "Cluster", "kafka-cluster", "Literal", "IdempotentWrite"));
    out.push(acl(name, pipeline, "Topic", prefix, "Prefixed", "Read"));
    out.push(acl(name, pipeline, "Topic", prefix, "Prefixed", "Describe"));
  }
  const readsTopics = (domain.spec.consumers ?? []).some((c) => (c.topics ?? []).length > 0);
  if (topics.length > 0 || readsTopics) out.push(acl(name, pipeline, "Group", group, "Prefixed", "Read"));
  for (const c of consumersOf(mesh, name)) {
    const reader = kafkaPrincipal(s, c.consumer.metadata.name, "pipeline");
    for (const logical of c.topics) {
      const t = topics.find((x) => x.logicalName === logical);
      if (!t) throw new Error(`consumer ${c.consumer.metadata.name} reads unknown topic ${logical} of ${name} (validate first)`);
      out.push(acl(name, reader, "Topic", t.name, "Literal", "Read"));
      out.push(acl(name, reader, "Topic", t.name, "Literal", "Describe"));
    }
  }
  return out;
}
