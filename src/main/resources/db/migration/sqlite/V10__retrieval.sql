-- Retrieval. A job may name the content it holds (document_key: the caller's stable name for it, such as a path or a
-- URL); a completed job with a key supersedes the earlier completed jobs of its project and key, in the transaction
-- that completes it, so search sees one version of each document.
ALTER TABLE ingest_jobs ADD COLUMN document_key TEXT;
ALTER TABLE ingest_jobs ADD COLUMN superseded_by TEXT;
CREATE INDEX ingest_jobs_document_key ON ingest_jobs (project_id, document_key) WHERE document_key IS NOT NULL;

-- Mirror mode now rests on document keys: a watched object's key (its s3:// URI) is its jobs' document key. The jobs
-- it made before get theirs, and so does a job a newer one was to retire on completion (supersedes_job_id, the
-- mechanism this replaces): it is superseded instead when that one completes.
UPDATE ingest_jobs SET document_key = (SELECT 's3://' || m.bucket || '/' || m.object_key FROM watch_mirror m
    WHERE m.job_id = ingest_jobs.id) WHERE id IN (SELECT job_id FROM watch_mirror);
UPDATE ingest_jobs SET document_key = (SELECT MAX(n.document_key) FROM ingest_jobs n WHERE n.supersedes_job_id = ingest_jobs.id)
    WHERE document_key IS NULL AND id IN (SELECT supersedes_job_id FROM ingest_jobs WHERE supersedes_job_id IS NOT NULL);
ALTER TABLE ingest_jobs DROP COLUMN supersedes_job_id;

-- A chunk's text hashed: its vector is keyed by it (unchanged text is never embedded twice).
ALTER TABLE document_chunks ADD COLUMN content_sha256 TEXT;
CREATE INDEX document_chunks_content ON document_chunks (content_sha256);

-- Keywords: FTS5 over the chunks' text (Porter stemming, BM25 ranking), kept in step by triggers. External content:
-- the text is stored once, in document_chunks; the index refers to its rowid.
CREATE VIRTUAL TABLE chunk_fts USING fts5(content, content='document_chunks', content_rowid='rowid',
    tokenize='porter unicode61');
CREATE TRIGGER document_chunks_fts_insert AFTER INSERT ON document_chunks BEGIN
    INSERT INTO chunk_fts (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER document_chunks_fts_delete AFTER DELETE ON document_chunks BEGIN
    INSERT INTO chunk_fts (chunk_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
INSERT INTO chunk_fts (chunk_fts) VALUES ('rebuild');

-- Vectors, one per chunk text and model (float32, little-endian).
CREATE TABLE chunk_embeddings (
    content_sha256 TEXT    NOT NULL,
    model          TEXT    NOT NULL,
    dimensions     INTEGER NOT NULL,
    vector         BLOB    NOT NULL,
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (content_sha256, model)
);
