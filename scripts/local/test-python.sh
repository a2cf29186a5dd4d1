#!/usr/bin/env bash
# The Python half of `npm test`: compile every Python file, then run test/python on the checkout's local plane (real
# Kafka broker, Spark with Delta in the engine, on 127.0.0.1). The plane is brought up when it is down, and then
# stopped again when the tests end, pass or fail (by pid); a plane that was already up stays up, warm. The tests
# reset the plane's data (tables, checkpoints, topics). Arguments go to pytest (-k, -m "not slow", a module...).
source "$(dirname "$0")/_lib.sh"
set -eu

VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
"$LAKEMESH_ROOT/scripts/local/jars.sh" >/dev/null
PY="$VENV/bin/python"

mapfile -t files < <(cd "$LAKEMESH_ROOT" && git ls-files '*.py' 2>/dev/null || find notebooks scripts test bench -name '*.py')
(cd "$LAKEMESH_ROOT" && "$PY" -m py_compile "${files[@]}")
lm_log "py_compile: ${#files[@]} files"

lm_plane_for_this_script
export LAKEMESH_TEST_PLAN
LAKEMESH_TEST_PLAN="$(lm_plan)"
cd "$LAKEMESH_ROOT/test/python"
t0="$(lm_now)"
set +e
"$PY" -m pytest -q --durations=15 "$@"
rc=$?
set -e
lm_log "pytest exited $rc after $(lm_since "$t0") s"
exit "$rc"
