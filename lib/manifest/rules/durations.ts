import { checkDuration, MAX_DURATION_DAYS } from "../duration";
import { quote } from "../errors";
import { ManifestRule } from "../mesh";
import { FieldPath } from "../paths";

const GRAMMAR = "a duration such as PT15M, P7D, P1Y6M (PnYnMnWnDTnHnMnS, whole numbers)";

export const rule: ManifestRule = {
  id: "durations",
  description: `SLA freshness, topic retention, dataset retention and legal-hold periods are ISO 8601 durations longer than zero and at most ${MAX_DURATION_DAYS} days (100 years).`,
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const spec = m.manifest.spec;
      const check = (path: FieldPath, text: string) => {
        const c = checkDuration(text);
        if (c.ok) return;
        if (c.problem === "syntax") report(m, path, `${quote(text)} is not an ISO 8601 duration`, GRAMMAR);
        else if (c.problem === "zero") report(m, path, `${quote(text)} is zero`, "a duration longer than zero");
        else report(m, path, `${quote(text)} is longer than ${MAX_DURATION_DAYS} days`, `at most ${MAX_DURATION_DAYS} days (100 years; a year counts 365 days, a month 30)`);
      };
      check(["spec", "sla", "freshness"], spec.sla.freshness);
      (spec.topics ?? []).forEach((t, i) => check(["spec", "topics", i, "retention"], t.retention));
      spec.datasets.forEach((ds, i) => {
        if (ds.retention) check(["spec", "datasets", i, "retention", "period"], ds.retention.period);
        if (ds.legalHold) check(["spec", "datasets", i, "legalHold", "period"], ds.legalHold.period);
      });
    }
  },
};
