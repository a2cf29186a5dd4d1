#!/usr/bin/env bash
# Exports the local data plane's silver and gold tables (the demo warehouse unless LAKEMESH_WAREHOUSE and
# LAKEMESH_METASTORE say otherwise) to .local/serving/parquet, where `npm run serve` picks them up.
# Starts Spark: run it under the machine's Spark lock where several people share one machine.
source "$(dirname "$0")/_lib.sh"
set -eu
export LAKEMESH_WAREHOUSE="${LAKEMESH_WAREHOUSE:-$LAKEMESH_LOCAL/demo/warehouse}"
export LAKEMESH_METASTORE="${LAKEMESH_METASTORE:-$LAKEMESH_LOCAL/demo/metastore_db}"
[[ -d "$LAKEMESH_METASTORE" ]] || lm_die "no local data plane at $LAKEMESH_METASTORE; run npm run local:demo first"
plan="${LAKEMESH_SERVING_PLAN:-$LAKEMESH_LOCAL/demo/plan/dev}"
[[ -f "$plan/plan.json" ]] || lm_die "no plan at $plan; run npm run local:demo first"
VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
"$LAKEMESH_ROOT/scripts/local/jars.sh" >/dev/null
exec "$VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/serving_export.py" --plan "$plan" --out "${LAKEMESH_SERVING_EXPORT:-$LAKEMESH_LOCAL/serving/parquet}"
