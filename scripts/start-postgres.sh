#!/usr/bin/env bash
# Starts the embedded private Postgres cluster (never Debian's default one) and
# prints `PCLOUD_DATABASE_URL=<Npgsql connection string>` on stdout. When
# PCLOUD_DATABASE_URL is already set, starts nothing and prints it back.
#
# Sourceable: `source scripts/start-postgres.sh; pcloud_start_postgres` exports
# PCLOUD_DATABASE_URL into the calling shell instead of printing it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PG_BIN=/usr/lib/postgresql/15/bin
PG_DB=personalcloud

pg_paths() {
  PG_DATA=$PCLOUD_DATA_DIR/postgres
  PG_SOCKDIR=$PCLOUD_DATA_DIR/run/pg
  PG_PWFILE=$PCLOUD_DATA_DIR/postgres-password
  PG_LOG=$PCLOUD_DATA_DIR/logs/postgres.log
}

as_postgres() { runuser -u postgres -- "$@"; }

ensure_postgres_user() {
  id -u postgres >/dev/null 2>&1 && return 0
  pcloud_log "postgres: creating system user postgres"
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

ensure_password() {
  [[ -s $PG_PWFILE ]] && return 0
  (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$PG_PWFILE")
  pcloud_log "postgres: generated a password in $PG_PWFILE"
}

init_cluster() {
  [[ -s $PG_DATA/PG_VERSION ]] && return 0
  pcloud_log "postgres: initdb $PG_DATA"
  install -d -m 700 -o postgres -g postgres "$PG_DATA"
  # initdb runs as postgres, which cannot read the root-only password file.
  local pw_tmp
  pw_tmp=$(mktemp)
  cp "$PG_PWFILE" "$pw_tmp"
  chown postgres "$pw_tmp"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 --pwfile="$pw_tmp" >>"$PG_LOG" 2>&1 || {
    rm -f "$pw_tmp"
    tail -n 20 "$PG_LOG" >&2
    pcloud_die "postgres: initdb failed"
  }
  rm -f "$pw_tmp"
}

pg_answers() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PCLOUD_PG_PORT"; }

start_cluster() {
  install -d -m 755 -o postgres -g postgres "$PG_SOCKDIR"
  touch "$PG_LOG" && chown postgres "$PG_LOG"
  # pg_ctl status exits 3 when no server runs; a postmaster.pid left by a killed
  # server is then stale and pg_ctl start would refuse or misjudge it.
  if [[ -e $PG_DATA/postmaster.pid ]] && ! as_postgres "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; then
    pcloud_log "postgres: removing stale $PG_DATA/postmaster.pid"
    rm -f "$PG_DATA/postmaster.pid"
  fi
  pcloud_log "postgres: starting on 127.0.0.1:$PCLOUD_PG_PORT (log: $PG_LOG)"
  # Own session: a Ctrl-C of run.sh must not fast-shutdown Postgres under the API.
  setsid -w runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-p $PCLOUD_PG_PORT -k $PG_SOCKDIR -c listen_addresses=127.0.0.1" start >/dev/null ||
    {
      tail -n 20 "$PG_LOG" >&2
      pcloud_die "postgres: pg_ctl start failed"
    }
}

ensure_database() {
  local exists
  exists=$(as_postgres "$PG_BIN/psql" -h "$PG_SOCKDIR" -p "$PCLOUD_PG_PORT" -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")
  [[ $exists == 1 ]] && return 0
  pcloud_log "postgres: creating database $PG_DB"
  as_postgres "$PG_BIN/psql" -h "$PG_SOCKDIR" -p "$PCLOUD_PG_PORT" -d postgres -q \
    -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_DB"
}

# Starts (or reuses) the cluster and exports PCLOUD_DATABASE_URL.
pcloud_start_postgres() {
  if [[ -n ${PCLOUD_DATABASE_URL:-} ]]; then
    pcloud_log "postgres: PCLOUD_DATABASE_URL is set; using that database, no embedded cluster"
    export PCLOUD_DATABASE_URL
    return 0
  fi
  [[ -x $PG_BIN/initdb ]] || pcloud_die "postgres: $PG_BIN missing (run scripts/install-packages.sh)"
  pg_paths
  pcloud_ensure_dirs
  ensure_postgres_user
  ensure_password
  init_cluster
  if pg_answers; then
    pcloud_log "postgres: reusing the cluster on 127.0.0.1:$PCLOUD_PG_PORT"
  else
    start_cluster
  fi
  ensure_database
  PCLOUD_DATABASE_URL="Host=127.0.0.1;Port=$PCLOUD_PG_PORT;Username=postgres;Password=$(<"$PG_PWFILE");Database=$PG_DB"
  export PCLOUD_DATABASE_URL
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  pcloud_start_postgres
  printf 'PCLOUD_DATABASE_URL=%s\n' "$PCLOUD_DATABASE_URL"
fi
