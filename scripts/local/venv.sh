#!/usr/bin/env bash
# Create/refresh the pipeline venv (.local/venv) from requirements/pipeline.txt.
#
#   scripts/local/venv.sh              create or update; near-instant when already up to date
#   scripts/local/venv.sh --force      rebuild from scratch
#   scripts/local/venv.sh --recompile  re-resolve requirements/pipeline.in in a throw-away
#                                      venv and rewrite requirements/pipeline.txt (needs PyPI)
#
# Prints the venv path on stdout (everything else goes to stderr), so callers can do
#   PY="$(scripts/local/venv.sh)/bin/python"
#
# Up-to-date check: a stamp file holds the hash of pipeline.txt + the interpreter version; if
# it matches, nothing is run. pyspark is an sdist (~450 MB download, built into a wheel once);
# pip's wheel cache (~/.cache/pip) makes later rebuilds much faster.
# shellcheck source=scripts/local/_lib.sh
source "$(dirname "$0")/_lib.sh"
set -eu

PYTHON="${LAKEMESH_PYTHON:-python3}"
REQ_IN="$LAKEMESH_ROOT/requirements/pipeline.in"
REQ_TXT="$LAKEMESH_ROOT/requirements/pipeline.txt"
STAMP="$LAKEMESH_VENV/.lakemesh-stamp"

lm_need "$PYTHON"
PYVER="$("$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version; print(sys.version.split()[0])')" \
  || lm_die "Python >= 3.11 required (the pinned numpy and pyspark 4.2); set LAKEMESH_PYTHON"

mode="${1:-}"
case "$mode" in
  ""|--force|--recompile) ;;
  *) lm_die "usage: $0 [--force|--recompile]" ;;
esac

if [[ "$mode" == "--recompile" ]]; then
  tmp="$LAKEMESH_LOCAL/venv-compile"
  rm -rf "$tmp"
  lm_log "resolving $REQ_IN in a clean venv ($tmp)"
  "$PYTHON" -m venv "$tmp"
  "$tmp/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ_IN"
  {
    echo "# Fully pinned set for .local/venv (CPython $("$tmp/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])'), linux x86_64). pyspark is an sdist (~450 MB)"
    echo "# that pip builds once and then keeps in its wheel cache."
    echo "# Generated from requirements/pipeline.in (pip install -r pipeline.in in a clean venv; pip freeze)."
    echo "# Regenerate with: scripts/local/venv.sh --recompile"
    "$tmp/bin/python" -m pip freeze --disable-pip-version-check
  } >"$REQ_TXT.tmp"
  mv "$REQ_TXT.tmp" "$REQ_TXT"
  rm -rf "$tmp"
  lm_log "wrote $REQ_TXT"
  mode=--force
fi

want="$(lm_sha "$REQ_TXT")-$PYVER"
if [[ "$mode" != "--force" && -x "$LAKEMESH_VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "$LAKEMESH_VENV"
  exit 0
fi

t0="$(lm_now)"
if [[ "$mode" == "--force" || ! -x "$LAKEMESH_VENV/bin/python" ]]; then
  rm -rf "$LAKEMESH_VENV"
  lm_log "creating $LAKEMESH_VENV"
  "$PYTHON" -m venv "$LAKEMESH_VENV" \
    || lm_die "python -m venv failed (Debian: apt-get install python3-venv)"
fi
rm -f "$STAMP"
lm_log "installing requirements/pipeline.txt (first time: pyspark sdist ~450 MB, takes a few minutes)"
# --no-deps would be stricter, but plain install also proves pipeline.txt is closed under
# dependencies: pip check below fails if anything is missing or conflicting.
"$LAKEMESH_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ_TXT"
"$LAKEMESH_VENV/bin/python" -m pip check --disable-pip-version-check >&2 \
  || lm_die "pip check failed: requirements/pipeline.txt is inconsistent"
"$LAKEMESH_VENV/bin/python" - <<'EOF' >&2 || lm_die "venv import check failed"
import pyspark, delta, confluent_kafka, sqlglot, yaml, grpc, pyarrow
from pyspark import pipelines  # needs the [pipelines] extra (grpc, pyyaml, ...)
print(f"pyspark {pyspark.__version__}, confluent-kafka {confluent_kafka.__version__} "
      f"(librdkafka {confluent_kafka.libversion()[0]}), sqlglot {sqlglot.__version__}")
EOF
echo "$want" >"$STAMP"
lm_log "venv ready in $(lm_since "$t0") s"
echo "$LAKEMESH_VENV"
