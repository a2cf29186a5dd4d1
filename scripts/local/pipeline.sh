#!/usr/bin/env bash
# Run a Spark Declarative Pipeline locally with Delta + the Kafka source, on 127.0.0.1 only.
#
#   scripts/local/pipeline.sh run     --spec path/to/spark-pipeline.yml [spark-pipelines args...]
#   scripts/local/pipeline.sh dry-run --spec path/to/spark-pipeline.yml
#
# Extra arguments go to `spark-pipelines` unchanged (--full-refresh-all, --refresh a,b, ...).
# Do not add --conf/--jars/--master here: runtime confs go in the spec's `configuration`,
# static ones in scripts/local/spark_local.py confs() (see below for why).
#
# What it sets up (details and reasons in scripts/local/spark_local.py):
#   * venv (venv.sh) and the Delta/Kafka jars (jars.sh), both no-ops when up to date;
#   * SPARK_CONF_DIR=.local/spark/conf with a generated spark-defaults.conf: jars, Delta SQL
#     extension + DeltaCatalog, warehouse .local/spark/warehouse, Hive catalog on a Derby
#     metastore in .local/spark/metastore_db, shuffle partitions 2, UI off, loopback only,
#     spark.lakemesh.kafka.api_timeout_ms (fail fast when the broker is down). NOT --conf/--jars:
#     pyspark 4.2.0 drops all but the last 10 of those on the way to the Connect server;
#   * `--remote local[2]` (LAKEMESH_SPARK_MASTER): --master / --conf spark.master are rejected;
#   * driver heap: spark.driver.memory (LAKEMESH_SPARK_DRIVER_MEMORY, default 2g);
#   * PYTHONPATH += the spec's folder, so pipeline files can `import lib.x` from beside the spec
#     (SDP itself puts neither the spec folder nor the file's folder on sys.path);
#   * CREATE SCHEMA IF NOT EXISTS for the spec's `database` (SDP fails with SCHEMA_NOT_FOUND
#     otherwise), done once through a classic session when <warehouse>/<db>.db is missing;
#   * `storage:` must be an absolute URI for SDP; when the spec has a relative path (taken
#     relative to the repo root) or ${LAKEMESH_LOCAL}/$VARS, a rendered copy of the spec goes to
#     .local/pipelines/<name>/spark-pipeline.yml (globs rewritten to point back) and runs instead.
# Exit code: that of spark-pipelines (non-zero when any flow failed).
# shellcheck source=scripts/local/_lib.sh
source "$(dirname "$0")/_lib.sh"
set -eu

cmd="${1:-}"
case "$cmd" in
  run|dry-run) shift ;;
  *) echo "usage: $0 run|dry-run --spec SPEC [spark-pipelines args...]" >&2; exit 2 ;;
esac

# Find --spec (required here: we need its folder, storage and database before starting Spark).
args=()
spec=""
while (( $# )); do
  case "$1" in
    --spec) spec="${2:-}"; shift 2 || true ;;
    --spec=*) spec="${1#--spec=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ -n "$spec" && -f "$spec" ]] || lm_die "--spec FILE is required (got '${spec}')"
spec="$(realpath "$spec")"

VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
"$LAKEMESH_ROOT/scripts/local/jars.sh" >/dev/null
lm_need_java17

export PYSPARK_PYTHON="$VENV/bin/python"
export PYSPARK_DRIVER_PYTHON="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"
unset SPARK_HOME PYSPARK_SUBMIT_ARGS SPARK_REMOTE  # the pyspark wheel's own Spark, our confs only
export SPARK_LOCAL_IP=127.0.0.1  # else Spark picks the eth0 address and warns
spec_dir="$(dirname "$spec")"
# LAKEMESH_PYTHONPATH: more folders for the pipeline's imports (mesh.py passes notebooks/pipelines).
export PYTHONPATH="$spec_dir${LAKEMESH_PYTHONPATH:+:$LAKEMESH_PYTHONPATH}${PYTHONPATH:+:$PYTHONPATH}"

eval "$("$VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/spark_local.py" shell-env)"
# shellcheck disable=SC2154  # LM_SUBMIT_ARGS comes from spark_local.py shell-env

run_spec="$("$VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/spark_local.py" prepare-spec "$spec")" \
  || lm_die "could not prepare $spec"
[[ "$run_spec" == "$spec" ]] || lm_log "storage is not an absolute URI: running the rendered copy $run_spec"

cd "$LAKEMESH_ROOT"
t0="$(lm_now)"
set +e
"$VENV/bin/spark-pipelines" "$cmd" "${LM_SUBMIT_ARGS[@]}" --spec "$run_spec" "${args[@]}"
rc=$?
set -e
lm_log "spark-pipelines $cmd exited $rc after $(lm_since "$t0") s"
exit "$rc"
