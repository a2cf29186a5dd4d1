import type { StackValidationPolicy } from "@pulumi/policy";
import { bucketLabel, checkedAtUpdate, known, ofBucket, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);
const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** A bucket without its own public access block depends on account settings nobody here controls. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "Every S3 bucket has a public access block with all four flags on.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const blocks = args.resources.filter((r) => r.type === T.PublicAccessBlock);
    for (const b of args.resources.filter((r) => r.type === T.Bucket)) {
      const { mine, undecided } = ofBucket(b, blocks);
      if (mine.length === 0) {
        if (undecided.length > 0) checkedAtUpdate(ID, b.urn, `which public access block is bucket ${bucketLabel(b)}'s (their bucket is unknown)`);
        else report(`bucket ${bucketLabel(b)} has no public access block`, b.urn);
        continue;
      }
      for (const p of mine) {
        const flags = FLAGS.map((f) => [f, known(() => p.props[f])] as const);
        for (const [f] of flags.filter(([, v]) => v === UNKNOWN)) checkedAtUpdate(ID, p.urn, `${f} of bucket ${bucketLabel(b)}'s public access block`);
        const off = flags.filter(([, v]) => v !== UNKNOWN && v !== true).map(([f]) => f);
        if (off.length > 0) report(`bucket ${bucketLabel(b)}'s public access block leaves ${off.join(", ")} off`, p.urn);
      }
    }
  },
};
