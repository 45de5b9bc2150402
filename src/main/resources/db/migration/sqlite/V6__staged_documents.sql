-- A tree's documents are stored in batches while it is indexed, marked with the attempt that stores them; they
-- become the job's documents (staged_by NULL), replacing any earlier set, in the transaction that completes it.
ALTER TABLE documents ADD COLUMN staged_by TEXT;
CREATE INDEX documents_staged ON documents (job_id, staged_by);
