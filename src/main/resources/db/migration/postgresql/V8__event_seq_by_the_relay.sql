-- seq is no longer taken from the project's row by the writing transaction (which held that row's lock until commit and
-- so serialised every writer of a project): an event is inserted without one, and the relay numbers events after they
-- committed, in the order they became visible (id: the order of insertion), per project, under its lease.
ALTER TABLE job_events DROP CONSTRAINT job_events_pkey;
ALTER TABLE job_events ADD COLUMN id BIGSERIAL PRIMARY KEY;
ALTER TABLE job_events ALTER COLUMN seq DROP NOT NULL;
CREATE UNIQUE INDEX job_events_project_seq ON job_events (project_id, seq);
CREATE INDEX job_events_unsequenced ON job_events (id) WHERE seq IS NULL;
