-- Each container's life as the reconciler saw it: created -> started -> healthy -> serving -> draining -> removed,
-- with the equivalent `docker run` command (env values as references, never values). Written by the reconciler.
CREATE TABLE app_containers (
    container_id    text PRIMARY KEY,
    app_id          uuid        NOT NULL,
    release_id      uuid        NULL,
    name            text        NOT NULL,
    spec_hash       text        NOT NULL,
    network         text        NOT NULL,
    ip_address      text        NULL,
    docker_run      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    started_at      timestamptz NULL,
    healthy_at      timestamptz NULL,
    serving_at      timestamptz NULL,
    draining_at     timestamptz NULL,
    removed_at      timestamptz NULL,
    exit_code       integer     NULL,
    removal_reason  text        NULL
);
CREATE INDEX app_containers_app ON app_containers (app_id, created_at DESC);
