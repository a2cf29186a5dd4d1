// Read-only lookups preflight makes in a Databricks workspace, each GET made once. A 404 is an answer ("absent"),
// not an error.
import { DatabricksApiError, restCall, type RestOptions } from "../databricks/rest";

export interface GrantRule {
  readonly role: string;
  readonly principals?: readonly string[];
}

const q = encodeURIComponent;

export class Workspace {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    private readonly o: RestOptions,
    readonly accountId: string,
  ) {}

  /** GET, cached; undefined when the object does not exist (HTTP 404). */
  get<T>(path: string): Promise<T | undefined> {
    if (!this.cache.has(path)) {
      this.cache.set(
        path,
        restCall<T>(this.o, "GET", path).catch((e) => {
          if (e instanceof DatabricksApiError && e.status === 404) return undefined;
          throw e;
        }),
      );
    }
    return this.cache.get(path) as Promise<T | undefined>;
  }

  /** Who calls: the rule-set principal names that stand for the caller, and whether it is a workspace admin. */
  async me(): Promise<{ principals: Set<string>; admin: boolean; name: string }> {
    const me = await this.get<{ userName?: string; applicationId?: string; groups?: { display: string }[] }>("/api/2.0/preview/scim/v2/Me");
    const name = me?.userName ?? me?.applicationId ?? "(unknown)";
    const groups = (me?.groups ?? []).map((g) => g.display);
    const principals = new Set([`users/${name}`, `servicePrincipals/${me?.applicationId ?? name}`, ...groups.map((g) => `groups/${g}`)]);
    return { principals, admin: groups.includes("admins"), name };
  }

  async servicePrincipal(applicationId: string): Promise<{ id: string; groups: string[] } | undefined> {
    const r = await this.get<{ Resources?: { id: string; groups?: { display: string }[] }[] }>(`/api/2.0/preview/scim/v2/ServicePrincipals?filter=${q(`applicationId eq "${applicationId}"`)}`);
    const sp = r?.Resources?.[0];
    return sp ? { id: sp.id, groups: (sp.groups ?? []).map((g) => g.display) } : undefined;
  }

  async group(displayName: string): Promise<{ id: string } | undefined> {
    const r = await this.get<{ Resources?: { id: string }[] }>(`/api/2.0/preview/scim/v2/Groups?filter=${q(`displayName eq "${displayName}"`)}`);
    return r?.Resources?.[0];
  }

  /** The grant rules of an account rule set, through the workspace's Account Access Control Proxy. */
  async ruleSet(name: string): Promise<GrantRule[]> {
    const r = await this.get<{ grant_rules?: GrantRule[] }>(`/api/2.0/preview/accounts/access-control/rule-sets?name=${q(name)}&etag=`);
    return r?.grant_rules ?? [];
  }

  tagPolicy(tagKey: string): Promise<{ id: string; values?: { name: string }[] } | undefined> {
    return this.get(`/api/2.1/tag-policies/${q(tagKey)}`);
  }

  /** Privileges a principal holds on a securable, inherited ones included. */
  async effectivePrivileges(kind: string, fullName: string, principal: string): Promise<string[]> {
    const r = await this.get<{ privilege_assignments?: { principal: string; privileges?: { privilege: string }[] }[] }>(
      `/api/2.1/unity-catalog/effective-permissions/${q(kind)}/${q(fullName)}?principal=${q(principal)}`,
    );
    return (r?.privilege_assignments ?? []).filter((a) => a.principal === principal).flatMap((a) => (a.privileges ?? []).map((p) => p.privilege));
  }

  async warehouseId(name: string): Promise<string | undefined> {
    const r = await this.get<{ warehouses?: { id: string; name: string }[] }>("/api/2.0/sql/warehouses");
    return r?.warehouses?.find((w) => w.name === name)?.id;
  }

  /** Permission levels each principal holds on a workspace object (`sql/warehouses/<id>`, `pipelines/<id>`, ...). */
  async permissions(object: string): Promise<Map<string, string[]>> {
    const r = await this.get<{ access_control_list?: { user_name?: string; group_name?: string; service_principal_name?: string; all_permissions?: { permission_level: string }[] }[] }>(
      `/api/2.0/permissions/${object}`,
    );
    return new Map((r?.access_control_list ?? []).map((a) => [a.service_principal_name ?? a.group_name ?? a.user_name ?? "", (a.all_permissions ?? []).map((p) => p.permission_level)]));
  }

  async secretAcl(scope: string, principal: string): Promise<string | undefined> {
    return (await this.get<{ permission?: string }>(`/api/2.0/secrets/acls/get?scope=${q(scope)}&principal=${q(principal)}`))?.permission;
  }

  async functionDefinition(fullName: string): Promise<string | undefined> {
    return (await this.get<{ routine_definition?: string }>(`/api/2.1/unity-catalog/functions/${q(fullName)}`))?.routine_definition;
  }
}
