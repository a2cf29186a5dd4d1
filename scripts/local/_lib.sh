# shellcheck shell=bash
# Shared helpers for scripts/local/*.sh. Source it; do not run it.
#
# Everything at run time lives under $LAKEMESH_LOCAL (default <repo>/.local, git-ignored):
#   venv/            Python venv from requirements/pipeline.txt            (venv.sh)
#   spark/jars/      Delta + Kafka-connector jars for Spark, minus Spark's own (jars.sh)
#   kafka/lib/       Kafka broker classpath from local/kafka/pom.xml          (kafka.sh)
#   kafka/data/      KRaft metadata + topic data      kafka/logs/ broker logs
#   plane/           the engine's data: warehouse/, metastore_db/, pipelines/ (specs, checkpoints), plan/, samples/
#   run/             what runs where: kafka.pid, kafka.bootstrap, kafka.ports (broker); engine.json (pids and
#                    ports), engine.token (0600), engine.log (engine.py). Pids are the only handles used to stop.

set -o pipefail

LAKEMESH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAKEMESH_LOCAL="${LAKEMESH_LOCAL:-$LAKEMESH_ROOT/.local}"
LAKEMESH_VENV="$LAKEMESH_LOCAL/venv"
LAKEMESH_RUN="$LAKEMESH_LOCAL/run"
LAKEMESH_PLANE="$LAKEMESH_LOCAL/plane"
export LAKEMESH_ROOT LAKEMESH_LOCAL LAKEMESH_VENV LAKEMESH_RUN LAKEMESH_PLANE
# Bytecode of pipeline code / helpers goes under .local/, not next to the sources.
export PYTHONPYCACHEPREFIX="${PYTHONPYCACHEPREFIX:-$LAKEMESH_LOCAL/pycache}"

lm_log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
lm_die() { printf '[%s] ERROR: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# Wall-clock seconds with millisecond resolution (for timings printed by the scripts).
lm_now() { date +%s.%N; }
lm_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

lm_sha() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

lm_need() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || lm_die "'$c' not found on PATH"; done
}

lm_need_java17() {
  lm_need java
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | awk -F= '/java.specification.version/ { gsub(/ /, "", $2); print $2 }')"
  [[ "${v%%.*}" =~ ^[0-9]+$ ]] || lm_die "cannot tell the Java version (java.specification.version='$v')"
  (( ${v%%.*} >= 17 )) || lm_die "Java 17+ is required (Kafka 4.x and Spark 4.x); found $v"
}

# Is TCP port $2 on host $1 accepting connections? (bash /dev/tcp; no nc needed)
lm_port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# N free TCP ports on 127.0.0.1, space-separated (the kernel's choice: bind port 0, read it, close; all held
# open together, so they differ). Another process may take one before it is used: callers retry on a bind error.
lm_free_ports() {
  "${LAKEMESH_PYTHON:-python3}" -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()' "$1"
}

# Is pid $1 alive and does its command line contain the literal text $2?
# Guards every kill against a stale pid file whose pid was reused by another process.
lm_pid_matches() {
  local pid="$1" text="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -Fq -- "$text"
}

# Maven: batch mode, no colour/progress noise. Local repo is the usual ~/.m2 unless
# LAKEMESH_M2_REPO is set (e.g. to measure a cold resolve, or to keep it inside .local/).
lm_mvn() {
  lm_need mvn
  local extra=()
  [[ -n "${LAKEMESH_M2_REPO:-}" ]] && extra+=("-Dmaven.repo.local=$LAKEMESH_M2_REPO")
  [[ -n "${LAKEMESH_MVN_OFFLINE:-}" ]] && extra+=("-o")
  mvn -B -q -ntp -Dstyle.color=never "${extra[@]}" "$@"
}

# Compile the TypeScript (npm run build) only when dist/ is stale: a build takes 10-30 s on a busy 2-core machine,
# which a warm demo cannot afford each time. The build stamp decides (lib/build-stamp.ts staleReasons): a compiled
# source edited or deleted, a new source tsconfig.build.json includes, or a changed package.json or tsconfig.
lm_build_if_stale() {
  local why
  why="$(cd "$LAKEMESH_ROOT" && node scripts/build-stamp.js --check)" && return 0
  lm_log "building (${why:-dist/ is stale})"
  (cd "$LAKEMESH_ROOT" && npm run --silent build) >&2 || lm_die "npm run build failed"
}

# The dev stack's offline plan for the plane, in $LAKEMESH_PLANE/plan/dev (printed). Planned again only when its
# inputs changed: the manifests, the stack files, the SQL templates or the compiled code.
lm_plan() {
  local out="$LAKEMESH_PLANE/plan" want
  want="$(cd "$LAKEMESH_ROOT" && { find domains sql Pulumi.yaml Pulumi.dev*.yaml -type f -print0 | sort -z | xargs -0 sha256sum
    find dist -name '*.js' -printf '%T@\n' | sort -n | tail -1; } | sha256sum | cut -c1-16)"
  if [[ ! -f "$out/dev/plan.json" || "$(cat "$out/.inputs" 2>/dev/null)" != "$want" ]]; then
    local t0; t0="$(lm_now)"
    rm -rf "$out"
    node "$LAKEMESH_ROOT/bin/lakemesh.js" plan --stack dev --quiet --out "$out" >/dev/null || lm_die "lakemesh plan --stack dev failed"
    echo "$want" >"$out/.inputs"
    lm_log "planned the dev stack in $(lm_since "$t0") s -> $out/dev"
  fi
  echo "$out/dev"
}

# Bring the plane up unless it is up (up.sh), and stop, when this script exits, only what was started here: CI gets
# a clean machine back; a broker or engine someone else started keeps running, warm.
lm_plane_for_this_script() {
  LM_KAFKA_STARTED=0
  LM_ENGINE_STARTED=0
  "$LAKEMESH_ROOT/scripts/local/kafka.sh" status >/dev/null 2>&1 || LM_KAFKA_STARTED=1
  "$LAKEMESH_VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/engine.py" status >/dev/null 2>&1 || LM_ENGINE_STARTED=1
  trap lm_stop_what_this_script_started EXIT
  "$LAKEMESH_ROOT/scripts/local/up.sh" >&2
}

lm_stop_what_this_script_started() {
  if (( LM_ENGINE_STARTED )); then "$LAKEMESH_VENV/bin/python" "$LAKEMESH_ROOT/scripts/local/engine.py" stop || true; fi
  if (( LM_KAFKA_STARTED )); then "$LAKEMESH_ROOT/scripts/local/kafka.sh" down >/dev/null || true; fi
}
