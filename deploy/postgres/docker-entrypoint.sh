#!/bin/bash
# Initialises an empty PGDATA (superuser POSTGRES_USER with the password from POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE,
# database POSTGRES_DB), then runs the server in the foreground on every interface, logging to stderr.
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"

log() { printf 'entrypoint: %s\n' "$*" >&2; }

# Started as root (for example without a named volume): own the data directory, then drop to postgres.
if [[ $(id -u) == 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

password() {
  if [[ -n ${POSTGRES_PASSWORD_FILE:-} ]]; then
    cat -- "$POSTGRES_PASSWORD_FILE"
  else
    printf '%s' "${POSTGRES_PASSWORD:-}"
  fi
}

initialise() {
  local pw pwfile
  pw=$(password)
  [[ -n $pw ]] || {
    log "PGDATA ($PGDATA) is empty and no password was given: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE"
    exit 1
  }
  pwfile=$(mktemp)
  printf '%s\n' "$pw" >"$pwfile"
  log "initialising $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
  initdb -D "$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >&2
  rm -f "$pwfile"
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [[ $POSTGRES_DB != postgres ]]; then
    # A private start on the unix socket only, to create the database.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >&2
    psql -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" --dbname=postgres \
      -c "CREATE DATABASE \"$POSTGRES_DB\"" >&2
    pg_ctl -D "$PGDATA" -m fast -w stop >&2
  fi
  log "initialised"
}

if [[ ${1:-} == postgres ]]; then
  [[ -s $PGDATA/PG_VERSION ]] || initialise
  shift
  exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
