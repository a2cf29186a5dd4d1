// Changes to a domain itself, outside its datasets' contracts: metadata, SLA, pipeline, topics and consumer
// declarations. They carry no version; they are listed so reviewers see them.
import type { DomainManifest, Topic } from "../manifest";
import type { Change } from "./types";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function topicChanges(b: readonly Topic[], h: readonly Topic[]): Change[] {
  const out: Change[] = [];
  for (const t of h) {
    const old = b.find((x) => x.name === t.name);
    if (!old) {
      out.push({ kind: "topic-changed", class: "compatible", subject: `topics.${t.name}`, detail: "topic added" });
      continue;
    }
    const fields = (["partitions", "retention", "personalData", "key"] as const).filter((f) => old[f] !== t[f]);
    // The key is reported on the dataset the topic feeds (key-changed); here only what it does to the topic.
    if (fields.length) out.push({ kind: "topic-changed", class: "compatible", subject: `topics.${t.name}`, detail: fields.map((f) => `${f} ${old[f]} -> ${t[f]}`).join(", ") });
    if (old.description !== t.description) out.push({ kind: "description-changed", class: "cosmetic", subject: `topics.${t.name}`, detail: "description changed" });
  }
  for (const t of b) if (!h.some((x) => x.name === t.name)) out.push({ kind: "topic-changed", class: "compatible", subject: `topics.${t.name}`, detail: "topic removed" });
  return out;
}

export function domainChanges(b: DomainManifest, h: DomainManifest): Change[] {
  const out: Change[] = [];
  const meta = (["title", "description", "tags"] as const).filter((f) => !same(b.metadata[f], h.metadata[f]));
  if (meta.length) out.push({ kind: "description-changed", class: "cosmetic", subject: "metadata", detail: `${meta.join(", ")} changed` });
  if (!same(b.metadata.owner, h.metadata.owner)) out.push({ kind: "owner-changed", class: "cosmetic", subject: "metadata.owner", detail: `owner ${b.metadata.owner.team} -> ${h.metadata.owner.team}` });
  const sla = (["freshness", "availability", "supportHours"] as const).filter((f) => b.spec.sla[f] !== h.spec.sla[f]);
  if (sla.length) out.push({ kind: "domain-changed", class: "compatible", subject: "spec.sla", detail: sla.map((f) => `${f} ${b.spec.sla[f]} -> ${h.spec.sla[f]}`).join(", ") });
  if (!same(b.spec.pipeline, h.spec.pipeline)) out.push({ kind: "domain-changed", class: "compatible", subject: "spec.pipeline", detail: "pipeline mode or schedule changed" });
  if (!same(b.spec.consumers, h.spec.consumers)) out.push({ kind: "domain-changed", class: "compatible", subject: "spec.consumers", detail: "reads of other domains changed" });
  out.push(...topicChanges(b.spec.topics ?? [], h.spec.topics ?? []));
  return out;
}
