-- Cron jobs and one-off runs. The API writes what the owner asks for (cron_jobs; job_runs rows for "run now" and one-off
-- commands, and stop requests); the reconciler writes what happened (cron_job_status; job_runs rows for scheduled times,
-- and every run's start, end, exit code and outcome).

CREATE TABLE cron_jobs (
    id                         uuid PRIMARY KEY,
    app_id                     uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    name                       text        NOT NULL,
    schedule                   text        NOT NULL,
    time_zone                  text        NOT NULL DEFAULT 'UTC',
    command                    text        NOT NULL,
    concurrency_policy         text        NOT NULL DEFAULT 'forbid' CHECK (concurrency_policy IN ('forbid', 'allow', 'replace')),
    timeout_seconds            integer     NOT NULL CHECK (timeout_seconds BETWEEN 1 AND 86400),
    starting_deadline_seconds  integer     NULL CHECK (starting_deadline_seconds BETWEEN 1 AND 86400),
    suspended                  boolean     NOT NULL DEFAULT false,
    -- Scheduled times at or before this are never run: set at creation and whenever the schedule or time zone changes.
    schedule_from              timestamptz NOT NULL,
    -- Set by resume: scheduled times while suspended are not run late, and a suspension by the platform ends.
    resumed_at                 timestamptz NULL,
    created_at                 timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL,
    UNIQUE (app_id, name)
);

-- Reconciler-owned: where the scheduler stands for each job and whether it needs the owner.
CREATE TABLE cron_job_status (
    job_id                 uuid PRIMARY KEY REFERENCES cron_jobs(id) ON DELETE CASCADE,
    -- Every scheduled time up to this one was handled (started, skipped or recorded as missed).
    scheduled_through      timestamptz NOT NULL,
    consecutive_failures   integer     NOT NULL DEFAULT 0,
    attention              text        NULL CHECK (attention IN ('failing', 'missed', 'auto-suspended')),
    attention_reason       text        NULL,
    attention_since        timestamptz NULL,
    auto_suspended_at      timestamptz NULL,
    updated_at             timestamptz NOT NULL
);

CREATE TABLE job_runs (
    id                 uuid PRIMARY KEY,
    app_id             uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    job_id             uuid        NULL REFERENCES cron_jobs(id) ON DELETE CASCADE,
    kind               text        NOT NULL CHECK (kind IN ('job', 'run')),
    trigger            text        NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    command            text        NOT NULL,
    process            text        NULL,
    timeout_seconds    integer     NOT NULL CHECK (timeout_seconds BETWEEN 1 AND 86400),
    -- The job's starting deadline when the run was scheduled (a queued run past it is recorded as missed).
    starting_deadline_seconds integer NULL,
    scheduled_for      timestamptz NULL,
    requested_at       timestamptz NOT NULL,
    stop_requested_at  timestamptz NULL,
    -- reconciler-owned from here
    release_id         uuid        NULL,
    container_id       text        NULL,
    started_at         timestamptz NULL,
    -- Why the reconciler stopped it (timeout, replaced), before the stop: the outcome it gets once the container exits.
    stop_outcome       text        NULL,
    stop_reason        text        NULL,
    ended_at           timestamptz NULL,
    exit_code          integer     NULL,
    outcome            text        NULL CHECK (outcome IN ('succeeded', 'failed', 'timed-out', 'skipped', 'missed', 'stopped')),
    reason             text        NULL,
    CHECK ((kind = 'job') = (job_id IS NOT NULL)),
    -- Each scheduled time of a job fires at most once: the row is inserted before its container starts.
    UNIQUE (job_id, scheduled_for)
);
CREATE INDEX job_runs_open ON job_runs (requested_at) WHERE outcome IS NULL;
CREATE INDEX job_runs_job ON job_runs (job_id, requested_at DESC);
CREATE INDEX job_runs_app ON job_runs (app_id, kind, requested_at DESC);

-- The job scheduler wakes on a job's change or a run request (payload: the app id); it also polls.
CREATE FUNCTION pcloud_notify_jobs_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pcloud_jobs_changed', COALESCE(NEW.app_id, OLD.app_id)::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER cron_jobs_changed AFTER INSERT OR UPDATE OR DELETE ON cron_jobs
    FOR EACH ROW EXECUTE FUNCTION pcloud_notify_jobs_changed();
CREATE TRIGGER job_runs_requested AFTER INSERT ON job_runs
    FOR EACH ROW WHEN (NEW.trigger = 'manual') EXECUTE FUNCTION pcloud_notify_jobs_changed();
CREATE TRIGGER job_runs_stop_requested AFTER UPDATE ON job_runs
    FOR EACH ROW WHEN (OLD.stop_requested_at IS NULL AND NEW.stop_requested_at IS NOT NULL) EXECUTE FUNCTION pcloud_notify_jobs_changed();

-- Live run output streams wake when a run starts or ends (payload: the run id).
CREATE FUNCTION pcloud_notify_run_progress() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pcloud_run_progress', NEW.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER job_runs_progress AFTER INSERT OR UPDATE ON job_runs
    FOR EACH ROW EXECUTE FUNCTION pcloud_notify_run_progress();
