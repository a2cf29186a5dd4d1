import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { at, isProdStack, ruleId } from "../../lib";
import { SERVING_APP } from "../../../lib/serving/kubernetes";

const SERVING_LABEL = ["app.kubernetes.io/name", SERVING_APP] as const;

const T = {
  Deployment: "kubernetes:apps/v1:Deployment",
  Hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  Pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  NetworkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

/** Does a label selector (matchLabels) select pods with these labels? */
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/**
 * In production the API survives a pod, a node and a rollout going wrong: at least two replicas, an autoscaler that
 * never goes below two, a disruption budget, an immutable image, and a network policy in both directions.
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "In production stacks the serving API runs at least 2 replicas of an image pinned by digest, with an HPA (minimum 2), a PodDisruptionBudget and a NetworkPolicy restricting ingress and egress, all selecting its pods.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set lakemesh:serving.replicas to 2 or more and lakemesh:serving.image to repo@sha256:<digest> in the production stack config.",
  configSchema: { properties: { prodStackPattern: { type: "string", default: "^prod", description: "Stacks whose name matches are production." } } },
  validateStack: (args, report) => {
    const { prodStackPattern } = args.getConfig<{ prodStackPattern: string }>();
    const of = (type: string) => args.resources.filter((r) => r.type === type && isProdStack(r.urn, prodStackPattern));
    for (const d of of(T.Deployment).filter((r) => r.props.metadata?.labels?.[SERVING_LABEL[0]] === SERVING_LABEL[1])) {
      const say = at(report, d);
      const name: string = d.props.metadata.name;
      const ns: string = d.props.metadata.namespace;
      const labels: Record<string, string> = d.props.spec?.template?.metadata?.labels ?? {};
      const same = (r: PolicyResource) => r.props.metadata?.namespace === ns;
      if (!(Number(d.props.spec?.replicas) >= 2)) say(`production deployment ${name} runs ${d.props.spec?.replicas} replica(s); at least 2`);
      for (const c of d.props.spec?.template?.spec?.containers ?? []) if (!/@sha256:[0-9a-f]{64}$/.test(String(c.image))) say(`production deployment ${name}: image ${c.image} is not pinned by digest (@sha256:...)`);
      const hpa = of(T.Hpa).find((h) => same(h) && h.props.spec?.scaleTargetRef?.kind === "Deployment" && h.props.spec?.scaleTargetRef?.name === name);
      if (!hpa) say(`production deployment ${name} has no HorizontalPodAutoscaler`);
      else if (!(Number(hpa.props.spec?.minReplicas) >= 2)) say(`the autoscaler of ${name} may scale down to ${hpa.props.spec?.minReplicas}; at least 2`);
      const pdb = of(T.Pdb).find((p) => same(p) && selects(p.props.spec?.selector?.matchLabels, labels));
      if (!pdb) say(`production deployment ${name} has no PodDisruptionBudget selecting its pods`);
      else if (!(Number(pdb.props.spec?.minAvailable) >= 1 || (pdb.props.spec?.maxUnavailable !== undefined && Number(pdb.props.spec?.maxUnavailable) < Number(d.props.spec?.replicas)))) {
        say(`the PodDisruptionBudget of ${name} lets every pod go at once`);
      }
      const np = of(T.NetworkPolicy).find((p) => same(p) && selects(p.props.spec?.podSelector?.matchLabels, labels));
      const types: string[] = np?.props.spec?.policyTypes ?? [];
      if (!np || !types.includes("Ingress") || !types.includes("Egress")) say(`production deployment ${name} has no NetworkPolicy restricting both ingress and egress of its pods`);
    }
  },
};
