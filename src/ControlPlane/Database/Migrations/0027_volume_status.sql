-- Persistent volumes (issue 12), continued from 0025.
-- Each release snapshots the volumes its processes mount (a JSON array of {id, name, mountPath, processes}; NULL on releases
-- made before volumes: none), so a container's mounts come from its release like its env and processes.
ALTER TABLE releases ADD COLUMN volumes jsonb NULL;

-- Observed state, written by the reconciler only: each Docker volume it made for an app, as it last saw it. No foreign keys:
-- a row outlives its desired row and its app (the Docker volume stays until a final verified backup lets it go).
CREATE TABLE volume_status (
    volume_id     uuid        PRIMARY KEY,
    app_id        uuid        NOT NULL,
    app_name      text        NOT NULL,
    name          text        NOT NULL,
    docker_name   text        NOT NULL,
    -- ready: exists and is wanted; missing: wanted, not made yet; orphaned: no desired row any more, kept; removed: gone.
    state         text        NOT NULL CHECK (state IN ('ready', 'missing', 'orphaned', 'removed')),
    -- Why it is in that state when it is not plain (e.g. "waiting for the final backup").
    reason        text        NULL,
    usage_bytes   bigint      NULL,
    measured_at   timestamptz NULL,
    -- Set while the last measurement is over the warning threshold (an event is written once per crossing), in words.
    warning       text        NULL,
    -- The image and user its root directory was last made writable for ("<image id> <user>"); NULL: never.
    prepared_for  text        NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX volume_status_app ON volume_status (app_id);
