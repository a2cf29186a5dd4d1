"""Shared code of the lakemesh GDPR jobs (subject access, erasure, retention).

Each job takes one run parameter, the request id (retention none), and reads its settings from the file the platform
deploys beside this module (load_settings); the request itself (tenant, subject) from governance.gdpr_request_inbox,
whose row it deletes when the request ends. Driven by the GDPR registry the platform compiles from the manifests (governance.gdpr_registry), never by a list
of tables kept by hand. Every job's result has the same shape: {"request_id", "type", "tables": {<registry dataset,
catalog.schema.table as the manifest's stack names it>: {"absent": bool, "found": rows of the subject, and what the
job did: "exported", "deleted", "anonymized" and "restricted" (rows kept under a legal hold, not counted in
"found"), or "expired"}}}. Table and column names come only from the registry and are checked again here; values
(tenant, subject, cutoffs) travel in DataFrames (filters, and the bound session variables of Job.sql), never in SQL
text (Job.sql: session variables set from a one-row DataFrame). The raw subject id is written to one place only:
governance.erasure_restrictions, for subjects whose rows a legal hold keeps (the held rows carry that id themselves,
and the entry is deleted with them); requests, the suppression list and the audit log hold a salted hash.

Data changes only through SQL DELETE and UPDATE, never the Delta Lake API (DeltaTable) or MERGE, on registered tables:
Databricks refuses "Delta Lake APIs" on tables with row filters or column masks, and MERGE on tables whose policy
functions contain nesting, as ours do (EXISTS (SELECT ... tenant_principals)); DELETE and UPDATE are not so limited
(https://docs.databricks.com/aws/en/data-governance/unity-catalog/filters-and-masks/, Limitations).
test/python/test_gdpr_static.py fails if DeltaTable comes back here or in any module the jobs import, and the local
engine runs every job with DeltaTable made to fail (scripts/local/engine_ops.py).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

# Every pattern is matched with fullmatch: `$` with re.match also accepts a trailing newline, and an id with one
# would pass the check, find no rows, and the job would still report done. Character classes are ASCII ([0-9], not
# \d, which is any Unicode digit in Python).
IDENT = re.compile(r"[a-z][a-z0-9_]{0,254}")
TABLE = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
TENANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# Subject ids: 1 to 256 visible ASCII characters (an e-mail such as o'brien@example.com is one), never '{{' or '${'.
# Safe because a subject id is only ever bound (DataFrame filters, hash input), never put into SQL text. The same
# grammar as GDPR_SUBJECT_ID in lib/compile/gdpr-jobs.ts (test/fixtures/subject-ids.json is tested on both).
SUBJECT = re.compile(r"(?!.*(?:\{\{|\$\{))[!-~]{1,256}")
REQUEST = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The ISO 8601 duration grammar of lib/manifest/duration.ts, character for character (a test compares them).
DURATION_PATTERN = r"P(?!$)(?:([0-9]{1,9})Y)?(?:([0-9]{1,9})M)?(?:([0-9]{1,9})W)?(?:([0-9]{1,9})D)?(?:T(?=[0-9])(?:([0-9]{1,9})H)?(?:([0-9]{1,9})M)?(?:([0-9]{1,9})S)?)?"
DURATION = re.compile(DURATION_PATTERN)
MAX_DURATION_DAYS = 36_500


class GdprInputError(ValueError):
    """A request parameter is malformed or unknown. Raised before anything is changed."""


class PreflightError(GdprInputError):
    """The policy functions hide rows or values from the job's principal: it would erase or expire only what it sees
    and report done. Raised before anything is changed (locally: "refused: ...", exit status 2)."""


# The pre-flight control table (sql/tables/gdpr_control.sql, rows written at deploy): the row count no filter can hide
# is its table property, and each control row's email is clear exactly when it equals this expression of the row.
CONTROL_TABLE = "gdpr_control"

# The session's one-row view of the values Job.sql binds (a temporary view: nothing is written to storage).
BIND_VIEW = "lm_bind"
CONTROL_ROWS_PROPERTY = "lakemesh.control_rows"
CONTROL_EMAIL_SQL = "concat(subject_id, '@', tenant_id, '.control.invalid')"


def check(pattern: re.Pattern, value: str, what: str, allowed: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise GdprInputError(f"{what} {value!r} is not valid; {allowed}")
    return value


def ident(name: str) -> str:
    return check(IDENT, name, "identifier", "lower-case letters, digits and _")


def tenant_id(value: str | None) -> str:
    return check(TENANT, value, "tenant_id", "letters, digits, - and _, starting with a letter or digit, at most 64 characters")


def subject_id(value: str | None) -> str:
    return check(SUBJECT, value, "subject_id", "1 to 256 visible ASCII characters (no spaces or control characters), without '{{' or '${'")


def required(params: dict[str, str | None], *names: str) -> None:
    for n in names:
        if not params.get(n):
            raise GdprInputError(f"the {n} parameter is required")


def duration(text: str) -> timedelta:
    """ISO 8601 duration as lakemesh reads it (lib/manifest/duration.ts): a year is 365 days, a month 30, whole
    numbers, longer than zero and at most MAX_DURATION_DAYS."""
    m = DURATION.fullmatch(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    y, mo, w, d, h, mi, s = (int(x) if x else 0 for x in m.groups())
    seconds = (365 * y + 30 * mo + 7 * w + d) * 86_400 + h * 3_600 + mi * 60 + s
    if seconds == 0:
        raise ValueError(f"duration {text!r} is zero")
    if seconds > MAX_DURATION_DAYS * 86_400:
        raise ValueError(f"duration {text!r} is longer than {MAX_DURATION_DAYS} days")
    return timedelta(seconds=seconds)


def subject_hash(salt: str, tenant: str, subject: str) -> str:
    """sha256 of salt:tenant:subject, the same key the pipelines drop suppressed events by."""
    if not salt:
        raise GdprInputError("the subject-hash salt is empty")
    return hashlib.sha256(f"{salt}:{tenant}:{subject}".encode("utf-8")).hexdigest()


# The jobs' fixed settings: a workspace file beside this module (lib/compile/gdpr-jobs.ts GDPR_SETTINGS_FILE), which only
# platform admins can change. Never a run parameter: run-now's job_parameters override job parameters, and run
# history keeps them for 60 days (https://docs.databricks.com/api/workspace/jobs/runnow).
SETTINGS_FILE = "lakemesh_gdpr_settings.json"
# A local plane's own settings file (catalog spark_catalog, no secret scope); honoured only off Databricks.
LOCAL_SETTINGS_ENV = "LAKEMESH_GDPR_SETTINGS"
SCOPE = re.compile(r"[A-Za-z0-9_.-]{1,128}")
# The settings schema's bound of lakemesh:databricks.gdprExportRetentionDays (lib/compile/settings.schema.json).
MAX_EXPORT_RETENTION_DAYS = 30
MAX_MAINTENANCE_THREADS = 8


@dataclass(frozen=True)
class Settings:
    """What lakemesh_gdpr_settings.json holds, each field validated (GdprSettingsFile in lib/compile/gdpr-jobs.ts)."""

    catalog: str
    governance_schema: str
    export_root: str
    salt_secret_scope: str | None
    salt_secret_key: str
    vacuum_retain_hours: int | None
    # Days a subject-access export stays under export_root before the nightly retention job deletes it (1 to 30).
    export_retention_days: int
    # Each domain's pipeline: the erasure waits for an update of it that starts after the erasure, then verifies.
    pipelines: tuple["PipelineRef", ...] = ()
    # Tables retention purges and VACUUMs side by side: 1 on Databricks (lib/compile/gdpr-jobs.ts says why).
    maintenance_threads: int = 1

    def table(self, name: str) -> str:
        return f"{self.catalog}.{self.governance_schema}.{ident(name)}"


def settings_path() -> Path:
    """The settings file: beside this module on Databricks (an absolute path: on serverless the working directory is
    not guaranteed, https://docs.databricks.com/aws/en/files/workspace-interact); a local run may name its own."""
    local = os.environ.get(LOCAL_SETTINGS_ENV)
    if local and _dbutils() is None:
        return Path(local)
    return Path(__file__).resolve().parent / SETTINGS_FILE


def load_settings(path: Path | None = None) -> Settings:
    """The validated settings, or GdprInputError naming the file and the field: the jobs refuse to run without them."""
    path = path or settings_path()
    where = f"GDPR settings file {path}"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GdprInputError(f"{where} does not exist: the platform deploys it beside lakemesh_gdpr.py (a local plane writes its own); the job refuses to run without it") from None
    except (OSError, ValueError) as e:
        raise GdprInputError(f"{where} is not readable JSON: {type(e).__name__}") from None
    fields = {f.name for f in Settings.__dataclass_fields__.values()}  # type: ignore[attr-defined]
    if not isinstance(raw, dict):
        raise GdprInputError(f"{where} is not a JSON object")
    unknown, missing = sorted(set(raw) - fields), sorted(fields - set(raw))
    if unknown or missing:
        raise GdprInputError(f"{where}: " + "; ".join(x for x in (unknown and f"unknown fields {unknown}", missing and f"missing fields {missing}") if x) + f"; the fields are {sorted(fields)}")

    def field_(name: str, ok: bool, allowed: str):
        if not ok:
            raise GdprInputError(f"{where}: {name} {raw[name]!r} is not valid; {allowed}")
        return raw[name]

    def is_ident(v) -> bool:
        return isinstance(v, str) and IDENT.fullmatch(v) is not None

    root = raw["export_root"]
    hours_ = raw["vacuum_retain_hours"]
    refs = pipeline_refs(raw["pipelines"])
    field_("pipelines", refs is not None, 'a list of {"domain", "name", "continuous"} objects, one per domain, sorted by domain')
    return Settings(
        catalog=field_("catalog", is_ident(raw["catalog"]), "lower-case letters, digits and _"),
        governance_schema=field_("governance_schema", is_ident(raw["governance_schema"]), "lower-case letters, digits and _"),
        export_root=field_("export_root", isinstance(root, str) and root.startswith("/") and "\x00" not in root and ".." not in root.split("/") and len(root) <= 1024, "an absolute path without '..'"),
        salt_secret_scope=field_("salt_secret_scope", raw["salt_secret_scope"] is None or (isinstance(raw["salt_secret_scope"], str) and SCOPE.fullmatch(raw["salt_secret_scope"]) is not None), "null (local runs) or a secret scope name"),
        salt_secret_key=field_("salt_secret_key", isinstance(raw["salt_secret_key"], str) and SCOPE.fullmatch(raw["salt_secret_key"]) is not None, "a secret key name"),
        vacuum_retain_hours=field_("vacuum_retain_hours", hours_ is None or (type(hours_) is int and 0 <= hours_ <= 99_999), "null (each table's own threshold) or a whole number of hours"),
        export_retention_days=field_("export_retention_days", type(raw["export_retention_days"]) is int and 1 <= raw["export_retention_days"] <= MAX_EXPORT_RETENTION_DAYS, f"a whole number of days from 1 to {MAX_EXPORT_RETENTION_DAYS}"),
        pipelines=tuple(refs),
        maintenance_threads=field_("maintenance_threads", type(raw["maintenance_threads"]) is int and 1 <= raw["maintenance_threads"] <= MAX_MAINTENANCE_THREADS, f"a whole number from 1 to {MAX_MAINTENANCE_THREADS}"),
    )


@dataclass(frozen=True)
class PipelineRef:
    """A domain's pipeline as the settings file names it (lib/compile/gdpr-jobs.ts GdprSettingsFile.pipelines)."""

    domain: str
    name: str
    continuous: bool


DOMAIN = re.compile(r"[a-z][a-z0-9-]{0,62}")
# Pipeline names as lib/compile/naming.ts pipelineName makes them (<prefix>-<env>-<domain>): no quote, no LIKE wildcard
# but '_' and '-', which an exact comparison after the name filter settles (DatabricksUpdates.pipeline_id).
PIPELINE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,254}")


def pipeline_refs(value) -> list[PipelineRef] | None:
    """The settings' pipelines, or None when the value is not a list of well-formed entries sorted by domain."""
    if not isinstance(value, list):
        return None
    out = []
    for e in value:
        if not (isinstance(e, dict) and set(e) == {"domain", "name", "continuous"} and isinstance(e["domain"], str) and DOMAIN.fullmatch(e["domain"])
                and isinstance(e["name"], str) and PIPELINE_NAME.fullmatch(e["name"]) and type(e["continuous"]) is bool):
            return None
        out.append(PipelineRef(e["domain"], e["name"], e["continuous"]))
    domains = [r.domain for r in out]
    return out if domains == sorted(set(domains)) else None


@dataclass(frozen=True)
class InboxRequest:
    """A request as filed in governance.gdpr_request_inbox: the raw subject id lives there until the request ends."""

    request_type: str
    tenant: str
    subject: str


@dataclass(frozen=True)
class Dataset:
    table: str
    domain: str
    layer: str
    kind: str
    tenant_key: str | None
    subject_key: str | None
    personal_columns: list[dict[str, str]]
    retention_period: str | None
    retention_column: str | None
    # The legal hold (registry schema version 2): an erasure restricts the subject's rows within the period instead.
    legal_hold_obligation: str | None = None
    legal_hold_period: str | None = None

    @property
    def held(self) -> bool:
        """Whether an erasure restricts (some of) this dataset's rows instead of erasing them: never in bronze, whose
        rows only feed silver again, and only where the hold can be measured (a retention column)."""
        return bool(self.legal_hold_period and self.retention_column and self.layer != "bronze")


@dataclass
class Job:
    """What every GDPR job shares: the session, the registry, the governance tables, the salt and the audit trail."""

    spark: SparkSession
    settings: Settings
    salt: str
    request_id: str
    actor: str = ""
    _audit: list = field(default_factory=list)
    # Set by an erasure still waiting for pipeline updates: the request stays `erasing` and keeps its inbox row.
    pending: dict | None = None

    def __post_init__(self) -> None:
        check(REQUEST, self.request_id, "request id", "a UUID")
        self.actor = self.spark.sql("SELECT current_user()").first()[0]

    @property
    def registry_table(self) -> str:
        return self.settings.table("gdpr_registry")

    def name(self, fq: str) -> str:
        """A registered table in the settings' catalog (registry rows name the stack's catalog; a local plane's
        settings name spark_catalog)."""
        check(TABLE, fq, "table", "catalog.schema.table")
        return f"{self.settings.catalog}.{fq.split('.', 1)[1]}"

    def governance(self, table: str) -> str:
        return self.settings.table(table)

    def inbox_request(self, request_type: str) -> InboxRequest:
        """The request's row of the inbox (bound request id), validated as the CLI validates it: refused unless it
        exists, is of this job's type, and names a well-formed tenant and subject."""
        # A DataFrame filter: the request id is a bound literal, never SQL text.
        rows = (self.spark.read.table(self.governance("gdpr_request_inbox"))
                .filter(F.col("request_id") == F.lit(self.request_id)).select("request_type", "tenant_id", "subject_id").collect())
        if len(rows) != 1:
            raise GdprInputError(f"request {self.request_id} is not in the request inbox ({len(rows)} rows): file it with `lakemesh gdpr request` (or the serving API) first")
        r = rows[0]
        if r["request_type"] != request_type:
            raise GdprInputError(f"request {self.request_id} is a {r['request_type']!r} request, not {request_type!r}")
        return InboxRequest(request_type, tenant_id(r["tenant_id"]), subject_id(r["subject_id"]))

    def end_request(self) -> None:
        """Deletes the request's inbox row (bound DELETE): once the request ends, done, failed or refused, the raw
        subject id is gone from the live table; requests and the audit log keep only its salted hash. The file that
        held it goes at the inbox's next VACUUM (the nightly retention job)."""
        table = self.governance("gdpr_request_inbox")
        self.dml(f"DELETE FROM {quoted(table)} WHERE request_id = lm_request_id", {"request_id": self.request_id})

    def registry(self) -> list[Dataset]:
        out = []
        for r in self.spark.read.table(self.registry_table).collect():
            cols = json.loads(r["personal_columns"])
            for c in cols:
                ident(c["name"])
            ds = Dataset(
                table=check(TABLE, r["dataset"], "registry dataset", "catalog.schema.table"),
                domain=r["domain"],
                layer=r["layer"],
                kind=r["kind"],
                tenant_key=ident(r["tenant_key"]) if r["tenant_key"] else None,
                subject_key=ident(r["subject_key"]) if r["subject_key"] else None,
                personal_columns=cols,
                retention_period=r["retention_period"],
                retention_column=ident(r["retention_column"]) if r["retention_column"] else None,
                legal_hold_obligation=r["legal_hold_obligation"],
                legal_hold_period=r["legal_hold_period"],
            )
            out.append(ds)
        return sorted(out, key=lambda d: ({"bronze": 0, "silver": 1, "gold": 2}.get(d.layer, 3), d.table))

    def exists(self, table: str) -> bool:
        """Whether a registered table exists yet. A domain whose pipeline has not run has no table and so no data;
        the jobs report such datasets as absent (and audit it) rather than fail every request."""
        return self.spark.catalog.tableExists(table)

    def known_tenant(self, tenant: str) -> bool:
        return self.spark.read.table(self.governance("tenant_principals")).filter(F.col("tenant_id") == tenant).limit(1).count() == 1

    def audit(self, action: str, dataset: str | None = None, rows: int | None = None, tenant: str | None = None, subject_hash: str | None = None, detail: str | None = None) -> None:
        """Adds an entry to the audit log. Entries are written in one append per flush(): at the end of each
        request, when it fails, and right after the subject is put on the suppression list."""
        self._audit.append((datetime.now(timezone.utc), self.request_id, action, dataset, rows, tenant, subject_hash, self.actor, detail))

    def flush(self) -> None:
        if not self._audit:
            return
        schema = "event_time TIMESTAMP, request_id STRING, action STRING, dataset STRING, rows_affected BIGINT, tenant_id STRING, subject_hash STRING, actor STRING, detail STRING"
        self.spark.createDataFrame(self._audit, schema).write.format("delta").mode("append").saveAsTable(self.governance("audit_log"))
        self._audit = []

    def request(self, kind: str, tenant: str, subject_hash_value: str, status: str) -> None:
        """Records the request (first call) or its new status. SQL MERGE with bound values: gdpr_requests is a
        governance table without row filter or masks, where Databricks allows MERGE (no DeltaTable anywhere)."""
        self.sql(
            f"MERGE INTO {quoted(self.governance('gdpr_requests'))} AS t "
            "USING (SELECT lm_request_id AS request_id, lm_kind AS request_type, lm_tenant AS tenant_id, lm_hash AS subject_hash, "
            "lm_status AS status, lm_now AS requested_at, IF(lm_finished, lm_now, CAST(NULL AS TIMESTAMP)) AS completed_at) AS s "
            "ON t.request_id = s.request_id "
            "WHEN MATCHED THEN UPDATE SET t.status = s.status, t.completed_at = s.completed_at "
            "WHEN NOT MATCHED THEN INSERT *",
            {"request_id": self.request_id, "kind": kind, "tenant": tenant, "hash": subject_hash_value, "status": status,
             "now": datetime.now(timezone.utc), "finished": status in ("done", "failed")},
        )

    def guarded(self, kind: str, tenant: str, subject_hash_value: str, work):
        """Runs work() as request kind: recorded as running, then done; on an error, failed. Audited either way."""
        self.request(kind, tenant, subject_hash_value, "running")
        self.audit("request", tenant=tenant, subject_hash=subject_hash_value, detail=kind)
        try:
            result = work()
        except Exception as e:
            self.audit("failed", tenant=tenant, subject_hash=subject_hash_value, detail=type(e).__name__)
            self.flush()
            self.request(kind, tenant, subject_hash_value, "failed")
            raise
        self.flush()
        self.request(kind, tenant, subject_hash_value, "erasing" if self.pending else "done")
        return result

    def last_wait(self) -> dict | None:
        """What this request last waited for (its latest `wait` audit entry: {"after", "domains"}), or None."""
        rows = (self.spark.read.table(self.governance("audit_log"))
                .filter((F.col("request_id") == F.lit(self.request_id)) & (F.col("action") == F.lit("wait")))
                .orderBy(F.col("event_time").desc()).select("detail").limit(1).collect())
        return json.loads(rows[0]["detail"]) if rows else None

    def preflight(self) -> None:
        """Refuses to run unless the policy functions let this principal see every row and clear value: on
        Databricks the tenant row filter and a mask apply to the control table as to every registered table, so a
        principal outside the groups they reveal to (README, Identities and privileges: the GDPR principal is in the
        gdpr_officer group) would see fewer rows, or masked values, than the deploy wrote (lakemesh.control_rows, a
        table property: no row filter applies to it)."""
        table = self.governance(CONTROL_TABLE)
        if not self.exists(table):
            raise PreflightError(f"pre-flight: the control table {table} does not exist; deploy the platform stack (it creates it)")
        props = {r["key"]: r["value"] for r in self.spark.sql(f"SHOW TBLPROPERTIES {quoted(table)}").collect()}
        expected = props.get(CONTROL_ROWS_PROPERTY, "")
        if not re.fullmatch(r"[1-9][0-9]{0,5}", expected):
            raise PreflightError(f"pre-flight: {table} has no valid {CONTROL_ROWS_PROPERTY} property ({expected!r}); deploy the platform stack again")
        seen = self.spark.sql(f"SELECT count(*) AS n, count_if(email = {CONTROL_EMAIL_SQL}) AS clear, count(DISTINCT tenant_id) AS tenants FROM {quoted(table)}").first()
        if seen["n"] != int(expected) or seen["clear"] != int(expected):
            raise PreflightError(
                f"pre-flight: {self.actor} sees {seen['n']} of the {expected} control rows ({seen['clear']} with clear values) of {table}: "
                "the tenant row filter or the masks hide data from this principal, so the job would change only what it sees. "
                "Run it as the GDPR service principal, a member of the group the filter and masks reveal to (gdpr_officer). Nothing was changed."
            )
        self.audit("preflight", table, int(seen["n"]), detail=f"every control row and value visible ({seen['tenants']} tenants)")

    def sql(self, statement: str, values: dict[str, Any]) -> list:
        """Runs one statement whose values are session variables lm_<name>, set from a one-row DataFrame of the
        values (`SET VAR lm_x = (SELECT x FROM lm_bind)`): no value is ever SQL text. Not parameter markers: open-source
        Spark 4.2 with Delta 4.4 leaves them unbound in DELETE, UPDATE, MERGE and SET VAR (UNBOUND_SQL_PARAMETER), and
        the local tests must run what Databricks runs. Session variables: Databricks SQL and Runtime 14.1+
        (https://docs.databricks.com/aws/en/sql/language-manual/sql-ref-syntax-ddl-declare-variable)."""
        types = {}
        for name, value in values.items():
            ident(name)
            types[name] = "BOOLEAN" if isinstance(value, bool) else "TIMESTAMP" if isinstance(value, datetime) else "STRING"
            if types[name] == "STRING" and not isinstance(value, str):
                raise TypeError(f"{name}: only strings, booleans and timestamps are bound")
        if values:
            schema = ", ".join(f"{n} {t}" for n, t in types.items())
            self.spark.createDataFrame([tuple(values.values())], schema).createOrReplaceTempView(BIND_VIEW)
            for name, kind in types.items():
                self.spark.sql(f"DECLARE OR REPLACE VARIABLE lm_{name} {kind}")
                self.spark.sql(f"SET VAR lm_{name} = (SELECT {name} FROM {BIND_VIEW})")
        return self.spark.sql(statement).collect()

    def dml(self, statement: str, values: dict[str, Any]) -> int:
        """One DELETE or UPDATE on a registered table, its values bound (sql()); the rows it changed."""
        rows = self.sql(statement, values)
        return int(rows[0][0]) if rows else 0

    def purge(self, table: str) -> bool:
        """REORG ... APPLY (PURGE) where deletion vectors are on: rewrites the files that still hold soft-deleted rows,
        so the live files hold no erased value at once; the old files are then removed from the table and go at the
        first VACUUM past the retention threshold (https://docs.databricks.com/aws/en/sql/language-manual/delta-reorg-table,
        https://docs.databricks.com/aws/en/delta/deletion-vectors)."""
        props = {r["key"]: r["value"] for r in self.spark.sql(f"SHOW TBLPROPERTIES {quoted(table)}").collect()}
        if props.get("delta.enableDeletionVectors") != "true":
            return False
        self.spark.sql(f"REORG TABLE {quoted(table)} APPLY (PURGE)")
        self.audit("purge", table)
        return True

    def vacuum(self, table: str, retain_hours: int | None = None) -> None:
        """A full VACUUM: deletes the files no version within the table's retention threshold
        (delta.deletedFileRetentionDuration) needs, orphans included. No LITE and, on Databricks, no RETAIN: the current
        syntax is `VACUUM table_name { { FULL | LITE } | DRY RUN }` and takes the threshold from the table property
        (https://docs.databricks.com/aws/en/sql/language-manual/delta-vacuum). retain_hours is for local tests only
        (RETAIN 0 HOURS, allowed there by LAKEMESH_TEST_VACUUM_ANY_AGE)."""
        retain = "" if retain_hours is None else f" RETAIN {int(retain_hours)} HOURS"
        self.spark.sql(f"VACUUM {quoted(table)}{retain}")
        self.audit("vacuum", table, detail="full, " + ("the table's own retention threshold" if retain_hours is None else f"retain {int(retain_hours)} hours"))


def absent(**zeros: int) -> dict:
    """A result entry of a registered table that does not exist yet (no pipeline update has created it)."""
    return {"absent": True, "found": 0, **zeros}


def quoted(table: str) -> str:
    check(TABLE, table, "table", "catalog.schema.table")
    return ".".join(f"`{p}`" for p in table.split("."))


def column(name: str) -> str:
    """A column name from the registry, checked and backquoted for SQL text."""
    return f"`{ident(name)}`"


def new_request_id() -> str:
    return str(uuid.uuid4())


def open_job(settings: Settings, request_id: str | None, spark: SparkSession | None = None, salted: bool = True) -> Job:
    """The job of a request: the session, the salt (for jobs that hash a subject: refused when it looks unresolved or
    does not match the deployed fingerprint) and the request id (new unless given: retention)."""
    request_id = request_id or new_request_id()
    check(REQUEST, request_id, "request_id", "a UUID")
    salt = refuse_unresolved_salt(salt_from(settings), salt_source(settings)) if salted else ""
    job = Job(spark or session(), settings, salt, request_id)
    if salted:  # before the job reads its request or writes anything
        check_salt_fingerprint(job.spark, settings, salt)
    return job


def job_parameters(names: list[str], argv: list[str] | None = None) -> dict[str, str | None]:
    """Job parameters: notebook widgets on Databricks, --name value arguments elsewhere. Any other parameter is
    refused: a run can pass job_parameters the job does not declare, and a setting passed that way must not be
    silently ignored as if it had taken effect (nor be mistaken for one)."""
    dbutils = _dbutils()
    if dbutils is not None:
        try:
            given = dict(dbutils.widgets.getAll())
        except Exception:  # a runtime without getAll(): read the declared ones
            given = {}
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise GdprInputError(f"unknown job parameters {unknown}; this job takes only {names or 'none'} (its settings are a file only platform admins change)")
        out: dict[str, str | None] = {}
        for n in names:
            try:
                out[n] = dbutils.widgets.get(n) or None
            except Exception:
                out[n] = None
        return out
    ap = argparse.ArgumentParser(add_help=False)
    for n in names:
        ap.add_argument(f"--{n.replace('_', '-')}", dest=n, default=None)
    known, unknown = ap.parse_known_args(argv)
    if unknown:
        raise GdprInputError(f"unknown job parameters {unknown[:3]}; this job takes only {['--' + n.replace('_', '-') for n in names] or 'none'} (its settings are a file only platform admins change)")
    return vars(known)


def run_request(job: Job, request_type: str, work) -> Any:
    """Reads the job's request from the inbox, runs work(request) and, whatever the outcome (done, failed, refused),
    deletes the inbox row: the raw subject id exists only until the request ends. An erasure still waiting for
    pipeline updates (job.pending) has not ended: its row stays for the run that finishes it."""
    try:
        result = work(job.inbox_request(request_type))
    except BaseException:
        job.end_request()
        raise
    if job.pending is None:
        job.end_request()
    return result


# How long an erasure may stay `erasing` (waiting for the domains' pipeline updates to verify it) before the nightly
# retention job gives it up: marked failed (audited `unverified`), so its inbox row and raw subject id go
# (lib/compile/survival.ts GDPR_ERASING_MAX_DAYS; a test holds them equal).
ERASING_MAX_AGE = timedelta(days=3)


def give_up_unverified(job: Job, now: datetime) -> int:
    """Erasures still `erasing` that were filed more than ERASING_MAX_AGE ago become `failed` (bound UPDATE of
    gdpr_requests, a governance table without filters), each audited with what it waited for."""
    requests = job.governance("gdpr_requests")
    cutoff = now - ERASING_MAX_AGE
    stuck = (job.spark.read.table(requests).filter((F.col("status") == F.lit("erasing")) & (F.col("requested_at") < F.lit(cutoff)))
             .select("request_id", "tenant_id", "subject_hash").collect())
    for r in stuck:
        rid = check(REQUEST, r["request_id"], "request id", "a UUID")
        job.dml(f"UPDATE {quoted(requests)} SET status = 'failed', completed_at = lm_now WHERE request_id = lm_request_id AND status = 'erasing'", {"request_id": rid, "now": now})
        job.audit("unverified", tenant=r["tenant_id"], subject_hash=r["subject_hash"],
                  detail=f"erasure {rid} not verified within {ERASING_MAX_AGE.days} days (no pipeline update, or residue each time): failed; its inbox row goes")
    return len(stuck)


def expire_inbox(job: Job, now: datetime, max_age: timedelta = timedelta(days=1)) -> int:
    """The nightly retention job's share of the inbox: rows whose job never ran (filed more than max_age ago; a job
    deletes its own row when it ends) are deleted, then the inbox is vacuumed so files that held deleted rows go
    once past its retention threshold. The inbox has no deletion vectors, so a DELETE rewrites the file. An erasure
    still `erasing` keeps its row up to ERASING_MAX_AGE (give_up_unverified)."""
    table = job.governance("gdpr_request_inbox")
    if not job.exists(table):
        return 0
    give_up_unverified(job, now)
    cutoff = now - max_age
    # An erasure still `erasing` keeps its row: the run that finishes it needs the subject id.
    stale = job.dml(
        f"DELETE FROM {quoted(table)} AS i WHERE i.requested_at < lm_cutoff AND NOT EXISTS "
        f"(SELECT 1 FROM {quoted(job.governance('gdpr_requests'))} AS r WHERE r.request_id = i.request_id AND r.status = 'erasing')",
        {"cutoff": cutoff},
    )
    job.vacuum(table, job.settings.vacuum_retain_hours)
    job.audit("inbox", table, stale, detail=f"deleted requests filed before {cutoff.isoformat()} that never ran; vacuumed")
    return stale


def on_databricks() -> bool:
    """True in a Databricks job (dbutils is there), False on the local plane."""
    return _dbutils() is not None


def _dbutils():
    try:
        return globals().get("dbutils") or __import__("IPython").get_ipython().user_ns["dbutils"]  # type: ignore[union-attr]
    except Exception:
        return None


def entry(main) -> None:
    """Runs a job's main. On Databricks an error fails the task as it is; locally a bad input is one line on
    stderr and exit status 2 (any other failure keeps its traceback, exit status 1)."""
    if _dbutils() is not None:
        main()
        return
    import sys as _sys

    try:
        main()
    except GdprInputError as e:
        print(f"refused: {e}", file=_sys.stderr)
        _sys.exit(2)


def salt_from(settings: Settings) -> str:
    """The salt: a Databricks secret (scope and key from the settings file) or, locally, LAKEMESH_SUBJECT_SALT."""
    scope = settings.salt_secret_scope
    if scope:
        dbutils = _dbutils()
        if dbutils is None:
            raise GdprInputError(f"salt_secret_scope {scope!r} is a Databricks secret scope; local runs take LAKEMESH_SUBJECT_SALT")
        return dbutils.secrets.get(scope, settings.salt_secret_key)
    if _dbutils() is not None:
        raise GdprInputError("the GDPR settings file names no salt_secret_scope; on Databricks the salt is a secret")
    salt = os.environ.get("LAKEMESH_SUBJECT_SALT", "")
    if not salt:
        raise GdprInputError("no salt: set salt_secret_scope (Databricks) or LAKEMESH_SUBJECT_SALT (local runs)")
    return salt


def rows_where(spark: SparkSession, table: str, tenant_key: str, subject_key: str, tenant: str, subject: str) -> DataFrame:
    return spark.read.table(table).filter((F.col(ident(tenant_key)) == F.lit(tenant)) & (F.col(ident(subject_key)) == F.lit(subject)))


def session() -> SparkSession:
    """The job's session: Databricks' own, or locally a classic session on the local warehouse and metastore."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    import sys as _sys

    _sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2] / "scripts" / "local"))
    import spark_local

    return spark_local.classic_session("lakemesh-gdpr")


# --- The salt's integrity -------------------------------------------------------------------------------------------
# The deployment writes an HMAC-SHA256 of SALT_FINGERPRINT_MESSAGE keyed by the salt into governance.salt_fingerprint
# (lib/compile/salt-fingerprint.ts); the jobs that hash subjects compute the same from the salt they read and refuse to
# run on a mismatch, since the suppression list would match nothing the pipelines hash. The same lines as
# notebooks/pipelines/lakemesh_salt.py (this folder is deployed on its own); test_salt.py holds both to one vector.
SALT_FINGERPRINT_MESSAGE = "lakemesh subject-salt fingerprint v1"
SALT_FINGERPRINT_TABLE = "salt_fingerprint"


class SaltIntegrityError(GdprInputError):
    """The salt looks unresolved or does not match the deployed fingerprint. Raised before anything is read or changed;
    the message never holds the salt."""


def salt_source(settings: Settings) -> str:
    """Where the salt comes from, in words for an error."""
    return f"secret {settings.salt_secret_scope}/{settings.salt_secret_key}" if settings.salt_secret_scope else "LAKEMESH_SUBJECT_SALT"


def refuse_unresolved_salt(salt: str | None, where: str) -> str:
    """The salt unless missing, empty, only whitespace, with surrounding whitespace, or a {{secrets/...}} reference
    (substituted only in compute Spark properties and environment variables,
    https://docs.databricks.com/aws/en/security/secrets/secrets-spark-conf-env-var)."""
    if not isinstance(salt, str) or not salt.strip():
        raise SaltIntegrityError(f"the subject salt from {where} is empty or only whitespace")
    if salt.strip() != salt:
        raise SaltIntegrityError(f"the subject salt from {where} starts or ends with whitespace")
    if "{{secrets/" in salt:
        raise SaltIntegrityError(f"the subject salt from {where} is an unresolved {{{{secrets/...}}}} reference, not a salt")
    return salt


def salt_fingerprint(salt: str) -> str:
    """Hex HMAC-SHA256 keyed by the salt (UTF-8) over SALT_FINGERPRINT_MESSAGE."""
    import hmac

    return hmac.new(salt.encode("utf-8"), SALT_FINGERPRINT_MESSAGE.encode("utf-8"), hashlib.sha256).hexdigest()


def check_salt_fingerprint(spark: SparkSession, settings: Settings, salt: str) -> None:
    """Refuses to run unless governance.salt_fingerprint holds exactly one fingerprint of this salt over this version's
    message (the jobs' principal has SELECT on it, lib/compile/platform.ts)."""
    import hmac

    table, where = settings.table(SALT_FINGERPRINT_TABLE), salt_source(settings)
    try:
        rows = spark.read.table(table).select("message", "fingerprint").collect()
    except Exception as e:  # noqa: BLE001 - a missing table or no SELECT on it: the salt cannot be checked
        raise SaltIntegrityError(f"cannot read the salt fingerprint {table} ({type(e).__name__}); the platform stack writes it (locally npm run local:up)") from None
    if len(rows) != 1:
        raise SaltIntegrityError(f"{table} holds {len(rows)} salt fingerprints, not 1: the platform stack writes it (locally npm run local:up); the salt from {where} cannot be checked")
    if rows[0]["message"] != SALT_FINGERPRINT_MESSAGE:
        raise SaltIntegrityError(f"{table} holds a fingerprint over {rows[0]['message']!r}; this job checks {SALT_FINGERPRINT_MESSAGE!r}: deploy the platform and the jobs together")
    if not hmac.compare_digest(str(rows[0]["fingerprint"]), salt_fingerprint(salt)):
        raise SaltIntegrityError(
            f"the subject salt from {where} does not match the fingerprint in {table}: its hashes would match no erased "
            "subject. Set the secret back to the deployed salt, or deploy the platform stack with this one"
        )


# --- Subject-access exports ------------------------------------------------------------------------------------------
# The access job writes one folder per request under export_root, named by the request id (never the subject id). The
# nightly retention job deletes every export older than export_retention_days; the erasure job deletes the erased
# subject's exports at once, found through governance.gdpr_requests (access requests with the same tenant and salted
# hash). Volumes take plain file operations on their /Volumes path (https://docs.databricks.com/aws/en/volumes/volume-files).


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _newest_mtime(path: Path) -> datetime:
    times = [path.lstat().st_mtime] + ([p.lstat().st_mtime for p in path.rglob("*")] if path.is_dir() and not path.is_symlink() else [])
    return datetime.fromtimestamp(max(times), tz=timezone.utc)


def export_ages(job: Job, root: Path) -> dict[Path, datetime]:
    """When each entry under root was made: a request's folder by its request's requested_at in gdpr_requests (the row
    is written before the folder), anything else (a folder whose request row is missing, a stray file) by its newest
    modification time, so nothing under root escapes expiry."""
    if not root.is_dir():
        return {}
    entries = sorted(root.iterdir())
    ids = [p.name for p in entries if REQUEST.fullmatch(p.name)]
    requested: dict[str, datetime] = {}
    if ids:
        # Request ids are bound literals of the filter, never SQL text.
        for r in job.spark.read.table(job.governance("gdpr_requests")).filter(F.col("request_id").isin(ids)).select("request_id", "requested_at").collect():
            # PySpark returns a TIMESTAMP as a naive datetime in the process's local time: astimezone reads it so.
            requested[r["request_id"]] = r["requested_at"].astimezone(timezone.utc)
    return {p: requested.get(p.name) or _newest_mtime(p) for p in entries}


def expire_exports(job: Job, now: datetime) -> dict:
    """The nightly retention job's share of the exports: every entry under export_root made more than
    export_retention_days ago is deleted (audited per request, without the subject)."""
    days = job.settings.export_retention_days
    cutoff = now - timedelta(days=days)
    expired = kept = 0
    for path, made in export_ages(job, Path(job.settings.export_root)).items():
        if made < cutoff:
            _remove(path)
            job.audit("export_expired", detail=f"export {path.name} made {made.isoformat()}: older than {days} days")
            expired += 1
        else:
            kept += 1
    return {"expired": expired, "kept": kept, "retention_days": days}


def erase_exports(job: Job, tenant: str, subject_hash_value: str) -> int:
    """Deletes the subject's exports at once: the folders of every access request with this tenant and salted hash."""
    root = Path(job.settings.export_root)
    rows = (job.spark.read.table(job.governance("gdpr_requests"))
            .filter((F.col("request_type") == F.lit("access")) & (F.col("tenant_id") == F.lit(tenant)) & (F.col("subject_hash") == F.lit(subject_hash_value)))
            .select("request_id").collect())
    deleted = 0
    for r in rows:
        folder = root / check(REQUEST, r["request_id"], "request id", "a UUID")
        if folder.exists() or folder.is_symlink():
            _remove(folder)
            deleted += 1
    job.audit("export_erased", rows=deleted, tenant=tenant, subject_hash=subject_hash_value, detail=f"deleted {deleted} of the subject's {len(rows)} access exports")
    return deleted


# --- Pipeline updates after an erasure ------------------------------------------------------------------------------
# An erasure is verified only after every domain that holds the subject's data has run a pipeline update that started
# after the erasure: a bronze micro-batch that read Kafka before the suppression insert can commit after the DELETE,
# and only a later update shows what it left (silver drops it by the suppression list; bronze keeps it until the
# erasure runs again). The erasure job then runs again and the request is done only when that run finds nothing.
UPDATE_LOG_ENV = "LAKEMESH_PIPELINE_UPDATE_LOG"  # a local plane's log of completed runs; honoured only off Databricks
# Update states that end an update (https://docs.databricks.com/api/workspace/pipelines/getupdate, UpdateInfo.state).
UPDATE_TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELED"})


class UpdateWaitError(RuntimeError):
    """A domain's pipeline update could not be started or did not complete in time: the request stays `erasing`."""


def _utc(text: str) -> datetime:
    t = datetime.fromisoformat(text)
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


class LocalUpdates:
    """The local plane: its operator (tests, `npm run local:demo -- <domain>`) runs the pipelines; each completed run appends one
    line to the update log (scripts/local/mesh.py run_in_engine). A domain has updated after `after` when a completed
    run of it started later. Nothing is started here: a job inside the engine cannot ask the engine for a run."""

    def __init__(self, log: Path | None) -> None:
        self.log = log

    def await_updates(self, domains: list[str], after: datetime) -> dict[str, str | None]:
        runs = []
        if self.log is not None and self.log.is_file():
            runs = [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line.strip()]
        out: dict[str, str | None] = {}
        for d in domains:
            later = [r for r in runs if d in r.get("domains", []) and _utc(r["started_at"]) > after]
            out[d] = f"local run started {later[0]['started_at']}, completed {later[0]['completed_at']}" if later else None
        return out


class DatabricksUpdates:
    """Databricks: starts an update of each domain's pipeline (by the name in the settings) and waits for it, through
    the Databricks SDK for Python, bundled with Databricks Runtime 13.1 and above (https://pypi.org/project/databricks-sdk/;
    in a notebook WorkspaceClient() authenticates as the job's run-as principal,
    https://docs.databricks.com/aws/en/dev-tools/sdk-python). Starting an update fails while another is active
    (https://docs.databricks.com/api/workspace/pipelines/startupdate), so an active update is waited for first: it may
    have started before the erasure. A continuous pipeline always has an active update: it is stopped (its in-flight
    micro-batches end) and started again; its new update counts once it is RUNNING, as it never completes. Starting
    and stopping take CAN_RUN on the pipeline (https://docs.databricks.com/aws/en/ldp/privileges), which the domain
    stack grants the GDPR service principal."""

    def __init__(self, pipelines: tuple[PipelineRef, ...], client=None, poll_seconds: float = 30.0, timeout: timedelta = timedelta(hours=1),
                 budget: timedelta = timedelta(hours=3), clock=None, sleep=None) -> None:
        import time

        self.refs = {p.domain: p for p in pipelines}
        self._client = client
        self.poll_seconds, self.timeout = poll_seconds, timeout
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.sleep = sleep or time.sleep
        # All waits of this run end by then: the erasure job's timeout is 4 h (lib/compile/gdpr-jobs.ts), and a run
        # that is not verified by the end must still record `erasing` and fail on its own terms.
        self.deadline = self.clock() + budget

    @property
    def w(self):
        if self._client is None:
            from databricks.sdk import WorkspaceClient

            self._client = WorkspaceClient()
        return self._client

    def pipeline_id(self, name: str) -> str:
        """The id of the pipeline with exactly this name. The list filter is `name LIKE '<name>'` (its documented
        form); names are PIPELINE_NAME (no quote or %), and '_' matching any character is settled by comparing names."""
        check(PIPELINE_NAME, name, "pipeline name", "lower-case letters, digits, - and _")
        found = [p.pipeline_id for p in self.w.pipelines.list_pipelines(filter=f"name LIKE '{name}'") if p.name == name]
        if len(found) != 1:
            raise UpdateWaitError(f"{len(found)} pipelines are named {name!r}, not 1: deploy the domain stack, or check the GDPR settings file")
        return str(found[0])

    def _state(self, pid: str, update_id: str) -> str:
        u = self.w.pipelines.get_update(pipeline_id=pid, update_id=update_id).update
        return getattr(u.state, "value", str(u.state)) if u is not None and u.state is not None else "UNKNOWN"

    def _until(self, pid: str, update_id: str, done) -> str:
        deadline = min(self.clock() + self.timeout, self.deadline)
        while True:
            state = self._state(pid, update_id)
            if done(state):
                return state
            if self.clock() >= deadline:
                raise UpdateWaitError(f"update {update_id} of pipeline {pid} is still {state} at {deadline.isoformat()} (an hour per update, three per run)")
            self.sleep(self.poll_seconds)

    def _update(self, ref: PipelineRef) -> str:
        pid = self.pipeline_id(ref.name)
        info = self.w.pipelines.get(pipeline_id=pid)
        active = [u.update_id for u in (info.latest_updates or []) if u.update_id and getattr(u.state, "value", str(u.state)) not in UPDATE_TERMINAL]
        if ref.continuous and active:
            self.w.pipelines.stop_and_wait(pipeline_id=pid, timeout=self.timeout)
        for update_id in [] if ref.continuous else active:
            self._until(pid, update_id, lambda s: s in UPDATE_TERMINAL)
        from databricks.sdk.service.pipelines import StartUpdateCause

        update_id = self.w.pipelines.start_update(pipeline_id=pid, cause=StartUpdateCause.API_CALL).update_id
        if ref.continuous:
            state = self._until(pid, update_id, lambda s: s == "RUNNING" or s in UPDATE_TERMINAL)
        else:
            state = self._until(pid, update_id, lambda s: s in UPDATE_TERMINAL)
        if state not in ("COMPLETED", "RUNNING"):
            raise UpdateWaitError(f"update {update_id} of pipeline {ref.name} ended {state}")
        return f"update {update_id} of {ref.name}: {state}"

    def await_updates(self, domains: list[str], after: datetime) -> dict[str, str | None]:
        """Starts (after any active one) and waits for an update of each domain's pipeline; every update it starts
        begins after `after`. A domain whose update fails or times out is None (still waited for)."""
        missing = sorted(set(domains) - set(self.refs))
        if missing:
            raise GdprInputError(f"the GDPR settings file names no pipeline for domains {missing}; deploy the platform stack again (it lists every domain)")
        out: dict[str, str | None] = {}
        for d in domains:
            if self.clock() >= self.deadline:
                out[d] = None  # no time left in this run: the next run of the job waits for it
                continue
            try:
                out[d] = self._update(self.refs[d])
            except UpdateWaitError as e:
                print(f"[erasure] waiting for {d}: {e}")
                out[d] = None
        return out


def pipeline_updates(settings: Settings):
    """How this run sees pipeline updates: through the Pipelines API on Databricks, from the update log locally."""
    if on_databricks():
        return DatabricksUpdates(settings.pipelines)
    log = os.environ.get(UPDATE_LOG_ENV)
    return LocalUpdates(Path(log) if log else None)
