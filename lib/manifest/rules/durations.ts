import { parseDuration } from "../duration";
import { quote } from "../errors";
import { ManifestRule } from "../mesh";
import { FieldPath } from "../paths";

export const rule: ManifestRule = {
  id: "durations",
  description: "SLA freshness, topic retention and dataset retention periods are ISO 8601 durations longer than zero.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const spec = m.manifest.spec;
      const check = (path: FieldPath, text: string) => {
        const ms = parseDuration(text);
        if (ms === undefined) report(m, path, `${quote(text)} is not an ISO 8601 duration`, "a duration such as PT15M, P7D, P1Y6M (PnYnMnWnDTnHnMnS)");
        else if (ms <= 0) report(m, path, `${quote(text)} is zero`, "a duration longer than zero");
      };
      check(["spec", "sla", "freshness"], spec.sla.freshness);
      (spec.topics ?? []).forEach((t, i) => check(["spec", "topics", i, "retention"], t.retention));
      spec.datasets.forEach((ds, i) => {
        if (ds.retention) check(["spec", "datasets", i, "retention", "period"], ds.retention.period);
      });
    }
  },
};
