#!/usr/bin/env bash
# npm run local:up: the local data plane (venv, Spark jars, Kafka on 127.0.0.1), the dev stack's offline plan,
# its schemas, governance tables and GDPR registry, the sample tenants tenant-01 and tenant-02, and every topic it
# declares. Idempotent.
source "$(dirname "$0")/_lib.sh"
set -eu
# The demo has its own warehouse and metastore: tests and experiments elsewhere under .local/ do not mix in.
export LAKEMESH_WAREHOUSE="${LAKEMESH_WAREHOUSE:-$LAKEMESH_LOCAL/demo/warehouse}"
export LAKEMESH_METASTORE="${LAKEMESH_METASTORE:-$LAKEMESH_LOCAL/demo/metastore_db}"
VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
"$LAKEMESH_ROOT/scripts/local/jars.sh" >/dev/null
"$LAKEMESH_ROOT/scripts/local/kafka.sh" up >/dev/null
node "$LAKEMESH_ROOT/bin/lakemesh.js" plan --stack dev --quiet --out "$LAKEMESH_LOCAL/demo/plan" >&2
plan="$LAKEMESH_LOCAL/demo/plan/dev"
domains="$(cd "$plan" && ls -d workspace/*/*/*/domains/*/ | xargs -n1 basename | paste -sd, -)"
# Spark's start-up chatter goes to a log, shown only when prepare fails.
log="$LAKEMESH_LOCAL/demo/prepare.log"
"$VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/mesh.py" prepare --plan "$plan" --tenants tenant-01,tenant-02 2>"$log" \
  || { tail -n 40 "$log" >&2; lm_die "mesh.py prepare failed (whole log: $log)"; }
"$VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/mesh.py" topics --plan "$plan" --domains "$domains"
lm_log "local data plane up: Kafka $(cat "$LAKEMESH_RUN/kafka.bootstrap" 2>/dev/null || echo 127.0.0.1:9092), plan $plan"
