-- SQLite twin of the PostgreSQL migration (uuids and timestamps as TEXT). Watched S3 prefixes: one row per object
-- version seen, written from the listing before the object is read ('claimed' under a lease, then 'accepted' with
-- its job in one transaction, or 'rejected').
CREATE TABLE watch_ledger (
    bucket      TEXT NOT NULL,
    object_key  TEXT NOT NULL,
    etag        TEXT NOT NULL,
    version_id  TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL CHECK (state IN ('claimed', 'accepted', 'rejected')),
    owner       TEXT,
    lease_until TEXT,
    job_id      TEXT,
    reason      TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (bucket, object_key, etag, version_id)
);

-- Mirror mode: the job that holds a key's current content, and how many complete listings in a row missed the key.
CREATE TABLE watch_mirror (
    bucket           TEXT    NOT NULL,
    object_key       TEXT    NOT NULL,
    etag             TEXT    NOT NULL,
    job_id           TEXT    NOT NULL REFERENCES ingest_jobs (id),
    missing_listings INTEGER NOT NULL DEFAULT 0,
    updated_at       TEXT    NOT NULL,
    PRIMARY KEY (bucket, object_key)
);

-- The job a job replaces (mirror mode), retired in the transaction that completes this one.
ALTER TABLE ingest_jobs ADD COLUMN supersedes_job_id TEXT;
