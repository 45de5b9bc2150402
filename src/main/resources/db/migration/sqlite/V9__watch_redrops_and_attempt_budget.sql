-- A watched object's version is its key and ETag, but the same bytes put again (a fixed Content-Type, a file whose
-- job failed) are a new drop: the ledger keeps the listed Last-Modified of the version it judged, and a later one is
-- judged afresh.
ALTER TABLE watch_ledger ADD COLUMN object_modified TEXT;

-- attempts counts every attempt that began (claims); spared_attempts those not charged to the job (handed back at
-- shutdown, storage unreachable); vanished_attempts those whose worker died without an outcome (taken over);
-- max_attempts the retry budget of the route policy that last judged the job (null: the settings' budget).
ALTER TABLE ingest_jobs ADD COLUMN spared_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ingest_jobs ADD COLUMN vanished_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ingest_jobs ADD COLUMN max_attempts INTEGER;

-- Readiness writes here and rolls back: a database that answers reads but refuses writes (read-only, full) is not
-- ready, as every job change is a write.
CREATE TABLE readiness_probe (
    id        INTEGER PRIMARY KEY,
    probed_at TEXT NOT NULL
);
