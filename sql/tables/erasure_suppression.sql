-- Subjects that were erased: ingest drops their events, so a replay from Kafka cannot bring them back.
CREATE TABLE IF NOT EXISTS {{table}} (
  tenant_id STRING NOT NULL COMMENT 'Tenant of the subject.',
  subject_hash STRING NOT NULL COMMENT 'sha256 of salt, tenant and subject.',
  request_id STRING NOT NULL COMMENT 'Erasure request that added it.',
  suppressed_at TIMESTAMP NOT NULL COMMENT 'When it was added.'
)
COMMENT 'lakemesh: erased subjects (salted hashes)'
CLUSTER BY (tenant_id)
TBLPROPERTIES ('lakemesh.schema_version' = '1')
