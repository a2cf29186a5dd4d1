import type { StackValidationPolicy } from "@pulumi/policy";
import { GDPR_JOB_KINDS, GDPR_JOB_PARAMETERS, type GdprJobKind } from "../../../lib/compile/gdpr-jobs";
import { checkedAtUpdate, isProdStack, known, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Erasure and retention must be able to run, one at a time, with authority of their own, and be noticed when they fail. */
export const policy: StackValidationPolicy = {
  name: ID,
  description:
    "A platform deploys the subject-access, erasure and retention jobs; each is queued, runs one at a time and mails its failures, takes no run parameter but the request id (no settings a run could override, no subject or tenant id in run history), and in production runs as a service principal.",
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
      const kind = j.props.tags?.lakemesh_gdpr as GdprJobKind;
      const allowed = GDPR_JOB_PARAMETERS[kind] ?? [];
      const names = known(() => ((j.props.parameters ?? []) as { name: string }[]).map((p) => p.name));
      // run-now's job_parameters override any job parameter, and run history keeps them for 60 days
      // (https://docs.databricks.com/api/workspace/jobs/runnow, https://docs.databricks.com/aws/en/jobs/monitor).
      check(
        "parameters",
        () => names !== UNKNOWN && names.length === allowed.length && names.every((n, i) => n === allowed[i]),
        `GDPR job ${name} takes the run parameters [${names === UNKNOWN ? "?" : names.join(", ")}]; only [${allowed.join(", ")}]: settings belong in the settings file (a run could override a parameter) and subject or tenant ids in the request inbox (run history keeps parameters 60 days)`,
      );
      if (prod) check("runAs", () => !!j.props.runAs?.servicePrincipalName, `production GDPR job ${name} runs as whoever deploys it; set lakemesh:databricks.gdprServicePrincipal`);
    }
  },
};
