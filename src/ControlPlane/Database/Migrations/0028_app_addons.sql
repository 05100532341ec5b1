-- Managed add-ons (issue 12): a Postgres server per app. Desired state, written by the API only: which add-on an app has,
-- the database and user it gets and the generated password, sealed like env values (SecretBox, bound to the app and a key
-- name). database_url_sealed is DATABASE_URL sealed under the key 'DATABASE_URL', so a release's env snapshot takes it as
-- it is. Deleting a row never deletes data: the add-on's Docker volume is labelled and kept (see docs/operations.md).
CREATE TABLE app_addons (
    id                   uuid        PRIMARY KEY,
    app_id               uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    kind                 text        NOT NULL CHECK (kind IN ('postgres')),
    version              text        NOT NULL,
    host                 text        NOT NULL,
    database_name        text        NOT NULL,
    user_name            text        NOT NULL,
    password_sealed      text        NOT NULL,
    database_url_sealed  text        NOT NULL,
    created_at           timestamptz NOT NULL,
    UNIQUE (app_id, kind)
);

-- Observed state, written by the reconciler only: what its add-on controller last saw of each add-on's server.
CREATE TABLE addon_status (
    addon_id      uuid        PRIMARY KEY REFERENCES app_addons(id) ON DELETE CASCADE,
    app_id        uuid        NOT NULL,
    state         text        NOT NULL,
    message       text        NULL,
    container_id  text        NULL,
    volume_name   text        NULL,
    ready_at      timestamptz NULL,
    updated_at    timestamptz NOT NULL
);
