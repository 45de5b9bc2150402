package routes.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * How the in-memory vector search was chosen: an exact scan of every vector against Lucene 9.12's HNSW graph, over
 * the same {@code bench.chunks} (100,000) vectors, made as RetrievalSpeedBench makes them (each the normalised sum of
 * three real embeddings of Cranfield texts, with a little noise), queried with the 225 Cranfield queries embedded by
 * the same model: p50/p99 per query on one thread, HNSW's recall@10 against the exact answer, and what each costs to
 * build; and pgvector's HNSW recall on PGlite over the first {@code bench.pgvectorChunks} (20,000) of them.
 */
public final class VectorIndexChoiceBench {

    private VectorIndexChoiceBench() {
    }

    public static void main(String[] args) throws Exception {
        Cranfield collection = Cranfield.load(Cranfield.dir());
        int n = Integer.getInteger("bench.chunks", 100_000);
        int dims = 384;
        EmbeddingModel model = new BgeSmallEnV15QuantizedEmbeddingModel();
        List<String> texts = collection.corpus().values().stream().map(Cranfield.Doc::content)
                .filter(t -> !t.isBlank()).limit(400).toList();
        List<float[]> base = new ArrayList<>();
        model.embedAll(texts.stream().map(TextSegment::from).toList()).content().forEach(e -> base.add(e.vector()));
        List<float[]> queries = new ArrayList<>();
        for (String q : collection.queries().values()) {
            queries.add(model.embed("Represent this sentence for searching relevant passages: " + q).content().vector());
        }
        Random random = new Random(42);
        float[] flat = new float[n * dims];
        for (int i = 0; i < n; i++) {
            float[] v = new float[dims];
            for (int part = 0; part < 3; part++) {
                float[] b = base.get(random.nextInt(base.size()));
                for (int k = 0; k < dims; k++) {
                    v[k] += b[k] + (float) (random.nextGaussian() * 0.02);
                }
            }
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            for (int k = 0; k < dims; k++) {
                flat[i * dims + k] = (float) (v[k] / Math.sqrt(norm));
            }
        }
        System.out.printf("%d vectors of %d dimensions, %d queries, %d cores, Java %s%n%n", n, dims, queries.size(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        List<int[]> exact = new ArrayList<>();
        List<Double> exactMs = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            exact.clear();
            exactMs.clear();
            for (float[] q : queries) {
                long t = System.nanoTime();
                exact.add(exactTop(flat, dims, q, 10));
                exactMs.add((System.nanoTime() - t) / 1e6);
            }
        }
        print("exact scan (as the service's VectorIndex)", exactMs, 1.0, 0);

        int pgvectorChunks = Integer.getInteger("bench.pgvectorChunks", 20_000);
        if (pgvectorChunks > 0) {
            pgvector(flat, dims, queries, pgvectorChunks);
        }

        try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            long t0 = System.nanoTime();
            try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig().setRAMBufferSizeMB(512))) {
                for (int i = 0; i < n; i++) {
                    Document doc = new Document();
                    doc.add(new StoredField("i", i));
                    float[] v = new float[dims];
                    System.arraycopy(flat, i * dims, v, 0, dims);
                    doc.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.DOT_PRODUCT));
                    writer.addDocument(doc);
                }
                writer.forceMerge(1);
            }
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                for (String each : System.getProperty("bench.candidates", "10,50,100,200,400").split(",")) {
                    int candidates = Integer.parseInt(each.trim());
                    List<Double> ms = new ArrayList<>();
                    double recall = 0;
                    for (int round = 0; round < 2; round++) {
                        ms.clear();
                        recall = 0;
                        for (int qi = 0; qi < queries.size(); qi++) {
                            long t = System.nanoTime();
                            ScoreDoc[] hits = searcher.search(new KnnFloatVectorQuery("v", queries.get(qi), candidates),
                                    candidates).scoreDocs;
                            ms.add((System.nanoTime() - t) / 1e6);
                            List<Integer> top = new ArrayList<>();
                            for (int h = 0; h < Math.min(10, hits.length); h++) {
                                top.add(searcher.storedFields().document(hits[h].doc).getField("i").numericValue()
                                        .intValue());
                            }
                            int found = 0;
                            for (int e : exact.get(qi)) {
                                found += top.contains(e) ? 1 : 0;
                            }
                            recall += found / 10.0;
                        }
                    }
                    print("Lucene HNSW, " + candidates + " candidates", ms, recall / queries.size(), buildSeconds);
                }
            }
        }
    }

    /**
     * pgvector's HNSW index (what the service uses when PostgreSQL has the extension), on PGlite (PostgreSQL 18 with
     * pgvector 0.8, WebAssembly: its speed says nothing of a real server, its recall does): recall@10 against the exact
     * answer over the first {@code n} vectors, at the default ef_search (40) and at the service's (200 for its
     * 100 candidates).
     */
    private static void pgvector(float[] flat, int dims, List<float[]> queries, int n) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cortex-pgvector-bench");
        try (routes.support.PgliteServer pglite = routes.support.PgliteServer.startOrAbort(dir);
                java.sql.Connection c = java.sql.DriverManager.getConnection(pglite.jdbcUrl());
                java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS vector");
            s.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, e vector(" + dims + "))");
            long t0 = System.nanoTime();
            for (int from = 0; from < n; from += 200) {
                StringBuilder sql = new StringBuilder("INSERT INTO v VALUES ");
                for (int i = from; i < Math.min(n, from + 200); i++) {
                    float[] v = new float[dims];
                    System.arraycopy(flat, i * dims, v, 0, dims);
                    sql.append(i == from ? "" : ",").append('(').append(i).append(", '")
                            .append(routes.search.Vectors.literal(v)).append("')");
                }
                s.execute(sql.toString());
            }
            s.execute("CREATE INDEX ON v USING hnsw (e vector_cosine_ops)");
            double build = (System.nanoTime() - t0) / 1e9;
            float[] part = java.util.Arrays.copyOf(flat, n * dims);
            for (int ef : new int[] {40, 200}) {
                s.execute("SET hnsw.ef_search = " + ef);
                double recall = 0;
                for (float[] q : queries) {
                    int[] exact = exactTop(part, dims, q, 10);
                    List<Integer> found = new ArrayList<>();
                    try (java.sql.ResultSet rs = s.executeQuery("SELECT id FROM v ORDER BY e <=> '"
                            + routes.search.Vectors.literal(q) + "' LIMIT 10")) {
                        while (rs.next()) {
                            found.add(rs.getInt(1));
                        }
                    }
                    int hits = 0;
                    for (int e : exact) {
                        hits += found.contains(e) ? 1 : 0;
                    }
                    recall += hits / 10.0;
                }
                System.out.printf("pgvector HNSW (PGlite), %d vectors, ef_search %d: recall@10 %.3f (insert and build %.0f s)%n",
                        n, ef, recall / queries.size(), build);
            }
        } finally {
            routes.source.Trees.delete(dir);
        }
    }

    private static int[] exactTop(float[] flat, int dims, float[] q, int k) {
        PriorityQueue<float[]> best = new PriorityQueue<>((a, b) -> Float.compare(a[0], b[0]));
        int n = flat.length / dims;
        for (int i = 0; i < n; i++) {
            float score = routes.search.Vectors.dot(flat, i * dims, q);
            if (best.size() < k) {
                best.add(new float[] {score, i});
            } else if (score > best.peek()[0]) {
                best.poll();
                best.add(new float[] {score, i});
            }
        }
        return best.stream().mapToInt(a -> (int) a[1]).toArray();
    }

    private static void print(String what, List<Double> ms, double recall, double buildSeconds) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        System.out.printf("%-44s p50 %6.2f ms  p99 %6.2f ms  recall@10 %.3f  build %.0f s%n", what,
                sorted.get(sorted.size() / 2), sorted.get(sorted.size() * 99 / 100), recall, buildSeconds);
    }
}
