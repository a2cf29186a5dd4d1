import { displayPath, type LoadedManifest, type ManifestError } from "../manifest";
import { domainGroup, kafkaPrincipal, pipelinesGroup } from "./naming";
import type { Settings } from "./settings";

/**
 * A domain's derived principals (its account group, its Kafka principals) must never be one of the stack's own
 * principals (a persona group, the pipelines group, Pulumi's Kafka user): the domain's grants would then be the
 * platform's. The manifest rule reserved-names refuses the names that collide with the usual group names; this
 * check uses the names the stack file actually configures.
 */
export function principalCollisionErrors(s: Settings, manifests: readonly LoadedManifest[]): ManifestError[] {
  const platform = new Map<string, string>([
    ...Object.entries(s.personas).map(([persona, p]): [string, string] => [p, `the ${persona} persona`]),
    [pipelinesGroup(s), "the pipelines group"],
    ...(s.kafka.saslUsername ? [[`User:${s.kafka.saslUsername}`, "Pulumi's Kafka user"] as [string, string]] : []),
  ]);
  const errors: ManifestError[] = [];
  for (const m of manifests) {
    const d = m.manifest.metadata.name;
    for (const derived of [domainGroup(s, d), kafkaPrincipal(s, d, "producer"), kafkaPrincipal(s, d, "pipeline")]) {
      const owner = platform.get(derived);
      if (owner === undefined) continue;
      const pos = m.sourceMap.locate(["metadata", "name"]);
      errors.push({
        file: m.file,
        line: pos.line,
        column: pos.column,
        path: displayPath(["metadata", "name"]),
        message: `domain "${d}" would act as ${derived}, which is ${owner} in stack ${s.env}`,
        allowed: "a domain name whose group and Kafka principals are not the platform's",
        rule: "platform-limits",
      });
    }
  }
  return errors;
}
