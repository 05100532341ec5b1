-- Log search without a trigram index on every line. A GIN trigram index on log_lines.message cost ~80 % of storing a
-- line (16k lines/s stored during a flood instead of 31k). Instead the reconciler indexes chunks of up to 1,000 lines
-- of one container after they are stored: one row per chunk with the set of its three-character keys
-- (PersonalCloud.Contracts.Logs.LogSearchKeys), so a key shared by many lines of a chunk is indexed once.
-- A search asks for the chunks holding every key of its text and filters only their lines with ILIKE.
DROP INDEX IF EXISTS log_lines_message_trgm;

CREATE TABLE log_search_chunks (
    id            bigserial PRIMARY KEY,
    app_id        uuid    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    container_id  text    NOT NULL,
    first_id      bigint  NOT NULL,  -- the chunk's lines: this container's, first_id <= id <= last_id
    last_id       bigint  NOT NULL,
    keys          integer[] NOT NULL
);
-- The only index, on purpose: checking a chunk's keys row by row means reading (and decompressing) thousands of keys per
-- chunk, ~100x slower than the GIN index even when most chunks match; the search also turns sequential scans off.
CREATE INDEX log_search_chunks_keys ON log_search_chunks USING gin (keys);

-- Stored lines not yet in a chunk: a range of ids of one container, written in the same transaction as the lines.
-- A search filters these lines itself, so a line is searchable from the moment it is stored. The indexer waits until
-- a container has a chunk's worth of lines pending, or its oldest has waited a minute, so quiet apps get chunks too.
CREATE TABLE log_search_pending (
    id            bigserial PRIMARY KEY,
    app_id        uuid    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    container_id  text    NOT NULL,
    after_id      bigint  NOT NULL,  -- exclusive
    last_id       bigint  NOT NULL,  -- inclusive
    stored_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX log_search_pending_app ON log_search_pending (app_id, last_id DESC);

-- Lines stored before this migration: indexed by the reconciler like any others.
INSERT INTO log_search_pending (app_id, container_id, after_id, last_id)
SELECT app_id, container_id, min(id) - 1, max(id) FROM log_lines GROUP BY app_id, container_id;
