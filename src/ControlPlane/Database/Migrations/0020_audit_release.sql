-- The release a call made (a deploy, an env change, a rollback): the audit log links to how it went.
ALTER TABLE audit_log ADD COLUMN release_id uuid NULL;
