#!/usr/bin/env python3
"""One place for the local Spark settings (Delta + Kafka jars, small footprint, .local/ paths).

Used by scripts/local/pipeline.sh (spark-pipelines) and by tests/assertions that need a plain
(classic, non-Connect) PySpark session over the same warehouse:

    from spark_local import classic_session, table_path
    spark = classic_session("assertions")
    spark.read.table("lakemesh_demo.silver_events")            # by name (hive metastore)
    spark.read.format("delta").load(table_path("lakemesh_demo", "silver_events"))  # by path

CLI:
    spark_local.py shell-env      writes .local/spark/conf/spark-defaults.conf and prints
                                  `export SPARK_CONF_DIR=...; LM_SUBMIT_ARGS=(--remote local[2])`
                                  for spark-pipelines (see write_conf_dir for why)
    spark_local.py confs          the confs as JSON
    spark_local.py ensure-schema-for-spec SPEC   CREATE SCHEMA for the spec's database if needed
    spark_local.py prepare-spec SPEC   ensure-schema-for-spec, then print the spec file to run
                                  (a rendered copy when `storage` is not an absolute URI)
    spark_local.py sql "SELECT .."  run SQL in a classic session and print the rows

Environment (all optional):
    LAKEMESH_LOCAL                runtime root (default <repo>/.local)
    LAKEMESH_WAREHOUSE            spark.sql.warehouse.dir (default $LAKEMESH_LOCAL/spark/warehouse)
    LAKEMESH_METASTORE            Derby metastore dir (default $LAKEMESH_LOCAL/spark/metastore_db)
    LAKEMESH_SPARK_MASTER         default local[2]
    LAKEMESH_SPARK_DRIVER_MEMORY  default 2g
    LAKEMESH_KAFKA_BOOTSTRAP      default: .local/run/kafka.bootstrap, else 127.0.0.1:9092
    LAKEMESH_KAFKA_API_TIMEOUT_MS Kafka client API timeout for pipeline code (default 10000)
    LAKEMESH_SDP_FLOW_RETRIES     spark.sql.pipelines.maxFlowRetryAttempts (default 0: fail fast)

One pipeline run at a time per machine and LAKEMESH_LOCAL: the Derby metastore is embedded
(one JVM at a time; do not keep a classic session open while spark-pipelines runs against the
same metastore, or give each its own LAKEMESH_METASTORE), and the in-process Spark Connect
server of spark-pipelines always listens on 127.0.0.1:15002.
Runtime SQL confs for a pipeline belong in its spec `configuration`; static ones (jars,
extensions, catalog, warehouse) only take effect through confs() here.
"""
from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def local_dir() -> Path:
    return Path(os.environ.get("LAKEMESH_LOCAL", ROOT / ".local")).resolve()


def warehouse_dir() -> Path:
    return Path(os.environ.get("LAKEMESH_WAREHOUSE", local_dir() / "spark" / "warehouse")).resolve()


def metastore_dir() -> Path:
    return Path(os.environ.get("LAKEMESH_METASTORE", local_dir() / "spark" / "metastore_db")).resolve()


def kafka_bootstrap() -> str:
    if os.environ.get("LAKEMESH_KAFKA_BOOTSTRAP"):
        return os.environ["LAKEMESH_KAFKA_BOOTSTRAP"]
    f = local_dir() / "run" / "kafka.bootstrap"
    if f.is_file() and f.read_text().strip():
        return f.read_text().strip()
    return "127.0.0.1:" + os.environ.get("LAKEMESH_KAFKA_PORT", "9092")


def jars() -> list[str]:
    f = local_dir() / "spark" / "jars.txt"
    if not f.is_file():
        sys.exit(f"{f} is missing: run scripts/local/jars.sh first")
    out = [j for j in f.read_text().strip().split(",") if j]
    missing = [j for j in out if not Path(j).is_file()]
    if missing:
        sys.exit(f"jars listed in {f} are missing ({missing[:2]}...): run scripts/local/jars.sh --force")
    return out


def table_path(database: str, table: str) -> str:
    """Where a managed table lands: <warehouse>/<database>.db/<table> (default db: <warehouse>/<table>)."""
    if database in ("", "default"):
        return str(warehouse_dir() / table)
    return str(warehouse_dir() / f"{database}.db" / table)


def confs() -> dict[str, str]:
    loc = local_dir()
    tmp = loc / "spark" / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    metastore_dir().parent.mkdir(parents=True, exist_ok=True)
    java_opts = f"-Dderby.system.home={metastore_dir().parent} -Djava.io.tmpdir={tmp}"
    return {
        "spark.master": os.environ.get("LAKEMESH_SPARK_MASTER", "local[2]"),
        "spark.driver.memory": os.environ.get("LAKEMESH_SPARK_DRIVER_MEMORY", "2g"),
        "spark.jars": ",".join(jars()),
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        # Tables are Delta unless a statement says otherwise, as on Databricks (the rendered platform SQL has no
        # USING clause), and CREATE TABLE never makes a Hive table.
        "spark.sql.sources.default": "delta",
        "spark.sql.legacy.createHiveTableByDefault": "false",
        "spark.sql.warehouse.dir": warehouse_dir().as_uri(),
        "spark.sql.catalogImplementation": "hive",
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={metastore_dir()};create=true",
        # No ${...} substitution in SQL text or expressions: Spark would read confs (secrets included) and, with
        # env:/system: prefixes, environment variables into them. Databricks pipelines get the same setting
        # (lib/compile/pipeline.ts PIPELINE_SPARK_CONF).
        "spark.sql.variable.substitute": "false",
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        # Delta's snapshot/log-replay state uses 50 partitions by default: far too many tasks
        # for a 2-core box and tiny tables.
        "spark.databricks.delta.snapshotPartitions": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.extraJavaOptions": java_opts,
        # Spark Connect server (spark-pipelines starts one in-process): loopback only.
        "spark.connect.grpc.binding.address": "127.0.0.1",
        # Local pipelines fail fast when the broker is down (lakemesh_datasets.kafka_options reads it).
        "spark.lakemesh.kafka.api_timeout_ms": os.environ.get("LAKEMESH_KAFKA_API_TIMEOUT_MS", "10000"),
        # SDP retries a failed flow (with back-off) before failing the run; in tests a failure
        # should surface at once. LAKEMESH_SDP_FLOW_RETRIES=2 restores retries.
        "spark.sql.pipelines.maxFlowRetryAttempts": os.environ.get("LAKEMESH_SDP_FLOW_RETRIES", "0"),
        # Tests of erasure search the files for erased values: uncompressed Parquet makes a byte search meaningful.
        "spark.sql.parquet.compression.codec": os.environ.get("LAKEMESH_PARQUET_CODEC", "snappy"),
        # Tests only (LAKEMESH_TEST_VACUUM_ANY_AGE=1): VACUUM ... RETAIN 0 HOURS, which Delta refuses by default.
        **({"spark.databricks.delta.retentionDurationCheck.enabled": "false"} if os.environ.get("LAKEMESH_TEST_VACUUM_ANY_AGE") == "1" else {}),
    }


LOG4J2 = """\
# Written by scripts/local/spark_local.py: Spark's console logging at WARN, noisy loggers off.
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
logger.hadoop.name = org.apache.hadoop.util.NativeCodeLoader
logger.hadoop.level = error
logger.hive.name = org.apache.hadoop.hive
logger.hive.level = error
logger.dn.name = DataNucleus
logger.dn.level = error
logger.metastore.name = org.apache.hadoop.hive.metastore
logger.metastore.level = error
logger.objectstore.name = org.apache.hadoop.hive.metastore.ObjectStore
logger.objectstore.level = error
logger.delta.name = org.apache.spark.sql.delta
logger.delta.level = warn
"""


def write_conf_dir() -> Path:
    """Write <local>/spark/conf/{spark-defaults.conf,log4j2.properties}; return the folder.

    spark-pipelines must get its static confs this way (SPARK_CONF_DIR), not as --conf/--jars:
    spark-pipelines runs the Python CLI under an outer spark-submit, and the Spark Connect
    server that does the work is a *second* JVM started by pyspark from the Python side. The
    outer JVM hands its confs to Python in env vars PYSPARK_REMOTE_INIT_CONF_0..N, 10 keys
    each, and pyspark 4.2.0's SparkSession._start_connect_server keeps only the LAST chunk
    (`init_opts = json.loads(...)` inside the loop instead of `update`). With more than ~10
    confs in total, spark.jars / spark.sql.extensions / the catalog silently vanish. Both
    JVMs read spark-defaults.conf from SPARK_CONF_DIR, so that path has no such limit.
    spark.master must NOT be in it: spark-pipelines always adds --remote and spark-submit
    then rejects any master ("Remote cannot be specified with master and/or deploy mode");
    the master is given as `--remote local[2]` instead.
    """
    d = local_dir() / "spark" / "conf"
    d.mkdir(parents=True, exist_ok=True)
    c = confs()
    c.pop("spark.master")
    lines = ["# Written by scripts/local/spark_local.py; do not edit (regenerated on each run)."]
    for k, v in c.items():
        if "\n" in v:
            raise ValueError(f"conf {k} contains a newline")
        lines.append(f"{k} {v}")
    (d / "spark-defaults.conf").write_text("\n".join(lines) + "\n")
    (d / "log4j2.properties").write_text(LOG4J2)
    return d


def submit_args() -> list[str]:
    """spark-pipelines / spark-submit args that go with SPARK_CONF_DIR=write_conf_dir()."""
    # `--remote local[N]` is how the local master is chosen under spark-pipelines (--master and
    # --conf spark.master=... are both rejected because spark-pipelines adds --remote itself).
    return ["--remote", confs()["spark.master"]]


def classic_session(app: str = "lakemesh-local", extra: dict[str, str] | None = None, hive: bool = True):
    """A classic (py4j, non-Connect) SparkSession with Delta, the Kafka source and the shared warehouse.

    hive=False gives a session without the metastore (read tables by path): the embedded Derby metastore stays
    locked by this JVM until the process exits, so a process that starts pipeline runs later must not open it.
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ["SPARK_CONF_DIR"] = str(write_conf_dir())  # log4j2.properties (quiet logs)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.pop("SPARK_REMOTE", None)
    os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName(app).config("spark.api.mode", "classic")
    c = {**confs(), **(extra or {})}
    if not hive:
        c["spark.sql.catalogImplementation"] = "in-memory"
        c.pop("spark.hadoop.javax.jdo.option.ConnectionURL", None)
    for k, v in c.items():
        b = b.config(k, v)
    return (b.enableHiveSupport() if hive else b).getOrCreate()


def spec_database(spec_path: str) -> tuple[str | None, str | None]:
    import yaml

    with open(spec_path) as f:
        spec = yaml.safe_load(f) or {}
    return spec.get("catalog"), spec.get("database", spec.get("schema"))


def ensure_schema_for_spec(spec_path: str) -> None:
    """CREATE SCHEMA IF NOT EXISTS for the spec's database (SDP requires it to exist).

    Skipped (no JVM started) when <warehouse>/<db>.db already exists, which is where the Hive
    catalog puts a schema's folder. If the metastore was deleted but the folder was not, SDP
    fails with SCHEMA_NOT_FOUND: delete .local/spark/warehouse/<db>.db or run
    `spark_local.py sql "CREATE SCHEMA <db>"`.
    """
    catalog, db = spec_database(spec_path)
    if catalog not in (None, "spark_catalog"):
        print(f"[spark_local] catalog {catalog!r}: only spark_catalog exists locally", file=sys.stderr)
    if not db or db == "default" or (warehouse_dir() / f"{db}.db").is_dir():
        return
    import time

    t0 = time.monotonic()
    spark = classic_session("lakemesh-ensure-schema")
    try:
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS `{db}`")
    finally:
        spark.stop()
    print(f"[spark_local] created schema {db} in {time.monotonic() - t0:.1f}s", file=sys.stderr)


def prepare_spec(spec_path: str) -> str:
    """Return the spec file to hand to spark-pipelines (the original, or a rendered copy).

    SDP requires `storage` to be an absolute URI with a scheme (PIPELINE_STORAGE_ROOT_INVALID
    otherwise), which a spec kept in git cannot hard-code for every clone. So when `storage` is
    not already like file:///abs, this renders a copy in <local>/pipelines/<name>/ with
      storage: $VARS expanded, a relative path taken relative to the repo root, made file:// URI
      libraries: each glob rewritten relative to the copy's folder (`../../../x/**`; pathlib
                 globs accept `..`), because SDP resolves globs against the spec's folder.
    Definition files are imported with that folder as working directory; they should not use
    paths relative to the working directory anyway.
    """
    import yaml

    src = Path(spec_path).resolve()
    with open(src) as f:
        spec = yaml.safe_load(f) or {}
    storage = str(spec.get("storage", ""))
    if "://" in storage and storage.split("://", 1)[1].startswith("/"):
        return str(src)
    if not storage:
        sys.exit(f"{src}: `storage` is required")
    expanded = os.path.expandvars(storage.replace("${LAKEMESH_LOCAL}", str(local_dir())))
    if expanded.startswith("file:"):
        expanded = expanded[len("file:"):]
    sp = Path(expanded)
    if not sp.is_absolute():
        sp = ROOT / sp
    spec["storage"] = sp.resolve().as_uri()
    out_dir = local_dir() / "pipelines" / str(spec.get("name", src.parent.name))
    out_dir.mkdir(parents=True, exist_ok=True)
    libs = []
    for lib in spec.get("libraries", []) or []:
        inc = lib["glob"]["include"]
        target = inc if os.path.isabs(inc) else os.path.relpath(src.parent / inc, out_dir)
        libs.append({**lib, "glob": {**lib["glob"], "include": target}})
    spec["libraries"] = libs
    out = out_dir / "spark-pipeline.yml"
    out.write_text(f"# Rendered from {src} by scripts/local/spark_local.py; do not edit.\n"
                   + yaml.safe_dump(spec, sort_keys=False))
    return str(out)


def main() -> int:
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "shell-env":
        print("export SPARK_CONF_DIR=" + shlex.quote(str(write_conf_dir())))
        print("LM_SUBMIT_ARGS=(" + " ".join(shlex.quote(a) for a in submit_args()) + ")")
    elif cmd == "ensure-schema-for-spec" and len(sys.argv) == 3:
        ensure_schema_for_spec(sys.argv[2])
    elif cmd == "prepare-spec" and len(sys.argv) == 3:
        ensure_schema_for_spec(sys.argv[2])
        print(prepare_spec(sys.argv[2]))
    elif cmd == "confs":
        print(json.dumps(confs(), indent=2))
    elif cmd == "sql" and len(sys.argv) > 2:
        spark = classic_session("lakemesh-sql")
        try:
            for stmt in sys.argv[2:]:
                spark.sql(stmt).show(50, truncate=False)
        finally:
            spark.stop()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
