-- Pre-flight control of the GDPR jobs: rows of several tenants and subjects, under the tenant row filter and a mask
-- like every registered table. No real tenant or person: the tenants are mapped to no principal, so only the groups
-- the filter and masks reveal everything to see the rows, and clear emails. Each job counts the rows through the
-- filter and compares the count with lakemesh.control_rows (a table property: no row filter applies to it), and checks
-- every email reads clear; a principal shown less would erase or expire only what it sees, so the job refuses to run.
-- Re-created with its rows whenever this text changes (CREATE OR REPLACE: never duplicate rows).
CREATE OR REPLACE TABLE {{table}} (
  tenant_id STRING NOT NULL COMMENT 'A control tenant, mapped to no principal.',
  subject_id STRING NOT NULL COMMENT 'A control subject.',
  email STRING NOT NULL COMMENT 'subject_id@tenant_id.control.invalid, masked for everyone but the revealing groups.' MASK {{mask}} USING COLUMNS (tenant_id)
)
WITH ROW FILTER {{tenant_filter}} ON (tenant_id)
COMMENT 'lakemesh: GDPR pre-flight control rows (no personal data)'
TBLPROPERTIES ('lakemesh.schema_version' = '1', 'lakemesh.control_rows' = {{rows}})
