import type { StackValidationPolicy } from "@pulumi/policy";
import { checkedAtUpdate, isProdStack, known, personalTopics, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);
const DATA_STORES: readonly string[] = [T.Catalog, T.Schema, T.Bucket, T.KmsKey];

/** In production nothing that holds data leaves by deleting a line of code or YAML. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "In production stacks the catalog, schemas, buckets, KMS keys, governance tables, the row filter and mask functions, and personal-data topics are protected and kept on delete.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Set lakemesh:protect: true in the production stack config (lakemesh then sets protect and retainOnDelete).",
  configSchema: { properties: { prodStackPattern: { type: "string", default: "^prod" } } },
  validateStack: (args, report) => {
    const { prodStackPattern } = args.getConfig<{ prodStackPattern: string }>();
    const personal = personalTopics(args.resources, ID);
    for (const r of args.resources) {
      if (!isProdStack(r.urn, prodStackPattern)) continue;
      const store = known(
        () =>
          DATA_STORES.includes(r.type) ||
          // A dropped filter or mask function makes every table that declares it fail closed.
          (r.type === T.SqlObject && (r.props.kind === "table" || r.props.kind === "function")) ||
          (r.type === T.Topic && personal.has(r.props.name)),
      );
      if (store === UNKNOWN) {
        checkedAtUpdate(ID, r.urn, "whether this resource holds data (its kind or name is unknown)");
        continue;
      }
      if (!store) continue;
      if (!r.opts.protect) report(`production ${r.type.split(":").pop()} ${r.name} is not protected`, r.urn);
      // The engine does not pass retainOnDelete to policies; the offline harness does.
      const retain = (r.opts as { retainOnDelete?: boolean }).retainOnDelete;
      if (retain === false) report(`production ${r.type.split(":").pop()} ${r.name} is not kept on delete (retainOnDelete)`, r.urn);
    }
  },
};
