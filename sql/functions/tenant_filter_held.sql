-- Row filter of the tables of a dataset under a legal hold (declared on them as ROW FILTER <this> ON (tenant_id,
-- <subject key>); a table has one row filter, so this one includes the tenant rule). The GDPR officer and the
-- legal-hold role see every row, restricted ones included; everyone else sees what tenant_filter shows them, except
-- the rows of subjects an erasure restricted under the hold (GDPR Art. 18): listed in erasure_restrictions by tenant
-- and subject. The pipelines are not let through either: restricted rows are not processed further, so a gold
-- recomputed from silver drops them. A row filter takes several columns, "ROW FILTER func_name ON ( [ column_name |
-- constant_literal [, ...] ] )" (https://docs.databricks.com/aws/en/sql/language-manual/sql-ref-syntax-ddl-row-filter,
-- https://docs.databricks.com/aws/en/data-governance/unity-catalog/filters-and-masks/).
-- A row without a subject (NULL) is never restricted: r.subject_id = NULL is not true.
CREATE OR REPLACE FUNCTION {{function}}(row_tenant STRING, row_subject STRING)
RETURNS BOOLEAN
COMMENT 'lakemesh: the tenant filter, and rows restricted under a legal hold only for the GDPR officer and the legal-hold role'
RETURN {{restricted_members}}
  OR (
    ({{tenant_rule}})
    AND NOT EXISTS (
      SELECT 1 FROM {{erasure_restrictions}} AS r
      WHERE r.tenant_id = row_tenant AND r.subject_id = row_subject
    )
  )
