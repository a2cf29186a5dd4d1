#!/usr/bin/env bash
# npm run local:up: the checkout's local data plane, started once and then reused by every demo, test, pipeline run
# and GDPR request: the venv and Spark jars, Kafka (KRaft) and the engine (one long-lived Spark driver that also
# serves Spark Connect; scripts/local/engine.py), each on free 127.0.0.1 ports; the dev stack's offline plan; its
# schemas, governance tables and GDPR registry; the sample tenants tenant-01 and tenant-02; every topic it declares.
# Idempotent, and a few seconds when everything is up already. If it fails, it stops what it started (by pid).
# What runs where: npm run local:status. Stop it all: npm run local:down.
source "$(dirname "$0")/_lib.sh"
set -eu
VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
PY="$VENV/bin/python"
"$LAKEMESH_ROOT/scripts/local/jars.sh" >/dev/null
lm_build_if_stale
t0="$(lm_now)"

kafka_started=0
engine_started=0
on_exit() {
  local rc=$?
  if (( rc != 0 )); then
    lm_log "failed; stopping what this run started"
    if (( engine_started )); then "$PY" "$LAKEMESH_ROOT/scripts/local/engine.py" stop || true; fi
    if (( kafka_started )); then "$LAKEMESH_ROOT/scripts/local/kafka.sh" down >/dev/null || true; fi
  fi
}
trap on_exit EXIT

if ! "$LAKEMESH_ROOT/scripts/local/kafka.sh" status >/dev/null 2>&1; then
  kafka_started=1
  "$LAKEMESH_ROOT/scripts/local/kafka.sh" up >/dev/null
fi
# Starts it, or restarts it when its code changed since it started; a no-op when it runs current code.
"$PY" "$LAKEMESH_ROOT/scripts/local/engine.py" status >/dev/null 2>&1 || engine_started=1
"$PY" "$LAKEMESH_ROOT/scripts/local/engine.py" start >/dev/null
plan="$(lm_plan)"
# Every planned domain, at whatever depth the stack's workspace root puts them (as mesh.contracts finds them).
domains="$(cd "$plan" && find workspace -path '*/domains/*/contract.json' -printf '%h\n' | xargs -n1 basename | sort | paste -sd, -)"
[[ -n "$domains" ]] || lm_die "no domain contracts in $plan/workspace"
"$PY" "$LAKEMESH_ROOT/scripts/local/mesh.py" prepare --plan "$plan" --tenants tenant-01,tenant-02
"$PY" "$LAKEMESH_ROOT/scripts/local/mesh.py" topics --plan "$plan" --domains "$domains" 2>/dev/null
engine="$("$PY" -c 'import json, sys; s = json.load(open(sys.argv[1])); print("spark connect 127.0.0.1:%s (pid %s)" % (s["spark_port"], s["pid"]))' "$LAKEMESH_RUN/engine.json")"
lm_log "local data plane up in $(lm_since "$t0") s: Kafka $(cat "$LAKEMESH_RUN/kafka.bootstrap"), engine $engine, plan $plan"
