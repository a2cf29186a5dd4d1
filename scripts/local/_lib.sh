# shellcheck shell=bash
# Shared helpers for scripts/local/*.sh. Source it; do not run it.
#
# Everything at run time lives under $LAKEMESH_LOCAL (default <repo>/.local, git-ignored):
#   venv/            Python venv from requirements/pipeline.txt            (venv.sh)
#   spark/jars/      Delta + Kafka-connector jars for Spark, minus Spark's own (jars.sh)
#   kafka/lib/       Kafka broker classpath from local/kafka/pom.xml          (kafka.sh)
#   kafka/data/      KRaft metadata + topic data      kafka/logs/ broker logs
#   run/kafka.pid    pid of the broker JVM (the only handle used to stop it)

set -o pipefail

LAKEMESH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAKEMESH_LOCAL="${LAKEMESH_LOCAL:-$LAKEMESH_ROOT/.local}"
LAKEMESH_VENV="$LAKEMESH_LOCAL/venv"
LAKEMESH_RUN="$LAKEMESH_LOCAL/run"
export LAKEMESH_ROOT LAKEMESH_LOCAL LAKEMESH_VENV LAKEMESH_RUN
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

# Start the local broker unless one is running, and stop it when this script exits only if it was started here
# (a broker someone else started keeps running).
lm_broker_for_this_script() {
  LM_BROKER_STARTED=0
  if ! "$LAKEMESH_ROOT/scripts/local/kafka.sh" status >/dev/null 2>&1; then
    "$LAKEMESH_ROOT/scripts/local/kafka.sh" up >/dev/null
    LM_BROKER_STARTED=1
  fi
  trap 'if (( LM_BROKER_STARTED )); then "$LAKEMESH_ROOT/scripts/local/kafka.sh" down >/dev/null || true; fi' EXIT
}
