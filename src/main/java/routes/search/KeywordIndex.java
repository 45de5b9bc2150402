package routes.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.TermQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.db.Database;

/**
 * The words of every searchable chunk, in memory (Lucene: BM25 with its English analyzer, the texts not stored), for
 * keyword search at scale: Lucene finds the best k without scoring every chunk that holds a query word, where the
 * databases' own indexes (FTS5's bm25(), BM25 over a tsvector) score all of them (350 ms a query at 100,000 chunks of
 * one field, where this takes a few). Those indexes stay: they answer while this one loads, and where it is turned off.
 * It follows the database as {@link FollowedIndex} says; its quality on Cranfield is theirs (nDCG@10 0.37).
 */
public final class KeywordIndex extends LuceneIndex {

    private static final Logger LOG = LoggerFactory.getLogger(KeywordIndex.class);
    private static final Analyzer ANALYZER = new EnglishAnalyzer();

    public KeywordIndex(Database db) {
        super(db, new IndexWriterConfig(ANALYZER).setRAMBufferSizeMB(64));
    }

    /** Chunks held, for the metrics. */
    public long chunks() {
        return held();
    }

    @Override
    protected void loadedIn(long millis) {
        LOG.info("Keyword index loaded: {} chunks in {} ms", chunks(), millis);
    }

    @Override
    protected void load(Connection c, UUID jobId) throws SQLException {
        String sql = "SELECT " + ChunkFields.COLUMNS + ", c.content FROM document_chunks c JOIN documents d"
                + " ON d.id = c.document_id JOIN ingest_jobs j ON j.id = d.job_id WHERE " + Searchable.CHUNK
                + (jobId == null ? "" : " AND j.id = ?");
        try (var ps = c.prepareStatement(sql)) {
            if (jobId != null) {
                db.dialect().bind(ps, 1, jobId);
            }
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Document doc = ChunkFields.document(db.dialect(), rs);
                    took(db.dialect().uuid(rs, "job_id"));
                    doc.add(new TextField("body", rs.getString("content"), Field.Store.NO));
                    writer.addDocument(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best {@code n} chunks of the project for any of the query's words that pass the filters, best first. */
    List<KeywordSearch.Hit> best(UUID projectId, List<String> words, SearchFilters filters, int n) {
        BooleanQuery.Builder anyWord = new BooleanQuery.Builder();
        int terms = 0;
        try (TokenStream tokens = ANALYZER.tokenStream("body", String.join(" ", words))) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                anyWord.add(new TermQuery(new Term("body", term.toString())), Occur.SHOULD);
                terms++;
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (terms == 0) {
            return List.of();
        }
        BooleanQuery query = new BooleanQuery.Builder().add(anyWord.build(), Occur.MUST)
                .add(ChunkFields.filter(projectId, filters), Occur.FILTER).build();
        return search(query, n, KeywordSearch.Hit::new);
    }
}
