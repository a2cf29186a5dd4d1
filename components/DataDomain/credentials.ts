import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import type { DomainSpec, Settings } from "../../lib/compile";
import { createScramKey, createScramUser } from "../kafkaAccess";

/**
 * What the domain's Kafka principals authenticate with: their SCRAM credentials on the broker side, and the pipeline's
 * user and password in the domain's own Databricks secret scope (platform admins manage it, the domain's service
 * principal reads it; secret ACLs are per scope). Returns what the pipeline must wait for.
 */
export function createKafkaCredentials(
  spec: DomainSpec,
  s: Settings,
  passwords: Readonly<Record<string, pulumi.Input<string>>>,
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const c = spec.kafkaCredentials;
  if (!c) return [];
  const password = (key: string | null) => {
    if (key === null) return undefined;
    const pw = passwords[key];
    if (pw === undefined) throw new Error(`no secret config lakemesh:${key}; set it with pulumi config set --secret lakemesh:${key}`);
    return pw;
  };
  const kmsKey = c.kms ? createScramKey(c.kms, s.aws.accountId, spec.protect, parent) : undefined;
  const users = c.users.flatMap((u) => createScramUser(u, { provisioning: c.provisioning, mechanism: c.mechanism, mskClusterArn: c.mskClusterArn, kmsKey }, password(u.passwordKey), parent) ?? []);

  const pipelineUser = c.users.find((u) => u.role === "pipeline")!;
  const scope = new databricks.SecretScope(c.scope.resourceName, { name: c.scope.name }, { parent });
  const secrets = [
    new databricks.Secret(`${c.scope.resourceName}-username`, { scope: scope.name, key: c.scope.usernameKey, stringValue: pipelineUser.username }, { parent: scope }),
    new databricks.Secret(`${c.scope.resourceName}-password`, { scope: scope.name, key: c.scope.passwordKey, stringValue: pulumi.secret(password(pipelineUser.passwordKey)!) }, { parent: scope }),
  ];
  const acls = [
    ...c.scope.managers.map((principal) => ({ principal, permission: "MANAGE" })),
    ...c.scope.readers.map((principal) => ({ principal, permission: "READ" })),
  ].map((a) => new databricks.SecretAcl(`${c.scope.resourceName}-acl-${a.principal}`, { scope: scope.name, principal: a.principal, permission: a.permission }, { parent: scope }));
  return [...users, ...secrets, ...acls];
}
