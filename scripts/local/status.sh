#!/usr/bin/env bash
# npm run local:status [-- --json | --quiet]: what of the checkout's local plane runs where (scripts/local/status.py).
# Exit 0 when the broker and the engine both run (the engine on the current code), 3 otherwise.
source "$(dirname "$0")/_lib.sh"
exec "${LAKEMESH_PYTHON:-python3}" "$LAKEMESH_ROOT/scripts/local/status.py" "$@"
