#!/usr/bin/env bash
# Run a Spark Declarative Pipeline on the checkout's local engine (Delta + the Kafka source, 127.0.0.1 only).
#
#   scripts/local/pipeline.sh run     --spec path/to/spark-pipeline.yml [--full-refresh a,b | --full-refresh-all] [--refresh a,b]
#   scripts/local/pipeline.sh dry-run --spec path/to/spark-pipeline.yml
#
# The options are those of `spark-pipelines`; the run happens in the engine's pipeline worker (engine_worker.py),
# over the engine's Spark Connect server, instead of in a new JVM. What the engine adds:
#   * the static confs of scripts/local/spark_local.py confs() (jars, Delta extension and catalog, warehouse and
#     Hive metastore under .local/plane, local[2]); runtime SQL confs go in the spec's `configuration`;
#   * the spec's folder and notebooks/pipelines on sys.path, so pipeline files can `import lib.x` from beside the
#     spec (SDP itself puts neither the spec folder nor the file's folder on sys.path);
#   * CREATE SCHEMA IF NOT EXISTS for the spec's `database` (SDP fails with SCHEMA_NOT_FOUND otherwise);
#   * `storage:` must be an absolute URI for SDP; when the spec has a relative path (taken relative to the repo
#     root) or ${LAKEMESH_LOCAL}/$VARS, a rendered copy of the spec goes to .local/pipelines/<name>/ and runs instead.
# Needs the plane up (npm run local:up). Exit code: 0 when the run completed, 1 when any flow failed.
# shellcheck source=scripts/local/_lib.sh
source "$(dirname "$0")/_lib.sh"
set -eu
cmd="${1:-}"
case "$cmd" in
  run|dry-run) shift ;;
  *) echo "usage: $0 run|dry-run --spec SPEC [--full-refresh a,b | --full-refresh-all] [--refresh a,b]" >&2; exit 2 ;;
esac
[[ -x "$LAKEMESH_VENV/bin/python" ]] || lm_die "no venv in $LAKEMESH_VENV; run npm run local:up first"
exec "$LAKEMESH_VENV/bin/python" - "$cmd" "$@" <<'PY'
import argparse, os, sys
sys.path.insert(0, os.path.join(os.environ["LAKEMESH_ROOT"], "scripts", "local"))
import engine, spark_local

ap = argparse.ArgumentParser(prog="pipeline.sh")
ap.add_argument("cmd", choices=["run", "dry-run"])
ap.add_argument("--spec", required=True)
ap.add_argument("--full-refresh", default="")
ap.add_argument("--full-refresh-all", action="store_true")
ap.add_argument("--refresh", default="")
a = ap.parse_args()
if not os.path.isfile(a.spec):
    sys.exit(f"[pipeline.sh] --spec {a.spec}: no such file")
spec = spark_local.prepare_spec(a.spec)
if spec != os.path.realpath(a.spec):
    print(f"[pipeline.sh] storage is not an absolute URI: running the rendered copy {spec}", file=sys.stderr)
split = lambda v: [t.strip() for t in v.split(",") if t.strip()]
try:
    r = engine.call("pipeline", spec=spec, full_refresh=split(a.full_refresh), full_refresh_all=a.full_refresh_all,
                    refresh=split(a.refresh), dry=a.cmd == "dry-run")
except engine.EngineError as e:
    sys.exit(f"[pipeline.sh] ERROR: {e}")
sys.stderr.write(r.get("stdout", "") + r.get("stderr", ""))
print(f"[pipeline.sh] {a.cmd} {'completed' if r.get('ok') else 'FAILED: ' + str(r.get('error'))} after {r.get('seconds')} s", file=sys.stderr)
sys.exit(0 if r.get("ok") else 1)
PY
