// Embed tokens of AI/BI dashboards, minted on the server per viewer: the external value is the viewer's tenant (the
// dashboards' datasets filter on it), the external viewer id a salted hash (it goes to Databricks' audit logs, which
// must not hold personal data: https://docs.databricks.com/aws/en/dashboards/embedding/external-embed).

export interface EmbedToken {
  readonly token: string;
  /** Seconds until it expires. */
  readonly expiresIn: number;
}

export interface EmbedMinter {
  /** The instance URL the client library loads the dashboard from. */
  readonly instanceUrl: string;
  readonly workspaceId: string;
  /** A token scoped to one published dashboard, for one viewer of one tenant. */
  mint(dashboardId: string, tenant: string, viewerId: string): Promise<EmbedToken>;
}

/** What the external value may be: an opaque tenant id without ':' (the scoped token's claim is ':'-separated). */
export const EXTERNAL_VALUE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
