-- API keys of projects (CORTEX_AUTH_ENABLED): only a SHA-256 of each key is kept; the key is shown once.
CREATE TABLE project_keys (
    id          UUID PRIMARY KEY,
    project_id  UUID NOT NULL REFERENCES projects (id),
    key_hash    VARCHAR(64) NOT NULL UNIQUE,
    key_prefix  VARCHAR(16) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX project_keys_project ON project_keys (project_id);
