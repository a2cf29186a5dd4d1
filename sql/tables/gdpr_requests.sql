-- Subject access and erasure requests. Holds a salted hash of the subject, never the subject id.
CREATE TABLE IF NOT EXISTS {{table}} (
  request_id STRING NOT NULL COMMENT 'Request id.',
  request_type STRING NOT NULL COMMENT 'access or erasure.',
  tenant_id STRING NOT NULL COMMENT 'Tenant of the subject.',
  subject_hash STRING NOT NULL COMMENT 'sha256 of salt, tenant and subject.',
  status STRING NOT NULL COMMENT 'received, running, erasing (an erasure waiting to verify), done or failed.',
  requested_at TIMESTAMP NOT NULL COMMENT 'When the request was received.',
  completed_at TIMESTAMP COMMENT 'When it finished.'
)
COMMENT 'lakemesh: GDPR requests (no raw subject ids)'
CLUSTER BY (tenant_id)
TBLPROPERTIES ('lakemesh.schema_version' = '1')
