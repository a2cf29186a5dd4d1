import { ManifestRule } from "../mesh";
import { mayReadTopic } from "../model";

/**
 * A topic is raw events: every tenant's, before the row filter and the masks. Another domain reads the owner's
 * datasets; declaring one of its topics with personal data needs the owner's consent, given in the owner's manifest
 * (`publishedTo`, with a purpose), not only the reader's word (issue 15, item 2). The dataset's lifecycle does not
 * matter: a topic that feeds a draft dataset carries the same personal data.
 */
export const rule: ManifestRule = {
  id: "topic-reads",
  description:
    "Another domain's topic with personal data is declared in spec.consumers[].topics only when its owner lists the reader in the topic's publishedTo; publishedTo names other existing domains, each once.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const own = m.manifest.metadata.name;
      (m.manifest.spec.consumers ?? []).forEach((c, i) => {
        const producer = ctx.domains.get(c.domain)?.manifest;
        if (!producer || c.domain === own) return; // the references rule reports both
        (c.topics ?? []).forEach((name, k) => {
          const topic = (producer.spec.topics ?? []).find((t) => t.name === name);
          if (!topic || mayReadTopic(producer, topic, own)) return;
          report(
            m,
            ["spec", "consumers", i, "topics", k],
            `topic "${c.domain}.${name}" carries personal data (every tenant's events, unfiltered and unmasked) and domain "${c.domain}" does not publish it to "${own}"`,
            `read ${c.domain}'s datasets instead (spec.consumers[].datasets: row filter and masks apply), or ${c.domain}'s owners add {domain: ${own}, purpose: ...} to the topic's publishedTo`,
          );
        });
      });
      (m.manifest.spec.topics ?? []).forEach((t, i) => {
        const seen = new Map<string, number>();
        (t.publishedTo ?? []).forEach((p, k) => {
          const at = ["spec", "topics", i, "publishedTo", k, "domain"];
          const others = [...ctx.domains.keys()].filter((d) => d !== own).sort().join(", ") || "(none)";
          if (p.domain === own) report(m, at, `topic "${t.name}" is published to its own domain "${own}"`, `another domain of the mesh: one of ${others}; the owner's pipeline reads its topics without it`);
          else if (!ctx.domains.has(p.domain) && !ctx.brokenDomains.has(p.domain)) report(m, at, `topic "${t.name}" is published to domain "${p.domain}", which does not exist`, `one of: ${others}`);
          else if (seen.has(p.domain)) report(m, at, `topic "${t.name}" is already published to "${p.domain}" at publishedTo[${seen.get(p.domain)}]`, "each domain at most once");
          if (!seen.has(p.domain)) seen.set(p.domain, k);
        });
      });
    }
  },
};
