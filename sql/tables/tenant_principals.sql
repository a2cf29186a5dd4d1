-- Which principals (users, service principals or groups) belong to which tenant, and as what.
-- Read by tenant_filter and the mask functions. Maintained by the platform team.
CREATE TABLE IF NOT EXISTS {{table}} (
  tenant_id STRING NOT NULL COMMENT 'Tenant.',
  principal STRING NOT NULL COMMENT 'User name, service principal application id, or account group.',
  role STRING NOT NULL COMMENT 'client_admin, end_user or service.',
  updated_at TIMESTAMP NOT NULL COMMENT 'Last change.'
)
COMMENT 'lakemesh: principals mapped to tenants'
CLUSTER BY (tenant_id)
TBLPROPERTIES ('lakemesh.schema_version' = '1', 'delta.enableDeletionVectors' = 'true')
