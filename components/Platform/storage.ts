import * as aws from "@pulumi/aws";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import type { BucketSpec, PlatformSpec, Settings } from "../../lib/compile";
import { keep } from "../options";


/** Denies every request that does not use TLS. */
export function tlsOnlyPolicy(bucketArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}

/** Key policy: the account administers the key through IAM (the storage role's policy grants its use). */
export function kmsKeyPolicy(accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "AccountAdministersThroughIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" }],
  });
}

/**
 * What the Unity Catalog storage role may do: read and write both buckets, use the key, and assume itself (which
 * Unity Catalog requires). Written here rather than with getAwsUnityCatalogPolicy, which also grants SNS/SQS on
 * every queue and topic for file events we do not use.
 */
export function storageRolePolicy(bucketNames: readonly string[], keyArn: string, roleArn: string): string {
  const arns = bucketNames.map((b) => `arn:aws:s3:::${b}`);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "Objects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: arns.map((a) => `${a}/*`) },
      { Sid: "Buckets", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: arns },
      { Sid: "Key", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"], Resource: [keyArn] },
      { Sid: "SelfAssume", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [roleArn] },
    ],
  });
}

function bucket(b: BucketSpec, key: aws.kms.Key, tags: Record<string, string>, parent: pulumi.Resource, protect: boolean): aws.s3.Bucket {
  const bkt = new aws.s3.Bucket(b.resourceName, { bucket: b.name, forceDestroy: false, tags }, keep(parent, protect));
  const opts = { parent: bkt };
  const pab = new aws.s3.BucketPublicAccessBlock(
    `${b.resourceName}-public-access-block`,
    { bucket: bkt.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    opts,
  );
  new aws.s3.BucketOwnershipControls(`${b.resourceName}-ownership`, { bucket: bkt.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${b.resourceName}-encryption`,
    { bucket: bkt.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] },
    opts,
  );
  // The policy goes on after the public access block, or S3 may refuse it as public.
  new aws.s3.BucketPolicy(`${b.resourceName}-tls-only`, { bucket: bkt.id, policy: bkt.arn.apply(tlsOnlyPolicy) }, { ...opts, dependsOn: [pab] });
  new aws.s3.BucketLifecycleConfiguration(
    `${b.resourceName}-lifecycle`,
    {
      bucket: bkt.id,
      rules: [
        {
          id: "expire-noncurrent-and-incomplete",
          status: "Enabled",
          filter: { prefix: "" },
          noncurrentVersionExpiration: { noncurrentDays: b.noncurrentDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          ...(b.expireAfterDays !== null ? { expiration: { days: b.expireAfterDays } } : {}),
        },
      ],
    },
    opts,
  );
  return bkt;
}

/** What the catalog and the platform's outputs need from storage, whoever manages the buckets. */
export interface Storage {
  readonly credential: databricks.StorageCredential;
  readonly ucLocation: databricks.ExternalLocation;
  readonly landingLocation: databricks.ExternalLocation;
}

function storageCredential(s: Settings, spec: PlatformSpec, parent: pulumi.Resource): databricks.StorageCredential {
  return new databricks.StorageCredential(
    "storage-credential",
    { name: spec.names.storageCredential, awsIamRole: { roleArn: spec.names.storageRoleArn }, isolationMode: "ISOLATION_MODE_ISOLATED", comment: `lakemesh ${s.env} Unity Catalog storage` },
    { parent },
  );
}

/** The two workspace-isolated external locations, encrypted with `keyArn`. */
function externalLocations(
  s: Settings,
  spec: PlatformSpec,
  credential: databricks.StorageCredential,
  keyArn: pulumi.Input<string>,
  dependsOn: { uc: pulumi.Resource[]; landing: pulumi.Resource[] },
  parent: pulumi.Resource,
): Storage {
  const n = spec.names;
  const location = (name: string, url: string, readOnly: boolean, resource: string, deps: pulumi.Resource[]) =>
    new databricks.ExternalLocation(
      resource,
      {
        name,
        url,
        credentialName: credential.name,
        isolationMode: "ISOLATION_MODE_ISOLATED",
        readOnly,
        encryptionDetails: { sseEncryptionDetails: { algorithm: "AWS_SSE_KMS", awsKmsKeyArn: keyArn } },
        comment: `lakemesh ${s.env}`,
      },
      { parent, dependsOn: deps },
    );
  const ucLocation = location(n.ucLocation, `s3://${n.ucBucket}/`, false, "location-uc", dependsOn.uc);
  const landingLocation = location(n.landingLocation, `s3://${n.landingBucket}/`, true, "location-landing", dependsOn.landing);
  return { credential, ucLocation, landingLocation };
}

/**
 * KMS key, the two buckets with their hardening, the IAM role (credential first: the storage credential gives the
 * external id the role's trust policy needs), and the workspace-isolated external locations. With storage managed
 * elsewhere (spec.existingStorage) only the credential and the locations, on the given buckets, key and role: the
 * organisation keeps the role's trust policy (with the credential's external id, a platform stack output), the
 * buckets' hardening and the landing bucket's expiry.
 * https://docs.databricks.com/aws/en/connect/unity-catalog/cloud-storage/s3/s3-external-location-manual
 */
export function createStorage(s: Settings, spec: PlatformSpec, parent: pulumi.Resource): Storage {
  if (spec.existingStorage) return externalLocations(s, spec, storageCredential(s, spec, parent), spec.existingStorage.kmsKeyArn, { uc: [], landing: [] }, parent);
  const n = spec.names;
  const tags = { "lakemesh:env": s.env, "lakemesh:component": "platform" };
  const key = new aws.kms.Key(
    "kms-uc",
    { description: `Unity Catalog storage of lakemesh ${s.env}`, enableKeyRotation: true, deletionWindowInDays: 30, policy: kmsKeyPolicy(s.aws.accountId), tags },
    keep(parent, spec.protect),
  );
  new aws.kms.Alias("kms-uc-alias", { name: n.kmsAlias, targetKeyId: key.keyId }, { parent: key });
  const [ucSpec, landingSpec] = spec.buckets;
  const ucBucket = bucket(ucSpec, key, tags, parent, spec.protect);
  const landingBucket = bucket(landingSpec, key, tags, parent, spec.protect);
  const credential = storageCredential(s, spec, parent);
  const trust = databricks.getAwsUnityCatalogAssumeRolePolicyOutput(
    { awsAccountId: s.aws.accountId, roleName: n.storageRole, externalId: credential.awsIamRole.apply((r) => r?.externalId ?? "") },
    { parent },
  );
  const role = new aws.iam.Role("storage-role", { name: n.storageRole, assumeRolePolicy: trust.json, tags }, { parent });
  const rolePolicy = new aws.iam.RolePolicy(
    "storage-role-policy",
    { role: role.id, policy: key.arn.apply((k) => storageRolePolicy([n.ucBucket, n.landingBucket], k, n.storageRoleArn)) },
    { parent: role },
  );
  return externalLocations(s, spec, credential, key.arn, { uc: [role, rolePolicy, ucBucket], landing: [role, rolePolicy, landingBucket] }, parent);
}
