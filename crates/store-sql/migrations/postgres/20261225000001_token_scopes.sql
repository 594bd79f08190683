-- What an API token may do: read, metrics or admin. Tokens made before scopes
-- existed keep every right they had.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin';
