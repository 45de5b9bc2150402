-- API keys of projects (CORTEX_AUTH_ENABLED): only a SHA-256 of each key is kept; the key is shown once.
CREATE TABLE project_keys (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects (id),
    key_hash    TEXT NOT NULL UNIQUE,
    key_prefix  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX project_keys_project ON project_keys (project_id);
