// The subject-hash salt's fingerprint: erased subjects are suppressed only if the pipelines and the GDPR jobs hash
// with the same salt, so the deployment stores an HMAC of a fixed string keyed by the salt in the governance schema
// (sql/tables/salt_fingerprint.sql), and both compute the same HMAC from the salt they read and stop on a mismatch
// (notebooks/pipelines/lakemesh_salt.py, notebooks/gdpr/lakemesh_gdpr.py). The fingerprint reveals nothing usable
// about the salt without a brute-force search, and the salt is a long random secret; it is still kept a Pulumi
// secret (derived from the secret config, never unwrapped into plain inputs).
import { createHmac } from "crypto";
import { qualifiedName } from "../sql";
import type { GovernanceObjectSpec } from "./governance";
import { governanceNames } from "./naming";
import type { Settings } from "./settings";

/**
 * The fixed, versioned string the HMAC is computed over. A new version (a new string) needs every reader changed
 * with it: the readers compare the stored message too, and refuse one they do not know.
 */
export const SALT_FINGERPRINT_MESSAGE = "lakemesh subject-salt fingerprint v1";

export class SaltValueError extends Error {}

/**
 * Refuses a salt that looks like configuration gone wrong rather than a secret: empty, only whitespace, surrounding
 * whitespace (a secret stored with a trailing newline hashes differently than the same text without it), or an
 * unresolved `{{secrets/...}}` reference, which Databricks substitutes only in compute Spark properties and
 * environment variables (https://docs.databricks.com/aws/en/security/secrets/secrets-spark-conf-env-var). The
 * message never shows the value. The Python readers refuse the same (lakemesh_salt.refuse_unresolved).
 */
export function checkSaltValue(salt: string, what = "lakemesh:subjectHashSalt"): string {
  if (typeof salt !== "string" || salt.trim() === "") throw new SaltValueError(`${what} is empty or only whitespace; set it to a long random secret`);
  if (salt.trim() !== salt) throw new SaltValueError(`${what} starts or ends with whitespace; store the salt without it`);
  if (salt.includes("{{secrets/")) throw new SaltValueError(`${what} holds an unresolved {{secrets/...}} reference, not a salt`);
  return salt;
}

/** Hex HMAC-SHA256 keyed by the salt (UTF-8) over SALT_FINGERPRINT_MESSAGE (UTF-8), after checkSaltValue. */
export function saltFingerprint(salt: string): string {
  return createHmac("sha256", Buffer.from(checkSaltValue(salt), "utf8")).update(SALT_FINGERPRINT_MESSAGE, "utf8").digest("hex");
}

/** Resource name, kind and object name of the fingerprint's row: known before the salt is (it is a secret Output). */
export function saltFingerprintRowHead(s: Settings): Pick<GovernanceObjectSpec, "resourceName" | "kind" | "name"> {
  return { resourceName: "governance-salt_fingerprint-row", kind: "rows", name: `${governanceNames(s.catalog).saltFingerprint}#rows` };
}

/**
 * The fingerprint's one row, replaced in one atomic INSERT OVERWRITE with both values bound as parameters. Written
 * by the deployment only: the pipelines group and the GDPR jobs' principal may read it (lib/compile/platform.ts).
 */
export function compileSaltFingerprintRow(s: Settings, fingerprint: string): GovernanceObjectSpec {
  const table = governanceNames(s.catalog).saltFingerprint;
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new SaltValueError("the salt fingerprint is not a hex HMAC-SHA256");
  return {
    ...saltFingerprintRowHead(s),
    create: [
      {
        sql: `INSERT OVERWRITE ${qualifiedName(table)} (message, fingerprint, written_at) VALUES (:message, :fingerprint, current_timestamp())`,
        parameters: [
          { name: "message", value: SALT_FINGERPRINT_MESSAGE, type: "STRING" },
          { name: "fingerprint", value: fingerprint, type: "STRING" },
        ],
      },
    ],
    drop: [],
  };
}
