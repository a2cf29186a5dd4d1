"""GDPR subject access job: one run parameter, request_id (tenant and subject from the request inbox). Writes every row of the subject in the tenant,
across every registered dataset and layer, as one JSON document per dataset plus a manifest of counts, to a
restricted location: the governance.gdpr_exports volume on Databricks, a local folder in tests."""
from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

from pyspark.sql import SparkSession

if "__file__" in globals():  # a local run; Databricks puts the notebook's folder on sys.path itself
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import lakemesh_gdpr as g  # noqa: E402

# Job parameters (widgets on Databricks, --kebab-case arguments locally); lakemesh compiles the job with these.
# The request id only: settings (export root included) come from the settings file, tenant and subject from the inbox.
PARAMETERS = ["request_id"]


def _json(v):
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return str(v)


def export(job: g.Job, tenant: str, subject: str, root: str) -> dict:
    g.tenant_id(tenant)
    g.subject_id(subject)
    if not job.known_tenant(tenant):
        raise g.GdprInputError(f"tenant_id {tenant!r} is not a tenant of this platform (governance.tenant_principals)")
    job.preflight()  # an export must hold every row of the subject, in clear
    out_dir = Path(root) / job.request_id
    if out_dir.exists():
        raise g.GdprInputError(f"{out_dir} exists: request {job.request_id} was exported before")
    datasets = job.registry()
    h = g.subject_hash(job.salt, tenant, subject)
    return job.guarded("access", tenant, h, lambda: _export(job, datasets, tenant, subject, h, out_dir))


def _export(job: g.Job, datasets: list[g.Dataset], tenant: str, subject: str, h: str, out_dir: Path) -> dict:
    out_dir.mkdir(parents=True)
    # Keyed like the erasure job's result: the registry's dataset names, the same per-table keys.
    tables: dict[str, dict] = {}
    for ds in datasets:
        if not ds.tenant_key or not ds.subject_key:
            continue
        table = job.name(ds.table)
        if not job.exists(table):
            job.audit("absent", table, 0, tenant, h, "registered, not created yet: holds no data")
            tables[ds.table] = g.absent(exported=0)
            continue
        rows = [r.asDict(recursive=True) for r in g.rows_where(job.spark, table, ds.tenant_key, ds.subject_key, tenant, subject).collect()]
        (out_dir / f"{ds.table}.json").write_text(json.dumps({"dataset": ds.table, "layer": ds.layer, "rows": rows}, default=_json, indent=2, sort_keys=True))
        tables[ds.table] = {"absent": False, "found": len(rows), "exported": len(rows)}
        job.audit("export", table, len(rows), tenant, h)
    exported = {t: r["exported"] for t, r in tables.items() if not r["absent"]}
    (out_dir / "manifest.json").write_text(json.dumps({"request_id": job.request_id, "tenant_id": tenant, "tables": exported}, indent=2, sort_keys=True))
    job.audit("done", tenant=tenant, subject_hash=h, detail=json.dumps({"tables": len(exported), "rows": sum(exported.values())}))
    return {"folder": str(out_dir), "tables": tables}


def main(spark: SparkSession | None = None, argv: list[str] | None = None) -> dict:
    p = g.job_parameters(PARAMETERS, argv)
    # Everything that can be checked without data is checked before a session starts.
    g.required(p, "request_id")
    settings = g.load_settings()
    job = g.open_job(settings, p["request_id"], spark)
    result = g.run_request(job, "access", lambda r: export(job, r.tenant, r.subject, settings.export_root))
    out = {"request_id": job.request_id, "type": "access", **result}
    print(json.dumps(out, sort_keys=True))
    return out


if __name__ == "__main__":
    g.entry(main)
