import type { StackValidationPolicy } from "@pulumi/policy";
import { GDPR_JOB_KINDS } from "../../../lib/compile/gdpr-jobs";
import { checkedAtUpdate, isProdStack, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Erasure and retention must be able to run, one at a time, with authority of their own, and be noticed when they fail. */
export const policy: StackValidationPolicy = {
  name: ID,
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
    const jobKinds = args.resources.filter((r) => r.type === T.Job).map((j) => ({ j, kind: known(() => j.props.tags?.lakemesh_gdpr) }));
    const undecided = jobKinds.filter((x) => x.kind === UNKNOWN);
    for (const x of undecided) checkedAtUpdate(ID, x.j.urn, "whether this job is a GDPR job (its tags are unknown)");
    const jobs = jobKinds.filter((x) => typeof x.kind === "string").map((x) => x.j);
    for (const kind of GDPR_JOB_KINDS) {
      if (jobs.some((j) => j.props.tags.lakemesh_gdpr === kind)) continue;
      if (undecided.length === 0) report(`the platform has no GDPR ${kind} job`, platform.urn);
    }
    const prod = isProdStack(platform.urn, args.getConfig<{ prodStackPattern: string }>().prodStackPattern);
    for (const j of jobs) {
      const name = known(() => j.props.name);
      const check = (what: string, read: () => boolean, message: string) => {
        const ok = known(read);
        if (ok === UNKNOWN) checkedAtUpdate(ID, j.urn, `${what} of GDPR job ${name === UNKNOWN ? j.name : name}`);
        else if (!ok) report(message, j.urn);
      };
      const runs = known(() => j.props.maxConcurrentRuns);
      check("maxConcurrentRuns", () => j.props.maxConcurrentRuns === 1, `GDPR job ${name} allows ${runs === UNKNOWN ? "?" : (runs ?? "unlimited")} concurrent runs; exactly 1 (two runs would conflict on the same tables)`);
      check("queue", () => j.props.queue?.enabled === true, `GDPR job ${name} does not queue runs: a request arriving during a run would be skipped`);
      check("emailNotifications", () => j.props.emailNotifications?.onFailures?.length > 0, `GDPR job ${name} mails its failures to nobody; set lakemesh:notificationEmails`);
      if (prod) check("runAs", () => !!j.props.runAs?.servicePrincipalName, `production GDPR job ${name} runs as whoever deploys it; set lakemesh:databricks.gdprServicePrincipal`);
    }
  },
};
