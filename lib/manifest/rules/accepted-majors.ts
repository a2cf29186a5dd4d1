import { ManifestRule } from "../mesh";
import { parseSemver } from "../semver";

/**
 * A consumer's `acceptedMajors` names datasets it reads from that producer (directly, or through the topic that
 * feeds them), at a major the producer has published: accepting a future major would let a later breaking change
 * through unseen.
 */
export const rule: ManifestRule = {
  id: "accepted-majors",
  description: "A consumer accepts majors only of datasets it reads from that producer, and at most the producer's current major.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      (m.manifest.spec.consumers ?? []).forEach((c, i) => {
        const producer = ctx.domains.get(c.domain);
        if (!producer || !c.acceptedMajors) return; // an unknown domain is the references rule's error
        for (const [name, major] of Object.entries(c.acceptedMajors)) {
          const at = ["spec", "consumers", i, "acceptedMajors", name];
          const ds = producer.manifest.spec.datasets.find((d) => d.name === name);
          const readsTopic = ds?.source.topic !== undefined && (c.topics ?? []).includes(ds.source.topic);
          if (!ds || (!(c.datasets ?? []).includes(name) && !readsTopic)) {
            const read = [...(c.datasets ?? []), ...producer.manifest.spec.datasets.filter((d) => d.source.topic && (c.topics ?? []).includes(d.source.topic)).map((d) => d.name)];
            report(m, at, `"${name}" is not a dataset this domain reads from "${c.domain}"`, `one of the datasets in this consumer's datasets, or fed by its topics: ${[...new Set(read)].join(", ") || "(none)"}`, "key");
            continue;
          }
          const current = parseSemver(ds.contract.version)?.major;
          if (current !== undefined && major !== undefined && major > current) {
            report(m, at, `major ${major} of "${c.domain}.${name}" is not published (its contract is ${ds.contract.version})`, `at most ${current}, the producer's current major`);
          }
        }
      });
    }
  },
};
