"""Nightly retention job: deletes the rows of every registered dataset older than its retention period, measured
on its declared DATE or TIMESTAMP column (SQL DELETE, the cutoff a bound parameter), then purges (REORG ... APPLY
(PURGE)) and VACUUMs every registered table, changed tonight or not: after an erasure's REORG the old files go only
with a VACUUM past the retention threshold (168 h), and this nightly run is that VACUUM, for every table
(https://docs.databricks.com/aws/en/sql/language-manual/delta-vacuum). Materialized views are left to their pipeline,
which recomputes them and maintains their files. A dataset that fails is reported and the others still run. Also
deletes subject-access exports older than the settings' export_retention_days.

Legal holds: in a dataset with a legalHold, the rows an erasure restricted (their subject listed for the dataset in
governance.erasure_restrictions) are deleted once their retention column is older than the hold's period, before the
dataset's own retention; then the restriction entries whose period has passed since they were made are deleted, and
the list is VACUUMed like the other tables (expire_restrictions)."""
from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from pyspark.sql import SparkSession

if "__file__" in globals():  # a local run; Databricks puts the notebook's folder on sys.path itself
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import lakemesh_gdpr as g  # noqa: E402

# Job parameters (widgets on Databricks, --kebab-case arguments locally); lakemesh compiles the job with these.
# None: settings come from the settings file; a run has nothing to override.
PARAMETERS: list[str] = []

# Tables purged and vacuumed at once: the settings' maintenance_threads (1 on Databricks, where no page documents
# concurrent statements of one serverless session; 4 on the local plane). Each REORG and VACUUM is a few small Spark
# jobs whose time is mostly the driver's (log replay, listing); neither binds a value, so they share no session state
# (the expiring DELETEs, which bind the cutoff, run one at a time before them).


class RetentionIncomplete(RuntimeError):
    """Some datasets failed; every other dataset was still processed, and each failure is in the audit log."""


def apply_retention(job: g.Job, now: datetime, vacuum_retain_hours: int | None = None) -> dict[str, dict]:
    """Expires and vacuums every registered dataset. A dataset that fails (a malformed period, a missing column, a
    Delta error) is audited as failed with the reason and reported as {"error": ...}; the others still run."""
    job.preflight()  # before anything is written: the policy functions must show this principal every row
    job.audit("request", detail="retention")
    try:
        result = _apply(job, now, vacuum_retain_hours)
    except Exception as e:
        job.audit("failed", detail=type(e).__name__)
        job.flush()
        raise
    failed = sorted(t for t, r in result.items() if "error" in r)
    job.audit("done" if not failed else "failed", detail=json.dumps({"tables": len(result), "failed": failed}))
    job.flush()
    return result


def _failure(job: g.Job, table: str, e: Exception) -> dict:
    reason = f"{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}"
    job.audit("failed", table, detail=reason)
    return {"error": reason}


def _clean(job: g.Job, table: str, vacuum_retain_hours: int | None) -> bool:
    purged = job.purge(table)
    job.vacuum(table, vacuum_retain_hours)
    return purged


def _apply(job: g.Job, now: datetime, vacuum_retain_hours: int | None) -> dict[str, dict]:
    # Keyed by the registry's catalog.schema.table, like the access and erasure results.
    result: dict[str, dict] = {}
    present: dict[str, str] = {}
    for ds in job.registry():
        if ds.kind == "materialized_view":
            continue
        table = job.name(ds.table)
        try:
            result[ds.table] = _expire(job, ds, table, now)
            if not result[ds.table]["absent"]:
                present[ds.table] = table
        except Exception as e:  # one dataset's failure must not stop the nightly run for every other domain
            result[ds.table] = _failure(job, table, e)
    with ThreadPoolExecutor(max_workers=job.settings.maintenance_threads) as pool:
        cleaning = {key: pool.submit(_clean, job, table, vacuum_retain_hours) for key, table in present.items()}
        for key, done in cleaning.items():
            try:
                result[key].update(purged=done.result(), vacuumed=True)
            except Exception as e:  # noqa: BLE001 - as above: audited, reported, the others still run
                result[key] = _failure(job, present[key], e)
    return result


def retention_statement(table: str, ds: g.Dataset) -> str:
    """The DELETE of a dataset's expired rows: identifiers checked and backquoted, the cutoff a bound session variable."""
    return f"DELETE FROM {g.quoted(table)} WHERE {g.column(ds.retention_column)} < lm_cutoff"  # type: ignore[arg-type]


def release_statement(table: str, ds: g.Dataset, restrictions: str) -> str:
    """The DELETE of the restricted subjects' rows of a held dataset past the hold (retention column before the bound
    lm_hold_cutoff), the subjects matched by EXISTS against the restriction list's entries for this (bound) dataset."""
    tenant, subject, col = g.column(ds.tenant_key), g.column(ds.subject_key), g.column(ds.retention_column)  # type: ignore[arg-type]
    return (f"DELETE FROM {g.quoted(table)} AS t WHERE t.{col} < lm_hold_cutoff AND EXISTS (SELECT 1 FROM {g.quoted(restrictions)} AS r "
            f"WHERE r.dataset = lm_dataset AND r.tenant_id = t.{tenant} AND r.subject_id = t.{subject})")


def emptied_entries_statement(table: str, ds: g.Dataset, restrictions: str) -> str:
    """The DELETE of this (bound) dataset's restriction entries whose subject has no row left in the table: an entry
    holds a raw subject id, which must not outlive the rows it restricts. Databricks allows NOT EXISTS in a DELETE's
    WHERE (https://docs.databricks.com/aws/en/sql/language-manual/delta-delete-from); the list has no row filter."""
    tenant, subject = g.column(ds.tenant_key), g.column(ds.subject_key)  # type: ignore[arg-type]
    return (f"DELETE FROM {g.quoted(restrictions)} AS r WHERE r.dataset = lm_dataset AND NOT EXISTS (SELECT 1 FROM {g.quoted(table)} AS t "
            f"WHERE t.{tenant} = r.tenant_id AND t.{subject} = r.subject_id)")


def release(job: g.Job, ds: g.Dataset, table: str, now: datetime) -> dict:
    """Deletes the rows an erasure restricted once the legal hold is over, then the dataset's entries whose subject has
    no row left (released now, or gone earlier); nothing for a dataset without a hold."""
    if not ds.held or not ds.tenant_key or not ds.subject_key:
        return {}
    restrictions = job.governance("erasure_restrictions")
    cutoff = now - g.duration(ds.legal_hold_period)  # type: ignore[arg-type]
    released = job.dml(release_statement(table, ds, restrictions), {"hold_cutoff": cutoff, "dataset": ds.table})
    job.audit("release", table, released, detail=f"restricted rows older than the legal hold {ds.legal_hold_period} on {ds.retention_column}: {ds.legal_hold_obligation}")
    emptied = job.dml(emptied_entries_statement(table, ds, restrictions), {"dataset": ds.table})
    job.audit("restrictions", restrictions, emptied, detail=f"deleted the entries of {ds.table} whose subject has no row left")
    return {"released": released, "entries_deleted": emptied}


def expire_restrictions(job: g.Job, now: datetime) -> dict:
    """Deletes the restriction entries made longer ago than their hold's period (their rows are past it too: the
    retention column of a held row is never after the erasure that restricted it; release() has usually deleted them
    already, with their last row), then VACUUMs the list so the files holding their subject ids go once past its
    threshold. One bound DELETE per period the list holds."""
    table = job.governance("erasure_restrictions")
    if not job.exists(table):
        return {"absent": True, "expired": 0}
    periods = sorted({r["hold_period"] for r in job.spark.read.table(table).select("hold_period").distinct().collect()})
    expired = 0
    for period in periods:
        cutoff = now - g.duration(period)
        expired += job.dml(f"DELETE FROM {g.quoted(table)} WHERE hold_period = lm_period AND restricted_at < lm_cutoff", {"period": period, "cutoff": cutoff})
    job.vacuum(table, job.settings.vacuum_retain_hours)
    job.audit("restrictions", table, expired, detail="deleted entries older than their legal hold; vacuumed")
    return {"absent": False, "expired": expired}


def _expire(job: g.Job, ds: g.Dataset, table: str, now: datetime) -> dict:
    cutoff = now - g.duration(ds.retention_period) if ds.retention_period else None  # checked before the table
    if not job.exists(table):
        job.audit("absent", table, 0, detail="registered, not created yet: holds no data")
        return {"absent": True, "expired": 0}
    if cutoff is None or not ds.retention_column:
        return {"absent": False, "expired": 0}  # no retention period: vacuumed only
    # Before the dataset's own retention, so rows past both are counted as released from the hold.
    hold = release(job, ds, table, now) if ds.held else {}
    expired = job.dml(retention_statement(table, ds), {"cutoff": cutoff})
    job.audit("retention", table, expired, detail=f"older than {ds.retention_period} on {ds.retention_column}")
    return {"absent": False, "expired": expired, **hold}


def main(spark: SparkSession | None = None, argv: list[str] | None = None) -> dict:
    g.job_parameters(PARAMETERS, argv)
    settings = g.load_settings()
    job = g.open_job(settings, None, spark, salted=False)  # hashes no subject: runs without the salt secret
    now = datetime.now(timezone.utc)
    result = apply_retention(job, now, settings.vacuum_retain_hours)
    restrictions = expire_restrictions(job, now)
    g.expire_inbox(job, now)  # raw subject ids of requests that never ran, and the files of ended ones
    exports = g.expire_exports(job, now)  # subject-access exports older than export_retention_days
    job.flush()
    out = {"request_id": job.request_id, "type": "retention", "tables": result, "exports": exports, "restrictions": restrictions}
    print(json.dumps(out, sort_keys=True))
    failed = sorted(t for t, r in result.items() if "error" in r)
    if failed:
        # The run fails (the job mails its failure) after every other dataset was expired.
        raise RetentionIncomplete(f"{len(failed)} of {len(result)} datasets failed: {', '.join(failed)}; see the audit log")
    return out


if __name__ == "__main__":
    g.entry(main)
