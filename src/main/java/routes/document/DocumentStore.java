package routes.document;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import routes.db.Database;
import routes.db.Dialect;

/** The documents and document_chunks tables. */
public final class DocumentStore {

    /** A stored document as the documents route lists it. */
    @JsonPropertyOrder({"id", "path", "title", "mime_type", "byte_size", "chunk_count"})
    public record DocumentSummary(@JsonProperty("id") UUID id, @JsonProperty("path") String path,
            @JsonProperty("title") String title, @JsonProperty("mime_type") String mimeType,
            @JsonProperty("byte_size") Long byteSize, @JsonProperty("chunk_count") long chunkCount) {
    }

    /** A stored chunk as the chunks route lists it, with what a retrieval system needs to cite it. */
    @JsonPropertyOrder({"id", "document_id", "ordinal", "start_offset", "end_offset", "path", "title", "content"})
    public record ChunkView(@JsonProperty("id") UUID id, @JsonProperty("document_id") UUID documentId,
            @JsonProperty("ordinal") int ordinal, @JsonProperty("start_offset") int startOffset,
            @JsonProperty("end_offset") int endOffset, @JsonProperty("path") String path,
            @JsonProperty("title") String title, @JsonProperty("content") String content) {
    }

    /** One page of a document's chunks, in ordinal order; {@code nextCursor} is null on the last page. */
    @JsonPropertyOrder({"items", "nextCursor", "total"})
    public record ChunkPage(@JsonProperty("items") List<ChunkView> items, @JsonProperty("nextCursor") String nextCursor,
            @JsonProperty("total") long total) {
    }

    private final Database db;

    public DocumentStore(Database db) {
        this.db = db;
    }

    /**
     * Replaces whatever an earlier attempt of the job stored with this attempt's documents, inside the caller's
     * transaction, so a job never has two sets. Returns the id of the first document, the canonical one.
     */
    public UUID replaceForJob(Connection c, UUID projectId, UUID jobId, List<ExtractedDocument> documents,
            boolean firstIsParent) throws SQLException {
        db.update(c, "DELETE FROM document_chunks WHERE document_id IN (SELECT id FROM documents WHERE job_id = ?)", jobId);
        db.update(c, "UPDATE documents SET parent_id = NULL WHERE job_id = ?", jobId);
        db.update(c, "DELETE FROM documents WHERE job_id = ?", jobId);
        Instant now = Dialect.now();
        UUID canonical = null;
        for (ExtractedDocument d : documents) {
            UUID id = UUID.randomUUID();
            UUID parent = firstIsParent && canonical != null ? canonical : null;
            db.update(c, "INSERT INTO documents (id, project_id, job_id, parent_id, path, title, mime_type, byte_size, checksum,"
                    + " char_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    id, projectId, jobId, parent, d.path(), d.title(), d.mimeType(), d.byteSize(), d.checksum(),
                    (long) d.characters(), now);
            insertChunks(c, id, d.chunks(), now);
            if (canonical == null) {
                canonical = id;
            }
        }
        return canonical;
    }

    /**
     * Stores a batch of an attempt's documents in its own transaction, marked as staged by the attempt: no reader
     * sees them until {@link #publish} (a tree's documents go in batches, so memory does not grow with the tree).
     * Returns their ids, in order.
     */
    public List<UUID> stage(UUID projectId, UUID jobId, String attempt, UUID parent, List<ExtractedDocument> documents) {
        Instant now = Dialect.now();
        return db.inTransaction(c -> {
            List<UUID> ids = new java.util.ArrayList<>();
            for (ExtractedDocument d : documents) {
                UUID id = UUID.randomUUID();
                db.update(c, "INSERT INTO documents (id, project_id, job_id, parent_id, path, title, mime_type, byte_size,"
                        + " checksum, char_count, created_at, staged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        id, projectId, jobId, parent, d.path(), d.title(), d.mimeType(), d.byteSize(), d.checksum(),
                        (long) d.characters(), now, attempt);
                insertChunks(c, id, d.chunks(), now);
                ids.add(id);
            }
            return ids;
        });
    }

    /**
     * In the transaction that completes the job: the attempt's staged documents become the job's, and every other
     * document of the job (an earlier attempt's, published or staged) goes. Readers see one set or the other.
     */
    public void publish(Connection c, UUID jobId, String attempt) throws SQLException {
        String others = " WHERE job_id = ? AND (staged_by IS NULL OR staged_by <> ?)";
        db.update(c, "DELETE FROM document_chunks WHERE document_id IN (SELECT id FROM documents" + others + ")",
                jobId, attempt);
        db.update(c, "UPDATE documents SET parent_id = NULL" + others, jobId, attempt);
        db.update(c, "DELETE FROM documents" + others, jobId, attempt);
        db.update(c, "UPDATE documents SET staged_by = NULL WHERE job_id = ? AND staged_by = ?", jobId, attempt);
    }

    /**
     * Staged documents no attempt will publish: those of jobs that ended (failed, cancelled, or completed by another
     * attempt). For the leftover sweep; staged documents of a queued or running job may still be published.
     */
    public int purgeUnpublished() {
        String orphaned = "SELECT d.id FROM documents d JOIN ingest_jobs j ON j.id = d.job_id WHERE d.staged_by IS NOT NULL"
                + " AND j.status IN ('completed', 'failed', 'cancelled')";
        return db.inTransaction(c -> {
            db.update(c, "DELETE FROM document_chunks WHERE document_id IN (" + orphaned + ")");
            db.update(c, "UPDATE documents SET parent_id = NULL WHERE id IN (" + orphaned + ")");
            return db.update(c, "DELETE FROM documents WHERE id IN (" + orphaned + ")");
        });
    }

    private void insertChunks(Connection c, UUID documentId, List<Chunk> chunks, Instant now) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO document_chunks (id, document_id, ordinal, content, start_offset,"
                + " end_offset, created_at, content_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Chunk chunk : chunks) {
                Dialect d = db.dialect();
                d.bind(ps, 1, UUID.randomUUID());
                d.bind(ps, 2, documentId);
                ps.setInt(3, chunk.ordinal());
                ps.setString(4, chunk.text());
                ps.setInt(5, chunk.start());
                ps.setInt(6, chunk.end());
                d.bind(ps, 7, now);
                ps.setString(8, chunk.sha256());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * A page of the chunks of a document of the project (not of a deleted job), after ordinal {@code afterOrdinal};
     * empty when there is no such document.
     */
    public java.util.Optional<ChunkPage> chunks(UUID projectId, UUID documentId, int afterOrdinal, int limit) {
        return db.readTransaction(c -> {
            var document = db.queryOne(c, "SELECT d.path, d.title FROM documents d JOIN ingest_jobs j ON j.id = d.job_id"
                    + " WHERE d.id = ? AND d.project_id = ? AND j.deleted_at IS NULL AND d.staged_by IS NULL",
                    rs -> new String[] {rs.getString("path"), rs.getString("title")}, documentId, projectId);
            if (document.isEmpty()) {
                return java.util.Optional.<ChunkPage>empty();
            }
            String path = document.get()[0];
            String title = document.get()[1];
            List<ChunkView> rows = db.query(c, "SELECT id, ordinal, start_offset, end_offset, content FROM document_chunks"
                    + " WHERE document_id = ? AND ordinal > ? ORDER BY ordinal LIMIT ?",
                    rs -> new ChunkView(db.dialect().uuid(rs, "id"), documentId, rs.getInt("ordinal"),
                            rs.getInt("start_offset"), rs.getInt("end_offset"), path, title, rs.getString("content")),
                    documentId, afterOrdinal, limit + 1);
            long total = db.queryOne(c, "SELECT COUNT(*) AS n FROM document_chunks WHERE document_id = ?",
                    rs -> rs.getLong("n"), documentId).orElse(0L);
            boolean more = rows.size() > limit;
            List<ChunkView> items = more ? rows.subList(0, limit) : rows;
            String next = more ? ChunkCursor.encode(items.get(items.size() - 1).ordinal()) : null;
            return java.util.Optional.of(new ChunkPage(List.copyOf(items), next, total));
        });
    }

    /** One chunk of the project (a search result's link), unless its job is deleted. */
    public java.util.Optional<ChunkView> chunk(UUID projectId, UUID chunkId) {
        return db.read(c -> db.queryOne(c, "SELECT c.id, c.document_id, c.ordinal, c.start_offset, c.end_offset,"
                + " d.path, d.title, c.content FROM document_chunks c JOIN documents d ON d.id = c.document_id"
                + " JOIN ingest_jobs j ON j.id = d.job_id WHERE c.id = ? AND d.project_id = ? AND j.deleted_at IS NULL"
                + " AND d.staged_by IS NULL", rs -> new ChunkView(db.dialect().uuid(rs, "id"),
                        db.dialect().uuid(rs, "document_id"), rs.getInt("ordinal"), rs.getInt("start_offset"),
                        rs.getInt("end_offset"), rs.getString("path"), rs.getString("title"), rs.getString("content")),
                chunkId, projectId));
    }

    /** One page of a job's documents; {@code nextCursor} is null on the last page, {@code total} counts them all. */
    @JsonPropertyOrder({"items", "nextCursor", "total"})
    public record DocumentPage(@JsonProperty("items") List<DocumentSummary> items,
            @JsonProperty("nextCursor") String nextCursor, @JsonProperty("total") long total) {
    }

    /** A row of the listing with where it sorts, for the next page's cursor. */
    private record Listed(DocumentSummary summary, int child) {
    }

    /**
     * A page of the job's documents: the root of a tree (path {@code .}) first, then by path. Read in one transaction
     * with their count; a page after {@code after} (null: the first).
     */
    public DocumentPage listForJob(UUID jobId, DocumentCursor after, int limit) {
        String child = "(CASE WHEN d.parent_id IS NULL THEN 0 ELSE 1 END)";
        return db.readTransaction(c -> {
            List<Object> params = new java.util.ArrayList<>(List.of(jobId));
            String from = "";
            if (after != null) {
                from = " AND (" + child + ", d.path, d.id) > (?, ?, ?)";
                params.addAll(List.of(after.child(), after.path(), after.id()));
            }
            params.add(limit + 1);
            List<Listed> rows = db.query(c, "SELECT d.id, d.path, d.title, d.mime_type, d.byte_size, " + child
                    + " AS child, (SELECT COUNT(*) FROM document_chunks k WHERE k.document_id = d.id) AS chunk_count"
                    + " FROM documents d WHERE d.job_id = ? AND d.staged_by IS NULL" + from
                    + " ORDER BY " + child + ", d.path, d.id LIMIT ?",
                    rs -> new Listed(new DocumentSummary(db.dialect().uuid(rs, "id"), rs.getString("path"),
                            rs.getString("title"), rs.getString("mime_type"), db.dialect().nullableLong(rs, "byte_size"),
                            rs.getLong("chunk_count")), rs.getInt("child")), params.toArray());
            long total = db.queryOne(c, "SELECT COUNT(*) AS n FROM documents WHERE job_id = ? AND staged_by IS NULL",
                    rs -> rs.getLong("n"), jobId).orElse(0L);
            String next = null;
            if (rows.size() > limit) {
                rows = rows.subList(0, limit);
                Listed last = rows.get(limit - 1);
                next = new DocumentCursor(last.child(), last.summary().path(), last.summary().id()).encode();
            }
            return new DocumentPage(rows.stream().map(Listed::summary).toList(), next, total);
        });
    }
}
