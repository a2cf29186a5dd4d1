#!/usr/bin/env bash
# npm run bench:pipeline [-- --events N --domain D]: bench/pipeline.py in the project venv, with a broker.
source "$(dirname "$0")/../scripts/local/_lib.sh"
set -eu
VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
"$LAKEMESH_ROOT/scripts/local/jars.sh" >/dev/null
lm_broker_for_this_script
"$VENV/bin/python" "$LAKEMESH_ROOT/bench/pipeline.py" "$@"
