import * as aws from "@pulumi/aws";
import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";
import type { AclSpec, KafkaCredentialsSpec, ScramUserSpec } from "../lib/compile";
import { keep } from "./options";
import { kmsKeyPolicy } from "./Platform/storage";

/** One ACL binding (always Allow: lakemesh grants, never denies). */
export function createAcl(a: AclSpec, opts: pulumi.CustomResourceOptions): kafka.Acl {
  return new kafka.Acl(
    a.resourceName,
    {
      aclPrincipal: a.principal,
      aclHost: a.host,
      aclOperation: a.operation,
      aclPermissionType: "Allow",
      aclResourceType: a.resourceType,
      aclResourceName: a.resourceNameValue,
      resourcePatternTypeFilter: a.patternType,
    },
    opts,
  );
}

/** How the broker learns a user's SCRAM credential; for MSK also the key its secret is encrypted with. */
export interface ScramProvisioning {
  readonly provisioning: KafkaCredentialsSpec["provisioning"];
  readonly mechanism: KafkaCredentialsSpec["mechanism"];
  readonly mskClusterArn: string | null;
  /** scramCredentials msk: the customer managed key of the AmazonMSK_ secrets. */
  readonly kmsKey?: aws.kms.Key;
}

/**
 * The customer managed KMS key MSK requires for AmazonMSK_ secrets (the default Secrets Manager key cannot be used),
 * rotated, and protected in production like every key.
 */
export function createScramKey(k: NonNullable<KafkaCredentialsSpec["kms"]>, accountId: string, protect: boolean, parent: pulumi.Resource): aws.kms.Key {
  const key = new aws.kms.Key(
    k.resourceName,
    { description: "lakemesh: Kafka SCRAM secrets of Amazon MSK", enableKeyRotation: true, deletionWindowInDays: 30, policy: kmsKeyPolicy(accountId) },
    keep(parent, protect),
  );
  new aws.kms.Alias(`${k.resourceName}-alias`, { name: k.alias, targetKeyId: key.keyId }, { parent: key });
  return key;
}

/**
 * One Kafka user's SCRAM credential on the broker side. kafka-api: created through the Kafka admin API
 * (AlterUserScramCredentials). msk: an AmazonMSK_ Secrets Manager secret encrypted with a customer managed key, with
 * the resource policy MSK needs to read it, associated with the cluster one secret at a time
 * (SingleScramSecretAssociation: ScramSecretAssociation would own every secret of the cluster and remove other
 * stacks'). msk-existing: nothing (the secret exists and is associated already). Returns the resource the user's
 * clients must wait for, if lakemesh creates one. https://docs.aws.amazon.com/msk/latest/developerguide/msk-password.html
 */
export function createScramUser(u: ScramUserSpec, p: ScramProvisioning, password: pulumi.Input<string> | undefined, parent: pulumi.Resource): pulumi.Resource | undefined {
  // msk-existing: the AmazonMSK_ secret (u.mskSecretArn) is made, encrypted and associated outside lakemesh.
  if (p.provisioning === "msk-existing") return undefined;
  if (password === undefined) throw new Error(`${u.resourceName}: no password for Kafka user ${u.username}`);
  if (p.provisioning === "kafka-api") {
    return new kafka.UserScramCredential(u.resourceName, { username: u.username, scramMechanism: p.mechanism, password: pulumi.secret(password) }, { parent });
  }
  if (!p.kmsKey || !u.mskSecretName || !p.mskClusterArn) throw new Error(`${u.resourceName}: an MSK credential needs its secret name, KMS key and cluster ARN`);
  const secret = new aws.secretsmanager.Secret(
    u.resourceName,
    { name: u.mskSecretName, kmsKeyId: p.kmsKey.arn, description: `lakemesh: SCRAM credential of Kafka user ${u.username}` },
    { parent },
  );
  const value = new aws.secretsmanager.SecretVersion(
    `${u.resourceName}-value`,
    { secretId: secret.id, secretString: pulumi.secret(pulumi.output(password).apply((pw) => JSON.stringify({ username: u.username, password: pw }))) },
    { parent: secret },
  );
  const policy = new aws.secretsmanager.SecretPolicy(
    `${u.resourceName}-policy`,
    {
      secretArn: secret.arn,
      policy: secret.arn.apply((arn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "AWSKafkaResourcePolicy", Effect: "Allow", Principal: { Service: "kafka.amazonaws.com" }, Action: "secretsmanager:getSecretValue", Resource: arn }],
        }),
      ),
    },
    { parent: secret },
  );
  return new aws.msk.SingleScramSecretAssociation(`${u.resourceName}-msk`, { clusterArn: p.mskClusterArn, secretArn: secret.arn }, { parent: secret, dependsOn: [value, policy] });
}
