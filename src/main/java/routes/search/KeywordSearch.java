package routes.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import routes.db.Database;
import routes.db.Dialect;

/**
 * Keyword search, ranked by BM25: by the words held in memory ({@link KeywordIndex}) once they have loaded, else by
 * the database's own full-text index, BM25 on both: SQLite's FTS5 (Porter stemming, its
 * bm25()) or PostgreSQL's English text search (stemmed, stop words dropped, a GIN index finds the chunks). PostgreSQL's
 * own rankings know nothing of how rare a word is, and rank Cranfield's queries 0.30 in nDCG@10 to BM25's 0.36, so
 * BM25 is computed here in SQL: each query word's document frequency (counted through the GIN index, reused for a
 * minute) gives its IDF, and its frequency in each chunk comes from the chunk's tsvector. A query is its words, any
 * of which may match; operators of the index's own query language are not taken from users.
 */
final class KeywordSearch {

    /** A chunk and its keyword score (higher is better). */
    record Hit(UUID chunkId, double score) {
    }

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    /** BM25's constants, as Lucene's and FTS5's defaults. */
    private static final double K1 = 1.2;
    private static final double B = 0.75;
    /** How long the collection's statistics (chunks, mean length, each word's document frequency) are reused. */
    private static final long STATS_TTL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private record Frequency(long chunks, long at) {
    }

    private record Collection(long chunks, double meanLength, long at) {
    }

    private final Database db;
    private final KeywordIndex index;
    private final Map<String, Frequency> frequencies = new ConcurrentHashMap<>();
    private volatile Collection collection;

    /** @param index the words in memory, or null: the database's own index answers every search */
    KeywordSearch(Database db, KeywordIndex index) {
        this.db = db;
        this.index = index;
    }

    /**
     * English stop words: the words PostgreSQL's english configuration drops. FTS5 keeps every word, so SQLite's queries
     * leave them out here: a query means the same on both (and "what", "must", "be" no longer dilute Cranfield's
     * queries: 0.367 to 0.369 in nDCG@10 for keywords, 0.418 to 0.420 for hybrid).
     */
    private static final Set<String> STOP_WORDS = stopWords();

    /** The words of a query, lowercased, each once, in order, stop words left out. */
    static List<String> words(String query) {
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(query.toLowerCase(Locale.ROOT));
        while (m.find()) {
            if (!words.contains(m.group()) && !STOP_WORDS.contains(m.group())) {
                words.add(m.group());
            }
        }
        return words;
    }

    private static Set<String> stopWords() {
        try (var in = KeywordSearch.class.getResourceAsStream("/search/english-stop-words.txt")) {
            if (in == null) {
                throw new IllegalStateException("search/english-stop-words.txt is missing from the jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(java.util.stream.Collectors
                            .toUnmodifiableSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<Hit> best(UUID projectId, String query, SearchFilters filters, int n) {
        List<String> words = words(query);
        if (words.isEmpty()) {
            return List.of();
        }
        if (index != null && index.loaded()) {
            return index.best(projectId, words, filters, n);
        }
        if (db.dialect() == Dialect.POSTGRESQL) {
            return bm25(projectId, words, filters, n);
        }
        List<Object> params = new ArrayList<>();
        // each word quoted: a phrase of one token, never an FTS5 operator (OR, NEAR, column:...)
        params.add(String.join(" OR ", words.stream().map(w -> "\"" + w + "\"").toList()));
        params.add(projectId);
        String where = filters.sql(params);
        params.add(n);
        String sql = "SELECT c.id, -bm25(chunk_fts) AS score FROM chunk_fts JOIN document_chunks c ON c.rowid ="
                + " chunk_fts.rowid JOIN documents d ON d.id = c.document_id JOIN ingest_jobs j ON j.id = d.job_id"
                + " WHERE chunk_fts MATCH ? AND j.project_id = ? AND " + Searchable.CHUNK + where
                + " ORDER BY bm25(chunk_fts) LIMIT ?";
        return db.read(c -> db.query(c, sql, rs -> new Hit(db.dialect().uuid(rs, "id"), rs.getDouble("score")),
                params.toArray()));
    }

    /** BM25 over PostgreSQL's tsvector, for the query's lexemes (English configuration: stemmed, stop words out). */
    private List<Hit> bm25(UUID projectId, List<String> words, SearchFilters filters, int n) {
        List<String> lexemes = db.read(c -> db.queryOne(c, "SELECT tsvector_to_array(to_tsvector('english', ?))",
                rs -> List.of((String[]) rs.getArray(1).getArray()), String.join(" ", words))).orElse(List.of());
        if (lexemes.isEmpty()) {
            return List.of();
        }
        Collection stats = collection();
        double[] idf = new double[lexemes.size()];
        for (int i = 0; i < idf.length; i++) {
            long df = frequency(lexemes.get(i));
            idf[i] = Math.log(1 + (stats.chunks() - df + 0.5) / (df + 0.5));
        }
        List<Object> params = new ArrayList<>();
        params.add(lexemes.toArray(String[]::new));
        params.add(idf);
        params.add(lexemes.toArray(String[]::new));
        params.add(anyOf(lexemes));
        params.add(projectId);
        String where = filters.sql(params);
        params.add(Math.max(1.0, stats.meanLength()));
        params.add(n);
        // ts_filter(setweight(...)) keeps only the query's lexemes of a chunk's tsvector before it is unnested
        String sql = "WITH terms AS (SELECT * FROM unnest(?::text[], ?::float8[]) AS t(lexeme, idf)),"
                + " cand AS MATERIALIZED (SELECT c.id, ts_filter(setweight(c.tsv, 'A', ?::text[]), '{a}') AS hits,"
                + " length(c.tsv) AS len FROM document_chunks c JOIN documents d ON d.id = c.document_id"
                + " JOIN ingest_jobs j ON j.id = d.job_id WHERE c.tsv @@ ?::tsquery AND j.project_id = ? AND "
                + Searchable.CHUNK + where + ")"
                + " SELECT cand.id, SUM(terms.idf * u.tf * " + (K1 + 1) + " / (u.tf + " + K1 + " * (" + (1 - B) + " + "
                + B + " * cand.len / ?))) AS score FROM cand, LATERAL (SELECT lexeme, COALESCE(array_length(positions,"
                + " 1), 1) AS tf FROM unnest(cand.hits)) u JOIN terms ON terms.lexeme = u.lexeme"
                + " GROUP BY cand.id ORDER BY score DESC, cand.id LIMIT ?";
        return db.read(c -> db.query(c, sql, rs -> new Hit(db.dialect().uuid(rs, "id"), rs.getDouble("score")),
                params.toArray()));
    }

    /** A tsquery matching any of the lexemes, each quoted: taken as it is, never parsed as operators. */
    private static String anyOf(List<String> lexemes) {
        return String.join(" | ", lexemes.stream().map(l -> "'" + l.replace("\\", "\\\\").replace("'", "''") + "'")
                .toList());
    }

    /** How many chunks hold the lexeme (every project's: the collection's statistics), reused for a minute. */
    private long frequency(String lexeme) {
        long now = System.nanoTime();
        Frequency known = frequencies.get(lexeme);
        if (known != null && now - known.at() < STATS_TTL_NANOS) {
            return known.chunks();
        }
        if (frequencies.size() > 100_000) {
            frequencies.clear();
        }
        long df = db.read(c -> db.queryOne(c, "SELECT COUNT(*) FROM document_chunks WHERE tsv @@ ?::tsquery",
                rs -> rs.getLong(1), anyOf(List.of(lexeme))).orElse(0L));
        frequencies.put(lexeme, new Frequency(df, now));
        return df;
    }

    /** How many chunks there are and their mean length in lexemes, reused for a minute. */
    private Collection collection() {
        Collection known = collection;
        long now = System.nanoTime();
        if (known != null && now - known.at() < STATS_TTL_NANOS) {
            return known;
        }
        Collection fresh = db.read(c -> db.queryOne(c, "SELECT COUNT(*), COALESCE(AVG(length(tsv)), 0) FROM"
                + " document_chunks", rs -> new Collection(rs.getLong(1), rs.getDouble(2), now)).orElseThrow());
        collection = fresh;
        return fresh;
    }
}
