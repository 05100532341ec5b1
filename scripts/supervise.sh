#!/usr/bin/env bash
# Runs the platform's processes and keeps them running, in the foreground:
#   route-dns (the DNS responder Caddy routes by), ControlPlane, Reconciler: children, restarted when they exit;
#   Caddy and (PCLOUD_EMBEDDED_POSTGRES=1) the embedded Postgres: watched by pid, started again by their scripts.
# A restart waits 1 s, doubling to 30 s for a process that keeps failing, back to 1 s once it stayed up 60 s.
# State per process: $PCLOUD_DATA_DIR/run/supervise/<name>.state (read by the ControlPlane's /healthz).
# Logs: $PCLOUD_DATA_DIR/logs/<name>.log, rotated by size with dockerd.log, caddy.log and the embedded Postgres's
# postgres.log (start-up) and postgres/postgres.log (its log collector's one file).
# TERM/INT/HUP stops the children, Caddy and the embedded Postgres; Docker and the apps' containers keep running.
# A closed console (stderr on a pipe whose reader is gone) never ends it: SIGPIPE is ignored, the lines still go to its log.
# Needs PCLOUD_DATABASE_URL and the built dlls: run.sh provisions, builds, then runs this.
set -uo pipefail # no -e: a failed restart must never end the supervisor
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

BACKOFF_INITIAL=${PCLOUD_SUPERVISE_BACKOFF_INITIAL:-1}
BACKOFF_MAX=${PCLOUD_SUPERVISE_BACKOFF_MAX:-30}
STABLE_AFTER=${PCLOUD_SUPERVISE_STABLE_AFTER:-60}
LOG_MAX_BYTES=${PCLOUD_LOG_MAX_BYTES:-10485760}
LOG_KEEP=${PCLOUD_LOG_KEEP:-3}
STOP_DEADLINE_SECONDS=30
ROTATE_EVERY_SECONDS=5

CONTROLPLANE_DLL=${PCLOUD_CONTROLPLANE_DLL:-$PCLOUD_REPO_ROOT/src/ControlPlane/bin/Release/net10.0/PersonalCloud.ControlPlane.dll}
RECONCILER_DLL=${PCLOUD_RECONCILER_DLL:-$PCLOUD_REPO_ROOT/src/Reconciler/bin/Release/net10.0/PersonalCloud.Reconciler.dll}
STATE_DIR=$PCLOUD_DATA_DIR/run/supervise
LOG_DIR=$PCLOUD_DATA_DIR/logs
SUPERVISOR_LOG=$LOG_DIR/supervise.log
SUPERVISOR_PIDFILE=$PCLOUD_DATA_DIR/run/supervise.pid

# Started in this order, stopped in the reverse one: routing first and last, so apps answer as long as possible.
CHILDREN=(route-dns controlplane reconciler)
WATCHED=(caddy)
[[ ${PCLOUD_EMBEDDED_POSTGRES:-0} == 1 ]] && WATCHED=(postgres caddy)

declare -A PID=() STARTED=() DELAY=() NEXT=() RESTARTS=() LAST_EXIT=() SINCE=()
STOPPING=0

say() {
  local line
  line="[pcloud] $(date -u +%FT%TZ) supervise: $*"
  printf '%s\n' "$line" >&2 2>/dev/null
  printf '%s\n' "$line" >>"$SUPERVISOR_LOG"
}

now_utc() { date -u +%FT%TZ; }

# write_state NAME STATE [NEXT_START]: one small file, replaced atomically.
write_state() {
  local name=$1 state=$2 next=${3:-} file=$STATE_DIR/$1.state
  {
    printf 'state=%s\npid=%s\nsince=%s\nrestarts=%s\nlast_exit=%s\nnext_start=%s\n' \
      "$state" "${PID[$name]:-}" "${SINCE[$name]:-}" "${RESTARTS[$name]:-0}" "${LAST_EXIT[$name]:-}" "$next"
  } >"$file.tmp" && mv -f "$file.tmp" "$file"
}

child_alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

start_child() {
  local name=$1
  local -a command
  case $name in
  route-dns) command=(dotnet "$RECONCILER_DLL" route-dns) ;;
  controlplane) command=(env "ASPNETCORE_URLS=http://$PCLOUD_API_BIND:$PCLOUD_API_PORT" dotnet "$CONTROLPLANE_DLL") ;;
  reconciler) command=(dotnet "$RECONCILER_DLL") ;;
  esac
  # Own session: a Ctrl-C in the terminal reaches the supervisor, which stops the children in order.
  setsid "${command[@]}" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  PID[$name]=$!
  STARTED[$name]=$SECONDS
  SINCE[$name]=$(now_utc)
  write_state "$name" running
  say "started $name (pid ${PID[$name]}, log $LOG_DIR/$name.log)"
}

describe_exit() {
  local status=$1
  if ((status > 128)); then
    echo "killed by signal $((status - 128)) (status $status)"
  else
    echo "status $status"
  fi
}

# schedule_restart NAME UPTIME: the next delay doubles unless the process had stayed up long enough.
schedule_restart() {
  local name=$1 uptime=$2 delay=${DELAY[$1]:-0}
  if ((delay == 0 || uptime >= STABLE_AFTER)); then
    delay=$BACKOFF_INITIAL
  else
    delay=$((delay * 2 > BACKOFF_MAX ? BACKOFF_MAX : delay * 2))
  fi
  DELAY[$name]=$delay
  NEXT[$name]=$((SECONDS + delay))
  RESTARTS[$name]=$((${RESTARTS[$name]:-0} + 1))
  SINCE[$name]=$(now_utc)
  PID[$name]=""
  write_state "$name" restarting "$(date -u -d "+$delay seconds" +%FT%TZ)"
  say "$name: ${LAST_EXIT[$name]} after ${uptime}s up; restart ${RESTARTS[$name]} in ${delay}s"
}

check_child() {
  local name=$1 pid=${PID[$1]:-} status=0
  if [[ -n $pid ]]; then
    child_alive "$pid" && return 0
    wait "$pid" 2>/dev/null || status=$?
    LAST_EXIT[$name]=$(describe_exit "$status")
    schedule_restart "$name" $((SECONDS - STARTED[$name]))
  elif ((SECONDS >= ${NEXT[$name]:-0})); then
    start_child "$name"
  fi
}

watched_alive() {
  case $1 in
  caddy) pcloud_pid_alive "$PCLOUD_DATA_DIR/run/caddy.pid" ;;
  postgres)
    local pidfile=$PCLOUD_DATA_DIR/postgres/postmaster.pid pid
    [[ -s $pidfile ]] || return 1
    pid=$(head -n 1 "$pidfile")
    [[ $pid =~ ^[0-9]+$ ]] && child_alive "$pid"
    ;;
  esac
}

# Caddy and Postgres are daemons of their own (they outlive a supervisor restart): watched, started by their scripts.
check_watched() {
  local name=$1
  if [[ -z ${NEXT[$name]:-} ]]; then
    watched_alive "$name" && return 0
    LAST_EXIT[$name]="its process is gone"
    STARTED[$name]=${STARTED[$name]:-$SECONDS}
    schedule_restart "$name" $((SECONDS - STARTED[$name]))
    return 0
  fi
  ((SECONDS >= NEXT[$name])) || return 0
  say "starting $name"
  if "$PCLOUD_REPO_ROOT/scripts/start-$name.sh" >/dev/null 2>>"$SUPERVISOR_LOG"; then
    STARTED[$name]=$SECONDS
    NEXT[$name]=""
    SINCE[$name]=$(now_utc)
    write_state "$name" running
    say "$name running again"
  else
    LAST_EXIT[$name]="start-$name.sh failed"
    schedule_restart "$name" 0
  fi
}

rotate_logs() {
  local file
  for file in "$LOG_DIR"/{dockerd,caddy,supervise,route-dns,controlplane,reconciler,postgres}.log "$LOG_DIR/postgres/postgres.log"; do
    pcloud_rotate_log "$file" "$LOG_MAX_BYTES" "$LOG_KEEP"
  done
}

stop_child() {
  local name=$1 pid=${PID[$1]:-}
  [[ -n $pid ]] || return 0
  if child_alive "$pid"; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_DEADLINE_SECONDS))
    while child_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    if child_alive "$pid"; then
      say "killing $name (pid $pid)"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  PID[$name]=""
  LAST_EXIT[$name]="stopped by the supervisor"
  SINCE[$name]=$(now_utc)
  write_state "$name" stopped
}

shutdown() {
  ((STOPPING)) && return 0
  STOPPING=1
  trap '' INT TERM HUP
  say "stopping (Docker and the apps' containers keep running)"
  local i
  for ((i = ${#CHILDREN[@]} - 1; i >= 0; i--)); do
    [[ ${CHILDREN[i]} == route-dns ]] || stop_child "${CHILDREN[i]}"
  done
  # Routing last: apps answer until Caddy goes.
  "$PCLOUD_REPO_ROOT/scripts/stop-caddy.sh" 2>>"$SUPERVISOR_LOG" || true
  stop_child route-dns
  if [[ ${PCLOUD_EMBEDDED_POSTGRES:-0} == 1 ]]; then
    "$PCLOUD_REPO_ROOT/scripts/stop-postgres.sh" 2>>"$SUPERVISOR_LOG" || true
  fi
  rm -f "$SUPERVISOR_PIDFILE"
  say "stopped"
  exit 0
}

main() {
  trap '' PIPE
  [[ -n ${PCLOUD_DATABASE_URL:-} ]] || pcloud_die "supervise: PCLOUD_DATABASE_URL is not set (run.sh provisions Postgres first)"
  local dll
  for dll in "$CONTROLPLANE_DLL" "$RECONCILER_DLL"; do
    [[ -f $dll ]] || pcloud_die "supervise: missing $dll (build failed?)"
  done
  pcloud_ensure_dirs
  if pcloud_pid_alive "$SUPERVISOR_PIDFILE"; then
    pcloud_die "supervise: another supervisor (pid $(<"$SUPERVISOR_PIDFILE")) runs this data directory"
  fi
  echo $$ >"$SUPERVISOR_PIDFILE"
  rm -rf "$STATE_DIR"
  install -d -m 755 "$STATE_DIR"
  trap shutdown INT TERM HUP
  say "supervising ${CHILDREN[*]} and watching ${WATCHED[*]} (pid $$)"
  local name last_rotate=$SECONDS
  for name in "${WATCHED[@]}"; do
    SINCE[$name]=$(now_utc)
    STARTED[$name]=$SECONDS
    write_state "$name" running
  done
  for name in "${CHILDREN[@]}"; do start_child "$name"; done
  while true; do
    for name in "${WATCHED[@]}"; do check_watched "$name"; done
    for name in "${CHILDREN[@]}"; do check_child "$name"; done
    if ((SECONDS - last_rotate >= ROTATE_EVERY_SECONDS)); then
      rotate_logs
      last_rotate=$SECONDS
    fi
    # Short and interruptible: a signal's trap runs as soon as this sleep returns.
    sleep 0.5 &
    wait $! 2>/dev/null || true
  done
}

main "$@"
