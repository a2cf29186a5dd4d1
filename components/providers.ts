import * as aws from "@pulumi/aws";
import * as databricks from "@pulumi/databricks";
import * as kafka from "@pulumi/kafka";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SECRET_KEYS, type Settings } from "../lib/compile";

export interface Providers {
  readonly aws: aws.Provider;
  readonly databricks: databricks.Provider;
  readonly kafka: kafka.Provider;
  readonly kubernetes: k8s.Provider;
}

/**
 * Explicit providers, configured from the stack settings. Credentials are not in config: Databricks and AWS read
 * theirs from the environment; the Kafka SASL password and the kubeconfig are Pulumi secrets.
 */
export function createProviders(s: Settings, cfg: pulumi.Config): Providers {
  const sasl = s.kafka.auth === "sasl-scram-sha512";
  return {
    aws: new aws.Provider("aws", {
      region: s.aws.region,
      // A prod config can never be applied to another account by mistake.
      allowedAccountIds: [s.aws.accountId],
      defaultTags: { tags: { "lakemesh:env": s.env, "lakemesh:managed-by": "pulumi" } },
    }),
    databricks: new databricks.Provider("databricks", { host: s.databricks.host }),
    kafka: new kafka.Provider("kafka", {
      bootstrapServers: s.kafka.bootstrapServers,
      // The provider defaults tlsEnabled to true even for a plaintext broker; always say which.
      tlsEnabled: sasl,
      skipTlsVerify: false,
      timeout: 120,
      ...(sasl ? { saslMechanism: "scram-sha512", saslUsername: s.kafka.saslUsername, saslPassword: cfg.requireSecret(SECRET_KEYS.kafkaSaslPassword) } : {}),
    }),
    kubernetes: new k8s.Provider("kubernetes", { kubeconfig: cfg.getSecret(SECRET_KEYS.kubeconfig), enableServerSideApply: true }),
  };
}
