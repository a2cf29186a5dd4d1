-- Column mask of one personal-data category (declared on pipeline tables as MASK <this> USING COLUMNS (tenant_id)).
-- Reveals the value to GDPR officers and pipelines, and to client admins of the row's tenant who are mapped to no
-- other tenant (as in tenant_filter); everyone else gets a mask that fits the category.
-- session_user(), not current_user(): see tenant_filter.sql.
CREATE OR REPLACE FUNCTION {{function}}(value {{value_type}}, row_tenant STRING)
RETURNS {{value_type}}
COMMENT {{comment}}
RETURN CASE
  WHEN {{revealing_members}} THEN value
  WHEN EXISTS (
    SELECT 1 FROM {{tenant_principals}} AS tp
    WHERE tp.tenant_id = row_tenant AND tp.role = 'client_admin'
      AND (tp.principal = session_user() OR is_account_group_member(tp.principal))
  ) AND NOT EXISTS (
    SELECT 1 FROM {{tenant_principals}} AS other
    WHERE other.tenant_id <> row_tenant
      AND (other.principal = session_user() OR is_account_group_member(other.principal))
  ) THEN value
  ELSE {{masked}}
END
