import type { ResourceValidationPolicy } from "@pulumi/policy";
import { SERVING_APP } from "../../../lib/serving/kubernetes";
import { ruleId } from "../../lib";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVING_LABEL = ["app.kubernetes.io/name", SERVING_APP] as const;
const SECRETISH = /(KEY|SECRET|TOKEN|SALT|PASSWORD)/i;

/**
 * The serving API's pods run as a non-root user on a read-only root file system, without privilege escalation or
 * capabilities, with probes and memory limits, no service-account token, and secrets only from Kubernetes secrets
 * (Pod Security Standards, restricted: https://kubernetes.io/docs/concepts/security/pod-security-standards/).
 */
export const policy: ResourceValidationPolicy = {
  name: ruleId(__filename),
  description: "The serving API's Deployment runs non-root, read-only, without privilege escalation or capabilities, with liveness and readiness probes, memory limits, no service-account token, and secret values only from secrets.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Keep the pod and container securityContext, probes and env of lib/serving/kubernetes.ts; put credentials in the serving secret and reference them with secretKeyRef.",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type !== DEPLOYMENT || args.props.metadata?.labels?.[SERVING_LABEL[0]] !== SERVING_LABEL[1]) return;
    const pod = args.props.spec?.template?.spec ?? {};
    const name = args.props.metadata?.name ?? args.name;
    if (pod.automountServiceAccountToken !== false) report(`${name}: automountServiceAccountToken must be false (the API needs no Kubernetes API access)`);
    if (pod.securityContext?.runAsNonRoot !== true) report(`${name}: the pod must set runAsNonRoot: true`);
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) report(`${name}: host namespaces are not allowed`);
    for (const c of pod.containers ?? []) {
      const sc = c.securityContext ?? {};
      const at = `${name}/${c.name}`;
      if (sc.allowPrivilegeEscalation !== false) report(`${at}: allowPrivilegeEscalation must be false`);
      if (sc.readOnlyRootFilesystem !== true) report(`${at}: readOnlyRootFilesystem must be true`);
      if (sc.privileged === true) report(`${at}: must not be privileged`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL") || (sc.capabilities?.add ?? []).length > 0) report(`${at}: must drop ALL capabilities and add none`);
      if (!c.livenessProbe || !c.readinessProbe) report(`${at}: needs a liveness and a readiness probe`);
      if (!c.resources?.limits?.memory) report(`${at}: needs a memory limit`);
      for (const e of c.env ?? []) {
        if (SECRETISH.test(e.name) && e.value !== undefined) report(`${at}: ${e.name} is set inline; take it from a secret (valueFrom.secretKeyRef)`);
      }
    }
  },
};
