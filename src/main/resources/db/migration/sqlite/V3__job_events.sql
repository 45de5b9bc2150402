-- The outbox of job changes: one row per event, written in the transaction of the change. seq grows strictly per
-- project (allocated from projects.event_seq inside the writing transaction, so events commit in seq order);
-- published_at is set once the relay has put the event on the audit topic.
ALTER TABLE projects ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;
-- The highest seq retention has purged: a resume from below it cannot be served from the table.
ALTER TABLE projects ADD COLUMN events_purged_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE job_events (
    project_id   TEXT    NOT NULL REFERENCES projects (id),
    seq          INTEGER NOT NULL,
    job_id       TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    published_at TEXT,
    PRIMARY KEY (project_id, seq)
);
CREATE INDEX job_events_unpublished ON job_events (project_id, seq) WHERE published_at IS NULL;
CREATE INDEX job_events_job ON job_events (job_id, seq);
CREATE INDEX job_events_age ON job_events (created_at);

-- Which instance relays the outbox to the audit topic: one at a time, under a lease.
CREATE TABLE event_relay (
    name        TEXT PRIMARY KEY,
    owner       TEXT,
    lease_until TEXT
);
INSERT INTO event_relay (name) VALUES ('audit');
