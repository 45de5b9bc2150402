package routes.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import routes.db.Database;
import routes.db.Dialect;

/**
 * Keyword search, by the database's own full-text index: SQLite's FTS5 (Porter stemming, BM25) or PostgreSQL's
 * English text search (stemmed, stop words dropped, GIN index, ranked by cover density). A query is its words, any
 * of which may match (the ranking rewards chunks that hold more of them, and rarer ones); operators of the index's
 * own query language are not taken from users.
 */
final class KeywordSearch {

    /** A chunk and its keyword score (higher is better). */
    record Hit(UUID chunkId, double score) {
    }

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    private final Database db;

    KeywordSearch(Database db) {
        this.db = db;
    }

    /** The words of a query, lowercased, each once, in order. */
    static List<String> words(String query) {
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(query.toLowerCase(Locale.ROOT));
        while (m.find()) {
            if (!words.contains(m.group())) {
                words.add(m.group());
            }
        }
        return words;
    }

    List<Hit> best(UUID projectId, String query, SearchFilters filters, int n) {
        List<String> words = words(query);
        if (words.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        String sql;
        if (db.dialect() == Dialect.SQLITE) {
            // each word quoted: a phrase of one token, never an FTS5 operator (OR, NEAR, column:...)
            params.add(String.join(" OR ", words.stream().map(w -> "\"" + w + "\"").toList()));
            params.add(projectId);
            String where = filters.sql(params);
            params.add(n);
            sql = "SELECT c.id, -bm25(chunk_fts) AS score FROM chunk_fts JOIN document_chunks c ON c.rowid = chunk_fts.rowid"
                    + " JOIN documents d ON d.id = c.document_id JOIN ingest_jobs j ON j.id = d.job_id"
                    + " WHERE chunk_fts MATCH ? AND j.project_id = ? AND " + Searchable.CHUNK + where
                    + " ORDER BY bm25(chunk_fts) LIMIT ?";
        } else {
            // the words as lexemes of the english configuration, any of them: (w1 | w2 | ...)
            params.add(String.join(" ", words));
            params.add(projectId);
            String where = filters.sql(params);
            params.add(n);
            sql = "WITH q AS (SELECT to_tsquery('english', COALESCE(NULLIF(array_to_string(tsvector_to_array("
                    + "to_tsvector('english', ?)), ' | '), ''), 'a')) AS query)"
                    + " SELECT c.id, ts_rank_cd(c.tsv, q.query, 1) AS score FROM q, document_chunks c"
                    + " JOIN documents d ON d.id = c.document_id JOIN ingest_jobs j ON j.id = d.job_id"
                    + " WHERE c.tsv @@ q.query AND j.project_id = ? AND " + Searchable.CHUNK + where
                    + " ORDER BY score DESC, c.id LIMIT ?";
        }
        String statement = sql;
        return db.read(c -> db.query(c, statement, rs -> new Hit(db.dialect().uuid(rs, "id"), rs.getDouble("score")),
                params.toArray()));
    }
}
