-- An app is a set of named processes run from one release (issue 11): a web process (the app's hostnames, the HTTP health
-- check) and workers (no port). Desired state, written by the API: the definitions in app_processes, snapshotted on every
-- release (releases.processes) like the env; the replica counts stay live (a scale is a new generation, not a new release).
CREATE TABLE app_processes (
    app_id            uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    name              text        NOT NULL CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' AND name <> 'release'),
    kind              text        NOT NULL CHECK (kind IN ('web', 'worker')),
    -- A shell command line (sh -c) replacing the image's CMD; NULL: the Procfile's command for this name, else the image's CMD.
    command           text        NULL,
    replicas          integer     NOT NULL CHECK (replicas BETWEEN 0 AND 20),
    -- NULL: the app's limits.
    memory_mb         integer     NULL,
    cpus              double precision NULL,
    pids_limit        integer     NULL,
    -- A worker's exec liveness command; NULL: none.
    liveness_command  text        NULL,
    update_order      text        NOT NULL DEFAULT 'start-first' CHECK (update_order IN ('start-first', 'stop-first')),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (app_id, name)
);
-- At most one web process takes the app's hostnames.
CREATE UNIQUE INDEX app_processes_one_web ON app_processes (app_id) WHERE kind = 'web';

-- A release's processes as the API defined them when it was made (a JSON array of ProcessDefinition; NULL on releases made
-- before this migration: one web process running the image's CMD), the Procfile its build declared (recorded by the
-- reconciler once it has the image), and its release command.
ALTER TABLE releases
    ADD COLUMN processes                        jsonb   NULL,
    ADD COLUMN procfile                         jsonb   NULL,
    ADD COLUMN release_command                  text    NULL,
    ADD COLUMN release_command_timeout_seconds  integer NULL,
    -- Written by the reconciler: the release command ran and exited 0 (it runs once per release).
    ADD COLUMN release_command_succeeded_at     timestamptz NULL;

ALTER TABLE apps
    ADD COLUMN release_command                  text    NULL,
    ADD COLUMN release_command_timeout_seconds  integer NOT NULL DEFAULT 600 CHECK (release_command_timeout_seconds BETWEEN 1 AND 3600);

-- Observed state, written by the reconciler only: each wanted replica of each process of the release that runs, with its
-- crash bookkeeping (the app row's crash columns stay as the app's summary).
CREATE TABLE process_replicas (
    app_id              uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    process             text        NOT NULL,
    replica             integer     NOT NULL,
    status              text        NOT NULL,
    container_id        text        NULL,
    release_id          uuid        NULL,
    crash_count         integer     NOT NULL DEFAULT 0,
    restart_count       integer     NOT NULL DEFAULT 0,
    last_exit_code      integer     NULL,
    last_crash_at       timestamptz NULL,
    last_reason         text        NULL,
    restart_not_before  timestamptz NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (app_id, process, replica)
);

-- Which process and replica each recorded container was, for the dashboard's "under the hood" (NULL before: web 0).
ALTER TABLE app_containers
    ADD COLUMN process  text    NULL,
    ADD COLUMN replica  integer NULL,
    ADD COLUMN kind     text    NULL;

-- Every existing app becomes one web process: one replica, the image's CMD, the app's limits. Its container keeps its
-- spec hash (the default web process adds nothing to it), so nothing is restarted by this migration.
INSERT INTO app_processes (app_id, name, kind, command, replicas, created_at, updated_at)
SELECT id, 'web', 'web', NULL, 1, created_at, created_at FROM apps;

-- Its crash bookkeeping moves to that process's replica 0, so a crash loop in progress keeps its backoff.
INSERT INTO process_replicas (app_id, process, replica, status, crash_count, restart_count, last_exit_code, last_crash_at,
                              restart_not_before, updated_at)
SELECT id, 'web', 0,
       CASE WHEN status = 'crash-looping' THEN 'crash-looping' WHEN status = 'running' THEN 'running' ELSE 'pending' END,
       crash_count, 0, last_exit_code, last_crash_at, restart_not_before, COALESCE(status_updated_at, created_at)
FROM apps WHERE current_release_id IS NOT NULL OR crash_count > 0;
