#!/usr/bin/env bash
# Stops the embedded Postgres cluster in $PCLOUD_DATA_DIR/postgres (fast shutdown).
# Does nothing when it does not run; an external database is never touched.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PG_BIN=/usr/lib/postgresql/15/bin

pcloud_stop_postgres() {
  local data=$PCLOUD_DATA_DIR/postgres
  if [[ ! -e $data/postmaster.pid ]] || ! runuser -u postgres -- "$PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    pcloud_log "postgres: embedded cluster not running"
    return 0
  fi
  pcloud_log "postgres: stopping $data"
  runuser -u postgres -- "$PG_BIN/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then pcloud_stop_postgres; fi
