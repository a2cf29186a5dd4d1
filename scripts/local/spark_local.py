#!/usr/bin/env python3
"""One place for the local Spark settings (Delta + Kafka jars, small footprint, .local/ paths).

The checkout's engine (engine.py) builds its one Spark session from these settings; everything else reaches that
session through the engine (its control endpoint, or Spark Connect). A classic session of one's own,

    from spark_local import classic_session
    spark = classic_session("experiment")

is for experiments while the engine is down: the embedded Derby metastore admits one JVM at a time.

CLI:
    spark_local.py confs               the confs as JSON
    spark_local.py render-spec SPEC    print the spec file to run (a rendered copy when `storage` is not an
                                       absolute URI; see prepare_spec)
    spark_local.py sql "SELECT .."     run SQL on the engine and print the rows of the last statement

Environment (all optional; the engine reads them when it starts):
    LAKEMESH_LOCAL                runtime root (default <repo>/.local)
    LAKEMESH_WAREHOUSE            spark.sql.warehouse.dir (default $LAKEMESH_LOCAL/plane/warehouse)
    LAKEMESH_METASTORE            Derby metastore dir (default $LAKEMESH_LOCAL/plane/metastore_db)
    LAKEMESH_SPARK_MASTER         default local[2]
    LAKEMESH_SPARK_DRIVER_MEMORY  default 2g
    LAKEMESH_KAFKA_BOOTSTRAP      default: .local/run/kafka.bootstrap (written by kafka.sh)
    LAKEMESH_KAFKA_API_TIMEOUT_MS Kafka client API timeout for pipeline code (default 10000)
    LAKEMESH_SDP_FLOW_RETRIES     spark.sql.pipelines.maxFlowRetryAttempts (default 0: fail fast)
    LAKEMESH_SPARK_EVENT_LOG      a folder: Spark writes its event log there (for bench/profile.py)
Runtime SQL confs for a pipeline belong in its spec `configuration`; static ones (jars, extensions, catalog,
warehouse) only take effect through confs() here, when the engine starts.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def local_dir() -> Path:
    return Path(os.environ.get("LAKEMESH_LOCAL", ROOT / ".local")).resolve()


def warehouse_dir() -> Path:
    return Path(os.environ.get("LAKEMESH_WAREHOUSE", local_dir() / "plane" / "warehouse")).resolve()


def metastore_dir() -> Path:
    return Path(os.environ.get("LAKEMESH_METASTORE", local_dir() / "plane" / "metastore_db")).resolve()


class PlaneDown(RuntimeError):
    """The local broker is not running."""


def kafka_bootstrap() -> str:
    """The checkout's broker: .local/run/kafka.bootstrap, written by kafka.sh with the ports it chose. Never a default
    port: on a shared machine that could be another checkout's broker."""
    if os.environ.get("LAKEMESH_KAFKA_BOOTSTRAP"):
        return os.environ["LAKEMESH_KAFKA_BOOTSTRAP"]
    f = local_dir() / "run" / "kafka.bootstrap"
    if f.is_file() and f.read_text().strip():
        return f.read_text().strip()
    raise PlaneDown(f"the local Kafka broker is not running ({f} is missing); start the plane with npm run local:up")


def request_confs() -> dict[str, str]:
    """Runtime confs a client asks the engine for, per request, from its environment: uncompressed Parquet
    (LAKEMESH_PARQUET_CODEC, so that the erasure tests' byte search means something) and, in tests only,
    VACUUM ... RETAIN 0 HOURS (LAKEMESH_TEST_VACUUM_ANY_AGE=1), which Delta refuses by default."""
    out = {}
    if os.environ.get("LAKEMESH_PARQUET_CODEC"):
        out["spark.sql.parquet.compression.codec"] = os.environ["LAKEMESH_PARQUET_CODEC"]
    if os.environ.get("LAKEMESH_TEST_VACUUM_ANY_AGE") == "1":
        out["spark.databricks.delta.retentionDurationCheck.enabled"] = "false"
    return out


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


def event_log_dir() -> Path:
    d = Path(os.environ["LAKEMESH_SPARK_EVENT_LOG"]).resolve()
    d.mkdir(parents=True, exist_ok=True)
    return d


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
        # Erasure's DELETE matches the subject through EXISTS over the bound one-row view, so no subject value is a
        # literal of the predicate Delta records in the table's history. Databricks supports subqueries in DELETE
        # (https://docs.databricks.com/aws/en/sql/language-manual/delta-delete-from); open-source Delta 4.4 allows
        # EXISTS (only) behind this switch.
        "spark.databricks.delta.delete.allowExistsSubquery": "true",
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        # Delta's snapshot/log-replay state uses 50 partitions by default: far too many tasks
        # for a 2-core box and tiny tables.
        "spark.databricks.delta.snapshotPartitions": "2",
        # VACUUM lists a table's files in a Spark job of this many tasks (default 10000): 22 s per tiny table on
        # 2 cores, 1 s with 2. The nightly retention job VACUUMs every registered table.
        "spark.sql.sources.parallelPartitionDiscovery.parallelism": "2",
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
        # What a direct (engine-less) session is asked for by its environment; the engine takes these per request.
        **request_confs(),
        # Profiling (bench/profile.py reads it): Spark's event log, every job and SQL execution with its times.
        **({"spark.eventLog.enabled": "true", "spark.eventLog.compress": "false",
            "spark.eventLog.dir": event_log_dir().as_uri()} if os.environ.get("LAKEMESH_SPARK_EVENT_LOG") else {}),
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
    """Write <local>/spark/conf/log4j2.properties (quiet console logs); return the folder, for SPARK_CONF_DIR.

    The confs themselves go to the session builder (classic_session): PySpark passes them to spark-submit as --conf
    when it launches the JVM, so driver memory and Java options take effect too."""
    d = local_dir() / "spark" / "conf"
    d.mkdir(parents=True, exist_ok=True)
    (d / "spark-defaults.conf").unlink(missing_ok=True)  # written by earlier versions; confs come from the builder
    (d / "log4j2.properties").write_text(LOG4J2)
    return d


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


def ensure_schema_for_spec(spark, spec_path: str) -> None:
    """CREATE SCHEMA IF NOT EXISTS for the spec's database (SDP requires it to exist), in the given session."""
    catalog, db = spec_database(spec_path)
    if catalog not in (None, "spark_catalog"):
        print(f"[spark_local] catalog {catalog!r}: only spark_catalog exists locally", file=sys.stderr)
    if db and db != "default" and not spark.catalog.databaseExists(db):
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS `{ident(db)}`")


def ident(name: str) -> str:
    import re

    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name or ""):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


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
    if cmd == "render-spec" and len(sys.argv) == 3:
        print(prepare_spec(sys.argv[2]))
    elif cmd == "confs":
        print(json.dumps(confs(), indent=2))
    elif cmd == "sql" and len(sys.argv) > 2:
        import engine

        try:
            for row in engine.checked("sql", statements=sys.argv[2:]):
                print("\t".join("NULL" if v is None else str(v) for v in row))
        except engine.EngineError as e:
            print(f"[spark_local] ERROR: {e}", file=sys.stderr)
            return 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
