import { ManifestRule } from "../mesh";
import { parseDuration } from "../duration";
import { isTenantScoped, personalColumns } from "../model";

/**
 * Personal data kept under a legal obligation (GDPR Art. 6(1)(c)) is exempt from erasure while the obligation lasts
 * (Art. 17(3)(b)) and restricted instead (Art. 18): the dataset must say which obligation and for how long, and the
 * hold needs what the erasure and retention jobs measure it on (the retention column) and find it by (tenant and
 * subject keys, the restriction list's key).
 */
export const rule: ManifestRule = {
  id: "legal-hold",
  description:
    "A dataset with a legal_obligation personal column declares legalHold {obligation, period}; a legalHold needs a retention at least as long (its column measures the period), at least one legal_obligation column, and a tenant and subject key.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        const obliged = personalColumns(ds).filter((c) => c.personalData.legalBasis === "legal_obligation");
        if (!ds.legalHold) {
          if (obliged.length > 0) {
            report(
              m,
              at,
              `dataset "${ds.name}" keeps personal data under legal_obligation (${obliged.map((c) => c.name).join(", ")}) but declares no legalHold, so an erasure request would delete what the law asks to keep`,
              'legalHold: {obligation: <the law, e.g. "§147 AO: tax records 10 years">, period: <ISO 8601 duration>}',
            );
          }
          return;
        }
        const hold = [...at, "legalHold"];
        if (!ds.retention) {
          report(m, hold, `dataset "${ds.name}" declares legalHold but no retention, so nothing measures when the hold ends`, "retention: {period, column} next to legalHold (the hold's period is measured on the retention column)");
        } else {
          // Retention deletes every row past its period, held or not: a longer hold would be cut short unannounced.
          const held = parseDuration(ds.legalHold.period);
          const kept = parseDuration(ds.retention.period);
          if (held !== undefined && kept !== undefined && held > kept) {
            report(m, [...hold, "period"], `legalHold period ${ds.legalHold.period} is longer than the dataset's retention ${ds.retention.period}, which deletes every row after it`, `a period of at most ${ds.retention.period}, or a longer retention`);
          }
        }
        if (obliged.length === 0) {
          report(m, hold, `dataset "${ds.name}" declares legalHold but none of its personal columns has legalBasis legal_obligation`, "legalBasis: legal_obligation on the columns the law keeps, or no legalHold");
        }
        if (!isTenantScoped(ds) || ds.subjectKey === undefined) {
          report(m, hold, `dataset "${ds.name}" declares legalHold but has no ${isTenantScoped(ds) ? "subjectKey" : "tenant key (tenantScoped: false)"}`, "a tenant-scoped dataset with a subjectKey: restrictions are kept per tenant and subject");
        }
      });
    }
  },
};
