import type { StackValidationPolicy } from "@pulumi/policy";
import { ruleId, T } from "../../lib";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** A bucket without its own public access block depends on account settings nobody here controls. */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "Every S3 bucket has a public access block with all four flags on.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const blocks = args.resources.filter((r) => r.type === T.PublicAccessBlock);
    for (const b of args.resources.filter((r) => r.type === T.Bucket)) {
      const mine = blocks.filter((p) => p.props.bucket === b.props.bucket || p.props.bucket === b.props.id || p.parent?.urn === b.urn);
      if (mine.length === 0) {
        report(`bucket ${b.props.bucket} has no public access block`, b.urn);
        continue;
      }
      for (const p of mine) {
        const off = FLAGS.filter((f) => p.props[f] !== true);
        if (off.length > 0) report(`bucket ${b.props.bucket}'s public access block leaves ${off.join(", ")} off`, p.urn);
      }
    }
  },
};
