package routes.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import routes.db.Database;

/**
 * Search over a project's ingested text: keywords (the database's full-text index), vectors (the embedding model,
 * in memory or pgvector), or both fused by reciprocal rank (a chunk's score is the sum over the two rankings of
 * 1 / (k + its rank)). Only chunks of completed, current, not deleted jobs of the project are found; every result is
 * checked against the database as it is read, so what was deleted a moment ago does not appear.
 */
public final class SearchService {

    /** How a search ranks. */
    public enum Mode {
        HYBRID, KEYWORD, VECTOR;

        /** The mode of this name as the API spells it (lowercase); an unknown name is an IllegalArgumentException. */
        public static Mode parse(String value) {
            for (Mode m : values()) {
                if (m.toString().equals(value)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("no mode " + value);
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One found chunk, as the API answers it. */
    @JsonPropertyOrder({"chunk_id", "document_id", "job_id", "document_key", "path", "title", "ordinal", "start_offset",
        "end_offset", "content", "score"})
    public record Item(@JsonProperty("chunk_id") UUID chunkId, @JsonProperty("document_id") UUID documentId,
            @JsonProperty("job_id") UUID jobId, @JsonProperty("document_key") String documentKey,
            @JsonProperty("path") String path, @JsonProperty("title") String title,
            @JsonProperty("ordinal") int ordinal, @JsonProperty("start_offset") int startOffset,
            @JsonProperty("end_offset") int endOffset, @JsonProperty("content") String content,
            @JsonProperty("score") double score) {
    }

    /** The answer: the mode that ranked, the items best first, and, when it matters, why the mode differs or what it
     * could not see yet. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"mode", "items", "note", "not_embedded"})
    public record Answer(@JsonProperty("mode") String mode, @JsonProperty("items") List<Item> items,
            @JsonProperty("note") String note, @JsonProperty("not_embedded") Long notEmbedded) {
    }

    private final Database db;
    private final KeywordSearch keywords;
    private final VectorSearch vectors;
    private final int rrfK;
    private final int candidates;
    private final LongSupplier pendingEmbeddings;
    private final Executor halves;

    /**
     * @param keywordIndex      the words in memory, or null (the database's own index answers)
     * @param vectors           the vector side, null when embedding is off
     * @param rrfK              reciprocal rank fusion's constant
     * @param candidates        how many of each ranking the fusion looks at (at least k)
     * @param pendingEmbeddings the service-wide count of chunk texts without a vector (kept by the background
     *                          re-embedding): only when it is not 0 does a search count its project's
     * @param halves            where a hybrid search's keyword half runs while the calling thread embeds the query
     *                          and searches the vectors
     */
    public SearchService(Database db, KeywordIndex keywordIndex, VectorSearch vectors, int rrfK, int candidates,
            LongSupplier pendingEmbeddings, Executor halves) {
        this.db = db;
        this.keywords = new KeywordSearch(db, keywordIndex);
        this.vectors = vectors;
        this.rrfK = rrfK;
        this.candidates = candidates;
        this.pendingEmbeddings = pendingEmbeddings;
        this.halves = halves;
    }

    public Answer search(UUID projectId, String query, int k, Mode mode, SearchFilters filters) {
        String note = null;
        Mode used = mode;
        if (mode != Mode.KEYWORD) {
            String unavailable = vectors == null ? "vector search is off (CORTEX_EMBED_ENABLED=false)"
                    : vectors.unavailable();
            if (unavailable != null) {
                used = Mode.KEYWORD;
                note = "keyword search only: " + unavailable;
            }
        }
        int depth = Math.max(k, candidates);
        Map<UUID, Double> scores = new LinkedHashMap<>();
        if (used == Mode.KEYWORD) {
            // deeper than k, as for vectors: the words in memory may still hold a version superseded a moment ago
            keywords.best(projectId, query, filters, depth).forEach(h -> scores.put(h.chunkId(), h.score()));
        } else if (used == Mode.VECTOR) {
            // deeper than k: vectors still held for a version superseded a moment ago are left out as they are read
            vectors.nearest(projectId, query, filters, depth).forEach(h -> scores.put(h.chunkId(), (double) h.score()));
        } else {
            // the two halves side by side: the query's embedding (native, one core) is the longer, the keyword search
            // the other; on an idle machine a hybrid search takes about the longer of them rather than their sum
            CompletableFuture<List<UUID>> byWords = CompletableFuture.supplyAsync(() -> keywords.best(projectId, query,
                    filters, depth).stream().map(KeywordSearch.Hit::chunkId).toList(), halves);
            List<UUID> byMeaning;
            try {
                byMeaning = vectors.nearest(projectId, query, filters, depth).stream().map(VectorIndex.Hit::chunkId)
                        .toList();
            } catch (RuntimeException e) {
                byWords.cancel(false);
                throw e;
            }
            fuse(scores, joined(byWords));
            fuse(scores, byMeaning);
        }
        List<Map.Entry<UUID, Double>> ranked = new ArrayList<>(scores.entrySet());
        ranked.sort(Map.Entry.<UUID, Double>comparingByValue().reversed());
        List<Item> items = new ArrayList<>();
        // read k at a time: those no longer searchable are left out, and the next in rank take their places
        for (int from = 0; from < ranked.size() && items.size() < k; from += k) {
            List<Item> page = read(projectId, ranked.subList(from, Math.min(ranked.size(), from + k)));
            items.addAll(page.subList(0, Math.min(page.size(), k - items.size())));
        }
        Long notEmbedded = null;
        if (used != Mode.KEYWORD && pendingEmbeddings.getAsLong() > 0) {
            long pending = db.read(c -> vectors.pendingIn(c, projectId));
            if (pending > 0) {
                notEmbedded = pending;
                note = pending + " chunk(s) of this project have no vector yet (being embedded): vector search does"
                        + " not see them yet";
            }
        }
        return new Answer(used.toString(), items, note, notEmbedded);
    }

    /** The keyword half's ranking, its failure thrown as the calling thread would have thrown it. */
    private static List<UUID> joined(CompletableFuture<List<UUID>> half) {
        try {
            return half.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Reciprocal rank fusion: each ranking adds 1 / (k + rank) to the chunks it ranks. */
    private void fuse(Map<UUID, Double> scores, List<UUID> ranking) {
        for (int i = 0; i < ranking.size(); i++) {
            scores.merge(ranking.get(i), 1.0 / (rrfK + i + 1), Double::sum);
        }
    }

    /** A found chunk's row, before its document and job are read. */
    private record ChunkRow(UUID id, UUID documentId, int ordinal, int startOffset, int endOffset, String content) {
    }

    /** A found chunk's document, before its job is read. */
    private record DocumentRow(UUID jobId, String path, String title) {
    }

    /**
     * The chunks, in the given order, read with their document and job; those no longer searchable are left out.
     * Three reads by primary key (chunks, their published documents, those documents' searchable jobs) rather than
     * one join: a join let PostgreSQL's planner, with statistics not yet gathered on fresh tables, walk every
     * document of the project for each chunk (100 ms for 100 chunks of 1,400 documents, against 1 ms).
     */
    private List<Item> read(UUID projectId, List<Map.Entry<UUID, Double>> ranked) {
        if (ranked.isEmpty()) {
            return List.of();
        }
        Map<UUID, ChunkRow> chunks = new HashMap<>();
        Map<UUID, DocumentRow> documents = new HashMap<>();
        // a job's document_key by job id, for the searchable jobs of the project only
        Map<UUID, String> searchableJobs = new HashMap<>();
        db.read(c -> {
            Object[] ids = ranked.stream().map(Map.Entry::getKey).toArray();
            db.query(c, "SELECT id, document_id, ordinal, start_offset, end_offset, content FROM document_chunks WHERE id"
                    + " IN (" + Database.marks(ids.length) + ")", rs -> chunks.put(db.dialect().uuid(rs, "id"),
                            new ChunkRow(db.dialect().uuid(rs, "id"), db.dialect().uuid(rs, "document_id"),
                                    rs.getInt("ordinal"), rs.getInt("start_offset"), rs.getInt("end_offset"),
                                    rs.getString("content"))), ids);
            Object[] documentIds = chunks.values().stream().map(ChunkRow::documentId).distinct().toArray();
            if (documentIds.length == 0) {
                return null;
            }
            db.query(c, "SELECT id, job_id, path, title FROM documents WHERE id IN (" + Database.marks(documentIds.length)
                    + ") AND staged_by IS NULL", rs -> documents.put(db.dialect().uuid(rs, "id"), new DocumentRow(
                            db.dialect().uuid(rs, "job_id"), rs.getString("path"), rs.getString("title"))), documentIds);
            List<Object> params = new ArrayList<>(documents.values().stream().map(DocumentRow::jobId).distinct().toList());
            if (params.isEmpty()) {
                return null;
            }
            String jobMarks = Database.marks(params.size());
            params.add(projectId);
            db.query(c, "SELECT j.id, j.document_key FROM ingest_jobs j WHERE j.id IN (" + jobMarks
                    + ") AND j.project_id = ? AND " + Searchable.JOB, rs -> searchableJobs.put(
                            db.dialect().uuid(rs, "id"), rs.getString("document_key")), params.toArray());
            return null;
        });
        List<Item> items = new ArrayList<>();
        for (Map.Entry<UUID, Double> e : ranked) {
            ChunkRow chunk = chunks.get(e.getKey());
            DocumentRow document = chunk == null ? null : documents.get(chunk.documentId());
            if (document != null && searchableJobs.containsKey(document.jobId())) {
                items.add(new Item(chunk.id(), chunk.documentId(), document.jobId(),
                        searchableJobs.get(document.jobId()), document.path(), document.title(), chunk.ordinal(),
                        chunk.startOffset(), chunk.endOffset(), chunk.content(), e.getValue()));
            }
        }
        return items;
    }
}
