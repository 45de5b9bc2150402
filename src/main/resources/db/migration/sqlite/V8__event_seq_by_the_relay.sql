-- seq is no longer taken from the project's row by the writing transaction: an event is inserted without one, and the
-- relay numbers events after they committed, in the order they became visible (id: the order of insertion), per
-- project, under its lease. SQLite cannot change a primary key in place: the table is rebuilt.
CREATE TABLE job_events_numbered (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   TEXT    NOT NULL REFERENCES projects (id),
    seq          INTEGER,
    job_id       TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    published_at TEXT
);
INSERT INTO job_events_numbered (project_id, seq, job_id, type, status, payload, created_at, published_at)
    SELECT project_id, seq, job_id, type, status, payload, created_at, published_at FROM job_events ORDER BY project_id, seq;
DROP TABLE job_events;
ALTER TABLE job_events_numbered RENAME TO job_events;
CREATE UNIQUE INDEX job_events_project_seq ON job_events (project_id, seq);
CREATE INDEX job_events_unpublished ON job_events (project_id, seq) WHERE published_at IS NULL;
CREATE INDEX job_events_job ON job_events (job_id, seq);
CREATE INDEX job_events_age ON job_events (created_at);
CREATE INDEX job_events_unsequenced ON job_events (id) WHERE seq IS NULL;
