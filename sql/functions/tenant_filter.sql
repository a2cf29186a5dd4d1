-- Row filter of every tenant table (declared on pipeline tables as ROW FILTER <this> ON (tenant_id)).
-- True for internal personas and pipelines (group membership), or when the caller, or a group the caller is in,
-- is mapped to the row's tenant in tenant_principals and to no other tenant: a principal mapped to two tenants
-- (directly or through two groups) sees neither, so one mapping mistake cannot join two tenants' data.
-- The parameter is not called tenant_id: inside the sub-query that name would bind to tp.tenant_id.
-- session_user(), not current_user(): "In Databricks SQL and Databricks Runtime 14.1 and above you should use
-- SESSION_USER instead of CURRENT_USER" (https://docs.databricks.com/aws/en/sql/language-manual/functions/session_user).
CREATE OR REPLACE FUNCTION {{function}}(row_tenant STRING)
RETURNS BOOLEAN
COMMENT 'lakemesh: rows of a tenant are visible to internal personas and to principals mapped to that tenant only'
RETURN {{tenant_rule}}
