#!/usr/bin/env bash
# Installs the Debian packages the platform and its tests need. Idempotent: does
# nothing (not even `apt-get update`) when everything is installed already.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# One list; extend it here.
PCLOUD_PACKAGES=(
  docker.io
  postgresql
  caddy
  busybox-static
  git
  jq
  curl
  wrk
  iproute2
  ca-certificates
  procps
  gcc
  libc6-dev
  chromium
)

is_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

missing_packages() {
  local pkg
  for pkg in "${PCLOUD_PACKAGES[@]}"; do
    is_installed "$pkg" || printf '%s\n' "$pkg"
  done
}

# Keeps package maintainer scripts from starting services (Debian's default
# Postgres cluster, a system Caddy on :80, dockerd): the platform starts its own.
deny_service_starts() {
  local policy=/usr/sbin/policy-rc.d
  [[ -e $policy ]] && return 0
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
}

install_missing() {
  local -a missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    pcloud_log "packages: all ${#PCLOUD_PACKAGES[@]} installed"
    return 0
  fi
  ((EUID == 0)) || pcloud_die "installing ${missing[*]} needs root"
  pcloud_log "packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  deny_service_starts
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

main() {
  install_missing
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
