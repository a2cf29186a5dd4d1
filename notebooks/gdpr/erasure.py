"""GDPR erasure job: one run parameter, request_id; the request's tenant and subject come from the request inbox
(lakemesh_gdpr.run_request), its settings from the file beside lakemesh_gdpr.py. Databricks runs it as a notebook
task of the erasure job; locally `scripts/local/gdpr.sh erasure --record --request-id ...` files and runs it.

Order: the subject's hash goes on the suppression list first (a replay from Kafka cannot bring them back), then
bronze, then silver and gold (SQL DELETE, or UPDATE of the personal columns, as the manifest says), then REORG ...
APPLY (PURGE) at once, so no live file holds the subject. The files that did are removed from the table then, and
deleted from storage by the nightly retention job's VACUUM once they are older than the retention threshold (168 h):
a VACUUM here would find nothing old enough (lakemesh plan's survival table counts that schedule). Tenant, subject
and tokens are bound parameters, never SQL text. Running it twice is safe.

Legal holds (GDPR Art. 17(3)(b) and 18): in a silver or gold dataset whose manifest declares a legalHold, the
subject's rows still within the hold's period (on the retention column) are neither deleted nor anonymized; the
subject is listed in governance.erasure_restrictions instead, and the dataset's row filter then hides those rows from
everyone but the GDPR officer and the legal-hold role. The nightly retention job deletes them, and the entry, when the
period ends. Rows already past it are erased as above; bronze is always erased. Each table's result counts the rows
it erased ("found") apart from the rows it restricted ("restricted", with the "obligation"), so a re-run finds no
residue in held rows.
"""
from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

if "__file__" in globals():  # a local run; Databricks puts the notebook's folder on sys.path itself
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import lakemesh_gdpr as g  # noqa: E402

# Job parameters (widgets on Databricks, --kebab-case arguments locally); lakemesh compiles the job with these.
# The request id only: settings come from the settings file, tenant and subject from the request inbox.
PARAMETERS = ["request_id"]


def _token(salt: str, request_id: str, column: str) -> str:
    """The value an anonymized column takes: unlinkable to the subject, the same within one request."""
    return "erased-" + hashlib.sha256(f"{salt}:{request_id}:{column}".encode()).hexdigest()[:16]


def erasure_action(ds: g.Dataset, schema: dict[str, tuple[str, bool]]) -> dict[str, str] | None:
    """How a dataset forgets a subject: None deletes the subject's rows; otherwise each personal column's new value,
    "token" (a string unlinkable to the subject; STRING columns only) or "null" (delete, and anonymize of DATE and
    numeric columns such as a DECIMAL salary). Rows go when the manifest says delete for the subject key or for every
    personal column (and always in bronze), or when a column to be emptied cannot be NULL."""
    methods = {c["name"]: c["erasure"] for c in ds.personal_columns}
    if ds.layer == "bronze" or set(methods.values()) == {"delete"} or methods.get(ds.subject_key or "") == "delete":
        return None
    action = {}
    for name, method in methods.items():
        g.ident(name)
        dtype, nullable = schema.get(name, ("", True))
        how = "token" if method == "anonymize" and dtype == "string" else "null"
        if how == "null" and not nullable:
            return None
        action[name] = how
    return action


def erase(job: g.Job, tenant: str, subject: str) -> dict[str, dict]:
    g.tenant_id(tenant)
    g.subject_id(subject)
    if not job.known_tenant(tenant):
        raise g.GdprInputError(f"tenant_id {tenant!r} is not a tenant of this platform (governance.tenant_principals)")
    job.preflight()  # before anything is written: the policy functions must show this principal every row
    datasets = job.registry()
    h = g.subject_hash(job.salt, tenant, subject)
    return job.guarded("erasure", tenant, h, lambda: _erase_verified(job, datasets, tenant, subject, h))


# Erasure passes one Databricks run makes (the first, then a re-run after each round of updates) before it leaves the
# request `erasing` for the next run of the job with the same request id.
MAX_PASSES = 3


def affected_domains(job: g.Job, datasets: list[g.Dataset]) -> list[str]:
    """Domains with a subject table that exists: their pipelines could still hold or bring back the subject."""
    return sorted({ds.domain for ds in datasets if ds.tenant_key and ds.subject_key and job.exists(job.name(ds.table))})


def residue(result: dict[str, dict]) -> int:
    """Rows of the subject a pass found: a re-run that finds none verifies the erasure."""
    return sum(r["found"] for r in result.values())


def _erase_verified(job: g.Job, datasets: list[g.Dataset], tenant: str, subject: str, h: str) -> dict[str, dict]:
    """The erasure, then its verification: after each pass the job waits for an update of every affected domain's
    pipeline that starts after the pass (audited as `wait`: the domains and the time), then runs the erasure again;
    the request is done only when such a re-run finds nothing. Until then it stays `erasing` (job.pending) and keeps
    its inbox row; running the job again with the same request id goes on where the audit says it waits. On Databricks
    the job starts the updates itself (DatabricksUpdates); locally the plane's operator runs them (LocalUpdates)."""
    updates = g.pipeline_updates(job.settings)
    wait = job.last_wait()
    result: dict[str, dict] = {}
    for _ in range(MAX_PASSES):
        if wait is not None:
            seen = updates.await_updates(wait["domains"], g._utc(wait["after"]))
            missing = sorted(d for d, how in seen.items() if how is None)
            if missing:
                job.audit("waiting", tenant=tenant, subject_hash=h, detail=json.dumps({"after": wait["after"], "domains": missing}, sort_keys=True))
                job.pending = {"after": wait["after"], "domains": missing}
                return result
            job.audit("updated", tenant=tenant, subject_hash=h, detail=json.dumps(seen, sort_keys=True))
            result = _erase(job, datasets, tenant, subject, h)
            if residue(result) == 0:
                job.audit("verified", tenant=tenant, subject_hash=h, detail=f"a re-run after the updates of {', '.join(wait['domains']) or 'no domain'} found nothing")
                job.pending = None
                return result
        else:
            result = _erase_exports_then_tables(job, datasets, tenant, subject, h)
        wait = {"after": datetime.now(timezone.utc).isoformat(), "domains": affected_domains(job, datasets)}
        job.audit("wait", tenant=tenant, subject_hash=h, detail=json.dumps(wait, sort_keys=True))
        job.flush()
        # Recorded before the wait: a run that ends inside it (its timeout) leaves the request `erasing`, not `running`.
        job.request("erasure", tenant, h, "erasing")
    job.pending = {"after": wait["after"], "domains": wait["domains"]}
    return result


def _erase_exports_then_tables(job: g.Job, datasets: list[g.Dataset], tenant: str, subject: str, h: str) -> dict[str, dict]:
    """Before the order above: the subject's subject-access exports are deleted at once (files in the volume, found by
    the salted hash of their access requests: nothing to suppress or purge), then the tables are erased."""
    g.erase_exports(job, tenant, h)
    return _erase(job, datasets, tenant, subject, h)


def erasure_statement(table: str, ds: g.Dataset, action: dict[str, str] | None, native: bool = True, held: bool = False) -> str:
    """The DELETE or UPDATE that forgets one subject of a registered table. Identifiers are checked and backquoted;
    the subject's rows are matched by EXISTS against the bound one-row view (Job.sql: lm_bind holds tenant and
    subject), so the predicate Delta records in the table's history (DESCRIBE HISTORY, kept for
    delta.logRetentionDuration, 30 days by default, and until the next checkpoint) names columns, never the subject.
    A literal, bound or not, would be written there (a session variable is folded into one). Databricks supports
    EXISTS in the WHERE of DELETE and UPDATE (https://docs.databricks.com/aws/en/sql/language-manual/delta-delete-from,
    https://docs.databricks.com/aws/en/sql/language-manual/delta-update). Open-source Delta refuses subqueries in
    UPDATE (DELTA_UNSUPPORTED_SUBQUERY), so the local plane (native=False) runs the same match as a MERGE on the same
    view, which it records as a join condition; Databricks gets UPDATE, as MERGE is refused there on tables whose
    policy functions contain nesting. With `held`, only the rows past the legal hold (retention column before the bound
    lm_hold_cutoff): the others are restricted instead (restrict())."""
    target = g.quoted(table)
    tenant, subject = g.column(ds.tenant_key), g.column(ds.subject_key)  # type: ignore[arg-type]
    past = f" AND t.{g.column(ds.retention_column)} < lm_hold_cutoff" if held else ""  # type: ignore[arg-type]
    match = f"EXISTS (SELECT 1 FROM {g.BIND_VIEW} AS b WHERE b.tenant = t.{tenant} AND b.subject = t.{subject}){past}"
    if action is None:
        return f"DELETE FROM {target} AS t WHERE {match}"
    values = {n: (f"lm_token_{g.ident(n)}" if how == "token" else "NULL") for n, how in sorted(action.items())}
    if native:
        return f"UPDATE {target} AS t SET " + ", ".join(f"{g.column(n)} = {v}" for n, v in values.items()) + f" WHERE {match}"
    return (f"MERGE INTO {target} AS t USING {g.BIND_VIEW} AS b ON b.tenant = t.{tenant} AND b.subject = t.{subject}{past} "
            "WHEN MATCHED THEN UPDATE SET " + ", ".join(f"t.{g.column(n)} = {v}" for n, v in values.items()))


def hold_cutoff(ds: g.Dataset, now: datetime) -> datetime | None:
    """Rows of a held dataset whose retention column is at or after this are within the legal hold; None when the
    dataset has no hold."""
    return now - g.duration(ds.legal_hold_period) if ds.held else None  # type: ignore[arg-type]


def held_rows(job: g.Job, table: str, ds: g.Dataset, tenant: str, subject: str, cutoff: datetime) -> int:
    """The subject's rows within the hold (a DataFrame filter: tenant, subject and cutoff are bound literals)."""
    rows = g.rows_where(job.spark, table, ds.tenant_key, ds.subject_key, tenant, subject)  # type: ignore[arg-type]
    return rows.filter(F.col(g.ident(ds.retention_column)) >= F.lit(cutoff)).count()  # type: ignore[arg-type]


def restrict(job: g.Job, table: str, ds: g.Dataset, tenant: str, subject: str, h: str, rows: int) -> None:
    """Lists the subject in erasure_restrictions for this dataset (once: a re-run changes nothing), audited. The list
    has no row filter or masks, so MERGE is allowed there, as on erasure_suppression. Bound values only."""
    restrictions = job.governance("erasure_restrictions")
    job.sql(
        f"MERGE INTO {g.quoted(restrictions)} AS t "
        "USING (SELECT lm_tenant AS tenant_id, lm_subject AS subject_id, lm_hash AS subject_hash, lm_dataset AS dataset, "
        "lm_request_id AS request_id, lm_obligation AS obligation, lm_period AS hold_period, current_timestamp() AS restricted_at) AS s "
        "ON t.tenant_id = s.tenant_id AND t.subject_id = s.subject_id AND t.dataset = s.dataset WHEN NOT MATCHED THEN INSERT *",
        {"tenant": tenant, "subject": subject, "hash": h, "dataset": ds.table, "request_id": job.request_id,
         "obligation": ds.legal_hold_obligation, "period": ds.legal_hold_period},
    )
    job.audit("restrict", table, rows, tenant, h, f"legal hold {ds.legal_hold_period}: {ds.legal_hold_obligation}")


def _erase(job: g.Job, datasets: list[g.Dataset], tenant: str, subject: str, h: str) -> dict[str, dict]:
    # erasure_suppression has no row filter or masks: MERGE is allowed there. Bound values only.
    job.sql(
        f"MERGE INTO {g.quoted(job.governance('erasure_suppression'))} AS t "
        "USING (SELECT lm_tenant AS tenant_id, lm_hash AS subject_hash, lm_request_id AS request_id, current_timestamp() AS suppressed_at) AS s "
        "ON t.tenant_id = s.tenant_id AND t.subject_hash = s.subject_hash WHEN NOT MATCHED THEN INSERT *",
        {"tenant": tenant, "hash": h, "request_id": job.request_id},
    )
    job.audit("suppress", job.governance("erasure_suppression"), tenant=tenant, subject_hash=h)
    job.flush()

    # Keyed like the access job's result: the registry's dataset names, the same per-table keys.
    result: dict[str, dict] = {}
    touched: list[str] = []
    now = datetime.now(timezone.utc)
    for ds in datasets:  # bronze, then silver, then gold
        if not ds.tenant_key or not ds.subject_key:
            continue
        table = job.name(ds.table)
        if not job.exists(table):
            job.audit("absent", table, 0, tenant, h, "registered, not created yet: holds no data")
            result[ds.table] = g.absent(deleted=0, anonymized=0)
            continue
        found = g.rows_where(job.spark, table, ds.tenant_key, ds.subject_key, tenant, subject).count()
        cutoff = hold_cutoff(ds, now)
        restricted = 0 if cutoff is None else held_rows(job, table, ds, tenant, subject, cutoff)
        found -= restricted  # what is erased; held rows are counted apart and are no residue
        if restricted:
            restrict(job, table, ds, tenant, subject, h, restricted)
        hold = {"restricted": restricted, "obligation": ds.legal_hold_obligation} if cutoff is not None else {}
        if ds.kind == "materialized_view":
            # A pipeline recomputes its materialized views from the erased silver tables on the next update.
            job.audit("recompute", table, found, tenant, h, "materialized view: recomputed from erased sources on the next update")
            result[ds.table] = {"absent": False, "found": found, "deleted": 0, "anonymized": 0, **hold}
            continue
        action = erasure_action(ds, {f.name: (f.dataType.simpleString(), f.nullable) for f in job.spark.read.table(table).schema.fields})
        args: dict = {"tenant": tenant, "subject": subject, **({"hold_cutoff": cutoff} if cutoff is not None else {})}
        if action is None:
            deleted, anonymized = job.dml(erasure_statement(table, ds, None, held=cutoff is not None), args), 0
            job.audit("delete", table, deleted, tenant, h)
        else:
            args.update({f"token_{n}": _token(job.salt, job.request_id, n) for n, how in action.items() if how == "token"})
            deleted, anonymized = 0, job.dml(erasure_statement(table, ds, action, g.on_databricks(), held=cutoff is not None), args)
            job.audit("anonymize", table, anonymized, tenant, h, "columns: " + ", ".join(sorted(action)))
        result[ds.table] = {"absent": False, "found": found, "deleted": deleted, "anonymized": anonymized, **hold}
        touched.append(table)
    for table in touched:
        job.purge(table)
    # One pass; the request is done only once a pass after the domains' next updates finds nothing (_erase_verified).
    job.audit("erased", tenant=tenant, subject_hash=h, detail=json.dumps({"tables": len(result), "found": residue(result), "vacuum": "nightly retention job, past the retention threshold"}))
    return result


def main(spark: SparkSession | None = None, argv: list[str] | None = None) -> dict:
    p = g.job_parameters(PARAMETERS, argv)
    # Everything that can be checked without data is checked before a session starts.
    g.required(p, "request_id")
    settings = g.load_settings()
    job = g.open_job(settings, p["request_id"], spark)
    result = g.run_request(job, "erasure", lambda r: erase(job, r.tenant, r.subject))
    out = {"request_id": job.request_id, "type": "erasure", "status": "erasing" if job.pending else "done", "tables": result}
    if job.pending:
        out["waiting_for"] = job.pending
    print(json.dumps(out, sort_keys=True))
    if job.pending and g.on_databricks():
        # The run fails, so its failure mail and the serving API say so; the request itself stays `erasing`.
        raise g.UpdateWaitError(f"erasure {job.request_id} is not verified yet: it waits for updates of {job.pending['domains']} "
                                f"started after {job.pending['after']}; run the erasure job again with this request id")
    return out


if __name__ == "__main__":
    g.entry(main)
