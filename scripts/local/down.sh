#!/usr/bin/env bash
# npm run local:down: stops the checkout's local data plane, the engine (its driver, JVM and pipeline worker) and the
# Kafka broker, each by the pid it recorded (never by name). Data stays under .local/. Idempotent.
source "$(dirname "$0")/_lib.sh"
set -u
rc=0
if [[ -x "$LAKEMESH_VENV/bin/python" ]]; then
  "$LAKEMESH_VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/engine.py" stop || rc=1
fi
"$LAKEMESH_ROOT/scripts/local/kafka.sh" down || rc=1
exit "$rc"
