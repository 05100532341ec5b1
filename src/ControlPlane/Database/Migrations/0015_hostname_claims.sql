-- A hostname is one app's, across generated hostnames and custom domains, and the database says so: every app's
-- generated hostname and every domain holds a row here, written by the triggers below in the same transaction as the
-- app or domain (whoever writes it) and released with it. The primary key lets only one app hold a hostname, however
-- concurrent requests interleave: the second insert waits for the first transaction and then fails (23505).
CREATE TABLE hostname_claims (
    hostname    text        PRIMARY KEY,
    app_id      uuid        NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    kind        text        NOT NULL CHECK (kind IN ('generated', 'domain')),
    claimed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hostname_claims_app ON hostname_claims (app_id);

-- Before this, a domain could equal another app's generated hostname (added while that app was being created). The
-- generated hostname stays (it follows from the app's unique name); the domain goes, and its app gets a new
-- generation (its route changes) and a journal entry saying why.
WITH clashing AS (
    DELETE FROM domains d USING apps a
    WHERE a.generated_hostname = d.hostname AND a.id <> d.app_id
    RETURNING d.app_id, d.hostname
), bumped AS (
    UPDATE apps SET generation = generation + 1 WHERE id IN (SELECT app_id FROM clashing)
)
INSERT INTO app_events (app_id, action, reason, outcome, duration_ms, at)
SELECT app_id, 'RemoveDomain',
       format('custom domain %s was also another app''s generated hostname; a hostname has one owner now, so the generated one keeps it', hostname),
       'succeeded', 0, now()
FROM clashing;

INSERT INTO hostname_claims (hostname, app_id, kind, claimed_at)
SELECT generated_hostname, id, 'generated', created_at FROM apps;
INSERT INTO hostname_claims (hostname, app_id, kind, claimed_at)
SELECT hostname, app_id, 'domain', created_at FROM domains
ON CONFLICT (hostname) DO NOTHING;

CREATE FUNCTION pcloud_claim_generated_hostname() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.generated_hostname = OLD.generated_hostname THEN
            RETURN NULL;
        END IF;
        DELETE FROM hostname_claims WHERE hostname = OLD.generated_hostname AND app_id = OLD.id AND kind = 'generated';
    END IF;
    INSERT INTO hostname_claims (hostname, app_id, kind) VALUES (NEW.generated_hostname, NEW.id, 'generated');
    RETURN NULL;
END;
$$;

CREATE TRIGGER apps_claim_hostname AFTER INSERT OR UPDATE OF generated_hostname ON apps
    FOR EACH ROW EXECUTE FUNCTION pcloud_claim_generated_hostname();

CREATE FUNCTION pcloud_claim_domain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM hostname_claims WHERE hostname = OLD.hostname AND app_id = OLD.app_id AND kind = 'domain';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO hostname_claims (hostname, app_id, kind) VALUES (NEW.hostname, NEW.app_id, 'domain');
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER domains_claim_hostname AFTER INSERT OR DELETE OR UPDATE OF hostname, app_id ON domains
    FOR EACH ROW EXECUTE FUNCTION pcloud_claim_domain();
