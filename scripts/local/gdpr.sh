#!/usr/bin/env bash
# A GDPR job against the local data plane, run as Databricks runs it:
#   scripts/local/gdpr.sh <subject_access|erasure> --record --request-id <uuid> [--export-root DIR] [--vacuum-retain-hours N]
#       < {"type": "access"|"erasure", "tenant": "...", "subject": "..."}
#   scripts/local/gdpr.sh retention [--vacuum-retain-hours N]
# --record files the request (JSON on stdin, never argv) in the local request inbox with bound parameters; the job then
# runs with the request id as its only parameter and reads the request from the inbox, its settings from the local
# plane's settings file (scripts/local/gdpr_request.py writes it: --export-root and --vacuum-retain-hours go there).
# The checkout's engine runs notebooks/gdpr/<job>.py in a session of its own, with the local salt (scripts/local/mesh.py
# hashes subjects with the same). `lakemesh gdpr request` calls it. Exit status and output are the job's: its result
# (JSON) on stdout, "refused: ..." on stderr and exit 2 for a bad input, 1 for any other failure.
source "$(dirname "$0")/_lib.sh"
set -eu
job="${1:-}"
case "$job" in
  subject_access | erasure | retention) shift ;;
  *) lm_die "usage: gdpr.sh <subject_access|erasure|retention> [--record] [--request-id ID] [--export-root DIR] [--vacuum-retain-hours N]" ;;
esac
# Retention hashes no subject and runs without the salt; Databricks reads it from a secret scope.
[[ "$job" == retention ]] || export LAKEMESH_SUBJECT_SALT="${LAKEMESH_SUBJECT_SALT:-local-subject-salt}"
[[ -x "$LAKEMESH_VENV/bin/python" ]] || lm_die "no local data plane in $LAKEMESH_LOCAL; run npm run local:up first"
exec "$LAKEMESH_VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/gdpr_request.py" "$job" "$@"
