-- A release's progress, recorded by the reconciler as it happens: the stages it reached (queued is the release's own
-- created_at), the stage it failed at, the commit a git build checked out, and the build log while the build runs.

CREATE TABLE release_stages (
    release_id  uuid        NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    -- building, starting, health-checking, switching, draining, live (PersonalCloud.Contracts.Apps.ReleaseStages)
    stage       text        NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (release_id, stage)
);

ALTER TABLE releases
    ADD COLUMN failed_stage text NULL,
    ADD COLUMN git_commit   text NULL;

-- A build log is written while the build runs (succeeded and finished_at stay NULL until it ends). log_chars counts
-- every character the build ever printed, so a live reader knows what it missed when only the tail is kept.
ALTER TABLE release_build_logs
    ALTER COLUMN succeeded DROP NOT NULL,
    ALTER COLUMN finished_at DROP NOT NULL,
    ADD COLUMN log_chars bigint NOT NULL DEFAULT 0;
UPDATE release_build_logs SET log_chars = length(log);

-- Live progress streams (the API's SSE) wake on this; payload: the release id. They also poll, so a lost one is harmless.
CREATE FUNCTION pcloud_notify_release_progress() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pcloud_release_progress', NEW.release_id::text);
    RETURN NULL;
END;
$$;

CREATE FUNCTION pcloud_notify_release_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pcloud_release_progress', NEW.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER release_stage_reached AFTER INSERT ON release_stages
    FOR EACH ROW EXECUTE FUNCTION pcloud_notify_release_progress();
CREATE TRIGGER release_build_log_written AFTER INSERT OR UPDATE ON release_build_logs
    FOR EACH ROW EXECUTE FUNCTION pcloud_notify_release_progress();
CREATE TRIGGER release_status_changed AFTER UPDATE ON releases
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.image_digest IS DISTINCT FROM NEW.image_digest)
    EXECUTE FUNCTION pcloud_notify_release_status();

-- Env-change and rollback releases used to be written with the bare digest as their image: give them back the image
-- reference (and git source) of the release they were made from, following chains of such releases to the first.
WITH RECURSIVE chain (id, ancestor) AS (
    SELECT id, source_release_id FROM releases
    WHERE image LIKE 'sha256:%' AND source_release_id IS NOT NULL AND reason IN ('env', 'rollback')
    UNION ALL
    SELECT c.id, r.source_release_id FROM chain c JOIN releases r ON r.id = c.ancestor
    WHERE r.image LIKE 'sha256:%' AND r.source_release_id IS NOT NULL AND r.reason IN ('env', 'rollback')
)
UPDATE releases t
SET image = a.image, source_kind = a.source_kind, git_url = a.git_url, git_url_sealed = a.git_url_sealed, git_ref = a.git_ref
FROM chain c JOIN releases a ON a.id = c.ancestor
WHERE t.id = c.id AND a.image NOT LIKE 'sha256:%';

UPDATE apps a SET image = r.image
FROM releases r
WHERE r.id = a.desired_release_id AND a.image LIKE 'sha256:%' AND r.source_kind = 'image' AND r.image NOT LIKE 'sha256:%';

-- Releases that went live before stages were recorded: live when they went live, so none looks as if still deploying.
INSERT INTO release_stages (release_id, stage, at)
SELECT id, 'live', COALESCE(deployed_at, healthy_at, created_at) FROM releases WHERE status IN ('active', 'superseded')
ON CONFLICT DO NOTHING;
