package routes.search;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a search is narrowed to, each optional: a source, a job, a document key, a path prefix, a media type. As SQL
 * over the aliases {@code j} (job) and {@code d} (document) here, and as a Lucene query for the indexes in memory
 * ({@link ChunkFields#filter}).
 */
public record SearchFilters(UUID sourceId, UUID jobId, String documentKey, String pathPrefix, String mimeType) {

    public static final SearchFilters NONE = new SearchFilters(null, null, null, null, null);

    /** The filters as SQL conditions (each starting with AND), their parameters added to {@code params}. */
    String sql(List<Object> params) {
        StringBuilder where = new StringBuilder();
        if (sourceId != null) {
            where.append(" AND j.source_id = ?");
            params.add(sourceId);
        }
        if (jobId != null) {
            where.append(" AND j.id = ?");
            params.add(jobId);
        }
        if (documentKey != null) {
            where.append(" AND j.document_key = ?");
            params.add(documentKey);
        }
        if (pathPrefix != null) {
            // a prefix, not a pattern: % and _ in it match themselves
            where.append(" AND substr(d.path, 1, ?) = ?");
            params.add(pathPrefix.codePointCount(0, pathPrefix.length()));
            params.add(pathPrefix);
        }
        if (mimeType != null) {
            where.append(" AND d.mime_type = ?");
            params.add(mimeType);
        }
        return where.toString();
    }

    static List<Object> params() {
        return new ArrayList<>();
    }
}
