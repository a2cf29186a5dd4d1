#!/usr/bin/env bash
# npm run bench:plane: wall times of the local plane as a user meets it, each command timed whole (as typed):
#   local:up with the plane down (cold: JVMs, venv and jar checks, plan) and up (warm);
#   local:demo of a consumer domain from a fresh plane (its three producers first), then of a domain for the first
#   time on the warm plane, then again (incremental: only the new events), then the consumer again;
#   local:down.
# It resets the plane's data and stops the plane at the end if it was down at the start. Prints the load average:
# the numbers mean little on a machine other work keeps busy.
source "$(dirname "$0")/../scripts/local/_lib.sh"
set -eu
PY="$("$LAKEMESH_ROOT/scripts/local/venv.sh")/bin/python"
consumer="${1:-outcomes-performance}"
single="${2:-operational-activities}"
was_up=0
"$LAKEMESH_ROOT/scripts/local/status.sh" --quiet && was_up=1
log="$LAKEMESH_LOCAL/bench/plane.log"
mkdir -p "$(dirname "$log")"
: >"$log"
results=()
timed() {
  local label="$1" t0
  shift
  t0="$(lm_now)"
  "$@" >>"$log" 2>&1 || { tail -30 "$log" >&2; lm_die "$label failed (log $log)"; }
  results+=("$(printf '%-62s %7.1f s' "$label" "$(lm_since "$t0")")")
  echo "${results[-1]}" >&2
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
"$LAKEMESH_ROOT/scripts/local/down.sh" >>"$log" 2>&1
timed "local:up, plane down (cold)" "$LAKEMESH_ROOT/scripts/local/up.sh"
timed "local:up, plane up (warm)" "$LAKEMESH_ROOT/scripts/local/up.sh"
"$PY" "$LAKEMESH_ROOT/scripts/local/engine.py" call reset "{\"plan\": \"$(lm_plan)\", \"owner\": \"demo\"}" >>"$log" 2>&1
timed "local:demo $consumer, fresh plane (+3 producers)" "$LAKEMESH_ROOT/scripts/local/demo.sh" "$consumer"
timed "local:demo $single, first on the warm plane" "$LAKEMESH_ROOT/scripts/local/demo.sh" "$single"
timed "local:demo $single, again (incremental)" "$LAKEMESH_ROOT/scripts/local/demo.sh" "$single"
timed "local:demo $consumer, again (producers: nothing new)" "$LAKEMESH_ROOT/scripts/local/demo.sh" "$consumer"
if (( ! was_up )); then timed "local:down" "$LAKEMESH_ROOT/scripts/local/down.sh"; fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '%s\n' "${results[@]}"
