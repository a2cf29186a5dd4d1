#!/usr/bin/env python3
"""Runs lakemesh domains on the local data plane, from an offline plan (lakemesh plan --stack dev).

  mesh.py prepare --plan out/plan/dev [--tenants a,b]   schemas, governance tables and GDPR registry from the plan
  mesh.py topics  --plan out/plan/dev --domains a,b     Kafka topics as the plan declares them
  mesh.py produce --events DIR                          send lakemesh sample's <topic>.jsonl files
  mesh.py run     --plan out/plan/dev --domains a,b     one Spark Declarative Pipelines run of the domains'
                                                        contracts, then their liquid clustering
  mesh.py counts  --plan out/plan/dev --domains a,b     rows per table and tenant, as JSON
  mesh.py scan    --plan out/plan/dev --domains a,b     columns not marked personal whose values look personal
                                                        (e-mail, IBAN, IP, phone...), as a JSON list

What the plan holds is what runs: the contracts are the plan's workspace/.../contract.json files, the topics its
kafka Topic resources, the governance tables its rendered SQL. Locally the catalog is spark_catalog and the
broker the local one; nothing else changes. One Spark process at a time (embedded metastore).
"""
from __future__ import annotations

import argparse
import json
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


REGISTRY_FIELDS = ["dataset", "domain", "layer", "kind", "tenant_key", "subject_key", "personal_columns", "retention_period", "retention_column", "registry_sha256"]


def registry_rows(plan: Path) -> list[tuple]:
    """The GDPR registry rows the plan binds as parameters (name_i). Dataset names keep the stack's catalog; the
    GDPR jobs run locally with catalog_override=spark_catalog.

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
    return rows


def prepare(plan: Path, tenants: list[str]) -> None:
    """Schemas, the governance tables, the GDPR registry rows and the tenants (as local service principals)."""
    c = contracts(plan)
    catalog = json.loads(next(iter(c.values())).read_text())["catalog"]
    schemas = sorted({json.loads(p.read_text())["schema"] for p in c.values()} | {"governance"})
    texts = [p.read_text() for p in sorted((plan / "sql" / "governance").glob("*.sql"))]
    tables = [local_sql(t.strip().rstrip(";"), catalog) for t in texts if "CREATE TABLE" in t]
    # A table under a Unity Catalog row filter (the serving API's GDPR intake) is left out: open-source Spark has no
    # ROW FILTER clause, and a copy without it would hand every tenant's rows to any reader. Nothing local reads it
    # (the local serving API keeps its requests in a file under .local/serving).
    statements = [t for t in tables if "WITH ROW FILTER" not in t]
    databricks_only = len(tables) - len(statements)
    registry = registry_rows(plan)
    spark = spark_local.classic_session("lakemesh-prepare")
    try:
        from pyspark.sql import functions as F

        for s in schemas:
            spark.sql(f"CREATE SCHEMA IF NOT EXISTS `{ident(s)}`")
        for stmt in statements:
            spark.sql(stmt)
        reg = spark.createDataFrame(registry, ", ".join(f"{f} STRING" for f in REGISTRY_FIELDS))
        reg.write.insertInto("spark_catalog.governance.gdpr_registry", overwrite=True)
        if tenants:
            rows = [(t, f"local-service-{t}", "service") for t in tenants]
            df = spark.createDataFrame(rows, "tenant_id STRING, principal STRING, role STRING").withColumn("updated_at", F.current_timestamp())
            existing = spark.read.table("spark_catalog.governance.tenant_principals").select("tenant_id", "principal")
            df.join(existing, ["tenant_id", "principal"], "left_anti").write.insertInto("spark_catalog.governance.tenant_principals")
    finally:
        spark.stop()
    print(f"prepared schemas {', '.join(schemas)}, {len(statements)} governance tables ({databricks_only} Databricks-only left out), {len(registry)} registry rows, tenants {', '.join(tenants) or '(none)'}", file=sys.stderr)


def topics(plan: Path, domains: list[str]) -> list[str]:
    import kafka_admin

    bootstrap = spark_local.kafka_bootstrap()
    kafka_admin.wait_ready(bootstrap, 60)
    made = []
    for r in plan_json(plan)["resources"]:
        if r["type"] != "kafka:index/topic:Topic" or r["inputs"]["name"].split(".")[0] not in domains:
            continue
        i = r["inputs"]
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


def pipeline_dir(name: str) -> Path:
    """Spec and checkpoints of a local pipeline, beside the warehouse they belong to (a new warehouse, new ones)."""
    return spark_local.warehouse_dir().parent / "pipelines" / name


def spec(plan: Path, domains: list[str], name: str = "lakemesh_local") -> Path:
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


def cluster(plan: Path, domains: list[str]) -> None:
    """Liquid clustering as the contracts declare it: open-source SDP cannot create clustered Delta tables."""
    spark = spark_local.classic_session("lakemesh-cluster")
    try:
        for p in contracts(plan, domains).values():
            for ds in json.loads(p.read_text())["datasets"]:
                keys = [ident(k) for k in ds["clusterBy"]]
                if keys:
                    spark.sql(f"ALTER TABLE {local_name(ds['table'])} CLUSTER BY ({', '.join('`' + k + '`' for k in keys)})")
    finally:
        spark.stop()


def run(plan: Path, domains: list[str], extra: list[str], name: str = "lakemesh_local") -> int:
    f = spec(plan, domains, name)
    env = {**os.environ, "LAKEMESH_PYTHONPATH": str(PIPELINE_DIR)}
    rc = subprocess.call([str(HERE / "pipeline.sh"), "run", "--spec", str(f), *extra], env=env)
    if rc != 0:
        return rc
    cluster(plan, domains)
    return 0


def counts(plan: Path, domains: list[str]) -> dict:
    spark = spark_local.classic_session("lakemesh-counts")
    out: dict = {}
    try:
        for p in contracts(plan, domains).values():
            for ds in json.loads(p.read_text())["datasets"]:
                t = local_name(ds["table"])
                df = spark.read.table(t)
                if ds["tenantKey"]:
                    rows = df.groupBy(ds["tenantKey"]).count().collect()
                    out[t] = {"layer": ds["layer"], "rows": sum(r["count"] for r in rows), "by_tenant": {str(r[0]): r["count"] for r in sorted(rows, key=lambda r: str(r[0]))}}
                else:
                    out[t] = {"layer": ds["layer"], "rows": df.count(), "by_tenant": {}}
    finally:
        spark.stop()
    return out


def scan(plan: Path, domains: list[str]) -> list[dict]:
    """Silver and gold tables' columns not marked personal whose values look personal (scripts/local/personal_values)."""
    import personal_values

    spark = spark_local.classic_session("lakemesh-scan")
    flags = []
    try:
        for p in contracts(plan, domains).values():
            for ds in json.loads(p.read_text())["datasets"]:
                if ds["layer"] != "bronze":
                    table = local_name(ds["table"])
                    flags += [f.__dict__ for f in personal_values.scan_table(spark.read.table(table), table, ds)]
    finally:
        spark.stop()
    return flags


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("prepare", "topics", "run", "counts", "scan"):
        s = sub.add_parser(name)
        s.add_argument("--plan", type=Path, required=True)
        if name == "prepare":
            s.add_argument("--tenants", default="", help="tenant ids to register in governance.tenant_principals")
        else:
            s.add_argument("--domains", required=True)
        if name == "run":
            s.add_argument("--name", default="lakemesh_local", help="pipeline name (its own checkpoints)")
            s.add_argument("extra", nargs="*")
    s = sub.add_parser("produce")
    s.add_argument("--events", type=Path, required=True)
    a = ap.parse_args()
    if a.cmd == "prepare":
        prepare(a.plan, [t for t in a.tenants.split(",") if t])
    elif a.cmd == "topics":
        topics(a.plan, a.domains.split(","))
    elif a.cmd == "produce":
        produce(a.events)
    elif a.cmd == "run":
        return run(a.plan, a.domains.split(","), a.extra, a.name)
    elif a.cmd == "counts":
        print(json.dumps(counts(a.plan, a.domains.split(",")), indent=2, sort_keys=True))
    elif a.cmd == "scan":
        print(json.dumps(scan(a.plan, a.domains.split(",")), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
