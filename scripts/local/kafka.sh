#!/usr/bin/env bash
# Local single-node Apache Kafka 4.x broker (KRaft, broker+controller in one JVM) for tests.
#
#   scripts/local/kafka.sh up       start in the background, wait until it serves; idempotent
#   scripts/local/kafka.sh down     stop it (only by the pid in .local/run/kafka.pid); idempotent
#   scripts/local/kafka.sh status   exit 0 if running (prints pid + bootstrap), 3 if not
#   scripts/local/kafka.sh logs     last lines of the broker logs
#   scripts/local/kafka.sh reset    down, then delete the data dir (topics, offsets, cluster id)
#   scripts/local/kafka.sh jars     only resolve the broker classpath into .local/kafka/lib
#
# Environment:
#   LAKEMESH_KAFKA_PORT             PLAINTEXT listener port      (default: chosen free at start)
#   LAKEMESH_KAFKA_CONTROLLER_PORT  KRaft controller port        (default: chosen free at start)
#   LAKEMESH_KAFKA_HEAP             JVM heap (-Xmx)              (default 512m)
#   LAKEMESH_KAFKA_START_TIMEOUT    seconds to wait for up      (default 60)
#   LAKEMESH_KAFKA_STOP_TIMEOUT     seconds before kill -9      (default 30)
#   LAKEMESH_LOCAL                  runtime root                 (default <repo>/.local)
#   LAKEMESH_KAFKA_SECURE           1: SASL/SCRAM-SHA-512 + StandardAuthorizer (local/kafka/secure.properties.template),
#                                   own data dir, config and pid file; admin user "admin", its password generated once
#                                   into .local/kafka/secure-admin.password (mode 600)  (default 0: PLAINTEXT, no ACLs)
# `up` and `status` print the bootstrap address (127.0.0.1:PORT) on stdout; it is also in
# .local/run/kafka.bootstrap, and both ports are in .local/run/kafka.ports. Without the two variables the ports
# of the last start are taken again when they are free, else two free ones (the kernel's choice), so checkouts
# side by side never collide; a start that loses a port to another process in between tries new ones (3 times).
# Both listeners bind 127.0.0.1 only.
# shellcheck source=scripts/local/_lib.sh
source "$(dirname "$0")/_lib.sh"
set -eu

PORT="${LAKEMESH_KAFKA_PORT:-}"
CPORT="${LAKEMESH_KAFKA_CONTROLLER_PORT:-}"
HEAP="${LAKEMESH_KAFKA_HEAP:-512m}"
START_TIMEOUT="${LAKEMESH_KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT="${LAKEMESH_KAFKA_STOP_TIMEOUT:-30}"
HOST=127.0.0.1

POM="$LAKEMESH_ROOT/local/kafka/pom.xml"
TEMPLATE="$LAKEMESH_ROOT/local/kafka/server.properties.template"
LOG4J="$LAKEMESH_ROOT/local/kafka/log4j2.properties"
KDIR="$LAKEMESH_LOCAL/kafka"
LIB="$KDIR/lib"
DATA="$KDIR/data"
LOGS="$KDIR/logs"
CONF="$KDIR/server.properties"
PIDFILE="$LAKEMESH_RUN/kafka.pid"
BOOTFILE="$LAKEMESH_RUN/kafka.bootstrap"
PORTSFILE="$LAKEMESH_RUN/kafka.ports"
SECURE="${LAKEMESH_KAFKA_SECURE:-0}"
if [[ "$SECURE" == 1 ]]; then
  DATA="$KDIR/data-secure"; CONF="$KDIR/server-secure.properties"
  PIDFILE="$LAKEMESH_RUN/kafka-secure.pid"; BOOTFILE="$LAKEMESH_RUN/kafka-secure.bootstrap"; PORTSFILE="$LAKEMESH_RUN/kafka-secure.ports"
  ADMIN_PASSWORD_FILE="$KDIR/secure-admin.password"
fi
# What a pid must look like to be "our" broker (guards against pid reuse).
PID_MARK="kafka.Kafka $CONF"

FIXED_PORTS=0
if [[ -n "$PORT$CPORT" ]]; then
  [[ "$PORT" =~ ^[0-9]+$ && "$CPORT" =~ ^[0-9]+$ && "$PORT" != "$CPORT" ]] \
    || lm_die "LAKEMESH_KAFKA_PORT ($PORT) and LAKEMESH_KAFKA_CONTROLLER_PORT ($CPORT) must both be set, to two different numbers"
  FIXED_PORTS=1
fi

# PORT and CPORT for this start: the fixed ones, the last start's when both are free, else two free ones.
choose_ports() {
  local attempt="$1" p c
  (( FIXED_PORTS )) && return 0
  if (( attempt == 1 )) && read -r p c 2>/dev/null <"$PORTSFILE" && [[ "$p" =~ ^[0-9]+$ && "$c" =~ ^[0-9]+$ ]] \
     && ! lm_port_open "$HOST" "$p" && ! lm_port_open "$HOST" "$c"; then
    PORT="$p"; CPORT="$c"
    return 0
  fi
  read -r PORT CPORT < <(lm_free_ports 2) || lm_die "could not find free ports on $HOST"
}

running_pid() {
  local pid
  [[ -f "$PIDFILE" ]] || return 1
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if lm_pid_matches "$pid" "$PID_MARK"; then echo "$pid"; return 0; fi
  return 1
}

show_logs() {
  local n="${1:-40}"
  if [[ -f "$LOGS/server.log" ]]; then
    echo "---- last $n lines of $LOGS/server.log ----" >&2
    tail -n "$n" "$LOGS/server.log" >&2
  fi
  if [[ -s "$LOGS/stdout.log" ]]; then
    echo "---- last $n lines of $LOGS/stdout.log ----" >&2
    tail -n "$n" "$LOGS/stdout.log" >&2
  fi
}

ensure_jars() {
  local stamp="$LIB/.lakemesh-stamp" want
  want="$(lm_sha "$POM")"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  local t0; t0="$(lm_now)"
  lm_log "resolving the Kafka broker classpath from local/kafka/pom.xml into $LIB"
  rm -rf "$LIB"; mkdir -p "$LIB"
  # Absolute outputDirectory: a relative one is resolved against the POM's folder.
  lm_mvn -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB" \
    || lm_die "Maven could not resolve $POM"
  compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null || lm_die "no kafka_2.13 jar in $LIB after resolve"
  echo "$want" >"$stamp"
  lm_log "Kafka jars ready in $(lm_since "$t0") s ($(find "$LIB" -name '*.jar' | wc -l) jars)"
}

render_conf() {
  mkdir -p "$KDIR" "$DATA" "$LOGS" "$LAKEMESH_RUN"
  sed -e "s#@PORT@#$PORT#g" -e "s#@CONTROLLER_PORT@#$CPORT#g" -e "s#@DATA_DIR@#$DATA#g" \
    "$TEMPLATE" >"$CONF.tmp"
  if [[ "$SECURE" == 1 ]]; then
    if [[ ! -s "$ADMIN_PASSWORD_FILE" ]]; then
      (umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$ADMIN_PASSWORD_FILE")
    fi
    (umask 077; sed -e "s#@PORT@#$PORT#g" -e "s#@CONTROLLER_PORT@#$CPORT#g" -e "s#@ADMIN_PASSWORD@#$(cat "$ADMIN_PASSWORD_FILE")#g" \
      "$LAKEMESH_ROOT/local/kafka/secure.properties.template" >>"$CONF.tmp")
  fi
  mv "$CONF.tmp" "$CONF"
}

# Own JVM, capped heap. ExitOnOutOfMemoryError: die loudly rather than limp along.
# An array, so that the classpath wildcard "$LIB/*" reaches java unexpanded.
JAVA_CMD=(java -Xms128m "-Xmx$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$LOG4J" "-Dkafka.logs.dir=$LOGS"
  -cp "$LIB/*")

format_storage() {
  # KRaft needs a formatted log dir (meta.properties + bootstrap checkpoint). Once only.
  if [[ -f "$DATA/meta.properties" ]]; then return 0; fi
  local id
  id="$("${JAVA_CMD[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOGS/format.log")" \
    || { cat "$LOGS/format.log" >&2; lm_die "StorageTool random-uuid failed"; }
  lm_log "formatting $DATA (cluster id $id)"
  # No --standalone: the static controller.quorum.voters in server.properties defines the quorum.
  local scram=()
  [[ "$SECURE" == 1 ]] && scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=$(cat "$ADMIN_PASSWORD_FILE")]")
  "${JAVA_CMD[@]}" kafka.tools.StorageTool format --ignore-formatted -t "$id" -c "$CONF" "${scram[@]}" \
    >>"$LOGS/format.log" 2>&1 \
    || { tail -n 30 "$LOGS/format.log" >&2; lm_die "StorageTool format failed"; }
}

wait_ready() {
  # 1) the JVM must stay alive, 2) the PLAINTEXT port must accept connections, 3) the broker
  # must answer a real request: describe_cluster through the venv's AdminClient if the venv
  # exists, else the "Kafka Server started" line in server.log.
  local pid="$1" log_offset="$2" deadline=$((SECONDS + START_TIMEOUT))
  local py="$LAKEMESH_VENV/bin/python" have_admin=0
  [[ -x "$py" ]] && "$py" -c 'import confluent_kafka' 2>/dev/null && have_admin=1
  if [[ "$SECURE" == 1 ]]; then
    export LAKEMESH_KAFKA_SASL_USERNAME=admin LAKEMESH_KAFKA_SASL_PASSWORD; LAKEMESH_KAFKA_SASL_PASSWORD="$(cat "$ADMIN_PASSWORD_FILE")"
  fi
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE" "$BOOTFILE"
      if grep -q "Address already in use" "$LOGS/stdout.log" "$LOGS/server.log" 2>/dev/null && (( ! FIXED_PORTS )); then
        lm_log "the broker lost port $PORT or $CPORT to another process; trying other ports"
        return 2
      fi
      lm_log "ERROR: the broker JVM (pid $pid) exited during start-up"
      show_logs 60
      exit 1
    fi
    if lm_port_open "$HOST" "$PORT"; then
      if (( have_admin )); then
        if "$py" "$LAKEMESH_ROOT/scripts/local/kafka_admin.py" --bootstrap "$HOST:$PORT" \
             wait --timeout "$((deadline - SECONDS > 0 ? deadline - SECONDS : 1))" >&2; then
          return 0
        fi
      elif tail -c +"$((log_offset + 1))" "$LOGS/server.log" 2>/dev/null | grep -q "Kafka Server started"; then
        return 0
      fi
    fi
    sleep 0.5
  done
  lm_log "ERROR: Kafka did not come up on $HOST:$PORT within ${START_TIMEOUT}s (pid $pid); stopping it"
  show_logs 60
  stop_pid "$pid"
  exit 1
}

stop_pid() {
  local pid="$1" deadline=$((SECONDS + STOP_TIMEOUT))
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.3; done
  if kill -0 "$pid" 2>/dev/null; then
    lm_log "pid $pid still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PIDFILE" "$BOOTFILE"
}

cmd_up() {
  local pid
  if pid="$(running_pid)"; then
    local boot; boot="$(cat "$BOOTFILE" 2>/dev/null || echo "?")"
    lm_log "Kafka is already running (pid $pid, bootstrap $boot)"
    if (( FIXED_PORTS )) && [[ "$boot" != "$HOST:$PORT" ]]; then
      lm_log "WARNING: it listens on $boot, not the requested $HOST:$PORT"
    fi
    echo "$boot"
    return 0
  fi
  if [[ -f "$PIDFILE" ]]; then
    lm_log "removing stale pid file ($(cat "$PIDFILE" 2>/dev/null)) : no broker with that pid"
    rm -f "$PIDFILE" "$BOOTFILE"
  fi
  lm_need_java17
  ensure_jars
  local attempt rc=2
  for attempt in 1 2 3; do
    choose_ports "$attempt"
    local p
    for p in "$PORT" "$CPORT"; do
      if lm_port_open "$HOST" "$p"; then
        lm_die "port $HOST:$p is already in use by another process (not a broker started by this script); unset LAKEMESH_KAFKA_PORT / LAKEMESH_KAFKA_CONTROLLER_PORT to have free ones chosen"
      fi
    done
    start_broker && rc=0 || rc=$?
    (( rc == 2 )) || break
  done
  (( rc == 0 )) || lm_die "Kafka did not start"
}

start_broker() {
  local pid
  render_conf
  format_storage

  local t0 offset
  t0="$(lm_now)"
  offset="$(stat -c %s "$LOGS/server.log" 2>/dev/null || echo 0)"
  [[ -f "$LOGS/stdout.log" ]] && mv -f "$LOGS/stdout.log" "$LOGS/stdout.log.1"
  # Start detached in its own session (not killed with the caller's process group, no
  # controlling tty); python's Popen gives us the JVM's exact pid, unlike `setsid cmd &`,
  # which forks when the caller is a process-group leader.
  pid="$("${LAKEMESH_PYTHON:-python3}" - "$LOGS/stdout.log" "${JAVA_CMD[@]}" kafka.Kafka "$CONF" <<'EOF'
import subprocess, sys
log = open(sys.argv[1], "ab")
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                     start_new_session=True, close_fds=True)
print(p.pid)
EOF
)" || lm_die "could not launch java"
  echo "$pid" >"$PIDFILE"
  lm_log "started broker pid $pid (heap $HEAP), waiting for $HOST:$PORT (timeout ${START_TIMEOUT}s)"
  wait_ready "$pid" "$offset" || return $?
  echo "$HOST:$PORT" >"$BOOTFILE"
  echo "$PORT $CPORT" >"$PORTSFILE"
  lm_log "Kafka up on $HOST:$PORT (controller $HOST:$CPORT) in $(lm_since "$t0") s; data $DATA"
  echo "$HOST:$PORT"
}

cmd_down() {
  local pid
  if ! pid="$(running_pid)"; then
    if [[ -f "$PIDFILE" ]]; then
      lm_log "pid file $(cat "$PIDFILE" 2>/dev/null) is stale (no broker with that pid); removing it"
      rm -f "$PIDFILE" "$BOOTFILE"
    else
      lm_log "Kafka is not running"
    fi
    return 0
  fi
  local t0; t0="$(lm_now)"
  stop_pid "$pid"
  lm_log "Kafka (pid $pid) stopped in $(lm_since "$t0") s"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    local ports; ports="$(cat "$PORTSFILE" 2>/dev/null || echo "? ?")"
    echo "running pid=$pid bootstrap=$(cat "$BOOTFILE" 2>/dev/null || echo "starting?") controller=$HOST:${ports#* }"
    return 0
  fi
  echo "not running"
  return 3
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) show_logs "${2:-80}" ;;
  reset) cmd_down; rm -rf "$DATA"; lm_log "deleted $DATA" ;;
  jars) ensure_jars ;;
  *) echo "usage: $0 up|down|status|logs [N]|reset|jars" >&2; exit 2 ;;
esac
