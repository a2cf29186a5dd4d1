import type { StackValidationPolicy } from "@pulumi/policy";
import { bucketLabel, checkedAtUpdate, known, ofBucket, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

/** Buckets are encrypted with the stack's KMS key, so access is also gated by the key policy. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "Every S3 bucket has default encryption with SSE-KMS (aws:kms) and a KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms, the platform key and bucketKeyEnabled.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const configs = args.resources.filter((r) => r.type === T.BucketEncryption);
    for (const b of args.resources.filter((r) => r.type === T.Bucket)) {
      const { mine, undecided } = ofBucket(b, configs);
      const verdicts = mine.map((c) =>
        known(() =>
          ((c.props.rules ?? []) as any[]).some((rule) => {
            const d = rule.applyServerSideEncryptionByDefault;
            if (d?.sseAlgorithm !== "aws:kms") return false;
            // The key is usually a key ARN, unknown until the key exists: an unknown key is still a key.
            const key = known(() => d.kmsMasterKeyId);
            return key === UNKNOWN || (typeof key === "string" && key !== "");
          }),
        ),
      );
      if (verdicts.includes(true)) continue;
      if (verdicts.includes(UNKNOWN) || undecided.length > 0) checkedAtUpdate(ID, b.urn, `the SSE-KMS encryption of bucket ${bucketLabel(b)} (its configuration is unknown)`);
      else report(`bucket ${bucketLabel(b)} is not encrypted with SSE-KMS`, b.urn);
    }
  },
};
