package routes.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import org.awaitility.Awaitility;
import routes.db.Database;
import routes.document.Chunk;
import routes.document.DocumentStore;
import routes.document.ExtractedDocument;
import routes.job.JobEvents;
import routes.job.JobStatus;
import routes.job.JobStore;
import routes.project.ProjectStore;
import routes.search.EmbeddingModels;
import routes.search.EmbeddingStore;
import routes.search.PgVector;
import routes.search.Vectors;
import routes.support.ApiClient;
import routes.support.ProcessApp;
import routes.support.QueuedJobs;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * Retrieval speed, each figure beside its ceiling measured in the same run:
 * <ol>
 * <li>Embedding: Cranfield documents ingested as text jobs by the service in this JVM (SQLite); chunks embedded per
 * second in the service (the {@code cortex_embeddings_total} counter between 10 % and 90 % of the run) beside the raw
 * model's {@code embedAll} over the same chunk texts, on a pool of as many threads as the service's; end-to-end jobs
 * per second with embedding on and off.</li>
 * <li>Search at {@code bench.chunks} (100,000) chunks, on SQLite and PostgreSQL, through the runnable jar, with wrk:
 * hybrid, keyword and vector p50/p99, the 225 Cranfield queries in turn; the service's RSS. The chunks are written by
 * the service's own stores (job, documents, vectors, completion), made from the embedded Cranfield chunks: each text
 * a third of three of them, its vector their normalised sum with a little noise. Ceilings in this JVM: the model
 * embedding one query, an exact scan of as many vectors, and the keyword query over plain JDBC.</li>
 * </ol>
 * With {@code -Dbench.jfr=DIR}, the service records a JFR profile of the search part into DIR.
 */
public final class RetrievalSpeedBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RetrievalSpeedBench() {
    }

    /** Chunk texts and their vectors, as the service stored them. */
    record Embedded(List<String> texts, List<float[]> vectors) {
    }

    public static void main(String[] args) throws Exception {
        Cranfield collection = Cranfield.load(Cranfield.dir());
        EmbeddingModels model = EmbeddingModels.byId(System.getProperty("bench.model", "bge-small-en-v1.5-q"));
        int docs = Integer.getInteger("bench.docs", 600);
        int chunks = Integer.getInteger("bench.chunks", 100_000);
        int seconds = Integer.getInteger("bench.seconds", 15);
        int threads = Integer.getInteger("bench.threads", 2);
        List<String> databases = List.of(System.getProperty("bench.databases", "sqlite,postgresql").split(","));
        List<String> parts = List.of(System.getProperty("bench.parts", "embed,search").split(","));
        Path dir = Files.createTempDirectory("cortex-retrieval-speed");
        System.out.printf("%s, %d Cranfield documents, %d embedding threads, %d cores, Java %s%n%n", model.id(), docs,
                threads, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        List<Cranfield.Doc> documents = collection.corpus().values().stream().filter(d -> !d.content().isBlank())
                .limit(docs + 50L).toList();
        // 1. embedding in the service, jobs per second with embedding on and off, the raw model
        Map<String, String> settings = Map.of("cortex.embed.model", model.id(), "cortex.embed.threads",
                String.valueOf(threads));
        Embedded embedded;
        double onJobs;
        double offJobs;
        double inService;
        List<double[]> largeRuns = new ArrayList<>();
        EmbeddingModel raw = load(model, threads);
        // the same model with the session the service sets (one core per call, no spinning), on as many threads
        EmbeddingModel rawAsService = model.load(Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "raw-embed-as-service");
            t.setDaemon(true);
            return t;
        }));
        try (TestApp app = TestApp.start(TestDatabase.sqlite(Files.createDirectories(dir.resolve("on"))),
                dir.resolve("on-data"), settings)) {
            awaitReady(app);
            ingest(app, "warm-up", documents.subList(0, 50), null);
            double[] rate = new double[1];
            onJobs = ingest(app, "embedding on", documents.subList(50, documents.size()), rate);
            inService = rate[0];
            embedded = embedded(TestDatabase.sqlite(dir.resolve("on")), model);
            if (!parts.contains("embed")) {
                // the search part alone: the documents above give it its texts and vectors
                largeRuns.add(new double[] {Double.NaN, Double.NaN, Double.NaN});
            }
            // one large document (its chunks all in the embed stage at once, nothing else running beside it), each run
            // between two runs of the raw model over as many chunk texts: this machine's speed drifts by a third
            // over minutes, so each ratio compares neighbours
            List<String> sample = embedded.texts().subList(0, Math.min(240, embedded.texts().size()));
            raw.embedAll(segments(sample.subList(0, 32)));
            rawAsService.embedAll(segments(sample.subList(0, 32)));
            for (int round = 0; round < (parts.contains("embed") ? 3 : 0); round++) {
                double before = rawRate(raw, sample);
                double beforeAsService = rawRate(rawAsService, sample);
                StringBuilder large = new StringBuilder();
                for (Cranfield.Doc d : collection.corpus().values()) {
                    if (large.length() > 400_000) {
                        break;
                    }
                    large.append(d.content()).append(" (").append(round).append(")\n\n");
                }
                ingest(app, "one large document", List.of(new Cranfield.Doc("large-" + round, "", large.toString())),
                        rate);
                double after = rawRate(raw, sample);
                double afterAsService = rawRate(rawAsService, sample);
                largeRuns.add(new double[] {rate[0], (before + after) / 2, (beforeAsService + afterAsService) / 2});
                System.out.printf("  raw embedAll before %.1f, after %.1f chunks/s: ratio %.2f; with the service's"
                        + " session before %.1f, after %.1f: ratio %.2f%n", before, after,
                        rate[0] / ((before + after) / 2), beforeAsService, afterAsService,
                        rate[0] / ((beforeAsService + afterAsService) / 2));
            }
        }
        Map<String, String> off = new HashMap<>(settings);
        off.put("cortex.embed.enabled", "false");
        offJobs = Double.NaN;
        try (TestApp app = !parts.contains("embed") ? null
                : TestApp.start(TestDatabase.sqlite(Files.createDirectories(dir.resolve("off"))), dir.resolve("off-data"), off)) {
            if (app != null) {
                awaitReady(app);
                ingest(app, "warm-up", documents.subList(0, 50), null);
                offJobs = ingest(app, "embedding off", documents.subList(50, documents.size()), null);
            }
        }
        double rawRate = rawRate(raw, embedded.texts());
        largeRuns.sort(java.util.Comparator.comparingDouble(r -> r[0] / r[1]));
        double[] median = largeRuns.get(largeRuns.size() / 2);
        System.out.printf("%nembedding: one large document %.1f chunks/s beside the raw model's %.1f in the same minutes:"
                + " ratio %.2f (median of %d; goal >= 0.85); beside the raw model with the service's session %.1f:"
                + " ratio %.2f; small jobs %.1f chunks/s beside the raw model's %.1f over"
                + " the %d texts they had, measured after: ratio %.2f%n", median[0], median[1], median[0] / median[1],
                largeRuns.size(), median[2], median[0] / median[2], inService, rawRate, embedded.texts().size(), inService / rawRate);
        System.out.printf("end to end: %.1f jobs/s with embedding, %.1f jobs/s without (%.1fx)%n%n", onJobs, offJobs,
                offJobs / onJobs);

        if (!parts.contains("search")) {
            return;
        }
        // 2. search at N chunks
        List<String> queries = new ArrayList<>(collection.queries().values());
        Ceilings ceilings = ceilings(raw, rawAsService, model, queries, embedded, chunks);
        ceilings.print();
        String wrk = Wrk.ensure();
        for (String database : databases) {
            String url = database.trim().equals("sqlite") ? TestDatabase.sqlite(Files.createDirectories(
                    dir.resolve("search-" + database))) : TestDatabase.freshPostgres();
            long t = System.nanoTime();
            Populated populated = populate(url, model, embedded, chunks);
            System.out.printf("%s: %d chunks written through the service's stores in %.0f s%n", database,
                    populated.chunks(), (System.nanoTime() - t) / 1e9);
            ceilings.keyword(url, populated.project(), queries);
            ceilings.print();
            Path workDir = Files.createDirectories(dir.resolve("jar-" + database));
            Map<String, String> env = ProcessApp.env(workDir, url, "api");
            env.put("CORTEX_EMBED_MODEL", model.id());
            env.put("CORTEX_EMBED_THREADS", String.valueOf(threads));
            String jfr = System.getProperty("bench.jfr");
            if (jfr != null) {
                // a profile of the service over the whole search part, settings=profile
                env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,filename="
                        + Path.of(jfr).toAbsolutePath().resolve("search-" + database.trim() + ".jfr"));
            }
            try (ProcessApp app = ProcessApp.startJar(workDir, "search", env, "-Xmx1g")) {
                awaitReady(app);
                long loading = System.nanoTime();
                Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            String health = app.get("/observe/health").body();
                            return health.contains("keywords: in memory") && health.contains("vector search ready");
                        });
                System.out.printf("%s: ready; the keyword and vector indexes loaded %.1f s later%n", database,
                        (System.nanoTime() - loading) / 1e9);
                String base = "http://127.0.0.1:" + app.httpPort();
                String path = "/api/projects/" + populated.project() + "/search";
                // hybrid last: by then the indexes' background merges after their load are over
                for (String mode : List.of("keyword", "vector", "hybrid")) {
                    List<String> bodies = new ArrayList<>();
                    for (String q : queries) {
                        bodies.add(JSON.writeValueAsString(Map.of("query", q, "k", 10, "mode", mode)));
                    }
                    Path script = Wrk.postScript(workDir.resolve(mode + ".lua"), List.of(path), bodies);
                    Wrk.run(wrk, base, script, 5, 2);
                    for (int connections : mode.equals("hybrid") ? new int[] {1, 2, 16} : new int[] {2}) {
                        Wrk.Result r = Wrk.run(wrk, base, script, seconds, connections);
                        Wrk.report(database + " " + mode + ", " + connections + " conn.", r, "req/s");
                    }
                }
                System.out.printf("%s: RSS of the service %d MiB (peak %d MiB) holding %d chunks%n%n", database,
                        rssKib(app.pid()) / 1024, app.peakRssKib() / 1024, populated.chunks());
            }
        }
        ceilings.print();
    }

    private static void awaitReady(ApiClient app) {
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> app.get("/observe/health/ready").status() == 200);
    }

    /**
     * Ingests the documents as text jobs of a new project and waits for them; returns jobs per second (first request
     * to last completion). With {@code chunkRate}, it receives the chunks embedded per second between 10 % and 90 % of
     * the run, from the service's counter.
     */
    private static double ingest(ApiClient app, String name, List<Cranfield.Doc> documents, double[] chunkRate)
            throws Exception {
        String project = app.postJson("/api/projects", "{\"name\":\"" + name + "\"}").json().get("id").asText();
        List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long before = embeddedSoFar(app);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                samples.add(new long[] {System.nanoTime(), embeddedSoFar(app) - before});
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        if (chunkRate != null) {
            sampler.start();
        }
        for (Cranfield.Doc d : documents) {
            ApiClient.Reply r = app.postJson("/api/projects/" + project + "/ingest", JSON.writeValueAsString(
                    Map.of("source_type", "text", "content", d.content(), "document_key", d.id())));
            if (r.status() != 200) {
                throw new IllegalStateException(r.body());
            }
        }
        String list = "/api/projects/" + project + "/ingest/jobs?limit=1&status=";
        Awaitility.await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> app.get(list + "completed").json().get("total").asLong() == documents.size());
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.interrupt();
        sampler.join();
        if (app.get(list + "failed").json().get("total").asLong() > 0) {
            throw new IllegalStateException("jobs failed: " + app.get(list + "failed").body());
        }
        System.out.printf("%-14s %d jobs in %.1f s: %.1f jobs/s%n", name, documents.size(), seconds,
                documents.size() / seconds);
        if (chunkRate != null) {
            long total = embeddedSoFar(app) - before;
            long[] from = samples.stream().filter(s -> s[1] >= total / 10).findFirst().orElseThrow();
            long[] to = samples.stream().filter(s -> s[1] >= total * 9 / 10).findFirst().orElseThrow();
            chunkRate[0] = (to[1] - from[1]) / ((to[0] - from[0]) / 1e9);
            System.out.printf("%-14s %d chunks embedded, %.1f chunks/s (10 %% to 90 %% of the run)%n", name, total,
                    chunkRate[0]);
        }
        return documents.size() / seconds;
    }

    private static final Pattern EMBEDDINGS = Pattern.compile("(?m)^cortex_embeddings_total\\{[^}]*\\} ([0-9.eE+]+)");

    private static long embeddedSoFar(ApiClient app) {
        Matcher m = EMBEDDINGS.matcher(app.get("/observe/metrics").body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** The chunk texts the service stored and embedded, with their vectors. */
    private static Embedded embedded(String url, EmbeddingModels model) throws Exception {
        List<String> texts = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        try (var c = java.sql.DriverManager.getConnection(url); var ps = c.prepareStatement("SELECT c.content, e.vector"
                + " FROM document_chunks c JOIN chunk_embeddings e ON e.content_sha256 = c.content_sha256"
                + " AND e.model = ? ORDER BY c.rowid")) {
            ps.setString(1, model.id());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    texts.add(rs.getString(1));
                    vectors.add(Vectors.floats(rs.getBytes(2)));
                }
            }
        }
        return new Embedded(texts, vectors);
    }

    /** Texts per second of the raw model's embedAll over {@code texts}, on the pool it was made with. */
    private static double rawRate(EmbeddingModel raw, List<String> texts) {
        long t0 = System.nanoTime();
        raw.embedAll(segments(texts));
        return texts.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static EmbeddingModel load(EmbeddingModels model, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "raw-embed");
            t.setDaemon(true);
            return t;
        });
        return model == EmbeddingModels.BGE_SMALL_EN_V15_Q ? new BgeSmallEnV15QuantizedEmbeddingModel(pool)
                : new AllMiniLmL6V2QuantizedEmbeddingModel(pool);
    }

    private static List<TextSegment> segments(List<String> texts) {
        return texts.stream().map(TextSegment::from).toList();
    }

    /** A project of {@code n} synthetic chunks, written by the service's stores. */
    record Populated(UUID project, int chunks) {
    }

    private static Populated populate(String url, EmbeddingModels model, Embedded base, int n) {
        Database db = new Database(url, null, null, 4, Duration.ofSeconds(30));
        try {
            db.migrate();
            JobStore jobs = new JobStore(db, new JobEvents(db, routes.api.Json.mapper()));
            ProjectStore projects = new ProjectStore(db);
            DocumentStore documents = new DocumentStore(db);
            EmbeddingStore vectors = new EmbeddingStore(db, new PgVector(db));
            UUID project = projects.create("search at " + n, null).id();
            Random random = new Random(42);
            int perJob = 1000;
            int written = 0;
            for (int j = 0; written < n; j++) {
                int count = Math.min(perJob, n - written);
                List<Chunk> chunks = new ArrayList<>();
                Map<String, float[]> byText = new HashMap<>();
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    StringBuilder chunk = new StringBuilder();
                    float[] vector = new float[model.dimensions()];
                    for (int part = 0; part < 3; part++) {
                        int pick = random.nextInt(base.texts().size());
                        String source = base.texts().get(pick);
                        int cut = source.indexOf(' ', source.length() / 3);
                        chunk.append(part == 0 ? "" : " ").append(cut < 0 ? source : source.substring(0, cut));
                        float[] v = base.vectors().get(pick);
                        for (int k = 0; k < vector.length; k++) {
                            vector[k] += v[k] + (float) (random.nextGaussian() * 0.02);
                        }
                    }
                    normalise(vector);
                    int start = text.codePointCount(0, text.length());
                    text.append(chunk);
                    chunks.add(new Chunk(i, start, start + chunk.codePointCount(0, chunk.length()), chunk.toString()));
                    byText.put(Chunk.sha256(chunk.toString()), vector);
                    text.append("\n\n");
                }
                vectors.save(byText, model);
                UUID jobId = UUID.randomUUID();
                db.inTransaction(c -> {
                    jobs.insert(c, QueuedJobs.keyed(jobId, project, projects.defaultSource(c, project), JobStatus.QUEUED,
                            0, "synthetic/" + jobId));
                    return null;
                });
                String owner = "bench-" + jobId;
                jobs.claim(jobId, owner, Duration.ofMinutes(5), 3).orElseThrow();
                ExtractedDocument doc = new ExtractedDocument("synthetic/" + j + ".txt", "Synthetic " + j, "text/plain",
                        (long) text.length(), null, text.toString(), chunks);
                db.inTransaction(c -> {
                    UUID canonical = documents.replaceForJob(c, project, jobId, List.of(doc), false);
                    return jobs.complete(c, jobId, owner, canonical, "done", new JobStore.SourceFacts(null, null, null));
                });
                written += count;
            }
            return new Populated(project, written);
        } finally {
            db.close();
        }
    }

    private static void normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
    }

    private static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** What one search costs at least, measured in this JVM: its parts without the service around them. */
    private static final class Ceilings {
        private final Map<String, List<Double>> millis = new java.util.LinkedHashMap<>();

        void add(String what, double ms) {
            millis.computeIfAbsent(what, k -> new ArrayList<>()).add(ms);
        }

        /** The keyword query as the service sends it, over plain JDBC, on one connection. */
        void keyword(String url, UUID project, List<String> queries) throws Exception {
            boolean sqlite = url.startsWith("jdbc:sqlite:");
            String sql = sqlite
                    ? "SELECT c.id, -bm25(chunk_fts) AS score FROM chunk_fts JOIN document_chunks c ON c.rowid ="
                            + " chunk_fts.rowid JOIN documents d ON d.id = c.document_id JOIN ingest_jobs j ON j.id ="
                            + " d.job_id WHERE chunk_fts MATCH ? AND j.project_id = ? ORDER BY bm25(chunk_fts) LIMIT 100"
                    : "WITH q AS (SELECT to_tsquery('english', COALESCE(NULLIF(array_to_string(tsvector_to_array("
                            + "to_tsvector('english', ?)), ' | '), ''), 'a')) AS query) SELECT c.id, ts_rank_cd(c.tsv,"
                            + " q.query, 1) AS score FROM q, document_chunks c JOIN documents d ON d.id = c.document_id"
                            + " JOIN ingest_jobs j ON j.id = d.job_id WHERE c.tsv @@ q.query AND j.project_id = ?"
                            + " ORDER BY score DESC LIMIT 100";
            String name = "keyword SQL over JDBC, " + (sqlite ? "sqlite" : "postgresql");
            // PostgreSQL ranks every match of an OR query (seconds each at 100,000 chunks): its first 40 queries
            List<String> asked = sqlite ? queries : queries.subList(0, Math.min(40, queries.size()));
            try (var c = java.sql.DriverManager.getConnection(url); var ps = c.prepareStatement(sql)) {
                for (int round = 0; round < 2; round++) {
                    for (String q : asked) {
                        List<String> words = new ArrayList<>();
                        Matcher m = Pattern.compile("[\\p{L}\\p{N}]+").matcher(q.toLowerCase(java.util.Locale.ROOT));
                        while (m.find()) {
                            words.add("\"" + m.group() + "\"");
                        }
                        ps.setString(1, sqlite ? String.join(" OR ", words) : q);
                        if (sqlite) {
                            ps.setString(2, project.toString());
                        } else {
                            ps.setObject(2, project);
                        }
                        long t = System.nanoTime();
                        try (var rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rs.getString(1);
                            }
                        }
                        if (round == 1) {
                            add(name, (System.nanoTime() - t) / 1e6);
                        }
                    }
                }
            }
        }

        void print() {
            System.out.println("\nceilings in this JVM (one thread), per query:");
            millis.forEach((what, values) -> {
                List<Double> sorted = new ArrayList<>(values);
                Collections.sort(sorted);
                System.out.printf("  %-52s p50 %7.2f ms  p99 %7.2f ms%n", what, sorted.get(sorted.size() / 2),
                        sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)));
            });
        }
    }

    /** The model embedding each query, and an exact scan of {@code n} vectors (made as the populated ones are). */
    private static Ceilings ceilings(EmbeddingModel raw, EmbeddingModel rawAsService, EmbeddingModels model,
            List<String> queries, Embedded base, int n) {
        Ceilings ceilings = new Ceilings();
        List<float[]> queryVectors = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (String q : queries) {
                long t = System.nanoTime();
                float[] v = raw.embed(model.queryPrefix() + q).content().vector();
                if (round == 1) {
                    ceilings.add("model embeds the query", (System.nanoTime() - t) / 1e6);
                    queryVectors.add(v);
                }
                t = System.nanoTime();
                rawAsService.embed(model.queryPrefix() + q);
                if (round == 1) {
                    ceilings.add("model embeds the query (the service's session)", (System.nanoTime() - t) / 1e6);
                }
            }
        }
        Random random = new Random(7);
        int dims = model.dimensions();
        float[] flat = new float[n * dims];
        for (int i = 0; i < n; i++) {
            float[] v = base.vectors().get(random.nextInt(base.vectors().size()));
            System.arraycopy(v, 0, flat, i * dims, dims);
        }
        for (int round = 0; round < 2; round++) {
            for (float[] q : queryVectors) {
                long t = System.nanoTime();
                java.util.PriorityQueue<float[]> best = new java.util.PriorityQueue<>((a, b) -> Float.compare(a[0], b[0]));
                for (int i = 0; i < n; i++) {
                    float score = Vectors.dot(flat, i * dims, q);
                    if (best.size() < 100) {
                        best.add(new float[] {score, i});
                    } else if (score > best.peek()[0]) {
                        best.poll();
                        best.add(new float[] {score, i});
                    }
                }
                if (round == 1) {
                    ceilings.add("exact scan of " + n + " vectors, best 100 (Vectors.dot)", (System.nanoTime() - t) / 1e6);
                }
            }
        }
        return ceilings;
    }
}
