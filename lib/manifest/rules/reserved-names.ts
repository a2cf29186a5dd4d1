import { ManifestRule } from "../mesh";
import { RESERVED_DOMAIN_SUFFIXES, RESERVED_SCHEMA_NAMES } from "../model";

/** Longest first, so an error names the whole group word (platform-admins, not admins). */
const BY_LENGTH = [...RESERVED_DOMAIN_SUFFIXES].sort((a, b) => b.length - a.length);

/** The schema a domain gets: its name with '-' as '_' (as lib/compile/naming.ts derives it). */
const asSchema = (domain: string) => domain.replace(/-/g, "_");

export const rule: ManifestRule = {
  id: "reserved-names",
  description:
    "A domain's schema is not a platform or system schema (governance, default, information_schema, ...) and its name does not end like a persona or platform group (platform-admins, pipelines, ...).",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      const name = m.manifest.metadata.name;
      const schema = asSchema(name);
      const reserved = (RESERVED_SCHEMA_NAMES as readonly string[]).includes(schema);
      if (reserved) {
        report(m, ["metadata", "name"], `domain "${name}" would take the schema "${schema}", which the platform or Unity Catalog owns`, `a name whose schema is none of: ${RESERVED_SCHEMA_NAMES.join(", ")}`);
        continue;
      }
      const suffix = BY_LENGTH.find((s) => name === s || name.endsWith(`-${s}`));
      if (suffix) {
        report(m, ["metadata", "name"], `domain "${name}" ends with "${suffix}", the name of a persona or platform group`, `a name that does not end with any of: ${RESERVED_DOMAIN_SUFFIXES.join(", ")}`);
      }
    }
  },
};
