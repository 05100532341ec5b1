-- Platform-wide facts one process records for the others to show: key 'caddy_config' holds the /config/apps the
-- reconciler loaded into Caddy (or found already there), for the dashboard's "under the hood" view.
CREATE TABLE platform_state (
    key         text PRIMARY KEY,
    value       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL
);
