-- The tenant the calling principal (or a group it is in) is mapped to in tenant_principals; NULL when none.
-- When a principal is mapped to several tenants the smallest id is returned; use tenant_filter for access checks.
CREATE OR REPLACE FUNCTION {{function}}()
RETURNS STRING
COMMENT 'lakemesh: tenant of the calling principal from tenant_principals'
RETURN (
  SELECT min(tp.tenant_id) FROM {{tenant_principals}} AS tp
  WHERE tp.principal = current_user() OR is_account_group_member(tp.principal)
)
