-- Rejected calls without a token or session are counted per client address, route, status and window: one row
-- stands for `count` calls, the first at `at`, the last at `last_at`. Retention deletes by `at`.
ALTER TABLE audit_log ADD COLUMN count integer NOT NULL DEFAULT 1 CHECK (count >= 1);
ALTER TABLE audit_log ADD COLUMN last_at timestamptz NULL;
CREATE INDEX audit_log_recorded_at ON audit_log (at);
