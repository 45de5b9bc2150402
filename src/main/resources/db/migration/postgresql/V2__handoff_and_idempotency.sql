-- When the job's current message was sent to the queue, and when that message is due (a retry waits for it).
-- A queued job without a hand-off, or whose message is long overdue, is handed over again by recovery.
ALTER TABLE ingest_jobs ADD COLUMN handed_off_at TIMESTAMPTZ;
ALTER TABLE ingest_jobs ADD COLUMN next_attempt_at TIMESTAMPTZ;
CREATE INDEX ingest_jobs_recovery ON ingest_jobs (status, next_attempt_at);

-- Idempotency-Key of the creating routes: one job per (project, key); the fingerprint tells a replay from a
-- different request under the same key.
CREATE TABLE idempotency_keys (
    project_id  UUID NOT NULL REFERENCES projects (id),
    key         VARCHAR(255) NOT NULL,
    fingerprint VARCHAR(64) NOT NULL,
    job_id      UUID NOT NULL REFERENCES ingest_jobs (id),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (project_id, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
