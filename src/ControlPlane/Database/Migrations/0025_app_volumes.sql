-- Persistent volumes (issue 12). Desired state, written by the API only: an app's named Docker volumes and where they are
-- mounted. The reconciler creates the Docker volume (named by VolumeNames.DockerName, labelled with instance, app and
-- volume) and reports on it in tables of its own. Deleting a row (or its app) never deletes data by itself: the reconciler
-- finds the labelled Docker volume without a desired row, takes a final verified backup, and only then removes it.
CREATE TABLE app_volumes (
    id           uuid        PRIMARY KEY,
    app_id       uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    mount_path   text        NOT NULL CHECK (mount_path LIKE '/%'),
    -- The processes that mount it; NULL: every process of the app.
    processes    text[]      NULL,
    created_at   timestamptz NOT NULL,
    UNIQUE (app_id, name),
    UNIQUE (app_id, mount_path)
);
CREATE INDEX app_volumes_app ON app_volumes (app_id);
