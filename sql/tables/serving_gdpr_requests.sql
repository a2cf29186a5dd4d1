-- GDPR requests filed through the serving API, one row per status change (append-only: the latest row of a request
-- is its state). Subjects and requesters appear only as salted hashes. The tenant row filter is declared with the
-- table, so a tenant principal reads only its own tenant's requests even if a query forgot its predicate
-- (https://docs.databricks.com/aws/en/tables/row-and-column-filters).
CREATE TABLE IF NOT EXISTS {{table}} (
  request_id STRING NOT NULL COMMENT 'Request id.',
  request_type STRING NOT NULL COMMENT 'access or erasure.',
  tenant_id STRING NOT NULL COMMENT 'Tenant of the subject: that of the filing admin.',
  subject_hash STRING NOT NULL COMMENT 'sha256 of salt, tenant and subject.',
  requester_hash STRING NOT NULL COMMENT 'sha256 of salt, tenant and the filing admin.',
  status STRING NOT NULL COMMENT 'received, submitted, running, done or failed.',
  run_ref STRING COMMENT 'The GDPR job run started for it.',
  counts STRING COMMENT 'Rows per dataset when done (JSON), counts only.',
  requested_at TIMESTAMP NOT NULL COMMENT 'When it was filed.',
  updated_at TIMESTAMP NOT NULL COMMENT 'When this status was recorded.'
)
WITH ROW FILTER {{tenant_filter}} ON (tenant_id)
COMMENT {{comment}}
CLUSTER BY (tenant_id)
TBLPROPERTIES ('lakemesh.schema_version' = '1', 'delta.appendOnly' = 'true')
