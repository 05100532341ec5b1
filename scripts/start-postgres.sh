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
# The platform's own role: no superuser, owner of its database only; superuser postgres is reachable only as OS user postgres.
PG_ROLE=personalcloud

pg_paths() {
  PG_DATA=$PCLOUD_DATA_DIR/postgres
  PG_SOCKDIR=$PCLOUD_DATA_DIR/run/pg
  PG_PWFILE=$PCLOUD_DATA_DIR/postgres-password
  PG_LOG=$PCLOUD_DATA_DIR/logs/postgres.log
  PG_LOG_DIR=$PCLOUD_DATA_DIR/logs/postgres
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
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=peer --auth-host=reject \
    >>"$PG_LOG" 2>&1 || {
    tail -n 20 "$PG_LOG" >&2
    pcloud_die "postgres: initdb failed"
  }
}

# Written on every start, so a cluster made by an older version (trust on the socket) is locked down too.
write_hba() {
  cat >"$PG_DATA/pg_hba.conf" <<HBA
# Written by scripts/start-postgres.sh on every start; edits are lost.
# TYPE  DATABASE   USER       ADDRESS        METHOD
local   all        postgres                  peer
host    $PG_DB  $PG_ROLE  127.0.0.1/32   scram-sha-256
local   all        all                       reject
host    all        all        0.0.0.0/0      reject
host    all        all        ::/0           reject
HBA
  chown postgres:postgres "$PG_DATA/pg_hba.conf"
  chmod 600 "$PG_DATA/pg_hba.conf"
}

pg_answers() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PCLOUD_PG_PORT"; }

# Only root and postgres may reach the socket: a local user never gets as far as the access rules.
ensure_run_dirs() { install -d -m 700 -o postgres -g postgres "$PG_SOCKDIR" "$PG_LOG_DIR"; }

start_cluster() {
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
    -o "-p $PCLOUD_PG_PORT -k $PG_SOCKDIR -c listen_addresses=127.0.0.1 $(server_settings)" start >/dev/null ||
    {
      tail -n 20 "$PG_LOG" >&2
      pcloud_die "postgres: pg_ctl start failed"
    }
}

# On the command line, so they win over postgresql.conf and ALTER SYSTEM. The log collector writes one file,
# logs/postgres/postgres.log (opened for appending), and never rotates it itself: its own size rotation keeps the
# same name within an hour (or second) and appends, so one file grew without bound. scripts/supervise.sh rotates it
# like the platform's other logs (PCLOUD_LOG_MAX_BYTES, PCLOUD_LOG_KEEP).
server_settings() {
  printf '%s ' -c unix_socket_permissions=0700 -c password_encryption=scram-sha-256 \
    -c logging_collector=on -c "log_directory=$PG_LOG_DIR" -c log_filename=postgres.log \
    -c log_rotation_age=0 -c log_rotation_size=0 -c log_file_mode=0600
}

admin_psql() {
  as_postgres "$PG_BIN/psql" -X -h "$PG_SOCKDIR" -p "$PCLOUD_PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"
}

# The platform's role (created or reset to no privileges beyond its database), its password from stdin so ps never shows it.
ensure_role() {
  { printf '\\set pw %s\n' "$(<"$PG_PWFILE")"
    cat <<SQL
SELECT format('CREATE ROLE %I', '$PG_ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') \\gexec
ALTER ROLE $PG_ROLE WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pw';
ALTER ROLE postgres WITH PASSWORD NULL;
-- CHECKPOINT only: lets the at-rest checks flush pages to disk; no data access comes with it.
GRANT pg_checkpoint TO $PG_ROLE;
SELECT pg_reload_conf();
SQL
  } | admin_psql -d postgres >/dev/null
}

ensure_database() {
  local exists
  exists=$(admin_psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")
  if [[ $exists != 1 ]]; then
    pcloud_log "postgres: creating database $PG_DB"
    admin_psql -d postgres -c "CREATE DATABASE $PG_DB OWNER $PG_ROLE"
  fi
  hand_over_database
}

# A database made by an older version belongs to postgres; REASSIGN OWNED cannot move the bootstrap superuser's
# objects, so each one is altered. Extension members (pg_trgm) stay with the extension.
hand_over_database() {
  admin_psql -d "$PG_DB" >/dev/null <<SQL
ALTER DATABASE $PG_DB OWNER TO $PG_ROLE;
DO \$\$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relowner <> '$PG_ROLE'::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
    ORDER BY c.relkind = 'S'
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO $PG_ROLE',
      CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
      r.name);
  END LOOP;
  FOR r IN
    SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.proowner <> '$PG_ROLE'::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO $PG_ROLE', r.name);
  END LOOP;
  FOR r IN
    SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' AND t.typowner <> '$PG_ROLE'::regrole AND t.typtype IN ('c', 'd', 'e', 'r') AND t.typrelid = 0
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO $PG_ROLE', r.name);
  END LOOP;
END
\$\$;
SQL
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
  write_hba
  ensure_run_dirs
  if pg_answers; then
    pcloud_log "postgres: reusing the cluster on 127.0.0.1:$PCLOUD_PG_PORT (access rules reloaded; log settings apply at its next start)"
  else
    start_cluster
  fi
  ensure_role
  ensure_database
  PCLOUD_DATABASE_URL="Host=127.0.0.1;Port=$PCLOUD_PG_PORT;Username=$PG_ROLE;Password=$(<"$PG_PWFILE");Database=$PG_DB"
  export PCLOUD_DATABASE_URL
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  pcloud_start_postgres
  printf 'PCLOUD_DATABASE_URL=%s\n' "$PCLOUD_DATABASE_URL"
fi
