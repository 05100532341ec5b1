-- What the host can give apps, as the container engine reports it (/info: NCPU, MemTotal): one row, written only by
-- the reconciler (at start and every few minutes). The API checks app limits against it and never asks the engine.
CREATE TABLE host_capacity (
    id           boolean     PRIMARY KEY DEFAULT true CHECK (id),
    cpus         integer     NOT NULL CHECK (cpus > 0),
    memory_bytes bigint      NOT NULL CHECK (memory_bytes > 0),
    observed_at  timestamptz NOT NULL
);
