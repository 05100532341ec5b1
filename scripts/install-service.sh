#!/usr/bin/env bash
# Installs PersonalCloud as a systemd service for this checkout (also: ./run.sh --install-service):
#   - the platform's packages (scripts/install-packages.sh), so Debian's caddy.service exists before it is disabled;
#   - /etc/systemd/system/personalcloud.service, rendered from deploy/systemd/personalcloud.service;
#   - /etc/default/personalcloud: the PCLOUD_* settings given to this command (0600; kept as it is when it exists);
#   - Debian's caddy.service disabled and stopped (it would share :80/:443 with the platform's Caddy);
#   - docker.service enabled and started (the apps live in it; it never stops with the platform);
#   - personalcloud.service enabled and started: journald keeps its logs, systemd restarts it on failure,
#     `systemctl stop personalcloud` stops it cleanly.
#
#   scripts/install-service.sh               install and start
#   scripts/install-service.sh --output DIR  only write the unit and the environment file into DIR (nothing installed or started)
#   scripts/install-service.sh --remove      stop, disable and remove the unit (the environment file and the data stay)
set -euo pipefail
# The settings the caller chose, before env.sh adds its defaults (which stay in env.sh, so an upgrade can change them).
mapfile -t CHOSEN < <(compgen -e | grep -E '^PCLOUD_' | grep -vxE 'PCLOUD_(REPO_ROOT|TEST_SLOT|EMBEDDED_POSTGRES|CONTROLPLANE_DLL|RECONCILER_DLL)' | LC_ALL=C sort || true)
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SERVICE=personalcloud.service
TEMPLATE=$PCLOUD_REPO_ROOT/deploy/systemd/$SERVICE
UNIT_DIR=/etc/systemd/system
ENV_FILE=/etc/default/personalcloud

usage() {
  echo "usage: scripts/install-service.sh [--output DIR | --remove]" >&2
  exit 2
}

# One KEY=value line per setting the caller chose, quoted the way systemd's EnvironmentFile= reads quotes.
environment_lines() {
  local name value
  for name in "${CHOSEN[@]}"; do
    value=${!name}
    if [[ $value =~ ^[A-Za-z0-9_./:@,+=-]*$ ]]; then
      printf '%s=%s\n' "$name" "$value"
    else
      value=${value//\\/\\\\}
      printf '%s="%s"\n' "$name" "${value//\"/\\\"}"
    fi
  done
}

render_unit() {
  [[ -f $TEMPLATE ]] || pcloud_die "service: $TEMPLATE is missing"
  sed -e "s|@REPO_ROOT@|$PCLOUD_REPO_ROOT|g" -e "s|@ENV_FILE@|$2|g" "$TEMPLATE" >"$1"
}

write_environment_file() {
  local file=$1
  if [[ -e $file ]]; then
    pcloud_log "service: keeping $file as it is"
    return 0
  fi
  mkdir -p "$(dirname "$file")"
  (
    umask 077
    {
      echo "# PersonalCloud's settings (README: Configuration), read by $SERVICE. Restart the service after a change."
      environment_lines
    } >"$file"
  )
  pcloud_log "service: wrote $file"
}

write_files() {
  local dir=$1 env_file=$2
  mkdir -p "$dir"
  render_unit "$dir/$SERVICE" "$env_file"
  pcloud_log "service: wrote $dir/$SERVICE"
  write_environment_file "$env_file"
}

require_systemd() {
  ((EUID == 0)) || pcloud_die "service: installing a service needs root"
  if ! [[ -d /run/systemd/system ]] || ! command -v systemctl >/dev/null; then
    pcloud_die "service: systemd is not running on this machine; run ./run.sh in the foreground instead"
  fi
}

install_service() {
  require_systemd
  "$PCLOUD_REPO_ROOT/scripts/install-packages.sh"
  write_files "$UNIT_DIR" "$ENV_FILE"
  if systemctl cat caddy.service >/dev/null 2>&1; then
    pcloud_log "service: disabling Debian's caddy.service (the platform runs its own Caddy on :$PCLOUD_HTTP_PORT/:$PCLOUD_HTTPS_PORT)"
    systemctl disable --now caddy.service
  fi
  systemctl daemon-reload
  systemctl enable --now docker.service
  systemctl enable --now "$SERVICE"
  pcloud_log "service: $SERVICE enabled and started"
  pcloud_log "  status:  systemctl status personalcloud"
  pcloud_log "  logs:    journalctl -u personalcloud -f"
  pcloud_log "  stop:    systemctl stop personalcloud   (Docker and the apps keep running)"
}

remove_service() {
  require_systemd
  if [[ -e $UNIT_DIR/$SERVICE ]]; then
    systemctl disable --now "$SERVICE" || true
    rm -f "$UNIT_DIR/$SERVICE"
    systemctl daemon-reload
  fi
  pcloud_log "service: $SERVICE removed ($ENV_FILE and $PCLOUD_DATA_DIR are kept)"
}

main() {
  case ${1:-} in
  "") install_service ;;
  --output)
    [[ -n ${2:-} ]] || usage
    write_files "$2" "$2/personalcloud.env"
    ;;
  --remove) remove_service ;;
  *) usage ;;
  esac
}

main "$@"
