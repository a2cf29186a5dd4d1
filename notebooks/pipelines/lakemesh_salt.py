"""The subject-hash salt's integrity checks, shared by the pipelines and the local plane (stdlib only).

Erased subjects are suppressed only if the pipelines and the GDPR jobs hash with the same salt. The deployment writes
a fingerprint of the salt into the governance schema (governance.salt_fingerprint: an HMAC-SHA256 keyed by the salt
over FINGERPRINT_MESSAGE, lib/compile/salt-fingerprint.ts); a reader computes the same HMAC from the salt it read
and stops on a mismatch. The GDPR jobs (notebooks/gdpr/lakemesh_gdpr.py) carry the same few lines, since they are
deployed to a folder of their own; test_salt.py holds the copies to one known vector.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Iterable, Mapping

# lib/compile/salt-fingerprint.ts SALT_FINGERPRINT_MESSAGE: a new version is a new string, changed everywhere at once.
FINGERPRINT_MESSAGE = "lakemesh subject-salt fingerprint v1"
SECRET_REFERENCE = "{{secrets/"


class SaltError(ValueError):
    """The salt is missing, looks unresolved, or does not match the deployed fingerprint. Never holds the salt."""


def refuse_unresolved(salt: str | None, where: str) -> str:
    """The salt, unless it looks like configuration gone wrong: missing, empty, only whitespace, surrounding
    whitespace, or an unresolved {{secrets/...}} reference (Databricks substitutes those only in compute Spark
    properties and environment variables, https://docs.databricks.com/aws/en/security/secrets/secrets-spark-conf-env-var).
    The same rule as checkSaltValue in lib/compile/salt-fingerprint.ts."""
    if not isinstance(salt, str) or not salt.strip():
        raise SaltError(f"the subject salt from {where} is empty or only whitespace")
    if salt.strip() != salt:
        raise SaltError(f"the subject salt from {where} starts or ends with whitespace")
    if SECRET_REFERENCE in salt:
        raise SaltError(f"the subject salt from {where} is an unresolved {{{{secrets/...}}}} reference, not a salt")
    return salt


def fingerprint(salt: str) -> str:
    """Hex HMAC-SHA256 keyed by the salt (UTF-8) over FINGERPRINT_MESSAGE."""
    return hmac.new(salt.encode("utf-8"), FINGERPRINT_MESSAGE.encode("utf-8"), hashlib.sha256).hexdigest()


def check_fingerprint(salt: str, rows: Iterable[Mapping[str, str]], table: str, where: str) -> None:
    """Stops unless `rows` (the fingerprint table's rows: message, fingerprint) hold exactly one fingerprint of this
    salt over this version's message. The message names the table and where the salt came from, never the salt."""
    rows = list(rows)
    if len(rows) != 1:
        raise SaltError(
            f"{table} holds {len(rows)} salt fingerprints, not 1: the deployment writes it (the platform stack; locally "
            "npm run local:up); without it the salt from " + where + " cannot be checked, and subjects are hashed with nothing to compare"
        )
    row = rows[0]
    if row["message"] != FINGERPRINT_MESSAGE:
        raise SaltError(f"{table} holds a fingerprint over {row['message']!r}; this code checks {FINGERPRINT_MESSAGE!r}: deploy the platform and this code together")
    if not hmac.compare_digest(str(row["fingerprint"]), fingerprint(salt)):
        raise SaltError(
            f"the subject salt from {where} does not match the fingerprint in {table}: hashes under it would match no "
            "erased subject. Set the secret back to the deployed salt, or deploy the platform stack with this one"
        )
