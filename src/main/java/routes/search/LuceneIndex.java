package routes.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.ByteBuffersDirectory;
import routes.db.Database;

/**
 * A Lucene index in memory of the searchable chunks (one Lucene document per chunk, with {@link ChunkFields}),
 * following the database as {@link FollowedIndex} says: a job is dropped by its term and read again; searchers are
 * refreshed after each change, so a search sees a job whole or not at all.
 */
public abstract class LuceneIndex extends FollowedIndex implements AutoCloseable {

    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    protected final IndexWriter writer;
    private final SearcherManager searchers;

    protected LuceneIndex(Database db, IndexWriterConfig config) {
        super(db);
        try {
            writer = new IndexWriter(directory, config);
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Chunks held, for the metrics. */
    public final long held() {
        return writer.getDocStats().numDocs;
    }

    @Override
    protected final void remove(UUID jobId) {
        try {
            writer.deleteDocuments(ChunkFields.job(jobId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected final void changed() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best {@code n} chunks for the query, best first, each made a hit of its chunk id and Lucene's score. */
    protected final <T> List<T> search(Query query, int n, BiFunction<UUID, Float, T> hit) {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                List<T> hits = new ArrayList<>();
                for (ScoreDoc doc : searcher.search(query, n).scoreDocs) {
                    hits.add(hit.apply(ChunkFields.chunk(searcher, doc), doc.score));
                }
                return hits;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
