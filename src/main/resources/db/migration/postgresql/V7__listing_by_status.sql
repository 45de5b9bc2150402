-- A listing filtered by status reads its page from this index (newest first), not from every job of the project.
CREATE INDEX ingest_jobs_project_status_listing ON ingest_jobs (project_id, status, created_at DESC, id DESC);
