-- GDPR requests waiting for their job: the raw subject id, from when a request is filed (`lakemesh gdpr request`,
-- the serving API; bound parameters) until its job ends, when the job deletes the row (bound DELETE); the nightly
-- retention job deletes rows older than a day whose job never ran, and vacuums the table (threshold: the default 7 days,
-- stated; a shorter one is not needed to stay within the 30-day deadline). Statistics are kept on
-- request_id only and deletion vectors are off, so the subject id is in no log statistics and a DELETE rewrites
-- its file, which VACUUM then removes after the retention threshold.
CREATE TABLE IF NOT EXISTS {{table}} (
  request_id STRING NOT NULL COMMENT 'Request id: the only parameter of the job run.',
  request_type STRING NOT NULL COMMENT 'access or erasure.',
  tenant_id STRING NOT NULL COMMENT 'Tenant of the subject.',
  subject_id STRING NOT NULL COMMENT 'The raw subject id, until the request ends.',
  requested_by STRING NOT NULL COMMENT 'Who filed it (current_user() of the filing session).',
  requested_at TIMESTAMP NOT NULL COMMENT 'When it was filed.'
)
COMMENT 'lakemesh: GDPR requests until their job ends (raw subject ids; deleted when the request ends)'
TBLPROPERTIES ('lakemesh.schema_version' = '1', 'delta.dataSkippingStatsColumns' = 'request_id', 'delta.enableDeletionVectors' = 'false', 'delta.deletedFileRetentionDuration' = 'interval 7 days')
