#!/usr/bin/env python3
"""Runs lakemesh domains on the local data plane, from an offline plan (lakemesh plan --stack dev).

  mesh.py prepare --plan P [--tenants a,b] [--force]   schemas, governance tables and GDPR registry from the plan
  mesh.py topics  --plan P --domains a,b               Kafka topics as the plan declares them
  mesh.py produce --events DIR                         send lakemesh sample's <topic>.jsonl files
  mesh.py run     --plan P --domains a,b [--name N] [--force] [--full-refresh-all]
                                                       a triggered Spark Declarative Pipelines run of the domains'
                                                       contracts (skipped when nothing is new), then their liquid
                                                       clustering, and the tenant quarantine's counts
  mesh.py counts  --plan P --domains a,b               rows per table and tenant, as JSON
  mesh.py scan    --plan P --domains a,b               columns not marked personal whose values look personal
                                                       (e-mail, IBAN, IP, phone...), as a JSON list

What the plan holds is what runs: the contracts are the plan's workspace/.../contract.json files, the topics its
kafka Topic resources, the governance tables its rendered SQL. Locally the catalog is spark_catalog and the
broker the local one; nothing else changes. Everything that needs Spark runs in the checkout's engine (engine.py,
started by `npm run local:up`): the functions taking a `spark` session run there (engine_ops.py), the rest of this
file is its client and needs no PySpark.
"""
from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import spark_local  # noqa: E402

_IDENT = re.compile(r"[a-z][a-z0-9_]*")


def ident(name: str) -> str:
    """A contract identifier that goes into local SQL text: refused unless it is a plain lower-case name."""
    if not isinstance(name, str) or not _IDENT.fullmatch(name):
        raise ValueError(f"not a valid identifier in the contract: {name!r}")
    return name

PIPELINE_DIR = ROOT / "notebooks" / "pipelines"
SALT = os.environ.get("LAKEMESH_SUBJECT_SALT", "local-subject-salt")


def plan_json(plan: Path) -> dict:
    return json.loads((plan / "plan.json").read_text())


def contracts(plan: Path, domains: list[str] | None = None) -> dict[str, Path]:
    """Contract files of the plan, by domain (all of them when domains is None)."""
    found = {p.parent.name: p for p in sorted(plan.glob("workspace/**/domains/*/contract.json"))}
    if domains is None:
        return found
    missing = [d for d in domains if d not in found]
    if missing:
        sys.exit(f"no contract for {missing} in {plan}; domains planned: {sorted(found)}")
    return {d: found[d] for d in domains}


def local_name(fq: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", fq):
        raise ValueError(f"not a table name: {fq!r}")
    return "spark_catalog." + fq.split(".", 1)[1]


def local_sql(sql: str, catalog: str) -> str:
    """Rendered platform SQL with the stack's catalog replaced by spark_catalog (identifiers are backquoted)."""
    return sql.replace(f"`{catalog}`.", "`spark_catalog`.")


REGISTRY_FIELDS = ["dataset", "domain", "layer", "kind", "tenant_key", "subject_key", "personal_columns", "retention_period", "retention_column", "registry_sha256", "legal_hold_obligation", "legal_hold_period"]


def registry_rows(plan: Path) -> list[tuple]:
    """The GDPR registry rows the plan binds as parameters (name_i). Dataset names keep the stack's catalog; the
    GDPR jobs read them in the catalog of the local plane's settings file (spark_catalog, scripts/local/gdpr_request.py).

    Open-source Spark does not bind named parameters in INSERT, so the rows are rebuilt here from the plan's
    parameter file and written through a DataFrame: still no value in SQL text."""
    files = list((plan / "sql" / "governance").glob("*.gdpr_registry-rows.parameters.json"))
    if len(files) != 1:
        sys.exit(f"expected one gdpr_registry-rows.parameters.json in {plan}/sql/governance, found {len(files)}")
    params = {p["name"]: p["value"] for p in json.loads(files[0].read_text())}
    n = len(params) // len(REGISTRY_FIELDS)
    if n * len(REGISTRY_FIELDS) != len(params) or any(f"{f}_{i}" not in params for f in REGISTRY_FIELDS for i in range(n)):
        sys.exit(f"{files[0]}: parameters are not {len(REGISTRY_FIELDS)} per row ({', '.join(REGISTRY_FIELDS)})")
    rows = []
    for i in range(n):
        rows.append(tuple(params[f"{f}_{i}"] for f in REGISTRY_FIELDS))
    return rows + local_registry_rows(plan, rows)


def local_registry_rows(plan: Path, rows: list[tuple]) -> list[tuple]:
    """Rows for what only the local plane has: the changes table of each keyed silver dataset (lakemesh_keyed's AUTO
    CDC stand-in), registered as its dataset is, so that erasure and retention reach it too and the next run cannot
    bring an erased subject back into the dataset."""
    import incremental

    lakemesh_keyed = incremental.keyed_module()
    by_table = {r[0]: r for r in rows}
    out = []
    for path in contracts(plan).values():
        for ds in json.loads(path.read_text())["datasets"]:
            row = by_table.get(ds["table"])
            if ds["keyed"] is not None and row is not None:
                out.append((lakemesh_keyed.changes_table(ds["table"]), *row[1:3], "streaming_table", *row[4:]))
    return out


def salt_fingerprint_row(salt: str) -> tuple[str, str]:
    """(message, fingerprint) of the local salt, refused as the pipelines and jobs refuse it (lakemesh_salt)."""
    sys.path.insert(0, str(PIPELINE_DIR))
    import lakemesh_salt

    return lakemesh_salt.FINGERPRINT_MESSAGE, lakemesh_salt.fingerprint(lakemesh_salt.refuse_unresolved(salt, "LAKEMESH_SUBJECT_SALT"))


def governance_tables(plan: Path, catalog: str) -> list[list[str]]:
    """The statements that create each governance table, one list per table, in the plan's order: read from the
    governance objects' `create` statements in plan.json (one statement each, as the Statement Execution API runs
    them), not from the rendered .sql files, which join an object's statements (a table and the INSERT of its first
    row, e.g. the pseudonym key). Statements with bound parameters (rows the registry and tenants steps write) are
    left to those steps."""
    out = []
    for r in plan_json(plan)["resources"]:
        create = r["inputs"].get("create") if r["type"] == "pulumi-nodejs:dynamic:Resource" else None
        if isinstance(create, list) and create and "CREATE TABLE" in create[0]["sql"]:
            # A row filter set by its own statement (the GDPR request inbox) is left out: open-source Spark has none,
            # and the local plane has no principals for it to tell apart; the table itself is needed.
            out.append([local_sql(x["sql"].strip().rstrip(";"), catalog) for x in create
                        if not x.get("parameters") and not re.match(r"ALTER TABLE \S+ SET ROW FILTER ", x["sql"].strip())])
    return out


CONTROL_FIELDS = ["tenant_id", "subject_id", "email"]


def control_table(plan: Path, catalog: str) -> tuple[str, list[tuple]]:
    """The GDPR pre-flight control table (governance gdpr_control): its CREATE statement and its rows, from the plan.

    Open-source Spark has no ROW FILTER or MASK clause, so the local copy is made without them: its rows hold no
    personal data (control tenants mapped to no principal), and locally the pre-flight can only compare the count and
    the values with the table property, which the tests make disagree to see the jobs refuse."""
    for r in plan_json(plan)["resources"]:
        name = str(r["inputs"].get("objectName", "")) if r["type"] == "pulumi-nodejs:dynamic:Resource" else ""
        if name.endswith(".governance.gdpr_control"):
            create, insert = r["inputs"]["create"]
            sql = local_sql(create["sql"], catalog)
            sql = re.sub(r" MASK \S+ USING COLUMNS \([^)]*\)", "", sql)
            sql = re.sub(r"\nWITH ROW FILTER \S+ ON \([^)]*\)", "", sql)
            params = {p["name"]: p["value"] for p in insert["parameters"]}
            rows = [tuple(params[f"{f}_{i}"] for f in CONTROL_FIELDS) for i in range(len(params) // len(CONTROL_FIELDS))]
            return sql, rows
    sys.exit(f"no gdpr_control object in {plan}/plan.json")


def prepare(spark, plan: Path, tenants: list[str], force: bool = False) -> dict:
    """Schemas, the governance tables, the GDPR registry rows and the tenants (as local service principals).

    Skipped when this plane was already prepared from the same plan files and tenants (prepared_marker()): every
    `local:up` and demo asks for it, and re-writing the registry would only add Delta versions."""
    import hashlib

    c = contracts(plan)
    catalog = json.loads(next(iter(c.values())).read_text())["catalog"]
    schemas = sorted({json.loads(p.read_text())["schema"] for p in c.values()} | {"governance"})
    tables = governance_tables(plan, catalog)
    # A table under a Unity Catalog row filter (the serving API's GDPR intake) is left out: open-source Spark has no
    # ROW FILTER clause, and a copy without it would hand every tenant's rows to any reader. Nothing local reads it
    # (the local serving API keeps its requests in a file under .local/serving).
    kept = [t for t in tables if not any("WITH ROW FILTER" in x for x in t)]
    databricks_only = len(tables) - len(kept)
    statements = [x for t in kept for x in t]
    registry = registry_rows(plan)
    control_sql, control_rows = control_table(plan, catalog)
    fingerprint = salt_fingerprint_row(SALT)
    sha = hashlib.sha256(json.dumps([schemas, statements, registry, sorted(tenants), control_sql, control_rows, fingerprint]).encode()).hexdigest()
    marker = prepared_marker()
    summary = {"schemas": schemas, "governance_tables": len(kept), "databricks_only_tables": databricks_only,
               "registry_rows": len(registry), "tenants": tenants}
    try:
        done = json.loads(marker.read_text()).get("sha") == sha
    except (OSError, ValueError):
        done = False
    if done and not force and all(spark.catalog.databaseExists(s) for s in schemas):
        return {**summary, "skipped": True}
    from pyspark.sql import functions as F

    for s in schemas:
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS `{ident(s)}`")
    for stmt in statements:
        spark.sql(stmt)
    spark.sql(control_sql)
    spark.createDataFrame(control_rows, ", ".join(f"{f} STRING" for f in CONTROL_FIELDS)).write.insertInto("spark_catalog.governance.gdpr_control")
    reg = spark.createDataFrame(registry, ", ".join(f"{f} STRING" for f in REGISTRY_FIELDS))
    reg.write.insertInto("spark_catalog.governance.gdpr_registry", overwrite=True)
    # The salt fingerprint, as the platform stack writes it from its salt (lib/compile/salt-fingerprint.ts), here from
    # the local salt the pipelines and the GDPR jobs read; through a DataFrame (no bound INSERT in open-source Spark).
    fp = spark.createDataFrame([fingerprint], "message STRING, fingerprint STRING").withColumn("written_at", F.current_timestamp())
    fp.write.insertInto("spark_catalog.governance.salt_fingerprint", overwrite=True)
    if tenants:
        rows = [(t, f"local-service-{t}", "service") for t in tenants]
        df = spark.createDataFrame(rows, "tenant_id STRING, principal STRING, role STRING").withColumn("updated_at", F.current_timestamp())
        existing = spark.read.table("spark_catalog.governance.tenant_principals").select("tenant_id", "principal")
        df.join(existing, ["tenant_id", "principal"], "left_anti").write.insertInto("spark_catalog.governance.tenant_principals")
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"sha": sha, "plan": str(plan)}) + "\n")
    print(f"prepared schemas {', '.join(schemas)}, {len(kept)} governance tables ({databricks_only} Databricks-only left out), {len(registry)} registry rows, the salt fingerprint, tenants {', '.join(tenants) or '(none)'}", file=sys.stderr)
    return {**summary, "skipped": False}


def topic_specs(plan: Path, domains: list[str] | None = None) -> list[dict]:
    """The inputs of the plan's Kafka topics (name, partitions, config, replicationFactor), of domains (all: None)."""
    return [r["inputs"] for r in plan_json(plan)["resources"]
            if r["type"] == "kafka:index/topic:Topic" and (domains is None or r["inputs"]["name"].split(".")[0] in domains)]


def topics(plan: Path, domains: list[str]) -> list[str]:
    import kafka_admin

    bootstrap = spark_local.kafka_bootstrap()
    kafka_admin.wait_ready(bootstrap, 60)
    made = []
    for i in topic_specs(plan, domains):
        kafka_admin.create_topic(bootstrap, i["name"], int(i["partitions"]), i.get("config") or {}, int(i["replicationFactor"]))
        made.append(i["name"])
    print(f"topics ready: {', '.join(made)}", file=sys.stderr)
    return made


def event_tuple(e: dict) -> tuple[str, bytes | None, bytes]:
    """A sample event ({topic, key, value, ...}) as kafka_admin.produce_events takes it."""
    return e["topic"], None if e.get("key") is None else e["key"].encode(), e["value"].encode()


def produce(events: Path) -> dict[str, int]:
    import kafka_admin

    lines = (line for f in sorted(events.glob("*.jsonl")) for line in f.read_text().splitlines() if line.strip())
    sent = kafka_admin.produce_events(spark_local.kafka_bootstrap(), (event_tuple(json.loads(line)) for line in lines))
    print(f"produced {sum(sent.values())} events", file=sys.stderr)
    return sent


def plane_dir() -> Path:
    """The plane's data: warehouse, metastore, pipeline checkpoints, samples (spark_local.warehouse_dir's parent)."""
    return spark_local.warehouse_dir().parent


def pipelines_root() -> Path:
    return plane_dir() / "pipelines"


def pipeline_dir(name: str) -> Path:
    """Spec and checkpoints of a local pipeline, beside the warehouse they belong to (a new warehouse, new ones)."""
    return pipelines_root() / ident(name)


def update_log() -> Path:
    """One JSON line per completed pipeline run of the plane ({"pipeline", "domains", "started_at", "completed_at"},
    UTC): the local stand-in for a pipeline's update history, read by the GDPR erasure (lakemesh_gdpr.LocalUpdates)."""
    return plane_dir() / "pipeline_updates.jsonl"


def log_update(name: str, domains: list[str], started: datetime, skipped: bool = False) -> None:
    with update_log().open("a", encoding="utf-8") as log:
        log.write(json.dumps({"pipeline": name, "domains": sorted(domains), "started_at": started.isoformat(), "skipped": skipped,
                              "completed_at": datetime.now(timezone.utc).isoformat()}, sort_keys=True) + "\n")


def prepared_marker() -> Path:
    return plane_dir() / "prepared.json"


def demo_state_file() -> Path:
    return plane_dir() / "demo.json"


def owner() -> str | None:
    """Who the plane's data was last reset for (demo, pytest, bench); None when it never was."""
    try:
        return json.loads((plane_dir() / "owner.json").read_text())["owner"] or None
    except (OSError, ValueError, KeyError):
        return None


def set_owner(name: str) -> None:
    import time

    plane_dir().mkdir(parents=True, exist_ok=True)
    (plane_dir() / "owner.json").write_text(json.dumps({"owner": name, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}) + "\n")


def spec(plan: Path, domains: list[str], name: str = "lakemesh_local", conf: dict[str, str] | None = None) -> Path:
    c = contracts(plan, domains)
    first = json.loads(next(iter(c.values())).read_text())
    out = pipeline_dir(name)
    out.mkdir(parents=True, exist_ok=True)
    doc = {
        "name": name,
        "storage": (out / "storage").resolve().as_uri(),
        "database": first["schema"],
        "configuration": {
            "spark.sql.sources.default": "delta",
            **(conf or {}),
            "lakemesh.contract": ",".join(str(p.resolve()) for p in c.values()),
            "lakemesh.local.catalog": "spark_catalog",
            "lakemesh.local.kafka_bootstrap": spark_local.kafka_bootstrap(),
            "lakemesh.local.subject_salt": SALT,
        },
        # SDP takes globs relative to the spec's folder only.
        "libraries": [{"glob": {"include": os.path.relpath(PIPELINE_DIR / "lakemesh_pipeline.py", out)}}],
    }
    f = out / "spark-pipeline.yml"
    f.write_text("# Written by scripts/local/mesh.py; do not edit.\n" + json.dumps(doc, indent=2) + "\n")
    return f


def cluster(spark, tables: list[tuple[str, list[str]]]) -> list[str]:
    """Liquid clustering as the contracts declare it (open-source SDP cannot create clustered Delta tables). A table
    already clustered so is left alone: ALTER TABLE ... CLUSTER BY commits a new version even when nothing changes."""
    done = []
    for table, keys in tables:
        keys = [ident(k) for k in keys]
        if not keys:
            continue
        name = local_name(table)
        have = spark.sql(f"DESCRIBE DETAIL {name}").collect()[0]["clusteringColumns"]
        if list(have or []) != keys:
            spark.sql(f"ALTER TABLE {name} CLUSTER BY ({', '.join('`' + k + '`' for k in keys)})")
            done.append(table)
    return done


def quarantine(spark, docs: list[dict]) -> list[dict]:
    """The tenant quarantine's counts (events of unknown tenants held in bronze), as the domain job's SQL task reports
    them on Databricks after an update."""
    held = []
    for d in docs:
        for ds in d["datasets"]:
            if ds["source"]["kind"] == "quarantine":
                t = local_name(ds["table"])
                held += [{"table": t, "tenant_id": r.tenant_id, "kafka_topic": r.kafka_topic, "events": r.events}
                         for r in spark.read.table(t).orderBy("tenant_id", "kafka_topic").collect()]
    return held


def run_in_engine(engine, session, plan: Path, domains: list[str], name: str, conf: dict[str, str], force: bool,
                  full_refresh_all: bool) -> dict:
    """A triggered run of the domains' pipeline on the engine (engine_ops mesh.run): skipped when nothing is new."""
    import time

    import incremental

    t0 = time.monotonic()
    started = datetime.now(timezone.utc)
    paths = contracts(plan, domains)
    docs = [json.loads(p.read_text()) for p in paths.values()]
    s = session()
    for schema in sorted({d["schema"] for d in docs}):
        s.sql(f"CREATE SCHEMA IF NOT EXISTS `{ident(schema)}`")  # SDP fails with SCHEMA_NOT_FOUND otherwise
    f = spec(plan, domains, name, conf)
    state = incremental.State(pipeline_dir(name))
    code = incremental.code_sha([*paths.values(), *sorted(PIPELINE_DIR.glob("*.py"))], {"domains": domains, "conf": conf})
    topics = incremental.topics_of(docs)
    tables = incremental.tables_of(docs)
    bootstrap = spark_local.kafka_bootstrap()
    try:
        offsets = incremental.end_offsets(bootstrap, topics)
    except Exception as e:  # noqa: BLE001 - the broker is down or unreachable
        raise RuntimeError(f"Kafka at {bootstrap} did not answer ({e}); is the plane up? npm run local:status") from e
    clock = incremental.clock_dependent(docs)
    if not force and not full_refresh_all and not clock:
        why = incremental.unchanged(state.read(), code, offsets, incremental.versions(tables))
        if why:
            # Nothing changed since the last completed run: as good as an update now (it would process nothing).
            log_update(name, domains, started, skipped=True)
            return {"skipped": True, "reason": why, "seconds": round(time.monotonic() - t0, 3)}
    own = [(ds["table"], ds["clusterBy"]) for d in docs for ds in d["datasets"]]
    new = {t for t, _ in own if full_refresh_all or incremental.delta_version(incremental.table_dir(t)) is None}
    state.clear()  # a failed run leaves no fingerprint behind: the next trigger runs
    r = engine.worker.request({"op": "pipeline", "spec": str(f), "full_refresh_all": full_refresh_all})
    if not r.get("ok"):
        return {"__response__": r}
    clustered = cluster(s, [(t, k) for t, k in own if t in new])
    held = quarantine(s, docs)
    state.write({"code": code, "offsets": offsets, "tables": incremental.versions(tables), "at": time.time()})
    log_update(name, domains, started)
    result = {"skipped": False, "clustered": clustered, "quarantine": held, "clock_dependent": clock,
              "seconds": round(time.monotonic() - t0, 3)}
    return {"__response__": {**r, "result": result}}


def counts(spark, plan: Path, domains: list[str]) -> dict:
    out: dict = {}
    for p in contracts(plan, domains).values():
        for ds in json.loads(p.read_text())["datasets"]:
            t = local_name(ds["table"])
            if not spark.catalog.tableExists(t):
                continue
            df = spark.read.table(t)
            if ds["tenantKey"]:
                rows = df.groupBy(ident(ds["tenantKey"])).count().collect()
                out[t] = {"layer": ds["layer"], "rows": sum(r["count"] for r in rows), "by_tenant": {str(r[0]): r["count"] for r in sorted(rows, key=lambda r: str(r[0]))}}
            else:
                out[t] = {"layer": ds["layer"], "rows": df.count(), "by_tenant": {}}
    return out


def run(plan: Path, domains: list[str], name: str = "lakemesh_local", conf: dict[str, str] | None = None,
        force: bool = False, full_refresh_all: bool = False) -> dict:
    """Client side: a triggered run on the engine. Raises engine.EngineError when it fails (its output on stderr)."""
    import engine

    r = engine.call("mesh.run", plan=str(plan.resolve()), domains=domains, name=name, conf=conf or {}, force=force,
                    full_refresh_all=full_refresh_all)
    if not r.get("ok"):
        sys.stderr.write(r.get("stdout", "") + r.get("stderr", ""))
        raise engine.EngineError(f"the pipeline run of {', '.join(domains)} failed: {r.get('error') or 'see the output above'}")
    return {**r["result"], "output": r.get("stdout", "")}


def scan(spark, plan: Path, domains: list[str]) -> list[dict]:
    """Silver and gold tables' columns not marked personal whose values look personal (scripts/local/personal_values)."""
    import personal_values

    flags = []
    for p in contracts(plan, domains).values():
        for ds in json.loads(p.read_text())["datasets"]:
            if ds["layer"] != "bronze":
                table = local_name(ds["table"])
                flags += [f.__dict__ for f in personal_values.scan_table(spark.read.table(table), table, ds)]
    return flags


def main() -> int:
    import engine

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("prepare", "topics", "run", "counts", "scan"):
        s = sub.add_parser(name)
        s.add_argument("--plan", type=Path, required=True)
        if name == "prepare":
            s.add_argument("--tenants", default="", help="tenant ids to register in governance.tenant_principals")
            s.add_argument("--force", action="store_true", help="prepare again even if this plan was prepared")
        else:
            s.add_argument("--domains", required=True)
        if name == "run":
            s.add_argument("--name", default="lakemesh_local", help="pipeline name (its own checkpoints)")
            s.add_argument("--force", action="store_true", help="run even when nothing is new")
            s.add_argument("--full-refresh-all", action="store_true", help="reset every table and checkpoint and recompute")
    s = sub.add_parser("produce")
    s.add_argument("--events", type=Path, required=True)
    a = ap.parse_args()
    try:
        if a.cmd == "prepare":
            engine.checked("mesh.prepare", plan=str(a.plan.resolve()), tenants=[t for t in a.tenants.split(",") if t], force=a.force)
        elif a.cmd == "topics":
            topics(a.plan, a.domains.split(","))
        elif a.cmd == "produce":
            produce(a.events)
        elif a.cmd == "run":
            r = run(a.plan, a.domains.split(","), a.name, force=a.force, full_refresh_all=a.full_refresh_all)
            sys.stderr.write(r.pop("output"))
            print(json.dumps(r, indent=2, sort_keys=True))
        elif a.cmd == "counts":
            print(json.dumps(engine.checked("mesh.counts", plan=str(a.plan.resolve()), domains=a.domains.split(",")), indent=2, sort_keys=True))
        elif a.cmd == "scan":
            print(json.dumps(engine.checked("mesh.scan", plan=str(a.plan.resolve()), domains=a.domains.split(",")), indent=2, sort_keys=True))
    except engine.EngineError as e:
        print(f"[mesh] ERROR: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
