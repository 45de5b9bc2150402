package routes.search;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.db.Database;

/**
 * The vectors of every searchable chunk, in memory, by project and job, for an exact search (every vector of the
 * project compared with the query: no recall lost to an approximation). It follows the database as {@link
 * FollowedIndex} says.
 */
public final class VectorIndex extends FollowedIndex {

    private static final Logger LOG = LoggerFactory.getLogger(VectorIndex.class);

    /** A chunk and its similarity to the query. */
    public record Hit(UUID chunkId, float score) {
    }

    /** One job's vectors: flat (chunk i at {@code i * dims}), with what the filters ask about each chunk. */
    private record JobVectors(UUID jobId, UUID sourceId, String documentKey, UUID[] chunks, String[] paths,
            String[] mimes, float[] flat) {
    }

    private final EmbeddingModels model;
    private final Map<UUID, Map<UUID, JobVectors>> byProject = new ConcurrentHashMap<>();
    private final AtomicLong vectors = new AtomicLong();

    public VectorIndex(Database db, EmbeddingModels model) {
        super(db);
        this.model = model;
    }

    /** Vectors held, for the metrics. */
    public long vectors() {
        return vectors.get();
    }

    @Override
    protected void loadedIn(long millis) {
        LOG.info("Vector index loaded: {} vectors of {} in {} ms", vectors.get(), model.id(), millis);
    }

    /** Texts got vectors (re-embedding after a change of model): the jobs that hold them are read again. */
    public void textsEmbedded(Collection<String> sha256s) {
        if (sha256s.isEmpty()) {
            return;
        }
        String marks = Database.marks(sha256s.size());
        List<UUID> jobs = db.read(c -> db.query(c, "SELECT DISTINCT d.job_id FROM document_chunks c JOIN documents d"
                + " ON d.id = c.document_id WHERE c.content_sha256 IN (" + marks + ")",
                rs -> db.dialect().uuid(rs, "job_id"), sha256s.toArray()));
        jobs.forEach(this::jobChanged);
    }

    @Override
    protected void remove(UUID jobId) {
        for (Map<UUID, JobVectors> jobs : byProject.values()) {
            JobVectors gone = jobs.remove(jobId);
            if (gone != null) {
                vectors.addAndGet(-gone.chunks().length);
            }
        }
    }

    /** Reads the searchable vectors of one job, or of all ({@code jobId} null), grouped by job. */
    @Override
    protected void load(Connection c, UUID jobId) throws SQLException {
        String sql = "SELECT j.id AS job_id, j.project_id, j.source_id, j.document_key, c.id AS chunk_id, d.path,"
                + " d.mime_type, e.vector FROM document_chunks c JOIN documents d ON d.id = c.document_id"
                + " JOIN ingest_jobs j ON j.id = d.job_id JOIN chunk_embeddings e ON e.content_sha256 = c.content_sha256"
                + " AND e.model = ? WHERE " + Searchable.CHUNK + (jobId == null ? "" : " AND j.id = ?")
                + " ORDER BY j.id, d.path, c.ordinal";
        try (var ps = c.prepareStatement(sql)) {
            db.dialect().bind(ps, 1, model.id());
            if (jobId != null) {
                db.dialect().bind(ps, 2, jobId);
            }
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                Builder current = null;
                while (rs.next()) {
                    UUID job = db.dialect().uuid(rs, "job_id");
                    if (current == null || !current.jobId.equals(job)) {
                        if (current != null) {
                            current.put();
                        }
                        current = new Builder(job, db.dialect().uuid(rs, "project_id"), db.dialect().uuid(rs, "source_id"),
                                rs.getString("document_key"));
                    }
                    current.add(db.dialect().uuid(rs, "chunk_id"), rs.getString("path"), rs.getString("mime_type"),
                            Vectors.floats(rs.getBytes("vector")));
                }
                if (current != null) {
                    current.put();
                }
            }
        }
    }

    /** The {@code n} chunks of the project most similar to {@code query} that pass the filters, best first. */
    public List<Hit> nearest(UUID projectId, float[] query, SearchFilters filters, int n) {
        Map<UUID, JobVectors> jobs = byProject.getOrDefault(projectId, Map.of());
        PriorityQueue<Hit> best = new PriorityQueue<>(Comparator.comparingDouble(Hit::score));
        int dims = query.length;
        for (JobVectors job : jobs.values()) {
            if (!filters.matchesJob(job.jobId(), job.sourceId(), job.documentKey())) {
                continue;
            }
            float[] flat = job.flat();
            for (int i = 0; i < job.chunks().length; i++) {
                if (!filters.matchesDocument(job.paths()[i], job.mimes()[i])) {
                    continue;
                }
                float score = Vectors.dot(flat, i * dims, query);
                if (best.size() < n) {
                    best.add(new Hit(job.chunks()[i], score));
                } else if (score > best.peek().score()) {
                    best.poll();
                    best.add(new Hit(job.chunks()[i], score));
                }
            }
        }
        List<Hit> out = new ArrayList<>(best);
        out.sort(Comparator.comparingDouble(Hit::score).reversed());
        return out;
    }

    /** One job's vectors as they are read. */
    private final class Builder {
        private final UUID jobId;
        private final UUID projectId;
        private final UUID sourceId;
        private final String documentKey;
        private final List<UUID> chunks = new ArrayList<>();
        private final List<String> paths = new ArrayList<>();
        private final List<String> mimes = new ArrayList<>();
        private final List<float[]> vectorList = new ArrayList<>();

        Builder(UUID jobId, UUID projectId, UUID sourceId, String documentKey) {
            this.jobId = jobId;
            this.projectId = projectId;
            this.sourceId = sourceId;
            this.documentKey = documentKey;
        }

        void add(UUID chunk, String path, String mime, float[] vector) {
            chunks.add(chunk);
            // paths and types repeat chunk after chunk: one string each
            paths.add(!paths.isEmpty() && path != null && path.equals(paths.get(paths.size() - 1))
                    ? paths.get(paths.size() - 1) : path);
            mimes.add(!mimes.isEmpty() && mime != null && mime.equals(mimes.get(mimes.size() - 1))
                    ? mimes.get(mimes.size() - 1) : mime);
            vectorList.add(vector);
        }

        void put() {
            int dims = model.dimensions();
            float[] flat = new float[chunks.size() * dims];
            for (int i = 0; i < vectorList.size(); i++) {
                System.arraycopy(vectorList.get(i), 0, flat, i * dims, dims);
            }
            JobVectors job = new JobVectors(jobId, sourceId, documentKey, chunks.toArray(UUID[]::new),
                    paths.toArray(String[]::new), mimes.toArray(String[]::new), flat);
            JobVectors before = byProject.computeIfAbsent(projectId, p -> new ConcurrentHashMap<>()).put(jobId, job);
            vectors.addAndGet(chunks.size() - (before == null ? 0 : before.chunks().length));
        }
    }
}
