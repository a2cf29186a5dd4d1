#!/usr/bin/env python3
"""The engine's pipeline worker: a warm Spark Connect client of the engine's own server (see engine.py).

Spark Declarative Pipelines run only over Spark Connect, and a process that holds a classic session cannot also be a
Connect client (PySpark picks the Column and function implementations per process, by SPARK_CONNECT_MODE_ENABLED).
So the engine keeps this one process with PySpark's Connect client imported and a channel open, and hands it runs.

Protocol, one JSON object per line: the engine sends {"connect_port": N} once Spark is up (the worker has imported
PySpark meanwhile); the worker connects, writes {"ready": true}, then answers each request on stdin
({"op": "pipeline", "spec": path, "full_refresh": [...], "full_refresh_all": bool, "refresh": [...], "dry": bool}) with
{"ok", "rc", "stdout", "error"}. It exits when stdin closes (the engine stopped). Its own stdout is kept for the
protocol; anything else printed goes to stderr (the engine log) or, during a run, to the response.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PIPELINE_DIR = ROOT / "notebooks" / "pipelines"

# Before PySpark is imported: this process is a Spark Connect client.
os.environ["SPARK_CONNECT_MODE_ENABLED"] = "1"
os.environ.pop("SPARK_REMOTE", None)


PORT: int | None = None  # the engine's Spark Connect port, sent as the first line on stdin


def url() -> str:
    return f"sc://localhost:{PORT}"


def fresh_modules(dirs: list[Path]) -> None:
    """Forget modules imported from the pipeline folders, so an edited helper is read again by the next run."""
    roots = [str(d.resolve()) + os.sep for d in dirs]
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None) or ""
        if any(f.startswith(r) for r in roots):
            del sys.modules[name]


def run_pipeline(spec: str, full_refresh: list[str] | None = None, full_refresh_all: bool = False,
                 refresh: list[str] | None = None, dry: bool = False) -> None:
    """What `spark-pipelines run|dry-run --spec` does (pyspark/pipelines/cli.py run()), on the engine's server."""
    from pyspark.pipelines import cli
    from pyspark.pipelines.spark_connect_pipeline import create_dataflow_graph, handle_pipeline_events, start_run
    from pyspark.sql import SparkSession

    spec_path = Path(spec).resolve()
    s = cli.load_pipeline_spec(spec_path)
    # The pipeline's files import helpers from beside the spec and from notebooks/pipelines (pipeline.sh did the same
    # with PYTHONPATH); SDP itself puts neither on sys.path.
    dirs = [spec_path.parent, PIPELINE_DIR]
    for d in reversed(dirs):
        if str(d) not in sys.path:
            sys.path.insert(0, str(d))
    fresh_modules(dirs)
    b = SparkSession.builder.remote(url()).config("spark.sql.connect.serverStacktrace.enabled", "false")
    for k, v in s.configuration.items():
        b = b.config(k, v)
    spark = b.create()
    try:
        graph = create_dataflow_graph(spark, default_catalog=s.catalog, default_database=s.database, sql_conf=s.configuration)
        registry = cli.SparkConnectGraphElementRegistry(spark, graph)
        cli.register_definitions(spec_path, registry, s, spark, graph)
        events = start_run(spark, graph, full_refresh=full_refresh or [], full_refresh_all=full_refresh_all,
                           refresh=refresh or [], dry=dry, storage=s.storage)
        handle_pipeline_events(events)
    finally:
        spark.stop()


def serve() -> int:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # stray prints (ours, PySpark's, native code's) go to the engine log, not into the protocol
    sys.stdout = os.fdopen(1, "w", buffering=1)
    global PORT
    t0 = time.monotonic()
    from pyspark.sql import SparkSession
    import pyspark.pipelines.cli  # noqa: F401  (warm: the first run should not pay for the import)

    first = sys.stdin.readline()
    if not first:
        return 0  # the engine stopped before Spark was up
    PORT = int(json.loads(first)["connect_port"])
    warm = SparkSession.builder.remote(url()).create()
    warm.sql("SELECT 1").collect()
    warm.stop()
    print(f"[worker] ready in {time.monotonic() - t0:.1f}s (pid {os.getpid()})", file=sys.stderr, flush=True)
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        out = io.StringIO()
        resp: dict = {"ok": True, "rc": 0}
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                op = req.pop("op")
                if op == "pipeline":
                    run_pipeline(**req)
                elif op == "ping":
                    pass
                else:
                    raise ValueError(f"unknown worker op {op!r}")
        except Exception as e:  # noqa: BLE001 - the run failed; the engine reports it
            resp = {"ok": False, "rc": 1, "error": f"{type(e).__name__}: {str(e)[:4000]}"}
            out.write(traceback.format_exc())
        resp["stdout"] = out.getvalue()
        proto.write(json.dumps(resp) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(serve())
