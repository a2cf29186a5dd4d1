/* Generated from lib/compile/settings.schema.json by `npm run gen:types`. Do not edit. */

export type Principal = string;

/**
 * The lakemesh:* keys of a Pulumi stack config file (Pulumi.<stack>.yaml). Secrets are not here: they are Pulumi secret config (see SECRET_KEYS).
 */
export interface StackSettings {
  env: string;
  prefix: string;
  catalog: string;
  protect?: boolean;
  mode?: "single" | "platform" | "domain";
  domain?: string;
  /**
   * Removed: catalog-level ABAC row-filter and mask policies on tables that declare their own would make every query fail (MULTIPLE_FILTERS, MULTIPLE_MASKS). Kept so an old stack file gets this explanation.
   */
  abac?: false;
  aws: {
    region: string;
    accountId: string;
    landingRetentionDays?: number;
    existingStorage?: {
      ucBucket: string;
      landingBucket: string;
      kmsKeyArn: string;
      storageRoleArn: string;
    };
  };
  databricks: {
    host: string;
    /**
     * Workspace folder of pipeline code, contracts, governance SQL and GDPR notebooks. Default /<prefix>/<env>.
     */
    workspaceRoot?: string;
    accountId: string;
    accountObjectsOwner: string;
    tagAssignerGroups?: Principal[];
    pipelineDevelopment?: boolean;
    domainServicePrincipals: {
      [k: string]: string | undefined;
    };
    warehouseSize?: "2X-Small" | "X-Small" | "Small" | "Medium" | "Large";
    vacuumRetentionHours?: number;
    gdprSecretScope?: string;
    gdprServicePrincipal: string;
    datahubServicePrincipal: string;
    gdprExportRetentionDays?: number;
    gdprRetentionSchedule?: string;
    minScheduleIntervalMinutes?: number;
    continuousPipelines?: string[];
  };
  kafka: {
    /**
     * @minItems 1
     */
    bootstrapServers: string[];
    auth: "sasl-scram-sha512" | "sasl-scram-sha512-plaintext" | "plaintext";
    saslUsername?: string;
    replicationFactor: number;
    minInsyncReplicas: number;
    principalPrefix?: string;
    secretScope?: string;
    /**
     * How the SCRAM credentials of lakemesh's Kafka principals are created (kafka.auth sasl-scram-sha512): through the Kafka admin API (self-managed brokers), or as Secrets Manager secrets associated with an MSK cluster.
     */
    scramCredentials?: "kafka-api" | "msk";
    mskClusterArn?: string;
    /**
     * kafka.scramCredentials msk with the SCRAM secrets managed outside lakemesh: the existing AmazonMSK_ secret of each Kafka user lakemesh grants ACLs to, by user name. lakemesh then creates no secret, KMS key or association.
     */
    existingScramSecrets?: {
      [k: string]: string | undefined;
    };
  };
  personas: {
    platform_admin: Principal;
    data_scientist: Principal;
    internal_analyst: Principal;
    client_admin: Principal;
    end_user: Principal;
    gdpr_officer: Principal;
    api_service: Principal;
    bi_service: Principal;
    auditor: Principal;
    /**
     * People who may read rows an erasure restricted under a legal hold (legal or tax staff answering an authority): SELECT on the tables of datasets with a legalHold only, every row of them; values stay masked as for any reader outside the masks' groups.
     */
    legal_hold: string;
  };
  datahub: {
    namespace: string;
    gmsUrl: string;
    install?: boolean;
    ingestionSchedule?: string;
    /**
     * Image of the ingestion CronJobs. Default acryldata/datahub-ingestion:<the server version of datahub.chartVersion>.
     */
    ingestionImage?: string;
    secretName?: string;
    kafka?: "internal" | "platform";
    prerequisitesChartVersion?: string;
    chartVersion?: string;
  };
  notificationEmails?: string[];
  serving?: {
    /**
     * @minItems 1
     * @maxItems 2000
     */
    tenants: string[];
    workspaceId: string;
    image: string;
    replicas?: number;
    maxReplicas?: number;
    namespace?: string;
    ingressNamespace?: string;
    publicUrl: string;
    rateLimitPerMinute?: number;
    identity: {
      issuer: string;
      audience: string;
      jwksUri: string;
      /**
       * @minItems 1
       */
      algorithms?: ("RS256" | "PS256" | "ES256" | "EdDSA")[];
      tenantClaim?: string;
      subjectClaim?: string;
      rolesClaim?: string;
      /**
       * @minItems 1
       */
      clientAdminRoles?: string[];
      /**
       * @minItems 1
       */
      endUserRoles?: string[];
    };
    embedding: {
      /**
       * @minItems 1
       */
      approvedDomains: string[];
      tokenMinting?: "federation" | "secret";
    };
  };
}
