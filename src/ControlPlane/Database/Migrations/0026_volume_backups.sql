-- Backups and restores of app volumes (issue 12, items 2 and 3). A backup counts only once it has been restored into a
-- scratch volume and every file's checksum compared: state 'verified'. Backup rows have no foreign key to apps or
-- app_volumes and keep the app's and volume's names: a final backup outlives the volume and the app it was taken of.

-- Who writes what: the API inserts manual backups ('requested'); the reconciler inserts scheduled, pre-restore and final
-- backups and writes every status column (state onwards).
CREATE TABLE volume_backups (
    id             uuid        PRIMARY KEY,
    app_id         uuid        NOT NULL,
    app_name       text        NOT NULL,
    volume_id      uuid        NOT NULL,
    volume_name    text        NOT NULL,
    docker_volume  text        NOT NULL,
    trigger        text        NOT NULL CHECK (trigger IN ('manual', 'schedule', 'pre-restore', 'final')),
    scheduled_for  timestamptz NULL,
    requested_at   timestamptz NOT NULL,
    state          text        NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'running', 'verifying', 'verified', 'failed')),
    reason         text        NULL,
    release_id     uuid        NULL,
    started_at     timestamptz NULL,
    finished_at    timestamptz NULL,
    verified_at    timestamptz NULL,
    size_bytes     bigint      NULL,
    data_bytes     bigint      NULL,
    file_count     integer     NULL,
    archive_sha256 text        NULL,
    progress_bytes bigint      NOT NULL DEFAULT 0,
    progress_files integer     NOT NULL DEFAULT 0,
    UNIQUE (volume_id, scheduled_for)
);
CREATE INDEX volume_backups_volume ON volume_backups (volume_id, requested_at DESC);
CREATE INDEX volume_backups_app ON volume_backups (app_id, requested_at DESC);
CREATE INDEX volume_backups_open ON volume_backups (requested_at) WHERE state IN ('requested', 'running', 'verifying');

-- Desired, written by the API (PUT .../backup-policy): a volume's schedule and retention. Keyed by the volume's id with no
-- foreign key, so the retention of a deleted volume's final backups is still known.
CREATE TABLE volume_backup_policies (
    volume_id  uuid        PRIMARY KEY,
    app_id     uuid        NOT NULL,
    schedule   text        NOT NULL,
    keep_last  integer     NOT NULL CHECK (keep_last BETWEEN 1 AND 1000),
    keep_days  integer     NOT NULL CHECK (keep_days BETWEEN 1 AND 3650),
    updated_at timestamptz NOT NULL
);

-- A restore: the API writes the request (backup, mode) and the switch request; the reconciler writes the rest.
CREATE TABLE volume_restores (
    id                    uuid        PRIMARY KEY,
    app_id                uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    volume_id             uuid        NOT NULL,
    volume_name           text        NOT NULL,
    backup_id             uuid        NULL REFERENCES volume_backups(id) ON DELETE SET NULL,
    mode                  text        NOT NULL CHECK (mode IN ('new-volume', 'in-place')),
    requested_at          timestamptz NOT NULL,
    switch_requested_at   timestamptz NULL,
    state                 text        NOT NULL DEFAULT 'requested'
                                      CHECK (state IN ('requested', 'backing-up', 'restoring', 'verifying', 'ready', 'switched', 'failed')),
    reason                text        NULL,
    target_volume         text        NULL,
    pre_restore_backup_id uuid        NULL,
    total_bytes           bigint      NULL,
    total_files           integer     NULL,
    progress_bytes        bigint      NOT NULL DEFAULT 0,
    progress_files        integer     NOT NULL DEFAULT 0,
    started_at            timestamptz NULL,
    ready_at              timestamptz NULL,
    finished_at           timestamptz NULL
);
CREATE INDEX volume_restores_volume ON volume_restores (volume_id, requested_at DESC);

-- Written by the reconciler when it performs a switch the owner asked for (volume_restores.switch_requested_at, or an
-- in-place restore): the Docker volume an app volume's containers mount instead of VolumeNames.DockerName(volume id).
-- The container spec reads it (see Reconciler/Backups/VolumeSwitches). The previous Docker volume is kept as it was.
CREATE TABLE volume_switches (
    volume_id     uuid        PRIMARY KEY,
    app_id        uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    docker_volume text        NOT NULL,
    restore_id    uuid        NOT NULL,
    switched_at   timestamptz NOT NULL
);

CREATE FUNCTION pcloud_notify_backups_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pcloud_backups_changed', COALESCE(NEW.app_id, OLD.app_id)::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER volume_backups_requested AFTER INSERT ON volume_backups
    FOR EACH ROW WHEN (NEW.trigger = 'manual') EXECUTE FUNCTION pcloud_notify_backups_changed();
CREATE TRIGGER volume_restores_requested AFTER INSERT ON volume_restores
    FOR EACH ROW EXECUTE FUNCTION pcloud_notify_backups_changed();
CREATE TRIGGER volume_backup_policies_changed AFTER INSERT OR UPDATE ON volume_backup_policies
    FOR EACH ROW EXECUTE FUNCTION pcloud_notify_backups_changed();
CREATE TRIGGER volume_restores_switch_requested AFTER UPDATE ON volume_restores
    FOR EACH ROW WHEN (OLD.switch_requested_at IS NULL AND NEW.switch_requested_at IS NOT NULL) EXECUTE FUNCTION pcloud_notify_backups_changed();
