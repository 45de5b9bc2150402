package routes.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
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
public final class KeywordIndex extends FollowedIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeywordIndex.class);

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;

    public KeywordIndex(Database db) {
        super(db);
        try {
            writer = new IndexWriter(directory, new IndexWriterConfig(analyzer).setRAMBufferSizeMB(64));
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Chunks held, for the metrics. */
    public long chunks() {
        return writer.getDocStats().numDocs;
    }

    @Override
    protected void loadedIn(long millis) {
        LOG.info("Keyword index loaded: {} chunks in {} ms", chunks(), millis);
    }

    @Override
    protected void load(Connection c, UUID jobId) throws SQLException {
        String sql = "SELECT j.id AS job_id, j.project_id, j.source_id, j.document_key, c.id AS chunk_id, d.path,"
                + " d.mime_type, c.content FROM document_chunks c JOIN documents d ON d.id = c.document_id"
                + " JOIN ingest_jobs j ON j.id = d.job_id WHERE " + Searchable.CHUNK + (jobId == null ? "" : " AND j.id = ?");
        try (var ps = c.prepareStatement(sql)) {
            if (jobId != null) {
                db.dialect().bind(ps, 1, jobId);
            }
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Document doc = new Document();
                    doc.add(new StringField("chunk", db.dialect().uuid(rs, "chunk_id").toString(), Field.Store.YES));
                    doc.add(new StringField("job", db.dialect().uuid(rs, "job_id").toString(), Field.Store.NO));
                    doc.add(new StringField("project", db.dialect().uuid(rs, "project_id").toString(), Field.Store.NO));
                    UUID source = db.dialect().uuid(rs, "source_id");
                    if (source != null) {
                        doc.add(new StringField("source", source.toString(), Field.Store.NO));
                    }
                    optional(doc, "key", rs.getString("document_key"));
                    optional(doc, "path", rs.getString("path"));
                    optional(doc, "mime", rs.getString("mime_type"));
                    doc.add(new TextField("body", rs.getString("content"), Field.Store.NO));
                    writer.addDocument(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void optional(Document doc, String field, String value) {
        if (value != null) {
            doc.add(new StringField(field, value, Field.Store.NO));
        }
    }

    @Override
    protected void remove(UUID jobId) {
        try {
            writer.deleteDocuments(new Term("job", jobId.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void changed() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best {@code n} chunks of the project for any of the query's words that pass the filters, best first. */
    List<KeywordSearch.Hit> best(UUID projectId, List<String> words, SearchFilters filters, int n) {
        BooleanQuery.Builder anyWord = new BooleanQuery.Builder();
        int terms = 0;
        try (TokenStream tokens = analyzer.tokenStream("body", String.join(" ", words))) {
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
        BooleanQuery.Builder query = new BooleanQuery.Builder().add(anyWord.build(), Occur.MUST)
                .add(new TermQuery(new Term("project", projectId.toString())), Occur.FILTER);
        filter(query, "job", filters.jobId() == null ? null : filters.jobId().toString());
        filter(query, "source", filters.sourceId() == null ? null : filters.sourceId().toString());
        filter(query, "key", filters.documentKey());
        filter(query, "mime", filters.mimeType());
        if (filters.pathPrefix() != null) {
            query.add(new PrefixQuery(new Term("path", filters.pathPrefix())), Occur.FILTER);
        }
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                List<KeywordSearch.Hit> hits = new ArrayList<>();
                for (ScoreDoc hit : searcher.search(query.build(), n).scoreDocs) {
                    hits.add(new KeywordSearch.Hit(UUID.fromString(searcher.storedFields().document(hit.doc)
                            .get("chunk")), hit.score));
                }
                return hits;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void filter(BooleanQuery.Builder query, String field, String value) {
        if (value != null) {
            query.add(new TermQuery(new Term(field, value)), Occur.FILTER);
        }
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
