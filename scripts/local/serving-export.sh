#!/usr/bin/env bash
# Exports the local data plane's silver and gold tables (.local/plane, what npm run local:demo left) to
# .local/serving/parquet, where `npm run serve` picks them up. The checkout's engine does it (scripts/local/
# serving_export.py): when the plane is down it is brought up for the export and stopped again afterwards.
# LAKEMESH_SERVING_PLAN names another plan (default: the plane's, .local/plane/plan/dev); LAKEMESH_SERVING_EXPORT
# another output folder. Uses the plane's Spark: run it under the machine's Spark lock where several people share one.
source "$(dirname "$0")/_lib.sh"
set -eu
[[ -d "$LAKEMESH_PLANE/warehouse" ]] || lm_die "no local data plane at $LAKEMESH_PLANE; run npm run local:demo first"
plan="${LAKEMESH_SERVING_PLAN:-$LAKEMESH_PLANE/plan/dev}"
[[ -f "$plan/plan.json" ]] || lm_die "no plan at $plan; run npm run local:demo first"
out="${LAKEMESH_SERVING_EXPORT:-$LAKEMESH_LOCAL/serving/parquet}"
"$LAKEMESH_ROOT/scripts/local/status.sh" --quiet || lm_plane_for_this_script
"$LAKEMESH_VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/serving_export.py" --plan "$plan" --out "$out"
