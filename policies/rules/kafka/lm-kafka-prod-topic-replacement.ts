import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, isProdStack, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Partitions (and replication) of each topic as deployed, by physical name. */
export type PreviousTopics = Record<string, { partitions: number; replicationFactor: number }>;

/**
 * A Kafka topic can gain partitions in place but never lose them: the provider then deletes the topic, with every
 * event in it, and creates it again (terraform-provider-kafka's CustomizeDiff forces a new resource when partitions
 * decrease: https://registry.terraform.io/providers/Mongey/kafka/latest/docs/resources/topic, "partitions ... can only
 * be increased"). In production that is refused twice: every topic is protected, so the engine refuses to replace or
 * delete it, and a change that lowers a deployed topic's partitions is a violation before anyone runs the update.
 */
export const policy: ResourceValidationPolicy = {
  name: ID,
  description: "In production stacks every topic is protected, and no change lowers a deployed topic's partitions (which replaces the topic and drops its events).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Keep the partition count (add partitions only), or create a topic under a new contract major version and migrate consumers; keep lakemesh:protect: true in production.",
  configSchema: {
    properties: {
      prodStackPattern: { type: "string", default: "^prod", description: "Stacks whose name matches are production." },
      previousTopics: {
        type: "object",
        default: {},
        description: "Deployed topics: { <name>: { partitions, replicationFactor } } (lakemesh plan --previous fills it in from a plan; or from `pulumi stack export`).",
      },
    },
  },
  validateResource: (args, report) => {
    if (args.type !== T.Topic) return;
    const { prodStackPattern, previousTopics } = args.getConfig<{ prodStackPattern: string; previousTopics: PreviousTopics }>();
    if (!isProdStack(args.urn, prodStackPattern)) return;
    const name = known(() => args.props.name);
    const label = name === UNKNOWN ? args.name : String(name);
    if (!args.opts.protect) report(`production topic ${label} is not protected: replacing or removing it would delete its events`);
    if (name === UNKNOWN) return checkedAtUpdate(ID, args.urn, "which deployed topic this is (its name is unknown)");
    const before = previousTopics[String(name)];
    if (!before) return;
    const partitions = known(() => Number(args.props.partitions));
    if (partitions === UNKNOWN) checkedAtUpdate(ID, args.urn, `the partitions of topic ${label}`);
    else if (partitions < before.partitions) {
      report(`topic ${label} would go from ${before.partitions} to ${partitions} partitions: Kafka cannot remove partitions, so the provider deletes the topic and its events and creates it again`);
    }
  },
};
