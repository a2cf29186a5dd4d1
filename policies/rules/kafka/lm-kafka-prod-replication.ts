import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isProdStack, ruleId, T, topicNumber } from "../../lib";

/** Production topics survive the loss of a broker without losing acknowledged writes. */
export const policy: ResourceValidationPolicy = {
  name: ruleId(__filename),
  description: "In production stacks every topic has replication factor 3 or more and min.insync.replicas 2 or more.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set lakemesh:kafka.replicationFactor: 3 and minInsyncReplicas: 2 in the production stack config.",
  configSchema: {
    properties: {
      prodStackPattern: { type: "string", default: "^prod", description: "Stacks whose name matches are production." },
      minReplication: { type: "integer", default: 3 },
      minInsyncReplicas: { type: "integer", default: 2 },
    },
  },
  validateResource: (args, report) => {
    if (args.type !== T.Topic) return;
    const c = args.getConfig<{ prodStackPattern: string; minReplication: number; minInsyncReplicas: number }>();
    if (!isProdStack(args.urn, c.prodStackPattern)) return;
    const rf = Number(args.props.replicationFactor);
    const isr = topicNumber(args.props, "min.insync.replicas") ?? 1;
    if (!(rf >= c.minReplication)) report(`production topic ${args.props.name} has replication factor ${rf}; at least ${c.minReplication}`);
    if (!(isr >= c.minInsyncReplicas)) report(`production topic ${args.props.name} has min.insync.replicas ${isr}; at least ${c.minInsyncReplicas}`);
  },
};
