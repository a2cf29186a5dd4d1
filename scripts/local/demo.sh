#!/usr/bin/env bash
# npm run local:demo [-- <domain>]: one domain end to end on the local data plane. Sample events for two tenants
# (plus malformed, tenant-less and wrong-tenant ones) go to its Kafka topics, its pipeline runs, and the row
# counts per layer and tenant are printed.
source "$(dirname "$0")/_lib.sh"
set -eu
# The demo has its own warehouse and metastore: tests and experiments elsewhere under .local/ do not mix in.
export LAKEMESH_WAREHOUSE="${LAKEMESH_WAREHOUSE:-$LAKEMESH_LOCAL/demo/warehouse}"
export LAKEMESH_METASTORE="${LAKEMESH_METASTORE:-$LAKEMESH_LOCAL/demo/metastore_db}"
domain="${1:-core-business}"
"$LAKEMESH_ROOT/scripts/local/up.sh"
PY="$LAKEMESH_VENV/bin/python"
plan="$LAKEMESH_LOCAL/demo/plan/dev"
events="$LAKEMESH_LOCAL/demo/events-$(date +%s)"
node "$LAKEMESH_ROOT/bin/lakemesh.js" sample --domain "$domain" --tenants 2 --volume 50 --malformed 3 --missing-tenant 2 --wrong-tenant 1 --seed "$RANDOM" --out "$events" >&2
"$PY" "$LAKEMESH_ROOT/scripts/local/mesh.py" produce --events "$events"
t0="$(lm_now)"
log="$LAKEMESH_LOCAL/demo/run-$domain.log"
if ! "$PY" "$LAKEMESH_ROOT/scripts/local/mesh.py" run --plan "$plan" --domains "$domain" --name "lakemesh_demo_$(echo "$domain" | tr - _)" >"$log" 2>&1; then
  tail -40 "$log" >&2
  lm_die "the pipeline run failed; full log: $log"
fi
lm_log "pipeline of $domain ran in $(lm_since "$t0") s; row counts per layer and tenant (all runs so far):"
"$PY" "$LAKEMESH_ROOT/scripts/local/mesh.py" counts --plan "$plan" --domains "$domain" 2>/dev/null | "$PY" -c '
import json, sys
for table, c in json.load(sys.stdin).items():
    tenants = ", ".join(f"{t}: {n}" for t, n in c["by_tenant"].items()) or "shared by all tenants"
    print(f"{c['"'"'layer'"'"']:7} {table:60} {c['"'"'rows'"'"']:6}  ({tenants})")'
scan="$LAKEMESH_LOCAL/demo/scan-$domain.json"
"$PY" "$LAKEMESH_ROOT/scripts/local/mesh.py" scan --plan "$plan" --domains "$domain" >"$scan" 2>>"$log" || lm_die "the personal-value scan failed; log: $log"
if [ "$(tr -d ' \n' <"$scan")" = "[]" ]; then
  lm_log "no column outside the personal ones holds values that look personal"
else
  lm_log "columns not marked personal whose values look personal ($scan):"
  cat "$scan" >&2
fi
