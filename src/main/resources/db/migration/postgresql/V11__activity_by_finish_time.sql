-- The dashboard's chart counts a project's jobs finished per minute of the last hour from this index, not from every
-- job of the project.
CREATE INDEX ingest_jobs_project_finished ON ingest_jobs (project_id, completed_at) WHERE completed_at IS NOT NULL;
