// Embed tokens for external viewers, minted through the tenant's own principal
// (https://docs.databricks.com/aws/en/dashboards/embedding/external-embed; the official sample
// github.com/databricks-solutions/aibi-dashboards-external-embedding backend/app.py):
//   1. a broad token of the tenant's principal;
//   2. GET /api/2.0/lakeview/dashboards/{id}/published/tokeninfo?external_viewer_id=..&external_value=..
//   3. a token restricted to that dashboard and viewer: the token endpoint again, with authorization_details and the
//      other tokeninfo fields (scope, custom_claim).
// Minting through the tenant's principal means the dashboard's queries run with its rights, so Unity Catalog's row
// filter applies even if a dataset forgot __aibi_external_value. Step 3 with a federated assertion instead of the
// principal's OAuth secret is not documented; a community report says custom_claim is then dropped
// (https://community.databricks.com/t5/warehousing-analytics/external-embedding-for-reports-using-federated-credentials-fails/td-p/140624),
// so `lakemesh:serving.embedding.tokenMinting: secret` switches step 1 and 3 to each principal's OAuth secret.
import type { EmbedMinter, EmbedToken } from "../embed";
import { EXTERNAL_VALUE_PATTERN } from "../embed";
import type { FederatedTokens } from "./federation";

type Fetch = typeof fetch;

export class EmbedMintError extends Error {}

export interface DatabricksEmbedOptions {
  readonly host: string;
  readonly workspaceId: string;
  readonly federation: FederatedTokens;
  /** `secret`: each tenant principal's OAuth secret (from the API's secret volume) for steps 1 and 3. */
  readonly minting: "federation" | "secret";
  readonly oauthSecret?: (tenant: string) => string;
  readonly fetchImpl?: Fetch;
}

export class DatabricksEmbedMinter implements EmbedMinter {
  readonly instanceUrl: string;
  readonly workspaceId: string;
  private readonly fetchImpl: Fetch;
  constructor(private readonly o: DatabricksEmbedOptions) {
    this.instanceUrl = `https://${o.host}`;
    this.workspaceId = o.workspaceId;
    this.fetchImpl = o.fetchImpl ?? fetch;
  }

  private async clientCredentials(tenant: string, form: Record<string, string>): Promise<{ access_token: string; expires_in: number }> {
    const id = this.o.federation.principal(tenant).applicationId;
    const secret = this.o.oauthSecret?.(tenant);
    if (!secret) throw new EmbedMintError("no OAuth secret for the tenant's principal");
    const res = await this.fetchImpl(`${this.instanceUrl}/oidc/v1/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", ...form }).toString(),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new EmbedMintError(`token request failed with HTTP ${res.status}`);
    return (await res.json()) as { access_token: string; expires_in: number };
  }

  async mint(dashboardId: string, tenant: string, viewerId: string): Promise<EmbedToken> {
    if (!EXTERNAL_VALUE_PATTERN.test(tenant)) throw new EmbedMintError("tenant id unusable as external value");
    if (!/^[0-9a-f]{64}$/.test(viewerId)) throw new EmbedMintError("the external viewer id must be a salted hash");
    const broad = this.o.minting === "secret" ? (await this.clientCredentials(tenant, { scope: "all-apis" })).access_token : await this.o.federation.token(tenant, "all-apis");
    const url = new URL(`${this.instanceUrl}/api/2.0/lakeview/dashboards/${encodeURIComponent(dashboardId)}/published/tokeninfo`);
    url.searchParams.set("external_viewer_id", viewerId);
    url.searchParams.set("external_value", tenant);
    const info = await this.fetchImpl(url, { headers: { authorization: `Bearer ${broad}` }, signal: AbortSignal.timeout(15_000) });
    if (!info.ok) throw new EmbedMintError(`tokeninfo failed with HTTP ${info.status}`);
    const { authorization_details, ...rest } = (await info.json()) as { authorization_details: unknown; [k: string]: unknown };
    const form: Record<string, string> = { authorization_details: JSON.stringify(authorization_details), ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)])) };
    const scoped =
      this.o.minting === "secret"
        ? await this.clientCredentials(tenant, form)
        : await this.o.federation.exchange({
            grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
            subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
            subject_token: await this.o.federation.assertion(tenant),
            client_id: this.o.federation.principal(tenant).applicationId,
            ...form,
          });
    return { token: scoped.access_token, expiresIn: Number(scoped.expires_in ?? 3600) };
  }
}
