-- Logs you can search and resume, the reconciler's event journal, and the audit log.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Trigram index: substring search (ILIKE '%...%') over an app's lines without a sequential scan.
CREATE INDEX log_lines_message_trgm ON log_lines USING gin (message gin_trgm_ops);
CREATE INDEX log_lines_app_time ON log_lines (app_id, timestamp DESC);

-- Where each container's collection stands: the engine's timestamp of the last stored line, to the nanosecond
-- (Postgres keeps microseconds), written in the same transaction as the lines.
CREATE TABLE log_cursors (
    container_id     text PRIMARY KEY,
    app_id           uuid        NOT NULL,
    last_unix_nanos  bigint      NOT NULL,
    lines_stored     bigint      NOT NULL DEFAULT 0,
    lines_dropped    bigint      NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL
);

ALTER TABLE apps ADD COLUMN mask_secrets_in_logs boolean NOT NULL DEFAULT true;
ALTER TABLE apps ADD COLUMN log_retention_lines integer NULL;
ALTER TABLE apps ADD COLUMN log_retention_hours integer NULL;

-- What the reconciler did to an app and why: one row per action, with outcome and duration.
CREATE TABLE app_events (
    id            bigserial PRIMARY KEY,
    app_id        uuid        NOT NULL,
    release_id    uuid        NULL,
    generation    bigint      NULL,
    action        text        NOT NULL,
    reason        text        NOT NULL,
    outcome       text        NOT NULL,
    error         text        NULL,
    duration_ms   integer     NOT NULL,
    at            timestamptz NOT NULL
);
CREATE INDEX app_events_app_id ON app_events (app_id, id DESC);

-- Every mutating API call: who, what, when, which app, result. Never a secret value.
CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor         text        NOT NULL,
    method        text        NOT NULL,
    route         text        NOT NULL,
    path          text        NOT NULL,
    app_id        uuid        NULL,
    status_code   integer     NOT NULL,
    summary       text        NULL,
    remote_ip     text        NULL,
    duration_ms   integer     NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (id DESC);
CREATE INDEX audit_log_app ON audit_log (app_id, id DESC);
