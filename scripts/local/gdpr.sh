#!/usr/bin/env bash
# A GDPR job against the local data plane: scripts/local/gdpr.sh <subject_access|erasure|retention> [--name value ...]
# (the job's parameters, kebab-case). Runs notebooks/gdpr/<job>.py in the project venv with the local salt, on
# the demo warehouse unless LAKEMESH_WAREHOUSE/LAKEMESH_METASTORE say otherwise. `lakemesh gdpr request` calls it.
source "$(dirname "$0")/_lib.sh"
set -eu
job="${1:-}"
case "$job" in
  subject_access | erasure | retention) shift ;;
  *) lm_die "usage: gdpr.sh <subject_access|erasure|retention> [--name value ...]" ;;
esac
export LAKEMESH_WAREHOUSE="${LAKEMESH_WAREHOUSE:-$LAKEMESH_LOCAL/demo/warehouse}"
export LAKEMESH_METASTORE="${LAKEMESH_METASTORE:-$LAKEMESH_LOCAL/demo/metastore_db}"
# The salt the local pipelines hash subjects with (scripts/local/mesh.py); Databricks reads it from a secret scope.
# Retention hashes no subject and runs without it.
[[ "$job" == retention ]] || export LAKEMESH_SUBJECT_SALT="${LAKEMESH_SUBJECT_SALT:-local-subject-salt}"
[[ -d "$LAKEMESH_METASTORE" ]] || lm_die "no local data plane at $LAKEMESH_METASTORE; run npm run local:up first"
VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
"$LAKEMESH_ROOT/scripts/local/jars.sh" >/dev/null
exec "$VENV/bin/python" "$LAKEMESH_ROOT/notebooks/gdpr/$job.py" "$@"
