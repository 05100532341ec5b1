#!/usr/bin/env bash
# Provisions the host: packages, Docker, the Postgres add-on's image, the embedded
# Postgres (unless PCLOUD_DATABASE_URL is set) and Caddy, in that order. Each step
# reuses what already runs (the image is built once per machine).
#
#   source scripts/provision.sh && pcloud_provision   # exports PCLOUD_DATABASE_URL
#   scripts/provision.sh                              # prints PCLOUD_DATABASE_URL=...
#
# Every step runs as a child process, so the daemons it starts are reparented
# to init and never become children (or zombies) of the calling shell.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

pcloud_provision() {
  local scripts=$PCLOUD_REPO_ROOT/scripts line
  "$scripts/install-packages.sh"
  "$scripts/start-docker.sh"
  # Apps run without it: a failed build (offline, no cache) shows on each Postgres add-on's status instead.
  "$scripts/build-postgres-image.sh" >/dev/null ||
    pcloud_log "warning: the Postgres add-on image could not be built; add-ons stay failed until scripts/build-postgres-image.sh succeeds"
  line=$("$scripts/start-postgres.sh")
  [[ $line == PCLOUD_DATABASE_URL=* ]] || pcloud_die "provision: unexpected output from start-postgres.sh"
  PCLOUD_DATABASE_URL=${line#PCLOUD_DATABASE_URL=}
  export PCLOUD_DATABASE_URL
  "$scripts/start-caddy.sh" >/dev/null
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  pcloud_provision
  printf 'PCLOUD_DATABASE_URL=%s\n' "$PCLOUD_DATABASE_URL"
fi
