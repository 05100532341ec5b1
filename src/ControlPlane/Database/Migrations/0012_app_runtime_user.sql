-- An app runs as a non-root user when its image names none, unless its owner asked for root at creation.
-- The release snapshot carries the choice, so a release always runs as it did (NULL on older releases: not root).
ALTER TABLE apps ADD COLUMN run_as_root boolean NOT NULL DEFAULT false;
ALTER TABLE releases ADD COLUMN run_as_root boolean NULL;
