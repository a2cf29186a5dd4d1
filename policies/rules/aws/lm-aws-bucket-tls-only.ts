import type { StackValidationPolicy } from "@pulumi/policy";
import { bucketLabel, checkedAtUpdate, known, ofBucket, ruleId, T, UNKNOWN } from "../../lib";

const ID = ruleId(__filename);

function deniesInsecureTransport(policyText: unknown): boolean {
  let doc: any;
  try {
    doc = typeof policyText === "string" ? JSON.parse(policyText) : policyText;
  } catch {
    return false;
  }
  const statements = Array.isArray(doc?.Statement) ? doc.Statement : [doc?.Statement];
  return statements.some(
    (s: any) => s?.Effect === "Deny" && ["s3:*", "*"].includes(Array.isArray(s.Action) ? s.Action[0] : s.Action) && String(s?.Condition?.Bool?.["aws:SecureTransport"]) === "false",
  );
}

/** Personal data never crosses the network in clear text. */
export const policy: StackValidationPolicy = {
  name: ID,
  description: "Every S3 bucket has a bucket policy that denies requests without TLS (aws:SecureTransport false).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add an aws.s3.BucketPolicy with a Deny s3:* statement conditioned on aws:SecureTransport = false.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const policies = args.resources.filter((r) => r.type === T.BucketPolicy);
    for (const b of args.resources.filter((r) => r.type === T.Bucket)) {
      const { mine, undecided } = ofBucket(b, policies);
      // The policy document names the bucket's ARN, unknown until the bucket exists.
      const verdicts = mine.map((p) => known(() => deniesInsecureTransport(p.props.policy)));
      if (verdicts.includes(true)) continue;
      if (verdicts.includes(UNKNOWN) || undecided.length > 0) checkedAtUpdate(ID, b.urn, `the TLS-only policy of bucket ${bucketLabel(b)} (its policy document is unknown)`);
      else report(`bucket ${bucketLabel(b)} does not deny non-TLS requests`, b.urn);
    }
  },
};
