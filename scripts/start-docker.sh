#!/usr/bin/env bash
# Makes sure a Docker daemon answers on /var/run/docker.sock. Reuses a running one;
# otherwise starts docker.service on a systemd host, else dockerd in its own session, so it outlives this script and
# a stop of run.sh (apps keep running when the platform stops).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

DOCKER_SOCK=/var/run/docker.sock
DOCKER_PIDFILE=/var/run/docker.pid
DOCKER_DAEMON_JSON=/etc/docker/daemon.json
# Every app has its own bridge network. Docker's default pools give ~30 of them (15 /16s of 172.17-31 and 16 /20s
# of 192.168); /24s out of 172.16.0.0/12 give 4,096, each with room for 253 containers.
DOCKER_DEFAULTS='{"live-restore":true,"log-driver":"json-file","log-opts":{"max-size":"10m","max-file":"3"},"default-address-pools":[{"base":"172.16.0.0/12","size":24}]}'

docker_answers() {
  timeout 5 docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1
}

remove_stale_pidfile() {
  if [[ -e $DOCKER_PIDFILE ]] && ! pcloud_pid_alive "$DOCKER_PIDFILE"; then
    pcloud_log "docker: removing stale $DOCKER_PIDFILE"
    rm -f "$DOCKER_PIDFILE"
  fi
}

# Adds our defaults to daemon.json; settings already in the file win.
write_daemon_json() {
  mkdir -p "$(dirname "$DOCKER_DAEMON_JSON")"
  if [[ ! -s $DOCKER_DAEMON_JSON ]]; then
    jq . <<<"$DOCKER_DEFAULTS" >"$DOCKER_DAEMON_JSON"
    pcloud_log "docker: wrote $DOCKER_DAEMON_JSON"
    return 0
  fi
  local merged
  merged=$(jq --argjson defaults "$DOCKER_DEFAULTS" '$defaults * .' "$DOCKER_DAEMON_JSON") ||
    pcloud_die "docker: $DOCKER_DAEMON_JSON is not valid JSON"
  if [[ $merged != "$(jq . "$DOCKER_DAEMON_JSON")" ]]; then
    printf '%s\n' "$merged" >"$DOCKER_DAEMON_JSON"
    pcloud_log "docker: merged platform defaults into $DOCKER_DAEMON_JSON"
  fi
}

start_dockerd() {
  pcloud_ensure_dirs
  local log=$PCLOUD_DATA_DIR/logs/dockerd.log
  if [[ -d /run/systemd/system ]] && systemctl cat docker.service >/dev/null 2>&1; then
    # systemd's own unit: dockerd never lands in the cgroup of a platform service, whose stop would take the apps along.
    pcloud_log "docker: starting docker.service"
    systemctl start docker.service || pcloud_die "docker: systemctl start docker.service failed (journalctl -u docker)"
  else
    pcloud_log "docker: starting dockerd (log: $log)"
    setsid nohup dockerd >>"$log" 2>&1 </dev/null &
  fi
  # A give-up point, not an expected time: on a loaded host restoring many live containers dockerd took 75 s to answer.
  if ! pcloud_wait_until 180 "dockerd to answer on $DOCKER_SOCK" docker_answers; then
    tail -n 20 "$log" >&2 || true
    pcloud_die "docker: dockerd did not start"
  fi
}

main() {
  command -v dockerd >/dev/null || pcloud_die "docker: dockerd not installed (run scripts/install-packages.sh)"
  if docker_answers; then
    pcloud_log "docker: reusing the daemon on $DOCKER_SOCK (its own settings; see docs/operations.md for the ones the platform wants)"
    return 0
  fi
  remove_stale_pidfile
  write_daemon_json
  start_dockerd
  pcloud_log "docker: daemon ready (server $(docker version -f '{{.Server.Version}}' 2>/dev/null))"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
