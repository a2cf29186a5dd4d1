-- The tenant rule of the row filters (a fragment, not a statement): tenant_filter returns it, tenant_filter_held
-- adds the legal-hold restriction to it. See tenant_filter.sql for what it lets through and why.
{{internal_members}}
  OR (
    EXISTS (
      SELECT 1 FROM {{tenant_principals}} AS tp
      WHERE tp.tenant_id = row_tenant
        AND (tp.principal = session_user() OR is_account_group_member(tp.principal))
    )
    AND NOT EXISTS (
      SELECT 1 FROM {{tenant_principals}} AS other
      WHERE other.tenant_id <> row_tenant
        AND (other.principal = session_user() OR is_account_group_member(other.principal))
    )
  )
