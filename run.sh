#!/usr/bin/env bash
# Provisions and starts the whole platform in the foreground:
#   publish (only when the sources changed) -> packages -> Docker -> Postgres -> Caddy
#   -> scripts/supervise.sh (route-dns, ControlPlane, Reconciler)
# The supervisor restarts any of them that exits (and Caddy, and the embedded Postgres), with backoff.
# Ctrl-C, SIGTERM, SIGHUP, or the reader of its output going away (`./run.sh 2>&1 | tee run.log` and tee ends) stop
# the ControlPlane, the Reconciler, route-dns, Caddy and the embedded Postgres. Docker and the apps' containers keep running.
#
#   ./run.sh                     runs the platform in the foreground
#   ./run.sh --install-service   installs and starts it as a systemd service instead (scripts/install-service.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ ${1:-} == --install-service ]]; then
  shift
  exec scripts/install-service.sh "$@"
fi
(($# == 0)) || {
  echo "usage: ./run.sh [--install-service [options]]" >&2
  exit 2
}
# shellcheck source=scripts/provision.sh
source scripts/provision.sh
# shellcheck source=scripts/publish.sh
source scripts/publish.sh

# A write to a closed pipe fails instead of killing this script half-way through a stop (and orphaning everything).
trap '' PIPE

HEALTH_DEADLINE_SECONDS=120
STOP_DEADLINE_SECONDS=90
WATCH_SECONDS=1

SUPERVISOR_PID=""
TAIL_PID=""
SLEEP_PID=""
STARTED=0
STOPPING=0
EMBEDDED_POSTGRES=1
[[ -n ${PCLOUD_DATABASE_URL:-} ]] && EMBEDDED_POSTGRES=0

# The address to poll: the bind address unless it is a wildcard.
api_host() {
  case $PCLOUD_API_BIND in
  0.0.0.0 | "*" | + | :: | "[::]") echo 127.0.0.1 ;;
  *) echo "$PCLOUD_API_BIND" ;;
  esac
}

# Ready = the API and its database answer; /healthz (every component) may still say a component is starting.
api_healthy() {
  curl -fs -o /dev/null --max-time 2 "http://$(api_host):$PCLOUD_API_PORT/healthz/ready"
}

# A child that exited stays a zombie until `wait`: that counts as gone.
child_alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

# shellcheck disable=SC2317 # called through pcloud_wait_until
child_gone() { ! child_alive "$1"; }

# True when stdout or stderr is a pipe (or FIFO) whose reader is gone. select() reports the write end of such a pipe
# as readable (POLLERR), which `read -t 0` tests without reading or writing anything (no redirection of that fd
# around the read: it would test the redirection instead).
console_reader_gone() {
  local fd
  for fd in 1 2; do
    if [[ -p /dev/fd/$fd ]] && read -r -t 0 -u "$fd"; then
      return 0
    fi
  done
  return 1
}

# shutdown EXIT_CODE: the supervisor stops everything it owns; Docker and the apps stay up. Runs once.
shutdown() {
  local code=$1
  ((STOPPING)) && return 0
  STOPPING=1
  trap '' INT TERM HUP
  if [[ -n $SUPERVISOR_PID ]] && child_alive "$SUPERVISOR_PID"; then
    kill -TERM "$SUPERVISOR_PID" 2>/dev/null || true
    pcloud_wait_until "$STOP_DEADLINE_SECONDS" "the supervisor to stop" child_gone "$SUPERVISOR_PID" ||
      kill -KILL "$SUPERVISOR_PID" 2>/dev/null || true
  elif ((STARTED)) && [[ -z $SUPERVISOR_PID ]]; then
    # Stopped while starting: what provisioning already started goes too.
    scripts/stop-caddy.sh || true
    if ((EMBEDDED_POSTGRES)); then scripts/stop-postgres.sh || true; fi
  fi
  if [[ -n $TAIL_PID ]]; then kill "$TAIL_PID" 2>/dev/null || true; fi
  if [[ -n $SLEEP_PID ]]; then kill "$SLEEP_PID" 2>/dev/null || true; fi
  ((STARTED)) && pcloud_log "stopped (Docker and the apps' containers keep running)"
  exit "$code"
}

start_supervisor() {
  local logs=$PCLOUD_DATA_DIR/logs
  touch "$logs/route-dns.log" "$logs/controlplane.log" "$logs/reconciler.log"
  # The processes' own output, on the console too (the files are the record).
  tail -q -n 0 -F "$logs/route-dns.log" "$logs/controlplane.log" "$logs/reconciler.log" 2>/dev/null &
  TAIL_PID=$!
  # Its own session: a closed terminal's SIGHUP or a Ctrl-C reaches this script, which stops the supervisor in order.
  PCLOUD_EMBEDDED_POSTGRES=$EMBEDDED_POSTGRES setsid scripts/supervise.sh &
  SUPERVISOR_PID=$!
  # Migrations run before /healthz/ready answers.
  local deadline=$((SECONDS + HEALTH_DEADLINE_SECONDS))
  until api_healthy; do
    child_alive "$SUPERVISOR_PID" || {
      pcloud_log "error: the supervisor exited during start"
      shutdown 1
    }
    ((SECONDS < deadline)) || {
      pcloud_log "error: ControlPlane not ready after ${HEALTH_DEADLINE_SECONDS}s (see $logs/controlplane.log)"
      shutdown 1
    }
    sleep 0.5
  done
  pcloud_log "ControlPlane ready; component health: http://$(api_host):$PCLOUD_API_PORT/healthz"
}

print_banner() {
  local api token="$PCLOUD_DATA_DIR/api-token" password="$PCLOUD_DATA_DIR/dashboard-password"
  api="http://$(api_host):$PCLOUD_API_PORT"
  [[ -n ${PCLOUD_API_TOKEN:-} ]] && token="(from PCLOUD_API_TOKEN)"
  [[ -n ${PCLOUD_DASHBOARD_PASSWORD:-} ]] && password="(from PCLOUD_DASHBOARD_PASSWORD)"
  pcloud_log "PersonalCloud is running. Ctrl-C stops it."
  pcloud_log "  API:        $api/api   (OpenAPI: $api/openapi/v1.json)"
  pcloud_log "  API token:  $token"
  pcloud_log "  Dashboard:  $api/  or https://${PCLOUD_DASHBOARD_HOSTNAME:-dashboard.$PCLOUD_BASE_DOMAIN}:$PCLOUD_HTTPS_PORT/"
  pcloud_log "  Password:   $password   (the API token signs in too)"
  pcloud_log "  Apps:       http://<app>.$PCLOUD_BASE_DOMAIN:$PCLOUD_HTTP_PORT/  https on :$PCLOUD_HTTPS_PORT"
  pcloud_log "  Logs:       $PCLOUD_DATA_DIR/logs (dockerd, postgres, caddy, supervise, route-dns, controlplane, reconciler; rotated by size)"
}

# Until a signal (the traps shut down), the console's reader going away, or the supervisor itself exiting (an error).
watch_supervisor() {
  local status=0
  while child_alive "$SUPERVISOR_PID"; do
    if console_reader_gone; then
      pcloud_log "the reader of run.sh's output is gone: stopping"
      shutdown 141
    fi
    # In the background, so a signal's trap runs at once instead of after the sleep.
    sleep "$WATCH_SECONDS" &
    SLEEP_PID=$!
    wait "$SLEEP_PID" || true
    SLEEP_PID=""
  done
  wait "$SUPERVISOR_PID" || status=$?
  SUPERVISOR_PID=""
  pcloud_log "error: the supervisor exited unexpectedly (status $status)"
  shutdown 1
}

main() {
  ((EUID == 0)) || pcloud_die "run.sh needs root (Docker, Postgres cluster, ports $PCLOUD_HTTP_PORT/$PCLOUD_HTTPS_PORT)"
  if api_healthy; then
    pcloud_die "an API already answers on port $PCLOUD_API_PORT: is run.sh already running?"
  fi
  if pcloud_pid_alive "$PCLOUD_DATA_DIR/run/supervise.pid"; then
    pcloud_die "a supervisor (pid $(<"$PCLOUD_DATA_DIR/run/supervise.pid")) already runs $PCLOUD_DATA_DIR: is run.sh already running?"
  fi
  trap 'shutdown 130' INT
  trap 'shutdown 143' TERM
  trap 'shutdown 129' HUP
  # A failed step (set -e, pcloud_die) stops what the steps before it started.
  trap 'shutdown $?' EXIT
  pcloud_publish
  STARTED=1
  pcloud_provision
  start_supervisor
  print_banner
  watch_supervisor
}

main "$@"
