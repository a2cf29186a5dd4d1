import { cronInterval } from "../cron";
import { quote } from "../errors";
import { ManifestRule } from "../mesh";
import { pipelineMode } from "../model";

export const rule: ManifestRule = {
  id: "pipeline-schedule",
  description: "A triggered pipeline's schedule is a Quartz cron whose time fields lakemesh can read; a continuous pipeline has no schedule.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const schedule = m.manifest.spec.pipeline?.schedule;
      if (schedule === undefined) continue;
      const at = ["spec", "pipeline", "schedule"];
      if (pipelineMode(m.manifest) === "continuous") {
        report(m, at, "a continuous pipeline runs all the time; a schedule does not apply", "no schedule with mode: continuous");
        continue;
      }
      const c = cronInterval(schedule);
      if (!c.ok) report(m, at, `${quote(schedule)} ${c.problem}`, "a Quartz cron of 6 or 7 fields whose seconds, minutes and hours are values, ranges or steps, e.g. '0 0/15 * * * ?'");
    }
  },
};
