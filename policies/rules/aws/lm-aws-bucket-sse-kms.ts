import type { StackValidationPolicy } from "@pulumi/policy";
import { ruleId, T } from "../../lib";

/** Buckets are encrypted with the stack's KMS key, so access is also gated by the key policy. */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "Every S3 bucket has default encryption with SSE-KMS (aws:kms) and a KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms, the platform key and bucketKeyEnabled.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const configs = args.resources.filter((r) => r.type === T.BucketEncryption);
    for (const b of args.resources.filter((r) => r.type === T.Bucket)) {
      const mine = configs.filter((c) => c.props.bucket === b.props.bucket || c.props.bucket === b.props.id || c.parent?.urn === b.urn);
      const ok = mine.some((c) =>
        ((c.props.rules ?? []) as any[]).some((rule) => rule.applyServerSideEncryptionByDefault?.sseAlgorithm === "aws:kms" && rule.applyServerSideEncryptionByDefault?.kmsMasterKeyId),
      );
      if (!ok) report(`bucket ${b.props.bucket} is not encrypted with SSE-KMS`, b.urn);
    }
  },
};
