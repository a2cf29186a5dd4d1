-- Subjects whose rows in a dataset under a legal hold (GDPR Art. 17(3)(b)) an erasure request restricted instead of
-- deleting (Art. 18): the row filter of that dataset's tables hides their rows from everyone but the GDPR officer and
-- the legal-hold role, and the retention job deletes them, and then this entry, when the hold's period ends.
-- subject_id is the raw id: the filter must match it against the rows' subject column, and the held rows hold that id
-- themselves, so the list is no new copy of it; it is deleted together with them. Like the request inbox: Delta
-- statistics only on columns without the id (min/max values stay in the log for 30 days, past any VACUUM), no
-- deletion vectors (a DELETE rewrites the file), the files VACUUMed nightly after 7 days.
CREATE TABLE IF NOT EXISTS {{table}} (
  tenant_id STRING NOT NULL COMMENT 'Tenant of the subject.',
  subject_id STRING NOT NULL COMMENT 'The subject id the held rows carry (deleted with them).',
  subject_hash STRING NOT NULL COMMENT 'sha256 of salt, tenant and subject, as in the audit log.',
  dataset STRING NOT NULL COMMENT 'Registered dataset (catalog.schema.table) whose rows are held.',
  request_id STRING NOT NULL COMMENT 'Erasure request that restricted them.',
  obligation STRING NOT NULL COMMENT 'The legal obligation that keeps them, from the manifest.',
  hold_period STRING NOT NULL COMMENT 'ISO 8601 period of the obligation, from the manifest.',
  restricted_at TIMESTAMP NOT NULL COMMENT 'When the erasure restricted them.'
)
COMMENT 'lakemesh: subjects whose legally held rows are restricted instead of erased'
CLUSTER BY (tenant_id)
TBLPROPERTIES ('lakemesh.schema_version' = '1', 'delta.dataSkippingStatsColumns' = 'tenant_id,dataset,hold_period,restricted_at', 'delta.enableDeletionVectors' = 'false', 'delta.deletedFileRetentionDuration' = 'interval 7 days')
