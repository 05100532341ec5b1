#!/usr/bin/env bash
# Installs Debian packages. Idempotent: does nothing (not even `apt-get update`) when everything is installed already.
#   scripts/install-packages.sh [run]   what the platform needs to run (run.sh)
#   scripts/install-packages.sh demo    plus a static busybox (scripts/build-hello-image.sh, the README's first app)
#   scripts/install-packages.sh test    plus what the tests and bench/ need (test.sh)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# What the platform runs on: the engine, the database, the proxy; git for source deploys; the scripts' tools;
# debootstrap for the Postgres add-on's image (scripts/build-postgres-image.sh).
PCLOUD_RUN_PACKAGES=(
  docker.io
  postgresql
  caddy
  git
  jq
  curl
  ca-certificates
  procps
  debootstrap
)

# The demo image and the tests' images are FROM scratch plus Debian's static busybox.
PCLOUD_DEMO_PACKAGES=(
  busybox-static
)

# Only for test.sh and bench/: load (wrk), the keep-alive server (gcc, libc6-dev), the dashboard tests (chromium),
# port checks (iproute2's ss), the service unit's check (systemd-analyze).
PCLOUD_TEST_PACKAGES=(
  wrk
  gcc
  libc6-dev
  chromium
  iproute2
  systemd
)

PCLOUD_PACKAGES=()

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

select_packages() {
  case ${1:-run} in
  run) PCLOUD_PACKAGES=("${PCLOUD_RUN_PACKAGES[@]}") ;;
  demo) PCLOUD_PACKAGES=("${PCLOUD_RUN_PACKAGES[@]}" "${PCLOUD_DEMO_PACKAGES[@]}") ;;
  test) PCLOUD_PACKAGES=("${PCLOUD_RUN_PACKAGES[@]}" "${PCLOUD_DEMO_PACKAGES[@]}" "${PCLOUD_TEST_PACKAGES[@]}") ;;
  *) pcloud_die "usage: scripts/install-packages.sh [run|demo|test]" ;;
  esac
}

main() {
  select_packages "$@"
  install_missing
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
