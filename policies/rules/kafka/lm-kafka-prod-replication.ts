import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, isProdStack, known, ruleId, T, topicNumber, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Production topics survive the loss of a broker without losing acknowledged writes. */
export const policy: ResourceValidationPolicy = {
  name: ID,
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
    const name = known(() => args.props.name);
    const label = name === UNKNOWN ? args.name : name;
    const rf = known(() => Number(args.props.replicationFactor));
    const isr = topicNumber(args.props, "min.insync.replicas");
    if (rf === UNKNOWN) checkedAtUpdate(ID, args.urn, "replicationFactor");
    else if (!(rf >= c.minReplication)) report(`production topic ${label} has replication factor ${rf}; at least ${c.minReplication}`);
    if (isr === UNKNOWN) checkedAtUpdate(ID, args.urn, "min.insync.replicas");
    else if (!((isr ?? 1) >= c.minInsyncReplicas)) report(`production topic ${label} has min.insync.replicas ${isr ?? 1}; at least ${c.minInsyncReplicas}`);
  },
};
