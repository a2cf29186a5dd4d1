import { parseDuration, MS_PER_DAY } from "../duration";
import { ManifestRule } from "../mesh";
import { ERASURE_DEADLINE_DAYS, ERASURE_DEADLINE_MS, MAX_PERSONAL_RETENTION_DAYS, topicSurvivalMs } from "../topic-retention";

const days = (ms: number) => (ms / MS_PER_DAY).toFixed(1).replace(/\.0$/, "");

/**
 * A topic with personal data cannot delete one person's events: they go when their segment expires. Checked here,
 * not only by the policy pack on the plan, so a domain team learns it from validate.
 */
export const rule: ManifestRule = {
  id: "personal-topic-retention",
  description: `A topic with personal data keeps events (retention plus one segment roll) within the ${ERASURE_DEADLINE_DAYS}-day erasure deadline: a retention of at most P${MAX_PERSONAL_RETENTION_DAYS}D.`,
  check(ctx, report) {
    for (const m of ctx.manifests) {
      (m.manifest.spec.topics ?? []).forEach((t, i) => {
        const ms = parseDuration(t.retention);
        if (!t.personalData || ms === undefined || ms <= 0) return; // unparsable: the durations rule says so
        const survival = topicSurvivalMs(ms);
        if (survival <= ERASURE_DEADLINE_MS) return;
        report(
          m,
          ["spec", "topics", i, "retention"],
          `topic "${t.name}" carries personal data and keeps an event up to ${days(survival)} days (retention ${t.retention} plus up to ${days(survival - ms)} day until its segment rolls), past the ${ERASURE_DEADLINE_DAYS}-day erasure deadline`,
          `a retention of at most P${MAX_PERSONAL_RETENTION_DAYS}D (older events are read from bronze, which erasure reaches)`,
        );
      });
    }
  },
};
