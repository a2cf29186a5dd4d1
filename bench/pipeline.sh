#!/usr/bin/env bash
# npm run bench:pipeline [-- --events N --domain D]: bench/pipeline.py on the checkout's plane (brought up when it is
# down, and then stopped again). It resets the plane's data: do not run it beside npm test or npm run local:demo.
source "$(dirname "$0")/../scripts/local/_lib.sh"
set -eu
VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
lm_plane_for_this_script
"$VENV/bin/python" "$LAKEMESH_ROOT/bench/pipeline.py" --plan "$(lm_plan)" "$@"
