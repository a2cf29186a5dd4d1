import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";
import type { DomainSpec } from "../../lib/compile";
import { createAcl } from "../kafkaAccess";
import { keep } from "../options";

/** Topics (protected and retained in prod) and the ACLs the domain owns. */
export function createKafka(spec: DomainSpec, parent: pulumi.Resource): { topics: kafka.Topic[]; acls: kafka.Acl[] } {
  const topics = spec.topics.map(
    (t) => new kafka.Topic(t.resourceName, { name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: { ...t.config } }, keep(parent, spec.protect)),
  );
  const acls = spec.acls.map((a) => createAcl(a, { parent, dependsOn: topics }));
  return { topics, acls };
}
