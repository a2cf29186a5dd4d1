#!/usr/bin/env bash
# npm run local:demo [-- <domain> [--volume N] [--seed N]]: one domain end to end on the checkout's warm local plane,
# from a fresh plane too: brings the plane up if it is not (npm run local:up), runs the domains it reads from first
# (once), then sends its sample events to Kafka, runs its pipeline (incrementally) and prints the row counts per
# layer and tenant. Details: scripts/local/demo.py. The plane keeps running afterwards (npm run local:down stops it).
source "$(dirname "$0")/_lib.sh"
set -eu
domain="${1:-core-business}"
[[ "$domain" =~ ^[a-z][a-z0-9-]*$ ]] || lm_die "not a domain name: '$domain'"
if "$LAKEMESH_ROOT/scripts/local/status.sh" --quiet; then
  lm_build_if_stale  # a warm plane: only what may have changed since (code, plan; demo.py prepares and makes topics)
else
  "$LAKEMESH_ROOT/scripts/local/up.sh"
fi
exec "$LAKEMESH_VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/demo.py" --plan "$(lm_plan)" --domain "$domain" "${@:2}"
