-- Releases become immutable snapshots (image or source, env, port, limits, health settings); rollout, crash-loop and
-- routing state the reconciler needs to survive its own restarts.

ALTER TABLE releases
    ADD COLUMN source_kind        text        NOT NULL DEFAULT 'image' CHECK (source_kind IN ('image', 'archive', 'git')),
    ADD COLUMN git_url            text        NULL,
    ADD COLUMN git_ref            text        NULL,
    -- sealed env values copied at release time: {"KEY": "pcv1...."}; same app and key, so the same associated data opens them
    ADD COLUMN env_snapshot       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN memory_mb          integer     NULL,
    ADD COLUMN cpus               double precision NULL,
    ADD COLUMN pids_limit         integer     NULL,
    ADD COLUMN security_profile   text        NULL,
    ADD COLUMN health_path        text        NULL,
    ADD COLUMN health_timeout_seconds integer NULL,
    ADD COLUMN healthy_threshold  integer     NULL,
    ADD COLUMN deploy_deadline_seconds integer NULL,
    ADD COLUMN drain_seconds      integer     NULL,
    ADD COLUMN stop_timeout_seconds integer   NULL,
    ADD COLUMN source_release_id  uuid        NULL REFERENCES releases(id) ON DELETE SET NULL,
    ADD COLUMN reason             text        NOT NULL DEFAULT 'deploy',
    ADD COLUMN started_at         timestamptz NULL,
    ADD COLUMN healthy_at         timestamptz NULL,
    ADD COLUMN failed_at          timestamptz NULL;

-- Build context of a release deployed from a source archive (tar.gz with a Dockerfile), until it is built.
CREATE TABLE release_sources (
    release_id   uuid PRIMARY KEY REFERENCES releases(id) ON DELETE CASCADE,
    archive      bytea       NOT NULL,
    created_at   timestamptz NOT NULL
);

-- Output of `docker build` for a release built from source, kept as its build log.
CREATE TABLE release_build_logs (
    release_id   uuid PRIMARY KEY REFERENCES releases(id) ON DELETE CASCADE,
    log          text        NOT NULL,
    succeeded    boolean     NOT NULL,
    finished_at  timestamptz NOT NULL
);

ALTER TABLE health_checks
    ADD COLUMN timeout_seconds          integer NOT NULL DEFAULT 2,
    ADD COLUMN healthy_threshold        integer NOT NULL DEFAULT 1,
    ADD COLUMN unhealthy_threshold      integer NOT NULL DEFAULT 3,
    ADD COLUMN deploy_deadline_seconds  integer NOT NULL DEFAULT 60,
    ADD COLUMN consecutive_failures     integer NOT NULL DEFAULT 0;

ALTER TABLE apps
    ADD COLUMN drain_seconds            integer NOT NULL DEFAULT 3,
    ADD COLUMN stop_timeout_seconds     integer NOT NULL DEFAULT 10,
    -- crash loop state (reconciler-owned)
    ADD COLUMN crash_count              integer NOT NULL DEFAULT 0,
    ADD COLUMN last_exit_code           integer NULL,
    ADD COLUMN last_crash_at            timestamptz NULL,
    ADD COLUMN restart_not_before       timestamptz NULL;

-- The routing table the reconciler's DNS responder serves: which container addresses receive an app's traffic.
CREATE TABLE routes (
    app_id       uuid PRIMARY KEY,
    app_name     text        NOT NULL,
    hostnames    text[]      NOT NULL,
    upstreams    text[]      NOT NULL,
    updated_at   timestamptz NOT NULL
);
