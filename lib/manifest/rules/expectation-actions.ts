import { goldSources } from "../gold";
import { ManifestRule, type LoadedManifest, type RuleContext } from "../mesh";
import { personalColumns } from "../model";
import type { Dataset } from "../types.gen";

/** Docs: the message of a failed expectation carries the input row and the output record. */
export const EXPECTATION_VIOLATION_DOC = "https://docs.databricks.com/aws/error-messages/expectation-violation-error-class";

/**
 * Where personal data reaches a dataset's flow, as a reason, or undefined when none does: its own personal columns,
 * a personal topic it reads (the raw payload is the flow's input row), or a gold source with personal columns.
 */
export function personalInput(ctx: RuleContext, m: LoadedManifest, ds: Dataset): string | undefined {
  const own = personalColumns(ds).map((c) => c.name);
  if (own.length) return `personal columns ${own.join(", ")}`;
  const topic = ds.source.topic ? (m.manifest.spec.topics ?? []).find((t) => t.name === ds.source.topic) : undefined;
  if (topic?.personalData) return `topic ${topic.name} carries personal data`;
  for (const s of goldSources(ctx, m, ds) ?? []) {
    const cols = personalColumns(s.dataset).map((c) => c.name);
    if (cols.length) return `source ${s.domain}.${s.dataset.name} has personal columns ${cols.join(", ")}`;
  }
  return undefined;
}

/**
 * A `fail` expectation stops the update with EXPECTATION_VIOLATION, whose message holds the input data and the whole
 * output record (EXPECTATION_VIOLATION_DOC). That message lands in the pipeline event log and in the failure mails,
 * which no erasure, retention or VACUUM reaches. `drop` and `warn` record only counts.
 */
export const rule: ManifestRule = {
  id: "expectation-actions",
  description:
    "An expectation of a dataset that personal data reaches (its own personal columns, a personal topic, or a gold source with personal columns) is warn or drop, never fail: a failed expectation writes the offending record into the event log and failure mails.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        const failing = (ds.expectations ?? []).map((e, i) => [e, i] as const).filter(([e]) => e.onViolation === "fail");
        if (failing.length === 0) return;
        const why = personalInput(ctx, m, ds);
        if (!why) return;
        for (const [e, i] of failing) {
          report(
            m,
            ["spec", "datasets", d, "expectations", i, "onViolation"],
            `expectation "${e.name}" fails the update on dataset "${ds.name}" (${why}): the failure message carries the whole offending record into the pipeline event log and failure mails, which erasure never reaches (${EXPECTATION_VIOLATION_DOC})`,
            "warn or drop on a dataset that personal data reaches",
          );
        }
      });
    }
  },
};
