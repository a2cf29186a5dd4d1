-- The subject-hash salt's fingerprint: one row, an HMAC-SHA256 keyed by the salt over a fixed, versioned message
-- (lib/compile/salt-fingerprint.ts), written by the deployment with bound parameters. The pipelines (when they declare
-- their datasets) and the GDPR jobs (at start) compute the same HMAC from the salt they read and stop on a mismatch:
-- hashes under another salt would match no erased subject. Read by the pipelines group and the GDPR jobs' principal;
-- written by nobody else.
CREATE TABLE IF NOT EXISTS {{table}} (
  message STRING NOT NULL COMMENT 'The fixed, versioned string the HMAC is computed over.',
  fingerprint STRING NOT NULL COMMENT 'Hex HMAC-SHA256 of message keyed by the salt.',
  written_at TIMESTAMP NOT NULL COMMENT 'When the deployment wrote it.'
)
COMMENT 'lakemesh: fingerprint of the subject-hash salt (HMAC of a fixed string); written by the deployment only'
TBLPROPERTIES ('lakemesh.schema_version' = '1')
