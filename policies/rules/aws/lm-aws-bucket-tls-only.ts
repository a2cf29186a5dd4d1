import type { StackValidationPolicy } from "@pulumi/policy";
import { ruleId, T } from "../../lib";

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
  name: ruleId(__filename),
  description: "Every S3 bucket has a bucket policy that denies requests without TLS (aws:SecureTransport false).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add an aws.s3.BucketPolicy with a Deny s3:* statement conditioned on aws:SecureTransport = false.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const policies = args.resources.filter((r) => r.type === T.BucketPolicy);
    for (const b of args.resources.filter((r) => r.type === T.Bucket)) {
      const mine = policies.filter((p) => p.props.bucket === b.props.bucket || p.props.bucket === b.props.id || p.parent?.urn === b.urn);
      if (!mine.some((p) => deniesInsecureTransport(p.props.policy))) report(`bucket ${b.props.bucket} does not deny non-TLS requests`, b.urn);
    }
  },
};
