#!/usr/bin/env bash
# A GDPR job against the local data plane: scripts/local/gdpr.sh <subject_access|erasure|retention> [--name value ...]
# (the job's parameters, kebab-case). The checkout's engine runs notebooks/gdpr/<job>.py in a session of its own,
# with the local salt (scripts/local/mesh.py hashes subjects with the same), so a request costs seconds, not a JVM.
# `lakemesh gdpr request` calls it. Exit status and output are the job's: its result (JSON) on stdout, "refused: ..."
# on stderr and exit 2 for a bad input, 1 for any other failure.
source "$(dirname "$0")/_lib.sh"
set -eu
job="${1:-}"
case "$job" in
  subject_access | erasure | retention) shift ;;
  *) lm_die "usage: gdpr.sh <subject_access|erasure|retention> [--name value ...]" ;;
esac
# Retention hashes no subject and runs without the salt; Databricks reads it from a secret scope.
[[ "$job" == retention ]] || export LAKEMESH_SUBJECT_SALT="${LAKEMESH_SUBJECT_SALT:-local-subject-salt}"
[[ -x "$LAKEMESH_VENV/bin/python" ]] || lm_die "no local data plane in $LAKEMESH_LOCAL; run npm run local:up first"
exec "$LAKEMESH_VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/gdpr_request.py" "$job" "$@"
