#!/usr/bin/env bash
# Starts Caddy with the admin-only bootstrap config (deploy/caddy/bootstrap.json,
# rendered into the data directory). Routes arrive later from the reconciler
# through the admin API on a unix socket. Reuses a Caddy that already answers.
# A restarted Caddy resumes its last config (autosaved by Caddy), so apps answer
# at once, before the reconciler checks it; a saved config whose admin endpoint
# is not this platform's is discarded.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

caddy_paths() {
  CADDY_HOME=$PCLOUD_DATA_DIR/caddy
  CADDY_CONFIG=$CADDY_HOME/bootstrap.json
  CADDY_PIDFILE=$PCLOUD_DATA_DIR/run/caddy.pid
  CADDY_LOG=$PCLOUD_DATA_DIR/logs/caddy.log
  CADDY_AUTOSAVE=$CADDY_HOME/config/caddy/autosave.json
}

# A saved config is resumed only when it still listens where this platform's admin socket is.
discard_foreign_autosave() {
  [[ -f $CADDY_AUTOSAVE ]] || return 0
  local listen
  listen=$(jq -r '.admin.listen // ""' "$CADDY_AUTOSAVE" 2>/dev/null) || listen=""
  if [[ $listen != "unix/$PCLOUD_CADDY_ADMIN_SOCKET" ]]; then
    pcloud_log "caddy: discarding saved config $CADDY_AUTOSAVE (admin ${listen:-unreadable}, not unix/$PCLOUD_CADDY_ADMIN_SOCKET)"
    rm -f "$CADDY_AUTOSAVE"
  fi
}

caddy_admin_answers() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
    --unix-socket "$PCLOUD_CADDY_ADMIN_SOCKET" http://localhost/config/) || return 1
  [[ $code == 200 ]]
}

render_bootstrap() {
  local template=$PCLOUD_REPO_ROOT/deploy/caddy/bootstrap.json
  install -d -m 700 "$CADDY_HOME" "$CADDY_HOME/data" "$CADDY_HOME/config"
  mkdir -p "$(dirname "$PCLOUD_CADDY_ADMIN_SOCKET")"
  jq --arg listen "unix/$PCLOUD_CADDY_ADMIN_SOCKET" --arg root "$CADDY_HOME/data" '
    .admin.listen = $listen
    | .admin.origins = ["localhost"]
    | .admin.config.persist = true  # the autosave a restart resumes (caddy run --resume)
    | .storage = {module: "file_system", root: $root}
    | del(.apps)' "$template" >"$CADDY_CONFIG.tmp"
  mv "$CADDY_CONFIG.tmp" "$CADDY_CONFIG"
}

start_caddy() {
  if [[ -S $PCLOUD_CADDY_ADMIN_SOCKET || -e $PCLOUD_CADDY_ADMIN_SOCKET ]]; then
    pcloud_log "caddy: removing stale socket $PCLOUD_CADDY_ADMIN_SOCKET"
    rm -f "$PCLOUD_CADDY_ADMIN_SOCKET"
  fi
  pcloud_log "caddy: starting (admin: $PCLOUD_CADDY_ADMIN_SOCKET, log: $CADDY_LOG)"
  # Own session so a Ctrl-C of run.sh does not kill it before the API stops.
  XDG_DATA_HOME=$CADDY_HOME/data XDG_CONFIG_HOME=$CADDY_HOME/config HOME=$CADDY_HOME \
    setsid nohup caddy run --resume --config "$CADDY_CONFIG" --pidfile "$CADDY_PIDFILE" \
    >>"$CADDY_LOG" 2>&1 </dev/null &
  if ! pcloud_wait_until 30 "Caddy's admin socket" caddy_admin_answers; then
    tail -n 20 "$CADDY_LOG" >&2 || true
    pcloud_die "caddy: did not start"
  fi
}

pcloud_start_caddy() {
  command -v caddy >/dev/null || pcloud_die "caddy: not installed (run scripts/install-packages.sh)"
  # Unix socket paths are limited to 107 bytes.
  ((${#PCLOUD_CADDY_ADMIN_SOCKET} < 100)) ||
    pcloud_die "caddy: admin socket path too long: $PCLOUD_CADDY_ADMIN_SOCKET"
  caddy_paths
  pcloud_ensure_dirs
  if caddy_admin_answers; then
    pcloud_log "caddy: reusing the Caddy on $PCLOUD_CADDY_ADMIN_SOCKET"
    return 0
  fi
  render_bootstrap
  discard_foreign_autosave
  start_caddy
  pcloud_log "caddy: ready ($(caddy version | cut -d' ' -f1))"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  pcloud_start_caddy
  printf 'PCLOUD_CADDY_ADMIN_SOCKET=%s\n' "$PCLOUD_CADDY_ADMIN_SOCKET"
fi
