-- One row per platform process (and Caddy, which the reconciler checks): its heartbeat and whether it works.
-- Each row is written only by the process it names; the ControlPlane reads them for /healthz.
CREATE TABLE platform_components (
    name             text PRIMARY KEY,
    pid              integer     NOT NULL,
    started_at       timestamptz NOT NULL,
    heartbeat_at     timestamptz NOT NULL,
    healthy          boolean     NOT NULL,
    -- What is wrong and what to do, when not healthy.
    detail           text,
    unhealthy_since  timestamptz,
    -- Set by a graceful stop, so /healthz need not wait for the heartbeat to go stale.
    stopped_at       timestamptz
);

-- The route DNS responder runs in its own process and reloads on this; a periodic reload catches a missed one.
CREATE FUNCTION pcloud_notify_routes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pcloud_routes_changed', COALESCE(NEW.app_id, OLD.app_id)::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER routes_changed AFTER INSERT OR UPDATE OR DELETE ON routes
    FOR EACH ROW EXECUTE FUNCTION pcloud_notify_routes_changed();
