import { foreignSources, goldSources, isForeignPersonal } from "../gold";
import { ManifestRule } from "../mesh";
import { checkPredicate } from "../predicate";

/**
 * Issue 15, item 4. The owner of a dataset chooses who reads it (`access`); a consumer's gold over it must not hand
 * it to more personas: a dataset's access is at most the intersection of its sources' access (within one domain the
 * owning team decides both, so only other domains' sources bound it). And a consumer's filter or group-by over the
 * owner's personal columns runs before masking: a filter is an oracle on clear values (count rows where
 * email = 'x'), a group-by puts them in the output's rows. Both may use only the consumer's own columns or the
 * owner's non-personal ones; counting distinct persons (a measure) stays allowed.
 */
export const rule: ManifestRule = {
  id: "republishing",
  description:
    "A dataset grants at most the personas every other domain's dataset it derives from grants; a gold filter and group-by use no personal column of another domain's dataset.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        if (!ds.source.datasets) return;
        const at = ["spec", "datasets", d];
        const foreign = foreignSources(ctx, m, ds);
        if (foreign.length > 0) {
          const grantable = (ds.access ?? []).filter((p) => foreign.every((s) => (s.dataset.access ?? []).includes(p)));
          (ds.access ?? []).forEach((persona, k) => {
            const refusing = foreign.filter((s) => !(s.dataset.access ?? []).includes(persona));
            if (refusing.length === 0) return;
            report(
              m,
              [...at, "access", k],
              `dataset "${ds.name}" grants ${persona}, which ${refusing.map((s) => `"${s.domain}.${s.dataset.name}" (access: ${(s.dataset.access ?? []).join(", ") || "none"})`).join(" and ")} ${refusing.length > 1 ? "do" : "does"} not grant`,
              `personas every other domain's source grants: ${grantable.join(", ") || "none"} (narrow access, or ask the owner to grant it)`,
            );
          });
        }
        const sources = goldSources(ctx, m, ds);
        if (!sources || !ds.aggregate) return;
        const personalOf = (column: string) => sources.find((s) => isForeignPersonal(ctx, m, s, column));
        const allowed = "columns of this domain's datasets, or non-personal columns of other domains' datasets (a count_distinct measure may still count persons)";
        ds.aggregate.groupBy.forEach((g, i) => {
          const s = personalOf(g);
          if (s) report(m, [...at, "aggregate", "groupBy", i], `group-by column "${g}" is personal data of "${s.domain}.${s.dataset.name}": each output row would republish it`, allowed);
        });
        const filter = ds.aggregate.filter;
        if (filter === undefined) return;
        const all = new Set(sources.flatMap((s) => s.dataset.columns.map((c) => c.name)));
        const r = checkPredicate(filter, all, new Set(sources.flatMap((s) => s.dataset.columns.filter((c) => c.physicalType === "BOOLEAN").map((c) => c.name))));
        if (!r.ok) return; // the expectations rule reports it
        for (const column of r.columns) {
          const s = personalOf(column);
          if (s) report(m, [...at, "aggregate", "filter"], `filter reads "${column}", personal data of "${s.domain}.${s.dataset.name}": it runs before masking, so the result is an oracle on clear values`, allowed);
        }
      });
    }
  },
};
