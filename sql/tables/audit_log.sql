-- Every GDPR request and every action per table, append-only. Subjects appear only as salted hashes.
CREATE TABLE IF NOT EXISTS {{table}} (
  event_time TIMESTAMP NOT NULL COMMENT 'When it happened.',
  request_id STRING NOT NULL COMMENT 'Request the action belongs to.',
  action STRING NOT NULL COMMENT 'request, suppress, delete, anonymize, purge, vacuum, export, retention or done.',
  dataset STRING COMMENT 'catalog.schema.table acted on.',
  rows_affected BIGINT COMMENT 'Rows found, deleted or changed.',
  tenant_id STRING COMMENT 'Tenant.',
  subject_hash STRING COMMENT 'sha256 of salt, tenant and subject.',
  actor STRING NOT NULL COMMENT 'Principal that ran the job.',
  detail STRING COMMENT 'Free text without personal data.'
)
COMMENT 'lakemesh: GDPR audit log (append-only, no raw identifiers)'
CLUSTER BY (event_time)
TBLPROPERTIES ('lakemesh.schema_version' = '1', 'delta.appendOnly' = 'true')
