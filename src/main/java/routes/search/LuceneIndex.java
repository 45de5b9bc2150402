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
 * following the database as {@link FollowedIndex} says: a job is dropped by its term and read again. The searchers
 * are refreshed when a search comes after changes, not at each change: a refresh writes what changed as a new
 * segment, and a segment per job (each with its own HNSW graph, merged again and again) cost the vector index more
 * than taking the jobs in. What a search finds is checked against the database, so a job taken in before its commit
 * or half read again never shows as it should not.
 */
public abstract class LuceneIndex extends FollowedIndex implements AutoCloseable {

    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    protected final IndexWriter writer;
    private final SearcherManager searchers;
    /** Changes not yet visible to searches. */
    private final java.util.concurrent.atomic.AtomicBoolean dirty = new java.util.concurrent.atomic.AtomicBoolean();

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
        dirty.set(true);
    }

    @Override
    protected final void settle() {
        try {
            dirty.set(false);
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best {@code n} chunks for the query, best first, each made a hit of its chunk id and Lucene's score. */
    protected final <T> List<T> search(Query query, int n, BiFunction<UUID, Float, T> hit) {
        try {
            // cleared before the refresh: a change made while it runs leaves it set for the next search
            if (dirty.getAndSet(false)) {
                searchers.maybeRefreshBlocking();
            }
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
            // nothing to keep (the database is the index's source): a rollback drops the running merges, where a
            // close would wait for them (a graph merge of 100,000 vectors outlasts the shutdown's grace)
            writer.rollback();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
