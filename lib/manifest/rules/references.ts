import { LoadedManifest, ManifestRule, Reporter, resolveRef, RuleContext } from "../mesh";
import { findColumn } from "../model";

const READABLE = "active";

function checkConsumers(ctx: RuleContext, m: LoadedManifest, report: Reporter): void {
  const own = m.manifest.metadata.name;
  (m.manifest.spec.consumers ?? []).forEach((c, i) => {
    const at = ["spec", "consumers", i];
    if (c.domain === own) {
      report(m, [...at, "domain"], `domain "${own}" lists itself as a source`, "another domain of the mesh; a domain reads its own data without a declaration");
      return;
    }
    if (ctx.brokenDomains.has(c.domain) && !ctx.domains.has(c.domain)) return;
    const producer = ctx.domains.get(c.domain);
    if (!producer) {
      report(m, [...at, "domain"], `domain "${c.domain}" does not exist`, `one of: ${[...ctx.domains.keys()].sort().join(", ")}`);
      return;
    }
    (c.datasets ?? []).forEach((name, k) => {
      const ds = producer.manifest.spec.datasets.find((d) => d.name === name);
      if (!ds) {
        report(m, [...at, "datasets", k], `dataset "${name}" does not exist in domain "${c.domain}"`, `one of: ${producer.manifest.spec.datasets.map((d) => d.name).join(", ")}`);
      } else if (ds.contract.lifecycle !== READABLE) {
        report(m, [...at, "datasets", k], `dataset "${c.domain}.${name}" is ${ds.contract.lifecycle}, not published`, "only datasets with contract.lifecycle: active can be read by other domains");
      }
    });
    (c.topics ?? []).forEach((name, k) => {
      if (!(producer.manifest.spec.topics ?? []).some((t) => t.name === name)) {
        report(m, [...at, "topics", k], `topic "${name}" does not exist in domain "${c.domain}"`, `one of: ${(producer.manifest.spec.topics ?? []).map((t) => t.name).join(", ") || "(none)"}`);
      }
    });
  });
}

export const rule: ManifestRule = {
  id: "references",
  description:
    "Topic and dataset references resolve, including across domains; a cross-domain read is declared in the reader's consumers and reads an active dataset; each topic feeds at most one dataset and its key is a column of it.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const spec = m.manifest.spec;
      const own = m.manifest.metadata.name;
      const readers = new Map<string, number>();
      spec.datasets.forEach((ds, d) => {
        const at = ["spec", "datasets", d];
        const topicName = ds.source.topic;
        if (topicName !== undefined) {
          const t = (spec.topics ?? []).findIndex((x) => x.name === topicName);
          if (t < 0) {
            report(m, [...at, "source", "topic"], `topic "${topicName}" is not defined in spec.topics`, `one of: ${(spec.topics ?? []).map((x) => x.name).join(", ") || "(none: add the topic to spec.topics)"}`);
          } else if (readers.has(topicName)) {
            report(m, [...at, "source", "topic"], `topic "${topicName}" already feeds spec.datasets[${readers.get(topicName)}]`, "one silver dataset per topic");
          } else {
            readers.set(topicName, d);
            const key = spec.topics![t].key;
            if (!findColumn(ds, key)) {
              report(m, ["spec", "topics", t, "key"], `key field "${key}" is not a column of dataset "${ds.name}", which this topic feeds`, `one of: ${ds.columns.map((c) => c.name).join(", ")}`);
            }
          }
        }
        (ds.source.datasets ?? []).forEach((ref, k) => {
          const rat = [...at, "source", "datasets", k];
          const r = resolveRef(ctx, m, ref);
          if (r.kind === "broken-domain") return;
          if (r.kind === "unknown-domain") {
            report(m, [...rat, "domain"], `domain "${r.domainName}" does not exist`, `one of: ${[...ctx.domains.keys()].sort().join(", ")}`);
            return;
          }
          if (r.kind === "unknown-dataset") {
            const names = (r.domainName === own ? m : ctx.domains.get(r.domainName)!).manifest.spec.datasets.map((x) => x.name);
            report(m, [...rat, "dataset"], `dataset "${ref.dataset}" does not exist in domain "${r.domainName}"`, `one of: ${names.join(", ")}`);
            return;
          }
          if (r.domainName === own) {
            if (r.dataset === ds) report(m, [...rat, "dataset"], `dataset "${ds.name}" reads itself`, "other datasets");
            return;
          }
          if (r.dataset.contract.lifecycle !== READABLE) {
            report(m, [...rat, "dataset"], `dataset "${r.domainName}.${ref.dataset}" is ${r.dataset.contract.lifecycle}, not published`, "only datasets with contract.lifecycle: active can be read by other domains");
          }
          const declared = (spec.consumers ?? []).some((c) => c.domain === r.domainName && (c.datasets ?? []).includes(ref.dataset));
          if (!declared) {
            report(
              m,
              [...rat, "dataset"],
              `cross-domain read of "${r.domainName}.${ref.dataset}" is not declared in spec.consumers`,
              `a spec.consumers entry {domain: ${r.domainName}, datasets: [${ref.dataset}], purpose: ...}`,
            );
          }
        });
      });
      checkConsumers(ctx, m, report);
    }
  },
};
