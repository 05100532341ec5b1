#!/usr/bin/env bash
# Provisions and starts the whole platform in the foreground:
#   packages -> Docker -> Postgres -> Caddy -> build -> ControlPlane (/healthz) -> Reconciler
# Ctrl-C stops the ControlPlane, the Reconciler, Caddy and the embedded Postgres.
# Docker and the apps' containers keep running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=scripts/provision.sh
source scripts/provision.sh
# shellcheck source=scripts/build.sh
source scripts/build.sh

CONTROLPLANE_DLL=$PCLOUD_REPO_ROOT/src/ControlPlane/bin/Release/net10.0/PersonalCloud.ControlPlane.dll
RECONCILER_DLL=$PCLOUD_REPO_ROOT/src/Reconciler/bin/Release/net10.0/PersonalCloud.Reconciler.dll
HEALTH_DEADLINE_SECONDS=120
STOP_DEADLINE_SECONDS=30

CONTROLPLANE_PID=""
RECONCILER_PID=""
EMBEDDED_POSTGRES=1
[[ -n ${PCLOUD_DATABASE_URL:-} ]] && EMBEDDED_POSTGRES=0

# The address to poll: the bind address unless it is a wildcard.
api_host() {
  case $PCLOUD_API_BIND in
  0.0.0.0 | "*" | + | :: | "[::]") echo 127.0.0.1 ;;
  *) echo "$PCLOUD_API_BIND" ;;
  esac
}

api_healthy() {
  curl -fs -o /dev/null --max-time 2 "http://$(api_host):$PCLOUD_API_PORT/healthz"
}

# A child that exited stays a zombie until `wait`: that counts as gone.
child_alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

# shellcheck disable=SC2317 # called through pcloud_wait_until
child_gone() { ! child_alive "$1"; }

# stop_child NAME PID: SIGTERM, wait up to the deadline, then SIGKILL.
stop_child() {
  local name=$1 pid=$2
  [[ -n $pid ]] || return 0
  if child_alive "$pid"; then
    pcloud_log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! pcloud_wait_until "$STOP_DEADLINE_SECONDS" "$name to exit" child_gone "$pid"; then
      pcloud_log "killing $name (pid $pid)"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# shutdown EXIT_CODE: stops everything run.sh owns; Docker and the apps stay up.
shutdown() {
  local code=$1
  trap '' INT TERM
  stop_child Reconciler "$RECONCILER_PID"
  stop_child ControlPlane "$CONTROLPLANE_PID"
  scripts/stop-caddy.sh || true
  if ((EMBEDDED_POSTGRES)); then scripts/stop-postgres.sh || true; fi
  pcloud_log "stopped (Docker and the apps' containers keep running)"
  exit "$code"
}

start_controlplane() {
  [[ -f $CONTROLPLANE_DLL ]] || {
    pcloud_log "error: missing $CONTROLPLANE_DLL (build failed?)"
    shutdown 1
  }
  pcloud_log "starting ControlPlane on http://$PCLOUD_API_BIND:$PCLOUD_API_PORT"
  ASPNETCORE_URLS="http://$PCLOUD_API_BIND:$PCLOUD_API_PORT" dotnet "$CONTROLPLANE_DLL" &
  CONTROLPLANE_PID=$!
  # Migrations run before /healthz answers.
  local deadline=$((SECONDS + HEALTH_DEADLINE_SECONDS))
  until api_healthy; do
    child_alive "$CONTROLPLANE_PID" || {
      pcloud_log "error: ControlPlane exited during start"
      shutdown 1
    }
    ((SECONDS < deadline)) || {
      pcloud_log "error: ControlPlane not healthy after ${HEALTH_DEADLINE_SECONDS}s"
      shutdown 1
    }
    sleep 0.5
  done
  pcloud_log "ControlPlane healthy"
}

start_reconciler() {
  [[ -f $RECONCILER_DLL ]] || {
    pcloud_log "error: missing $RECONCILER_DLL (build failed?)"
    shutdown 1
  }
  pcloud_log "starting Reconciler"
  dotnet "$RECONCILER_DLL" &
  RECONCILER_PID=$!
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
  pcloud_log "  Logs:       $PCLOUD_DATA_DIR/logs (dockerd, postgres, caddy); API and Reconciler here"
}

# Waits until Ctrl-C (the trap shuts down) or until a .NET process exits (an error).
supervise() {
  local exited="" status=0
  wait -n -p exited "$CONTROLPLANE_PID" "$RECONCILER_PID" || status=$?
  local name=ControlPlane
  [[ $exited == "$RECONCILER_PID" ]] && name=Reconciler
  pcloud_log "error: $name exited unexpectedly (status $status)"
  shutdown 1
}

main() {
  ((EUID == 0)) || pcloud_die "run.sh needs root (Docker, Postgres cluster, ports $PCLOUD_HTTP_PORT/$PCLOUD_HTTPS_PORT)"
  if api_healthy; then
    pcloud_die "an API already answers on port $PCLOUD_API_PORT: is run.sh already running?"
  fi
  trap 'shutdown 130' INT
  trap 'shutdown 143' TERM
  pcloud_provision
  pcloud_build
  start_controlplane
  start_reconciler
  print_banner
  supervise
}

main "$@"
