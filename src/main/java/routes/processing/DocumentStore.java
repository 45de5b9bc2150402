package routes.processing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
                    (long) d.text().length(), now);
            insertChunks(c, id, d.chunks(), now);
            if (canonical == null) {
                canonical = id;
            }
        }
        return canonical;
    }

    private void insertChunks(Connection c, UUID documentId, List<Chunk> chunks, Instant now) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO document_chunks (id, document_id, ordinal, content, start_offset,"
                + " end_offset, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Chunk chunk : chunks) {
                Dialect d = db.dialect();
                d.bind(ps, 1, UUID.randomUUID());
                d.bind(ps, 2, documentId);
                ps.setInt(3, chunk.ordinal());
                ps.setString(4, chunk.text());
                ps.setInt(5, chunk.start());
                ps.setInt(6, chunk.end());
                d.bind(ps, 7, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public Map<String, List<DocumentSummary>> listForJob(UUID jobId) {
        return Map.of("items", db.inTransaction(c -> db.query(c,
                "SELECT d.id, d.path, d.title, d.mime_type, d.byte_size, (SELECT COUNT(*) FROM document_chunks k"
                        + " WHERE k.document_id = d.id) AS chunk_count FROM documents d WHERE d.job_id = ?"
                        + " ORDER BY d.parent_id IS NOT NULL, d.path, d.id",
                rs -> new DocumentSummary(db.dialect().uuid(rs, "id"), rs.getString("path"), rs.getString("title"),
                        rs.getString("mime_type"), db.dialect().nullableLong(rs, "byte_size"), rs.getLong("chunk_count")),
                jobId)));
    }
}
