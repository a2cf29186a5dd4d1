import type { StackValidationPolicy } from "@pulumi/policy";
import { kafkaPrincipalOf } from "../../../lib/compile/naming";
import { mayReadTopic } from "../../../lib/manifest/model";
import { domainProps, ruleId, T, where } from "../../lib";

/** lakemesh:kafka.principalPrefix's default (lib/compile/settings.schema.json), for plans that did not record it. */
const DEFAULT_PRINCIPAL_PREFIX = "lakemesh-";

/**
 * Whether an ACL binding lets its principal read `topic`. Kafka matches a LITERAL binding by the exact name or the
 * wildcard `*`, a PREFIXED one by a name prefix (KIP-290), and ALL implies every operation
 * (https://kafka.apache.org/documentation/#security_authz_primitives, ".../#security_authz_cli"). Deny bindings
 * take nothing away here (lakemesh plans none); the rule looks at what is allowed, from any host (stricter reading).
 */
function allowsRead(i: Record<string, any>, topic: string): boolean {
  if (i.aclPermissionType !== "Allow" || i.aclResourceType !== "Topic" || !["Read", "All"].includes(i.aclOperation)) return false;
  const name = String(i.aclResourceName ?? "");
  if (i.resourcePatternTypeFilter === "Prefixed") return topic.startsWith(name);
  return name === topic || name === "*";
}

/**
 * Issue 15, item 2: a topic with personal data holds every tenant's events, unfiltered and unmasked. On the plan,
 * only its owner's pipeline, and the pipelines of the domains the owner lists in the topic's publishedTo, may hold a
 * Read ACL on it (the manifest rule topic-reads decides the same with the same function, mayReadTopic).
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "A Kafka Read ACL on a topic with personal data names only its owner's pipeline, or the pipeline of a domain the owner publishes the topic to (publishedTo).",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: { properties: {} },
  remediationSteps: "Remove the ACL; another domain reads the owner's datasets (row filter and masks apply), or the owner lists it in the topic's publishedTo with a purpose.",
  validateStack: (args, report) => {
    const acls = args.resources.filter((r) => r.type === T.KafkaAcl);
    for (const r of args.resources) {
      const d = domainProps(r, policy.name);
      if (!d) continue;
      const owner = d.manifest.metadata.name;
      const prefix = d.kafkaPrincipalPrefix ?? DEFAULT_PRINCIPAL_PREFIX;
      d.topics.forEach((physical, i) => {
        const topic = d.manifest.spec.topics?.[i];
        if (!topic?.personalData) return;
        const readers = [owner, ...(topic.publishedTo ?? []).map((p) => p.domain)].filter((reader) => mayReadTopic(d.manifest, topic, reader));
        const allowed = new Set(readers.map((reader) => kafkaPrincipalOf(prefix, reader, "pipeline")));
        for (const acl of acls) {
          if (!allowsRead(acl.props, physical.name) || allowed.has(acl.props.aclPrincipal)) continue;
          report(
            `${where(d, ["spec", "topics", i, "personalData"])}: ACL lets ${acl.props.aclPrincipal} ${acl.props.aclOperation} personal-data topic ${physical.name} (${acl.props.resourcePatternTypeFilter} ${acl.props.aclResourceName}); only ${[...allowed].join(", ")} may read it (the owner's pipeline and the domains its publishedTo lists)`,
            acl.urn,
          );
        }
      });
    }
  },
};
