"""GDPR erasure job: one run parameter, request_id; the request's tenant and subject come from the request inbox
(lakemesh_gdpr.run_request), its settings from the file beside lakemesh_gdpr.py. Databricks runs it as a notebook
task of the erasure job; locally `scripts/local/gdpr.sh erasure --record --request-id ...` files and runs it.

Order: the subject's hash goes on the suppression list first (a replay from Kafka cannot bring them back), then
bronze, then silver and gold (delete or anonymize per column, as the manifest says), then REORG ... APPLY (PURGE)
and VACUUM. Values reach Delta only through a one-row DataFrame that MERGE joins on, so no subject value is ever
written into a commit's recorded predicate. Running it twice is safe.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from pyspark.sql import SparkSession

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


def erase(job: g.Job, tenant: str, subject: str, vacuum_retain_hours: int | None = None) -> dict[str, dict]:
    g.tenant_id(tenant)
    g.subject_id(subject)
    if not job.known_tenant(tenant):
        raise g.GdprInputError(f"tenant_id {tenant!r} is not a tenant of this platform (governance.tenant_principals)")
    datasets = job.registry()
    h = g.subject_hash(job.salt, tenant, subject)
    return job.guarded("erasure", tenant, h, lambda: _erase_exports_then_tables(job, datasets, tenant, subject, h, vacuum_retain_hours))


def _erase_exports_then_tables(job: g.Job, datasets: list[g.Dataset], tenant: str, subject: str, h: str, vacuum_retain_hours: int | None) -> dict[str, dict]:
    """Before the order above: the subject's subject-access exports are deleted at once (files in the volume, found by
    the salted hash of their access requests: nothing to suppress or purge), then the tables are erased."""
    g.erase_exports(job, tenant, h)
    return _erase(job, datasets, tenant, subject, h, vacuum_retain_hours)


def _erase(job: g.Job, datasets: list[g.Dataset], tenant: str, subject: str, h: str, vacuum_retain_hours: int | None) -> dict[str, dict]:
    from delta.tables import DeltaTable
    from pyspark.sql import functions as F

    suppression = DeltaTable.forName(job.spark, job.governance("erasure_suppression"))
    entry = job.spark.createDataFrame([(tenant, h, job.request_id)], "tenant_id STRING, subject_hash STRING, request_id STRING").withColumn("suppressed_at", F.current_timestamp())
    suppression.alias("t").merge(entry.alias("s"), "t.tenant_id = s.tenant_id AND t.subject_hash = s.subject_hash").whenNotMatchedInsertAll().execute()
    job.audit("suppress", job.governance("erasure_suppression"), tenant=tenant, subject_hash=h)
    job.flush()

    # Keyed like the access job's result: the registry's dataset names, the same per-table keys.
    result: dict[str, dict] = {}
    touched: list[str] = []
    for ds in datasets:  # bronze, then silver, then gold
        if not ds.tenant_key or not ds.subject_key:
            continue
        table = job.name(ds.table)
        if not job.exists(table):
            job.audit("absent", table, 0, tenant, h, "registered, not created yet: holds no data")
            result[ds.table] = g.absent(deleted=0, anonymized=0)
            continue
        found = g.rows_where(job.spark, table, ds.tenant_key, ds.subject_key, tenant, subject).count()
        if ds.kind == "materialized_view":
            # A pipeline recomputes its materialized views from the erased silver tables on the next update.
            job.audit("recompute", table, found, tenant, h, "materialized view: recomputed from erased sources on the next update")
            result[ds.table] = {"absent": False, "found": found, "deleted": 0, "anonymized": 0}
            continue
        target = DeltaTable.forName(job.spark, table).alias("t")
        on = f"t.`{ds.tenant_key}` = s.tenant AND t.`{ds.subject_key}` = s.subject"
        action = erasure_action(ds, {f.name: (f.dataType.simpleString(), f.nullable) for f in job.spark.read.table(table).schema.fields})
        # The subject reaches Delta only as this one-row MERGE source, never as text in a condition.
        src = job.spark.createDataFrame([(tenant, subject)], "tenant STRING, subject STRING")
        if action is None:
            m = target.merge(src.alias("s"), on).whenMatchedDelete().execute().first()
            deleted, anonymized = int(m["num_deleted_rows"]), 0
            job.audit("delete", table, deleted, tenant, h)
        else:
            for n, how in action.items():
                if how == "token":
                    src = src.withColumn(f"token_{n}", F.lit(_token(job.salt, job.request_id, n)))
            updates = {f"`{n}`": (f"s.`token_{n}`" if how == "token" else "NULL") for n, how in action.items()}
            m = target.merge(src.alias("s"), on).whenMatchedUpdate(set=updates).execute().first()
            deleted, anonymized = 0, int(m["num_updated_rows"])
            job.audit("anonymize", table, anonymized, tenant, h, "columns: " + ", ".join(sorted(action)))
        result[ds.table] = {"absent": False, "found": found, "deleted": deleted, "anonymized": anonymized}
        touched.append(table)
    for table in touched:
        job.purge_and_vacuum(table, vacuum_retain_hours, lite=True)
    job.audit("done", tenant=tenant, subject_hash=h, detail=json.dumps({"tables": len(result)}))
    return result


def main(spark: SparkSession | None = None, argv: list[str] | None = None) -> dict:
    p = g.job_parameters(PARAMETERS, argv)
    # Everything that can be checked without data is checked before a session starts.
    g.required(p, "request_id")
    settings = g.load_settings()
    job = g.open_job(settings, p["request_id"], spark)
    result = g.run_request(job, "erasure", lambda r: erase(job, r.tenant, r.subject, settings.vacuum_retain_hours))
    out = {"request_id": job.request_id, "type": "erasure", "tables": result}
    print(json.dumps(out, sort_keys=True))
    return out


if __name__ == "__main__":
    g.entry(main)
