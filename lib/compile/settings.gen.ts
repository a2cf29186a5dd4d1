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
  platformStack?: string;
  abac?: boolean;
  aws: {
    region: string;
    accountId: string;
    landingRetentionDays?: number;
  };
  databricks: {
    host: string;
    workspaceRoot: string;
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
    gdprRetentionSchedule?: string;
  };
  kafka: {
    /**
     * @minItems 1
     */
    bootstrapServers: string[];
    auth: "sasl-scram-sha512" | "plaintext";
    saslUsername?: string;
    replicationFactor: number;
    minInsyncReplicas: number;
    principalPrefix?: string;
    secretScope?: string;
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
  };
  datahub: {
    namespace: string;
    gmsUrl: string;
    ingestionSchedule?: string;
    ingestionImage?: string;
    secretName?: string;
    kafka?: "internal" | "platform";
    prerequisitesChartVersion?: string;
    chartVersion?: string;
  };
  notificationEmails?: string[];
}
