-- Watched S3 prefixes. One row per object version seen under a watched prefix, keyed by bucket, key and ETag
-- (version_id where the store reports one, else ''). The row is written from the listing, before the object is read:
-- 'claimed' by one instance under a lease while it reads the object; 'accepted' in the transaction that creates the
-- object's job; 'rejected' when the object broke a rule. A claim whose lease ran out (its instance died) is taken
-- over by another instance.
CREATE TABLE watch_ledger (
    bucket      VARCHAR(255)  NOT NULL,
    object_key  VARCHAR(1024) NOT NULL,
    etag        VARCHAR(255)  NOT NULL,
    version_id  VARCHAR(1024) NOT NULL DEFAULT '',
    state       VARCHAR(16)   NOT NULL,
    owner       VARCHAR(64),
    lease_until TIMESTAMPTZ,
    job_id      UUID,
    reason      TEXT,
    created_at  TIMESTAMPTZ   NOT NULL,
    updated_at  TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (bucket, object_key, etag, version_id),
    CONSTRAINT watch_ledger_state_known CHECK (state IN ('claimed', 'accepted', 'rejected'))
);

-- Mirror mode: the job that holds a key's current content, and how many complete listings in a row have not seen
-- the key (two retire its job).
CREATE TABLE watch_mirror (
    bucket           VARCHAR(255)  NOT NULL,
    object_key       VARCHAR(1024) NOT NULL,
    etag             VARCHAR(255)  NOT NULL,
    job_id           UUID          NOT NULL REFERENCES ingest_jobs (id),
    missing_listings INTEGER       NOT NULL DEFAULT 0,
    updated_at       TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (bucket, object_key)
);

-- The job a job replaces (mirror mode: the previous content of the same key). It is retired in the transaction
-- that completes this one, so readers see one version or the other, never both or neither.
ALTER TABLE ingest_jobs ADD COLUMN supersedes_job_id UUID;
