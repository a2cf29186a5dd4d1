#!/usr/bin/env bash
# Create/refresh the DataHub venv (.local/datahub-venv) from requirements/datahub.txt: DataHub's CLI and SDK,
# used to check the metadata files lakemesh writes (test/export/datahub.test.ts). About 30 s and 150 MB the
# first time; near-instant when up to date (a stamp holds the hash of datahub.txt and the interpreter version).
#
#   scripts/local/datahub-venv.sh              create or update
#   scripts/local/datahub-venv.sh --recompile  re-resolve requirements/datahub.in and rewrite datahub.txt (needs PyPI)
#
# Prints the venv path on stdout; everything else goes to stderr.
# shellcheck source=scripts/local/_lib.sh
source "$(dirname "$0")/_lib.sh"
set -eu

PYTHON="${LAKEMESH_PYTHON:-python3}"
VENV="$LAKEMESH_LOCAL/datahub-venv"
REQ_IN="$LAKEMESH_ROOT/requirements/datahub.in"
REQ_TXT="$LAKEMESH_ROOT/requirements/datahub.txt"
STAMP="$VENV/.lakemesh-stamp"

lm_need "$PYTHON"
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10), sys.version' || lm_die "Python >= 3.10 required by acryl-datahub; set LAKEMESH_PYTHON"

case "${1:-}" in
  "") ;;
  --recompile)
    tmp="$LAKEMESH_LOCAL/datahub-venv-compile"
    rm -rf "$tmp"
    "$PYTHON" -m venv "$tmp"
    "$tmp/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ_IN"
    {
      echo "# Fully pinned set for .local/datahub-venv (CPython $("$tmp/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])'), linux x86_64)."
      echo "# Generated from requirements/datahub.in (pip install -r datahub.in in a clean venv; pip freeze)."
      echo "# Regenerate with: scripts/local/datahub-venv.sh --recompile"
      "$tmp/bin/python" -m pip freeze --disable-pip-version-check
    } >"$REQ_TXT.tmp"
    mv "$REQ_TXT.tmp" "$REQ_TXT"
    rm -rf "$tmp"
    lm_log "wrote $REQ_TXT"
    ;;
  *) lm_die "usage: $0 [--recompile]" ;;
esac

want="$(lm_sha "$REQ_TXT")-$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
if [[ -x "$VENV/bin/datahub" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "$VENV"
  exit 0
fi
t0="$(lm_now)"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV" || lm_die "python -m venv failed (Debian: apt-get install python3-venv)"
lm_log "installing requirements/datahub.txt into $VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ_TXT"
"$VENV/bin/python" -m pip check --disable-pip-version-check >&2 || lm_die "pip check failed: requirements/datahub.txt is inconsistent"
DATAHUB_TELEMETRY_ENABLED=false "$VENV/bin/datahub" --version >&2 || lm_die "the datahub CLI does not start"
echo "$want" >"$STAMP"
lm_log "datahub venv ready in $(lm_since "$t0") s"
echo "$VENV"
