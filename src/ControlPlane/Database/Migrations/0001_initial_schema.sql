-- Desired state (written by the API) and observed state (written by the reconciler) for apps.

CREATE TABLE apps (
    id                       uuid PRIMARY KEY,
    owner_id                 text        NOT NULL,
    name                     text        NOT NULL UNIQUE,
    image                    text        NULL,
    port                     integer     NULL CHECK (port BETWEEN 1 AND 65535),
    memory_mb                integer     NOT NULL,
    cpus                     double precision NOT NULL,
    pids_limit               integer     NOT NULL,
    security_profile         text        NOT NULL DEFAULT 'default',
    generated_hostname       text        NOT NULL UNIQUE,
    created_at               timestamptz NOT NULL,
    -- desired generation: bumped by every change of desired state; the reconciler reports the one it converged.
    generation               bigint      NOT NULL DEFAULT 1,
    restart_generation       integer     NOT NULL DEFAULT 0,
    -- observed state, written by the reconciler only
    status                   text        NOT NULL DEFAULT 'created',
    observed_generation      bigint      NOT NULL DEFAULT 0,
    current_release_id       uuid        NULL,
    last_deployed_at         timestamptz NULL,
    restart_count            integer     NOT NULL DEFAULT 0,
    last_error               text        NULL,
    status_updated_at        timestamptz NULL
);

CREATE TABLE releases (
    id               uuid PRIMARY KEY,
    app_id           uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    image            text        NOT NULL,
    image_digest     text        NULL,
    port             integer     NULL,
    status           text        NOT NULL DEFAULT 'pending',
    failure_reason   text        NULL,
    created_at       timestamptz NOT NULL,
    deployed_at      timestamptz NULL,
    rolled_back_at   timestamptz NULL
);
CREATE INDEX releases_app_created ON releases (app_id, created_at DESC);

ALTER TABLE apps ADD COLUMN desired_release_id uuid NULL REFERENCES releases(id) ON DELETE SET NULL;
ALTER TABLE apps ADD CONSTRAINT apps_current_release_fk FOREIGN KEY (current_release_id) REFERENCES releases(id) ON DELETE SET NULL;

CREATE TABLE environment_variables (
    id               uuid PRIMARY KEY,
    app_id           uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    key              text        NOT NULL,
    encrypted_value  text        NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (app_id, key)
);

CREATE TABLE domains (
    id               uuid PRIMARY KEY,
    app_id           uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    hostname         text        NOT NULL UNIQUE,
    verified_at      timestamptz NULL,
    proxy_target     text        NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX domains_app ON domains (app_id);

CREATE TABLE health_checks (
    id                 uuid PRIMARY KEY,
    app_id             uuid        NOT NULL UNIQUE REFERENCES apps(id) ON DELETE CASCADE,
    path               text        NOT NULL DEFAULT '/',
    interval_seconds   integer     NOT NULL DEFAULT 10,
    last_status        text        NULL,
    last_checked_at    timestamptz NULL
);

-- Bounded history: the reconciler keeps the newest N rows per app.
CREATE TABLE health_check_results (
    id               bigserial PRIMARY KEY,
    app_id           uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    release_id       uuid        NULL,
    checked_at       timestamptz NOT NULL,
    status           text        NOT NULL,
    http_status      integer     NULL,
    latency_ms       integer     NOT NULL,
    error            text        NULL
);
CREATE INDEX health_check_results_app_time ON health_check_results (app_id, checked_at DESC);

CREATE TABLE log_lines (
    id               bigserial PRIMARY KEY,
    app_id           uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    release_id       uuid        NULL,
    container_id     text        NOT NULL,
    stream           text        NOT NULL,
    message          text        NOT NULL,
    timestamp        timestamptz NOT NULL
);
CREATE INDEX log_lines_app_id ON log_lines (app_id, id DESC);
CREATE INDEX log_lines_container_time ON log_lines (container_id, timestamp DESC);
