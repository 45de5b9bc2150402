package routes.search;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import routes.db.Dialect;

/**
 * What the in-memory indexes (words and vectors, both Lucene) keep of a chunk beside its words or its vector: its id,
 * to read it back, and what the filters ask about (project, job, source, document key, path, media type); and the
 * filters as a Lucene query over those fields. One definition, so the two halves of a hybrid search filter alike.
 */
final class ChunkFields {

    /** The columns {@link #document} reads, over the aliases {@code j}, {@code d} and {@code c} of {@link Searchable}. */
    static final String COLUMNS = "j.id AS job_id, j.project_id, j.source_id, j.document_key, c.id AS chunk_id, d.path,"
            + " d.mime_type";

    private ChunkFields() {
    }

    /** A Lucene document holding the current row's chunk id and filter fields. */
    static Document document(Dialect dialect, ResultSet rs) throws SQLException {
        Document doc = new Document();
        doc.add(new StringField("chunk", dialect.uuid(rs, "chunk_id").toString(), Field.Store.YES));
        doc.add(new StringField("job", dialect.uuid(rs, "job_id").toString(), Field.Store.NO));
        doc.add(new StringField("project", dialect.uuid(rs, "project_id").toString(), Field.Store.NO));
        optional(doc, "source", dialect.uuid(rs, "source_id"));
        optional(doc, "key", rs.getString("document_key"));
        optional(doc, "path", rs.getString("path"));
        optional(doc, "mime", rs.getString("mime_type"));
        return doc;
    }

    /** The term that finds every chunk of a job (to drop it). */
    static Term job(UUID jobId) {
        return new Term("job", jobId.toString());
    }

    /** The chunks of the project that pass the filters. */
    static Query filter(UUID projectId, SearchFilters filters) {
        BooleanQuery.Builder query = new BooleanQuery.Builder()
                .add(new TermQuery(new Term("project", projectId.toString())), Occur.FILTER);
        term(query, "job", filters.jobId());
        term(query, "source", filters.sourceId());
        term(query, "key", filters.documentKey());
        term(query, "mime", filters.mimeType());
        if (filters.pathPrefix() != null) {
            query.add(new PrefixQuery(new Term("path", filters.pathPrefix())), Occur.FILTER);
        }
        return query.build();
    }

    /** The chunk id of a hit. */
    static UUID chunk(IndexSearcher searcher, ScoreDoc hit) throws java.io.IOException {
        return UUID.fromString(searcher.storedFields().document(hit.doc).get("chunk"));
    }

    private static void optional(Document doc, String field, Object value) {
        if (value != null) {
            doc.add(new StringField(field, value.toString(), Field.Store.NO));
        }
    }

    private static void term(BooleanQuery.Builder query, String field, Object value) {
        if (value != null) {
            query.add(new TermQuery(new Term(field, value.toString())), Occur.FILTER);
        }
    }
}
