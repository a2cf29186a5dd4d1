import * as aws from "@pulumi/aws";
import * as databricks from "@pulumi/databricks";
import * as kafka from "@pulumi/kafka";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kafkaSecurity, SECRET_KEYS, type Settings } from "../lib/compile";

export interface Providers {
  readonly aws?: aws.Provider;
  readonly databricks?: databricks.Provider;
  /** Account-level Databricks provider: membership of account groups is managed at the account, not in a workspace. */
  readonly databricksAccount?: databricks.Provider;
  readonly kafka?: kafka.Provider;
  readonly kubernetes?: k8s.Provider;
}

export type ProviderName = keyof Providers;

/** The Databricks account console and API host on AWS. */
export const ACCOUNTS_HOST = "https://accounts.cloud.databricks.com";

/**
 * Explicit providers, configured from the stack settings. Credentials are not in config: Databricks and AWS read
 * theirs from the environment; the Kafka SASL password and the kubeconfig are Pulumi secrets.
 */
export function createProviders(s: Settings, cfg: pulumi.Config, only?: readonly ProviderName[]): Providers {
  const { sasl, tls } = kafkaSecurity(s);
  const want = (p: ProviderName) => only === undefined || only.includes(p);
  return {
    aws: !want("aws") ? undefined : new aws.Provider("aws", {
      region: s.aws.region,
      // A prod config can never be applied to another account by mistake.
      allowedAccountIds: [s.aws.accountId],
      defaultTags: { tags: { "lakemesh:env": s.env, "lakemesh:managed-by": "pulumi" } },
    }),
    databricks: !want("databricks") ? undefined : new databricks.Provider("databricks", { host: s.databricks.host }),
    // Account groups (what is_account_group_member checks) are managed at the account; the stricter reading of
    // https://docs.databricks.com/aws/en/admin/users-groups/groups ("to manage account groups you must have the
    // group manager role") is that a workspace-level provider cannot change their membership. OAuth M2M credentials
    // of an account admin or group manager come from the environment, as for the workspace provider.
    databricksAccount: !want("databricksAccount") ? undefined : new databricks.Provider("databricks-account", { host: ACCOUNTS_HOST, accountId: s.databricks.accountId }),
    kafka: !want("kafka") ? undefined : new kafka.Provider("kafka", {
      bootstrapServers: s.kafka.bootstrapServers,
      // The provider defaults tlsEnabled to true even for a plaintext broker; always say which.
      tlsEnabled: tls,
      skipTlsVerify: false,
      timeout: 120,
      ...(sasl ? { saslMechanism: "scram-sha512", saslUsername: s.kafka.saslUsername, saslPassword: cfg.requireSecret(SECRET_KEYS.kafkaSaslPassword) } : {}),
    }),
    kubernetes: !want("kubernetes") ? undefined : new k8s.Provider("kubernetes", { kubeconfig: cfg.getSecret(SECRET_KEYS.kubeconfig), enableServerSideApply: true }),
  };
}
