import { parseDuration, segmentMsOf, type DomainManifest } from "../manifest";
import { consumerGroupPrefix, kafkaPrincipal, resourceName, topicName } from "./naming";
import { topicMajor } from "./model";
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
  readonly resourceType: "Topic" | "Group";
  readonly resourceNameValue: string;
  readonly patternType: "Literal" | "Prefixed";
  readonly operation: "Create" | "Read" | "Write" | "Describe";
  readonly host: "*";
}

/** How clients reach the stack's brokers (settings kafka.auth): SASL/SCRAM-SHA-512 over TLS, or a local broker's plaintext. */
export function kafkaSecurity(s: Settings): { readonly sasl: boolean; readonly tls: boolean; readonly protocol: "SASL_SSL" | "SASL_PLAINTEXT" | "PLAINTEXT" } {
  const sasl = s.kafka.auth !== "plaintext";
  const tls = s.kafka.auth === "sasl-scram-sha512";
  return { sasl, tls, protocol: sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : "PLAINTEXT" };
}

export function compileTopics(s: Settings, domain: DomainManifest): TopicSpec[] {
  const name = domain.metadata.name;
  return (domain.spec.topics ?? []).map((t) => {
    const retentionMs = parseDuration(t.retention);
    if (retentionMs === undefined || retentionMs <= 0) throw new Error(`topic ${t.name}: retention ${t.retention} does not parse (validate first)`);
    const segmentMs = segmentMsOf(retentionMs);
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
 * ACLs a domain's stack owns: its producers write its topics, and its pipeline reads them under its own consumer-group
 * prefix. Nothing else: an idempotent producer needs WRITE on the topic, not IDEMPOTENT_WRITE on the cluster, from
 * brokers 2.8 on (KIP-679, https://cwiki.apache.org/confluence/display/KAFKA/KIP-679%3A+Producer+will+enable+the+strongest+delivery+guarantee+by+default);
 * and a domain that declares one of these topics in its `consumers` gets no read here, because no pipeline reads
 * another domain's topic (bronze tables ingest the domain's own topics only; other domains read its tables).
 */
export function compileAcls(s: Settings, domain: DomainManifest, topics: readonly TopicSpec[] = compileTopics(s, domain)): AclSpec[] {
  const name = domain.metadata.name;
  if (topics.length === 0) return [];
  const producer = kafkaPrincipal(s, name, "producer");
  const pipeline = kafkaPrincipal(s, name, "pipeline");
  const prefix = `${name}.`;
  return [
    acl(name, producer, "Topic", prefix, "Prefixed", "Write"),
    acl(name, producer, "Topic", prefix, "Prefixed", "Describe"),
    acl(name, pipeline, "Topic", prefix, "Prefixed", "Read"),
    acl(name, pipeline, "Topic", prefix, "Prefixed", "Describe"),
    acl(name, pipeline, "Group", consumerGroupPrefix(s, name), "Prefixed", "Read"),
  ];
}
