-- The outbox of job changes: one row per event, written in the transaction of the change. seq grows strictly per
-- project (allocated from projects.event_seq under the project's row lock, so events commit in seq order);
-- published_at is set once the relay has put the event on the audit topic.
ALTER TABLE projects ADD COLUMN event_seq BIGINT NOT NULL DEFAULT 0;
-- The highest seq retention has purged: a resume from below it cannot be served from the table.
ALTER TABLE projects ADD COLUMN events_purged_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE job_events (
    project_id   UUID        NOT NULL REFERENCES projects (id),
    seq          BIGINT      NOT NULL,
    job_id       UUID        NOT NULL,
    type         VARCHAR(40) NOT NULL,
    status       VARCHAR(20) NOT NULL,
    payload      TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    PRIMARY KEY (project_id, seq)
);
CREATE INDEX job_events_unpublished ON job_events (project_id, seq) WHERE published_at IS NULL;
CREATE INDEX job_events_job ON job_events (job_id, seq);
CREATE INDEX job_events_age ON job_events (created_at);

-- Which instance relays the outbox to the audit topic: one at a time, under a lease.
CREATE TABLE event_relay (
    name        VARCHAR(40) PRIMARY KEY,
    owner       VARCHAR(64),
    lease_until TIMESTAMPTZ
);
INSERT INTO event_relay (name) VALUES ('audit');
