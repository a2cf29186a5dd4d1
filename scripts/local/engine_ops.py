"""What the local engine does on request (engine.py registers these; clients call them by name).

  sql            statements -> rows of the last one
  pipeline       one Spark Declarative Pipelines run of a spec (the worker runs it on the engine's Connect server)
  mesh.prepare   schemas, governance tables, GDPR registry and tenants from a plan (skipped when already done)
  mesh.run       a triggered run of domains' contracts: skipped when nothing is new (incremental.py), else one SDP
                 run, then the contracts' liquid clustering for tables that run created
  mesh.counts    rows per table and tenant
  gdpr           a GDPR job (notebooks/gdpr) in a session of its own
  serving.export silver and gold tables to Parquet for the serving API's local default (serving_export.py)
  reset          every table and checkpoint of the plane, and the plan's topics, deleted (tests, benchmarks and a
                 demo after them start from nothing)

Each runs under the engine's lock, in a new session of the engine's Spark (its own SQL confs and temporary views).
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path

import delta_guard
import incremental
import mesh
import serving_export
import spark_local

ROOT = Path(__file__).resolve().parents[2]
GDPR_DIR = ROOT / "notebooks" / "gdpr"
GDPR_JOBS = ("subject_access", "erasure", "retention")
# The only environment a request may set for a job, and only while it runs (the engine's own has none of it).
GDPR_ENV = ("LAKEMESH_SUBJECT_SALT", "LAKEMESH_GDPR_SETTINGS")
UPDATE_LOG_ENV = "LAKEMESH_PIPELINE_UPDATE_LOG"  # lakemesh_gdpr.UPDATE_LOG_ENV, set by the engine, never by a caller
# The local plane's GDPR request inbox (sql/tables/gdpr_request_inbox.sql, created by mesh.prepare).
GDPR_INBOX = "`spark_catalog`.`governance`.`gdpr_request_inbox`"


def register(engine) -> None:
    def session(conf: dict | None = None):
        s = engine.spark.newSession()
        for k, v in (conf or {}).items():
            s.conf.set(k, str(v))
        return s

    @engine.op("sql")
    def sql(statements: list[str], conf: dict | None = None) -> list[list]:
        s = session(conf)
        rows: list = []
        for stmt in statements:
            rows = [list(r) for r in s.sql(stmt).collect()]
        return rows

    @engine.op("pipeline")
    def pipeline(spec: str, full_refresh: list[str] | None = None, full_refresh_all: bool = False,
                 refresh: list[str] | None = None, dry: bool = False) -> dict:
        spark_local.ensure_schema_for_spec(session(), spec)
        r = engine.worker.request({"op": "pipeline", "spec": spec, "full_refresh": full_refresh or [],
                                   "full_refresh_all": full_refresh_all, "refresh": refresh or [], "dry": dry})
        return {"__response__": r}

    @engine.op("mesh.prepare")
    def prepare(plan: str, tenants: list[str], force: bool = False) -> dict:
        return mesh.prepare(session(), Path(plan), tenants, force)

    @engine.op("mesh.counts")
    def counts(plan: str, domains: list[str]) -> dict:
        return mesh.counts(session(), Path(plan), domains)

    @engine.op("mesh.scan")
    def scan(plan: str, domains: list[str]) -> list[dict]:
        return mesh.scan(session(), Path(plan), domains)

    @engine.op("mesh.run")
    def run(plan: str, domains: list[str], name: str, conf: dict | None = None, force: bool = False,
            full_refresh_all: bool = False) -> dict:
        return mesh.run_in_engine(engine, session, Path(plan), domains, name, conf or {}, force, full_refresh_all)

    @engine.op("gdpr.record")
    def gdpr_record(request_id: str, request_type: str, tenant: str, subject: str, conf: dict | None = None) -> dict:  # noqa: D401
        """Files a request in the local inbox, as `lakemesh gdpr request` files one on Databricks: every value bound,
        checked first with the jobs' own validators. The job then runs from the request id alone."""
        sys.modules.pop("lakemesh_gdpr", None)
        spec = importlib.util.spec_from_file_location("lakemesh_gdpr", GDPR_DIR / "lakemesh_gdpr.py")
        g = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules["lakemesh_gdpr"] = g  # dataclasses look their module up there
        spec.loader.exec_module(g)  # type: ignore[union-attr]
        try:
            g.check(g.REQUEST, request_id, "request_id", "a UUID")
            if request_type not in ("access", "erasure"):
                raise g.GdprInputError(f"request type {request_type!r} is not access or erasure")
            g.tenant_id(tenant)
            g.subject_id(subject)
        except g.GdprInputError as e:
            print(f"refused: {e}", file=sys.stderr)
            return {"__response__": {"ok": False, "rc": 2}}
        s = session(conf)
        values = {"request_id": request_id, "request_type": request_type, "tenant": tenant, "subject": subject}
        try:
            s.sql(
                f"INSERT INTO {GDPR_INBOX} (request_id, request_type, tenant_id, subject_id, requested_by, requested_at) "
                "VALUES (:request_id, :request_type, :tenant, :subject, current_user(), current_timestamp())",
                args=values,
            )
        except Exception as e:
            # This Spark 4.2 + Delta build leaves named parameters unbound (UNBOUND_SQL_PARAMETER); the same row then
            # goes in through a DataFrame, its values still data, never SQL text.
            if "UNBOUND_SQL_PARAMETER" not in str(e):
                raise
            from pyspark.sql import functions as F
            row = s.createDataFrame([tuple(values.values())], "request_id STRING, request_type STRING, tenant_id STRING, subject_id STRING")
            row.select("*", F.current_user().alias("requested_by"), F.current_timestamp().alias("requested_at")).write.insertInto(GDPR_INBOX.replace("`", ""))
        return {"__response__": {"ok": True, "rc": 0}}

    @engine.op("gdpr")
    def gdpr(job: str, argv: list[str], env: dict | None = None, conf: dict | None = None) -> dict:
        if job not in GDPR_JOBS:
            raise ValueError(f"job {job!r} is not one of {', '.join(GDPR_JOBS)}")
        bad = sorted(set(env or {}) - set(GDPR_ENV))
        if bad:
            raise ValueError(f"a GDPR request may set only {', '.join(GDPR_ENV)} in the job's environment, not {bad}")
        # Edits to the jobs take effect at the next request: the modules are read again.
        for name in ("lakemesh_gdpr", *GDPR_JOBS):
            sys.modules.pop(name, None)
        spec = importlib.util.spec_from_file_location(job, GDPR_DIR / f"{job}.py")
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        saved = {k: os.environ.get(k) for k in (*GDPR_ENV, UPDATE_LOG_ENV)}
        try:
            for k in GDPR_ENV:
                os.environ.pop(k, None)
            os.environ.update(env or {})
            # The plane's log of completed pipeline runs: an erasure verifies after a run that started after it.
            os.environ[UPDATE_LOG_ENV] = str(mesh.update_log())
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            g = sys.modules["lakemesh_gdpr"]
            # Databricks refuses the Delta Lake API on filtered tables; here every use of it fails the request.
            with delta_guard.forbid() as delta_calls:
                try:
                    module.main(session(conf), argv)
                    rc = 0
                except g.GdprInputError as e:  # as lakemesh_gdpr.entry does for a local run
                    print(f"refused: {e}", file=sys.stderr)
                    rc = 2
            if delta_calls:  # even if the job caught the error
                print(f"the job used the Delta Lake API (DeltaTable.{', DeltaTable.'.join(delta_calls)}), which Databricks refuses on filtered tables", file=sys.stderr)
                rc = 1
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            with contextlib.suppress(ValueError):
                while sys.path.count(str(GDPR_DIR)) > 1:
                    sys.path.remove(str(GDPR_DIR))
        # The parameters the job ran with, so a caller (and the tests) can show a run carries no subject id.
        return {"__response__": {"ok": rc == 0, "rc": rc, "argv": list(argv)}}

    @engine.op("serving.export")
    def export(plan: str, out: str) -> dict:
        return serving_export.export(session(), Path(plan), Path(out))

    @engine.op("reset")
    def reset(plan: str | None = None, owner: str = "") -> dict:
        """Everything of the plane's data deleted, and every topic of the plan; `owner` (demo, pytest, bench) recorded
        as who the data is for now: a demo on data the tests left starts over instead of mixing its pipelines'
        checkpoints with theirs."""
        t0 = time.monotonic()
        s = session()
        dropped = []
        for (db,) in [tuple(r) for r in s.sql("SHOW DATABASES").collect()]:
            if db != "default":
                s.sql(f"DROP DATABASE IF EXISTS `{mesh.ident(db)}` CASCADE")
                dropped.append(db)
        for (t,) in [(r.tableName,) for r in s.sql("SHOW TABLES IN default").collect() if not r.isTemporary]:
            s.sql(f"DROP TABLE IF EXISTS `default`.`{mesh.ident(t)}`")
        for d in (spark_local.warehouse_dir(), mesh.pipelines_root(), mesh.plane_dir() / "samples", mesh.plane_dir() / "exports"):
            shutil.rmtree(d, ignore_errors=True)
        mesh.prepared_marker().unlink(missing_ok=True)
        mesh.update_log().unlink(missing_ok=True)
        mesh.demo_state_file().unlink(missing_ok=True)
        spark_local.warehouse_dir().mkdir(parents=True, exist_ok=True)
        mesh.set_owner(owner)
        # Delta caches a table's log by path; a table re-created where a dropped one was must not see the old log.
        engine.spark._jvm.org.apache.spark.sql.delta.DeltaLog.clearCache()
        engine.spark.catalog.clearCache()
        deleted = []
        if plan:
            import kafka_admin

            bootstrap = spark_local.kafka_bootstrap()
            for t in mesh.topic_specs(Path(plan)):
                kafka_admin.delete_topic(bootstrap, t["name"])
                deleted.append(t["name"])
        return {"databases": dropped, "topics": deleted, "seconds": round(time.monotonic() - t0, 2)}
