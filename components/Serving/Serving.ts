import * as databricks from "@pulumi/databricks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { accessControl, type Settings } from "../../lib/compile";
import { SERVING_SECRET_KEYS, servingRuntimeConfig, tenantPrincipalRows, type KubeObject, type ServingKubernetesSpec, type ServingSpec } from "../../lib/serving";
import { GroupMembership } from "../access";
import { SqlObject } from "../governance/SqlObject";
import { lookupAtUpdate, toGrants } from "../options";
import { TYPES } from "../types";
import { SqlRows } from "./rows";

/** A planned object as the provider's args type: the planner's plain objects mirror the Kubernetes API shapes. */
const as = <T>(o: KubeObject): T => o as unknown as T;

/** Arguments for {@link Serving}. */
export interface ServingArgs {
  /** Compiled serving plan (lib/serving compileServing). */
  readonly spec: ServingSpec;
  /** The API's Kubernetes objects (lib/serving compileServingKubernetes). */
  readonly kubernetes: ServingKubernetesSpec;
  readonly settings: Settings;
  /** The platform's SQL warehouse: runs the governance statements, the dashboards and the API's queries. */
  readonly warehouseId: pulumi.Input<string>;
  /** Secret config: the cursor key, the federation signing key (PEM) and the subject-hash salt. */
  readonly secrets: { readonly cursorKey: pulumi.Input<string>; readonly federationKey: pulumi.Input<string>; readonly subjectSalt: pulumi.Input<string> };
  /** The account-level Databricks provider: service principals, their federation policies and group memberships. */
  readonly accountProvider: databricks.Provider;
  /** What must exist first: the governance schema's tables and functions (tenant_principals, tenant_filter). */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Serving: one account-level service principal per tenant (federated: the API signs a token whose subject names
 * the tenant and Databricks exchanges it, so no per-tenant secret is stored), its workspace assignment, persona
 * group memberships and tenant_principals row; the API's GDPR intake table; the embedded dashboards and the
 * workspace's embedding settings; and the API's Deployment, Service, HPA, PodDisruptionBudget and NetworkPolicy.
 */
export class Serving extends pulumi.ComponentResource {
  /** Application id of each tenant's principal. */
  public readonly applicationIds: pulumi.Output<Record<string, string>>;
  /** Published dashboard id per view. */
  public readonly dashboardIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPES.Serving, name, { tenants: args.spec.tenants.map((t) => t.tenant), dashboards: args.spec.dashboards.map((d) => d.name) }, opts);
    const { spec, settings: s } = args;
    const v = spec.settings;
    // Service principals, their federation policies and group memberships live in the account.
    const account = args.accountProvider;
    const onAccount = { parent: this, provider: account };
    const groups = Object.fromEntries(
      [...new Set(spec.tenants.flatMap((t) => t.groups))].map((g) => [g, lookupAtUpdate(() => databricks.getGroupOutput({ displayName: g }, { parent: this, provider: account }).id)]),
    );

    const principals = spec.tenants.map((t) => {
      const sp = new databricks.ServicePrincipal(t.resourceName, { displayName: t.displayName, active: true }, onAccount);
      const child = { parent: sp, provider: account };
      const assignment = new databricks.MwsPermissionAssignment(`${t.resourceName}-workspace`, { workspaceId: v.workspaceId, principalId: sp.id, permissions: ["USER"] }, child);
      // Through the GroupMembership component, as the platform's workload memberships, so the access model reads
      // who is in which group (facts.ts). The GroupMember keeps its name; it used to be the principal's direct child,
      // so the alias moves an existing stack's member under the component instead of replacing it.
      for (const g of t.groups) {
        const name = `${t.resourceName}-member-${g}`;
        new GroupMembership(name, { group: g, member: sp.applicationId, groupId: groups[g], memberId: sp.id, accountProvider: account, memberAliases: [{ parent: sp }] }, { parent: sp });
      }
      // https://docs.databricks.com/aws/en/dev-tools/auth/oauth-federation-policy: the issuer's well-known endpoint
      // serves the keys (the API at publicUrl); the policy admits only this tenant's subject.
      new databricks.ServicePrincipalFederationPolicy(
        `${t.resourceName}-federation`,
        { servicePrincipalId: sp.id.apply(Number), policyId: spec.federation.policyId, description: `lakemesh serving: tenant ${t.tenant}`, oidcPolicy: { issuer: spec.federation.issuer, audiences: [spec.federation.audience], subject: t.federationSubject } },
        child,
      );
      const secret = v.embedding.tokenMinting === "secret" ? new databricks.ServicePrincipalSecret(`${t.resourceName}-secret`, { servicePrincipalId: sp.id }, child) : undefined;
      return { t, sp, assignment, secret };
    });
    this.applicationIds = pulumi.all(principals.map((p) => p.sp.applicationId)).apply((ids) => Object.fromEntries(principals.map((p, i) => [p.t.tenant, ids[i]])));

    const sql = { host: s.databricks.host, warehouseId: args.warehouseId };
    new SqlRows(
      "governance-tenant_principals-serving-rows",
      { ...sql, objectName: tenantPrincipalRows(s, []).name, spec: this.applicationIds.apply((ids) => tenantPrincipalRows(s, spec.tenants.map((t) => ({ tenant: t.tenant, applicationId: ids[t.tenant] })))) },
      { parent: this, dependsOn: [...(args.dependsOn ?? []), ...principals.map((p) => p.assignment)] },
    );
    const intake = new SqlObject(spec.intakeTable.resourceName, { spec: spec.intakeTable, ...sql }, { parent: this, dependsOn: args.dependsOn, protect: s.protect, retainOnDelete: s.protect });
    new databricks.Grants(`${spec.intakeTable.resourceName}-grants`, { table: spec.intakeTable.name, grants: toGrants(spec.intakeGrants) }, { parent: intake });

    // Embedding: approved domains only (https://docs.databricks.com/aws/en/dashboards/embedding/external-embed).
    const policy = new databricks.AibiDashboardEmbeddingAccessPolicySetting("serving-embedding-access-policy", { aibiDashboardEmbeddingAccessPolicy: { accessPolicyType: spec.embedding.accessPolicyType } }, { parent: this });
    new databricks.AibiDashboardEmbeddingApprovedDomainsSetting(
      "serving-embedding-approved-domains",
      { aibiDashboardEmbeddingApprovedDomains: { approvedDomains: [...spec.embedding.approvedDomains] } },
      { parent: this, dependsOn: [policy] },
    );
    const dashboards = spec.dashboards.map((d) => {
      // Published on create by the provider; with embedCredentials false each viewer's own grants and row filters apply.
      const dash = new databricks.Dashboard(d.resourceName, { displayName: d.displayName, warehouseId: args.warehouseId, serializedDashboard: d.serialized, parentPath: d.parentPath, embedCredentials: d.embedCredentials }, { parent: this });
      new databricks.Permissions(`${d.resourceName}-permissions`, { dashboardId: dash.id, accessControls: d.permissions.map((p) => ({ ...accessControl(p.principal), permissionLevel: p.level })) }, { parent: dash });
      return { d, dash };
    });
    this.dashboardIds = pulumi.all(dashboards.map((x) => x.dash.id)).apply((ids) => Object.fromEntries(dashboards.map((x, i) => [x.d.name, ids[i]])));

    const k = args.kubernetes;
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, k.namespace, { parent: this });
    const inNs = { parent: this, dependsOn: [ns] };
    const meta = k.deployment.metadata;
    const embedSecrets = pulumi.all(principals.map((p) => (p.secret ? p.secret.secret : pulumi.output("")))).apply((xs) =>
      Object.fromEntries(principals.flatMap((p, i) => (p.secret ? [[`oauth-secret-${p.t.tenant}`, xs[i]]] : []))),
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: { name: k.secretName, namespace: meta.namespace, labels: meta.labels },
        type: "Opaque",
        stringData: pulumi.secret(
          pulumi.all([args.secrets.cursorKey, args.secrets.federationKey, args.secrets.subjectSalt, embedSecrets]).apply(([cursor, federation, salt, oauth]) => ({
            [SERVING_SECRET_KEYS.cursorKey.key]: cursor,
            [SERVING_SECRET_KEYS.federationKey.key]: federation,
            [SERVING_SECRET_KEYS.subjectSalt.key]: salt,
            ...oauth,
          })),
        ),
      },
      inNs,
    );
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: k.configMapName, namespace: meta.namespace, labels: meta.labels },
        data: {
          "serving.json": pulumi
            .all([args.warehouseId, this.applicationIds, this.dashboardIds])
            .apply(([warehouseId, applicationIds, dashboardIds]) => JSON.stringify(servingRuntimeConfig(s, spec, { warehouseId, applicationIds, dashboardIds }), null, 2)),
        },
      },
      inNs,
    );
    const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, as<k8s.apps.v1.DeploymentArgs>(k.deployment), { parent: this, dependsOn: [ns, secret, config] });
    new k8s.core.v1.Service(`${name}-service`, as<k8s.core.v1.ServiceArgs>(k.service), inNs);
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, as<k8s.autoscaling.v2.HorizontalPodAutoscalerArgs>(k.hpa), { parent: this, dependsOn: [deployment] });
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, as<k8s.policy.v1.PodDisruptionBudgetArgs>(k.pdb), inNs);
    new k8s.networking.v1.NetworkPolicy(`${name}-network-policy`, as<k8s.networking.v1.NetworkPolicyArgs>(k.networkPolicy), inNs);
    this.registerOutputs({ applicationIds: this.applicationIds, dashboardIds: this.dashboardIds });
  }
}
