-- A git URL with credentials is kept sealed (SecretBox, bound to the app id); git_url then holds it masked for display.
ALTER TABLE releases ADD COLUMN git_url_sealed text NULL;
