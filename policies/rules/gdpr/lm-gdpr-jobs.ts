import type { StackValidationPolicy } from "@pulumi/policy";
import { GDPR_JOB_KINDS } from "../../../lib/compile/gdpr-jobs";
import { isProdStack, ruleId, T } from "../../lib";

/** Erasure and retention must be able to run, one at a time, with authority of their own, and be noticed when they fail. */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description:
    "A platform deploys the subject-access, erasure and retention jobs; each is queued, runs one at a time and mails its failures, and in production runs as a service principal.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Keep the Platform's GDPR component; set lakemesh:notificationEmails, and in production lakemesh:databricks.gdprServicePrincipal (a service principal in the gdpr_officer group).",
  configSchema: { properties: { prodStackPattern: { type: "string", default: "^prod", description: "Stacks whose name matches are production." } } },
  validateStack: (args, report) => {
    const platform = args.resources.find((r) => r.type === T.Platform);
    if (!platform) return; // domain stacks: the platform stack holds the GDPR jobs
    const jobs = args.resources.filter((r) => r.type === T.Job && typeof r.props.tags?.lakemesh_gdpr === "string");
    for (const kind of GDPR_JOB_KINDS) {
      if (!jobs.some((j) => j.props.tags.lakemesh_gdpr === kind)) report(`the platform has no GDPR ${kind} job`, platform.urn);
    }
    const prod = isProdStack(platform.urn, args.getConfig<{ prodStackPattern: string }>().prodStackPattern);
    for (const j of jobs) {
      const name = j.props.name;
      if (j.props.maxConcurrentRuns !== 1) report(`GDPR job ${name} allows ${j.props.maxConcurrentRuns ?? "unlimited"} concurrent runs; exactly 1 (two runs would conflict on the same tables)`, j.urn);
      if (j.props.queue?.enabled !== true) report(`GDPR job ${name} does not queue runs: a request arriving during a run would be skipped`, j.urn);
      if (!(j.props.emailNotifications?.onFailures?.length > 0)) report(`GDPR job ${name} mails its failures to nobody; set lakemesh:notificationEmails`, j.urn);
      if (prod && !j.props.runAs?.servicePrincipalName) report(`production GDPR job ${name} runs as whoever deploys it; set lakemesh:databricks.gdprServicePrincipal`, j.urn);
    }
  },
};
