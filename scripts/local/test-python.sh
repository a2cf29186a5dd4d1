#!/usr/bin/env bash
# The Python half of `npm test`: compile every Python file, then run test/python with a real Kafka broker and
# Spark with Delta on 127.0.0.1. Sets up what it needs (venv, jars, broker) and stops only the broker it started.
source "$(dirname "$0")/_lib.sh"
set -eu

VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
"$LAKEMESH_ROOT/scripts/local/jars.sh" >/dev/null
PY="$VENV/bin/python"

mapfile -t files < <(cd "$LAKEMESH_ROOT" && git ls-files '*.py' 2>/dev/null || find notebooks scripts test -name '*.py')
(cd "$LAKEMESH_ROOT" && "$PY" -m py_compile "${files[@]}")
lm_log "py_compile: ${#files[@]} files"

lm_broker_for_this_script

plan="$LAKEMESH_LOCAL/pytest/plan"
node "$LAKEMESH_ROOT/bin/lakemesh.js" plan --stack dev --quiet --out "$plan" >/dev/null
export LAKEMESH_TEST_PLAN="$plan/dev"
cd "$LAKEMESH_ROOT/test/python"
"$PY" -m pytest -q "$@"
