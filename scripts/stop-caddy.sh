#!/usr/bin/env bash
# Stops the platform's Caddy: asks the admin API to stop, falls back to the pid.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

caddy_gone() { ! pcloud_pid_alive "$1"; }

pcloud_stop_caddy() {
  local pidfile=$PCLOUD_DATA_DIR/run/caddy.pid pid grace=0
  if curl -s -o /dev/null --max-time 5 --unix-socket "$PCLOUD_CADDY_ADMIN_SOCKET" \
    -X POST http://localhost/stop; then
    pcloud_log "caddy: stop requested through the admin API"
    grace=10
  fi
  if pcloud_pid_alive "$pidfile" &&
    { ((grace == 0)) || ! pcloud_wait_until "$grace" "Caddy to exit" caddy_gone "$pidfile"; }; then
    pid=$(<"$pidfile")
    pcloud_log "caddy: sending SIGTERM to pid $pid"
    kill "$pid" 2>/dev/null || true
    pcloud_wait_until 10 "Caddy to exit" caddy_gone "$pidfile" || kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  pcloud_log "caddy: stopped"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then pcloud_stop_caddy; fi
