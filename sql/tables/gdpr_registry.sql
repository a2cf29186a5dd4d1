-- Every dataset that holds personal data or declares a retention period, compiled from the domain manifests. The GDPR
-- jobs read it; nobody edits it.
CREATE TABLE IF NOT EXISTS {{table}} (
  dataset STRING NOT NULL COMMENT 'catalog.schema.table',
  domain STRING NOT NULL COMMENT 'Owning domain.',
  layer STRING NOT NULL COMMENT 'bronze, silver or gold.',
  kind STRING NOT NULL COMMENT 'streaming_table or materialized_view.',
  tenant_key STRING COMMENT 'Tenant column.',
  subject_key STRING COMMENT 'Data-subject column.',
  personal_columns STRING NOT NULL COMMENT 'JSON list of {name, category, erasure}.',
  retention_period STRING COMMENT 'ISO 8601 duration.',
  retention_column STRING COMMENT 'DATE or TIMESTAMP column the period is measured on.',
  registry_sha256 STRING NOT NULL COMMENT 'Hash of the registry this row was written with.',
  legal_hold_obligation STRING COMMENT 'Legal obligation that keeps the rows of an erased subject (restricted instead), or NULL.',
  legal_hold_period STRING COMMENT 'ISO 8601 period of that obligation, measured on retention_column, or NULL.'
)
COMMENT 'lakemesh: GDPR registry compiled from the domain manifests'
TBLPROPERTIES ('lakemesh.schema_version' = '2')
